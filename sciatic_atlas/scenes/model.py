"""The scene file format as pydantic models: what a scene file may say, validated.

A scene is a base view (``show``/``hide``/``fade``/``highlight``/``isolate``,
``styles``, ``compressions``, ``labels``, ``overlays``, ``variants``, ``camera``)
plus ordered :class:`Step` changes on top of it. Names (structures, groups,
landmarks, views, overlays, variants) are checked against the
:class:`~sciatic_atlas.scenes.names.Catalog` passed as validation context
``{"catalog": ...}``; without a context only the shape is checked.
``Scene.model_json_schema()`` is the published JSON Schema (``sciatic-atlas schema``).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, Strict, StrictBool,
                      ValidationInfo, WithJsonSchema, model_validator)
from pydantic_core import PydanticCustomError

from sciatic_atlas.scenes.colours import NAMED_COLOURS, parse_colour

MAX_NAMES = 400
SHORT = 160
LONG = 4000


def _check_name(kind: str):
    def check(value: str, info: ValidationInfo) -> str:
        catalog = (info.context or {}).get("catalog")
        if catalog is None:
            return value
        names = catalog.kind(kind)
        if names is None:  # a catalogue without this kind checks only the structure name
            return value
        if names.names is None:
            (info.context or {}).setdefault("unchecked", {})[kind] = names.why
            return value
        if not names.knows(value):
            hints = names.suggest(value)
            fix = f"did you mean {' or '.join(hints)}?" if hints else f"use a known {names.kind} name"
            raise PydanticCustomError("unknown_name", "unknown {kind} '{name}'",
                                      {"kind": names.kind, "name": value[:80], "fix": fix})
        return value

    return check


def _check_anchor(value: str, info: ValidationInfo) -> str:
    """Accept a structure/group name or a landmark name."""
    catalog = (info.context or {}).get("catalog")
    if catalog is None or catalog.structures.knows(value) and catalog.structures.names is not None:
        return value
    if catalog.landmarks.names is None:
        (info.context or {}).setdefault("unchecked", {})["landmark"] = catalog.landmarks.why
        return value
    if catalog.landmarks.knows(value):
        return value
    hints = catalog.structures.suggest(value, 2) + catalog.landmarks.suggest(value, 2)
    fix = f"did you mean {' or '.join(hints)}?" if hints else "anchor a label to a structure or a landmark"
    raise PydanticCustomError("unknown_name", "unknown {kind} '{name}'",
                              {"kind": "structure or landmark", "name": value[:80], "fix": fix})


_NAME_PATTERN = r"^[a-z0-9][a-z0-9_\-]*$"
Identifier = Annotated[str, Field(min_length=1, max_length=80, pattern=_NAME_PATTERN)]
_NAME_SCHEMA = {"type": "string", "minLength": 1, "maxLength": 80, "pattern": _NAME_PATTERN}  # for shorthands
StructureName = Annotated[Identifier, AfterValidator(_check_name("structure"))]
LandmarkName = Annotated[Identifier, AfterValidator(_check_name("landmark"))]
ViewName = Annotated[Identifier, AfterValidator(_check_name("view"))]
OverlayId = Annotated[Identifier, AfterValidator(_check_name("overlay"))]
NerveName = Annotated[StructureName, AfterValidator(_check_name("nerve"))]
NameList = Annotated[tuple[StructureName, ...], Field(max_length=MAX_NAMES)]
# Numbers are strict: an int is a number, but true or '0.5' is not (as in the JSON Schema).
Fraction = Annotated[float, Strict(), Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Coordinate = Annotated[float, Strict(), Field(ge=-1e5, le=1e5, allow_inf_nan=False)]
Vec3 = tuple[Coordinate, Coordinate, Coordinate]
_VISIBLE = r"\S"  # at least one character that is not a space


def _text(max_length: int, min_length: int = 1):
    """Return a text type of at most ``max_length`` characters, stripped of outer spaces after checking.

    One ``Field`` carries both limits, so a caller's own limit is never overridden by a
    generic one (and the JSON Schema shows the same limits).
    """
    pattern = {"pattern": _VISIBLE} if min_length else {}
    return Annotated[str, Field(min_length=min_length, max_length=max_length, **pattern), AfterValidator(str.strip)]


ShortText = _text(SHORT)
LongText = _text(LONG, min_length=0)


def _exact_colour(value):
    """Refuse colour text the schema refuses (outer spaces, other case), then parse it."""
    if isinstance(value, str) and value not in NAMED_COLOURS and not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise PydanticCustomError("colour", "'{value}' is not a colour",
                                  {"value": value[:40], "fix": "write '#rrggbb', [r, g, b] in 0..1, or one of "
                                                               + ", ".join(sorted(NAMED_COLOURS))})
    return parse_colour(value)


Colour = Annotated[
    tuple[float, float, float],
    BeforeValidator(_exact_colour),
    WithJsonSchema({"anyOf": [
        {"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"},
        {"type": "string", "enum": sorted(NAMED_COLOURS)},
        {"type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1}, "minItems": 3, "maxItems": 3},
    ], "description": "'#rrggbb', a palette name, or [r, g, b] in 0..1"}),
]


def _data_path(value: str) -> str:
    """Accept only a relative path that stays inside the scene folder."""
    if not isinstance(value, str):
        raise PydanticCustomError("path_type", "a path must be text")
    if (value.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", value) or "\\" in value
            or any(part in ("..", "") for part in value.split("/")) or "\x00" in value):
        raise PydanticCustomError("path_escape", "path '{path}' leaves the scene folder",
                                  {"path": value[:80], "fix": "write a relative path inside the scenes folder, "
                                                              "without '..', '~' or a leading '/'"})
    return value


DataPath = Annotated[str, Field(max_length=200), AfterValidator(_data_path)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _string_shorthand(key: str, schema_type: dict):
    """Return a json_schema_extra hook documenting that a plain string means ``{key: string}``."""

    def extra(schema: dict) -> None:
        full = dict(schema)
        schema.clear()
        schema["anyOf"] = [schema_type, full]
        schema["description"] = full.get("description", "")

    return extra


class Source(_Frozen):
    """A citation supporting what the scene teaches."""

    citation: _text(400)
    url: Annotated[str, Field(max_length=400, pattern=r"^https?://\S+$")] | None = None
    locator: _text(SHORT, min_length=0) | None = Field(None, description="page, chapter or section")


class Metadata(_Frozen):
    """Who wrote the scene and the sources it rests on (at least one)."""

    sources: tuple[Source, ...] = Field(min_length=1, max_length=40)
    author: ShortText | None = None
    reviewed: ShortText | None = None
    keywords: tuple[Identifier, ...] = Field((), max_length=40)
    notes_file: DataPath | None = Field(None, description="lecture notes, relative to the scenes folder")


MIN_CAMERA_DISTANCE = 1.0  # mm between position and focal point
MIN_UP_LENGTH = 1e-6
MIN_UP_ANGLE_SIN = 0.01  # 'up' at least about 0.6 degrees off the view direction


def _norm(v) -> float:
    return math.sqrt(sum(c * c for c in v))


def _cross(a, b) -> tuple[float, float, float]:
    return (a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0])


def _unit(v, smallest: float | None = None) -> tuple[float, float, float] | None:
    """Return ``v`` scaled to length 1, or None when it is too short to have a direction."""
    length = _norm(v)
    if not math.isfinite(length) or length < (smallest if smallest is not None else MIN_UP_LENGTH):
        return None
    return tuple(c / length for c in v)


class CameraModel(_Frozen):
    """A named view (``data/views.yaml``) or an explicit camera in mm, world frame."""

    model_config = ConfigDict(json_schema_extra=_string_shorthand("view", _NAME_SCHEMA))

    view: ViewName | None = None
    position: Vec3 | None = None
    focal_point: Vec3 | None = None
    up: Vec3 | None = None
    zoom: Annotated[float, Strict(), Field(gt=0.05, le=20.0, allow_inf_nan=False)] = 1.0
    frame: NameList | None = Field(None, description="structures (or groups) the named view fits, with a margin")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data):
        return {"view": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _one_kind(self) -> CameraModel:
        explicit = self.position is not None or self.focal_point is not None
        if self.view is not None and explicit:
            raise PydanticCustomError("camera_mixed", "a camera is either a named view or position/focal_point",
                                      {"fix": "remove 'view' or remove 'position' and 'focal_point'"})
        if self.view is None and (self.position is None or self.focal_point is None):
            raise PydanticCustomError("camera_incomplete", "an explicit camera needs position and focal_point",
                                      {"fix": "add both, or give a named 'view' instead"})
        up = _unit(self.up) if self.up is not None else None
        if self.up is not None and up is None:
            raise PydanticCustomError("camera_up", "'up' cannot be the zero vector (or nearly so)",
                                      {"fix": "e.g. up: [0, 0, 1]"})
        if self.position is not None and self.focal_point is not None:
            view = _unit(tuple(f - p for p, f in zip(self.position, self.focal_point)), MIN_CAMERA_DISTANCE)
            if view is None:
                raise PydanticCustomError("camera_degenerate", "'position' is (almost) the same point as 'focal_point'",
                                          {"fix": "put the camera at least 1 mm away from what it looks at"})
            if up is not None and _norm(_cross(view, up)) < MIN_UP_ANGLE_SIN:
                raise PydanticCustomError("camera_up", "'up' points along the direction the camera looks",
                                          {"fix": "give an 'up' across the view, e.g. [0, 0, 1] for a view from behind"})
        return self


class StyleRule(_Frozen):
    """How some structures are drawn: colour, opacity, highlight, visibility."""

    structures: NameList = Field(min_length=1)
    colour: Colour | None = None
    opacity: Fraction | None = None
    highlight: StrictBool | None = None
    visible: StrictBool | None = None


class Isolate(_Frozen):
    """Show only these structures; the others are hidden or faded."""

    model_config = ConfigDict(json_schema_extra=_string_shorthand(
        "structures", {"type": "array", "items": _NAME_SCHEMA, "minItems": 1, "maxItems": MAX_NAMES}))

    structures: NameList = Field(min_length=1)
    others: Literal["hide", "fade"] = "hide"

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data):
        return {"structures": data} if isinstance(data, (list, tuple)) else data


class Compression(_Frozen):
    """A compression site: ``compressor`` squeezes ``nerve`` over part of its length.

    Give ``at`` (fractions along the nerve from proximal) or ``between`` (two
    landmarks projected onto the nerve). In a step, a plain string refers to a
    compression with that ``id`` defined earlier in the scene.
    """

    model_config = ConfigDict(json_schema_extra=_string_shorthand("ref", _NAME_SCHEMA))

    id: Identifier | None = None
    ref: Identifier | None = Field(None, description="the id of a compression defined earlier")
    compressor: StructureName | None = None
    nerve: NerveName | None = None
    at: tuple[Fraction, Fraction] | None = None
    between: tuple[LandmarkName, LandmarkName] | None = None
    explanation: LongText = ""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data):
        return {"ref": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _complete(self) -> Compression:
        if self.ref is not None:
            if any(v is not None for v in (self.compressor, self.nerve, self.at, self.between)):
                raise PydanticCustomError("compression_ref", "a compression reference cannot redefine the site",
                                          {"fix": "keep only 'ref', or define a new compression with its own id"})
            return self
        if self.compressor is None or self.nerve is None:
            raise PydanticCustomError("compression_incomplete", "a compression needs 'compressor' and 'nerve'",
                                      {"fix": "name the compressing structure and the nerve it squeezes"})
        if (self.at is None) == (self.between is None):
            raise PydanticCustomError("compression_where", "say where along the nerve with exactly one of 'at' or 'between'",
                                      {"fix": "e.g. at: [0.1, 0.2] or between: [greater_sciatic_notch, ischial_tuberosity]"})
        if self.at is not None and self.at[0] >= self.at[1]:
            raise PydanticCustomError("compression_order", "'at' must go from proximal to distal (start < end)",
                                      {"fix": f"write at: [{self.at[1]}, {self.at[0]}]"})
        return self


class Label(_Frozen):
    """A text label anchored to a structure or a landmark."""

    text: _text(80)
    anchor: Annotated[Identifier, AfterValidator(_check_anchor)]


def _check_variants(value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
    catalog = (info.context or {}).get("catalog")
    if catalog is None:
        return value
    if catalog.variants is None:
        (info.context or {}).setdefault("unchecked", {})["variant"] = catalog.variants_why
        return value
    for group, option in value.items():
        if group not in catalog.variants:
            raise PydanticCustomError("unknown_variant", "unknown variant group '{name}'",
                                      {"name": group[:80], "fix": f"use one of {', '.join(sorted(catalog.variants))}"})
        if option not in catalog.variants[group]:
            raise PydanticCustomError("unknown_variant", "unknown option '{name}' of variant '{group}'",
                                      {"name": option[:80], "group": group,
                                       "fix": f"use one of {', '.join(sorted(catalog.variants[group]))}"})
    return value


Variants = Annotated[dict[Identifier, Identifier], Field(max_length=20), AfterValidator(_check_variants)]


def _pose_shorthand(value):
    """``pose: glute-stretch`` is short for ``pose: {name: glute-stretch}``."""
    return {"name": value} if isinstance(value, str) else value


def _check_pose_name(value: str | None) -> str | None:
    if value is None or value == NEUTRAL_POSE:
        return value
    from sciatic_atlas.anatomy.poses import named_poses

    names = named_poses()
    if value not in names:
        raise PydanticCustomError("unknown_pose", "unknown pose '{name}'",
                                  {"name": value[:80], "fix": f"use {NEUTRAL_POSE} or one of {', '.join(sorted(names))}"
                                   " (sciatic_atlas/data/poses.yaml)"})
    return value


NEUTRAL_POSE = "neutral"  # standing in the anatomical position


class PoseSpec(_Frozen):
    """A pose: a named pose (``data/poses.yaml``) at an amount, and/or joint angles in degrees.

    ``amount`` runs from the pose's start (0) to full stretch (1). ``joints`` add to or
    override the named pose's values (e.g. ``{ankle_angle_r: 20}``). A value beyond the
    model's range is shown at the nearest allowed value and the narration says so.
    """

    name: Annotated[Identifier | None, AfterValidator(_check_pose_name)] = None
    amount: Fraction = 1.0
    joints: dict[Identifier, Annotated[float, Field(ge=-360.0, le=360.0, allow_inf_nan=False)]] | None = Field(
        None, max_length=40)
    colour_by_length: StrictBool = Field(True, description="colour muscles (and nerve beds) by their length change")


class Changes(_Frozen):
    """What a scene or a step changes; every field is optional (omitted = unchanged).

    ``show``/``hide``/``fade``/``isolate``/``styles`` accumulate from step to
    step; ``highlight``, ``labels``, ``overlays`` and ``compressions`` given in
    a step replace the current ones (``[]`` clears them); ``variants`` merge.
    """

    camera: CameraModel | None = None
    show: NameList | None = None
    hide: NameList | None = None
    fade: NameList | None = None
    highlight: NameList | None = None
    isolate: Isolate | None = None
    styles: tuple[StyleRule, ...] | None = Field(None, max_length=100)
    compressions: tuple[Compression, ...] | None = Field(None, max_length=40)
    labels: tuple[Label, ...] | None = Field(None, max_length=60)
    overlays: tuple[OverlayId, ...] | None = Field(None, max_length=20)
    variants: Variants | None = None
    # A bare name is short for {name: ...}; the string form stays in the union for the JSON Schema.
    pose: Annotated[PoseSpec | Identifier | None, BeforeValidator(_pose_shorthand)] = None


class Step(Changes):
    """One lecture step: a change on top of the scene and the steps before it."""

    id: Identifier | None = None
    title: ShortText
    text: LongText = Field("", description="narration shown with this step (plain language)")


class Scene(Changes):
    """One scene file: a titled, narrated view of the atlas with ordered steps."""

    model_config = ConfigDict(title="Sciatic Atlas scene")

    id: Identifier
    title: ShortText
    narration: LongText = Field(min_length=1, description="plain-language text for patients and students")
    audience: tuple[Literal["student", "consult", "lecture"], ...] = Field(min_length=1, max_length=3)
    side: Literal["left", "right", "both"] = "both"
    other_side: Literal["hide", "fade", "show"] = Field(
        "hide", description="how the side not chosen is drawn when side is left or right")
    steps: tuple[Step, ...] = Field((), max_length=60)
    metadata: Metadata

    _path: Path | None = PrivateAttr(None)
    _warnings: tuple = PrivateAttr(())

    @property
    def path(self) -> Path | None:
        """Return the file the scene was read from (None when built in code)."""
        return self._path

    @property
    def warnings(self) -> tuple:
        """Return the warnings (:class:`SceneIssue`) found while loading."""
        return self._warnings

    @property
    def step_count(self) -> int:
        """Return how many states the scene has: the base view plus one per step."""
        return 1 + len(self.steps)
