"""Muscular branches: short nerves from a parent nerve into the belly of the muscle they supply.

Innervation (Standring, Gray's Anatomy 42nd ed., chs. 80 and 83; Moore, Clinically Oriented
Anatomy 8th ed., tables 7.6, 7.11-7.13): the hamstrings (semitendinosus, semimembranosus,
long head of biceps) and the ischial part of adductor magnus from the tibial division; the
short head of biceps from the common fibular division; gastrocnemius, soleus, tibialis
posterior, FDL and FHL from the tibial nerve; fibularis longus and brevis from the superficial
fibular; tibialis anterior, EDL and EHL from the deep fibular; gluteus medius and minimus
from the superior gluteal nerve (also tensor fasciae latae);
gluteus maximus from the inferior gluteal nerve; piriformis from the nerve to piriformis;
iliacus, sartorius and the quadriceps from the femoral nerve; adductor longus and brevis and
gracilis from the obturator nerve (Moore 9e, tables of anterior and medial thigh muscles). Ids: ``branch_<nerve>__<muscle>_<side>``.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import NerveContext, NerveSpec, round_sections
from sciatic_atlas.assetbuild.nerve_figures import diameter

# (nerve base id, the nerve whose path the branch leaves from, muscle base id, motor-point
# fraction of the muscle line from its origin). Branches of the tibial and common fibular
# divisions in the thigh leave the sciatic trunk itself.
_COURSES = (
    ("tibial_nerve", "sciatic_nerve", "semitendinosus", 0.35),
    ("tibial_nerve", "sciatic_nerve", "semimembranosus", 0.4),
    ("tibial_nerve", "sciatic_nerve", "biceps_femoris_long_head", 0.35),
    ("tibial_nerve", "sciatic_nerve", "adductor_magnus", 0.35),
    ("common_fibular_nerve", "sciatic_nerve", "biceps_femoris_short_head", 0.4),
    ("tibial_nerve", "tibial_nerve", "gastrocnemius_medial_head", 0.2),
    ("tibial_nerve", "tibial_nerve", "gastrocnemius_lateral_head", 0.2),
    ("tibial_nerve", "tibial_nerve", "soleus", 0.2),
    ("tibial_nerve", "tibial_nerve", "tibialis_posterior", 0.25),
    ("tibial_nerve", "tibial_nerve", "flexor_digitorum_longus", 0.2),
    ("tibial_nerve", "tibial_nerve", "flexor_hallucis_longus", 0.2),
    ("superficial_fibular_nerve", "superficial_fibular_nerve", "fibularis_longus", 0.2),
    ("superficial_fibular_nerve", "superficial_fibular_nerve", "fibularis_brevis", 0.25),
    ("deep_fibular_nerve", "deep_fibular_nerve", "tibialis_anterior", 0.2),
    ("deep_fibular_nerve", "deep_fibular_nerve", "extensor_digitorum_longus", 0.2),
    ("deep_fibular_nerve", "deep_fibular_nerve", "extensor_hallucis_longus", 0.3),
    ("superior_gluteal_nerve", "superior_gluteal_nerve", "gluteus_medius", 0.45),
    ("superior_gluteal_nerve", "superior_gluteal_nerve", "gluteus_minimus", 0.45),
    ("superior_gluteal_nerve", "superior_gluteal_nerve", "tensor_fasciae_latae", 0.2),
    ("inferior_gluteal_nerve", "inferior_gluteal_nerve", "gluteus_maximus", 0.5),
    ("nerve_to_piriformis", "nerve_to_piriformis", "piriformis", 0.4),
    ("femoral_nerve", "femoral_nerve", "iliacus", 0.35),
    ("femoral_nerve", "femoral_nerve", "sartorius", 0.2),
    ("femoral_nerve", "femoral_nerve", "rectus_femoris", 0.2),
    ("femoral_nerve", "femoral_nerve", "vastus_lateralis", 0.2),
    ("femoral_nerve", "femoral_nerve", "vastus_medialis", 0.25),
    ("femoral_nerve", "femoral_nerve", "vastus_intermedius", 0.2),
    ("obturator_nerve", "obturator_nerve", "adductor_longus", 0.3),
    ("obturator_nerve", "obturator_nerve", "adductor_brevis", 0.3),
    ("obturator_nerve", "obturator_nerve", "gracilis", 0.1),  # near its origin: lower, the model's gracilis bulges through the skin
)
# The same with the branch's starting diameter (mm) appended, from data/nerve_figures.yaml
# ("diameters_mm", ``branch_<nerve>__<muscle>``); each branch tapers to its entry's end.
BRANCHES = tuple((nerve, source, muscle, frac, diameter(f"branch_{nerve}__{muscle}")[0])
                 for nerve, source, muscle, frac in _COURSES)


def branch_id(nerve: str, muscle: str, s: str) -> str:
    """Return the structure id of a muscular branch (``branch_tibial_nerve__soleus_r``)."""
    return f"branch_{nerve}__{muscle}_{s}"


def muscular_branches(c: NerveContext, paths: dict[str, np.ndarray]) -> list[NerveSpec]:
    """Return every muscular branch of this side.

    Parameters
    ----------
    c : NerveContext
    paths : dict
        Built centrelines of the parent nerves (structure id -> (K, 3) mm).
    """
    out = []
    for nerve, source, muscle, frac, _start in BRANCHES:
        parent = paths[f"{source}_{c.s}"]
        target = c.at_fraction(c.muscle_line(muscle), frac)
        # Leave the parent at its point nearest the motor point, but not from its first 5%.
        k0 = max(1, len(parent) // 20)
        i = k0 + int(np.argmin(np.linalg.norm(parent[k0:] - target, axis=1)))
        i = min(i, len(parent) - 2)
        start = parent[i]
        out.append(NerveSpec(branch_id(nerve, muscle, c.s), [start, _lead(parent, i, target), target],
                             round_sections(*diameter(f"branch_{nerve}__{muscle}")), "branch",
                             parent=f"{nerve}_{c.s}", extra={"supplies": f"{muscle}_{c.s}"}))
    return out


def _lead(parent: np.ndarray, i: int, target: np.ndarray) -> np.ndarray:
    """Return the branch's middle control point: a little way down the parent, a quarter across.

    A muscular branch leaves its parent at an acute angle, running distally beside it before it
    turns into the muscle (about 35 degrees at the take-off), rather than as a rung at right
    angles: ``LEAD`` of the branch's length along the parent's distal direction at ``i``, plus
    ``ACROSS`` of the way to ``target``.
    """
    start = parent[i]
    tangent = parent[min(i + 2, len(parent) - 1)] - parent[max(i - 2, 0)]
    tangent /= max(float(np.linalg.norm(tangent)), 1e-9)
    length = float(np.linalg.norm(target - start))
    return start + tangent * LEAD * length + (target - start) * ACROSS


LEAD, ACROSS = 0.35, 0.25  # fractions of the branch length (see _lead)
