"""The tibial nerve's bed in the popliteal fossa: superficial to the popliteal vessels.

In the fossa the tibial nerve is the most superficial of the three central structures, the
vein deeper, the artery deepest on the floor (the femur, the knee capsule, popliteus); the
nerve crosses the vessels from lateral to medial and passes the lower border of popliteus
posteromedial to the artery (Moore 9e, Lower Limb: popliteal fossa; Gray's 42e, Knee:
popliteal fossa). The vessels are laid after the nerve, deep to it
(:mod:`~sciatic_atlas.assetbuild.vessel_paths`), so the nerve's points here leave room in
front of them for the artery and the vein on the floor: the built popliteus stands a few
mm off the tibia, and a nerve laid against the bones left the vessels no room behind it
(issue 12). World frame, millimetres.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import POST, NerveContext
from sciatic_atlas.assetbuild.vessel_paths import rule, vessel_diameter

FLOOR = ("femur", "tibia", "popliteus")  # what the vessels lie on, deep to the nerve


def floor_back(c: NerveContext, x: float, z: float, window: float) -> float:
    """Return the most posterior y (mm) of the fossa's floor on the front-to-back line at ``x``.

    The line is probed at heights ``z - window`` to ``z + window`` (every 2 mm), so a border of
    popliteus just above or below ``z`` counts as floor.
    """
    backs = []
    for h in np.arange(z - window, z + window + 1e-6, 2.0):
        for base in FLOOR:
            sid = c.probe.resolve(base)
            if sid is None:
                continue
            iv = c.probe.intervals(sid, np.array([x, 0.0, h]), POST)
            backs.extend(iv[:, 1])
    return float(max(backs)) if backs else -np.inf


def room_for_vessels() -> float:
    """Return the depth (mm) from the floor to the nerve's surface that the vessels take.

    The vessels' wall ``bone_clearance_mm`` off the floor, the larger vessel's diameter (the
    vein lies beside the artery as much as behind it: posteromedial at the joint line, medial
    at the lower border of popliteus), and the fat between them and the nerve
    (data/vessels.yaml).
    """
    widest = max(vessel_diameter("popliteal_artery"), vessel_diameter("popliteal_vein"))
    return rule("bone_clearance_mm") + widest + rule("nerve_gap_mm")


def over_the_vessels(c: NerveContext, p: np.ndarray, radius: float) -> np.ndarray:
    """Return ``p`` moved back, if need be, to lie superficial to the vessels on the floor.

    ``radius``: the nerve's (mm). The floor is looked for within ``path.bed_window_mm`` of
    ``p``'s height, as the vessels' stations do.
    """
    back = floor_back(c, p[0], p[2], rule("bed_window_mm"))
    out = np.array(p, float)
    out[1] = max(out[1], back + room_for_vessels() + radius)
    return out


def arch_point(c: NerveContext, knee_point: np.ndarray, radius: float) -> np.ndarray:
    """Return where the nerve passes the vessels' end (the lower border of popliteus), mm.

    ``path.nerve_medial_at_arch_mm`` (data/vessels.yaml) medial of its point at the knee, just
    above the level where the vessels end, superficial to them.
    """
    z = c.lm("soleus_origin")[2] - rule("end_below_soleus_origin_mm") + rule("nerve_above_end_mm")
    p = np.array([knee_point[0], knee_point[1], z]) + c.MED * rule("nerve_medial_at_arch_mm")
    p[1] = -np.inf
    return over_the_vessels(c, p, radius)
