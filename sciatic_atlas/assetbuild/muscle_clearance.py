"""Keep muscle bellies out of bone and out of the deeper muscles they lie on.

Owns the signed distance to a set of closed obstacle surfaces (bones, deeper
muscles) and the push that moves surface vertices with too small a distance out
to a clearance, alternated with volume-preserving smoothing so the pushed belly
stays smooth (issue 3: "bellies that cut through bone need pushing out along the
bone distance field, deep layers first"). Lengths in millimetres.
"""

from __future__ import annotations

import logging

import numpy as np
import pyvista as pv
from scipy.spatial import cKDTree

from sciatic_atlas.anatomy.easing import smoothstep

log = logging.getLogger(__name__)


def polydata(vertices: np.ndarray, faces: np.ndarray) -> pv.PolyData:
    """Return a PyVista triangle surface from vertex and face arrays."""
    cells = np.hstack([np.full((len(faces), 1), 3), faces]).ravel()
    return pv.PolyData(np.asarray(vertices, dtype=float), cells)


def oriented(surface: pv.PolyData) -> pv.PolyData:
    """Return ``surface`` cleaned, triangulated and with consistent outward normals."""
    surf = surface.triangulate().clean()
    return surf.compute_normals(consistent_normals=True, auto_orient_normals=True,
                                split_vertices=False, cell_normals=False)


SAMPLE_SPACING = 3.5  # mm, largest gap between surface samples of an obstacle
VOTERS = 4  # nearest samples whose normals vote on the sign of the distance
REACH = 30.0  # mm; points farther than this from every obstacle surface count as outside


def surface_samples(surface: pv.PolyData, spacing: float = SAMPLE_SPACING):
    """Return sample points on a surface and their outward normals.

    The samples are the vertices (with their normals) plus, in triangles whose
    longest edge exceeds ``spacing``, interior points about ``spacing`` apart.
    """
    pts = np.asarray(surface.points, dtype=float)
    tri = np.asarray(surface.faces).reshape(-1, 4)[:, 1:]
    a, b, c = pts[tri[:, 0]], pts[tri[:, 1]], pts[tri[:, 2]]
    normal = np.cross(b - a, c - a)
    vnormal = np.zeros_like(pts)
    for k in range(3):  # area-weighted vertex normals
        np.add.at(vnormal, tri[:, k], normal)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    vnormal /= np.maximum(np.linalg.norm(vnormal, axis=1, keepdims=True), 1e-12)
    longest = np.max([np.linalg.norm(b - a, axis=1), np.linalg.norm(c - b, axis=1),
                      np.linalg.norm(a - c, axis=1)], axis=0)
    n_sub = np.clip(np.ceil(longest / spacing).astype(int), 1, 40)
    out_p, out_n = [pts], [vnormal]
    for n in np.unique(n_sub[n_sub > 1]):
        sel = n_sub == n
        i, j = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        keep = (i + j <= n) & ~(((i == 0) | (i == n)) & (j == 0) | ((i == 0) & (j == n)))
        u, v = (i[keep] / n)[None, :, None], (j[keep] / n)[None, :, None]
        p = a[sel, None] + u * (b[sel] - a[sel])[:, None] + v * (c[sel] - a[sel])[:, None]
        out_p.append(p.reshape(-1, 3))
        out_n.append(np.repeat(normal[sel], p.shape[1], axis=0))
    return np.vstack(out_p), np.vstack(out_n)


def merge_coincident(points: np.ndarray, normals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge samples at the same place (to 1e-6 mm) into one with their mean normal.

    A sample on an edge is made once by each triangle beside it, with that triangle's
    normal. Left as twins, which one a nearest-neighbour query returns depended on the
    k-d tree, that is on every other bone in it: raising the iliac crest moved the
    vastus lateralis by 2 mm. Merged, a point's nearest sample is its own.
    """
    uniq, inverse = np.unique(np.round(points, 6), axis=0, return_inverse=True)
    summed = np.zeros_like(uniq)
    np.add.at(summed, inverse.ravel(), normals)
    return uniq, summed / np.maximum(np.linalg.norm(summed, axis=1, keepdims=True), 1e-12)


class Obstacles:
    """Closed surfaces that muscles must stay outside of.

    The surfaces are sampled densely; a point's distance is that to its nearest
    sample, and its sign follows the sample's outward face normal. This is
    vectorised (a k-d tree), accurate to about half the sample spacing, and needs
    only consistently oriented faces, not a perfectly closed surface.

    Parameters
    ----------
    surfaces : list of pyvista.PolyData
        Closed (or nearly closed) surfaces; their normals are oriented outward.
    """

    def __init__(self, surfaces: list[pv.PolyData]):
        surfaces = [oriented(s) for s in surfaces if s.n_cells]
        self.empty = not surfaces
        if self.empty:
            return
        samples = [surface_samples(s) for s in surfaces]
        self._points, self._normals = merge_coincident(np.vstack([p for p, _ in samples]),
                                                       np.vstack([n for _, n in samples]))
        self._tree = cKDTree(self._points)

    def nearest(self, points: np.ndarray, reach: float = REACH):
        """Return signed distance (mm), nearest surface point and its outward normal.

        Points farther than ``reach`` mm from every surface get an infinite distance.
        """
        points = np.asarray(points, dtype=float).reshape(-1, 3)
        d, idx = self._tree.query(points, k=VOTERS, distance_upper_bound=reach)
        far = ~np.isfinite(d[:, 0])
        idx = np.where(np.isfinite(d), idx, idx[:, :1])  # fewer than k in reach: reuse nearest
        idx[far] = 0
        q = self._points[idx[:, 0]]
        n = self._normals[idx[:, 0]]
        # The sign is a vote of the k nearest samples' normals: one sample on the far
        # side of a thin plate or a sharp edge cannot flip it on its own.
        votes = np.einsum("ikj,ikj->ik", points[:, None, :] - self._points[idx], self._normals[idx])
        sign = np.where(np.sum(np.sign(votes), axis=1) < 0, -1.0, 1.0)
        sd = np.where(far, np.inf, sign * d[:, 0])
        return sd, q, n

    def signed_distance(self, points: np.ndarray) -> np.ndarray:
        """Return the signed distance (mm) of each point; negative inside an obstacle."""
        points = np.asarray(points, dtype=float).reshape(-1, 3)
        if self.empty or len(points) == 0:
            return np.full(len(points), np.inf)
        return self.nearest(points)[0]

    def closest_points(self, points: np.ndarray) -> np.ndarray:
        """Return the nearest obstacle surface point (mm) to each of ``points``."""
        return self.nearest(np.asarray(points, dtype=float).reshape(-1, 3))[1]

    def push_out(self, points: np.ndarray, clearance: float) -> tuple[np.ndarray, int]:
        """Move points closer than ``clearance`` (or inside) to ``clearance`` outside.

        A point moves to its nearest surface point plus ``clearance`` along that
        point's outward normal. Returns the moved points and how many moved.
        """
        if self.empty:
            return points, 0
        d, q, n = self.nearest(points)
        idx = np.flatnonzero(d < clearance)
        if len(idx) == 0:
            return points, 0
        out = points.copy()
        out[idx] = q[idx] + n[idx] * clearance
        return out, len(idx)


def held(points: np.ndarray, required: np.ndarray, bone: Obstacles, band: tuple[float, float],
         ramp: float = 15.0, rounds: int = 3) -> np.ndarray:
    """Pull centreline points in the height ``band`` (z, mm) onto ``bone``, ``required`` mm off it.

    A retinaculum binds a tendon to the bones where it crosses a joint; without one the
    tendon takes the straight chord between its via points and stands off the joint
    (bowstring). Points farther than ``required`` from the bone move towards the nearest
    bone point plus ``required`` along its normal, fully inside the band and fading out
    over ``ramp`` mm at its ends; each round's move is lightly low-passed so the tendon
    stays smooth, and the two ends stay put.
    """
    from scipy.ndimage import gaussian_filter1d

    out = np.array(points, dtype=float)
    required = np.broadcast_to(np.asarray(required, float), (len(out),))
    z = out[:, 2]
    weight = smoothstep(np.minimum(z - band[0], band[1] - z) / ramp)
    for _ in range(rounds):
        sd, q, n = bone.nearest(out)
        far = np.isfinite(sd) & (sd > required)
        move = np.where(far[:, None], q + n * required[:, None] - out, 0.0) * weight[:, None]
        move = gaussian_filter1d(move, 0.75, axis=0, mode="nearest")
        move[0] = move[-1] = 0.0
        out += move
    return out


def lift(points: np.ndarray, directions: np.ndarray, required: np.ndarray,
         obstacles: list[Obstacles], iterations: int = 4) -> np.ndarray:
    """Move skeleton points along ``directions`` until ``required`` mm from ``obstacles``.

    Used on a belly's centreline (or a sheet's fascicle lines) before the surface is
    built, so a belly that runs through bone is lifted off it as a whole rather than
    squashed flat against it.

    Parameters
    ----------
    points : (N, 3) array
        Skeleton points (mm).
    directions : (N, 3) array
        Unit directions to move along (away from the bone, superficially).
    required : (N,) array
        Wanted signed distance of each point from every obstacle set (mm).
    """
    out = np.array(points, dtype=float)
    for _ in range(iterations):
        gap = required - np.min([obs.signed_distance(out) for obs in obstacles], axis=0)
        move = np.flatnonzero(gap > 0.05)
        if len(move) == 0:
            break
        step = np.minimum(gap[move], required[move])  # at most one belly thickness a round
        out[move] += directions[move] * step[:, None]
    return out


def squash(vertices: np.ndarray, anchors: np.ndarray,
           obstacles: list[tuple[Obstacles, float]], t_min: float = 0.25,
           steps: int = 7) -> tuple[np.ndarray, int]:
    """Flatten a belly where it overlaps obstacles by pulling vertices toward their anchors.

    Each offending vertex slides along the line to its anchor (the point of the
    belly's skeleton it was built around) to the outermost position that clears
    every obstacle, but no closer than ``t_min`` of the way. Muscles pressed
    against each other flatten this way instead of crumpling.

    Returns the new vertices and how many were moved.
    """
    def clear(points):
        ok = np.ones(len(points), dtype=bool)
        for obs, clearance in obstacles:
            ok &= obs.signed_distance(points) >= clearance
        return ok

    out = np.array(vertices, dtype=float)
    idx = np.flatnonzero(~clear(out))
    if len(idx) == 0:
        return out, 0
    a, v = anchors[idx], out[idx] - anchors[idx]
    lo, hi = np.full(len(idx), t_min), np.ones(len(idx))
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        good = clear(a + mid[:, None] * v)
        lo, hi = np.where(good, mid, lo), np.where(good, hi, mid)
    out[idx] = a + lo[:, None] * v
    return out, len(idx)


def clear_of(vertices: np.ndarray, faces: np.ndarray,
             obstacles: list[tuple[Obstacles, float]], rounds: int = 3,
             smooth_iter: int = 12) -> tuple[np.ndarray, int]:
    """Push a closed surface out of each ``(obstacles, clearance)`` and smooth it.

    Push and smoothing alternate ``rounds`` times; the last push comes after the
    last smoothing, so no vertex ends inside an obstacle. Returns the new vertices
    and the number of vertices the first push moved.
    """
    def push(verts):
        total = 0
        for obs, clearance in obstacles:
            verts, moved = obs.push_out(verts, clearance)
            total += moved
        return verts, total

    verts, first = push(np.asarray(vertices, dtype=float))
    if first == 0:
        return verts, 0
    for _ in range(rounds - 1):
        smooth = polydata(verts, faces).smooth_taubin(n_iter=smooth_iter, pass_band=0.1,
                                                      boundary_smoothing=False)
        verts, moved = push(np.asarray(smooth.points, dtype=float))
        if moved == 0:
            break
    return verts, first
