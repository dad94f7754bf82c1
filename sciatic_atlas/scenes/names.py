"""The names a scene file may use, gathered from the knowledge base, the model and the data.

A :class:`Catalog` holds, per kind of name (structure or group, landmark, view,
overlay, variant), the set of valid names and suggests the nearest ones for a
typo. A kind whose source is not available yet (no overlays module, assets
without landmarks) is marked *unchecked*: names of that kind are accepted and
the loader reports a warning saying why they could not be checked.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.paths import DATA_DIR, DATA_HINT, assets_dir

log = logging.getLogger(__name__)

SIDE_SUFFIXES = {"_r": "right", "_l": "left"}


def base_id(name: str) -> str:
    """Return ``name`` without its ``_l``/``_r`` side suffix."""
    return name[:-2] if name[-2:] in SIDE_SUFFIXES else name


@dataclass(frozen=True)
class NameSet:
    """The valid names of one kind; ``names=None`` means they cannot be checked (``why``)."""

    kind: str
    names: frozenset[str] | None
    why: str = ""

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """Return up to ``limit`` valid names nearest to ``name``."""
        if not self.names or not isinstance(name, str):
            return []
        hits = process.extract(name, sorted(self.names), scorer=fuzz.ratio, limit=limit, score_cutoff=55)
        return [hit[0] for hit in hits]

    def knows(self, name: str) -> bool:
        """Return whether ``name`` is valid (always true when unchecked)."""
        return self.names is None or name in self.names


@dataclass(frozen=True)
class Catalog:
    """Every kind of name a scene may use."""

    structures: NameSet
    landmarks: NameSet
    views: NameSet
    overlays: NameSet
    variants: dict[str, frozenset[str]] | None = None
    variants_why: str = ""
    hidden_by_default: frozenset[str] = field(default_factory=frozenset)
    nerves: NameSet | None = None  # None: a compression's nerve is checked as a structure name only

    def kind(self, kind: str) -> NameSet | None:
        """Return the :class:`NameSet` of ``kind`` ('structure', 'landmark', 'view', 'overlay', 'nerve')."""
        return {"structure": self.structures, "landmark": self.landmarks,
                "view": self.views, "overlay": self.overlays, "nerve": self.nerves}[kind]


def _sided_and_base(ids) -> set[str]:
    names = set(ids)
    names.update(base_id(name) for name in ids)
    return names


def _try_knowledge():
    try:
        from sciatic_atlas.anatomy.knowledge import load_knowledge
    except ImportError as exc:
        log.debug("knowledge base not available: %s", exc)
        return None
    # A broken knowledge file is reported as itself, once: checking scenes against half the
    # names would blame every valid scene for it.
    return load_knowledge()


def _try_model():
    from sciatic_atlas.anatomy.model import load_model

    try:
        return load_model()
    except AtlasDataError as exc:
        log.warning("model unreadable, scene names are checked against the knowledge base only: %s", exc)
        return None


def structure_names(knowledge, model) -> NameSet:
    """Return sided ids, base ids and group ids from the knowledge base (else the model)."""
    names: set[str] = set()
    if knowledge is not None:
        names |= _sided_and_base(knowledge.structures)
        names |= set(knowledge.groups)
    if model is not None:
        names |= _sided_and_base(model.structure_ids)
    if not names:
        return NameSet("structure or group", None, "neither the knowledge base nor the model could be read")
    return NameSet("structure or group", frozenset(names))


NERVE_KINDS = ("nerve", "branch", "root")


def nerve_names(knowledge) -> NameSet:
    """Return the names a compression may squeeze: nerves, their branches and roots (sided and base)."""
    if knowledge is None or not hasattr(knowledge, "of_kind"):
        return NameSet("nerve", None, "the knowledge base could not be read")
    ids = knowledge.of_kind(*NERVE_KINDS)
    if not ids:
        return NameSet("nerve", None, "the knowledge base lists no nerves")
    return NameSet("nerve", frozenset(_sided_and_base(ids)))


def landmark_names(model) -> NameSet:
    """Return landmark names (sided and base) from the built model."""
    if model is None or not model.landmarks:
        return NameSet("landmark", None, "the built model has no landmarks yet (rebuild the assets)")
    return NameSet("landmark", frozenset(_sided_and_base(model.landmarks)))


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{exc.__class__.__name__}: {text[:160]}" if text else exc.__class__.__name__


def view_names(path: Path | None = None) -> NameSet:
    """Return the named camera views of ``data/views.yaml``."""
    path = path or DATA_DIR / "views.yaml"
    try:
        record = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, yaml.YAMLError) as exc:  # ValueError: not UTF-8
        return NameSet("view", None, f"cannot read {path} ({_short(exc)}): {DATA_HINT}")
    if isinstance(record, dict) and isinstance(record.get("views"), dict):
        record = record["views"]
    if not isinstance(record, dict) or not record:
        return NameSet("view", None, f"{path} holds no views: {DATA_HINT}")
    return NameSet("view", frozenset(str(k) for k in record))


def overlay_names() -> NameSet:
    """Return the overlay ids of :mod:`sciatic_atlas.anatomy.overlays` (when it exists)."""
    try:
        from sciatic_atlas.anatomy import overlays
    except ImportError:
        return NameSet("overlay", None, "the overlay catalogue (sciatic_atlas.anatomy.overlays) is not available yet")
    for getter in ("overlay_ids", "load_overlays"):
        func = getattr(overlays, getter, None)
        if func is None:
            continue
        try:
            ids = func()
        except (AtlasDataError, OSError, ValueError) as exc:
            return NameSet("overlay", None, f"the overlay catalogue is unreadable ({exc})")
        return NameSet("overlay", frozenset(str(i) for i in ids))
    return NameSet("overlay", None, "sciatic_atlas.anatomy.overlays has no overlay_ids()")


def variant_options(model) -> tuple[dict[str, frozenset[str]] | None, frozenset[str], str]:
    """Return ``{variant group: option ids}``, the ids of variant-only meshes, and why unchecked."""
    if model is None or not model.variant_groups:
        return None, frozenset(), "the built model has no variants yet (rebuild the assets)"
    options = {gid: frozenset(group.options) for gid, group in model.variant_groups.items()}
    extra = set().union(*(group.replacement_ids() for group in model.variant_groups.values()))
    return options, frozenset(extra), ""


def build_catalog(knowledge=None, model=None, views_file: Path | None = None) -> Catalog:
    """Gather every kind of valid name; missing sources become unchecked kinds.

    Parameters
    ----------
    knowledge : Knowledge, optional
        The knowledge base (default: :func:`load_knowledge`).
    model : AnatomyModel, optional
        The built model (default: :func:`load_model`).
    views_file : Path, optional
        The views data file (default: ``data/views.yaml``).
    """
    knowledge = knowledge if knowledge is not None else _try_knowledge()  # AtlasDataError when broken
    model = model if model is not None else _try_model()
    variants, variant_meshes, why = variant_options(model)
    return Catalog(
        structures=structure_names(knowledge, model),
        landmarks=landmark_names(model),
        views=view_names(views_file),
        overlays=overlay_names(),
        variants=variants,
        variants_why=why,
        hidden_by_default=variant_meshes,
        nerves=nerve_names(knowledge),
    )


@functools.lru_cache(maxsize=4)
def _cached_catalog(assets: str) -> Catalog:
    return build_catalog()


def default_catalog() -> Catalog:
    """Return the catalogue of the bundled data and the current assets folder (cached)."""
    return _cached_catalog(str(assets_dir()))
