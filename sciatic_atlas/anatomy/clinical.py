"""Clinical topics of the knowledge base (``data/clinical.yaml``).

This module owns :class:`ClinicalTopic` and :class:`ClinicalItem`: cramps, chronic
spasm and their causes, nerve vs muscle pain, compression sites, spinal causes,
treatments and the four stretches, each with sourced facts and the structures they
concern (resolved to sided ids through the knowledge base's ``expand``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from sciatic_atlas.anatomy.errors import AtlasDataError, UnknownStructureError
from sciatic_atlas.anatomy.facts import Fact, FactReader, Source, read_yaml


@dataclass(frozen=True)
class ClinicalItem:
    """One cause, site, treatment or stretch.

    Attributes
    ----------
    id, name : str
        Item id within its topic (``glute_stretch``) and display name.
    facts : tuple of Fact
        Sourced statements about it.
    structures : tuple of str
        Sided ids of the structures it concerns (both sides).
    hold_seconds : int or None
        Stretches: how long to hold.
    """

    id: str
    name: str
    facts: tuple[Fact, ...]
    structures: tuple[str, ...]
    hold_seconds: int | None = None


@dataclass(frozen=True)
class ClinicalTopic:
    """A clinical topic: title, sourced summary, general facts and items."""

    id: str
    title: str
    summary: Fact
    facts: tuple[Fact, ...]
    items: tuple[ClinicalItem, ...]

    def item(self, item_id: str) -> ClinicalItem:
        """Return the item ``item_id``; raise ``KeyError`` naming the valid ones."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"topic '{self.id}' has no item '{item_id}'; items: {', '.join(i.id for i in self.items)}")


def read_clinical(
    path: Path, sources: dict[str, Source], expand: Callable[[str], list[str]]
) -> dict[str, ClinicalTopic]:
    """Read ``clinical.yaml`` into ``{topic id: ClinicalTopic}``.

    Parameters
    ----------
    path : Path
        The clinical data file.
    sources : dict of str to Source
        Known sources, for checking the facts.
    expand : callable
        ``expand(name) -> list of sided ids`` for structure, base or group names;
        raises :class:`UnknownStructureError` for an unknown one.

    Raises
    ------
    AtlasDataError
        For a fact without a known source, an unknown structure name or a malformed entry.
    """
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("topics"), dict):
        raise AtlasDataError(f"{path}: expected a top-level mapping 'topics:'")
    reader = FactReader(sources, path)
    topics = {}
    for tid, record in raw["topics"].items():
        if not isinstance(record, dict) or not record.get("title"):
            raise AtlasDataError(f"{path.name}: topic '{tid}': expected {{title, summary, facts, items}}")
        items = []
        for item in record.get("items") or []:
            iid = item.get("id") if isinstance(item, dict) else None
            if not iid or not item.get("name"):
                raise AtlasDataError(f"{path.name}: topic '{tid}': every item needs an id and a name; got {item!r}")
            structures: list[str] = []
            for name in item.get("structures") or []:
                try:
                    structures.extend(expand(name))
                except UnknownStructureError as exc:
                    raise AtlasDataError(f"{path.name}: topic '{tid}', item '{iid}': {exc}") from None
            items.append(
                ClinicalItem(
                    id=iid,
                    name=item["name"],
                    facts=reader.facts(item.get("facts"), tid, f"{tid}.{iid}"),
                    structures=tuple(dict.fromkeys(structures)),
                    hold_seconds=item.get("hold_seconds"),
                )
            )
        topics[tid] = ClinicalTopic(
            id=tid,
            title=record["title"],
            summary=reader.fact(record.get("summary"), "summary", tid),
            facts=reader.facts(record.get("facts"), tid, tid),
            items=tuple(items),
        )
    return topics
