"""The resolved view of a scene at one step: what the render layer draws.

A scene file (with its steps, groups, side) is resolved into one
:class:`SceneState`; the render layer applies a state to a plotter and never
reads scene files itself. That keeps one way from a scene file to pixels:
``load scene -> resolve(scene, step, side) -> SceneState -> AtlasView(plotter, model).apply_state(state)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RGB = tuple[float, float, float]  # components in 0..1

# The one rule for what is hidden until a scene (or the user) shows it: the skin and the
# spinal canal would cover everything else. Used by the scene resolver and the default state.
HIDDEN_BY_DEFAULT = ("skin", "spinal_canal")
BACKGROUND = "atlas"  # the one default background (data/appearance.yaml); the window's dark mode overrides it


def hidden_by_default(structure_id: str) -> bool:
    """Return True for a structure drawn only when a scene or the user shows it."""
    base = structure_id[:-2] if structure_id[-2:] in ("_l", "_r") else structure_id
    return base in HIDDEN_BY_DEFAULT


@dataclass(frozen=True)
class StructureStyle:
    """How one structure is drawn. ``colour=None`` / ``opacity=None`` mean its default look."""

    colour: RGB | None = None
    opacity: float | None = None  # None: the default opacity of its kind/layer (data/appearance.yaml)
    visible: bool = True
    highlight: bool = False


@dataclass(frozen=True)
class CameraSpec:
    """A named view (``data/views.yaml``) or an explicit camera (mm, world frame)."""

    view: str | None = "posterior"
    position: tuple[float, float, float] | None = None
    focal_point: tuple[float, float, float] | None = None
    up: tuple[float, float, float] | None = None
    zoom: float = 1.0
    frame: tuple[str, ...] = ()  # structure ids the camera fits from the view's direction (empty: the view's region)


@dataclass(frozen=True)
class CompressionMark:
    """A compression site: ``compressor`` squeezes ``nerve`` between two fractions of its length."""

    compressor: str  # structure id
    nerve: str  # structure id
    start: float  # 0..1 along the nerve centreline, from proximal
    end: float
    explanation: str = ""


@dataclass(frozen=True)
class Label:
    """A text label anchored to a structure (or a named landmark)."""

    text: str
    anchor: str


@dataclass(frozen=True)
class ColourKey:
    """A colour bar: what a colour scale means (e.g. muscle length change, % of standing)."""

    title: str
    low: float
    high: float
    stops: tuple[tuple[float, RGB], ...]  # (value, colour) from low to high


@dataclass
class SceneState:
    """Everything the renderer needs for one frame of a scene."""

    styles: dict[str, StructureStyle] = field(default_factory=dict)  # structure id -> style
    camera: CameraSpec = field(default_factory=CameraSpec)
    side: str = "both"  # "left" | "right" | "both"
    overlays: tuple[str, ...] = ()  # referral-pain / dermatome overlay ids
    compressions: tuple[CompressionMark, ...] = ()
    labels: tuple[Label, ...] = ()
    variants: dict[str, str] = field(default_factory=dict)  # e.g. {"sciatic_path": "beaton_anson_b"}
    title: str = ""
    text: str = ""  # narration shown with this step
    background: str = BACKGROUND
    pose: object = None  # anatomy.poses.ResolvedPose, or None for the standing model
    colour_key: ColourKey | None = None  # the colour bar of a posed step's length colours
