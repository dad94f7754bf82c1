"""Tissue planes: steer a nerve path into the gap between the muscles it runs between.

A nerve's control points are laid from landmarks and muscle lines
(:mod:`~sciatic_atlas.assetbuild.nerve_paths`), but the built muscle meshes bulge where a line
cannot see them. A :class:`Plane` states, for a stretch of a nerve, which muscles lie
superficial to it (``over``: the nerve is deep to them), which lie deep to it (``under``:
the nerve lies on them) and which it must merely stay clear of, all along a scan
direction that points from deep to superficial (usually posterior). :func:`steer` probes
each path point along that direction (ray-surface intersections, :class:`TissueProbe`),
moves it by the smallest amount that puts it in the gap, and smooths the moves along the
path so the nerve stays a smooth curve. World frame, millimetres.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter1d

log = logging.getLogger(__name__)

REACH = 400.0  # mm: probe lines run this far both ways, well outside any muscle
MARGIN = 0.8  # mm kept between a nerve's surface and a muscle's


@dataclass(frozen=True)
class Plane:
    """The tissue plane of a stretch of nerve, between control points ``span`` (inclusive).

    ``direction`` points from deep to superficial (world unit vector). ``over``: structures
    (base ids, the side suffix is added) superficial to the nerve; ``under``: structures deep
    to it; ``clear``: structures it must not enter. ``window`` (mm): only structure parts this
    close along the probe line count (a far part of a muscle is not part of this plane).
    ``nudge`` (mm): the most a path point is moved in this plane (None: no limit), for a course
    already placed by probing, where a local fold of a muscle surface must not pull it away.
    """

    span: tuple[int, int]
    direction: tuple[float, float, float]
    over: tuple[str, ...] = ()
    under: tuple[str, ...] = ()
    clear: tuple[str, ...] = ()
    window: float = 40.0
    nudge: float | None = None


class TissueProbe:
    """Where lines cross the built muscle and bone surfaces of one side.

    Parameters
    ----------
    meshes : dict
        Structure id -> BuiltMesh (closed surfaces, mm).
    s : str
        'r' or 'l': base ids resolve to ``<base>_<s>`` (or ``<base>`` for midline bones).
    """

    def __init__(self, meshes, s: str):
        self._meshes, self.s = meshes, s
        self._trees: dict[str, object] = {}

    def resolve(self, base: str) -> str | None:
        """Return the structure id of ``base`` on this side, or None when it was not built."""
        for sid in (f"{base}_{self.s}", base):
            if sid in self._meshes:
                return sid
        return None

    def _tree(self, sid: str):
        if sid not in self._trees:
            import vtk

            from sciatic_atlas.assetbuild.mesh_ops import _to_polydata

            mesh = self._meshes[sid]
            tree = vtk.vtkOBBTree()
            tree.SetDataSet(_to_polydata(np.asarray(mesh.vertices, float), np.asarray(mesh.faces, np.int64)))
            tree.BuildLocator()
            self._trees[sid] = tree
        return self._trees[sid]

    def intervals(self, sid: str, point: np.ndarray, direction: np.ndarray) -> np.ndarray:
        """Return the (K, 2) stretches of ``point + t * direction`` inside structure ``sid``.

        ``t`` in mm, sorted; a closed surface is crossed an even number of times.
        """
        import vtk

        hits, cells = vtk.vtkPoints(), vtk.vtkIdList()
        p0, p1 = point - REACH * direction, point + REACH * direction
        self._tree(sid).IntersectWithLine(p0, p1, hits, cells)
        n = hits.GetNumberOfPoints()
        if n < 2:
            return np.zeros((0, 2))
        t = np.sort([(np.array(hits.GetPoint(i)) - point) @ direction for i in range(n)])
        t = t[np.r_[True, np.diff(t) > 1e-4]]  # a ray through an edge hits both triangles
        if len(t) % 2:
            t = t[:-1]
        return t.reshape(-1, 2)


def _gap(lo: float, hi: float, blocked: list[tuple[float, float]]) -> float:
    """Return the ``t`` nearest 0 in [lo, hi] outside every blocked stretch (midpoint if none)."""
    if lo > hi:
        return (lo + hi) / 2  # the bounding muscles overlap: sit on their interface
    edges = [0.0, lo, hi] + [e for a, b in blocked for e in (a, b)]
    free = [t for t in edges if lo <= t <= hi and not any(a < t < b for a, b in blocked)]
    if not free:
        return float(np.clip(0.0, lo, hi))
    return float(min(free, key=abs))


def _bounds(probe: TissueProbe, plane: Plane, point: np.ndarray, radius: float):
    """Return ``(lo, hi, blocked)``: the plane's bounds and the stretches muscles block (mm)."""
    d = np.asarray(plane.direction, float)
    lo, hi, blocked = -plane.window, plane.window, []
    pad = radius + MARGIN
    for group, kind in ((plane.over, "over"), (plane.under, "under"), (plane.clear, "clear")):
        for base in group:
            sid = probe.resolve(base)
            if sid is None:
                continue
            iv = probe.intervals(sid, point, d)
            iv = iv[(iv[:, 1] > -plane.window) & (iv[:, 0] < plane.window)]
            if not len(iv):
                continue
            if kind == "over":
                hi = min(hi, iv[:, 0].min() - pad)
            elif kind == "under":
                lo = max(lo, iv[:, 1].max() + pad)
            blocked.extend((a - pad, b + pad) for a, b in iv)
    return lo, hi, blocked


def required_offset(probe: TissueProbe, plane: Plane, point: np.ndarray, radius: float) -> float:
    """Return how far (mm, along ``plane.direction``) ``point`` must move to lie in the plane."""
    return _gap(*_bounds(probe, plane, point, radius))


def free_stretch(probe: TissueProbe, plane: Plane, points: np.ndarray, radius: float) -> tuple[float, float]:
    """Return the widest stretch ``(a, b)`` (mm along the direction) where a nerve of ``radius`` fits.

    ``points`` (one or more, (3,) or (N, 3)) are probed together, e.g. the nerve's centre and
    its two edges: the bounds of all of them hold and every stretch any of them finds blocked
    is blocked. ``b < a`` (negative width) when no stretch of positive width fits.
    """
    lo, hi, blocked = -np.inf, np.inf, []
    for p in np.atleast_2d(points):
        a, b, bl = _bounds(probe, plane, p, radius)
        lo, hi = max(lo, a), min(hi, b)
        blocked.extend(bl)
    if lo > hi:
        return lo, hi
    best, start = (lo, lo - 1.0), lo
    for a, b in sorted((max(a, lo), min(b, hi)) for a, b in blocked if b > lo and a < hi):
        if a - start > max(best[1] - best[0], 0.0):
            best = (start, a)
        start = max(start, b)
    if hi - start > max(best[1] - best[0], 0.0):
        best = (start, hi)
    return best


def span_indices(path: np.ndarray, control: list[np.ndarray]) -> np.ndarray:
    """Return the index of the path point nearest each control point (non-decreasing)."""
    out, start = [], 0
    for p in control:
        i = start + int(np.argmin(np.linalg.norm(path[start:] - p, axis=1)))
        out.append(i)
        start = i
    return np.array(out)


def steer(path: np.ndarray, control: list[np.ndarray], planes: list[Plane], probe: TissueProbe,
          radius: np.ndarray, pin: tuple[bool, bool] = (True, True), iterations: int = 4) -> np.ndarray:
    """Move a path into its tissue planes.

    Parameters
    ----------
    path : (K, 3) array
        The smoothed centreline, mm, proximal to distal.
    control : list of arrays
        The control points the path was smoothed from (spans refer to their indices).
    planes : list of Plane
    probe : TissueProbe
    radius : float or (K,) array
        Half-thickness (mm) of the nerve along the scan direction.
    pin : (bool, bool)
        Keep the first / last point where it is (where the nerve joins its parent or children).
    iterations : int
        Probe-move-smooth passes.

    Returns
    -------
    (K, 3) array
        The steered path.
    """
    path = np.array(path, float)
    if not planes:
        return path
    k = len(path)
    radius = np.broadcast_to(np.asarray(radius, float), (k,))
    idx = span_indices(path, control)
    owner = np.full(k, -1)
    for n, plane in enumerate(planes):
        owner[idx[plane.span[0]]:idx[min(plane.span[1], len(idx) - 1)] + 1] = n
    taper = np.ones(k)
    ramp = np.clip(np.arange(k) / 5.0, 0.0, 1.0)  # ~15 mm at the 3 mm path step
    if pin[0]:
        taper = np.minimum(taper, ramp)
    if pin[1]:
        taper = np.minimum(taper, ramp[::-1])
    dirs = np.array([planes[o].direction if o >= 0 else (0.0, 0.0, 0.0) for o in owner], float)
    limit = np.array([np.inf if o < 0 or planes[o].nudge is None else planes[o].nudge for o in owner])
    moved = np.zeros(k)
    for _ in range(iterations):
        t = np.array([required_offset(probe, planes[o], path[i], radius[i]) if o >= 0 else 0.0
                      for i, o in enumerate(owner)])
        if np.abs(t).max() < 0.3:
            break
        # Smooth the moves, keeping their peaks: the larger of the raw and the smoothed move.
        sm = gaussian_filter1d(t, 2.0, mode="nearest")
        t = np.where(np.abs(t) > np.abs(sm), t, sm)
        t = gaussian_filter1d(t, 1.0, mode="nearest") * taper
        t = np.clip(moved + t, -limit, limit) - moved
        moved += t
        path += t[:, None] * dirs
    return path


def inside_fraction(path: np.ndarray, probe: TissueProbe, bases: list[str]) -> float:
    """Return the fraction of path points inside any of the structures ``bases``."""
    inside = np.zeros(len(path), bool)
    d = np.array([0.0, 0.0, 1.0])
    for base in bases:
        sid = probe.resolve(base)
        if sid is None:
            continue
        for i, p in enumerate(path):
            iv = probe.intervals(sid, p, d)
            inside[i] |= bool(np.any((iv[:, 0] < 0) & (iv[:, 1] > 0)))
    return float(inside.mean())
