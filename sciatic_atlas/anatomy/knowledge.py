"""The knowledge base: every structure of the atlas with its sourced facts, groups and clinics.

This module owns :class:`Knowledge` and :func:`load_knowledge`, the one entry point
other layers use. It reads the bundled data files (``sources.yaml``,
``structures.yaml``, ``muscles.yaml``, ``nerves.yaml``, ``groups.yaml``,
``clinical.yaml``, ``landmarks.yaml``), validates them (every fact has a known source, every nerve,
group member and clinical reference exists) and answers lookups: a structure by id,
typo-tolerant suggestions, and the expansion of a structure, base or group name to
sided structure ids.

Examples
--------
>>> from sciatic_atlas.anatomy.knowledge import load_knowledge
>>> kb = load_knowledge()
>>> kb.structure("biceps_femoris_short_head_r").division
'common_fibular'
>>> kb.expand("gluteals", side="right")
['gluteus_maximus_r', 'gluteus_medius_r', 'gluteus_minimus_r']
"""

from __future__ import annotations

import functools
import logging
from pathlib import Path

from rapidfuzz import fuzz, process

from sciatic_atlas.anatomy.clinical import ClinicalItem, ClinicalTopic, read_clinical
from sciatic_atlas.anatomy.errors import AtlasDataError, UnknownStructureError
from sciatic_atlas.anatomy.facts import Fact, Source, load_sources
from sciatic_atlas.anatomy.groups import Group, GroupBuilder
from sciatic_atlas.anatomy.landmark_facts import LandmarkInfo, read_landmarks
from sciatic_atlas.anatomy.paths import DATA_DIR, DATA_HINT
from sciatic_atlas.anatomy.structures import Structure, read_muscles, read_nerves, read_plain
from sciatic_atlas.anatomy.supply import expand_sides, link

__all__ = [
    "ClinicalItem",
    "ClinicalTopic",
    "Fact",
    "Group",
    "Knowledge",
    "LandmarkInfo",
    "Source",
    "Structure",
    "load_knowledge",
    "read_knowledge",
]

logger = logging.getLogger(__name__)

SIDE_CHOICES = ("both", "left", "right")
_SIDE_ALIASES = {"l": "left", "r": "right", "both": "both", "left": "left", "right": "right"}


class Knowledge:
    """Structures, groups, sources and clinical topics of the atlas (read-only).

    Parameters
    ----------
    structures : dict of str to Structure
        Every sided structure id (``piriformis_r``) and midline id (``sacrum``).
    sources : dict of str to Source
        Every citable source.

    Notes
    -----
    Build it with :func:`load_knowledge` (bundled data, cached) or
    :func:`read_knowledge` (another data folder, e.g. in tests).
    """

    def __init__(self, structures: dict[str, Structure], sources: dict[str, Source]):
        self.structures = structures
        self.sources = sources
        self.groups: dict[str, Group] = {}
        self.clinical: dict[str, ClinicalTopic] = {}
        self.landmarks: dict[str, LandmarkInfo] = {}
        self._by_base: dict[str, list[str]] = {}
        for sid, structure in structures.items():
            self._by_base.setdefault(structure.base_id, []).append(sid)

    @property
    def base_ids(self) -> list[str]:
        """Return every base id (``piriformis``, ``sacrum``), in data order."""
        return list(self._by_base)

    def structure(self, structure_id: str) -> Structure:
        """Return the structure ``structure_id`` (a sided or midline id).

        Raises
        ------
        UnknownStructureError
            With the nearest valid ids as suggestions.
        """
        try:
            return self.structures[structure_id]
        except KeyError:
            raise UnknownStructureError(structure_id, self.suggest(structure_id)) from None

    def of_kind(self, *kinds: str) -> list[str]:
        """Return the ids of every structure of the given kinds, in data order."""
        return [sid for sid, s in self.structures.items() if s.kind in kinds]

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Return up to ``limit`` valid structure, base or group ids nearest to ``name``."""
        choices = list(dict.fromkeys([*self.structures, *self._by_base, *self.groups]))
        query = str(name).strip().lower().replace(" ", "_").replace("-", "_")
        found = process.extract(query, choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
        return [choice for choice, _score, _index in found]

    def expand(self, name: str, side: str = "both") -> list[str]:
        """Return the sided structure ids that ``name`` stands for.

        Parameters
        ----------
        name : str
            A group id (``hamstrings``), a sided or midline structure id
            (``piriformis_r``, ``sacrum``) or a base id (``piriformis``). A group
            wins over a structure of the same id (``foot_bones``, ``skin``).
        side : {'both', 'left', 'right'}
            Keep only that side's bilateral structures; midline ones always stay.

        Returns
        -------
        list of str
            Sided ids in a stable order (group order, then left before right).

        Raises
        ------
        UnknownStructureError
            If ``name`` is unknown, with the nearest valid names.
        ValueError
            If ``side`` is not one of ``SIDE_CHOICES``.
        """
        wanted = _SIDE_ALIASES.get(side)
        if wanted is None:
            raise ValueError(f"unknown side '{side}'; use one of {', '.join(SIDE_CHOICES)}")
        if name in self.groups:
            ids = list(self.groups[name].members)
        elif name in self.structures:
            return [name]
        elif name in self._by_base:
            ids = list(self._by_base[name])
        else:
            raise UnknownStructureError(name, self.suggest(name))
        if wanted == "both":
            return ids
        return [sid for sid in ids if self.structures[sid].side in (wanted, "midline")]

    def facts(self, structure_id: str, topic: str | None = None) -> tuple[Fact, ...]:
        """Return the facts of a structure, optionally only those of one ``topic``."""
        facts = self.structure(structure_id).facts
        return facts if topic is None else tuple(f for f in facts if f.topic == topic)

    def cite(self, fact: Fact) -> str:
        """Return a one-line citation for ``fact``: source citation plus locator."""
        source = self.sources[fact.source]
        where = f", {fact.locator}" if fact.locator else ""
        return f"{source.citation}{where}"


def read_knowledge(data_dir: Path) -> Knowledge:
    """Read and validate the knowledge files of ``data_dir``.

    Raises
    ------
    AtlasDataError
        Naming the file, the entry and the fix, for any missing, malformed or
        inconsistent data (unsourced fact, unknown source, unknown nerve, unknown
        group member, unknown clinical reference).
    """
    paths = {
        name: Path(data_dir) / f"{name}.yaml"
        for name in ("sources", "structures", "muscles", "nerves", "groups", "clinical", "landmarks")
    }
    sources = load_sources(paths["sources"])
    entries = link(
        read_plain(paths["structures"], sources),
        read_muscles(paths["muscles"], sources),
        read_nerves(paths["nerves"], sources),
        paths,
    )
    kb = Knowledge(expand_sides(entries), sources)
    kb.groups = GroupBuilder(kb.structures, paths["groups"], kb.suggest).build()
    kb.clinical = read_clinical(paths["clinical"], sources, kb.expand)
    kb.landmarks = read_landmarks(paths["landmarks"], sources, set(kb.structures))
    logger.debug("knowledge: %d structures, %d groups, %d sources", len(kb.structures), len(kb.groups), len(sources))
    return kb


@functools.cache
def load_knowledge() -> Knowledge:
    """Return the bundled knowledge base (read and validated once per process).

    Raises
    ------
    AtlasDataError
        Naming the broken data file and how to get a good copy back.
    """
    try:
        return read_knowledge(DATA_DIR)
    except AtlasDataError as exc:
        if DATA_HINT in str(exc):
            raise
        raise AtlasDataError(f"{exc}; {DATA_HINT}") from None
