"""Per-vertex body weights (``assets/skinning.npz``): how soft structures follow a pose.

The build (``assetbuild/skinning.py``) says how they are made: MakeHuman's weights for
the skin, nearness to each body's bones for muscles, nerves, discs, centrelines and
landmarks. Here they are read once and turned into blends of body motions.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np

from sciatic_atlas.anatomy.data_files import read_npz
from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.paths import REBUILD_HINT


class Skinning:
    """The weights file of one assets folder, read on first use."""

    def __init__(self, path: Path, bodies: tuple[str, ...]):
        self.path = path
        self.bodies = bodies  # the body each weight index names

    @functools.cached_property
    def _arrays(self) -> dict[str, np.ndarray]:
        if not self.bodies:
            raise AtlasDataError(f"model.json lists no skinning bodies, so nothing can be posed: {REBUILD_HINT}")
        return read_npz(self.path, (), every=True, kind="skinning file")

    def has(self, key: str) -> bool:
        """Return whether ``key`` (a mesh id, ``centreline:<id>`` or ``landmarks``) has weights."""
        return f"{key}:bodies" in self._arrays

    def weights(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(bodies, weights)``: (N, K) indices into :attr:`bodies` and (N, K) weights."""
        try:
            return self._arrays[f"{key}:bodies"].astype(np.intp), self._arrays[f"{key}:weights"].astype(np.float64)
        except KeyError:
            raise AtlasDataError(f"{self.path} has no weights for '{key}': {REBUILD_HINT}") from None


def blend(points: np.ndarray, bodies: np.ndarray, weights: np.ndarray, motions: np.ndarray,
          rotate_only: bool = False) -> np.ndarray:
    """Return ``points`` moved by linear blend skinning (``rotate_only``: directions, turned only).

    Parameters
    ----------
    points : (N, 3) neutral positions, mm
    bodies, weights : (N, K) body indices and weights (rows sum to 1)
    motions : (B, 4, 4) each body's motion, indexed as ``bodies``
    """
    points = np.asarray(points, np.float64)
    out = np.zeros_like(points)
    for b in np.unique(bodies[weights > 0]):
        w = np.where(bodies == b, weights, 0.0).sum(axis=1)
        keep = w > 0
        m = motions[b]
        moved = points[keep] @ m[:3, :3].T
        out[keep] += w[keep, None] * (moved if rotate_only else moved + m[:3, 3])
    return out
