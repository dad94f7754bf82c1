"""The lumbar plexus nerves of the lower limb: the femoral and obturator nerves (L2-L4).

They contrast with the sciatic nerve: the femoral nerve supplies the front of the thigh
(quadriceps, sartorius, iliacus), the obturator nerve the adductors, the sciatic nerve the
back of the thigh and everything below the knee.

Anatomy (Moore 9e, Lower Limb: lumbar plexus, femoral triangle, medial thigh; Standring,
Gray's Anatomy 42nd ed., ch. 78 "Posterior abdominal wall" (lumbar plexus) and ch. 80
"Thigh"): both form within psoas major from the ventral rami of L2-L4 (femoral: posterior
divisions; obturator: anterior divisions). The femoral nerve emerges from the LATERAL border
of psoas low in the abdomen, descends in the groove between psoas and iliacus, passes under
the inguinal ligament lateral to the femoral artery (outside the femoral sheath) into the
femoral triangle, and divides there about 4 cm below the ligament. The obturator nerve
emerges from the MEDIAL border of psoas at the pelvic brim, runs forward and down along the
lateral pelvic wall on obturator internus to the obturator canal (the upper part of the
obturator foramen, under the superior pubic ramus) and enters the medial thigh, where its
anterior branch lies between adductor longus and adductor brevis.

The model has no L2 or L3 rami: both nerves start beside the L3/L4 foramen (the middle of
their roots) inside psoas; their roots are recorded as ``extra["roots"]``. World frame, mm.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import ANT, DOWN, POST, NerveContext, NerveSpec, round_sections
from sciatic_atlas.assetbuild.nerve_figures import diameter
from sciatic_atlas.assetbuild.nerve_plexus import ala_junction
from sciatic_atlas.assetbuild.nerve_planes import Plane

ROOTS = ["L2", "L3", "L4"]
LIGAMENT_FRACTION = 0.42  # of the way from the ASIS to the pubic tubercle: just lateral of the mid-inguinal point
TRIANGLE_DROP = 50.0  # mm below the inguinal ligament where the femoral nerve is drawn to end (divides ~4 cm)


def pubic_tubercle(c: NerveContext) -> np.ndarray:
    """Return the pubic tubercle (mm): the most anterior point of the hip bone near the symphysis."""
    v = c.bone("hip_bone")
    off = np.array([c.lateral_offset(p) for p in v])
    near = v[off < off.min() + 25.0]
    return near[np.argmin(near[:, 1])]


def inguinal_point(c: NerveContext) -> np.ndarray:
    """Return where the femoral nerve passes under the inguinal ligament (on the ligament, mm).

    The ligament runs from the anterior superior iliac spine to the pubic tubercle; the femoral
    artery lies at the mid-inguinal point and the nerve just lateral of it.
    """
    asis = c.lm("anterior_superior_iliac_spine")
    return asis + LIGAMENT_FRACTION * (pubic_tubercle(c) - asis)


def _psoas_edge(c: NerveContext, z: float, lateral: bool) -> np.ndarray:
    """Return the lateral (or medial) border of psoas major's built mesh at height ``z`` (mm)."""
    v = np.asarray(c.part.meshes[f"psoas_major_{c.s}"].vertices, float)
    sl = v[np.abs(v[:, 2] - z) < 3.0]
    off = np.array([c.lateral_offset(p) for p in sl])
    return sl[np.argmax(off) if lateral else np.argmin(off)]


def obturator_canal(c: NerveContext) -> np.ndarray:
    """Return the obturator canal (mm): the top of the obturator foramen, under the superior ramus.

    The foramen is found by probing the hip bone along the medio-lateral axis: the highest
    height, 10-25 mm below the acetabular centre, where a line at the canal's depth (the
    front of the foramen) misses the bone; the canal lies 4 mm below that, at the mid-depth
    of the ramus above it.
    """
    hip = c.lm("hip_joint_centre")
    y = hip[1] - 10.0  # the canal is at the front of the foramen
    lat = c.LAT
    start = np.array([c.x0, y, 0.0])
    for z in np.arange(hip[2] + 5.0, hip[2] - 40.0, -1.0):
        start[2] = z
        if not len(c.probe.intervals(f"hip_bone_{c.s}", start, lat)):
            above = c.probe.intervals(f"hip_bone_{c.s}", start + np.array([0, 0, 8.0]), lat)
            depth = float(above[0].mean()) if len(above) else 50.0
            return start + lat * depth + DOWN * 4.0
    raise ValueError("no obturator foramen found below the acetabulum")


def _pelvic_wall(c: NerveContext, y: float, z: float, gap: float) -> np.ndarray:
    """Return a point ``gap`` mm medial of the pelvic (inner) surface of the hip bone at (y, z)."""
    start = np.array([c.x0, y, z])
    iv = c.probe.intervals(f"hip_bone_{c.s}", start, c.LAT)
    t = float(iv[iv[:, 1] > 0][0, 0]) if len(iv) and (iv[:, 1] > 0).any() else 50.0
    return start + c.LAT * (t - gap)


def femoral(c: NerveContext) -> NerveSpec:
    """Return the femoral nerve: psoas (lateral border), iliopsoas groove, inguinal ligament, triangle."""
    s = c.s
    f34 = c.foramen("l3", "l4")
    r = diameter("femoral_nerve")[0] / 2
    in_psoas = (_psoas_edge(c, f34[2] - 45.0, True) + _psoas_edge(c, f34[2] - 45.0, False)) / 2  # within the muscle
    emerge = _psoas_edge(c, f34[2] - 80.0, True) + c.LAT * (r + 1.5) + ANT * 2.0
    groove = _psoas_edge(c, f34[2] - 125.0, True) + c.LAT * (r + 1.0) + ANT * 3.0
    lig = inguinal_point(c) + POST * (r + 6.0)
    triangle = lig + DOWN * TRIANGLE_DROP + POST * 4.0 + c.MED * 3.0
    ctrl = [f34 + c.LAT * 4.0 + ANT * 4.0, in_psoas, emerge, groove, lig, triangle]
    return NerveSpec(f"femoral_nerve_{s}", ctrl, round_sections(*diameter("femoral_nerve")), "nerve",
                     fixed=1, extra={"roots": ROOTS}, pin=(True, False),
                     planes=[Plane((2, 5), tuple(ANT), under=("psoas_major", "iliacus"),
                                   clear=("sartorius",), window=25.0)])


def obturator(c: NerveContext) -> NerveSpec:
    """Return the obturator nerve: psoas (medial border), lateral pelvic wall, obturator canal, thigh."""
    s = c.s
    f34 = c.foramen("l3", "l4")
    r = diameter("obturator_nerve")[0] / 2
    brim_z = ala_junction(c)[2] - 10.0  # the pelvic brim, level with the sacral ala
    emerge = _psoas_edge(c, brim_z, False) + c.MED * (r + 1.0)
    # In front of the lumbosacral trunk, which leaves the same border deeper, on the ala.
    emerge[1] = min(emerge[1], ala_junction(c)[1] - 12.0)
    canal = obturator_canal(c)
    wall_hi = _pelvic_wall(c, canal[1] + 6.0, canal[2] + 45.0, r + 4.0)  # below the brim
    wall_lo = _pelvic_wall(c, canal[1] + 2.0, canal[2] + 22.0, r + 3.0)
    # On the front of adductor brevis, behind adductor longus (its anterior branch's plane), heading down.
    brevis = c.muscle_centre("adductor_brevis", canal[2] - 50.0)
    longus = c.muscle_centre("adductor_longus", canal[2] - 50.0)
    thigh = brevis + 0.35 * (longus - brevis)
    # Within psoas, in front of the L4 ramus descending to the lumbosacral trunk.
    ctrl = [f34 + ANT * 4.0 + DOWN * 4.0, _psoas_edge(c, f34[2] - 40.0, False) + c.LAT * 14.0 + ANT * 10.0,
            emerge, wall_hi, wall_lo, canal, canal + DOWN * 14.0 + ANT * 4.0 + c.MED * 2.0, thigh]
    return NerveSpec(f"obturator_nerve_{s}", ctrl, round_sections(*diameter("obturator_nerve")), "nerve",
                     fixed=1, extra={"roots": ROOTS},
                     planes=[Plane((2, 4), tuple(c.MED), under=("obturator_internus", "hip_bone"),
                                   clear=("psoas_major", "iliacus"), window=25.0),
                             Plane((6, 7), tuple(ANT), over=("adductor_longus",), under=("adductor_brevis",),
                                   window=25.0)],
                     pin=(True, False))


def adductor_magnus_branch(c: NerveContext, obturator_path: np.ndarray) -> NerveSpec:
    """Return the obturator nerve's branch to adductor magnus's adductor part.

    Adductor magnus has two nerves (Moore 9e, table of medial thigh muscles): its hamstring
    part the tibial division of the sciatic nerve, its adductor part the posterior branch of
    the obturator nerve (L2-L4). That branch leaves the nerve at the obturator canal, passes
    through obturator externus and runs down behind adductor brevis, in front of adductor
    magnus, into the adductor part (Moore 9e, Lower Limb: obturator nerve; Gray's 42e ch. 80).
    Drawn from the nerve's point nearest the canal's outlet, between the two adductors half
    way down, to adductor magnus's centreline ``MAGNUS_DROP`` below the canal.
    """
    canal = obturator_canal(c)
    outlet = canal + DOWN * 10.0
    i = int(np.argmin(np.linalg.norm(obturator_path - outlet, axis=1)))
    start = obturator_path[min(i, len(obturator_path) - 2)]
    target = c.at_z(c.muscle_line("adductor_magnus"), canal[2] - MAGNUS_DROP)
    z_mid = (start[2] + target[2]) / 2
    between = (c.muscle_centre("adductor_brevis", z_mid) + c.muscle_centre("adductor_magnus", z_mid)) / 2
    return NerveSpec(f"branch_obturator_nerve__adductor_magnus_{c.s}", [start, between, target],
                     round_sections(*diameter("branch_obturator_nerve__adductor_magnus")), "branch",
                     parent=f"obturator_nerve_{c.s}", extra={"supplies": f"adductor_magnus_{c.s}"})


MAGNUS_DROP = 70.0  # mm below the obturator canal: the upper adductor part, where the branch enters


def nerves(c: NerveContext) -> list[NerveSpec]:
    """Return the femoral and obturator nerves of this side."""
    return [femoral(c), obturator(c)]
