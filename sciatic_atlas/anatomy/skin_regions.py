"""Where things are on the skin: surface coordinates, region specs and named skin regions.

The skin (structure ``skin``) carries per-vertex surface coordinates, built with it
(:mod:`sciatic_atlas.assetbuild.skin_coords`) and stored in ``assets/skin_coords.npz``:

``side``       +1 the body's left, -1 its right.
``segment``    lower_back, abdomen, groin, buttock, thigh, knee, leg, ankle, foot.
``aspect``     degrees around the limb (trunk) axis: 0 anterior, 90 lateral, 180
               posterior, 270 medial (mirrored per side, so "lateral" is lateral on both).
``along``      0 at the upper end of the segment, 1 at its lower end; on the foot,
               0 at the back of the heel, 1 at the tip of the longest toe.
``foot_part``  none, dorsum, sole, heel, medial_border, lateral_border, great_toe, lesser_toes.
``toe``        1 (great toe) ... 5 (little toe), fractional between; 0 off the toes.
``across``     on the foot: 0 medial edge, 1 lateral edge.

A *region spec* is a plain dict in those coordinates (documented in the header of
``data/overlays.yaml``); :func:`region_weights` turns it into per-vertex weights in
0..1 with soft edges. Named regions (``data/skin_regions.yaml``) are specs too; they
let :mod:`sciatic_atlas.anatomy.overlays` say in words where an overlay lies.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass

import numpy as np

from sciatic_atlas.anatomy.easing import smoothstep
from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.data_files import read_npz, read_yaml_mapping
from sciatic_atlas.anatomy.paths import DATA_DIR, DATA_HINT, REBUILD_HINT

SPEC_KEYS = {"segments", "side", "aspect", "along", "foot_parts", "toe", "across", "feather"}
FEATHER_DEFAULTS = {"aspect": 12.0, "along": 0.05, "toe": 0.3, "across": 0.06, "blur": 3}
CORNER_FEATHERS = 2.5  # corner radius of a region, in feather widths
WOBBLE_FEATHERS, WOBBLE_MM = 0.6, (170.0, 110.0)  # outline waviness: amplitude, wavelengths
OPEN_END = 10.0  # an along range reaching a segment end is left open there
SEGMENT_CHAIN = ("lower_back", "buttock", "thigh", "knee", "leg", "ankle", "foot")  # top to bottom
SIDES = {"left": (1,), "right": (-1,), "both": (-1, 1)}


@dataclass(frozen=True)
class SkinSurface:
    """The skin mesh with its surface coordinates (mm, world frame)."""

    vertices: np.ndarray
    faces: np.ndarray
    coords: dict
    edges: np.ndarray  # (E, 2) unique undirected edges
    degree: np.ndarray  # (N,) neighbours per vertex
    area: np.ndarray  # (N,) a third of the adjacent triangles' area, mm^2

    @property
    def segment_names(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.coords["segment_names"])

    @property
    def foot_part_names(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.coords["foot_part_names"])

    def segment_mask(self, names) -> np.ndarray:
        """Return the vertices whose segment is one of ``names``."""
        codes = [self.segment_names.index(n) for n in names]
        return np.isin(self.coords["segment"], codes)

    def blur(self, values: np.ndarray, iterations: int) -> np.ndarray:
        """Average a per-vertex field with its neighbours ``iterations`` times (soft edges)."""
        v = np.asarray(values, dtype=float)
        e = self.edges
        for _ in range(int(iterations)):
            acc = np.zeros_like(v)
            np.add.at(acc, e[:, 0], v[e[:, 1]])
            np.add.at(acc, e[:, 1], v[e[:, 0]])
            v = 0.5 * v + 0.5 * acc / np.maximum(self.degree, 1)
        return v


_SURFACES: "weakref.WeakKeyDictionary[object, SkinSurface]" = weakref.WeakKeyDictionary()


def skin_surface(model) -> SkinSurface:
    """Return (once per model) the skin with its surface coordinates.

    Raises
    ------
    AtlasDataError
        When the model has no skin or its coordinates file is missing or does not match.
    """
    if model in _SURFACES:
        return _SURFACES[model]
    if not model.has_mesh("skin"):
        raise AtlasDataError(f"the model in {model.folder} has no skin: {REBUILD_HINT}")
    path = model.folder / str(model.structure("skin").extra.get("coords", "skin_coords.npz"))
    if not path.is_file():
        raise AtlasDataError(f"missing skin coordinates {path}: {REBUILD_HINT}")
    coords = read_npz(path, ("segment",), every=True)
    mesh = model.mesh("skin")
    if len(coords["segment"]) != len(mesh.vertices):
        raise AtlasDataError(f"skin coordinates {path} do not match the skin mesh: {REBUILD_HINT}")
    f = mesh.faces.astype(np.int64)
    e = np.unique(np.sort(np.r_[f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]], axis=1), axis=0)
    degree = np.bincount(e.ravel(), minlength=len(mesh.vertices))
    v = mesh.vertices.astype(float)
    tri_area = 0.5 * np.linalg.norm(np.cross(v[f[:, 1]] - v[f[:, 0]], v[f[:, 2]] - v[f[:, 0]]), axis=1)
    area = np.zeros(len(v))
    for i in range(3):
        np.add.at(area, f[:, i], tri_area / 3.0)
    surface = SkinSurface(v, f, coords, e, degree, area)
    _SURFACES[model] = surface
    return surface


def _interval_offset(x: np.ndarray, lo: float, hi: float, width: float) -> np.ndarray:
    """Signed distance of ``x`` outside [lo, hi] in units of ``width`` (negative inside)."""
    centre, half = 0.5 * (lo + hi), 0.5 * (hi - lo)
    return (np.abs(x - centre) - half) / max(width, 1e-9)


def _arc_offset(a: np.ndarray, start: float, end: float, width: float) -> np.ndarray:
    """Signed distance (in ``width`` units) of angles ``a`` (deg) outside the arc start..end clockwise."""
    span = (end - start) % 360.0 or 360.0
    rel = (a - start - 0.5 * span + 180.0) % 360.0 - 180.0  # -180..180 from the arc's middle
    return (np.abs(rel) - 0.5 * span) / max(width, 1e-9)


def _wobble(vertices: np.ndarray) -> np.ndarray:
    """Return a smooth, fixed field in -1..1 over the skin (world mm) that waves region outlines.

    Two long-wave sinusoids (:data:`WOBBLE_MM`): zone edges follow them by a fraction of a
    feather width, so outlines wander gently like drawn ones instead of running ruler-straight.
    """
    v = np.asarray(vertices, dtype=float)
    a = np.sin(2 * np.pi * (v @ np.array([0.3, 0.2, 0.93])) / WOBBLE_MM[0] + 0.7)
    b = np.sin(2 * np.pi * (v @ np.array([-0.6, 0.7, 0.4])) / WOBBLE_MM[1] + 2.1)
    return 0.5 * (a + b)


def _rounded_box(offsets: list[np.ndarray], halves: list[float], wobble: np.ndarray | float = 0.0) -> np.ndarray:
    """Membership (0..1) of a box with rounded corners, from per-axis signed offsets.

    ``offsets`` are each axis's signed distance outside its interval in feather units
    (see :func:`_interval_offset`), ``halves`` the intervals' half-widths in the same
    units. Along a straight edge the membership falls from 1 to 0 over one feather width,
    as a plain ramp would, shifted by ``wobble`` (-1..1) times :data:`WOBBLE_FEATHERS`; the corners are rounded with a radius of up to
    :data:`CORNER_FEATHERS` feathers, half the narrowest interval at most, so zones have
    the rounded outlines of the referral drawings rather than boxy corners.
    """
    if not offsets:
        return 1.0
    radius = min([CORNER_FEATHERS] + [0.5 * h for h in halves])
    q = np.stack(offsets) + radius
    outside = np.linalg.norm(np.maximum(q, 0.0), axis=0) + np.minimum(q.max(axis=0), 0.0) - radius
    return smoothstep(1.0 - np.maximum(outside + WOBBLE_FEATHERS * wobble, 0.0))


def _pair(spec: dict, key: str) -> tuple[float, float]:
    value = spec[key]
    if not (isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(x, (int, float)) for x in value)):
        raise ValueError(f"region '{key}' must be a pair of numbers [from, to], got {value!r}")
    return float(value[0]), float(value[1])


def validate_region_spec(spec: dict, surface: SkinSurface | None = None) -> None:
    """Raise ``ValueError`` naming the problem when ``spec`` is not a valid region spec."""
    if not isinstance(spec, dict):
        raise ValueError(f"a region spec must be a mapping, got {type(spec).__name__}")
    unknown = set(spec) - SPEC_KEYS
    if unknown:
        raise ValueError(f"unknown region keys {sorted(unknown)}; allowed: {sorted(SPEC_KEYS)}")
    if "segments" not in spec and "foot_parts" not in spec:
        raise ValueError("a region needs 'segments' or 'foot_parts'")
    if spec.get("side", "both") not in SIDES:
        raise ValueError(f"region 'side' must be one of {sorted(SIDES)}, got {spec.get('side')!r}")
    for key in ("aspect", "along", "toe", "across"):
        if key in spec:
            _pair(spec, key)
    if surface is not None:
        for key, names in (("segments", surface.segment_names), ("foot_parts", surface.foot_part_names)):
            bad = [n for n in spec.get(key, []) if n not in names]
            if bad:
                raise ValueError(f"unknown {key} {bad}; known: {list(names)}")


def region_weights(surface: SkinSurface, spec: dict, side: str | None = None,
                   closed: tuple[bool, bool] = (False, False)) -> np.ndarray:
    """Return per-vertex weights (0..1, soft-edged) of a region spec on the skin.

    Parameters
    ----------
    surface : SkinSurface
        The skin (:func:`skin_surface`).
    spec : dict
        A region spec: ``segments``, optional ``side``, ``aspect``, ``along``,
        ``foot_parts``, ``toe``, ``across``, ``feather`` (see the module docstring).
    side : str, optional
        'left', 'right' or 'both'; overrides the spec's own ``side``.
    closed : (bool, bool)
        Whether the region ends at the upper / lower end of its segments when its
        ``along`` range reaches them (no neighbouring region carries it on): it then
        fades out within the segment with a rounded outline instead of being cut at the
        segment's edge. :func:`union` works this out for a zone's specs.

    Returns
    -------
    ndarray
        (N,) float weights, one per skin vertex.
    """
    validate_region_spec(spec, surface)
    c = surface.coords
    feather = {**FEATHER_DEFAULTS, **spec.get("feather", {})}
    w = np.isin(c["side"], SIDES[side or spec.get("side", "both")]).astype(float)
    if "segments" in spec:
        w *= surface.segment_mask(spec["segments"])
    if "foot_parts" in spec:
        codes = [surface.foot_part_names.index(n) for n in spec["foot_parts"]]
        w *= np.isin(c["foot_part"], codes)
    offsets, halves = [], []
    if "aspect" in spec:
        start, end = _pair(spec, "aspect")
        span = (end - start) % 360.0 or 360.0
        if span < 360.0:
            offsets.append(_arc_offset(c["aspect"], start, end, feather["aspect"]))
            halves.append(0.5 * span / feather["aspect"])
    on_limb = "segments" in spec and "foot_parts" not in spec
    ranges = {key: _pair(spec, key) for key in ("along", "toe", "across") if key in spec}
    if on_limb and any(closed):
        lo, hi = ranges.get("along", (0.0, 1.0))
        inset = feather["along"]
        ranges["along"] = (inset if closed[0] and lo <= 0.0 else lo, 1.0 - inset if closed[1] and hi >= 1.0 else hi)
    for key, (lo, hi) in ranges.items():
        # A zone running on past a segment's end continues into the next segment:
        # leave that end open, so the union of segments has no pinch at the joint.
        lo, hi = (lo - OPEN_END if key == "along" and lo <= 0.0 else lo,
                  hi + OPEN_END if key == "along" and hi >= 1.0 else hi)
        offsets.append(_interval_offset(c[key], lo, hi, feather[key]))
        halves.append(0.5 * (hi - lo) / feather[key])
    w = w * _rounded_box(offsets, halves, _wobble(surface.vertices) if offsets and on_limb else 0.0)
    # Blur within the side only, so a region never bleeds across the midline.
    on_side = np.isin(c["side"], SIDES[side or spec.get("side", "both")])
    return np.clip(surface.blur(w, feather["blur"]), 0.0, 1.0) * on_side


def _closed_ends(specs: list[dict], spec: dict) -> tuple[bool, bool]:
    """Return whether ``spec``'s zone stops at the upper / lower end of its segments.

    An end is open when a spec of the same zone covers the neighbouring segment of
    :data:`SEGMENT_CHAIN` (a foot-part spec covers the foot).
    """
    names = spec.get("segments", [])
    if "foot_parts" in spec or not names or any(n not in SEGMENT_CHAIN for n in names):
        return False, False
    covered = set()
    for other in specs:
        covered |= set(other.get("segments", [])) | ({"foot"} if "foot_parts" in other else set())
    first, last = (SEGMENT_CHAIN.index(n) for n in (min(names, key=SEGMENT_CHAIN.index), max(names, key=SEGMENT_CHAIN.index)))
    above = SEGMENT_CHAIN[first - 1] if first > 0 else None
    below = SEGMENT_CHAIN[last + 1] if last + 1 < len(SEGMENT_CHAIN) else None
    return above is not None and above not in covered, below is not None and below not in covered


def union(surface: SkinSurface, specs: list[dict], side: str | None = None) -> np.ndarray:
    """Return the soft union of several region specs (one zone): their sum, capped at 1.

    Where the zone ends at a segment's edge it fades out inside the segment with a
    rounded outline (see ``closed`` of :func:`region_weights`). Specs meeting at a segment
    boundary (the leg and the ankle) each fade to about one half there; their sum makes the
    zone whole across it, where their maximum left a pale band.
    """
    out = np.zeros(len(surface.vertices))
    for spec in specs:
        out += region_weights(surface, spec, side, _closed_ends(specs, spec))
    return np.minimum(out, 1.0)


@functools.cache
def named_regions() -> dict[str, dict]:
    """Return the named skin regions of ``data/skin_regions.yaml``: name -> {label, spec}."""
    path = DATA_DIR / "skin_regions.yaml"
    regions = read_yaml_mapping(path, "regions")
    for name, entry in regions.items():
        if not isinstance(entry, dict) or "label" not in entry or "spec" not in entry:
            raise AtlasDataError(f"skin region '{name}' in {path} needs 'label' and 'spec': {DATA_HINT}")
        try:
            validate_region_spec(entry["spec"])
        except AtlasDataError as exc:
            raise AtlasDataError(f"skin region '{name}' in {path}: {exc}") from None
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise AtlasDataError(f"skin region '{name}' in {path} has an invalid spec "
                                 f"({exc.__class__.__name__}: {exc}): {DATA_HINT}") from None
    return regions


def region_coverage(surface: SkinSurface, weights: np.ndarray, side: str) -> dict[str, float]:
    """Return, per named region on ``side``, the area fraction covered by ``weights``."""
    out = {}
    for name, entry in named_regions().items():
        r = region_weights(surface, {**entry["spec"], "feather": {"blur": 0}}, side) > 0.5
        area = surface.area[r].sum()
        if area > 0:
            out[name] = float((surface.area[r] * weights[r]).sum() / area)
    return out
