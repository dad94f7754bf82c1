"""Keep the skin outside the deep structures with a smooth outward displacement field.

A per-vertex push (move each offending skin vertex out of the structure it is in)
leaves a lump wherever a muscle sticks out past a normal body outline, and it cannot
cover a bone that pokes through, because the nearest way out of a thin bone may be
inwards. Here the skin instead moves along its own (smoothed) normals by a scalar
offset field:

1. :func:`required_offsets`: every point of every deep structure (its vertices and
   triangle centres) that lies outside, or within ``margin`` of, the skin asks the
   skin vertices just over it to move out by its height above their tangent plane
   plus the margin. Skin vertices inside a structure are covered, since that
   structure's surface above them lies outside the skin.
2. :func:`swell`: the needed offsets become a smooth field, the upper envelope of
   smooth bumps, one per demanding vertex, whose radius grows with the push (a
   2 mm push spreads over 20 mm, a 15 mm push over 75 mm), then Laplacian-smoothed
   while never dropping below what is needed. A local bulge becomes a gentle swell.
3. :func:`push_outside` repeats this a few rounds (normals change as the skin moves)
   and ends with an exact check: skin vertices still inside a structure and deep
   vertices still outside the skin are fixed by one last, smaller swell.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.spatial import cKDTree

from sciatic_atlas.assetbuild.mesh_ops import SignedDistance, _uniform_laplacian, vertex_normals

log = logging.getLogger(__name__)

SEARCH_MM = 40.0  # deep points farther than this from every skin vertex are deep inside
NEIGHBOURS = 12  # skin vertices each deep point may push
FOOTPRINT_MM = 7.0  # ... if it lies over them: within this distance of their normal line
SPREAD_PER_MM = 5.0  # a bump's radius per mm of push
MIN_RADIUS_MM, MAX_RADIUS_MM = 20.0, 75.0
NEAREST_SLACK_MM = 5.0  # ... and is at most this much farther from it than the nearest skin vertex
MIN_SCALE = 0.25  # the least radius factor where ``scale`` is small
LEFTOVER_ROUNDS = 1  # exact inside tests after the sampled rounds (a second one rarely helps)
SAMPLE_MM = 4.0  # triangles with a longer edge also contribute their centre


def deep_points(deep: dict[str, tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Return sample points (mm) of the deep structures and the index of the structure of each.

    The samples are the vertices and the centres of triangles with an edge longer than
    ``SAMPLE_MM``, so no part of a surface is farther than about that from a sample.
    """
    pts, owner = [], []
    for k, (v, f) in enumerate(deep.values()):
        v = np.asarray(v, dtype=float)
        tri = v[np.asarray(f, dtype=np.int64)].reshape(-1, 3, 3)
        longest = np.linalg.norm(tri - np.roll(tri, 1, axis=1), axis=2).max(axis=1)
        samples = np.vstack([v, tri[longest > SAMPLE_MM].mean(axis=1)])
        pts.append(samples)
        owner.append(np.full(len(samples), k))
    return np.vstack(pts), np.concatenate(owner)


def required_offsets(points: np.ndarray, normals: np.ndarray, faces: np.ndarray, samples: np.ndarray,
                     margin: float) -> tuple[np.ndarray, np.ndarray]:
    """Return how far (mm) each skin vertex must move along its normal to cover ``samples``.

    Parameters
    ----------
    points, normals : ndarray
        Skin vertices (N, 3) mm and unit outward normals.
    faces : ndarray
        Skin triangles; a sample covered by more than ``margin`` (say, a muscle of the
        other thigh, across the gap from this one) asks for nothing.
    samples : ndarray
        Points (K, 3) mm of the deep structures.
    margin : float
        Least skin thickness over any deep point (mm).

    Returns
    -------
    need : ndarray
        (N,) mm, 0 where the skin already covers everything beneath it.
    culprit : ndarray
        (N,) index into ``samples`` of the point that set each vertex's need (-1: none).
    """
    tree = cKDTree(points)
    dist, _ = tree.query(samples, k=1, distance_upper_bound=SEARCH_MM)
    near = np.flatnonzero(np.isfinite(dist))
    need = np.zeros(len(points))
    culprit = np.full(len(points), -1)
    if not len(near):
        return need, culprit
    dk, idx = tree.query(samples[near], k=NEIGHBOURS, distance_upper_bound=SEARCH_MM)
    rows = np.repeat(near, NEIGHBOURS)
    cols = idx.ravel()
    # Only the skin nearest a sample covers it, not the skin across a gap (the other
    # thigh, the next toe), which would be pushed into this one.
    ok = (cols < len(points)) & (dk <= dk[:, :1] + NEAREST_SLACK_MM).ravel()
    rows, cols = rows[ok], cols[ok]
    d = samples[rows] - points[cols]
    height = np.einsum("ij,ij->i", d, normals[cols])
    across = np.linalg.norm(d - height[:, None] * normals[cols], axis=1)
    h = height + margin
    keep = (h > 0) & (across < FOOTPRINT_MM)
    rows, cols, h = rows[keep], cols[keep], h[keep]
    asking = np.unique(rows)
    depth = -SignedDistance(points, faces)(samples[asking])
    covered = asking[depth >= margin]
    keep = ~np.isin(rows, covered)
    rows, cols, h = rows[keep], cols[keep], h[keep]
    order = np.argsort(h)  # the largest need per vertex is written last
    need[cols[order]] = h[order]
    culprit[cols[order]] = rows[order]
    return need, culprit


def swell(points: np.ndarray, normals: np.ndarray, faces: np.ndarray, need: np.ndarray,
          scale: np.ndarray | None = None, smooth: int = 20) -> np.ndarray:
    """Return a smooth offset field (mm) that is at least ``need`` everywhere.

    Each vertex with a need raises a bump ``need * (1 - t^2)^2`` (``t`` = distance /
    radius, radius ``SPREAD_PER_MM`` x need, clipped) over the skin vertices facing the
    same way (so the other thigh is not lifted); the field is the upper envelope of
    the bumps, then smoothed with the need as a floor. ``scale`` (N,) 0..1 scales
    the field and (down to ``MIN_SCALE``) the radius: on the toes, pushing along the
    normals swells neighbouring toes into each other, so the toes keep their fitted
    shape (:func:`~sciatic_atlas.assetbuild.skin_fit.fit_toes`) and the push fades out
    towards them.
    """
    field = np.zeros(len(points))
    demanding = np.flatnonzero(need > 1e-3)
    if not len(demanding):
        return field
    tree = cKDTree(points)
    radius = np.clip(SPREAD_PER_MM * need[demanding], MIN_RADIUS_MM, MAX_RADIUS_MM)
    if scale is not None:
        radius = radius * np.maximum(scale[demanding], MIN_SCALE)
    balls = tree.query_ball_point(points[demanding], radius)
    sizes = np.fromiter((len(b) for b in balls), dtype=np.int64, count=len(balls))
    src = np.repeat(np.arange(len(demanding)), sizes)
    nb = np.concatenate(balls).astype(np.int64)
    j = demanding[src]
    t = np.linalg.norm(points[nb] - points[j], axis=1) / radius[src]
    facing = np.clip(np.einsum("ij,ij->i", normals[nb], normals[j]), 0.0, 1.0)
    np.maximum.at(field, nb, need[j] * (1.0 - t**2) ** 2 * facing)
    lap = _uniform_laplacian(len(points), faces)
    rate = 0.5 if scale is None else 0.5 * np.maximum(scale, MIN_SCALE)
    for _ in range(smooth):
        field = np.maximum(field + rate * (lap @ field), need)
    return field if scale is None else field * scale


def _smoothed_normals(points: np.ndarray, faces: np.ndarray, passes: int = 4) -> np.ndarray:
    """Return vertex normals averaged over a few rings, so pushes do not cross."""
    n = vertex_normals(points, faces)
    lap = _uniform_laplacian(len(points), faces)
    for _ in range(passes):
        n = n + 0.5 * (lap @ n)
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def push_outside(points: np.ndarray, faces: np.ndarray, deep: dict[str, tuple[np.ndarray, np.ndarray]],
                 margin: float, scale: np.ndarray | None = None,
                 rounds: int = 3) -> tuple[np.ndarray, dict[str, float]]:
    """Move the skin outwards, smoothly, until it covers every deep structure by ``margin`` mm.

    Parameters
    ----------
    points, faces : ndarray
        The skin (N, 3) mm and its triangles (outward winding).
    deep : dict
        Structure id -> (vertices, faces) of the bones, muscles and nerves to cover.
    margin : float
        Least skin thickness over any deep point (mm).
    scale : ndarray, optional
        (N,) 0..1, how much each vertex may move (0 on the toes); see :func:`swell`.
    rounds : int
        Needed-offset / swell rounds.

    Returns
    -------
    points : ndarray
        The moved vertices.
    moved : dict
        Structure id -> the largest push it caused (mm), for the build log.
    """
    pts = np.asarray(points, dtype=float).copy()
    faces = np.asarray(faces, dtype=np.int64)
    names = list(deep)
    samples, owner = deep_points(deep)
    # Structures that run on above the capped cut (the back muscles) are cut with it.
    below = samples[:, 2] < pts[:, 2].max() - 2.0 * margin
    samples, owner = samples[below], owner[below]
    moved: dict[str, float] = {}
    for _ in range(rounds):
        normals = _smoothed_normals(pts, faces)
        need, culprit = required_offsets(pts, normals, faces, samples, margin)
        if need.max() < 0.05:
            break
        for k in np.unique(owner[culprit[culprit >= 0]]):
            sid = names[k]
            moved[sid] = max(moved.get(sid, 0.0), float(need[(culprit >= 0) & (owner[np.maximum(culprit, 0)] == k)].max()))
        pts += swell(pts, normals, faces, need, scale)[:, None] * normals
    for _ in range(LEFTOVER_ROUNDS):
        pts = _cover_leftovers(pts, faces, deep, margin, scale)
    return pts, moved


def _cover_leftovers(pts: np.ndarray, faces: np.ndarray, deep: dict[str, tuple[np.ndarray, np.ndarray]],
                     margin: float, scale: np.ndarray | None) -> np.ndarray:
    """Fix what the sampled rounds missed: skin vertices inside a structure (exact test)."""
    need = np.zeros(len(pts))
    normals = _smoothed_normals(pts, faces)
    for v, f in deep.values():
        v = np.asarray(v, dtype=float)
        if len(f) < 4:
            continue
        near = np.flatnonzero(((pts >= v.min(axis=0)) & (pts <= v.max(axis=0))).all(axis=1))
        if not len(near):
            continue
        field = SignedDistance(v, np.asarray(f, dtype=np.int64))
        inside = near[field.inside(pts[near])]
        if not len(inside):
            continue
        # Depth below the structure's surface along the normal: march out until clear.
        depth = np.zeros(len(inside))
        todo = np.ones(len(inside), dtype=bool)
        for step in np.arange(1.0, 31.0, 1.0):
            if not todo.any():
                break
            probe = pts[inside[todo]] + step * normals[inside[todo]]
            out = ~field.inside(probe)
            cleared = np.flatnonzero(todo)[out]
            depth[cleared] = step
            todo[cleared] = False
        need[inside] = np.maximum(need[inside], depth + margin)
    if scale is not None:
        need[scale <= 0.0] = 0.0  # vertices that may not move (toes, the cut) are left
    if need.any():
        log.info("skin: %d vertices still inside a structure; last swell up to %.1f mm",
                 int((need > 0).sum()), need.max())
        pts = pts + swell(pts, normals, faces, need, scale)[:, None] * normals
    return pts
