"""Structure records of the knowledge base, read from the bundled YAML files.

This module owns :class:`Structure` and the reading of ``structures.yaml`` (bones,
discs, canal, skin), ``muscles.yaml`` and ``nerves.yaml``. Each entry is written
once under its base id; bilateral entries are expanded to ``<id>_l`` / ``<id>_r``.
It also derives the muscular-branch structures ``branch_<nerve>__<muscle>_<side>``
from the muscles' innervation, and the nerves' ``supplies`` / ``branches`` lists,
so that supply is written in one place only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.facts import Fact, FactReader, Source, read_yaml

SIDES = (("_l", "left"), ("_r", "right"))
KINDS = ("bone", "disc", "canal", "dura", "cauda", "skin", "ligament", "vessel", "muscle", "root", "nerve", "branch")
LAYERS = ("skeleton", "deep", "middle", "superficial", "skin")
REGIONS = ("lower_back", "pelvis", "gluteal", "thigh", "knee", "leg", "foot", "lower_body")
DIVISIONS = ("tibial", "common_fibular", "none")
ROOT_LEVEL = re.compile(r"^(T12|L[1-5]|S[1-5])$")
# The sciatic nerve's divisions continue as these nerves; branch ids of muscles that the
# sciatic nerve supplies in the thigh name the division's nerve (branch_tibial_nerve__...).
DIVISION_NERVE = {"tibial": "tibial_nerve", "common_fibular": "common_fibular_nerve"}


@dataclass(frozen=True)
class Supply:
    """One nerve supplying (part of) a muscle: adductor magnus has two.

    ``nerve`` and ``branch`` are sided ids (None for a nerve the atlas does not model);
    ``part`` names the part of the muscle it supplies ("" for the whole muscle); ``roots``
    are the segments this nerve brings it; ``text`` is the sourced innervation fact's text.
    """

    nerve: str | None
    division: str
    roots: tuple[str, ...]
    part: str = ""
    branch: str | None = None
    text: str = ""


@dataclass(frozen=True)
class Structure:
    """One displayable structure of the atlas (sided where bilateral).

    Attributes
    ----------
    id, base_id : str
        Sided id (``piriformis_r``) and the id without side suffix (``piriformis``);
        equal for midline structures.
    name : str
        Display name, with the side for bilateral structures ("Piriformis (right)").
    kind : str
        One of bone, disc, canal, skin, ligament, vessel, muscle, root, nerve, branch.
    side : str
        ``'left'``, ``'right'`` or ``'midline'``.
    layer, region : str
        Depth layer (skeleton, deep, middle, superficial, skin) and body region.
    summary : str
        One or two plain-language sentences (also in ``facts`` with its source).
    facts : tuple of Fact
        Every sourced fact about the structure (summary, origin, insertion, action,
        innervation, roots, skin territory, course, clinical...).
    nerve : str or None
        Muscles and branches: the sided id of the supplying nerve (None when the
        nerve is not in the atlas, e.g. femoral); see ``innervation`` for the text.
    division : str or None
        ``'tibial'``, ``'common_fibular'`` or ``'none'`` for muscles, branches and
        the divisions' nerves; None otherwise.
    roots : tuple of str
        Spinal segments, e.g. ``('S1', 'S2')``.
    origin, insertion, action, innervation, skin_territory : str or None
        Texts of the corresponding facts.
    supplies : tuple of str
        Nerves and branches: sided ids of the muscles supplied directly.
    branches : tuple of str
        Nerves: sided ids of child nerves and muscular branches.
    parents : tuple of str
        Nerves and branches: sided ids of the nerves they come from.
    branch : str or None
        Muscles: sided id of the muscular branch that enters the muscle (the first
        supply's when it has several).
    supply : tuple of Supply
        Muscles: every nerve that supplies it, in data order (``nerve``, ``division`` and
        ``branch`` above are the first one's; ``roots`` are all of theirs).
    clinical : tuple of Fact
        Clinical notes (also in ``facts``).
    """

    id: str
    base_id: str
    name: str
    kind: str
    side: str
    layer: str
    region: str
    summary: str
    facts: tuple[Fact, ...] = ()
    nerve: str | None = None
    division: str | None = None
    roots: tuple[str, ...] = ()
    origin: str | None = None
    insertion: str | None = None
    action: str | None = None
    innervation: str | None = None
    supplies: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()
    branch: str | None = None
    supply: tuple[Supply, ...] = ()
    skin_territory: str | None = None
    clinical: tuple[Fact, ...] = field(default=())


def format_roots(roots: tuple[str, ...] | list[str]) -> str:
    """Return ``'L4-S1'`` for a run of segments, ``'S1'`` for one, ``''`` for none."""
    if not roots:
        return ""
    return roots[0] if len(roots) == 1 else f"{roots[0]}\u2013{roots[-1]}"


class _Entry:
    """Checked access to one entry of a data file (error messages name file and entry)."""

    def __init__(self, path: Path, key: str, record: Any, allowed: set[str], required: set[str]):
        self.path, self.key = path, key
        if not isinstance(record, dict):
            self.fail(f"expected a mapping of fields, got {type(record).__name__}")
        unknown = set(record) - allowed
        if unknown:
            self.fail(f"unknown keys {sorted(unknown)}; allowed keys are {sorted(allowed)}")
        missing = required - set(record)
        if missing:
            self.fail(f"missing keys {sorted(missing)}; add them")
        self.record = record

    def fail(self, message: str) -> None:
        raise AtlasDataError(f"{self.path.name}: entry '{self.key}': {message}")

    def choice(self, name: str, options: tuple[str, ...], default: str | None = None) -> str:
        value = self.record.get(name, default)
        if value not in options:
            self.fail(f"{name} '{value}' is not one of {', '.join(options)}")
        return value


def _roots(entry: _Entry, levels: Any, where: str) -> tuple[str, ...]:
    if not isinstance(levels, list) or not levels:
        entry.fail(f"{where}: roots must be a non-empty list like [L4, L5, S1]")
    for level in levels:
        if not isinstance(level, str) or not ROOT_LEVEL.match(level):
            entry.fail(f"{where}: root '{level}' is not a spinal segment (T12, L1-L5, S1-S5)")
    return tuple(levels)


def _root_order(level: str) -> tuple[int, int]:
    return "TLS".index(level[0]), int(level[1:])


def _supplies(entry: _Entry, reader: FactReader, key: str) -> list[dict]:
    """Return the muscle's supplies: ``innervation`` is one mapping, or a list (one per part)."""
    written = entry.record["innervation"]
    many = isinstance(written, list)
    records = written if many else [written]
    form = "{nerve: <nerve base id or null>, division, roots, source, locator}"
    if not records or not all(isinstance(r, dict) and "nerve" in r for r in records):
        entry.fail(f"innervation must be {form}, or a list of them with 'part' for a muscle of several nerves")
    out = []
    for n, record in enumerate(records):
        where = f"innervation[{n}]" if many else "innervation"
        inn = dict(record)
        nerve, division, part = inn.pop("nerve"), inn.pop("division", "none"), inn.pop("part", "")
        if many and not part:
            entry.fail(f"{where}: a muscle with several nerves names the part each supplies ('part: ...')")
        if division not in DIVISIONS:
            entry.fail(f"{where}: division '{division}' is not one of {', '.join(DIVISIONS)}")
        roots = _roots(entry, inn.pop("roots", None), where)
        inn.setdefault("text", "")
        out.append({"nerve": nerve, "division": division, "part": part, "roots": roots,
                    "fact": reader.fact(inn, "innervation", key)})
    nerves = [s["nerve"] for s in out if s["nerve"]]
    if len(set(nerves)) < len(nerves):
        entry.fail("innervation: a nerve is named twice; one entry per nerve")
    return out


def _top(path: Path, key: str, sources: dict[str, Source]) -> tuple[dict, FactReader]:
    """Return the top-level mapping ``key`` of a data file and a fact reader for it."""
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get(key), dict):
        raise AtlasDataError(f"{path}: expected a top-level mapping '{key}:'")
    return raw[key], FactReader(sources, path)


_COMMON = {"name", "kind", "bilateral", "layer", "region", "summary", "facts", "clinical"}


def _base(entry: _Entry, reader: FactReader, kind: str) -> dict:
    """Return the fields shared by every kind of entry (before side expansion)."""
    rec = entry.record
    if not isinstance(rec.get("name"), str):
        entry.fail("name must be a string")
    summary = reader.fact(rec.get("summary"), "summary", entry.key)
    clinical = reader.facts(rec.get("clinical"), "clinical", entry.key)
    facts = [summary]
    for item in rec.get("facts") or []:
        item = dict(item) if isinstance(item, dict) else item
        topic = item.pop("topic", "fact") if isinstance(item, dict) else "fact"
        facts.append(reader.fact(item, topic, entry.key))
    return {
        "base_id": entry.key,
        "name": rec["name"],
        "kind": kind,
        "bilateral": bool(rec.get("bilateral", True)),
        "layer": entry.choice("layer", LAYERS),
        "region": entry.choice("region", REGIONS),
        "summary": summary.text,
        "facts": facts,
        "clinical": clinical,
    }


def read_plain(path: Path, sources: dict[str, Source]) -> list[dict]:
    """Read ``structures.yaml`` (bones, discs, canal, skin, ligaments, vessels) into unsided field dicts."""
    records, reader = _top(path, "structures", sources)
    out = []
    for key, record in records.items():
        entry = _Entry(path, key, record, _COMMON, {"name", "kind", "bilateral", "layer", "region", "summary"})
        kind = entry.choice("kind", ("bone", "disc", "canal", "dura", "cauda", "skin", "ligament", "vessel"))
        out.append(_base(entry, reader, kind))
    return out


def read_muscles(path: Path, sources: dict[str, Source]) -> list[dict]:
    """Read ``muscles.yaml`` into unsided field dicts (innervation not yet resolved)."""
    records, reader = _top(path, "muscles", sources)
    allowed = _COMMON | {"origin", "insertion", "action", "innervation"}
    required = {"name", "layer", "region", "summary", "origin", "insertion", "action", "innervation"}
    out = []
    for key, record in records.items():
        entry = _Entry(path, key, record, allowed, required)
        fields = _base(entry, reader, "muscle")
        for topic in ("origin", "insertion", "action"):
            fact = reader.fact(record[topic], topic, key)
            fields[topic] = fact.text
            fields["facts"].append(fact)
        supplies = _supplies(entry, reader, key)
        roots = tuple(sorted({r for s in supplies for r in s["roots"]}, key=_root_order))
        first = supplies[0]
        fields.update(nerve=first["nerve"], division=first["division"], roots=roots, supplies_in=supplies)
        out.append(fields)
    return out


def read_nerves(path: Path, sources: dict[str, Source]) -> list[dict]:
    """Read ``nerves.yaml`` into unsided field dicts."""
    records, reader = _top(path, "nerves", sources)
    allowed = _COMMON | {"roots", "branches", "division", "skin_territory"}
    required = {"name", "kind", "layer", "region", "summary", "roots", "branches"}
    out = []
    for key, record in records.items():
        entry = _Entry(path, key, record, allowed, required)
        fields = _base(entry, reader, entry.choice("kind", ("root", "nerve")))
        roots = dict(record["roots"]) if isinstance(record["roots"], dict) else {}
        levels = _roots(entry, roots.pop("levels", None), "roots")
        roots["text"] = f"Spinal segments {format_roots(levels)}"
        fields["facts"].append(reader.fact(roots, "roots", key))
        if record.get("skin_territory") is not None:
            fact = reader.fact(record["skin_territory"], "skin_territory", key)
            fields["skin_territory"] = fact.text
            fields["facts"].append(fact)
        if not isinstance(record["branches"], list):
            entry.fail("branches must be a list of nerve base ids ([] for none)")
        division = record.get("division")
        if division is not None and division not in DIVISIONS:
            entry.fail(f"division '{division}' is not one of {', '.join(DIVISIONS)}")
        fields.update(roots=levels, child_nerves=list(record["branches"]), division=division)
        out.append(fields)
    return out
