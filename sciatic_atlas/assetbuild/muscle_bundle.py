"""Merge many thin fascicles into one smooth muscle mass (lumbar muscles, psoas).

The model splits multifidus, longissimus, iliocostalis, quadratus lumborum and
psoas into dozens of fascicles; drawn one by one they read as a bundle of strings.
Here each fascicle contributes a Gaussian "density" around its path, weighted by
its PCSA (a convolution surface); the iso-level is chosen so the enclosed volume
equals the summed fascicle volumes, and bone is carved out of the field before
the surface is extracted. Lengths in millimetres.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from sciatic_atlas.assetbuild.muscle_clearance import Obstacles

VOXEL = 2.5  # mm, grid spacing of the field
SIGMA = 7.0  # mm, width of each fascicle's Gaussian
BONE_CLEARANCE = 1.5  # mm, carved around bone
TARGET_TRIANGLES = 3000


def _segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ab = b - a
    t = np.clip((points - a) @ ab / max(float(ab @ ab), 1e-9), 0.0, 1.0)
    return np.linalg.norm(points - (a + t[..., None] * ab), axis=-1)


def _add_fascicle(field: np.ndarray, lo: np.ndarray, path: np.ndarray, weight: float,
                  pad: float) -> None:
    """Add one fascicle's Gaussian density to ``field`` (x, y, z indexed) in its own box."""
    i0 = np.maximum(np.floor((path.min(axis=0) - pad - lo) / VOXEL).astype(int), 0)
    i1 = np.minimum(np.ceil((path.max(axis=0) + pad - lo) / VOXEL).astype(int) + 1, field.shape)
    axes = [lo[k] + VOXEL * np.arange(i0[k], i1[k]) for k in range(3)]
    pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    d = np.full(pts.shape[:3], np.inf)
    for a, b in zip(path[:-1], path[1:]):
        d = np.minimum(d, _segment_distance(pts, a, b))
    field[i0[0]:i1[0], i0[1]:i1[1], i0[2]:i1[2]] += weight * np.exp(-0.5 * (d / SIGMA) ** 2)


def clip_below(path: np.ndarray, z_max: float) -> np.ndarray:
    """Return the part of a polyline with z <= ``z_max`` (crossings interpolated).

    Returns an empty (0, 3) array when no part lies below.
    """
    out = []
    for i, p in enumerate(path):
        if i > 0 and (path[i - 1][2] - z_max) * (p[2] - z_max) < 0:
            a = path[i - 1]
            out.append(a + (z_max - a[2]) / (p[2] - a[2]) * (p - a))
        if p[2] <= z_max:
            out.append(p)
    return np.asarray(out, dtype=float).reshape(-1, 3)


def _level(field: np.ndarray, n_vox: int) -> float:
    """Return the field value above which exactly ``n_vox`` voxels lie."""
    return float(np.partition(field, len(field) - n_vox)[len(field) - n_vox])


def bundle_surface(paths: list[np.ndarray], weights: np.ndarray, volume: float,
                   bone: Obstacles) -> pv.PolyData:
    """Return one closed smooth surface enclosing ``volume`` (mm^3) around ``paths``.

    Parameters
    ----------
    paths : list of (K, 3) arrays
        Fascicle paths (mm).
    weights : (F,) array
        Relative weight of each fascicle (its PCSA).
    volume : float
        Volume the surface must enclose (mm^3).
    bone : Obstacles
        Bone surfaces carved out of the field.
    """
    allp = np.vstack(paths)
    pad = 3.5 * SIGMA
    lo, hi = allp.min(axis=0) - pad, allp.max(axis=0) + pad
    dims = np.ceil((hi - lo) / VOXEL).astype(int) + 1
    grid = pv.ImageData(dimensions=dims, spacing=(VOXEL,) * 3, origin=lo)
    pts = np.asarray(grid.points)
    block = np.zeros(tuple(dims))
    w = np.asarray(weights, dtype=float) / max(float(np.max(weights)), 1e-9)
    for path, wi in zip(paths, w):
        _add_fascicle(block, lo, np.asarray(path, dtype=float), wi, pad)
    field = block.ravel(order="F")  # VTK image order: x varies fastest
    n_vox = min(max(int(round(volume / VOXEL**3)), 8), len(field) // 2)
    # Carving bone can only raise the level, so only voxels near or above the uncarved
    # level can end up inside the surface: test just those against the bone.
    live = np.flatnonzero(field >= 0.5 * _level(field, n_vox))
    inside_bone = bone.signed_distance(pts[live]) < BONE_CLEARANCE
    field[live[inside_bone]] = 0.0
    level = _level(field, n_vox)
    grid.point_data["density"] = field
    surf = grid.contour([level], scalars="density", method="flying_edges")
    surf = surf.connectivity("largest")
    surf.clear_data()
    surf = surf.clean().triangulate()
    surf = pv.PolyData(surf.points, faces=surf.faces).clean()  # drop degenerate lines/points
    if surf.n_cells > TARGET_TRIANGLES:
        surf = surf.decimate(1.0 - TARGET_TRIANGLES / surf.n_cells)
    surf = surf.smooth_taubin(n_iter=30, pass_band=0.05)
    return surf.clean().triangulate()
