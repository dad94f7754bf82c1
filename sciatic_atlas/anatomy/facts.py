"""Sources and sourced facts: the citation layer of the knowledge base.

This module owns the :class:`Source` and :class:`Fact` records, the reading of
``data/sources.yaml`` and the conversion of a fact written in a data file
(``{text, source, locator}``) into a :class:`Fact`. A fact without a source, or
citing a source id that ``sources.yaml`` does not hold, is rejected with an
:class:`~sciatic_atlas.anatomy.errors.AtlasDataError` naming the file, the entry
and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sciatic_atlas.anatomy import data_files
from sciatic_atlas.anatomy.errors import AtlasDataError

# The C loader (libyaml) reads the knowledge files about 5x faster; same safe subset of YAML.


@dataclass(frozen=True)
class Source:
    """A citable reference (book, paper, data set or patient article).

    Attributes
    ----------
    id : str
        Short key that facts cite, e.g. ``"moore9"``.
    citation : str
        Full citation in plain text.
    year : int or None
        Year of publication.
    url : str or None
        DOI link or web address.
    isbn : str or None
        ISBN for books.
    licence : str or None
        Licence of the material where it is reused (data, models).
    note : str or None
        How locators into this source are written, caveats.
    """

    id: str
    citation: str
    year: int | None = None
    url: str | None = None
    isbn: str | None = None
    licence: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Fact:
    """One statement with the source it comes from.

    Attributes
    ----------
    topic : str
        What the fact is about: ``"origin"``, ``"insertion"``, ``"action"``,
        ``"innervation"``, ``"summary"``, ``"clinical"``, ``"skin_territory"``...
    text : str
        The statement, in plain language.
    source : str
        Id of a :class:`Source` in ``sources.yaml``.
    locator : str
        Where in the source: page, table, chapter or section.
    """

    topic: str
    text: str
    source: str
    locator: str = ""


def read_yaml(path: Path) -> Any:
    """Read one bundled YAML file with the safe loader.

    Raises
    ------
    AtlasDataError
        If the file is missing, not UTF-8 or not valid YAML; the message names the file.
    """
    return data_files.read_yaml(path)


def load_sources(path: Path) -> dict[str, Source]:
    """Read ``sources.yaml`` into ``{id: Source}``.

    Raises
    ------
    AtlasDataError
        If an entry has no ``citation`` or carries an unknown key.
    """
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), dict):
        raise AtlasDataError(f"{path}: expected a top-level mapping 'sources: {{id: {{citation: ...}}}}'")
    fields = set(Source.__dataclass_fields__) - {"id"}
    sources = {}
    for sid, entry in raw["sources"].items():
        if not isinstance(entry, dict) or not entry.get("citation"):
            raise AtlasDataError(f"{path}: source '{sid}' has no citation; add 'citation: <full reference>'")
        unknown = set(entry) - fields
        if unknown:
            raise AtlasDataError(
                f"{path}: source '{sid}' has unknown keys {sorted(unknown)}; allowed: {sorted(fields)}"
            )
        sources[sid] = Source(id=sid, **entry)
    return sources


class FactReader:
    """Turn fact records of one data file into :class:`Fact` objects, checking sources.

    Parameters
    ----------
    sources : dict of str to Source
        The known sources.
    path : Path
        The data file being read (named in every error).
    """

    def __init__(self, sources: dict[str, Source], path: Path):
        self.sources = sources
        self.path = path

    def fact(self, record: Any, topic: str, entry: str) -> Fact:
        """Return the :class:`Fact` written as ``{text, source, locator}`` in ``entry``.

        Raises
        ------
        AtlasDataError
            If the record is not a mapping with ``text``, if ``source`` is missing,
            or if it names a source that ``sources.yaml`` does not hold.
        """
        where = f"{self.path.name}: entry '{entry}', {topic}"
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise AtlasDataError(f"{where}: expected a fact {{text: ..., source: ..., locator: ...}}, got {record!r}")
        unknown = set(record) - {"text", "source", "locator"}
        if unknown:
            raise AtlasDataError(f"{where}: unknown keys {sorted(unknown)} in a fact; use text, source, locator")
        source = record.get("source")
        if not source:
            raise AtlasDataError(
                f"{where}: fact '{record['text'][:60]}' has no source; add 'source: <id>' "
                f"naming an entry of sources.yaml (and 'locator: <page or section>')"
            )
        if source not in self.sources:
            raise AtlasDataError(
                f"{where}: unknown source '{source}'; add it to sources.yaml or use one of "
                f"{', '.join(sorted(self.sources))}"
            )
        return Fact(topic=topic, text=record["text"].strip(), source=source, locator=str(record.get("locator", "")))

    def facts(self, records: Any, topic: str, entry: str) -> tuple[Fact, ...]:
        """Return the facts of a list of fact records (``None`` gives ``()``)."""
        if records is None:
            return ()
        if isinstance(records, dict):
            records = [records]
        if not isinstance(records, list):
            raise AtlasDataError(f"{self.path.name}: entry '{entry}', {topic}: expected a list of facts")
        return tuple(self.fact(r, topic, entry) for r in records)
