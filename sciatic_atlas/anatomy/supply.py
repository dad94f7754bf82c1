"""Nerve supply and side expansion: turn unsided entries into sided :class:`Structure` s.

This module owns the rules that link the data files together: each of a muscle's
``innervation`` entries (one, or one per part, as adductor magnus's two) must name a nerve of
``nerves.yaml``; each such supply creates a muscular-branch structure ``branch_<nerve>__<muscle>``; nerves learn which muscles they
supply and which branches leave them; bilateral entries become ``_l`` and ``_r``.
"""

from __future__ import annotations

from pathlib import Path

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.facts import Fact
from sciatic_atlas.anatomy.structures import DIVISION_NERVE, SIDES, Structure, Supply, format_roots


def branch_base_id(muscle: dict, supply: dict) -> str:
    """Return the base id of the muscular branch of ``supply`` entering ``muscle``.

    Muscles supplied by the sciatic nerve in the thigh name the nerve their division
    continues as (``branch_tibial_nerve__semitendinosus``), the team's id convention.
    """
    nerve = supply["nerve"]
    if nerve == "sciatic_nerve":
        nerve = DIVISION_NERVE[supply["division"]]
    return f"branch_{nerve}__{muscle['base_id']}"


def _check_supply(muscle: dict, supply: dict, nerves: dict[str, dict], path: Path) -> None:
    where = f"{path.name}: entry '{muscle['base_id']}', innervation"
    nerve = supply["nerve"]
    if nerve is None:
        if not supply["fact"].text:
            raise AtlasDataError(f"{where}: nerve is null, so add 'text: <nerve name (roots)>' saying which nerve")
        return
    if nerve not in nerves:
        raise AtlasDataError(
            f"{where}: unknown nerve '{nerve}'; use a base id of nerves.yaml "
            f"({', '.join(sorted(nerves))}) or null for a nerve the atlas does not model"
        )
    if nerve == "sciatic_nerve" and supply["division"] not in DIVISION_NERVE:
        raise AtlasDataError(f"{where}: a muscle supplied by the sciatic nerve needs division tibial or common_fibular")
    own = nerves[nerve]["division"]
    if own is not None and own != supply["division"]:
        raise AtlasDataError(f"{where}: division '{supply['division']}' contradicts {nerve}'s division '{own}'; fix one")


def _supply_text(supply: dict, nerves: dict[str, dict]) -> str:
    """Return the supply's written text, or one made from its nerve, division and roots."""
    if supply["fact"].text:
        return supply["fact"].text
    text = nerves[supply["nerve"]]["name"]
    if supply["nerve"] == "sciatic_nerve":
        text += f", {supply['division'].replace('_', ' ')} division"
    return f"{text} ({format_roots(supply['roots'])})"


def _branch_entry(muscle: dict, supply: dict, nerves: dict[str, dict], fact: Fact) -> dict:
    nerve = nerves[supply["nerve"]]
    name = muscle["name"][0].lower() + muscle["name"][1:]
    summary = f"Muscular branch of the {nerve['name'][0].lower() + nerve['name'][1:]} to {name}"
    if supply["nerve"] == "sciatic_nerve":
        summary += f" ({supply['division'].replace('_', ' ')} division)"
    if supply["part"]:
        summary += f", to its {supply['part']}"
    summary += f", segments {format_roots(supply['roots'])}."
    return {
        "base_id": branch_base_id(muscle, supply),
        "name": f"{nerve['name']} branch to {name}",
        "kind": "branch",
        "bilateral": True,
        "layer": "deep",
        "region": muscle["region"],
        "summary": summary,
        "facts": [Fact("summary", summary, fact.source, fact.locator)],
        "clinical": (),
        "nerve": supply["nerve"],
        "division": supply["division"],
        "roots": supply["roots"],
        "supplies": [muscle["base_id"]],
        "parents": [supply["nerve"]],
    }


def _link_muscle(muscle: dict, by_nerve: dict[str, dict], path: Path) -> list[dict]:
    """Resolve one muscle's supplies (facts, text, branches); return its new branch entries."""
    branches, supply = [], []
    for s in muscle.pop("supplies_in"):
        _check_supply(muscle, s, by_nerve, path)
        text = _supply_text(s, by_nerve)
        fact = Fact("innervation", text, s["fact"].source, s["fact"].locator)
        muscle["facts"].append(fact)
        branch = None
        if s["nerve"] is not None:
            entry = _branch_entry(muscle, s, by_nerve, fact)
            branches.append(entry)
            branch = entry["base_id"]
            by_nerve[s["nerve"]]["supplies"].append(muscle["base_id"])
            by_nerve[s["nerve"]]["branch_ids"].append(branch)
        supply.append({"nerve": s["nerve"], "division": s["division"], "roots": s["roots"],
                       "part": s["part"], "branch": branch, "text": text})
    muscle["supply"] = supply
    muscle["innervation"] = "; ".join(s["text"] for s in supply)
    muscle["branch"] = supply[0]["branch"]
    return branches


def link(plain: list[dict], muscles: list[dict], nerves: list[dict], paths: dict[str, Path]) -> list[dict]:
    """Check supply relations and return all unsided entries, branches included.

    Raises
    ------
    AtlasDataError
        For an unknown nerve or child nerve, a sciatic-supplied muscle without a
        division, contradictory divisions, or an id written twice.
    """
    by_nerve = {n["base_id"]: n for n in nerves}
    for nerve in nerves:
        nerve.setdefault("supplies", [])
        nerve["branch_ids"] = []
        for child in nerve["child_nerves"]:
            if child not in by_nerve:
                raise AtlasDataError(
                    f"{paths['nerves'].name}: entry '{nerve['base_id']}': branch '{child}' is not a nerve "
                    f"of nerves.yaml; add it there or remove it"
                )
        nerve["branch_ids"].extend(nerve["child_nerves"])
    branches = []
    for muscle in muscles:
        branches.extend(_link_muscle(muscle, by_nerve, paths["muscles"]))
    parents: dict[str, list[str]] = {}
    for nerve in nerves:
        for child in nerve["child_nerves"]:
            parents.setdefault(child, []).append(nerve["base_id"])
    for nerve in nerves:
        nerve["parents"] = parents.get(nerve["base_id"], [])
        nerve["branches"] = nerve.pop("branch_ids")
        del nerve["child_nerves"]
    entries = plain + muscles + nerves + branches
    seen: set[str] = set()
    for entry in entries:
        if entry["base_id"] in seen:
            raise AtlasDataError(f"structure id '{entry['base_id']}' is written twice in the data files; keep one")
        seen.add(entry["base_id"])
    return entries


_SIDED_LISTS = ("supplies", "branches", "parents")


def _sided_supply(supply: dict, suffix: str) -> Supply:
    sided = {key: (supply[key] + suffix if supply[key] else None) for key in ("nerve", "branch")}
    return Supply(division=supply["division"], roots=tuple(supply["roots"]), part=supply["part"],
                  text=supply["text"], **sided)


def expand_sides(entries: list[dict]) -> dict[str, Structure]:
    """Return ``{sided id: Structure}``: bilateral entries twice, midline ones once."""
    structures: dict[str, Structure] = {}
    for entry in entries:
        fields = {k: v for k, v in entry.items() if k in Structure.__dataclass_fields__}
        fields["facts"] = tuple(entry["facts"]) + tuple(entry.get("clinical", ()))
        fields["clinical"] = tuple(entry.get("clinical", ()))
        fields["roots"] = tuple(entry.get("roots", ()))
        if not entry["bilateral"]:
            fields.update(id=entry["base_id"], side="midline")
            fields["supply"] = tuple(_sided_supply(s, "") for s in entry.get("supply", ()))
            for key in _SIDED_LISTS:
                fields[key] = tuple(entry.get(key, ()))
            structures[entry["base_id"]] = Structure(**fields)
            continue
        for suffix, side in SIDES:
            sided = dict(fields, id=entry["base_id"] + suffix, side=side, name=f"{entry['name']} ({side})")
            for key in _SIDED_LISTS:
                sided[key] = tuple(item + suffix for item in entry.get(key, ()))
            for key in ("nerve", "branch"):
                if entry.get(key):
                    sided[key] = entry[key] + suffix
            sided["supply"] = tuple(_sided_supply(s, suffix) for s in entry.get("supply", ()))
            structures[sided["id"]] = Structure(**sided)
    return structures
