"""Rank the skin overlays as explanations of a pain map: what to examine next.

Every overlay of ``data/overlays.yaml`` (dermatomes, myofascial referral patterns and
cutaneous nerve territories) is compared with the drawing on the skin mesh, vertex by
vertex, weighted by each vertex's skin area (:mod:`sciatic_atlas.anatomy.painmap_skin`
puts region and point marks in the same per-vertex form). The weights are data
(``data/consult.yaml`` ``ranking``):

- **score**: the share of the drawing that lies in the overlay's zones, the essential
  zone counting fully and the spillover zone ``spillover_weight``; marks weigh more
  with intensity, and numbness counts less towards a referral (pain) pattern;
- **overlap**: the share of the overlay's essential zone that the drawing covers;
- **reason**: plain words: what is drawn where it matches, and which parts of the
  overlay's zone are not drawn, to ask about or test.

The ranking is a teaching aid (:func:`disclaimer`): it lists competing explanations
side by side and never picks one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import yaml

from sciatic_atlas.anatomy.overlays import load_overlays, zone_weights
from sciatic_atlas.anatomy.painmap import PainMap
from sciatic_atlas.anatomy.painmap_skin import Drawing, drawing, drawn_regions
from sciatic_atlas.anatomy.paths import DATA_DIR
from sciatic_atlas.anatomy.skin_regions import SkinSurface, named_regions, skin_surface

KIND_WORDS = {"dermatome": "dermatome", "referral": "referral pattern", "cutaneous_nerve": "nerve territory"}


@dataclass(frozen=True)
class Explanation:
    """One overlay as an explanation of the drawing."""

    overlay_id: str
    name: str
    kind: str
    score: float  # 0..1, two decimals
    overlap: float  # 0..1, two decimals
    reason: str
    source: str

    def to_dict(self) -> dict:
        """Return the JSON record of ``sources --json``."""
        return {"id": self.overlay_id, "kind": self.kind, "score": self.score, "reason": self.reason,
                "overlap": self.overlap, "name": self.name}


@functools.cache
def consult_data() -> dict:
    """Return ``data/consult.yaml`` (read once)."""
    return yaml.safe_load((DATA_DIR / "consult.yaml").read_text(encoding="utf-8"))


def disclaimer() -> list[str]:
    """Return the teaching-aid disclaimer, one sentence each, with the cited figures' sources."""
    data = consult_data()
    out = []
    for item in data["disclaimer"]:
        text = " ".join(item["text"].split())
        if "source" in item:
            src = data["sources"][item["source"]]
            text += f" [{' '.join(src['citation'].split())} {src['url']}]"
        out.append(text)
    return out


def short_disclaimer() -> list[str]:
    """Return the disclaimer sentences with short author-year citations (for a printed sheet)."""
    data = consult_data()
    short = {"albert2019": "Albert et al. 2019", "bernhoff2016": "Bernhoff et al. 2016"}
    return [" ".join(i["text"].split()) + (f" ({short.get(i['source'], i['source'])})" if "source" in i else "")
            for i in data["disclaimer"]]


def _labels(names: list[str]) -> str:
    regions = named_regions()
    words = [regions[n]["label"] for n in names]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _mark_weights(d: Drawing, kind: str, cfg: dict) -> np.ndarray:
    floor = cfg["intensity_floor"]
    pain = d.pain * (floor + (1 - floor) * d.pain_intensity / 10.0)
    numb = d.numbness * (floor + (1 - floor) * d.numbness_intensity / 10.0)
    if kind == "referral":
        numb = numb * cfg["numbness_on_referral"]
    return np.maximum(pain, numb)


def _what(d: Drawing, zone: np.ndarray, area: np.ndarray) -> str:
    """Return 'pain', 'numbness' or 'pain and numbness': what is drawn inside ``zone``."""
    pain = float((area * d.pain * zone).sum())
    numb = float((area * d.numbness * zone).sum())
    total = pain + numb
    if total <= 0:
        return "the drawing"
    if numb < 0.15 * total:
        return "pain"
    if pain < 0.15 * total:
        return "numbness"
    return "pain and numbness"


def _reason(surface: SkinSurface, d: Drawing, overlay, zone, essential, score: float, side: str, cfg) -> str:
    drawn = d.coverage
    matched = drawn_regions(surface, drawn * zone, side, 0.2)[:4]
    name = overlay.name if overlay.kind != "dermatome" else overlay.name.replace(" dermatome", "")
    what = _what(d, zone, surface.area)
    if score < cfg["low_score"]:
        in_spill = float((surface.area * drawn * np.clip(zone - essential, 0, 1)).sum())
        in_ess = float((surface.area * drawn * essential).sum())
        where = " (mostly where it may spread)" if in_spill > in_ess else ""
        return f"Little overlap: {round(100 * score)}% of the drawing lies in the zones of {overlay.name}{where}."
    if not matched:  # inside the zones, but too small a patch to name a region
        return (f"The {what} drawn lies in the zones of {overlay.name} ({round(100 * score)}% of the drawing), "
                "on too small a patch to name the region.")
    text = f"{what.capitalize()} on the {_labels([r for r, _ in matched])} matches {name}"
    text += f" ({round(100 * score)}% of the drawing lies in its zones)."
    missing = [r for r, _ in drawn_regions(surface, essential * (1.0 - drawn), side, cfg["undrawn_region_cover"])
               if r not in dict(matched)][:3]
    if missing:
        text += f" Its zone also covers the {_labels(missing)}, not marked: ask about or test there."
    return text


def rank_sources(model, painmap: PainMap) -> list[Explanation]:
    """Return every overlay as an explanation of ``painmap``, best first.

    Parameters
    ----------
    model : AnatomyModel
        The built model (its skin and surface coordinates).
    painmap : PainMap
        The drawing; its ``side`` is the side the overlays are laid on.

    Returns
    -------
    list of Explanation
        All overlays, by score (two decimals), then by kind (``kind_order``), then by
        overlap. With nothing drawn every score is 0.

    Raises
    ------
    PainMapError
        When a point mark lies off the skin.
    """
    cfg = consult_data()["ranking"]
    surface = skin_surface(model)
    d = drawing(surface, painmap)
    area = surface.area
    out = []
    for oid, overlay in load_overlays().items():
        essential, spill = zone_weights(surface, overlay, painmap.side)
        zone = np.maximum(essential, cfg["spillover_weight"] * spill)
        w = _mark_weights(d, overlay.kind, cfg)
        total = float((area * w).sum())
        score = float((area * w * zone).sum()) / total if total > 0 else 0.0
        ess_area = float((area * essential).sum())
        overlap = float((area * d.coverage * essential).sum()) / ess_area if ess_area > 0 else 0.0
        reason = (_reason(surface, d, overlay, zone, essential, score, painmap.side, cfg) if total > 0
                  else "Nothing is drawn.")
        out.append(Explanation(oid, overlay.name, overlay.kind, round(score, 2), round(overlap, 2),
                               reason, overlay.source))
    order = {k: i for i, k in enumerate(cfg["kind_order"])}
    out.sort(key=lambda e: (-e.score, order.get(e.kind, len(order)), -e.overlap, e.overlay_id))
    return out
