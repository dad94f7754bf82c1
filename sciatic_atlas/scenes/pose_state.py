"""A scene's ``pose:`` resolved: the pose to draw, the length colours, and what the narration adds.

Muscles are coloured by their length change against standing (the model's actuator
paths, :mod:`sciatic_atlas.anatomy.posed`); the nerves of a nerve-tension pose by the
lengthening of their bed. The narration names what could not be reached (never
silent), the hold, and for the nerve beds that they are a model quantity.
"""

from __future__ import annotations

from dataclasses import dataclass

from sciatic_atlas.anatomy.posed import posed_model
from sciatic_atlas.anatomy.poses import ResolvedPose, mirror_name, named_poses, resolve_pose
from sciatic_atlas.scenes.state import ColourKey

# Diverging colours (ColorBrewer RdBu, Brewer & Harrower, colorbrewer2.org): shortened blue,
# unchanged pale, lengthened red. The scale is clipped at its end stops (+/- 30 percent).
STOPS = ((-30.0, (0.129, 0.400, 0.675)), (-10.0, (0.573, 0.773, 0.871)), (0.0, (0.93, 0.91, 0.87)),
         (10.0, (0.957, 0.647, 0.510)), (30.0, (0.698, 0.094, 0.169)))
MUSCLE_KEY = "Length\nvs standing\n(%)"
NEUTRAL = "neutral"


def colour_at(value: float) -> tuple[float, float, float]:
    """Return the colour of a length change (percent) on the diverging scale."""
    v = min(max(value, STOPS[0][0]), STOPS[-1][0])
    for (a, ca), (b, cb) in zip(STOPS, STOPS[1:]):
        if v <= b:
            t = (v - a) / (b - a)
            return tuple(round(x + t * (y - x), 4) for x, y in zip(ca, cb))
    return STOPS[-1][1]


NERVE_STOPS = ((0.0, (0.949, 0.824, 0.235)), (20.0, (0.698, 0.094, 0.169)))  # nerve yellow -> red
NERVE_NOTE = "The nerves turn from yellow to red as their bed lengthens (red: 20% or more)."


def nerve_colour_at(value: float) -> tuple[float, float, float]:
    """Return a nerve's colour for its bed lengthening (percent): yellow unchanged, red at 20% or more."""
    (a, ca), (b, cb) = NERVE_STOPS
    t = min(max((value - a) / (b - a), 0.0), 1.0)
    return tuple(round(x + t * (y - x), 4) for x, y in zip(ca, cb))


@dataclass(frozen=True)
class PoseResult:
    """What a posed step adds to its state."""

    pose: ResolvedPose
    colours: dict  # structure id -> RGB
    key: ColourKey | None
    text: str  # sentences added to the narration


def resolve_spec(model, spec, mirror: bool) -> ResolvedPose | None:
    """Return the pose a scene's ``pose:`` asks for (None: standing), mirrored for the other side."""
    if spec is None or spec.name == NEUTRAL and not spec.joints:
        return None
    name = "" if spec.name in (None, NEUTRAL) else spec.name
    return resolve_pose(model, name, spec.amount, dict(spec.joints or {}), mirror=mirror)


def pose_result(model, resolved: ResolvedPose, visible: set[str], colour_by_length: bool,
                mirror: bool) -> PoseResult:
    """Return the colours, colour key and narration a posed step adds."""
    posed = posed_model(model, resolved)
    named = named_poses().get(resolved.name)
    colours, sentences = {}, list(resolved.limits)
    key = None
    if colour_by_length:
        for sid, change in posed.length_changes().items():
            if sid in visible and change is not None:
                colours[sid] = colour_at(change)
        if colours:  # a colour bar only where muscles are drawn in its colours
            key = ColourKey(MUSCLE_KEY, STOPS[0][0], STOPS[-1][0], STOPS)
    if named and named.hold_s:
        stretched = [mirror_name(s) if mirror else s for s in named.stretches]
        changes = [(s, posed.length_change(s)) for s in stretched if posed.length_change(s) is not None]
        if changes:
            named_list = ", ".join(f"{model_name(s)} +{c:.0f}%" for s, c in changes[:4] if c > 0)
            if named_list:
                sentences.append(f"Lengthened: {named_list}. Hold for {named.hold_s} seconds.")
    if named and named.nerve_beds:
        beds = [mirror_name(s) if mirror else s for s in named.nerve_beds]
        parts = []
        for sid in beds:
            change = posed.bed_change((sid,))
            parts.append(f"{model_name(sid)} bed {change:+.1f}%")
            if colour_by_length:
                colours[sid] = nerve_colour_at(change)
        parts[0] = parts[0][0].upper() + parts[0][1:]
        sentences.append("; ".join(parts) + ". Bed length is the model's path length, not nerve strain."
                         + (" " + NERVE_NOTE if colour_by_length else ""))
        sentences.extend(f.text for f in named.figures)
    return PoseResult(resolved, colours, key, " ".join(sentences))


def model_name(sid: str) -> str:
    """Return a readable name for a structure id ('semitendinosus_r' -> 'right semitendinosus')."""
    side = {"_r": "right ", "_l": "left "}.get(sid[-2:], "")
    base = sid[:-2] if side else sid
    return side + base.replace("_", " ")
