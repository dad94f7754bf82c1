"""Keep posed soft tissue out of bone: vertices a pose drives into a bone are pushed back out.

Blend skinning bends a muscle or nerve round a joint by mixing its bones' motions; in deep
flexion (the knee at 120°, the hip at 120°) that mix can carry a vertex into a condyle or a
tuberosity. Bones are rigid, so each is searched in its own standing frame: a soft vertex is
taken into that frame, its nearest bone vertex found, and when it lies behind that vertex's
outward normal it is moved out along the normal to ``CLEARANCE_MM`` above the surface.

The test by the nearest vertex's normal is an approximation (good on the convex surfaces
joints have, loose in deep concavities); ``tests/anatomy/test_posed.py`` measures the share
of soft vertices inside bone with an exact inside test before and after.
"""

from __future__ import annotations

import functools

import numpy as np

CLEARANCE_MM = 1.0
REACH_MM = 25.0  # only vertices this near a bone surface are tested
MAX_DEPTH_MM = 12.0


@functools.lru_cache(maxsize=2)
def bone_surfaces(model) -> dict[str, tuple]:
    """Return, per body, a search tree over its standing bone vertices and their outward normals."""
    from scipy.spatial import cKDTree

    points: dict[str, list] = {}
    normals: dict[str, list] = {}
    for sid in model.structure_ids:
        info = model.structure(sid)
        if info.kind != "bone" or not model.has_mesh(sid):
            continue
        body = info.body if info.body in model.bodies else info.body.rsplit("_", 1)[0]
        mesh = model.mesh(sid)
        points.setdefault(body, []).append(np.asarray(mesh.vertices, float))
        normals.setdefault(body, []).append(np.asarray(mesh.normals, float))
    out = {}
    for body in points:
        pts = np.vstack(points[body])
        out[body] = (cKDTree(pts), np.vstack(normals[body]), pts.min(axis=0) - REACH_MM, pts.max(axis=0) + REACH_MM)
    return out


GAP_CAP_MM = 40.0  # standing gaps are measured up to this (farther counts as this: conservative, and fast)


def standing_gaps(neutral: np.ndarray, surfaces: dict[str, tuple], body: str) -> np.ndarray:
    """Return each standing vertex's distance (mm) to the bone of ``body``, at most :data:`GAP_CAP_MM`."""
    tree = surfaces[body][0]
    gaps = tree.query(np.asarray(neutral, float), distance_upper_bound=GAP_CAP_MM)[0]
    return np.minimum(gaps, GAP_CAP_MM)


def push_out(points: np.ndarray, motions: dict[str, np.ndarray], surfaces: dict[str, tuple],
             bodies: tuple[str, ...], neutral: np.ndarray | None = None, gaps=None,
             max_depth: float = MAX_DEPTH_MM) -> tuple[np.ndarray, int]:
    """Return ``points`` (posed, mm) moved out of the bones of ``bodies``, and how many moved.

    With ``neutral`` (the standing points) and ``gaps(body)`` (their standing distances to
    that body's bone), only points that moved, relative to the bone, at least as far as
    they stood from it are searched: nothing else can have reached inside it.
    """
    out = np.array(points, dtype=float)
    moved = np.zeros(len(out), bool)
    for body in bodies:
        if body not in surfaces:
            continue
        tree, normals, low, high = surfaces[body]
        motion = motions[body]
        rot, shift = motion[:3, :3], motion[:3, 3]
        local = (out - shift) @ rot  # into the body's standing frame (rot is orthonormal)
        boxed = ((local >= low) & (local <= high)).all(axis=1)  # cheap: near the bone's box
        if neutral is not None and gaps is not None:
            travel = np.linalg.norm(local - neutral, axis=1)
            boxed &= travel >= gaps(body) - CLEARANCE_MM
        boxed = np.flatnonzero(boxed)
        if not len(boxed):
            continue
        dist, found = tree.query(local[boxed], distance_upper_bound=REACH_MM)
        near = np.isfinite(dist)
        if not near.any():
            continue
        where = boxed[near]
        idx = np.zeros(len(local), np.intp)
        idx[where] = found[near]
        surface = tree.data[idx[where]]
        normal = normals[idx[where]]
        depth = ((local[where] - surface) * normal).sum(axis=1)
        # Deeper than MAX_DEPTH_MM is taken for a miss of the nearest-normal test (a concavity),
        # not pushed: a long push of one vertex would raise a spike on the surface.
        inside = (depth < 0.0) & (depth > -max_depth)
        if not inside.any():
            continue
        rows = where[inside]
        local[rows] += normal[inside] * (CLEARANCE_MM - depth[inside])[:, None]
        out[rows] = local[rows] @ rot.T + shift
        moved[rows] = True
    return out, int(moved.sum())
