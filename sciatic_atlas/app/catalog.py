"""The structures the window can show, with names and groupings (no Qt).

:class:`Catalog` joins the built model (which structures have a mesh) with the
knowledge base (display names, kind, layer, region) and answers what the panels
ask: the layer tree, the peel order from skin to bone, and what one nerve
supplies. Where the knowledge base has no entry for a structure, the name is
made from its id and the kind comes from the render layer's appearance rules.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from sciatic_atlas.anatomy.ids import SIDE_NAMES, side_of
from sciatic_atlas.render.appearance import kind_of, layer_of

log = logging.getLogger(__name__)

NERVE_KINDS = ("root", "nerve", "branch")
MUSCLE_LAYERS = ("superficial", "middle", "deep")
_LAYER_WORDS = {"intermediate": "middle", "superficial": "superficial", "deep": "deep", "middle": "middle"}

# The peel slider, outermost first: (label, predicate on an entry). Depth d hides the
# first d rows; the last row (bones, discs) is never peeled.
PEEL_STEPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("skin", ("skin",)),
    ("superficial muscles", ("muscle:superficial",)),
    ("middle muscles", ("muscle:middle",)),
    ("deep muscles", ("muscle:deep", "ligament")),  # the sacral ligaments lie at the deep muscles
    ("nerves", ("root", "nerve", "branch", "canal", "dura", "cauda", "vessel")),  # the popliteal vessels lie with the nerve
)


@dataclass(frozen=True)
class Entry:
    """One displayable structure: id, display name, kind, side, muscle layer, region."""

    id: str
    name: str
    kind: str
    side: str  # 'left' | 'right' | 'midline'
    layer: str
    region: str

    @property
    def peel_key(self) -> str:
        return f"muscle:{self.layer}" if self.kind == "muscle" else self.kind

    @property
    def label(self) -> str:
        """Return the name with the patient's side, e.g. ``"Piriformis (right)"``."""
        return self.name if self.side == "midline" else f"{self.name} ({self.side})"


def variant_meshes(model) -> dict[str, str]:
    """Return ``{variant mesh id: label of its variant}`` from the model's anatomical variants.

    These meshes stand in for a structure only in a scene that shows that variant
    (e.g. a sciatic nerve split by piriformis); the tree and the search leave them out.
    """
    out = {}
    for group in (getattr(model, "variant_groups", None) or {}).values():
        for option in group.options.values():
            for ids in option.replaces.values():
                for sid in ids:
                    out[sid] = option.label.split(":")[0]
    return out


def name_from_id(structure_id: str) -> str:
    """Return a readable name made from an id: ``piriformis_r`` -> ``Piriformis``."""
    base = structure_id[:-2] if side_of(structure_id) != "midline" else structure_id
    if base.startswith("branch_") and "__" in base:
        nerve, muscle = base[len("branch_"):].split("__", 1)
        return f"Branch of {nerve.replace('_', ' ')} to {muscle.replace('_', ' ')}"
    text = base.replace("_", " ")
    return text[:1].upper() + text[1:]


def _strip_side(name: str) -> str:
    """Return a display name without its "(left)"/"(right)" ending (the label adds it)."""
    for side in SIDE_NAMES.values():
        name = name.removesuffix(f" ({side})")
    return name


def _entry(structure_id: str, info, knowledge, variant: str = "") -> Entry:
    if variant:  # named after the structure it replaces: "Sciatic nerve, variant Type B"
        base = _entry(structure_id.split("__")[0], info, knowledge)
        return replace(base, id=structure_id, name=f"{base.name}, variant {variant}")
    record = getattr(knowledge, "structures", {}).get(structure_id) if knowledge is not None else None
    kind = kind_of(structure_id, info)
    layer = layer_of(info) if kind == "muscle" else ""
    name, region = name_from_id(structure_id), (info.region[0] if info.region else "")
    if record is not None:
        name = _strip_side(record.name) or name
        region = record.region or region
        if kind == "muscle" and record.layer:
            layer = _LAYER_WORDS.get(str(record.layer).split()[0].lower(), layer)
    return Entry(structure_id, name, kind, side_of(structure_id), layer, region or "other")


class Catalog:
    """Every structure with a mesh, named and grouped for the panels.

    Parameters
    ----------
    model : AnatomyModel
        The built model (which ids have meshes).
    knowledge : Knowledge or None
        The knowledge base; ``None`` names structures from their ids.
    """

    def __init__(self, model, knowledge=None):
        self.knowledge = knowledge
        self.variants = {sid: label for sid, label in variant_meshes(model).items() if sid in model.structure_ids}
        self.entries: dict[str, Entry] = {
            sid: _entry(sid, model.structure(sid), knowledge, self.variants.get(sid, ""))
            for sid in model.structure_ids
        }
        self._parents = {sid: model.structure(sid).parent for sid, e in self.entries.items()
                         if e.kind == "branch"}

    def __contains__(self, structure_id: str) -> bool:
        return structure_id in self.entries

    def __getitem__(self, structure_id: str) -> Entry:
        return self.entries[structure_id]

    def label(self, structure_id: str) -> str:
        """Return the display label of any id (known or not)."""
        entry = self.entries.get(structure_id)
        return entry.label if entry else name_from_id(structure_id)

    def ids(self, side: str = "both") -> list[str]:
        """Return the ids on ``side`` (midline structures are on every side)."""
        return [sid for sid, e in self.entries.items() if side == "both" or e.side in (side, "midline")]

    def branch_nerve(self, structure_id: str) -> str:
        """Return the name of the nerve a muscular branch comes off (no side)."""
        parent = self._parents.get(structure_id, "")
        if parent in self.entries:
            return self.entries[parent].name
        base = structure_id[len("branch_"):].split("__")[0]
        return name_from_id(base)

    def short_label(self, structure_id: str) -> str:
        """Return the label the tree shows under its group (a branch: "to piriformis (left)")."""
        entry = self.entries.get(structure_id)
        if entry is None or entry.kind != "branch" or " to " not in entry.name:
            return self.label(structure_id)
        target = entry.name.rsplit(" to ", 1)[1]
        return f"Branch to {target}" if entry.side == "midline" else f"Branch to {target} ({entry.side})"

    def sort_key(self, structure_id: str) -> tuple:
        """Return the order of ids within a tree group: by label, numbers in anatomical order.

        Vertebrae and discs go by level (L1..L5, then S1), not alphabetically by name.
        """
        entry = self.entries[structure_id]
        level = re.search(r"(?:^|_)([lst])(\d)(?:_|$)", structure_id)
        if entry.kind in ("bone", "disc") and (level or structure_id == "sacrum"):
            spine = (0, "tls".index(level.group(1)), int(level.group(2))) if level else (0, 2, 0)
        else:
            spine = (1, 0, 0)
        return (*spine, entry.kind == "disc", self.label(structure_id))

    def tree(self) -> list[tuple[str, list[tuple[str, list[str]]]]]:
        """Return ``[(group, [(subgroup, [ids])])]``: skin, muscles by layer and region, nerves, bones.

        Groups and subgroups with nothing in them are left out, and so are variant
        meshes (shown by their scenes only); ids are in :meth:`sort_key` order.
        """
        groups: dict[str, dict[str, list[str]]] = {}
        order = ["Skin", *(f"Muscles: {layer}" for layer in MUSCLE_LAYERS),
                 "Nerve roots and plexus", "Nerves", "Muscular branches", "Blood vessels", "Bones and discs"]
        for sid, e in self.entries.items():
            if sid in self.variants:
                continue
            if e.kind == "skin":
                group, sub = "Skin", "skin"
            elif e.kind == "muscle":
                group, sub = f"Muscles: {e.layer}", e.region
            elif e.kind == "root":
                group, sub = "Nerve roots and plexus", e.region
            elif e.kind == "nerve":
                group, sub = "Nerves", e.region
            elif e.kind == "vessel":
                group, sub = "Blood vessels", e.region
            elif e.kind == "branch":
                group, sub = "Muscular branches", self.branch_nerve(sid)
            else:
                group, sub = "Bones and discs", e.region
            groups.setdefault(group, {}).setdefault(sub, []).append(sid)
        result = []
        for group in order:
            subs = groups.get(group)
            if subs:
                result.append((group, [(sub, sorted(ids, key=self.sort_key)) for sub, ids in sorted(subs.items())]))
        return result

    # -- peeling -----------------------------------------------------------------------------
    @property
    def peel_steps(self) -> list[tuple[str, tuple[str, ...]]]:
        """Return the :data:`PEEL_STEPS` that would hide something here (no skin: no skin step)."""
        keys = {e.peel_key for e in self.entries.values()}
        return [(label, group) for label, group in PEEL_STEPS if keys & set(group)]

    def peel_labels(self) -> list[str]:
        """Return the label of each peel depth: 0 shows all, the last leaves bone only."""
        return ["everything"] + [f"{label} off" for label, _ in self.peel_steps]

    def peeled(self, depth: int) -> set[str]:
        """Return the ids hidden at peel ``depth`` (0: none)."""
        keys = {key for _, group in self.peel_steps[:depth] for key in group}
        return {sid for sid, e in self.entries.items() if e.peel_key in keys}

    # -- nerve supply -----------------------------------------------------------------------------
    def supplied_by(self, nerve_id: str) -> set[str]:
        """Return the nerve, its branches downstream and what they supply, with the bones.

        Follows the knowledge base's ``branches`` of each nerve down the tree and
        collects their ``supplies``; without a knowledge base, the nerve and the
        muscular branches named after it.
        """
        structures = getattr(self.knowledge, "structures", None) or {}
        wanted, todo = set(), [nerve_id]
        while todo:
            sid = todo.pop()
            if sid in wanted:
                continue
            wanted.add(sid)
            record = structures.get(sid)
            if record is not None:
                wanted.update(record.supplies or ())
                todo.extend(record.branches or ())
        side = side_of(nerve_id)
        base = nerve_id[:-2] if side != "midline" else nerve_id
        wanted |= {sid for sid in self.entries if sid.startswith(f"branch_{base}__") and side_of(sid) == side}
        wanted |= {sid for sid, e in self.entries.items() if e.kind in ("bone", "disc")}
        return {sid for sid in wanted if sid in self.entries}
