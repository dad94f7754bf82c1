"""Structures built between bony attachment points: hip rotators, sacral ligaments, leg parts.

The musculoskeletal model has no actuators for obturator internus, the gemelli and quadratus
femoris, nor the sacrotuberous and sacrospinous ligaments, nor popliteus, plantaris, the flexor
retinaculum of the ankle and abductor hallucis (``data/attachments.yaml``; the leg's points in
:mod:`~sciatic_atlas.assetbuild.leg_attachments`). Each is
laid here as a flat band through attachment points found on the built bone meshes by the rules
in :func:`attachment_points`, its width given per point and its thickness scaled so the band
holds the muscle's published volume (or the ligament's thickness). The muscles stage
(:mod:`~sciatic_atlas.assetbuild.muscles`) builds them in its deep gluteal layer and squashes
them against the structures built before them, so they stack under piriformis and the glutei
wrap over them. World frame, millimetres (+z up, +y posterior, right side at -x).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sciatic_atlas.assetbuild.data import build_data
from sciatic_atlas.assetbuild import muscle_shape as shape
from sciatic_atlas.assetbuild.landmarks import find_landmarks, lateral_sign, midline_x
from sciatic_atlas.assetbuild.leg_attachments import leg_points
from sciatic_atlas.assetbuild.muscle_clearance import Obstacles, lift
from sciatic_atlas.assetbuild.muscle_fan import sacral_border

POST, UP = np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])
N_STATIONS = 24  # rings along a band
TENDON_GAP = 5.0  # mm: each gemellus joins the obturator internus tendon this far above / below it
# Quadratus femoris is a plate 3-4 cm tall (data/attachments.yaml) whose upper border lies
# against the inferior gemellus: its path runs through the middle of its attachments, this
# far below the points found on the bone (mm; approximate, set so the built plate clears the
# inferior gemellus, which arises from the upper tuberosity at nearly the same height; the
# built ischium ends only 13 mm under the tuberosity landmark, so the plate's medial end
# reaches below it).
QF_ORIGIN_DROP = 13.0
# ... and this far in front (mm): the muscle arises from the tuberosity's lateral surface, in
# front of the hamstring origins (Moore 9th ed.; at 0 mm the plate entered semimembranosus by
# 3.4 mm), its lower border toward adductor magnus, deeper here.
QF_ORIGIN_FORWARD = 5.0
QF_INSERTION_DROP = (10.0, 16.0)  # the crest below the quadrate tubercle (Gray's 42nd ed. ch. 79)
QF_INSERTION_BACK = 3.0  # mm behind the crest: the plate's end lies on the bone, not in it


def attachment_specs() -> dict:
    """Return the parsed ``data/attachments.yaml`` structures section."""
    return build_data("attachments.yaml")["structures"]


def attachment_points(raw, meshes: dict, side: str) -> dict[str, np.ndarray]:
    """Return the named attachment points (mm) of one side, found on the built bones.

    Rules (Moore 9th ed., Lower Limb: gluteal region muscles and ligaments; Gray's 42nd ed. ch. 79):

    - ``ischial_spine_back`` / ``_front``: the ischial spine landmark (:mod:`landmarks`).
    - ``lesser_sciatic_notch``: the most posterior hip-bone vertex halfway up between the
      tuberosity landmark and the spine (the notch the obturator internus tendon turns round);
      ``lesser_sciatic_notch_inner``: the most medial hip-bone vertex at that height within
      25 mm in front of it (the pelvic face of the ischium).
    - ``obturator_foramen``: the mean of the hip-bone vertices within 16 mm of the point 20 mm
      below and 5 mm behind the hip centre, medial of the acetabulum (the foramen's margin,
      whose membrane the muscle covers from inside); ``obturator_behind``: the most medial
      vertex 10-30 mm behind the hip centre, 5-35 mm below it (the quadrilateral plate).
    - ``trochanteric_fossa``: the most posterior femur vertex 6-22 mm below the greater
      trochanter landmark and 8-28 mm medial of it (medial surface of the greater trochanter);
      ``_upper`` / ``_lower``: ``TENDON_GAP`` mm above / below it.
    - ``ischial_tuberosity_upper``: the tuberosity landmark (hamstring origins);
      ``ischial_tuberosity_lateral``: the mean of the most lateral posterior hip-bone vertices
      in the lowest 8 mm of the bone; ``ischial_tuberosity_medial``: the most medial vertex of
      the bone's lowest 16 mm within 15 mm in front of the tuberosity landmark.
    - ``quadrate_tubercle``: the most posterior femur vertex 35-55 mm below the hip centre;
      ``quadrate_tubercle_lower``: the most posterior femur vertex ``QF_INSERTION_DROP`` mm
      below it, within 8 mm of it side to side (the intertrochanteric crest below the
      tubercle), ``QF_INSERTION_BACK`` mm behind it; ``quadratus_femoris_origin``:
      ``QF_ORIGIN_DROP`` mm below and ``QF_ORIGIN_FORWARD`` mm in front of
      ``ischial_tuberosity_lateral`` (the middle of the plate's origin).
    - ``sacral_border_upper`` / ``_lower``: the dorsolateral border of the sacrum
      (:func:`~sciatic_atlas.assetbuild.muscle_fan.sacral_border`), 2nd and 4th of six levels;
      ``sacral_margin_lower``: the most lateral sacrum vertex of its lowest 15 mm.
    - The knee, calf and foot points: :func:`~sciatic_atlas.assetbuild.leg_attachments.leg_points`.
    """
    lm = _landmarks(raw, meshes)
    sign = lateral_sign(side)
    x0 = midline_x(raw)
    hip = np.asarray(meshes[f"hip_bone_{side}"].vertices, float)
    femur = np.asarray(meshes[f"femur_{side}"].vertices, float)
    sacrum = np.asarray(meshes["sacrum"].vertices, float)

    def lat(v):
        return (np.atleast_2d(v)[:, 0] - x0) * sign

    it, spine = lm[f"ischial_tuberosity_{side}"], lm[f"ischial_spine_{side}"]
    gt, hjc = lm[f"greater_trochanter_{side}"], lm[f"hip_joint_centre_{side}"]
    out = {"ischial_spine_back": spine, "ischial_spine_front": spine, "ischial_tuberosity_upper": it}
    z_n = (it[2] + spine[2]) / 2
    ring = hip[(np.abs(hip[:, 2] - z_n) < 3) & (hip[:, 1] > hjc[1])]
    notch = ring[np.argmax(ring[:, 1])]
    out["lesser_sciatic_notch"] = notch
    front = ring[(ring[:, 1] < notch[1] - 4) & (ring[:, 1] > notch[1] - 25)]
    out["lesser_sciatic_notch_inner"] = front[np.argmin(lat(front))]
    centre = hjc + np.array([0.0, 5.0, -20.0])
    near = hip[(np.linalg.norm(hip - centre, axis=1) < 40) & (lat(hip) < lat(hjc)[0] - 15)]
    near = near[np.linalg.norm((near - centre)[:, 1:], axis=1) < 16]
    out["obturator_foramen"] = near.mean(axis=0)
    plate = hip[(hip[:, 1] > hjc[1] + 10) & (hip[:, 1] < hjc[1] + 30)
                & (hip[:, 2] < hjc[2] - 5) & (hip[:, 2] > hjc[2] - 35)]
    out["obturator_behind"] = plate[np.argmin(lat(plate))]
    band = femur[(femur[:, 2] < gt[2] - 6) & (femur[:, 2] > gt[2] - 22)
                 & (lat(femur) < lat(gt)[0] - 8) & (lat(femur) > lat(gt)[0] - 28)]
    fossa = band[np.argmax(band[:, 1])]
    out["trochanteric_fossa"] = fossa
    out["trochanteric_fossa_upper"] = fossa + UP * TENDON_GAP
    out["trochanteric_fossa_lower"] = fossa - UP * TENDON_GAP
    low = hip[(hip[:, 2] < hip[:, 2].min() + 8) & (hip[:, 1] > hjc[1] + 20)]
    out["ischial_tuberosity_lateral"] = low[np.argsort(-lat(low))[:8]].mean(axis=0)
    base = hip[(hip[:, 2] < hip[:, 2].min() + 16) & (hip[:, 1] > it[1] - 15)]
    out["ischial_tuberosity_medial"] = base[np.argmin(lat(base))]
    shaft = femur[(femur[:, 2] < hjc[2] - 35) & (femur[:, 2] > hjc[2] - 55)]
    tubercle = shaft[np.argmax(shaft[:, 1])]
    out["quadrate_tubercle"] = tubercle
    crest = femur[(femur[:, 2] < tubercle[2] - QF_INSERTION_DROP[0])
                  & (femur[:, 2] > tubercle[2] - QF_INSERTION_DROP[1])
                  & (np.abs(lat(femur) - lat(tubercle)[0]) < 8.0)]
    out["quadrate_tubercle_lower"] = crest[np.argmax(crest[:, 1])] + POST * QF_INSERTION_BACK
    out["quadratus_femoris_origin"] = (out["ischial_tuberosity_lateral"] - UP * QF_ORIGIN_DROP
                                       - POST * QF_ORIGIN_FORWARD)
    border = sacral_border(sacrum, side)
    out["sacral_border_upper"], out["sacral_border_lower"] = border[1], border[3]
    tip = sacrum[sacrum[:, 2] < sacrum[:, 2].min() + 15]
    out["sacral_margin_lower"] = tip[np.argmax(lat(tip))]
    out.update(leg_points(raw, meshes, side, lm))
    return {k: np.asarray(v, float) for k, v in out.items()}


def _landmarks(raw, meshes: dict) -> dict:
    from sciatic_atlas.assetbuild.parts import BuildPart

    return {k: v.position for k, v in find_landmarks(raw, BuildPart(meshes=meshes)).items()}


def band(spec: dict, points: dict[str, np.ndarray], side: str, below: Sequence[Obstacles] = (),
         clearance: float = 1.0):
    """Return (rings (K, m, 3), centreline (K, 3), volume mm^3) of one attached structure.

    The centreline is a smooth curve through the spec's ``path`` points; the cross-section is
    an ellipse ``width`` wide (interpolated between the points), its thickness along ``axis``
    made perpendicular to the curve; with ``squareness`` n (the superellipse exponent, 2 an
    ellipse) a rounded rectangle, flat like quadratus femoris (:func:`section_ring`; its area
    :func:`section_fill` of the width x thickness box). A muscle's thickness is scaled so the
    band holds ``volume_ml``, thinning to a third at its two ends (tendinous attachments) or following
    ``profile`` (relative thickness at each path point: a short belly on a long tendon); a
    ligament has a uniform ``thickness``. With ``lift: true`` the centreline is moved along the
    thickness direction until the band clears ``below`` (the bone and the structures built
    before it) by ``clearance`` mm plus the spec's ``room`` (a tendon laid between two
    muscles; a retinaculum roofing the tendons, with room under it for a nerve).
    """
    ctrl = np.array([points[name] for name in spec["path"]], float)
    n = float(spec.get("squareness", 2.0))
    fill = section_fill(n)
    s = np.linspace(0.0, 1.0, N_STATIONS)
    centre = shape.smooth_curve(ctrl, s)
    chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(ctrl, axis=0), axis=1))])
    at = chord / chord[-1]
    width = np.interp(s, at, np.asarray(spec["width"], float))
    axis = np.asarray(spec["axis"], float) * ([-1.0, 1.0, 1.0] if side == "l" else 1.0)
    toward = np.stack([np.interp(s, at, axis[:, k]) for k in range(3)], axis=1)
    tang = shape.tangents(centre)
    normal = shape.thickness_dirs(tang, toward, smooth=1.5)
    seg = np.linalg.norm(np.diff(centre, axis=0), axis=1)
    if "volume_ml" in spec:
        rel = 0.35 + 0.65 * np.sin(np.pi * s) ** 0.5
        if "profile" in spec:
            rel = np.interp(s, at, np.asarray(spec["profile"], float))
        unit = fill * width * rel  # area per mm of thickness
        volume = float(spec["volume_ml"]) * 1000.0
        t_scale = volume / float(np.sum(0.5 * (unit[1:] + unit[:-1]) * seg))
        thick = np.minimum(rel * t_scale, 0.9 * width)
    else:
        thick = np.full(len(s), float(spec["thickness"]))
    if spec.get("lift") and below:
        # `room` (mm): the space left beneath it for what runs there, none at its two ends
        # (they stay on their attachments)
        gap = clearance + float(spec.get("room", 0.0)) * np.sin(np.pi * s) ** 0.5
        centre = lift(centre, normal, 0.5 * thick + gap, list(below), iterations=10)
        tang = shape.tangents(centre)
        normal = shape.thickness_dirs(tang, normal, smooth=1.5)
        seg = np.linalg.norm(np.diff(centre, axis=0), axis=1)
    area = fill * width * thick
    volume = float(np.sum(0.5 * (area[1:] + area[:-1]) * seg))
    width_dir = np.cross(tang, normal)
    across, through = section_ring(n, shape.RING_SPINDLE)
    rings = (centre[:, None, :] + (0.5 * width[:, None] * across)[..., None] * width_dir[:, None, :]
             + (0.5 * thick[:, None] * through)[..., None] * normal[:, None, :])
    return rings, centre, volume


def section_fill(n: float) -> float:
    """Return the area of the superellipse ``|x/a|^n + |y/b|^n <= 1`` over its box ``2a x 2b``.

    ``Gamma(1 + 1/n)^2 / Gamma(1 + 2/n)``: pi/4 for an ellipse (n = 2), ~0.927 for n = 4,
    1 for a rectangle (n -> infinity).
    """
    return math.gamma(1.0 + 1.0 / n) ** 2 / math.gamma(1.0 + 2.0 / n)


def section_ring(n: float, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Return ``m`` points (x, y in [-1, 1]) round the superellipse of exponent ``n``.

    ``x = sgn(cos t) |cos t|^(2/n)``, ``y = sgn(sin t) |sin t|^(2/n)``, t evenly spaced from
    0: an ellipse for n = 2, a rectangle with rounded corners for larger n.
    """
    t = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    c, s = np.cos(t), np.sin(t)
    return np.sign(c) * np.abs(c) ** (2.0 / n), np.sign(s) * np.abs(s) ** (2.0 / n)


def ordered(specs: dict) -> dict:
    """Return the muscle specs with the attached structures inserted after their ``after``.

    Ligaments (no ``after``) come first: the deep layer is built in this order.
    """
    extra = attachment_specs()
    out = {b: s for b, s in extra.items() if "after" not in s}
    pending = {b: s for b, s in extra.items() if "after" in s}

    def place(base):
        for b, s in list(pending.items()):
            if s["after"] == base:
                out[b] = pending.pop(b)
                place(b)

    for base, spec in specs.items():
        out[base] = spec
        place(base)
    if pending:
        raise ValueError(f"attachments.yaml: 'after' names no built structure for {sorted(pending)}")
    return out
