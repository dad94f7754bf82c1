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

    def plan(self, key: str) -> "BlendPlan":
        """Return (once) the blend plan of ``key``'s weights: what :func:`apply_plan` needs."""
        plans = self.__dict__.setdefault("_plans", {})
        if key not in plans:
            plans[key] = make_plan(*self.weights(key))
        return plans[key]


class BlendPlan:
    """Skinning weights laid out for fast blending: the bodies used and one weight column each."""

    def __init__(self, used: np.ndarray, dense: np.ndarray):
        self.used = used  # (U,) body indices
        self.dense = dense  # (N, U) weights

    def __len__(self) -> int:
        return len(self.dense)


def make_plan(bodies: np.ndarray, weights: np.ndarray) -> BlendPlan:
    """Return the :class:`BlendPlan` of (N, K) body indices and weights."""
    used = np.unique(bodies[weights > 0])
    dense = np.zeros((len(bodies), len(used)))
    for column, body in enumerate(used):
        dense[:, column] = np.where(bodies == body, weights, 0.0).sum(axis=1)
    return BlendPlan(used, dense)


def apply_plan(plan: BlendPlan, points: np.ndarray, motions: np.ndarray, rotate_only: bool = False) -> np.ndarray:
    """Return ``points`` moved by the blend of ``plan`` (``rotate_only``: directions, turned only)."""
    points = np.asarray(points, np.float64)
    out = np.zeros_like(points)
    for column, body in enumerate(plan.used):  # a few bodies per structure: one matrix product each
        motion = motions[body]
        moved = points @ motion[:3, :3].T
        if not rotate_only:
            moved += motion[:3, 3]
        out += plan.dense[:, column:column + 1] * moved
    return out
