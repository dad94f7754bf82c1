"""Nerve geometry: smooth paths through control points, kept out of bone, and closed tubes.

A nerve is a centreline (mm, proximal to distal) plus an elliptic cross-section that may
vary along it (the sciatic nerve is a flat band in the buttock and round in the thigh).
:func:`smooth_path` interpolates control points, :class:`BoneField` pushes a path out of
the bones, and :func:`tube_mesh` sweeps the cross-section into a closed, capped surface.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PchipInterpolator

log = logging.getLogger(__name__)


@dataclass
class Section:
    """Cross-section of a nerve at a fraction of its length.

    ``width`` and ``thickness`` are full diameters (mm); ``flat_dir`` is the world direction
    the width lies along (projected onto the plane normal to the path), or None for round.
    """

    at: float  # 0..1 along the path
    width: float
    thickness: float
    flat_dir: tuple[float, float, float] | None = None


def smooth_path(control: np.ndarray, step: float = 3.0) -> np.ndarray:
    """Interpolate control points with a shape-preserving spline, resampled every ``step`` mm.

    Monotone piecewise-cubic (PCHIP) interpolation of each coordinate against chord length
    never overshoots between control points, so a path placed between two structures stays
    between them.
    """
    control = np.asarray(control, float)
    keep = np.r_[True, np.linalg.norm(np.diff(control, axis=0), axis=1) > 1e-6]
    control = control[keep]
    if len(control) < 2:
        raise ValueError("a path needs at least two distinct control points")
    t = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(control, axis=0), axis=1))]
    n = max(int(np.ceil(t[-1] / step)) + 1, 3)
    ts = np.linspace(0.0, t[-1], n)
    if len(control) == 2:
        return control[0] + (ts / t[-1])[:, None] * (control[1] - control[0])
    return np.column_stack([PchipInterpolator(t, control[:, k])(ts) for k in range(3)])


def resample(path: np.ndarray, step: float = 3.0) -> np.ndarray:
    """Return ``path`` resampled at (about) equal arc-length steps of ``step`` mm."""
    path = np.asarray(path, float)
    t = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    n = max(int(np.ceil(t[-1] / step)) + 1, 2)
    ts = np.linspace(0.0, t[-1], n)
    return np.column_stack([np.interp(ts, t, path[:, k]) for k in range(3)])


def path_length(path: np.ndarray) -> float:
    """Return the length of a polyline (mm)."""
    return float(np.linalg.norm(np.diff(np.asarray(path, float), axis=0), axis=1).sum())


class BoneField:
    """Signed distance (mm) to a set of bone surfaces; negative inside a bone.

    Parameters
    ----------
    meshes : list of (vertices, faces)
        Bone surfaces in world mm.
    """

    def __init__(self, meshes):
        import pyvista as pv
        import vtk

        self._fns = []
        for vertices, faces in meshes:
            faces = np.asarray(faces, np.int64)
            poly = pv.PolyData(np.asarray(vertices, float),
                               np.hstack([np.full((len(faces), 1), 3), faces]).ravel())
            poly = poly.compute_normals(auto_orient_normals=True, split_vertices=False)
            fn = vtk.vtkImplicitPolyDataDistance()
            fn.SetInput(poly)
            lo, hi = np.asarray(vertices).min(axis=0), np.asarray(vertices).max(axis=0)
            # Normals of an open or non-manifold bone can come out inverted: a point well
            # outside the bone must read positive, else the sign is flipped.
            sign = 1.0 if fn.EvaluateFunction(hi + 50.0) > 0 else -1.0
            self._fns.append((fn, sign, lo, hi))

    def distance(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the signed distance (mm) of each point and its unit gradient (outward)."""
        points = np.atleast_2d(np.asarray(points, float))
        dist = np.full(len(points), np.inf)
        grad = np.zeros((len(points), 3))
        g = [0.0, 0.0, 0.0]
        for fn, sign, lo, hi in self._fns:
            near = np.all((points > lo - 30) & (points < hi + 30), axis=1)
            for i in np.flatnonzero(near):
                d = sign * fn.EvaluateFunction(points[i])
                if d < dist[i]:
                    fn.EvaluateGradient(points[i], g)
                    dist[i] = d
                    grad[i] = np.multiply(g, sign)
        norm = np.linalg.norm(grad, axis=1, keepdims=True)
        grad = np.divide(grad, norm, out=np.zeros_like(grad), where=norm > 0)
        return dist, grad

    def push_out(self, path: np.ndarray, clearance: np.ndarray, fixed: int = 0,
                 iterations: int = 6) -> np.ndarray:
        """Move path points that lie closer than ``clearance`` (mm) to bone out along the gradient.

        The first ``fixed`` points (a root inside its foramen) stay put. Between passes the
        moved path is lightly smoothed so it stays a smooth curve.
        """
        path = np.array(path, float)
        clearance = np.broadcast_to(np.asarray(clearance, float), (len(path),))
        kept = path[:fixed].copy()
        for _ in range(iterations):
            d, g = self.distance(path)
            short = (d < clearance) & np.isfinite(d)
            short[:fixed] = False
            if not short.any():
                break
            path[short] += g[short] * (clearance[short] - d[short])[:, None]
            inner = path[1:-1].copy()
            path[1:-1] = 0.25 * path[:-2] + 0.5 * inner + 0.25 * path[2:]
            path[:fixed] = kept
        return path


def _frames(path: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return tangents and a rotation-minimising normal/binormal pair per point."""
    tan = np.gradient(path, axis=0)
    tan /= np.linalg.norm(tan, axis=1, keepdims=True)
    ref = np.array([0.0, 0.0, 1.0]) if abs(tan[0, 2]) < 0.9 else np.array([1.0, 0.0, 0.0])
    n = np.cross(tan[0], ref)
    n /= np.linalg.norm(n)
    normals = np.zeros_like(path)
    normals[0] = n
    for i in range(1, len(path)):
        n = n - tan[i] * (n @ tan[i])
        n /= np.linalg.norm(n)
        normals[i] = n
    return tan, normals, np.cross(tan, normals)


def _interp_sections(sections: list[Section], s: np.ndarray):
    at = np.array([sec.at for sec in sections])
    width = np.interp(s, at, [sec.width for sec in sections])
    thick = np.interp(s, at, [sec.thickness for sec in sections])
    dirs = np.array([sec.flat_dir if sec.flat_dir is not None else (np.nan,) * 3 for sec in sections], float)
    return width, thick, dirs, at


def tube_mesh(path: np.ndarray, sections: list[Section], n_around: int = 16,
              tolerance: float = 0.0, max_gap: float = np.inf):
    """Sweep an elliptic cross-section along ``path`` into a closed, capped triangle surface.

    Parameters
    ----------
    path : (K, 3) array
        Centreline, mm, proximal to distal.
    sections : list of Section
        Cross-sections at fractions of the length; widths interpolate linearly between them.
    n_around : int
        Vertices around each ring.
    tolerance : float
        With a positive value (mm), rings are dropped where the tube runs straight: a ring is
        kept only where leaving it out would move the surface by more than ``tolerance``
        (see :func:`kept_rings`). The centreline and the sections are the same either way.
    max_gap : float
        The most path length (mm) between two kept rings.

    Returns
    -------
    vertices : (N, 3) float array, mm
    faces : (M, 3) int array, outward-facing triangles of a closed 2-manifold
    """
    path = np.asarray(path, float)
    k = len(path)
    tan, nrm, bin_ = _frames(path)
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    s = arc / arc[-1]
    width, thick, dirs, at = _interp_sections(sections, s)
    # Major axis: the sections' flat directions interpolated along the path (so a band turns
    # smoothly), projected onto the normal plane, its sign kept continuous (no half-turn).
    major = nrm.copy()
    flat = np.all(np.isfinite(dirs), axis=1)
    if flat.any():
        d_all = np.column_stack([np.interp(s, at[flat], dirs[flat, j]) for j in range(3)])
        for i in range(k):
            m = d_all[i] - tan[i] * (d_all[i] @ tan[i])
            if np.linalg.norm(m) > 1e-6:
                major[i] = m / np.linalg.norm(m)
            if i and major[i] @ major[i - 1] < 0:
                major[i] = -major[i]
    minor = np.cross(tan, major)
    ang = np.linspace(0.0, 2 * np.pi, n_around, endpoint=False)
    ring = (np.cos(ang)[None, :, None] * (width / 2)[:, None, None] * major[:, None, :]
            + np.sin(ang)[None, :, None] * (thick / 2)[:, None, None] * minor[:, None, :])
    rings = path[:, None, :] + ring
    if tolerance > 0:
        keep = kept_rings(rings, arc, tolerance, max_gap)
        rings, path, k = rings[keep], path[keep], len(keep)
    verts = rings.reshape(-1, 3)
    faces = []
    idx = np.arange(k * n_around).reshape(k, n_around)
    nxt = np.roll(idx, -1, axis=1)
    a, b, c, d = idx[:-1], nxt[:-1], idx[1:], nxt[1:]
    faces.append(np.stack([a, b, d], -1).reshape(-1, 3))
    faces.append(np.stack([a, d, c], -1).reshape(-1, 3))
    start, end = len(verts), len(verts) + 1
    verts = np.vstack([verts, path[0], path[-1]])
    faces.append(np.column_stack([np.full(n_around, start), nxt[0], idx[0]]))
    faces.append(np.column_stack([np.full(n_around, end), idx[-1], nxt[-1]]))
    faces = np.vstack(faces).astype(np.int64)
    # Orient outward: the swept ring winds one way or the other depending on the frame.
    if _signed_volume(verts, faces) < 0:
        faces = faces[:, ::-1]
    return verts, faces


def detailed_tube(path: np.ndarray, sections: list[Section], kind: str):
    """Sweep a tube as :func:`tube_mesh` does, at the detail ``data/mesh_detail.yaml`` sets for ``kind``.

    ``kind``: a key of ``tubes.around`` there (nerve, root, branch, variant, cauda, conus, sleeve).
    """
    from sciatic_atlas.assetbuild.data import build_data

    tubes = build_data("mesh_detail.yaml")["tubes"]
    return tube_mesh(path, sections, n_around=int(tubes["around"][kind]),
                     tolerance=float(tubes["tolerance_mm"]), max_gap=float(tubes["max_gap_mm"]))


def kept_rings(rings: np.ndarray, arc: np.ndarray, tolerance: float, max_gap: float = np.inf) -> np.ndarray:
    """Return the indices of the rings a swept tube needs, first and last always among them.

    Walking from a kept ring, the span is extended one ring at a time while every ring
    inside it lies within ``tolerance`` (mm, each vertex) of the straight blend of its two
    ends by arc length and its ends are no more than ``max_gap`` (mm) apart along the path;
    the last ring that passed is kept. So straight, even runs get long panels and bends,
    twists and changes of width keep their rings. (Rings sampled sparser than ``max_gap``
    are all kept.)

    Parameters
    ----------
    rings : (K, n, 3) array
        Ring vertices along the path, mm.
    arc : (K,) array
        Arc length at each ring, mm, increasing.
    """
    k = len(rings)
    keep = [0]
    a = 0
    while a < k - 1:
        b = a + 1
        while b + 1 < k and arc[b + 1] - arc[a] <= max_gap and _within(rings, arc, a, b + 1, tolerance):
            b += 1
        keep.append(b)
        a = b
    return np.asarray(keep)


def _within(rings: np.ndarray, arc: np.ndarray, a: int, b: int, tolerance: float) -> bool:
    """Whether the rings strictly between ``a`` and ``b`` lie within ``tolerance`` of their blend."""
    if b - a < 2:
        return True
    t = ((arc[a + 1:b] - arc[a]) / (arc[b] - arc[a]))[:, None, None]
    blend = (1.0 - t) * rings[a] + t * rings[b]
    return bool(np.max(np.linalg.norm(rings[a + 1:b] - blend, axis=2)) <= tolerance)


def _signed_volume(verts: np.ndarray, faces: np.ndarray) -> float:
    a, b, c = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)
