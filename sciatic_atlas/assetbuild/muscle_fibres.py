"""Each muscle's fibre coordinate: where a vertex lies across the belly's fascicles.

An atlas plate draws a muscle as fine parallel fascicles along its fibres. The renderer
draws faint stripes at equal steps of a per-vertex coordinate
(:mod:`sciatic_atlas.render.striations`), so the coordinate must stay constant along a
fibre and grow across the fibres.

A lofted belly (spindle, sheet, fan, wrap, attachment band: every one is
:func:`~sciatic_atlas.assetbuild.mesh_ops.loft_closed` rings around its actuator path or
paths) has the fibres built in: the j-th point of every ring lies on one line from
origin to insertion. The coordinate is the distance (mm) round the ring from its first
point at the belly's typical girth (the 85th percentile of the ring perimeters, as
render/shading.py takes a typical belly radius), *folded*: it rises from 0 at ring point
0 to half the girth at the opposite point and falls back, so it is continuous all round
(no seam where an angle wraps; a texture coordinate interpolates across every triangle).
A fanned muscle's rings run across its deep face and back over its superficial one, so
its fibres are its actuator lines, spread, and the fold lies on its free edges.

A re-skinned belly (:mod:`~sciatic_atlas.assetbuild.muscle_implicit`) takes the value of
the closest point of the lofted surface it was made from. A bundle (merged lumbar
fascicles) has no rings: the angle round its centreline (a frame carried along it
without twisting) stands in for the ring position.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv
from scipy.spatial import cKDTree

GIRTH_PERCENTILE = 85  # a typical belly girth, not the widest bulge
DECIMALS = 2  # stored to 0.01 mm: reproducible, far finer than a stripe


def loft_layout(n_vertices: int, faces: np.ndarray) -> int | None:
    """Return the points per ring of a ``loft_closed`` mesh, or None if it is not one.

    A lofted mesh is pole, ``R`` rings of ``K`` points, pole; each pole is shared by the
    ``K`` triangles of its cap.
    """
    k = int(np.count_nonzero((faces == 0).any(axis=1)))
    last = int(np.count_nonzero((faces == n_vertices - 1).any(axis=1)))
    if k < 3 or last != k or (n_vertices - 2) % k:
        return None
    return k


def from_rings(vertices: np.ndarray, k: int) -> np.ndarray:
    """Return the folded fibre coordinate (mm) of a lofted mesh with ``k`` points a ring."""
    rings = np.asarray(vertices[1:-1], float).reshape(-1, k, 3)
    perimeter = np.linalg.norm(rings - np.roll(rings, -1, axis=1), axis=2).sum(axis=1)
    girth = float(np.percentile(perimeter, GIRTH_PERCENTILE))
    j = np.arange(k) / k
    ring = np.minimum(j, 1.0 - j) * girth
    pole = float(ring.mean())
    return np.concatenate([[pole], np.tile(ring, len(rings)), [pole]])


def around_centreline(vertices: np.ndarray, centreline: np.ndarray) -> np.ndarray:
    """Return the folded coordinate (mm) from the angle round ``centreline`` (K x 3).

    The frame is carried along the path by parallel transport, so it does not twist;
    the girth is 2 pi times a typical distance of the vertices from the path.
    """
    path = np.asarray(centreline, float)
    tang = np.gradient(path, axis=0)
    tang /= np.maximum(np.linalg.norm(tang, axis=1, keepdims=True), 1e-9)
    ref = np.eye(3)[int(np.argmin(np.abs(tang[0])))]
    normal = np.empty_like(path)
    for i, t in enumerate(tang):
        ref = ref - (ref @ t) * t
        ref /= max(np.linalg.norm(ref), 1e-9)
        normal[i] = ref
    binormal = np.cross(tang, normal)
    idx = cKDTree(path).query(vertices)[1]
    off = np.asarray(vertices, float) - path[idx]
    off -= np.sum(off * tang[idx], axis=1, keepdims=True) * tang[idx]
    angle = np.arctan2(np.sum(off * binormal[idx], axis=1), np.sum(off * normal[idx], axis=1))
    radius = np.linalg.norm(off, axis=1)
    girth = 2.0 * np.pi * float(np.percentile(radius, GIRTH_PERCENTILE))
    return np.abs(angle) / (2.0 * np.pi) * girth


def transferred(vertices: np.ndarray, source_vertices: np.ndarray, source_faces: np.ndarray,
                values: np.ndarray) -> np.ndarray:
    """Return ``values`` (one per source vertex) at the closest points of the source surface."""
    source = pv.PolyData(np.asarray(source_vertices, float),
                         faces=np.column_stack([np.full(len(source_faces), 3), source_faces]).ravel())
    cells, closest = source.find_closest_cell(np.asarray(vertices, float), return_closest_point=True)
    tri = np.asarray(source_faces)[cells]
    a, b, c = (np.asarray(source_vertices, float)[tri[:, i]] for i in range(3))
    weights = _barycentric(closest, a, b, c)
    return np.sum(weights * np.asarray(values, float)[tri], axis=1)


def _barycentric(p: np.ndarray, a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """Return (N, 3) barycentric weights of points ``p`` in triangles ``abc`` (clipped, summing to 1)."""
    e0, e1, e2 = b - a, c - a, p - a
    d00, d01, d11 = (e0 * e0).sum(1), (e0 * e1).sum(1), (e1 * e1).sum(1)
    d20, d21 = (e2 * e0).sum(1), (e2 * e1).sum(1)
    den = d00 * d11 - d01 * d01
    den = np.where(np.abs(den) > 1e-12, den, 1.0)
    v = (d11 * d20 - d01 * d21) / den
    w = (d00 * d21 - d01 * d20) / den
    out = np.clip(np.column_stack([1.0 - v - w, v, w]), 0.0, 1.0)
    return out / np.maximum(out.sum(axis=1, keepdims=True), 1e-12)


def fibre_coordinate(vertices: np.ndarray, faces: np.ndarray, centreline: np.ndarray,
                     lofted: bool) -> np.ndarray:
    """Return the folded fibre coordinate (mm) of a built belly: from its rings if ``lofted``."""
    k = loft_layout(len(vertices), np.asarray(faces)) if lofted else None
    return from_rings(vertices, k) if k else around_centreline(vertices, centreline)


def stored(values: np.ndarray) -> np.ndarray:
    """Return the coordinate as it is written to ``assets/fibres.npz`` (float32, rounded)."""
    return np.round(np.asarray(values, float), DECIMALS).astype(np.float32)
