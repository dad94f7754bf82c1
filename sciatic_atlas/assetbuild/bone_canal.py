"""The vertebral (spinal) canal from L1 to the sacrum, and the L4/5, L5/S1 foramina.

At the mid-height of each lumbar body a ray cast backwards (+y) from inside
the body leaves it at the body's back wall and meets the lamina: the canal's
depth. Rays to either side from that point meet the pedicles: its width
(capped where the side is open). The canal surface is lofted through these
elliptical sections along a smooth centreline, continued into the sacral canal
as far as S2, where it narrows. It shows the space the cauda equina and the
roots run in (used for stenosis scenes); it is not a bone.

Typical lumbar canal size, for checking: sagittal 15-18 mm, interpedicular
20-25 mm (Eisenstein S., "The morphometry and pathological anatomy of the lumbar
spine in South African negroes and caucasoids with specific reference to spinal
stenosis", J Bone Joint Surg Br 1977;59(2):173-80).
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.interpolate import CubicSpline

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.bone_rays import RayCaster
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh, Landmark

log = logging.getLogger(__name__)

LUMBAR = ("vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4", "vertebra_l5")
BODY_DEPTH = 34.0  # mm: vertebral body's AP depth, as in discs.py
MAX_HALF_WIDTH = 12.5  # mm: where a side ray meets no pedicle
MIN_HALF_WIDTH = 9.0  # mm: the model's pedicles are coarse; keep within the normal range
DEFAULT_HALF_DEPTH = 8.0  # mm: where the backward ray meets no lamina
SACRAL_STEPS = (14.0, 30.0)  # mm below the S1 plate: S1 and S2 sections of the sacral canal
SACRAL_NARROWING = (0.85, 0.6)  # section size relative to L5's
FORAMEN_OFFSET = 6.0  # mm lateral to the canal wall
N_AROUND = 32


def _section(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Measure the canal at a lumbar vertebra's mid-body: (centre, half-width, half-depth), mm."""
    body = vertices[vertices[:, 1] < vertices[:, 1].min() + BODY_DEPTH]
    start = body.mean(0)
    ray = RayCaster(vertices, faces)
    back = ray.hits(start, start + np.array([0.0, 90.0, 0.0]))
    if len(back) == 0:  # the ray slipped through an edge (VTK 9.7.1): the body's back instead
        log.warning("canal: backward ray met no bone; using the vertebral body's back")
        back = np.array([body[:, 1].max() - start[1]])
    wall = back[0]
    depth = back[1] - wall if len(back) > 1 else 2 * DEFAULT_HALF_DEPTH
    half_depth = float(np.clip(depth / 2, 6.5, 9.0))
    centre = start + np.array([0.0, wall + half_depth, 0.0])
    widths = []
    for sign in (-1.0, 1.0):
        d = ray.first_hit(centre, np.array([sign, 0.0, 0.0]), 40.0)
        widths.append(min(d if d is not None else MAX_HALF_WIDTH, MAX_HALF_WIDTH))
    return centre, float(np.clip(min(widths), MIN_HALF_WIDTH, MAX_HALF_WIDTH)), half_depth


def canal_sections(meshes: dict[str, mesh_ops.Mesh], s1_plate: np.ndarray, s1_axis: np.ndarray):
    """Return centres (K, 3), half-widths (K,), half-depths (K,) from L1 down to S2 (mm)."""
    cs, ws, ds = [], [], []
    for sid in LUMBAR:
        c, w, d = _section(*meshes[sid])
        cs.append(c)
        ws.append(w)
        ds.append(d)
    # sacral canal: behind the S1 body, continuing the L5 section's offset from its disc
    back = cs[-1] - s1_plate
    back -= (back @ s1_axis) * s1_axis
    for step, k in zip(SACRAL_STEPS, SACRAL_NARROWING):
        cs.append(s1_plate + back - step * s1_axis)
        ws.append(ws[len(LUMBAR) - 1] * k)
        ds.append(ds[len(LUMBAR) - 1] * k)
    # continue half a body above L1's centre so the canal spans the whole of L1
    top = cs[0] + 0.5 * (cs[0] - cs[1])
    return np.vstack([top, *cs]), np.array([ws[0], *ws]), np.array([ds[0], *ds])


def loft_canal(centres: np.ndarray, half_w: np.ndarray, half_d: np.ndarray, per_segment: int = 6) -> mesh_ops.Mesh:
    """Loft elliptical sections along a smooth centreline into a closed tube."""
    seg = np.linalg.norm(np.diff(centres, axis=0), axis=1)
    t = np.concatenate([[0.0], np.cumsum(seg)])
    line, w_of, d_of = CubicSpline(t, centres), CubicSpline(t, half_w), CubicSpline(t, half_d)
    ts = np.linspace(0.0, t[-1], per_segment * (len(t) - 1) + 1)
    pts, tang = line(ts), line(ts, 1)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    ang = np.arange(N_AROUND) / N_AROUND * 2 * np.pi
    rings = []
    for p, tg, w, d in zip(pts, tang, w_of(ts), d_of(ts)):
        ex = np.array([1.0, 0.0, 0.0]) - tg[0] * tg
        ex /= np.linalg.norm(ex)
        ey = np.cross(tg, ex)
        rings.append(p + np.outer(w * np.cos(ang), ex) + np.outer(d * np.sin(ang), ey))
    # end caps a little inside the last sections, so the tube closes bluntly
    return mesh_ops.loft_closed(np.array(rings), pts[0] - 2.0 * tang[0], pts[-1] + 2.0 * tang[-1])


def build(part: BuildPart, discs: BuildPart) -> BuildPart:
    """Build ``spinal_canal`` and the foramen landmarks from the bones and discs (mm)."""
    out = BuildPart()
    meshes = {sid: (part.meshes[sid].vertices, part.meshes[sid].faces) for sid in LUMBAR}
    s1_disc = discs.meshes["disc_l5_s1"]
    s1_centre = discs.landmarks["disc_l5_s1"].position
    l5_centre = discs.landmarks["disc_l4_l5"].position
    axis = (l5_centre - s1_centre) / np.linalg.norm(l5_centre - s1_centre)
    s1_plate = s1_centre - 0.5 * np.ptp(s1_disc.vertices @ axis) * axis
    centres, hw, hd = canal_sections(meshes, s1_plate, axis)
    v, f = loft_canal(centres, hw, hd)
    out.meshes["spinal_canal"] = BuiltMesh(v, f, "", extra={"kind": "space"})
    out.centrelines["spinal_canal"] = centres
    # intervertebral foramina: beside the canal, between the pedicles above and below the disc
    levels = {"l4_l5": ("disc_l4_l5", "vertebra_l4"), "l5_s1": ("disc_l5_s1", "vertebra_l5")}
    for level, (disc_id, upper_id) in levels.items():
        disc_c = discs.landmarks[disc_id].position
        body_c = part.meshes[upper_id].vertices
        body_c = body_c[body_c[:, 1] < body_c[:, 1].min() + BODY_DEPTH].mean(0)
        at = disc_c + 0.4 * (body_c - disc_c)
        k = int(np.argmin(np.abs(centres[:, 2] - at[2])))
        half = hw[k]
        for side, sign in (("r", -1.0), ("l", 1.0)):
            p = np.array([centres[k, 0] + sign * (half + FORAMEN_OFFSET), centres[k, 1], at[2]])
            out.landmarks[f"foramen_{level}_{side}"] = Landmark(
                p, "right" if side == "r" else "left", upper_id,
                f"{FORAMEN_OFFSET:g} mm lateral to the spinal canal wall, 40 % of the way from the "
                f"{disc_id} centre to the {upper_id} body centre (between the pedicles)")
    return out
