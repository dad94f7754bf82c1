"""Re-skin a built muscle as an implicit surface: smooth, conforming, free of loft artefacts.

A lofted belly is a stack of elliptical rings: its surface shows the rings (facets,
"pancake" striations where rings crowd), capped ends and the knife cuts left where
clearance pushed vertices onto bone. Here the lofted surface only defines a shape:

1. it is rasterised into a voxel grid (inside or outside, by ray parity along z);
2. the voxel mask is blurred with a Gaussian and turned into a signed distance to the
   smoothed boundary; that rounds the rings and caps into continuous curvature, as a
   belly swells and tapers into its tendons;
3. bone and the deeper muscles are carved out of the field with a smooth maximum, so
   the belly lies flattened on what is under it instead of being cut by it;
4. the iso-level is chosen so the enclosed volume equals the lofted volume (the
   belly's published or modelled volume): what carving removes swells out elsewhere;
5. the lofted shape shrunk by ``CORE_SHRINK`` is united with the result, so thin
   tendons that the smoothing would dissolve survive;
6. optionally (``drape``), narrow slots in the belly (between a fan's bundles, or over
   a bony ridge) are closed: the belly drapes over them as one continuous muscle;
7. the surface is contoured (flying edges), decimated to its triangle budget,
   lightly smoothed, and any vertex left inside what it was carved against is pushed
   back out to its clearance.

Pure NumPy/SciPy/VTK; lengths in millimetres. The signed distance to bone and deeper
muscles comes from :class:`~sciatic_atlas.assetbuild.muscle_clearance.Obstacles`.
"""

from __future__ import annotations

import logging

import numpy as np
import pyvista as pv
from scipy.ndimage import binary_closing, gaussian_filter
from scipy.special import ndtri

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.muscle_clearance import Obstacles

log = logging.getLogger(__name__)

VOXEL_MIN = 0.9  # mm, finest grid spacing
MAX_VOXELS = 2_400_000  # the grid spacing grows until the box has at most this many voxels
SIGMA = 1.8  # mm, Gaussian width that smooths the lofted shape
CORE_SHRINK = 0.3  # mm, how much of the lofted shape always stays (thin tendons)
TENDON_MIN = 1.2  # mm, the thinnest tendon radius kept around the belly's path
CORE_BLUR = 0.6  # voxels, the lighter blur of that kept core (it only rounds off voxel steps)
SOFT = 1.0  # mm, width of the smooth maximum that flattens a belly on bone and deeper muscle
REACH = 6.0  # mm, obstacles are only looked up for voxels this close to the surface


def _grid(vertices: np.ndarray, pad: float, voxel: float | None = None):
    lo = vertices.min(axis=0) - pad
    hi = vertices.max(axis=0) + pad
    h = voxel or max(VOXEL_MIN, float(np.prod(hi - lo) / MAX_VOXELS) ** (1.0 / 3.0))
    dims = np.ceil((hi - lo) / h).astype(int) + 1
    return lo, h, dims


def occupancy(vertices: np.ndarray, faces: np.ndarray, lo: np.ndarray, h: float,
              dims: np.ndarray) -> np.ndarray:
    """Return a boolean (nx, ny, nz) grid: True where the voxel centre is inside the surface.

    Each triangle toggles, in every z column whose (x, y) it covers, the voxels above
    the height where the column crosses it; a running parity along z then marks the
    inside of a closed surface. Voxel (i, j, k) is centred at ``lo + (i, j, k) * h``.
    """
    tri = np.asarray(vertices, dtype=float)[np.asarray(faces)]
    a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
    det = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
    keep = np.abs(det) > 1e-12  # triangles standing edge-on to z cover no column
    a, b, c, det = a[keep], b[keep], c[keep], det[keep]
    i0 = np.ceil((np.minimum(np.minimum(a[:, 0], b[:, 0]), c[:, 0]) - lo[0]) / h).astype(int)
    i1 = np.floor((np.maximum(np.maximum(a[:, 0], b[:, 0]), c[:, 0]) - lo[0]) / h).astype(int)
    j0 = np.ceil((np.minimum(np.minimum(a[:, 1], b[:, 1]), c[:, 1]) - lo[1]) / h).astype(int)
    j1 = np.floor((np.maximum(np.maximum(a[:, 1], b[:, 1]), c[:, 1]) - lo[1]) / h).astype(int)
    ni, nj = np.maximum(i1 - i0 + 1, 0), np.maximum(j1 - j0 + 1, 0)
    count = ni * nj
    t = np.repeat(np.arange(len(a)), count)
    k = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    ci = i0[t] + k // np.maximum(nj[t], 1)
    cj = j0[t] + k % np.maximum(nj[t], 1)
    # Columns sit a hair off the grid lines so a column never runs exactly along an edge.
    x = lo[0] + ci * h + 1.3e-4 * h
    y = lo[1] + cj * h + 2.7e-4 * h
    ta, tb, tc, td = a[t], b[t], c[t], det[t]
    u = ((x - ta[:, 0]) * (tc[:, 1] - ta[:, 1]) - (tc[:, 0] - ta[:, 0]) * (y - ta[:, 1])) / td
    v = ((tb[:, 0] - ta[:, 0]) * (y - ta[:, 1]) - (x - ta[:, 0]) * (tb[:, 1] - ta[:, 1])) / td
    hit = (u >= 0) & (v >= 0) & (u + v <= 1)
    z = ta[:, 2] + u * (tb[:, 2] - ta[:, 2]) + v * (tc[:, 2] - ta[:, 2])
    ci, cj, z = ci[hit], cj[hit], z[hit]
    kz = np.clip(np.ceil((z - lo[2]) / h).astype(int), 0, dims[2])
    inside = (ci >= 0) & (ci < dims[0]) & (cj >= 0) & (cj < dims[1])
    toggles = np.zeros((dims[0], dims[1], dims[2] + 1), dtype=np.int32)
    np.add.at(toggles, (ci[inside], cj[inside], kz[inside]), 1)
    return (np.cumsum(toggles, axis=2)[:, :, : dims[2]] % 2).astype(bool)


def blurred_distance(occ: np.ndarray, h: float, sigma: float) -> np.ndarray:
    """Return a smoothed signed distance (mm, negative inside) to a voxel mask's boundary.

    The mask is blurred with a Gaussian of width ``sigma`` (mm). Near a flat boundary
    the blurred mask is ``Phi(-d / sigma)`` of the distance ``d``, so inverting the
    normal CDF gives the distance to the smoothed boundary within about 2.5 sigma of it,
    and saturates beyond. One filter instead of two exact distance transforms: it is
    10 times faster, and the smoothing is the point.
    """
    blurred = gaussian_filter(occ.astype(np.float32), sigma / h, mode="constant")
    eps = 1e-6
    return (sigma * ndtri(np.clip(1.0 - blurred, eps, 1.0 - eps))).astype(np.float32)


def _tube(centreline: np.ndarray, lo: np.ndarray, h: float, dims: np.ndarray,
          radius: float) -> np.ndarray:
    """Return the signed distance (mm) to a tube of ``radius`` around a polyline, on the grid.

    Only voxels within a few voxels of the line get their distance; the rest read as far.
    """
    from scipy.spatial import cKDTree

    line = np.asarray(centreline, float)
    seg = np.linalg.norm(np.diff(line, axis=0), axis=1)
    arc = np.r_[0.0, np.cumsum(seg)]
    t = np.linspace(0.0, arc[-1], max(int(arc[-1] / (0.25 * h)), 2))
    dense = np.column_stack([np.interp(t, arc, line[:, k]) for k in range(3)])
    out = np.full(tuple(dims), 1e3, dtype=np.float32)
    reach = radius + 3.0 * h
    i0 = np.clip(np.floor((dense.min(axis=0) - reach - lo) / h).astype(int), 0, dims - 1)
    i1 = np.clip(np.ceil((dense.max(axis=0) + reach - lo) / h).astype(int) + 1, 1, dims)
    axes = [lo[k] + h * np.arange(i0[k], i1[k]) for k in range(3)]
    pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
    d, _ = cKDTree(dense).query(pts, distance_upper_bound=reach)
    block = np.where(np.isfinite(d), d - radius, 1e3).astype(np.float32)
    out[i0[0]:i1[0], i0[1]:i1[1], i0[2]:i1[2]] = block.reshape(tuple(i1 - i0))
    return out


def _smooth_max(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """Polynomial smooth maximum of ``a`` and ``b`` with blend width ``k`` (mm)."""
    hh = np.clip(0.5 + 0.5 * (a - b) / k, 0.0, 1.0)
    return b + (a - b) * hh + k * hh * (1.0 - hh)


def _obstacle_distance(obstacles: Obstacles, points: np.ndarray) -> np.ndarray:
    """Return the signed distance (mm) of ``points`` to ``obstacles``, exact near a face.

    The obstacles' own distance is to their nearest surface sample, which overestimates
    it by up to half the sample spacing beside a face; near the surface the distance
    along that sample's normal (to its tangent plane) is used instead. Points farther
    than ``REACH + SOFT`` from every obstacle surface count as clear of them (a belly
    already cleared of bone has no voxel that deep inside one).
    """
    sd, q, n = obstacles.nearest(points, reach=REACH + SOFT)
    plane = np.einsum("ij,ij->i", points - q, n)
    return np.where(np.abs(sd) < REACH, plane, np.minimum(sd, 1e3))


def _keep_out(shape_field: np.ndarray, lo: np.ndarray, h: float,
              carve: list[tuple[Obstacles, float]]):
    """Return how far voxels near the shape are inside their clearance and inside obstacles.

    Two arrays: ``clearance - distance`` (positive where a voxel is too close to bone or
    a deeper muscle) and ``-distance`` (positive inside one); voxels far outside the
    shape get -inf. None when there is nothing to carve.
    """
    if all(obstacles.empty for obstacles, _ in carve):
        return None
    near = np.flatnonzero(shape_field.ravel() < REACH)
    pts = lo + h * np.column_stack(np.unravel_index(near, shape_field.shape)).astype(float)
    clear = np.full(shape_field.size, -np.inf, dtype=np.float32)
    inside = clear.copy()
    for obstacles, clearance in carve:
        if not obstacles.empty:
            d = _obstacle_distance(obstacles, pts)
            clear[near] = np.maximum(clear[near], clearance - d)
            inside[near] = np.maximum(inside[near], -d)
    return clear.reshape(shape_field.shape), inside.reshape(shape_field.shape)


def _carved(field: np.ndarray, core: np.ndarray, keep_out) -> np.ndarray:
    """Return the implicit shape: the smoothed field united with the core, obstacles cut out.

    The field keeps its clearance from the obstacles and meets them with a smooth
    maximum (a belly flattens on bone with a rounded edge). The core only stays out of
    them: where the lofted belly was squeezed thinner than twice the clearance
    (tibialis posterior between tibia and fibula, an aponeurosis on soleus) it survives,
    and the last push gives it its clearance.
    """
    shape = np.minimum(field, core)
    if keep_out is None:
        return shape
    clear, inside = keep_out
    live = np.isfinite(clear)
    out = shape.copy()
    out[live] = np.minimum(_smooth_max(field[live], clear[live], SOFT),
                           np.maximum(core[live], inside[live]))
    return out


def ball(radius: int) -> np.ndarray:
    """Return a boolean ball of ``radius`` voxels (a structuring element for a closing)."""
    r = np.arange(-radius, radius + 1)
    return (r[:, None, None] ** 2 + r[None, :, None] ** 2 + r[None, None, :] ** 2) <= radius**2


def draped(implicit: np.ndarray, lo: np.ndarray, h: float, bone: Obstacles, clearance: float,
           radius: float) -> tuple[np.ndarray, float]:
    """Return the field with narrow slots filled, and the volume added (mm^3).

    A fan's bundles can part and leave a slit in the belly's outer face, and where a
    ridge of bone reaches into a belly from beneath, carving leaves a slot whose floor is
    the ridge. A morphological closing (a ball of ``radius`` mm) of the belly united with
    the bone and its clearance shell fills each slot narrower than about twice the
    radius; the bone itself stays out. Wider hollows are left as they are, and so is any
    gap to another muscle (only bone counts here).
    """
    inside = implicit < 0.0
    near = np.flatnonzero(implicit.ravel() < REACH)
    pts = lo + h * np.column_stack(np.unravel_index(near, implicit.shape)).astype(float)
    solid = np.zeros(implicit.size, dtype=bool)
    solid[near] = _obstacle_distance(bone, pts) < clearance
    solid = solid.reshape(implicit.shape)
    closed = binary_closing(inside | solid, structure=ball(max(1, int(round(radius / h)))))
    fill = closed & ~inside & ~solid
    if not fill.any():
        return implicit, 0.0
    patch = blurred_distance(fill | inside, h, CORE_BLUR * h)
    near_fill = gaussian_filter(fill.astype(np.float32), 1.0) > 0.01
    out = implicit.copy()
    out[near_fill] = np.minimum(implicit[near_fill], patch[near_fill])
    return out, float(fill.sum()) * h**3


def _draped_field(field: np.ndarray, implicit: np.ndarray, level: float, lo: np.ndarray, h: float,
                  carve: list[tuple[Obstacles, float]], radius: float) -> np.ndarray:
    """Return ``field`` with the slots that :func:`draped` fills in ``implicit`` filled too.

    The fill goes into the smoothed field (at the level it was found at), so the volume
    can be levelled again: the belly keeps its volume, thinning a little elsewhere.
    """
    filled, added = draped(implicit, lo, h, carve[0][0], carve[0][1], radius)
    log.info("draped: %.0f mm^3 of slots filled before levelling", added)
    return np.minimum(field, np.where(filled < implicit, filled + level, np.inf)).astype(field.dtype)


def _volume_level(field: np.ndarray, core: np.ndarray, keep_out, h: float,
                  volume: float) -> float:
    """Return the level at which the carved ``field - level`` encloses ``volume`` (mm^3).

    Each voxel counts the share of it inside the surface, from its signed distance
    (``clip(0.5 - d / h, 0, 1)``), so the volume varies smoothly with the level and a
    bisection finds it to a fraction of a voxel layer. The obstacles are cut out at
    every trial level, so what they take swells out elsewhere, never into them.
    """
    band = np.minimum(field, core) < REACH + h  # farther out stays outside at any level tried
    f, c = field[band], core[band]
    k = None if keep_out is None else (keep_out[0][band], keep_out[1][band])

    def enclosed(level: float) -> float:
        d = _carved(f - level, c, k)
        return float(np.clip(0.5 - d / h, 0.0, 1.0).sum()) * h**3

    lo, hi = -REACH, REACH
    for _ in range(14):  # to 1 micrometre
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if enclosed(mid) < volume else (lo, mid)
    return 0.5 * (lo + hi)


def reskin(vertices: np.ndarray, faces: np.ndarray, carve: list[tuple[Obstacles, float]],
           target_triangles: int, volume: float | None = None, sigma: float = SIGMA,
           voxel: float | None = None, centreline: np.ndarray | None = None,
           drape: float = 0.0):
    """Return (vertices, faces) of the smooth implicit surface of a closed muscle mesh.

    Parameters
    ----------
    vertices, faces : arrays
        The lofted (or fanned, or bundled) closed surface (mm).
    carve : list of (Obstacles, clearance mm)
        Bone and deeper muscles the belly must lie on but not enter. The surface should
        already be mostly out of them (the stage pushes the loft out of bone first):
        parts deeper than ``REACH + SOFT`` inside an obstacle are not seen.
    target_triangles : int
        Triangle budget of the result.
    volume : float, optional
        Volume to enclose (mm^3); by default that of the input surface.
    sigma : float
        Width (mm) of the smoothing: larger rounds off larger lumps.
    voxel : float, optional
        Grid spacing (mm); by default the finest that keeps the grid at ``MAX_VOXELS``.
        A thin flat tendon needs about four voxels across its thickness, or its edges
        come out ragged.
    centreline : (K, 3) array, optional
        The belly's path: a tube of at least ``TENDON_MIN`` mm (or most of a voxel) around
        it is always kept, so a long thin tendon stays whole even where it is thinner than
        the voxels can hold.
    drape : float
        Radius (mm) of the closing that fills narrow slots in the belly (:func:`draped`);
        0 leaves the carved surface as it is. ``carve[0]`` must be the bone.
    """
    vertices = np.asarray(vertices, dtype=float)
    if volume is None:
        volume = mesh_ops.signed_volume(vertices, faces)
    pad = 3.0 * sigma + SOFT + 4.0
    lo, h, dims = _grid(vertices, pad, voxel)
    occ = occupancy(vertices, faces, lo, h, dims)
    field = blurred_distance(occ, h, sigma)
    core = blurred_distance(occ, h, CORE_BLUR * h) + CORE_SHRINK
    if centreline is not None:
        core = np.minimum(core, _tube(centreline, lo, h, dims, max(TENDON_MIN, 0.8 * h)))
    keep_out = _keep_out(np.minimum(field, core), lo, h, carve)
    level = _volume_level(field, core, keep_out, h, volume)
    implicit = _carved(field - level, core, keep_out)
    if drape > 0.0 and carve and not carve[0][0].empty:
        field = _draped_field(field, implicit, level, lo, h, carve, drape)
        level = _volume_level(field, core, keep_out, h, volume)
        implicit = _carved(field - level, core, keep_out)
    grid = pv.ImageData(dimensions=dims, spacing=(h, h, h), origin=lo)
    grid.point_data["f"] = implicit.ravel(order="F")
    surf = grid.contour([0.0], scalars="f", method="flying_edges")
    surf = surf.connectivity("largest").triangulate().clean()
    verts = np.asarray(surf.points, dtype=float)
    tris = np.asarray(surf.faces).reshape(-1, 4)[:, 1:]
    verts, tris = mesh_ops.clean(verts, tris)
    verts, tris = mesh_ops.decimate(verts, tris, target_triangles)
    verts = mesh_ops.taubin(verts, tris, iterations=6)
    if not mesh_ops.is_closed_manifold(tris):
        verts, tris = mesh_ops.repair(verts, tris)
    verts, tris = mesh_ops.orient_outward(verts, tris)
    # The voxels, decimation and smoothing leave the surface up to a voxel into what it
    # was carved against: a last push puts every vertex back at its clearance.
    return _pushed_out(verts, carve), tris


def _pushed_out(verts: np.ndarray, carve: list[tuple[Obstacles, float]], rounds: int = 2) -> np.ndarray:
    """Move vertices closer than their clearance to an obstacle straight out along its normal.

    Unlike a push to the nearest surface sample, this moves a vertex only across the
    face it is near, so the surface keeps its shape and volume.
    """
    verts = verts.copy()
    for _ in range(rounds):
        for obstacles, clearance in carve:
            if obstacles.empty:
                continue
            sd, q, n = obstacles.nearest(verts)
            plane = np.einsum("ij,ij->i", verts - q, n)
            d = np.where(np.abs(sd) < 6.0, plane, sd)
            short = d < clearance
            verts[short] += n[short] * (clearance - d[short])[:, None]
    return verts
