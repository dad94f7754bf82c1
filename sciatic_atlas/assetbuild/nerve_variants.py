"""Beaton-Anson variants of the sciatic nerve at piriformis, as alternative nerve paths.

Beaton LE, Anson BJ. The relation of the sciatic nerve and of its subdivisions to the
piriformis muscle. Anat Rec 1937;70:1-5. Type A: undivided below piriformis (normal);
B: common fibular division through the muscle, tibial below; C: one division above, the
other below; D: the undivided nerve through the muscle. The variant paths reuse the normal
path's landmarks (notch, piriformis line, tuberosity-trochanter point); every piece starts
where the plexus roots meet, as the normal nerve does; the two divisions run side by side
below the muscle and unite in the upper thigh, each tapering inside the trunk, which goes on
to the division into the tibial and common fibular nerves; the renderer swaps them in when a scene selects an
option (``BuildPart.variants["sciatic_path"]``).
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import ANT, DOWN, POST, UP, NerveContext, NerveSpec
from sciatic_atlas.assetbuild.nerve_figures import variant_options
from sciatic_atlas.assetbuild.nerve_geometry import Section
from sciatic_atlas.assetbuild.nerve_paths import SCIATIC_THICKNESS, SCIATIC_WIDTH_AT_PIRIFORMIS, sciatic_exit, sciatic_thigh
from sciatic_atlas.assetbuild.nerve_plexus import piriformis_radius

DIVISION_WIDTH, DIVISION_THICKNESS = 10.0, 5.5
UNITE = 1.5  # mm either side of the united trunk's first point where the divisions pass


def variant_id(base: str, s: str, option: str) -> str:
    """Return the structure id of a variant mesh (``sciatic_nerve_r__ba_b``)."""
    return f"{base}_{s}__ba_{option}"


def _piriformis_points(c: NerveContext):
    g = sciatic_exit(c)
    piri = c.muscle_line("piriformis")
    i = int(np.argmin(np.linalg.norm(piri - g["notch"], axis=1)))
    through = piri[i] + (piri[min(i + 1, len(piri) - 1)] - piri[i]) * 0.15
    return g, through, piriformis_radius(c)


def variant_specs(c: NerveContext) -> dict[str, list[NerveSpec]]:
    """Return the variant nerve specs of this side, keyed by Beaton-Anson option (b, c, d)."""
    g, through, r = _piriformis_points(c)
    s = c.s
    rejoin = g["it_gt"]
    thigh = sciatic_thigh(c)
    flat = tuple(c.LAT)
    # The divisions taper where they slip into the united trunk (their ends lie inside it).
    div_sections = [Section(0.0, DIVISION_WIDTH, DIVISION_THICKNESS, flat),
                    Section(0.85, DIVISION_WIDTH, DIVISION_THICKNESS, flat), Section(1.0, 6.0, 4.0, flat)]
    trunk_sections = [Section(0.0, 13.0, 8.0, flat), Section(1.0, 12.0, 9.0, flat)]
    # Tibial division: the normal route below piriformis, on the medial side of the band.
    # The divisions run side by side below piriformis and unite over the first thigh levels:
    # each ends inside the trunk, which starts between them (no abrupt join).
    # Every piece starts where the plexus roots meet (the sciatic nerve's own start), so no
    # piece begins as a stub in the pelvis; the divisions pass within ``UNITE`` mm of the
    # trunk's start, which lies between them.
    tib = [g["formation"], g["exit"] + c.MED * 4, g["spine"] + c.MED * 3, rejoin + c.MED * 5,
           thigh[0] + c.MED * UNITE, thigh[1]]
    trunk = thigh[:]
    merge = [rejoin + c.LAT * 5, thigh[0] + c.LAT * UNITE, thigh[1]]
    out: dict[str, list[NerveSpec]] = {}
    below_lateral = g["spine"] + c.LAT * 6 + POST * 4
    cf_through = [g["formation"], g["formation"] + UP * 10 + c.LAT * 2, through + ANT * 0.3 * r,
                  through + POST * 0.5 * r, below_lateral, *merge]
    cf_above = [g["formation"], g["formation"] + UP * 14, through + UP * (r + 6) + ANT * 2,
                through + UP * (r + 6) + POST * (r + 4) + c.LAT * 6, below_lateral + POST * 4, *merge]
    for option, cf in (("b", cf_through), ("c", cf_above)):
        out[option] = [
            NerveSpec(variant_id("sciatic_nerve", s, option), trunk, trunk_sections, "variant",
                      extra={"variant": f"beaton_anson_{option}"}),
            NerveSpec(variant_id("sciatic_tibial_division", s, option), tib, div_sections, "variant",
                      extra={"variant": f"beaton_anson_{option}", "passes": "below piriformis"}),
            NerveSpec(variant_id("sciatic_common_fibular_division", s, option), cf, div_sections, "variant",
                      extra={"variant": f"beaton_anson_{option}",
                             "passes": "through piriformis" if option == "b" else "above piriformis"}),
        ]
    whole = [g["formation"], g["formation"] + UP * 8, through + ANT * 0.2 * r, through + POST * 0.4 * r + DOWN * 2,
             g["spine"], rejoin, *thigh]
    w = SCIATIC_WIDTH_AT_PIRIFORMIS
    out["d"] = [NerveSpec(variant_id("sciatic_nerve", s, "d"), whole,
                          [Section(0.0, w, SCIATIC_THICKNESS, flat), Section(0.2, w + 1.5, SCIATIC_THICKNESS + 0.5, flat),
                           Section(0.5, 13.0, 8.0, flat), Section(1.0, 12.0, 9.0, flat)],
                          "variant", extra={"variant": "beaton_anson_d", "passes": "through piriformis"})]
    return out


def variants_record(sides: dict[str, dict[str, list[NerveSpec]]]) -> dict:
    """Return ``BuildPart.variants`` for the Beaton-Anson options built on each side."""
    def replaces(option: str) -> dict[str, list[str]]:
        return {f"sciatic_nerve_{s}": [spec.sid for spec in by_opt[option]] for s, by_opt in sorted(sides.items())}

    return {"sciatic_path": variant_options(replaces)}
