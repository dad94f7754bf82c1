"""Named poses (``data/poses.yaml``): the clinic's stretches and the nerve-tension tests.

A :class:`NamedPose` runs from its ``start`` joint values (amount 0) to ``full``
(amount 1). :func:`resolve_pose` turns a name (or plain joint angles) and an amount
into a :class:`ResolvedPose`: the joint values the model can take, the placement on the
floor, and one sentence per value the model could not reach (shown to the user: never
silent).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from sciatic_atlas.anatomy.data_files import read_yaml
from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.paths import DATA_DIR, DATA_HINT
from sciatic_atlas.anatomy.pose import Pose, check_pose
from sciatic_atlas.anatomy.posed import PLACEMENTS

POSES_FILE = "poses.yaml"
SIGNED_TRUNK_JOINTS = ("axial_rotation", "lat_bending")  # their sign flips with the side


def mirror_name(name: str) -> str:
    """Return a joint, body or structure name of the other side (``_r`` and ``_l`` swap)."""
    return {"_r": name[:-2] + "_l", "_l": name[:-2] + "_r"}.get(name[-2:], name)


def mirrored(joints: dict[str, float]) -> dict[str, float]:
    """Return joint values for the other side: ``_r`` and ``_l`` swap, trunk rotation and side bending flip."""
    return {mirror_name(n): (-v if n in SIGNED_TRUNK_JOINTS else v) for n, v in joints.items()}


@dataclass(frozen=True)
class PoseFigure:
    """A published figure shown beside a pose, with its source."""

    text: str
    source: str
    locator: str = ""


@dataclass(frozen=True)
class NamedPose:
    """One named pose from ``data/poses.yaml``."""

    id: str
    label: str
    placement: str
    start: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    full: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
    level: tuple[str, ...] = ()
    floor: bool = True
    rests_on: tuple[str, ...] = ()
    stretches: tuple[str, ...] = ()
    nerve_beds: tuple[str, ...] = ()
    hold_s: int | None = None
    text: str = ""
    figures: tuple[PoseFigure, ...] = ()
    source: str = ""
    locator: str = ""

    def joints_at(self, amount: float) -> dict[str, float]:
        """Return the joint values (degrees) ``amount`` of the way from ``start`` to ``full``."""
        amount = min(max(float(amount), 0.0), 1.0)
        names = sorted(self.start.keys() | self.full.keys())
        return {n: self.start.get(n, 0.0) + amount * (self.full.get(n, 0.0) - self.start.get(n, 0.0)) for n in names}


@dataclass(frozen=True)
class ResolvedPose:
    """A pose ready to draw: allowed joint values, placement, and what could not be shown."""

    name: str  # named pose id, or "" for plain joint angles
    label: str
    amount: float
    joints: tuple[tuple[str, float], ...]  # (joint, degrees), within the model's ranges
    placement: str = "standing"
    level: tuple[str, ...] = ()
    floor: bool = True
    rests_on: tuple[str, ...] = ()
    limits: tuple[str, ...] = ()  # one sentence per value the model could not reach

    @property
    def pose(self) -> Pose:
        return Pose(dict(self.joints))


def _pose(pid: str, entry: dict, path) -> NamedPose:
    def where(what: str) -> str:
        return f"{path}: pose '{pid}': {what}"

    placement = entry.get("placement", "standing")
    if placement not in PLACEMENTS:
        raise AtlasDataError(where(f"placement '{placement}' is not one of {', '.join(PLACEMENTS)}"))
    joints = {}
    for key in ("start", "full"):
        values = entry.get(key) or {}
        if not isinstance(values, dict) or not all(isinstance(v, (int, float)) for v in values.values()):
            raise AtlasDataError(where(f"'{key}' must map joint names to numbers (degrees)"))
        joints[key] = {str(k): float(v) for k, v in values.items()}
    source = entry.get("source") or {}
    return NamedPose(
        id=pid, label=str(entry.get("label") or pid), placement=placement, start=joints["start"],
        full=joints["full"], level=tuple(entry.get("level") or ()), floor=bool(entry.get("floor", True)),
        rests_on=tuple(entry.get("rests_on") or ()),
        stretches=tuple(entry.get("stretches") or ()), nerve_beds=tuple(entry.get("nerve_beds") or ()),
        hold_s=entry.get("hold_s"), text=" ".join(str(entry.get("text", "")).split()),
        figures=tuple(PoseFigure(str(f["text"]), str(f["source"]), str(f.get("locator", "")))
                      for f in entry.get("figures") or ()),
        source=str(source.get("id", "")), locator=str(source.get("locator", "")))


@functools.cache
def named_poses() -> dict[str, NamedPose]:
    """Return the named poses by id (read once)."""
    path = DATA_DIR / POSES_FILE
    data = read_yaml(path, DATA_HINT)
    if not isinstance(data, dict) or not isinstance(data.get("poses"), dict):
        raise AtlasDataError(f"{path} must hold a 'poses:' mapping: {DATA_HINT}")
    return {str(pid): _pose(str(pid), entry, path) for pid, entry in data["poses"].items()}


def _limit_sentences(model, wanted: Pose) -> tuple[tuple[str, ...], Pose]:
    """Return one plain sentence per value beyond the model's range, and the nearest allowed pose."""
    check_pose(model, wanted)  # unknown joints raise, naming the nearest
    allowed = wanted.clamped(model)
    sentences = []
    for name, value in wanted.values.items():
        if abs(allowed.values[name] - value) > 1e-6:
            joint = model.joints[name]
            low, high = joint.range_degrees
            sentences.append(f"{_joint_words(name)} needs about {value:g}°, but the model stops at "
                             f"{(high if value > high else low):.0f}°: shown at {allowed.values[name]:.0f}°.")
    return tuple(sentences), allowed


def _joint_words(name: str) -> str:
    side = {"_r": "right ", "_l": "left "}.get(name[-2:], "")
    base = name[:-2] if side else name
    words = {"knee_angle": "knee bend", "hip_flexion": "hip flexion", "hip_adduction": "hip adduction",
             "hip_rotation": "hip rotation", "ankle_angle": "ankle", "flex_extension": "lumbar flexion",
             "lat_bending": "lumbar side bending", "axial_rotation": "lumbar rotation", "mtp_angle": "big-toe joint"}
    return (side + words.get(base, base.replace("_", " "))).capitalize()


def resolve_pose(model, name: str = "", amount: float = 1.0, joints: dict[str, float] | None = None,
                 placement: str | None = None, mirror: bool = False) -> ResolvedPose:
    """Return the pose ``name`` at ``amount`` (joint values in ``joints`` added or overriding).

    ``mirror`` gives the pose of the other side (a one-sided scene shown on the other side):
    the named values and ``joints`` are mirrored, and so are the bodies it levels and rests on.

    Raises
    ------
    AtlasDataError
        For an unknown pose name or joint name (naming the nearest ones).
    """
    named = None
    if name:
        poses = named_poses()
        if name not in poses:
            raise AtlasDataError(f"there is no pose '{name}'; the named poses are {', '.join(sorted(poses))}")
        named = poses[name]
    values = named.joints_at(amount) if named else {}
    values.update({k: float(v) for k, v in (joints or {}).items()})
    side = mirror_name if mirror else str
    if mirror:
        values = mirrored(values)
    limits, allowed = _limit_sentences(model, Pose(values))
    return ResolvedPose(
        name=name, label=named.label if named else "", amount=float(amount),
        joints=tuple(sorted(allowed.values.items())),
        placement=placement or (named.placement if named else "standing"),
        level=tuple(map(side, named.level)) if named else (), floor=named.floor if named else True,
        rests_on=tuple(map(side, named.rests_on)) if named else (), limits=limits)


def interpolate_pose(start: ResolvedPose | None, end: ResolvedPose | None, t: float) -> ResolvedPose | None:
    """Return the pose ``t`` (0..1, eased by the caller) of the way from ``start`` to ``end`` (None: standing).

    Joint values move in a straight line; the placement, floor and levelling are the
    end pose's (the body takes its new placement at once and then moves its joints).
    """
    if start is None and end is None:
        return None
    if t >= 1.0:
        return end
    a = dict(start.joints) if start is not None else {}
    b = dict(end.joints) if end is not None else {}
    joints = tuple(sorted((n, a.get(n, 0.0) + t * (b.get(n, 0.0) - a.get(n, 0.0))) for n in a.keys() | b.keys()))
    target = end if end is not None else start
    if end is None:  # towards standing: keep the start's placement until the end
        return ResolvedPose(target.name, target.label, target.amount, joints, target.placement, target.level,
                            target.floor, target.rests_on, ())
    return ResolvedPose(end.name, end.label, end.amount, joints, end.placement, end.level, end.floor, end.rests_on,
                        end.limits)
