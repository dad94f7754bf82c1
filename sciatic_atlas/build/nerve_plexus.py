"""The sacral plexus: ventral rami L4-S3, the lumbosacral trunk and the gluteal-region branches.

Anatomy (Standring, Gray's Anatomy 42nd ed., ch. 79 "Pelvic girdle, gluteal region and
hip", sacral plexus): the L4 ventral ramus (its lower part) joins L5 to form the lumbosacral
trunk, which descends over the sacral ala anterior to the sacro-iliac joint; S1-S3 leave the
anterior sacral foramina; all converge on the pelvic surface of piriformis. The superior
gluteal nerve (L4-S1) leaves above piriformis and runs between gluteus medius and minimus to
tensor fasciae latae; the inferior gluteal (L5-S2) leaves below piriformis into gluteus
maximus; the nerve to piriformis (S1-S2) enters the muscle's anterior surface; the posterior
femoral cutaneous nerve (S1-S3) leaves below piriformis and descends superficial to the
hamstrings under the fascia lata.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.build.nerve_context import ANT, DOWN, POST, UP, NerveContext, NerveSpec, round_sections
from sciatic_atlas.build.nerve_paths import sciatic_exit, thigh_point

# Ventral ramus diameters (mm), L4 smallest of the plexus roots, S1 largest; S3 small
# (Standring ch. 79; rami 4-6 mm).
RAMUS_DIAMETER = {"l4": 4.5, "l5": 5.5, "s1": 6.0, "s2": 5.0, "s3": 3.5}


def piriformis_radius(c: NerveContext) -> float:
    """Return the half-thickness (mm) of piriformis at the notch (path to lower border)."""
    line = c.muscle_line("piriformis")
    plb = c.lm("piriformis_lower_border")
    d = np.linalg.norm(line - plb, axis=1)
    return float(max(d.min(), 5.0))


def ala_junction(c: NerveContext) -> np.ndarray:
    """Return where L4 meets L5: in front of the sacral ala, just below the promontory."""
    v = c.bone("sacrum")
    top = v[:, 2].max()
    upper = v[v[:, 2] > top - 0.2 * np.ptp(v[:, 2])]
    lat = np.array([c.lateral_offset(p) for p in upper])
    half_w = lat.max()
    ala = upper[(lat > 0.35 * half_w) & (lat < 0.7 * half_w)]
    front = ala[np.argmin(ala[:, 1])]
    return front + ANT * 6.0 + DOWN * 6.0


def roots(c: NerveContext) -> list[NerveSpec]:
    """Return the ventral rami L4-S3 and the lumbosacral trunk of this side."""
    g = sciatic_exit(c)
    formation = g["formation"]
    j = ala_junction(c)
    s = c.s
    out = []
    f45, f5s = c.foramen("l4", "l5"), c.foramen("l5", "s1")
    l4 = [f45, f45 + c.LAT * 10 + ANT * 14 + DOWN * 12, (f45 + j) / 2 + c.LAT * 6 + ANT * 10, j]
    l5 = [f5s, f5s + c.LAT * 8 + ANT * 14 + DOWN * 6, j]
    out.append(NerveSpec(f"l4_ventral_ramus_{s}", l4, round_sections(RAMUS_DIAMETER["l4"]), "root",
                         fixed=1, extra={"root": "L4"}))
    out.append(NerveSpec(f"l5_ventral_ramus_{s}", l5, round_sections(RAMUS_DIAMETER["l5"]), "root",
                         fixed=1, extra={"root": "L5"}))
    trunk_mid = (j + formation) / 2 + ANT * 6 + c.LAT * 2
    out.append(NerveSpec(f"lumbosacral_trunk_{s}", [j, trunk_mid, formation], round_sections(6.5, 7.0), "root",
                         extra={"roots": ["L4", "L5"]}))
    for level in (1, 2, 3):
        f = c.sacral_foramen(level)
        mid = f + ANT * 8 + (formation - f) * 0.45
        name = f"s{level}"
        out.append(NerveSpec(f"{name}_ventral_ramus_{s}", [f, f + ANT * 5, mid, formation],
                             round_sections(RAMUS_DIAMETER[name]), "root", fixed=1, extra={"root": name.upper()}))
    return out


def gluteal_branches(c: NerveContext) -> list[NerveSpec]:
    """Return the superior and inferior gluteal nerves, nerve to piriformis, posterior femoral cutaneous."""
    g = sciatic_exit(c)
    s = c.s
    r = piriformis_radius(c)
    piri = c.muscle_line("piriformis")
    at_notch = piri[np.argmin(np.linalg.norm(piri - g["notch"], axis=1))]
    j = ala_junction(c)
    # Superior gluteal: from the lumbosacral trunk, above piriformis, between medius and minimus.
    start = j + (g["formation"] - j) * 0.55
    above = at_notch + UP * (r + 5.0) + ANT * 2.0
    gmin, gmed = c.muscle_line("gluteus_minimus"), c.muscle_line("gluteus_medius")
    between = [(c.at_fraction(gmin, f) + c.at_fraction(gmed, f)) / 2 for f in (0.35, 0.65)]
    tfl = c.at_fraction(c.muscle_line("tensor_fasciae_latae"), 0.12)
    sup = [start, above, between[0] + UP * 8, between[1] + UP * 6 + ANT * 10, tfl]
    # Inferior gluteal: below piriformis medial to the sciatic nerve, into gluteus maximus.
    below = g["exit"] + c.MED * 14.0 + POST * 2.0
    gmax = c.muscle_line("gluteus_maximus")
    into_gmax = c.at_fraction(gmax, 0.35)
    inf = [g["formation"] + c.MED * 8 + UP * 2, below, below + POST * 14 + DOWN * 4, into_gmax]
    # Nerve to piriformis: from S1/S2 onto the muscle's anterior surface.
    s12 = (c.sacral_foramen(1) + c.sacral_foramen(2)) / 2 + ANT * 6
    belly = c.at_fraction(piri, 0.3)
    to_piri = [s12, (s12 + belly) / 2 + ANT * 6, belly + ANT * 0.4 * r]
    # Posterior femoral cutaneous: below piriformis, medial to the sciatic, then down the thigh
    # superficial to the hamstrings under the fascia lata.
    it, knee = c.lm("ischial_tuberosity"), c.lm("knee_joint_centre")
    bf, st = c.actuator_path("bflh"), c.actuator_path("semiten")
    pfcn = [g["formation"] + c.MED * 4 + DOWN * 4, g["exit"] + c.MED * 8 + POST * 6,
            g["it_gt"] + POST * 14 + c.MED * 4]
    for f in (0.25, 0.55, 0.85):
        z = it[2] - f * (it[2] - knee[2])
        a, b = c.at_z(bf, z), c.at_z(st, z)
        back = max(a[1], b[1], thigh_point(c, z)[1])
        pfcn.append(np.array([(a[0] + b[0]) / 2, back + 16.0, z]))
    return [
        NerveSpec(f"superior_gluteal_nerve_{s}", sup, round_sections(4.0, 3.0), "nerve",
                  parent=f"lumbosacral_trunk_{s}", extra={"roots": ["L4", "L5", "S1"]}),
        NerveSpec(f"inferior_gluteal_nerve_{s}", inf, round_sections(4.0, 3.0), "nerve",
                  parent=f"sciatic_nerve_{s}", extra={"roots": ["L5", "S1", "S2"]}),
        NerveSpec(f"nerve_to_piriformis_{s}", to_piri, round_sections(2.5, 2.0), "nerve",
                  parent=f"s1_ventral_ramus_{s}", extra={"roots": ["S1", "S2"]}),
        NerveSpec(f"posterior_femoral_cutaneous_nerve_{s}", pfcn, round_sections(3.0, 2.0), "nerve",
                  parent=f"sciatic_nerve_{s}", extra={"roots": ["S1", "S2", "S3"]}),
    ]
