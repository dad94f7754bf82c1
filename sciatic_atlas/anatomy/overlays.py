"""Skin overlays: dermatomes, referral patterns and nerve territories, painted in NumPy.

The catalogue is ``data/overlays.yaml`` (every overlay with its source); each zone is a
list of region specs in the skin's surface coordinates
(:mod:`sciatic_atlas.anatomy.skin_regions`). This module turns overlays into per-vertex
weights and colours (:func:`paint`), trigger-point positions on their muscles
(:func:`trigger_points`), and words (:func:`overlay_summaries`, used by
``describe --json``). No VTK here; :mod:`sciatic_atlas.render.overlays` draws the result.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

import numpy as np

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.overlay_paint import Layer, Refined, composite, refine
from sciatic_atlas.anatomy.data_files import read_yaml_mapping
from sciatic_atlas.anatomy.paths import DATA_DIR, DATA_HINT
from sciatic_atlas.anatomy.skin_regions import (
    SkinSurface,
    region_coverage,
    skin_surface,
    union,
    validate_region_spec,
)

KINDS = ("dermatome", "referral", "cutaneous_nerve")
SKIN_RGB = (0.93, 0.79, 0.69)
REPORT_FRACTION = 0.15  # regions covered at least this much are named in summaries
_REFINED: "weakref.WeakKeyDictionary[object, Refined]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class TriggerPoint:
    """A trigger point on a muscle: a fraction along its centreline (0 origin, 1 insertion)."""

    muscle: str
    fraction: float
    label: str


@dataclass(frozen=True)
class Overlay:
    """One overlay of the catalogue."""

    overlay_id: str
    name: str
    kind: str
    colour: tuple[float, float, float]
    source: str
    note: str
    essential: tuple[dict, ...]
    spillover: tuple[dict, ...]
    trigger_points: tuple[TriggerPoint, ...]


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    h = hex_colour.lstrip("#")
    return tuple(int(h[i : i + 2], 16) / 255.0 for i in (0, 2, 4))


@functools.cache
def _overlay_file() -> dict:
    """Return the parsed ``data/overlays.yaml`` (read once)."""
    path = DATA_DIR / "overlays.yaml"
    data = read_yaml_mapping(path)
    if not isinstance(data.get("overlays"), dict):
        raise AtlasDataError(f"{path} has no 'overlays:' mapping: {DATA_HINT}")
    return data


@functools.cache
def load_overlays() -> dict[str, Overlay]:
    """Return the overlay catalogue (``data/overlays.yaml``) keyed by overlay id.

    Raises
    ------
    AtlasDataError
        When an overlay lacks a source, has an unknown kind or an invalid region spec.
    """
    data = _overlay_file()
    out = {}
    for oid, entry in data["overlays"].items():
        try:
            if not entry.get("source"):
                raise ValueError("no source")
            if entry["kind"] not in KINDS:
                raise ValueError(f"kind must be one of {KINDS}")
            for spec in entry["essential"] + entry.get("spillover", []):
                validate_region_spec(spec)
            out[oid] = Overlay(
                oid, entry["name"], entry["kind"], _rgb(entry["colour"]), " ".join(entry["source"].split()),
                entry.get("note", ""), tuple(entry["essential"]), tuple(entry.get("spillover", [])),
                tuple(TriggerPoint(t["muscle"], float(t["fraction"]), t["label"])
                      for t in entry.get("trigger_points", [])),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AtlasDataError(f"overlay '{oid}' in {DATA_DIR / 'overlays.yaml'} is invalid "
                                 f"({exc.__class__.__name__}: {exc}): {DATA_HINT}") from None
    return out


def overlay_ids() -> list[str]:
    """Return every overlay id, in catalogue order."""
    return list(load_overlays())


def default_side() -> str:
    """Return the side overlays are painted on unless a scene says otherwise."""
    side = _overlay_file().get("default_side", "right")
    return side if side in ("left", "right") else "right"


def get_overlay(overlay_id: str) -> Overlay:
    """Return one overlay; raise ``KeyError`` naming it when unknown."""
    try:
        return load_overlays()[overlay_id]
    except KeyError:
        raise KeyError(f"unknown overlay '{overlay_id}'") from None


def zone_weights(surface: SkinSurface, overlay: Overlay, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Return per-vertex (essential, spillover) weights; spillover excludes the essential zone."""
    essential = union(surface, list(overlay.essential), side)
    spill = union(surface, list(overlay.spillover), side) if overlay.spillover else np.zeros_like(essential)
    return essential, np.clip(spill - essential, 0.0, 1.0)


def layers(model, overlay_ids, side: str | None = None) -> list[Layer]:
    """Return each overlay's colour and per-vertex (essential, spillover) weights on the skin."""
    surface = skin_surface(model)
    side = side or default_side()
    out = []
    for oid in overlay_ids:
        overlay = get_overlay(oid)
        essential, spill = zone_weights(surface, overlay, side)
        out.append(Layer(overlay.colour, essential, spill))
    return out


def refined_skin(model) -> Refined:
    """Return (once per model) the skin split for painting (:func:`overlay_paint.refine`)."""
    if model not in _REFINED:
        surface = skin_surface(model)
        _REFINED[model] = refine(surface.vertices, surface.faces)
    return _REFINED[model]


def paint(model, overlay_ids, side: str | None = None, base_rgb=SKIN_RGB, refined: bool = False) -> np.ndarray:
    """Return per-vertex RGB (N, 3, floats 0..1) of the skin with the overlays laid on it.

    Essential zones are solid, spillover zones a lighter tint with coarse stripes of the
    full colour, and overlapping overlays are mixed in bands of each colour rather than
    stacked (see :mod:`sciatic_atlas.anatomy.overlay_paint`), so none hides another.

    Parameters
    ----------
    refined : bool
        Paint the vertices of :func:`refined_skin` (straight-edged stripes) instead of
        the skin's own.
    """
    if not refined:
        return composite(skin_surface(model).vertices, layers(model, overlay_ids, side), base_rgb)
    return composite(refined_skin(model).vertices, refined_layers(model, overlay_ids, side), base_rgb)


def refined_layers(model, overlay_ids, side: str | None = None) -> list[Layer]:
    """Return :func:`layers` with their weights on the vertices of :func:`refined_skin`."""
    fine = refined_skin(model)
    return [Layer(lay.colour, fine.lift(lay.essential), fine.lift(lay.spillover))
            for lay in layers(model, overlay_ids, side)]


def trigger_points(model, overlay: Overlay, side: str | None = None) -> list[tuple[TriggerPoint, np.ndarray]]:
    """Return each trigger point with its position (mm) on the muscle's centreline.

    Muscles without a centreline in the model are left out.
    """
    side = side or default_side()
    suffixes = {"left": ("_l",), "right": ("_r",), "both": ("_r", "_l")}[side]
    out = []
    centrelines = model.centrelines
    for tp in overlay.trigger_points:
        for suffix in suffixes:
            line = centrelines.get(tp.muscle + suffix)
            if line is None or len(line) < 2:
                continue
            seg = np.linalg.norm(np.diff(line, axis=0), axis=1)
            s = np.r_[0.0, np.cumsum(seg)]
            target = tp.fraction * s[-1]
            out.append((tp, np.array([np.interp(target, s, line[:, k]) for k in range(3)])))
    return out


def trigger_marks(model, overlay: Overlay, side: str | None = None) -> list[tuple[TriggerPoint, np.ndarray, np.ndarray]]:
    """Return each trigger point with its deep position and the skin point over it (mm).

    The skin point is the skin vertex nearest the deep point: where a therapist's finger finds the point through the skin. Trigger points are felt and
    needled through the skin, so that is where the atlas marks them when the skin is
    drawn opaque.
    """
    side = side or default_side()
    surface = skin_surface(model)
    out = []
    for tp, deep in trigger_points(model, overlay, side):
        d2 = ((surface.vertices - deep) ** 2).sum(axis=1)
        out.append((tp, deep, surface.vertices[np.argmin(d2)].astype(float)))
    return out


def overlay_summaries(model, side: str | None = None) -> list[dict]:
    """Return every overlay with its source and the named skin regions it covers.

    Computed from the painted skin: for the essential and spillover zones apart, each
    named region (``data/skin_regions.yaml``) covered over at least 15 % of its area,
    with the fraction covered, largest first.
    """
    surface = skin_surface(model)
    side = side or default_side()
    out = []
    for oid, overlay in load_overlays().items():
        essential, spill = zone_weights(surface, overlay, side)
        entry = {"id": oid, "name": overlay.name, "kind": overlay.kind, "source": overlay.source,
                 "note": overlay.note, "side": side}
        for zone, weights in (("essential", essential), ("spillover", spill)):
            cover = region_coverage(surface, weights, side)
            entry[zone] = [{"region": r, "fraction": round(f, 2)}
                           for r, f in sorted(cover.items(), key=lambda kv: -kv[1]) if f >= REPORT_FRACTION]
        entry["trigger_points"] = [{"muscle": tp.muscle, "fraction": tp.fraction, "label": tp.label}
                                   for tp in overlay.trigger_points]
        out.append(entry)
    return out
