"""Tissue-plane probes for the anatomy tests: is a nerve covered by a muscle, is it inside one.

Independent of the build's own steering code (:mod:`sciatic_atlas.assetbuild.nerve_planes`):
rays come from PyVista's ``ray_trace`` and insideness from ray parity
(:class:`sciatic_atlas.assetbuild.mesh_ops.SignedDistance`, VTK's enclosed-points test).
"""

from __future__ import annotations

import functools

import numpy as np

from sciatic_atlas.assetbuild.mesh_ops import SignedDistance


@functools.cache
def _poly(model, sid: str):
    import pyvista as pv

    mesh = model.mesh(sid)
    faces = np.asarray(mesh.faces, np.int64)
    return pv.PolyData(np.asarray(mesh.vertices, float), np.hstack([np.full((len(faces), 1), 3), faces]).ravel())


def stretch(path: np.ndarray, z_low: float, z_high: float) -> np.ndarray:
    """Return the points of ``path`` with height between ``z_low`` and ``z_high`` (mm)."""
    return path[(path[:, 2] >= z_low) & (path[:, 2] <= z_high)]


def covered(model, sid: str, points: np.ndarray, sign: int, reach: float = 120.0) -> float:
    """Return the fraction of ``points`` from which a ray along ``sign * +y`` hits ``sid``.

    ``sign=+1`` looks posterior (is the muscle superficial to the nerve, from behind);
    ``sign=-1`` looks anterior (does the nerve lie on the muscle).
    """
    poly = _poly(model, sid)
    hit = [len(poly.ray_trace(p, p + np.array([0.0, sign * reach, 0.0]))[0]) > 0 for p in points]
    return float(np.mean(hit)) if len(hit) else float("nan")


def depth_inside(model, sid: str, points: np.ndarray) -> float:
    """Return how deep (mm) the deepest of ``points`` lies inside ``sid`` (0 when none is)."""
    mesh = model.mesh(sid)
    d = SignedDistance(mesh.vertices, mesh.faces)(points)
    return float(max(0.0, -d.min())) if len(points) else 0.0


def chord_turns(line: np.ndarray, span: float) -> np.ndarray:
    """Return the angles (degrees) between successive chords of ``line`` about ``span`` mm long.

    A chord joins points ``w`` steps apart (``w`` = ``span`` over the median step, at least 1),
    so ``span=0`` gives the turn between successive steps.
    """
    step = np.median(np.linalg.norm(np.diff(line, axis=0), axis=1))
    w = max(1, int(round(span / step)))
    chord = line[w:] - line[:-w]
    chord /= np.linalg.norm(chord, axis=1)[:, None]
    return np.degrees(np.arccos(np.clip((chord[:-w] * chord[w:]).sum(axis=1), -1.0, 1.0)))
