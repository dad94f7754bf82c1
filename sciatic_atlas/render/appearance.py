"""Colours and materials of structures, read from ``data/appearance.yaml``.

This module owns the mapping *structure id -> how it looks by default* (kind, layer,
colour, opacity, Phong material) and how a :class:`~sciatic_atlas.scenes.state.StructureStyle`
changes that look. It holds no VTK objects, so the app and tests can ask for colours
without a plotter.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from sciatic_atlas.anatomy.data_files import read_yaml_mapping
from sciatic_atlas.anatomy.errors import UnknownStructureError
from sciatic_atlas.anatomy.model_types import StructureInfo
from sciatic_atlas.anatomy.paths import DATA_DIR
from sciatic_atlas.scenes.state import RGB, StructureStyle

APPEARANCE_FILE = DATA_DIR / "appearance.yaml"


@dataclass(frozen=True)
class Look:
    """The resolved appearance of one actor: colour (RGB 0..1), opacity and material."""

    colour: RGB
    opacity: float
    ambient: float
    diffuse: float
    specular: float
    specular_power: float
    visible: bool = True
    highlight: bool = False


# The sections the renderer reads, each a mapping (kind_patterns: a list).
REQUIRED = {"kind_patterns": list, "kinds": dict, "muscle_layers": dict, "highlight": dict, "quality": dict,
            "backgrounds": dict, "tendon": dict, "compression": dict, "labels": dict}


@functools.cache
def appearance() -> dict:
    """Return the parsed ``appearance.yaml`` (read once)."""
    return read_yaml_mapping(APPEARANCE_FILE, required=REQUIRED)


@functools.cache
def _kind_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((re.compile(p["pattern"]), p["kind"]) for p in appearance()["kind_patterns"])


def kind_of(structure_id: str, info: StructureInfo | None = None) -> str:
    """Return the kind (bone, muscle, nerve, root, branch, disc, canal, skin) of a structure.

    Parameters
    ----------
    structure_id : str
        The structure id.
    info : StructureInfo, optional
        What the build recorded; its ``kind`` wins when present and known.
    """
    kinds = appearance()["kinds"]
    if info is not None and info.kind in kinds:
        return info.kind
    for pattern, kind in _kind_patterns():
        if pattern.search(structure_id):
            return kind
    return "muscle"


def layer_of(info: StructureInfo | None) -> str:
    """Return a muscle's layer (deep, middle, superficial) from its model record; default middle."""
    layer = info.layer if info is not None and info.layer else "middle"
    return layer if layer in appearance()["muscle_layers"] else "middle"


def _info(model, structure_id: str) -> StructureInfo | None:
    if model is None:
        return None
    try:
        return model.structure(structure_id)
    except UnknownStructureError:
        return None


def default_look(model, structure_id: str) -> Look:
    """Return how ``structure_id`` looks with no style applied.

    Parameters
    ----------
    model : AnatomyModel or None
        The model whose record gives the structure's kind and layer.
    structure_id : str
        The structure id.
    """
    info = _info(model, structure_id)
    kind = kind_of(structure_id, info)
    spec = dict(appearance()["kinds"][kind])
    if kind == "muscle":
        spec.update(appearance()["muscle_layers"][layer_of(info)])
    for rule in appearance().get("overrides", []):
        if re.search(rule["pattern"], structure_id):
            spec.update({k: v for k, v in rule.items() if k != "pattern"})
    return Look(colour=tuple(spec["colour"]), opacity=float(spec["opacity"]),
                ambient=float(spec["ambient"]), diffuse=float(spec["diffuse"]),
                specular=float(spec["specular"]), specular_power=float(spec["specular_power"]))


def styled_look(base: Look, style: StructureStyle) -> Look:
    """Return ``base`` changed by a scene ``style`` (colour, opacity, visibility, highlight)."""
    look = replace(base, opacity=base.opacity if style.opacity is None else float(style.opacity),
                   visible=bool(style.visible))
    if style.colour is not None:
        look = replace(look, colour=tuple(float(c) for c in style.colour))
    if style.highlight:
        hl = appearance()["highlight"]
        colour = highlight_colour(look.colour) if style.colour is None else look.colour
        # Opaque unless the scene asked for an opacity: a highlight drawn see-through bands into
        # rings under depth peeling, but a scene may still want the nerve seen through it.
        opacity = max(look.opacity, float(hl["min_opacity"])) if style.opacity is None else look.opacity
        look = replace(look, colour=colour, opacity=opacity, ambient=max(look.ambient, float(hl["ambient"])),
                       highlight=True)
    return look


def highlight_colour(rgb) -> RGB:
    """Return ``rgb`` made more vivid with its hue kept (a disc stays blue, a bone ivory).

    Saturation and value are raised as ``data/appearance.yaml`` ``highlight`` says; the hue
    is not touched.
    """
    import colorsys

    hl = appearance()["highlight"]
    h, s, v = colorsys.rgb_to_hsv(*(float(c) for c in rgb))
    s = min(1.0, s * float(hl["saturation_gain"]) + float(hl["saturation_add"]))
    v = min(1.0, v * float(hl["value_gain"]))
    return tuple(float(c) for c in colorsys.hsv_to_rgb(h, s, v))


def default_style(model, structure_id: str, visible: bool = True) -> StructureStyle:
    """Return the style that draws ``structure_id`` with its default look."""
    return StructureStyle(colour=None, opacity=default_look(model, structure_id).opacity, visible=visible)
