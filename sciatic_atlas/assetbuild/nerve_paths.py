"""The sciatic nerve and its terminal branches, placed from landmarks.

Course (Standring, Gray's Anatomy 42nd ed., chs. 80-84; Moore, Clinically Oriented
Anatomy 8th ed., ch. 7): the sciatic nerve forms on the pelvic surface of piriformis, leaves
the greater sciatic foramen below it, crosses the posterior ischium between the ischial
tuberosity and the greater trochanter (nearer the tuberosity) deep to gluteus maximus, runs
on adductor magnus deep to the long head of biceps femoris and divides above the popliteal
fossa. The tibial nerve descends through the fossa between the gastrocnemius heads, under the
soleal arch on tibialis posterior, behind the medial malleolus between the FDL and FHL tendons
(tarsal tunnel) and divides into the plantar nerves. The common fibular nerve follows the
medial border of the biceps tendon, winds round the fibular neck and divides into the
superficial (lateral compartment) and deep (anterior compartment) fibular nerves. The sural
nerve runs down the back of the calf, behind the lateral malleolus, along the lateral foot;
in the calf it is joined by the sural communicating branch of the common fibular nerve, which
leaves it in the popliteal fossa and runs down over the lateral head of gastrocnemius.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import ANT, DOWN, POST, UP, NerveContext, NerveSpec, round_sections
from sciatic_atlas.assetbuild.nerve_figures import diameter, nerve_size, sciatic_figure, sural_figure
from sciatic_atlas.assetbuild.nerve_fossa import arch_point, over_the_vessels
from sciatic_atlas.assetbuild.nerve_geometry import Section
from sciatic_atlas.assetbuild.nerve_planes import Plane
from sciatic_atlas.assetbuild.nerve_thigh import HAMSTRINGS, THIGH_CLEAR, THIGH_THICKNESS, THIGH_WIDTH, thigh_course

_P = tuple(POST)
# The short rotators the sciatic nerve lies on behind the hip (data/attachments.yaml).
ROTATORS = ("superior_gemellus", "obturator_internus", "inferior_gemellus", "quadratus_femoris")
ON_ROTATORS = 1.0  # mm between the nerve's deep face and the rotators' backs
GASTROCNEMIUS = ("gastrocnemius_medial_head", "gastrocnemius_lateral_head")
# Tissue planes (Standring, Gray's Anatomy 42nd ed., ch. 79 fig. 79.9, ch. 80 fig. 80.24,
# ch. 83 figs. 83.10-83.12; Moore, Clinically Oriented Anatomy 8th ed., figs. 7.27, 7.36,
# 7.44): in the pelvis on the pelvic surface of piriformis; in the buttock deep to gluteus
# maximus on the short rotators (obturator internus, the gemelli, quadratus femoris) behind
# the posterior ischium (issue 12: without them it floated ~15 mm off the bone); in the
# thigh on adductor magnus, deep to the long head of biceps; below, the tibial nerve under
# the heads of gastrocnemius and the soleal arch, deep to soleus on tibialis posterior.
SCIATIC_PLANES = [
    Plane((0, 2), _P, over=("piriformis",), clear=("gluteus_minimus",)),
    Plane((2, 4), _P, over=("gluteus_maximus",), under=("hip_bone", *ROTATORS),
          clear=("piriformis", "gluteus_minimus", "gluteus_medius", "adductor_magnus")),
    # On the back of quadratus femoris (a plate reaching ~35 mm below the gemelli), then on
    # adductor magnus below its lower border.
    Plane((4, 5), _P, over=("gluteus_maximus", "biceps_femoris_long_head"),
          under=("quadratus_femoris", "adductor_magnus", "femur"),
          clear=("semitendinosus", "semimembranosus", *THIGH_CLEAR[:-1])),
    # Below: the probed thigh course (thigh_course), nudged (6 mm at most) where the spline
    # cuts a corner.
    Plane((5, 99), _P, over=HAMSTRINGS, under=("adductor_magnus", "femur"), clear=THIGH_CLEAR, nudge=6.0),
]
TIBIAL_PLANES = [
    Plane((0, 2), _P, over=HAMSTRINGS, under=("femur",), clear=(*GASTROCNEMIUS, "biceps_femoris_short_head")),
    Plane((2, 6), _P, over=(*GASTROCNEMIUS, "soleus"), under=("tibialis_posterior", "tibia"),
          clear=("flexor_digitorum_longus", "flexor_hallucis_longus")),
    Plane((6, 7), _P, over=("soleus",), under=("tibialis_posterior", "tibia"),
          clear=("flexor_digitorum_longus", "flexor_hallucis_longus")),
]
# The common fibular nerve follows the medial border of biceps femoris, then passes between
# the biceps tendon and the lateral head of gastrocnemius to the back of the fibular head;
# it is kept clear of both, probing side to side (the built lateral head reaches as far
# out as the fibula, so the nerve passes it laterally).
def common_fibular_planes(c: NerveContext) -> list[Plane]:
    """Return the common fibular nerve's plane: clear of biceps and the lateral head, side to side."""
    return [Plane((1, 4), tuple(c.LAT), clear=("gastrocnemius_lateral_head", "biceps_femoris_long_head",
                                               "biceps_femoris_short_head", "soleus"), window=30.0)]

# Published width at piriformis and division height above the knee (data/nerve_figures.yaml).
SCIATIC_WIDTH_AT_PIRIFORMIS = sciatic_figure("width_at_piriformis_mm")
DIVISION_ABOVE_KNEE = sciatic_figure("division_above_knee_mm")
# Thickness of the flat band in the buttock, and thigh/leg diameters (Standring ch. 80: the
# sciatic nerve is about 2 cm wide at its origin; tibial and common fibular nerves ~half):
# data/nerve_figures.yaml ("diameters_mm").
SCIATIC_THICKNESS = nerve_size("sciatic_nerve", "band_thickness")
# Fractions of the tuberosity-to-division drop where the thigh course is probed: every 12 mm
# or so, so that the spline between levels stays where the probes found room (with 25 mm
# between them it cut the cleft beside vastus medialis, issue 12).
THIGH_LEVELS = tuple(np.round(np.linspace(0.12, 0.92, 21), 2))
TIBIAL_DIAMETER = diameter("tibial_nerve")[0]
COMMON_FIBULAR_DIAMETER = diameter("common_fibular_nerve")[0]
SURAL_COMMUNICATING_DIAMETER = diameter("sural_communicating_branch")[0]
# Where the communicating branch joins the sural nerve: a fraction of the knee-to-lateral-
# malleolus drop (data/nerve_figures.yaml; the level varies, usually the lower half of the calf).
SURAL_UNION_FRACTION = sural_figure("union_fraction")


def piriformis_front(c: NerveContext, near: np.ndarray) -> np.ndarray:
    """Return the anterior (pelvic) surface of piriformis (mm) in front of its line nearest ``near``.

    The built mesh's front where the muscles stage made one (a ray cast forward from the
    line), else the line point moved forward by the muscle's half-thickness.
    """
    line = c.muscle_line("piriformis")
    p = line[np.argmin(np.linalg.norm(line - near, axis=1))]
    probe = c.probe
    sid = probe.resolve("piriformis")
    if sid is not None:
        iv = probe.intervals(sid, p, ANT)
        iv = iv[(iv[:, 0] < 1.0) & (iv[:, 1] > -1.0)]
        if len(iv):
            return p + ANT * float(iv[:, 1].max())
    from sciatic_atlas.assetbuild.nerve_plexus import piriformis_radius

    return p + ANT * piriformis_radius(c)


def sciatic_exit(c: NerveContext) -> dict[str, np.ndarray]:
    """Return the key points of the sciatic nerve's gluteal course (mm).

    ``formation``: on the pelvic (anterior) surface of piriformis, medial of the notch's bony
    edge (over the open foramen); ``cross``: below the piriformis lower border, above the
    ischial spine, where the nerve passes back through the infrapiriform part of the greater
    sciatic foramen; ``exit``: behind the foramen, below the lower border, just lateral of the
    spine; ``spine``: lateral of the ischial spine on the posterior ischium; ``it_gt``: a
    third of the way from the ischial tuberosity to the greater trochanter, on quadratus
    femoris.
    """
    plb, notch = c.lm("piriformis_lower_border"), c.lm("greater_sciatic_notch")
    it, gt, spine = c.lm("ischial_tuberosity"), c.lm("greater_trochanter"), c.lm("ischial_spine")
    half = SCIATIC_THICKNESS / 2
    # The foramen is open above the spine; lateral of it the ischium's posterior border rises
    # to the notch, so the nerve passes back medially, then turns laterally over the ischium.
    over_spine = np.array([spine[0], spine[1], plb[2]])
    cross = over_spine + c.MED * 4.0 + ANT * 14.0 + DOWN * (half + 3.0)
    exit_ = over_spine + c.LAT * 2.0 + POST * 1.0 + DOWN * (half + 7.0)
    formation = piriformis_front(c, notch) + ANT * (half + 1.0) + c.MED * 16.0 + UP * 2.0
    at_spine = spine + c.LAT * 14.0 + POST * (half + 4.0)
    at_spine[2] = (spine[2] + exit_[2]) / 2
    it_gt = it + (gt - it) / 3.0
    it_gt[1] = max(it[1], gt[1]) + half + 6.0  # behind both bones
    # On the gemelli / obturator internus tendon, then on quadratus femoris, where built.
    at_spine, it_gt = on_rotators(c, at_spine, half), on_rotators(c, it_gt, half)
    return {"formation": formation, "cross": cross, "exit": exit_, "notch": notch, "spine": at_spine,
            "it_gt": it_gt}


def on_rotators(c: NerveContext, p: np.ndarray, half: float) -> np.ndarray:
    """Return ``p`` moved front to back onto the backs of the short rotators (mm).

    Along the line through ``p`` front to back, the nerve's centre is put ``half`` +
    :data:`ON_ROTATORS` mm behind the last rotator surface within 40 mm; ``p`` is returned
    unchanged where no rotator was built or the line misses them.
    """
    backs = []
    for base in ROTATORS:
        sid = c.probe.resolve(base)
        if sid is None:
            continue
        iv = c.probe.intervals(sid, p, POST)
        iv = iv[(iv[:, 1] > -40.0) & (iv[:, 0] < 40.0)]
        backs.extend(iv[:, 1])
    if not backs:
        return p
    return p + POST * (max(backs) + half + ON_ROTATORS)


def thigh_point(c: NerveContext, z: float) -> np.ndarray:
    """Return the sciatic nerve at height ``z`` in the thigh (the built course, interpolated)."""
    pts = np.array(sciatic_thigh(c))
    order = np.argsort(pts[:, 2])
    return np.array([np.interp(z, pts[order, 2], pts[order, k]) for k in range(2)] + [z])


def division_point(c: NerveContext) -> np.ndarray:
    """Return where the sciatic nerve divides: 65.43 mm above the knee joint line."""
    return sciatic_thigh(c)[-1]


def sciatic_thigh(c: NerveContext) -> list[np.ndarray]:
    """Return the sciatic control points from the tuberosity level down to the division.

    Levels at :data:`THIGH_LEVELS` of the drop from the ischial tuberosity to the division,
    65.43 mm above the knee joint line; computed once per side (cached on ``c``).
    """
    if "thigh" not in c.cache:
        it, knee = c.lm("ischial_tuberosity"), c.lm("knee_joint_centre")
        dz = knee[2] + DIVISION_ABOVE_KNEE
        zs = [it[2] - f * (it[2] - dz) for f in THIGH_LEVELS] + [dz]
        c.cache["thigh"] = thigh_course(c, zs)
    return [p.copy() for p in c.cache["thigh"]]


def sciatic(c: NerveContext) -> NerveSpec:
    """Return the sciatic nerve: formation in the pelvis to the division above the knee."""
    g = sciatic_exit(c)
    # Down the muscle's pelvic face, back through the foramen below its lower border.
    ctrl = [g["formation"], g["cross"], g["exit"], g["spine"], g["it_gt"], *sciatic_thigh(c)]
    w = SCIATIC_WIDTH_AT_PIRIFORMIS
    # Wide axis in the coronal plane: vertical where the roots stack on piriformis, turning
    # to transverse as the band descends in the buttock.
    sections = [
        Section(0.0, w, SCIATIC_THICKNESS + 1, tuple(UP)),
        Section(0.03, w, SCIATIC_THICKNESS, tuple(UP)),
        Section(0.1, w, SCIATIC_THICKNESS, tuple(c.LAT)),
        Section(0.2, w + 1.5, SCIATIC_THICKNESS + 0.5, tuple(c.LAT)),
        Section(0.5, 13.0, 8.0, tuple(c.LAT)),
        Section(1.0, THIGH_WIDTH, THIGH_THICKNESS, tuple(c.LAT)),
    ]
    return NerveSpec(f"sciatic_nerve_{c.s}", ctrl, sections, "nerve", parent=f"lumbosacral_trunk_{c.s}",
                     planes=SCIATIC_PLANES, pin=(True, False))


def tibial(c: NerveContext, d: np.ndarray) -> NerveSpec:
    """Return the tibial nerve: from the division point ``d`` (mm) to the tarsal tunnel."""
    knee = c.lm("knee_joint_centre")
    gm, gl = c.actuator_path("gasmed"), c.actuator_path("gaslat")
    between = (gm[0] + gl[0]) / 2  # between the gastrocnemius heads (their origins)
    knee_y = max(c.bone_back("femur", knee[2] + 12), c.bone_back("tibia", knee[2] - 8))
    fossa = np.array([between[0], knee_y + 9.0, knee[2]])
    # The nerve crosses the popliteal vessels from lateral to medial: in the fossa beside the
    # lateral head's inner border, then medial of them where they end (nerve_fossa.py).
    lat_edge = head_edge(c, "gastrocnemius_lateral_head", knee[2])
    if lat_edge is not None:
        fossa[0] = lat_edge + c.MED[0] * (TIBIAL_DIAMETER / 2 + 1.5)
    # Superficial to the popliteal vessels, which lie on the floor of the fossa, then medial of
    # them and still superficial where they end at the lower border of popliteus (issue 12).
    fossa = over_the_vessels(c, fossa, TIBIAL_DIAMETER / 2)
    crossed = arch_point(c, fossa, TIBIAL_DIAMETER / 2)
    soleus = c.actuator_path("soleus")[0]  # origin: the soleal line / arch
    tp = c.actuator_path("tibpost")
    arch_z = soleus[2] - 12.0
    arch = c.at_z(tp, arch_z) + POST * 9.0
    leg = [c.at_z(tp, z) + POST * 8.0 for z in (arch_z - 80, arch_z - 170)]
    mm = c.lm("medial_malleolus")
    fdl, fhl = c.actuator_path("fdl"), c.actuator_path("fhl")
    tunnel = (c.at_z(fdl, mm[2]) + c.at_z(fhl, mm[2])) / 2 + POST * 3.0
    low_z = mm[2] - 0.6 * (mm[2] - c.bone("foot_bones")[:, 2].min())
    end = (c.at_z(fdl, low_z) + c.at_z(fhl, low_z)) / 2 + c.MED * 3.0
    # Lower leg and tarsal tunnel: medial to FHL, between it and FDL, under the flexor
    # retinaculum; the built FHL belly reaches the ankle, so these points are moved medially
    # clear of it.
    low_leg = c.at_z(tp, (leg[1][2] + tunnel[2]) / 2) + POST * 8.0
    ctrl = [d, (d + fossa) / 2 + POST * 2.0, fossa, crossed, arch, *leg, low_leg, tunnel, end]
    for k in (7, 8, 9):
        ctrl[k] = medial_of(c, ctrl[k], TIBIAL_DIAMETER / 2, ("flexor_hallucis_longus", "tibialis_posterior"))
    return NerveSpec(f"tibial_nerve_{c.s}", ctrl, round_sections(*diameter("tibial_nerve")), "nerve",
                     parent=f"sciatic_nerve_{c.s}", planes=TIBIAL_PLANES)


def head_edge(c: NerveContext, base: str, z: float, half: float = 5.0) -> float | None:
    """Return the x (mm) of the inner border of a gastrocnemius head at height ``z``.

    The border facing the other head: the most medial vertex of the lateral head, the most
    lateral one of the medial head (built mesh vertices within ``half`` mm of ``z``); None
    when the muscles stage built no such head.
    """
    mesh = c.part.meshes.get(f"{base}_{c.s}")
    if mesh is None:
        return None
    v = np.asarray(mesh.vertices, float)
    sl = v[np.abs(v[:, 2] - z) < half]
    if not len(sl):
        return None
    lat = (sl[:, 0] - c.x0) * c.LAT[0]
    return float(sl[np.argmin(lat) if "lateral" in base else np.argmax(lat), 0])


def medial_of(c: NerveContext, point: np.ndarray, radius: float, bases: tuple[str, ...]) -> np.ndarray:
    """Return ``point`` moved medially until a nerve of ``radius`` clears the structures ``bases``."""
    return moved_clear(c, point, c.MED, radius, bases)


def moved_clear(c: NerveContext, point: np.ndarray, direction: np.ndarray, radius: float,
                bases: tuple[str, ...]) -> np.ndarray:
    """Return ``point`` moved along ``direction`` until a nerve of ``radius`` clears ``bases``.

    ``bases`` are base structure ids (muscles or bones) probed along ``direction``.
    """
    for _ in range(3):
        moved = False
        for base in bases:
            sid = c.probe.resolve(base)
            iv = c.probe.intervals(sid, point, direction) if sid else np.zeros((0, 2))
            hit = iv[(iv[:, 0] < radius + 1.0) & (iv[:, 1] > -radius - 1.0)]
            if len(hit):
                point = point + direction * (hit[:, 1].max() + radius + 1.0)
                moved = True
        if not moved:
            break
    return point


def plantar(c: NerveContext, start: np.ndarray) -> list[NerveSpec]:
    """Return the medial and lateral plantar nerves from the tibial nerve's end."""
    foot = c.bone("foot_bones")
    sole_z = foot[:, 2].min()
    fhl = c.actuator_path("fhl")
    # Medial plantar: along FHL toward the first metatarsal head (medial sole).
    tip = c.at_fraction(fhl, 0.85)  # under the first metatarsal
    medial_ctrl = [start, start + ANT * 20 + DOWN * 10, (start + tip) / 2 + DOWN * 4, tip + DOWN * 3]
    # Lateral plantar: obliquely forward across the sole towards the base of the fifth
    # metatarsal (fibularis brevis insertion), then forward along the lateral sole. Its middle
    # lies on the line from where it enters the sole to its end, so the nerve keeps running
    # forward: the model's fifth metatarsal base lies no further forward than the tarsal
    # tunnel, and a middle point beside it bent the nerve back towards the heel (a hairpin).
    mt5 = c.actuator_path("perbrev")[-1]
    lat_end = mt5 + c.MED * 12 + ANT * 25
    lat_end[2] = sole_z + 8
    entry = start + ANT * 12 + DOWN * 12 + c.LAT * 8
    mid = (entry + lat_end) / 2
    mid[2] = sole_z + 10
    lateral_ctrl = [start, entry, mid, lat_end]
    parent = f"tibial_nerve_{c.s}"
    return [
        NerveSpec(f"medial_plantar_nerve_{c.s}", medial_ctrl, round_sections(*diameter("medial_plantar_nerve")),
                  "nerve", parent=parent),
        NerveSpec(f"lateral_plantar_nerve_{c.s}", lateral_ctrl, round_sections(*diameter("lateral_plantar_nerve")),
                  "nerve", parent=parent),
    ]


def round_fibular_neck(c: NerveContext, clearance: float) -> list[np.ndarray]:
    """Return points (mm) on a spiral round the fibular neck: behind, lateral, then in front of it.

    The neck's section (fibula vertices 25-45 mm below its apex) gives a centre and radius; the
    points lie ``clearance`` mm outside it at 30, 60, 90 and 135 degrees from posterior towards
    lateral and anterior, descending 10 mm (the nerve winds obliquely forward round the neck).
    """
    neck = c.lm("fibular_neck")
    v = c.bone("fibula")
    ring = v[np.abs(v[:, 2] - neck[2]) < 6]
    centre = np.array([*ring[:, :2].mean(axis=0), neck[2]])
    radius = float(np.linalg.norm((ring - centre)[:, :2], axis=1).max())
    out = []
    for deg in (30.0, 60.0, 90.0, 135.0):
        a = np.radians(deg)
        out.append(centre + (np.cos(a) * POST + np.sin(a) * c.LAT) * (radius + clearance) + DOWN * (deg / 135.0 * 10.0))
    return out


def common_fibular(c: NerveContext, d: np.ndarray) -> NerveSpec:
    """Return the common fibular nerve: from the division ``d`` along biceps, round the fibular neck."""
    knee = c.lm("knee_joint_centre")
    head = c.lm("fibular_head")
    bf = c.actuator_path("bflh")
    tendon = c.at_z(bf, knee[2] + 20) + c.MED * 7.0 + ANT * 3.0  # medial border of biceps tendon
    spiral = round_fibular_neck(c, COMMON_FIBULAR_DIAMETER / 2 + 2.0)
    behind_head = spiral[0] + UP * max(8.0, (head[2] - spiral[0][2]) / 2) + POST * 3.0 + c.LAT * 3.0
    ctrl = [d, (d + tendon) / 2 + c.LAT * 4.0, tendon, behind_head, *spiral[1:]]
    return NerveSpec(f"common_fibular_nerve_{c.s}", ctrl, round_sections(*diameter("common_fibular_nerve")),
                     "nerve", parent=f"sciatic_nerve_{c.s}", planes=common_fibular_planes(c))


def fibular_branches(c: NerveContext, start: np.ndarray) -> list[NerveSpec]:
    """Return the superficial and deep fibular nerves from the common fibular's end."""
    pl, pb = c.actuator_path("perlong"), c.actuator_path("perbrev")
    ta, edl, ehl = c.actuator_path("tibant"), c.actuator_path("edl"), c.actuator_path("ehl")
    lm = c.lm("lateral_malleolus")
    z0 = start[2]
    # Superficial: lateral compartment, between the fibulares and EDL, then onto the dorsum.
    sup = [start, c.at_z(pl, z0 - 60) + c.LAT * 2 + ANT * 8,
           (c.at_z(pb, z0 - 170) + c.at_z(edl, z0 - 170)) / 2 + c.LAT * 4,
           (c.at_z(pb, lm[2] + 70) + c.at_z(edl, lm[2] + 70)) / 2 + c.LAT * 2 + ANT * 10]
    dorsum = edl[np.argmin(np.abs(edl[:, 1] - (edl[:, 1].min() + 0.35 * np.ptp(edl[:, 1]))))]
    sup += [c.at_z(edl, lm[2]) + c.LAT * 10 + ANT * 6, dorsum + UP * 7]
    # Deep: round the fibula into the anterior compartment, on the interosseous membrane
    # between tibialis anterior and EDL/EHL, in front of the ankle, to the first web space.
    deep = [start, start + ANT * 10 + c.MED * 10 + DOWN * 15]
    for dz in (90, 140, 190):
        deep.append((c.at_z(ta, z0 - dz) + c.at_z(edl, z0 - dz)) / 2 + POST * 6)
    deep.append((c.at_z(ta, lm[2] + 40) + c.at_z(ehl, lm[2] + 40)) / 2)
    # A control point inside the tibia made the pushed-out course jog sideways (a Z-kink):
    # the nerve lies in front of the interosseous membrane and, lower down, of the tibia.
    deep[2:] = [moved_clear(c, p, ANT, 2.0, ("tibia", "fibula")) for p in deep[2:]]
    web = ehl[np.argmin(np.abs(ehl[:, 1] - (ehl[:, 1].min() + 0.2 * np.ptp(ehl[:, 1]))))]
    deep.append(web + c.LAT * 12 + UP * 3)
    parent = f"common_fibular_nerve_{c.s}"
    return [
        NerveSpec(f"superficial_fibular_nerve_{c.s}", sup, round_sections(*diameter("superficial_fibular_nerve")),
                  "nerve", parent=parent),
        NerveSpec(f"deep_fibular_nerve_{c.s}", deep, round_sections(*diameter("deep_fibular_nerve")), "nerve",
                  parent=parent),
    ]


def sural(c: NerveContext, tibial_path: np.ndarray) -> NerveSpec:
    """Return the sural nerve: from the tibial nerve in the fossa, down the calf, lateral foot."""
    knee, lm = c.lm("knee_joint_centre"), c.lm("lateral_malleolus")
    start = tibial_path[np.argmin(np.abs(tibial_path[:, 2] - (knee[2] - 15)))]
    gm, gl = c.actuator_path("gasmed"), c.actuator_path("gaslat")
    calf = []
    for z in (knee[2] - 80, knee[2] - 200):
        a, b = c.at_z(gm, z), c.at_z(gl, z)
        calf.append(np.array([(a[0] + b[0]) / 2, max(a[1], b[1]) + 14, z]))
    achilles = c.actuator_path("soleus")[-1]
    beside = np.array([achilles[0], achilles[1], lm[2] + 60]) + c.LAT * 16 + ANT * 4
    # Behind the fibular tendons (which groove the back of the malleolus), then round below
    # the malleolus onto the lateral border of the foot.
    behind = lm + POST * 20 + c.LAT * 4 + DOWN * 4
    below = lm + POST * 6 + c.LAT * 7 + DOWN * 22
    mt5 = c.actuator_path("perbrev")[-1]
    end = mt5 + c.LAT * 6 + ANT * 28 + DOWN * 4
    ctrl = [start, calf[0], calf[1], beside, behind, below, mt5 + c.LAT * 7 + POST * 5, end]
    # Between the heads of gastrocnemius, then superficial to soleus and the fibulares.
    planes = [Plane((1, 5), _P, under=(*GASTROCNEMIUS, "soleus", "fibularis_brevis", "fibularis_longus"))]
    return NerveSpec(f"sural_nerve_{c.s}", ctrl, round_sections(*diameter("sural_nerve")), "nerve",
                     parent=f"tibial_nerve_{c.s}", planes=planes)


def sural_communicating(c: NerveContext, fibular_path: np.ndarray, sural_path: np.ndarray) -> NerveSpec:
    """Return the sural communicating branch: from the common fibular nerve to the sural nerve.

    It leaves the common fibular nerve in the popliteal fossa (10 mm above the knee joint
    centre), runs down on the posterior surface of the lateral head of gastrocnemius and ends
    on the sural nerve's centreline at the union level (``SURAL_UNION_FRACTION`` of the drop
    from the knee joint centre to the lateral malleolus). Standring, Gray's Anatomy 42nd ed.
    (leg); Moore, Clinically Oriented Anatomy 9th ed. (cutaneous nerves of the leg).
    """
    knee, lm = c.lm("knee_joint_centre"), c.lm("lateral_malleolus")
    start = fibular_path[np.argmin(np.abs(fibular_path[:, 2] - (knee[2] + 10.0)))]
    z_union = knee[2] - SURAL_UNION_FRACTION * (knee[2] - lm[2])
    end = sural_path[np.argmin(np.abs(sural_path[:, 2] - z_union))]
    gl = c.actuator_path("gaslat")
    radius = SURAL_COMMUNICATING_DIAMETER / 2 + 0.5  # lies on the muscle, under thin skin
    # On the back of the lateral head: its muscle line moved straight back until clear.
    head = [moved_clear(c, c.at_z(gl, z), POST, radius, ("gastrocnemius_lateral_head",))
            for z in (knee[2] - 20.0, knee[2] - 55.0, knee[2] - 100.0)]
    # Converging medially on the sural nerve below the head's belly, behind both heads.
    low = (head[-1] + end) / 2 + POST * 2.0
    low = moved_clear(c, low, POST, radius, (*GASTROCNEMIUS, "soleus"))
    ctrl = [start, *head, low, end]
    planes = [Plane((0, 5), _P, under=(*GASTROCNEMIUS, "soleus"), clear=("biceps_femoris_long_head",))]
    return NerveSpec(f"sural_communicating_branch_{c.s}", ctrl, round_sections(*diameter("sural_communicating_branch")),
                     "nerve", parent=f"common_fibular_nerve_{c.s}", planes=planes)
