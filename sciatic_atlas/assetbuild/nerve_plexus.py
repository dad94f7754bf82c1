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

from sciatic_atlas.assetbuild.nerve_context import ANT, DOWN, POST, UP, NerveContext, NerveSpec, round_sections, unit
from sciatic_atlas.assetbuild.nerve_figures import diameter
from sciatic_atlas.assetbuild.nerve_paths import sciatic_exit, thigh_point
from sciatic_atlas.assetbuild.nerve_planes import Plane

# Ventral ramus diameters (mm), L4 smallest of the plexus roots, S1 largest; S3 small
# (Standring ch. 79; rami 4-6 mm): data/nerve_figures.yaml.
RAMUS_DIAMETER = {level: diameter(f"{level}_ventral_ramus")[0] for level in ("l4", "l5", "s1", "s2", "s3")}


def piriformis_radius(c: NerveContext) -> float:
    """Return the half-thickness (mm) of piriformis at the notch (path to lower border)."""
    line = c.muscle_line("piriformis")
    plb = c.lm("piriformis_lower_border")
    d = np.linalg.norm(line - plb, axis=1)
    return float(max(d.min(), 5.0))


def _sacral_front(c: NerveContext, lateral: float, z: float) -> np.ndarray:
    """Return the anterior (pelvic) surface of the sacrum (mm) ``lateral`` mm from the midline at ``z``."""
    v = c.bone("sacrum")
    x = c.x0 + c.LAT[0] * lateral
    sl = v[(np.abs(v[:, 2] - z) < 5) & (np.abs(v[:, 0] - x) < 5)]
    if not len(sl):
        sl = v[np.argsort(np.abs(v[:, 2] - z) + np.abs(v[:, 0] - x))[:10]]
    return np.array([x, sl[:, 1].min(), z])


def _half_width(c: NerveContext, z: float) -> float:
    """Return the sacrum's half-width (mm) at height ``z`` on this side."""
    v = c.bone("sacrum")
    sl = v[np.abs(v[:, 2] - z) < 5]
    return max(c.lateral_offset(p) for p in sl) if len(sl) else 40.0


def ala_junction(c: NerveContext) -> np.ndarray:
    """Return where L4 meets L5: in front of the sacral ala at the level of the sacral base.

    Just below the L5/S1 disc, 55% of the sacrum's half-width from the midline (over the
    medial ala, lateral of the promontory), 6 mm in front of the bone.
    """
    z = c.disc("l5", "s1")[2] - 10.0
    return _sacral_front(c, 0.55 * _half_width(c, z), z) + ANT * 6.0


def _clear_of_disc(c: NerveContext, points: list[np.ndarray], disc: str, diameter: float) -> list[np.ndarray]:
    """Return a ramus' control points, the inner ones moved lateral of the disc below its foramen.

    A ramus leaves its foramen and runs forward and down across the posterolateral surface of
    the disc, outside it (Gray's 42e, ch. 79). A first point is added level with the foramen,
    just lateral of the disc's edge; every inner point at the disc's height is kept that far
    out (half the ramus' diameter plus 2.5 mm beyond the disc's widest point near it).
    """
    v = np.asarray(c.part.meshes[disc].vertices, dtype=float)
    reach = 0.5 * diameter + 2.5

    def outside(p: np.ndarray) -> np.ndarray:
        near = v[np.abs(v[:, 2] - p[2]) < 6.0]
        if not len(near):
            return p
        edge = max(c.lateral_offset(q) for q in near)
        return p + c.LAT * max(0.0, edge + reach - c.lateral_offset(p))

    first = outside(points[0] + ANT * 2.0 + DOWN * 2.0)
    return [points[0], first, *(outside(p) for p in points[1:-1]), points[-1]]


def roots(c: NerveContext) -> list[NerveSpec]:
    """Return the ventral rami L4-S3 and the lumbosacral trunk of this side.

    The trunk descends over the ala anterior to the sacro-iliac joint; S1-S3 leave their
    anterior foramina, turn laterally over the pelvic surface of piriformis and join the
    band one below the other (trunk highest, S3 lowest), so the plexus reads as a fan
    converging on the greater sciatic foramen.
    """
    g = sciatic_exit(c)
    formation = g["formation"]
    j = ala_junction(c)
    s = c.s
    out = []
    f45, f5s = c.foramen("l4", "l5"), c.foramen("l5", "s1")
    l4 = _clear_of_disc(c, [f45, f45 + c.LAT * 8 + ANT * 14 + DOWN * 12,
                            (f45 + j) / 2 + c.LAT * 4 + ANT * 10, j], "disc_l4_l5", RAMUS_DIAMETER["l4"])
    l5 = _clear_of_disc(c, [f5s, f5s + c.LAT * 6 + ANT * 16 + DOWN * 6, j], "disc_l5_s1", RAMUS_DIAMETER["l5"])
    out.append(NerveSpec(f"l4_ventral_ramus_{s}", l4, round_sections(*diameter("l4_ventral_ramus")), "root",
                         fixed=1, extra={"root": "L4"}))
    out.append(NerveSpec(f"l5_ventral_ramus_{s}", l5, round_sections(*diameter("l5_ventral_ramus")), "root",
                         fixed=1, extra={"root": "L5"}))
    # Over the sacro-iliac joint: 92% of the half-width, halfway down to the formation.
    z_si = (j[2] + formation[2]) / 2 + 8.0
    over_si = _sacral_front(c, 0.92 * _half_width(c, z_si), z_si) + ANT * 7.0
    out.append(NerveSpec(f"lumbosacral_trunk_{s}", [j, over_si, formation + UP * 9.0 + c.MED * 3.0, formation],
                         round_sections(*diameter("lumbosacral_trunk")), "root", extra={"roots": ["L4", "L5"]},
                         planes=ROOT_PLANES(3)))
    for level in (1, 2, 3):
        name = f"s{level}"
        out.append(NerveSpec(f"{name}_ventral_ramus_{s}", sacral_ramus(c, level, formation),
                             round_sections(*diameter(f"{name}_ventral_ramus")), "root", fixed=1,
                             extra={"root": name.upper()},
                             planes=ROOT_PLANES(4)))
    return out


def sacral_ramus(c: NerveContext, level: int, formation: np.ndarray) -> list[np.ndarray]:
    """Return the control points (mm) of the S``level`` ventral ramus, foramen to formation.

    Out of its anterior foramen, splayed laterally over piriformis, joining the band one
    below the other (S1 highest) just medial of where the sciatic nerve forms.
    """
    f = c.sacral_foramen(level)
    out_of = f + ANT * 6.0 + c.LAT * 7.0  # the rami splay out of the foramina
    join = formation + {1: UP * 4.5 + c.MED * 6.0, 2: c.MED * 7.0, 3: DOWN * 4.5 + c.MED * 6.0}[level]
    mid = out_of + (join - out_of) * 0.55 + ANT * 3.0
    return [f, out_of, mid, join, formation]


def _on_ramus(c: NerveContext, level: int, formation: np.ndarray) -> np.ndarray:
    """Return where a branch of the plexus leaves the S``level`` ramus: between its bend and its join.

    Branches such as the inferior gluteal and posterior femoral cutaneous nerves arise from
    the plexus itself, medial of the sciatic band (Gray's 42e ch. 79; Moore 9e), not from the
    sciatic trunk.
    """
    _, _, mid, join, _ = sacral_ramus(c, level, formation)
    return mid + 0.4 * (join - mid)


def ROOT_PLANES(last: int) -> list[Plane]:  # noqa: N802 (reads as a constant)
    """Return the plane of a plexus root: on the pelvic surface of piriformis, out of psoas' way."""
    return [Plane((1, last), tuple(POST), over=("piriformis",), clear=("iliacus",))]


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
    between = (c.at_fraction(gmin, 0.5) + c.at_fraction(gmed, 0.5)) / 2
    tfl = c.at_fraction(c.muscle_line("tensor_fasciae_latae"), 0.12)
    # Out through the suprapiriform foramen: under the notch's upper (iliac) border, over
    # the upper border of piriformis, medial of the notch's lateral edge.
    inlet = g["notch"] + c.MED * 6.0 + POST * 5.0 + UP * 12.0
    # Then one sweep forward and laterally between the two muscles to tensor fasciae latae
    # (one control point there: the nerve curves round, it does not turn corners).
    sup = [start, inlet, (above + between) / 2 + UP * 4, between + UP * 6 + ANT * 4, tfl]
    # Inferior gluteal: below piriformis medial to the sciatic nerve, into gluteus maximus.
    below = g["exit"] + c.MED * 14.0 + POST * 2.0
    gmax = c.muscle_line("gluteus_maximus")
    into_gmax = c.at_fraction(gmax, 0.35)
    inf = [_on_ramus(c, 1, g["formation"]), below, below + POST * 8 + c.LAT * 4 + DOWN * 2, into_gmax]
    # Nerve to piriformis: from S1/S2 onto the muscle's anterior surface.
    s12 = (c.sacral_foramen(1) + c.sacral_foramen(2)) / 2 + ANT * 6
    belly = c.at_fraction(piri, 0.3)
    to_piri = [s12, (s12 + belly) / 2 + ANT * 6, belly + ANT * 0.4 * r]
    # Posterior femoral cutaneous: below piriformis, medial to the sciatic, then down the thigh
    # superficial to the hamstrings under the fascia lata.
    it, knee = c.lm("ischial_tuberosity"), c.lm("knee_joint_centre")
    bf, st = c.actuator_path("bflh"), c.actuator_path("semiten")
    pfcn = [_on_ramus(c, 2, g["formation"]), g["exit"] + c.MED * 8 + POST * 6,
            g["it_gt"] + POST * 14 + c.MED * 4]
    for f in (0.25, 0.55, 0.85):
        z = it[2] - f * (it[2] - knee[2])
        a, b = c.at_z(bf, z), c.at_z(st, z)
        back = max(a[1], b[1], thigh_point(c, z)[1])
        pfcn.append(np.array([(a[0] + b[0]) / 2, back + 16.0, z]))
    return [
        NerveSpec(f"superior_gluteal_nerve_{s}", sup, round_sections(*diameter("superior_gluteal_nerve")), "nerve",
                  parent=f"lumbosacral_trunk_{s}", extra={"roots": ["L4", "L5", "S1"]},
                  planes=[Plane((0, 2), tuple(UP), over=("hip_bone",), under=("piriformis",), window=20.0),
                          Plane((2, 4), tuple(unit(POST + c.LAT)), over=("gluteus_medius",),
                                under=("gluteus_minimus", "hip_bone"))]),
        NerveSpec(f"inferior_gluteal_nerve_{s}", inf, round_sections(*diameter("inferior_gluteal_nerve")), "nerve",
                  parent=f"s1_ventral_ramus_{s}", extra={"roots": ["L5", "S1", "S2"]},
                  planes=[Plane((0, 2), tuple(POST), over=("gluteus_maximus",), clear=("piriformis",))]),
        NerveSpec(f"nerve_to_piriformis_{s}", to_piri, round_sections(*diameter("nerve_to_piriformis")), "nerve",
                  parent=f"s1_ventral_ramus_{s}", extra={"roots": ["S1", "S2"]}),
        NerveSpec(f"posterior_femoral_cutaneous_nerve_{s}", pfcn,
                  round_sections(*diameter("posterior_femoral_cutaneous_nerve")), "nerve",
                  parent=f"s2_ventral_ramus_{s}", extra={"roots": ["S1", "S2", "S3"]}, pin=(True, False),
                  planes=[Plane((1, 5), tuple(POST), over=("gluteus_maximus",), clear=("piriformis",),
                                under=("biceps_femoris_long_head", "semitendinosus", "semimembranosus",
                                       "adductor_magnus"))]),
    ]
