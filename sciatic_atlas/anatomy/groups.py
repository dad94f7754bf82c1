"""Named groups of structures (``data/groups.yaml``) and the supply groups derived from data.

This module owns :class:`Group` and the resolution of a group's ``members``,
``select`` and ``tree`` clauses into sided structure ids, plus one derived group
``supplied_by_<nerve>`` per nerve that supplies a muscle. Unknown names are rejected
with the nearest valid ones suggested.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.facts import read_yaml
from sciatic_atlas.anatomy.structures import Structure

SELECT_FIELDS = ("kind", "division", "nerve", "region", "layer", "side")


@dataclass(frozen=True)
class Group:
    """A named set of structures, e.g. ``hamstrings``.

    Attributes
    ----------
    id : str
        Group id used in scenes (``tibial_supplied``).
    name : str
        Display name.
    description : str
        One or two sentences for the info panel.
    members : tuple of str
        Sided structure ids (both sides; midline ids once), in a stable order.
    """

    id: str
    name: str
    description: str
    members: tuple[str, ...]


def _base_of(structure: Structure) -> str:
    return structure.base_id


def _field(structure: Structure, key: str):
    """Return the value ``select`` compares: the field, with nerves as base ids."""
    value = getattr(structure, key)
    if key == "nerve" and value and structure.side != "midline":
        return value[:-2]  # sided nerve id -> base id, as written in groups.yaml
    return value


class GroupBuilder:
    """Resolve the groups of one ``groups.yaml`` against the structures.

    Parameters
    ----------
    structures : dict of str to Structure
        Every sided structure.
    path : Path
        The groups file (named in errors).
    suggest : callable
        ``suggest(name) -> list[str]`` giving the nearest valid names for an error.
    """

    def __init__(self, structures: dict[str, Structure], path: Path, suggest: Callable[[str], list[str]]):
        self.structures = structures
        self.path = path
        self.suggest = suggest
        self.by_base: dict[str, list[str]] = {}
        for sid, structure in structures.items():
            self.by_base.setdefault(structure.base_id, []).append(sid)
        self.raw: dict[str, Any] = {}
        self.groups: dict[str, Group] = {}

    def fail(self, group: str, message: str) -> None:
        raise AtlasDataError(f"{self.path.name}: group '{group}': {message}")

    def build(self) -> dict[str, Group]:
        """Return every group: the written ones, then the derived supply groups."""
        raw = read_yaml(self.path)
        if not isinstance(raw, dict) or not isinstance(raw.get("groups"), dict):
            raise AtlasDataError(f"{self.path}: expected a top-level mapping 'groups:'")
        self.raw = raw["groups"]
        for gid in self.raw:
            self._resolve(gid, ())
        self._derive_supply_groups()
        return self.groups

    def _resolve(self, gid: str, stack: tuple[str, ...]) -> tuple[str, ...]:
        if gid in self.groups:
            return self.groups[gid].members
        if gid in stack:
            self.fail(gid, f"groups include each other in a cycle ({' -> '.join(stack + (gid,))}); break it")
        record = self.raw[gid]
        allowed = {"name", "description", "members", "select", "tree"}
        if not isinstance(record, dict) or not record.get("name"):
            self.fail(gid, "expected {name: ..., members: [...] | select: {...} | tree: <nerve>}")
        unknown = set(record) - allowed
        if unknown:
            self.fail(gid, f"unknown keys {sorted(unknown)}; allowed keys are {sorted(allowed)}")
        members: list[str] = []
        for name in record.get("members") or []:
            members.extend(self._member(gid, name, stack + (gid,)))
        if "select" in record:
            members.extend(self._select(gid, record["select"]))
        if "tree" in record:
            members.extend(self._tree(gid, record["tree"]))
        if not members:
            self.fail(gid, "has no members; add members, select or tree")
        if gid in self.by_base and not set(self.by_base[gid]) <= set(members):
            self.fail(gid, f"shares its id with structure '{gid}' but does not contain it; rename the group")
        unique = tuple(dict.fromkeys(members))
        self.groups[gid] = Group(gid, record["name"], str(record.get("description", "")).strip(), unique)
        return unique

    def _member(self, gid: str, name: Any, stack: tuple[str, ...]) -> list[str]:
        if name in self.raw and name != gid:
            return list(self._resolve(name, stack))
        if name in self.structures:
            return [name]
        if name in self.by_base:
            return list(self.by_base[name])
        hint = self.suggest(str(name))
        self.fail(gid, f"unknown member '{name}'" + (f"; did you mean {', '.join(hint)}?" if hint else ""))
        return []

    def _select(self, gid: str, select: Any) -> list[str]:
        if not isinstance(select, dict) or not select:
            self.fail(gid, f"select must map fields ({', '.join(SELECT_FIELDS)}) to a value or list")
        for key in select:
            if key not in SELECT_FIELDS:
                self.fail(gid, f"cannot select on '{key}'; use one of {', '.join(SELECT_FIELDS)}")
        wanted = {k: set(v) if isinstance(v, list) else {v} for k, v in select.items()}
        for key, values in wanted.items():
            bad = values - {_field(s, key) for s in self.structures.values()}
            if bad:
                self.fail(gid, f"select {key}: {sorted(map(str, bad))} matches no structure; check the spelling")
        return [
            sid
            for sid, s in self.structures.items()
            if all(_field(s, key) in values for key, values in wanted.items())
        ]

    def _tree(self, gid: str, root: Any) -> list[str]:
        if root not in self.by_base or self.structures[self.by_base[root][0]].kind not in ("nerve", "root"):
            self.fail(gid, f"tree '{root}' is not a nerve base id")
        out: list[str] = []
        for start in self.by_base[root]:  # one side after the other
            todo = [start]
            while todo:
                sid = todo.pop(0)
                if sid not in out:
                    out.append(sid)
                    todo.extend(self.structures[sid].branches)
        return out

    def _derive_supply_groups(self) -> None:
        nerves = [s for s in self.structures.values() if s.kind in ("nerve", "root") and s.supplies]
        for base in dict.fromkeys(_base_of(s) for s in nerves):
            gid = f"supplied_by_{base}"
            if gid in self.groups:
                raise AtlasDataError(f"{self.path.name}: group '{gid}' is derived from muscles.yaml; remove it")
            sided = [s for s in nerves if s.base_id == base]
            members = tuple(m for s in sided for m in s.supplies)
            name = self.structures[sided[0].id].name.rsplit(" (", 1)[0]
            self.groups[gid] = Group(
                gid,
                f"Muscles supplied by the {name[0].lower() + name[1:]}",
                f"Derived from the innervation of each muscle in muscles.yaml ({base}).",
                members,
            )
