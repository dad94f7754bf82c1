"""What the model's named landmarks are: display names and sourced facts (``data/landmarks.yaml``).

This module owns :class:`LandmarkInfo`. Landmark *positions* come from the built model
(:mod:`sciatic_atlas.anatomy.model`); here each landmark name gets a display name, the
structure it lies on and a plain-language, sourced summary for labels and the info panel.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.facts import Fact, FactReader, Source, read_yaml
from sciatic_atlas.anatomy.structures import SIDES


@dataclass(frozen=True)
class LandmarkInfo:
    """A named landmark, e.g. ``fibular_neck_r``.

    Attributes
    ----------
    id, base_id : str
        Landmark name as in ``model.json`` (sided where bilateral) and without the side.
    name : str
        Display name, with the side for bilateral landmarks.
    side : str
        ``'left'``, ``'right'`` or ``'midline'``.
    structure : str
        Sided id of the structure it lies on.
    summary : Fact
        What it is and why it matters here, with its source.
    """

    id: str
    base_id: str
    name: str
    side: str
    structure: str
    summary: Fact


def read_landmarks(path: Path, sources: dict[str, Source], structure_ids: set[str]) -> dict[str, LandmarkInfo]:
    """Read ``landmarks.yaml`` into ``{landmark id: LandmarkInfo}`` (both sides expanded).

    Raises
    ------
    AtlasDataError
        For an unsourced summary, unknown keys or a structure the knowledge base lacks.
    """
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("landmarks"), dict):
        raise AtlasDataError(f"{path}: expected a top-level mapping 'landmarks:'")
    reader = FactReader(sources, path)
    out: dict[str, LandmarkInfo] = {}
    for key, record in raw["landmarks"].items():
        allowed = {"name", "structure", "bilateral", "summary"}
        if not isinstance(record, dict) or set(record) - allowed or not record.get("name"):
            raise AtlasDataError(f"{path.name}: landmark '{key}': expected keys {sorted(allowed)} with a name")
        summary = reader.fact(record.get("summary"), "summary", key)
        sides = SIDES if record.get("bilateral", True) else (("", "midline"),)
        for suffix, side in sides:
            structure = f"{record.get('structure')}{suffix}"
            if structure not in structure_ids:
                raise AtlasDataError(
                    f"{path.name}: landmark '{key}': structure '{structure}' is not in the knowledge base; "
                    "name the base id of a bone, muscle or disc"
                )
            name = record["name"] if side == "midline" else f"{record['name']} ({side})"
            out[key + suffix] = LandmarkInfo(key + suffix, key, name, side, structure, summary)
    return out
