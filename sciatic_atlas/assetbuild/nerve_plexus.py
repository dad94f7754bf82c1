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

from dataclasses import replace

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import ANT, DOWN, POST, UP, NerveContext, NerveSpec, round_sections, unit
from sciatic_atlas.assetbuild.nerve_figures import diameter, nerve_size
from sciatic_atlas.assetbuild.nerve_geometry import Section
from sciatic_atlas.assetbuild.nerve_paths import (SCIATIC_THICKNESS, SCIATIC_WIDTH_AT_PIRIFORMIS, sciatic_exit,
                                                  thigh_point)
from sciatic_atlas.assetbuild.nerve_planes import Plane

# Ventral ramus diameters (mm), L4 smallest of the plexus roots, S1 largest; S3 small
# (Standring ch. 79; rami 4-6 mm): data/nerve_figures.yaml.
RAMUS_DIAMETER = {level: diameter(f"{level}_ventral_ramus")[0] for level in ("l4", "l5", "s1", "s2", "s3")}
# The plexus sheet where the rami meet, before it narrows to the sciatic band (a modelling
# choice sized to hold the four rami side by side: data/nerve_figures.yaml).
PLEXUS_WIDTH = nerve_size("sciatic_nerve", "plexus_width")
PLEXUS_THICKNESS = nerve_size("sciatic_nerve", "plexus_thickness")
RAMI_IN = 12.0  # mm: how far into the sheet the rami run before they end (hidden in it)
TRUNK_OVERLAP = 6.0  # mm: L4 and L5 run on along the trunk's line this far past where it starts
PLEXUS_BASE_THICKNESS = nerve_size("sciatic_nerve", "plexus_base_thickness")  # under the rami entering it


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
    anterior foramina (starting in the foramen's canal), turn laterally and forwards over the
    pelvic surface of piriformis, and all four converge on the base of the plexus sheet
    (:func:`sheet`), side by side across it (trunk uppermost, S3 lowest), ending inside it.
    """
    sh = sheet(c)
    j = ala_junction(c)
    s = c.s
    out = []
    f45, f5s = c.foramen("l4", "l5"), c.foramen("l5", "s1")
    # L4 and L5 meet at the junction and run on down the trunk's line to end inside it, so
    # they merge into it (no capped ends where the trunk begins).
    into = [j, j + unit(over_si(c) - j) * TRUNK_OVERLAP]
    l4 = _clear_of_disc(c, [f45, f45 + c.LAT * 8 + ANT * 14 + DOWN * 12,
                            (f45 + j) / 2 + c.LAT * 4 + ANT * 10, *into], "disc_l4_l5", RAMUS_DIAMETER["l4"])
    l5 = _clear_of_disc(c, [f5s, f5s + c.LAT * 6 + ANT * 16 + DOWN * 6, *into], "disc_l5_s1", RAMUS_DIAMETER["l5"])
    out.append(NerveSpec(f"l4_ventral_ramus_{s}", l4, round_sections(*diameter("l4_ventral_ramus")), "root",
                         fixed=1, extra={"root": "L4"}))
    out.append(NerveSpec(f"l5_ventral_ramus_{s}", l5, round_sections(*diameter("l5_ventral_ramus")), "root",
                         fixed=1, extra={"root": "L5"}))
    out.append(NerveSpec(f"lumbosacral_trunk_{s}", [j, over_si(c), *_into_sheet(sh, "trunk", over_si(c))],
                         round_sections(*diameter("lumbosacral_trunk")), "root", extra={"roots": ["L4", "L5"]},
                         planes=ROOT_PLANES(1, 1)))
    for level in (1, 2, 3):
        name = f"s{level}"
        out.append(NerveSpec(f"{name}_ventral_ramus_{s}", sacral_ramus(c, level, sh),
                             round_sections(*diameter(f"{name}_ventral_ramus")), "root", fixed=2,
                             extra={"root": name.upper()}, planes=ROOT_PLANES(2, 2)))
    return out


def over_si(c: NerveContext) -> np.ndarray:
    """Return where the lumbosacral trunk crosses the sacro-iliac joint, in front of it (mm).

    92% of the sacrum's half-width from the midline, halfway down from the ala junction to the
    formation of the sciatic nerve (8 mm higher).
    """
    j, formation = ala_junction(c), sciatic_exit(c)["formation"]
    z = (j[2] + formation[2]) / 2 + 8.0
    return _sacral_front(c, 0.92 * _half_width(c, z), z) + ANT * 7.0


def _out_of_foramen(c: NerveContext, level: int) -> np.ndarray:
    """Return a point 6 mm out of the S``level`` anterior foramen, laterally and forwards (Gray's).

    Out along the foramen's axis, already turning laterally and towards the formation of the
    sciatic nerve, so the ramus bends gently instead of hooking round the foramen's rim.
    """
    mouth, canal = c.sacral_foramen(level, mouth=True), c.sacral_foramen(level)
    axis = unit(mouth - canal) if np.linalg.norm(mouth - canal) > 1e-6 else ANT
    towards = unit(sciatic_exit(c)["formation"] - mouth)
    return mouth + unit(axis + 0.5 * c.LAT + towards) * 6.0


def sheet(c: NerveContext) -> dict:
    """Return the plexus sheet: where the rami meet, flat on the pelvic surface of piriformis.

    Its base runs across the rami's courses, from the trunk (upper lateral end: the trunk over
    the sacro-iliac joint moved towards the formation of the sciatic nerve) to S3 (lower medial
    end: out of its foramen, moved as far), the fraction chosen so the four meet the base side
    by side, touching; it funnels to the formation and on through the greater sciatic foramen
    below piriformis (the sciatic nerve's first stretch). Keys: ``base`` (its centre),
    ``along`` (unit, base to formation, square to the base), ``across`` (unit, the base's
    direction, to the trunk's end), ``offsets`` (mm along ``across`` where each of trunk, s1,
    s2, s3 meets the base).
    """
    if "plexus_sheet" in c.cache:
        return c.cache["plexus_sheet"]
    formation = sciatic_exit(c)["formation"]
    trunk, s3 = over_si(c), _out_of_foramen(c, 3)
    # Side by side across the base, touching (their sections then cover the sheet's end).
    sizes = np.array([diameter("lumbosacral_trunk")[1], *(RAMUS_DIAMETER[f"s{k}"] for k in (1, 2, 3))])
    centres = 0.5 * sizes.sum() - (np.cumsum(sizes) - 0.5 * sizes)
    room = centres[0] - centres[-1]
    k = float(np.clip(1.0 - room / np.linalg.norm(trunk - s3), 0.2, 0.7))
    ends = trunk + k * (formation - trunk), s3 + k * (formation - s3)
    base, across = (ends[0] + ends[1]) / 2, unit(ends[0] - ends[1])
    along = formation - base
    along = unit(along - across * (along @ across))
    offsets = dict(zip(("trunk", "s1", "s2", "s3"), centres - 0.5 * (centres[0] + centres[-1]), strict=True))
    c.cache["plexus_sheet"] = {"base": base, "along": along, "across": across, "offsets": offsets}
    return c.cache["plexus_sheet"]


def _into_sheet(sh: dict, name: str, origin: np.ndarray) -> list[np.ndarray]:
    """Return a ramus' last two control points: onto the sheet's base, then inside the sheet.

    It reaches the base running along the sheet (so it merges, no corner; the approach is at
    most 40% of the way back to ``origin``, the ramus' previous point), and ends 12 mm in,
    drawn in towards the axis, where the sheet is thick and wide enough to hide its end.
    """
    at = sh["base"] + sh["across"] * sh["offsets"][name]
    back = min(8.0, 0.4 * float(np.linalg.norm(at - origin)))
    return [at - sh["along"] * back, sh["base"] + sh["across"] * 0.6 * sh["offsets"][name] + sh["along"] * RAMI_IN]


def sacral_ramus(c: NerveContext, level: int, sh: dict) -> list[np.ndarray]:
    """Return the control points (mm) of the S``level`` ventral ramus, foramen to plexus sheet.

    From inside its anterior foramen, out of it laterally and forwards, converging on the
    base of the plexus sheet and ending inside it.
    """
    out_of = _out_of_foramen(c, level)
    return [c.sacral_foramen(level), c.sacral_foramen(level, mouth=True), out_of, *_into_sheet(sh, f"s{level}", out_of)]


def _on_ramus(c: NerveContext, level: int) -> np.ndarray:
    """Return where a branch of the plexus leaves the S``level`` ramus: just before the sheet.

    Branches such as the inferior gluteal and posterior femoral cutaneous nerves arise from
    the plexus itself, medial of the sciatic band (Gray's 42e ch. 79; Moore 9e), not from the
    sciatic trunk.
    """
    ctrl = sacral_ramus(c, level, sheet(c))
    return ctrl[2] + 0.6 * (ctrl[3] - ctrl[2])


def with_sheet(c: NerveContext, spec: NerveSpec) -> NerveSpec:
    """Return the sciatic nerve ``spec`` starting at the plexus sheet's base.

    The sheet (``PLEXUS_WIDTH`` x ``PLEXUS_THICKNESS``, thinner where the rami enter its
    base) funnels from its base to the formation and to the published width at the lower
    border of piriformis where the nerve crosses the foramen (``spec``'s second control
    point), then keeps ``spec``'s sections beyond it. Its wide axis lies along the base (the
    rami side by side) and turns steadily to transverse by the crossing, as ``spec`` has it
    in the buttock, so the band does not twist. The tissue planes keep their control points
    (indices shift by one).
    """
    sh = sheet(c)
    ctrl = [sh["base"], *spec.control]
    chord = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(np.array(ctrl), axis=0), axis=1))]
    frac = chord / chord[-1]
    old = (chord[1:] - chord[1]) / (chord[-1] - chord[1])
    across, lat = tuple(sh["across"]), tuple(c.LAT)
    w_formation = 0.5 * (PLEXUS_WIDTH + SCIATIC_WIDTH_AT_PIRIFORMIS)
    # The width holds along the base as far in as the rami run (their ends lie in the sheet).
    held = min(RAMI_IN / chord[1], 0.8)
    sections = [Section(0.0, PLEXUS_WIDTH, PLEXUS_BASE_THICKNESS, across),
                Section(held * frac[1], PLEXUS_WIDTH + held * (w_formation - PLEXUS_WIDTH),
                        PLEXUS_BASE_THICKNESS + held * (PLEXUS_THICKNESS - PLEXUS_BASE_THICKNESS), across),
                Section(frac[1], w_formation, PLEXUS_THICKNESS),  # its wide axis turning meanwhile
                Section(frac[2], SCIATIC_WIDTH_AT_PIRIFORMIS, SCIATIC_THICKNESS, lat)]
    beyond = np.interp([sec.at for sec in spec.sections], old, frac[1:])
    sections += [replace(sec, at=float(a)) for sec, a in zip(spec.sections, beyond, strict=True) if a > frac[2] + 1e-6]
    planes = [replace(p, span=(p.span[0] + 1, p.span[1] + 1)) for p in spec.planes]
    return replace(spec, control=ctrl, sections=sections, planes=planes)


def ROOT_PLANES(first: int, last: int) -> list[Plane]:  # noqa: N802 (reads as a constant)
    """Return the plane of a plexus root: on the pelvic surface of piriformis, out of psoas' way."""
    return [Plane((first, last), tuple(POST), over=("piriformis",), clear=("iliacus",))]


def gluteal_branches(c: NerveContext) -> list[NerveSpec]:
    """Return the superior and inferior gluteal nerves, nerve to piriformis, posterior femoral cutaneous."""
    g = sciatic_exit(c)
    s = c.s
    r = piriformis_radius(c)
    piri = c.muscle_line("piriformis")
    at_notch = piri[np.argmin(np.linalg.norm(piri - g["notch"], axis=1))]
    # Superior gluteal: from the lumbosacral trunk where it crosses the sacro-iliac joint, out
    # above piriformis, between medius and minimus.
    start = over_si(c)
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
    inf = [_on_ramus(c, 1), below, below + POST * 8 + c.LAT * 4 + DOWN * 2, into_gmax]
    # Nerve to piriformis: from S1/S2 onto the muscle's anterior surface.
    s12 = (c.sacral_foramen(1) + c.sacral_foramen(2)) / 2 + ANT * 6
    belly = c.at_fraction(piri, 0.3)
    to_piri = [s12, (s12 + belly) / 2 + ANT * 6, belly + ANT * 0.4 * r]
    # Posterior femoral cutaneous: below piriformis, medial to the sciatic, then down the thigh
    # superficial to the hamstrings under the fascia lata.
    it, knee = c.lm("ischial_tuberosity"), c.lm("knee_joint_centre")
    bf, st = c.actuator_path("bflh"), c.actuator_path("semiten")
    pfcn = [_on_ramus(c, 2), g["exit"] + c.MED * 8 + POST * 6,
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
