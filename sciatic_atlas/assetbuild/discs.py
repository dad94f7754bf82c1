"""Disc stage: intervertebral discs L1/2 to L5/S1 and the spinal canal.

Each disc fills the gap between the facing end plates of two vertebral bodies
of the refined bones (so the disc meets the bone it is drawn against):

1. the end plates are the body vertices nearest the gap (the body being the
   part of the vertebra anterior to the canal), searched for along the column
   (lower body centroid to upper); their centroids give the disc centre, and
   planes fitted to them its axis;
2. the disc outline is the smaller of the two end plates' outlines (polar
   radius per angle about the axis);
3. rays cast up and down from the disc's mid-plane find the end-plate surfaces;
   the disc's top and bottom follow them, 0.3 mm clear of the bone;
4. the side wall bulges outward by 6 % at mid-height (the annulus fibrosus
   bulges beyond the vertebral rims; Adams & Dolan, "Spine biomechanics",
   J Biomech 2005;38(10):1972-83, doi:10.1016/j.jbiomech.2005.03.028).

The spinal canal (:mod:`~sciatic_atlas.assetbuild.bone_canal`) and the
intervertebral foramina are measured from the same vertebrae.
"""

from __future__ import annotations

import logging

import numpy as np

from sciatic_atlas.anatomy.frame import ANTERIOR
from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.bone_rays import RayCaster
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh, Landmark

log = logging.getLogger(__name__)

# (disc id, upper bone id, lower bone id, body the disc moves with = the lower vertebra's)
DISCS = (
    ("disc_l1_l2", "vertebra_l1", "vertebra_l2", "lumbar2"),
    ("disc_l2_l3", "vertebra_l2", "vertebra_l3", "lumbar3"),
    ("disc_l3_l4", "vertebra_l3", "vertebra_l4", "lumbar4"),
    ("disc_l4_l5", "vertebra_l4", "vertebra_l5", "lumbar5"),
    ("disc_l5_s1", "vertebra_l5", "sacrum", "sacrum"),
)
BODY_DEPTH = 34.0  # mm from the most anterior point: a lumbar vertebral body's AP depth
PLATE_BAND = 4.0  # mm: vertices this close to the gap count as end plate
CLEARANCE = 0.3  # mm kept between disc and bone
MAX_PLATE_DEPTH = 4.0  # mm an end plate may curve away from the disc beyond its centre
BULGE = 0.06  # fraction of the radius the wall bulges at mid-height
N_ANGLES = 64
OUTLINE_BAND = 8.0  # mm: body vertices this close to the end plate shape the disc outline
OUTLINE_HARMONICS = 5
N_RINGS = 6
N_WALL = 5
# The lumbosacral disc is wedge-shaped, taller in front than behind (the lumbosacral angle;
# Bogduk 2012, Clinical and Radiological Anatomy of the Lumbar Spine, 5th ed.): in the front
# sector (unit directions with an anterior component over WEDGE_SECTOR) it reaches this much
# further down to the sacrum.
WEDGE_SECTOR = 0.5
WEDGE_REACH = 20.0  # mm


def end_plates(upper: np.ndarray, lower: np.ndarray, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the indices of the lower end plate of ``upper`` and the upper end plate of ``lower``.

    ``upper`` is a lumbar vertebra's vertices (mm); ``axis`` points from the
    lower body to the upper one. The lower bone's plate (vertebra or sacrum) is
    taken under the central 80 % of the upper plate's outline, so articular
    processes and the sacral alae stay out.
    """
    body_u = np.flatnonzero(upper[:, 1] < upper[:, 1].min() + BODY_DEPTH)
    h = upper[body_u] @ axis
    plate_u = body_u[h < h.min() + PLATE_BAND]
    e1, e2 = _frame(axis)
    c = upper[plate_u].mean(0)
    radius = _outline(upper[plate_u], c, e1, e2)
    rel = lower - c
    x, y = rel @ e1, rel @ e2
    j = np.floor((np.arctan2(y, x) + np.pi) / (2 * np.pi) * N_ANGLES).astype(int) % N_ANGLES
    hl = lower @ axis
    under = np.flatnonzero((np.hypot(x, y) < 0.8 * radius[j]) & (hl < h.min() + 2.0) & (hl > h.min() - 25.0))
    hu = hl[under]
    return plate_u, under[hu > hu.max() - PLATE_BAND]


def disc_axis(upper: mesh_ops.Mesh, lower: mesh_ops.Mesh, guess: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Return the disc's axis (unit, lower body to upper body): the mean end-plate normal.

    Starting from ``guess``, the end plates are found, a plane fitted to each
    (least squares), the two plane normals averaged, and the search repeated.
    A fitted plane, unlike averaged vertex normals, is not pulled over by the
    rim vertices of a wedge-shaped (lordotic) interspace such as L1/L2.
    """
    axis = np.asarray(guess, float) / np.linalg.norm(guess)
    for _ in range(rounds):
        pu, pl = end_plates(upper[0], lower[0], axis)
        a = _plane_normal(upper[0][pu], axis) + _plane_normal(lower[0][pl], axis)
        a[0] = 0.0  # the neutral model is bilaterally symmetric: the axis lies in the sagittal plane
        axis = a / np.linalg.norm(a)
    return axis


def column_direction(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Return the unit direction (sagittal plane) from the lower vertebral body's centroid to the upper's."""
    def body_centre(v: np.ndarray) -> np.ndarray:
        return v[v[:, 1] < v[:, 1].min() + BODY_DEPTH].mean(0)

    d = body_centre(upper) - body_centre(lower)
    d[0] = 0.0
    return d / np.linalg.norm(d)


def _plane_normal(points: np.ndarray, towards: np.ndarray) -> np.ndarray:
    """Unit normal of the least-squares plane through ``points``, on the side of ``towards``."""
    n = np.linalg.svd(points - points.mean(0))[2][2]
    return n if n @ towards > 0 else -n


def _frame(axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    e1 = np.array([1.0, 0.0, 0.0]) - axis[0] * axis
    e1 /= np.linalg.norm(e1)
    return e1, np.cross(axis, e1)


def _outline(points: np.ndarray, centre: np.ndarray, e1: np.ndarray, e2: np.ndarray) -> np.ndarray:
    """Polar radius (mm) of a point cloud's outline at ``N_ANGLES`` angles, circularly smoothed."""
    rel = points - centre
    x, y = rel @ e1, rel @ e2
    ang = np.arctan2(y, x)
    rad = np.hypot(x, y)
    bins = np.floor((ang + np.pi) / (2 * np.pi) * N_ANGLES).astype(int) % N_ANGLES
    r = np.zeros(N_ANGLES)
    np.maximum.at(r, bins, rad)
    # empty bins take the neighbours' values, then a circular moving average
    for _ in range(N_ANGLES):
        empty = r == 0
        if not empty.any():
            break
        r[empty] = np.maximum(np.roll(r, 1), np.roll(r, -1))[empty]
    # keep the outline's first harmonics: a smooth, rounded body outline
    spec = np.fft.rfft(r)
    spec[OUTLINE_HARMONICS + 1:] = 0.0
    return np.fft.irfft(spec, n=N_ANGLES)


def _near_plate(vertices: np.ndarray, centre: np.ndarray, axis: np.ndarray, side: float) -> np.ndarray:
    """Body vertices within ``OUTLINE_BAND`` of the disc, on one side of its mid-plane."""
    h = side * ((vertices - centre) @ axis)
    body = vertices[:, 1] < vertices[:, 1].min() + BODY_DEPTH
    near = body & (h > 0) & (h < h[body & (h > 0)].min() + OUTLINE_BAND)
    return vertices[near]


def build_disc(upper: mesh_ops.Mesh, lower: mesh_ops.Mesh, axis: np.ndarray,
               wedge: bool = False) -> tuple[mesh_ops.Mesh, np.ndarray]:
    """Build one disc between two bones; return ``((vertices, faces), centre)`` in mm.

    ``axis`` is the disc's axis (lower body towards upper body), see :func:`disc_axis`.
    ``wedge``: the lumbosacral disc, taller in front than behind; in its front sector
    (:data:`WEDGE_SECTOR`) it spans the upper plate's outline and reaches
    :data:`WEDGE_REACH` mm further down to the sacrum, whose upper surface falls away in
    front of the S1 end plate (without it a gap was left between L5 and the sacrum in front).
    """
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    iu, il = end_plates(upper[0], lower[0], axis)
    cu, cl = upper[0][iu].mean(0), lower[0][il].mean(0)
    centre = 0.5 * (cu + cl)
    centre[0] = cu[0]  # the neutral model is bilaterally symmetric: keep the disc on the midline
    e1, e2 = _frame(axis)
    theta = (np.arange(N_ANGLES) + 0.5) / N_ANGLES * 2 * np.pi - np.pi
    dirs = np.cos(theta)[:, None] * e1 + np.sin(theta)[:, None] * e2
    front = wedge & (dirs @ ANTERIOR > WEDGE_SECTOR)
    r_upper = _outline(_near_plate(upper[0], centre, axis, 1.0), centre, e1, e2)
    radius = np.where(front, r_upper, np.minimum(r_upper, _outline(_near_plate(lower[0], centre, axis, -1.0),
                                                                      centre, e1, e2)))
    ray_u, ray_l = RayCaster(*upper), RayCaster(*lower)
    fracs = np.arange(1, N_RINGS + 1) / N_RINGS

    reach = 0.5 * float(np.linalg.norm(cu - cl)) + MAX_PLATE_DEPTH

    def heights(ray: RayCaster, sign: float) -> np.ndarray:
        """Distance (mm) from the mid-plane to the end plate, per ring and angle."""
        h = np.full((N_RINGS + 1, N_ANGLES), np.nan)
        for i, s in enumerate(np.concatenate([[0.0], fracs])):
            for j in range(N_ANGLES):
                p = centre + s * radius[j] * dirs[j]
                far = reach + (WEDGE_REACH if front[j] and sign < 0 else 0.0)
                d = ray.first_hit(p - sign * 2.0 * axis, sign * axis, far + 2.0)
                if d is not None:
                    h[i, j] = sign * (d - 2.0)
        if np.isnan(h[0]).all():
            h[0] = np.nanmedian(h)
        h[0] = np.nanmean(h[0])
        for i in range(1, N_RINGS + 1):  # a ray that misses the plate: the ring inside it
            miss = np.isnan(h[i])
            h[i, miss] = h[i - 1, miss]
        return h

    top = heights(ray_u, 1.0) - CLEARANCE
    bottom = heights(ray_l, -1.0) + CLEARANCE
    thin = top - bottom < 1.0
    mid = 0.5 * (top + bottom)
    top[thin], bottom[thin] = mid[thin] + 0.5, mid[thin] - 0.5

    def ring(s: float, h: np.ndarray, grow: float = 1.0) -> np.ndarray:
        return centre + (s * grow * radius)[:, None] * dirs + h[:, None] * axis

    rings = [ring(s, top[i + 1]) for i, s in enumerate(fracs)]
    for t in np.arange(1, N_WALL + 1) / (N_WALL + 1):
        h = (1 - t) * top[-1] + t * bottom[-1]
        rings.append(ring(1.0, h, 1.0 + BULGE * np.sin(np.pi * t)))
    rings += [ring(s, bottom[i + 1]) for i, s in reversed(list(enumerate(fracs)))]
    top_pole = centre + top[0].mean() * axis
    bottom_pole = centre + bottom[0].mean() * axis
    mesh = mesh_ops.loft_closed(np.array(rings), top_pole, bottom_pole)
    return mesh, 0.5 * (top_pole + bottom_pole)


def build(raw, part: BuildPart) -> BuildPart:
    """Build the discs, the spinal canal and their landmarks from the bone stage's meshes."""
    from sciatic_atlas.assetbuild import bone_canal

    out = BuildPart()
    for disc_id, upper_id, lower_id, body in DISCS:
        upper, lower = part.meshes[upper_id], part.meshes[lower_id]
        um, lm = (upper.vertices, upper.faces), (lower.vertices, lower.faces)
        axis = disc_axis(um, lm, guess=column_direction(um[0], lm[0]))
        (v, f), centre = build_disc(um, lm, axis, wedge=lower_id == "sacrum")
        out.meshes[disc_id] = BuiltMesh(v, f, body, extra={"kind": "disc"})
        out.landmarks[disc_id] = Landmark(
            centre, "midline", disc_id,
            f"centre of the disc built between the end plates of {upper_id} and {lower_id}")
    out.merge(bone_canal.build(part, out))
    return out
