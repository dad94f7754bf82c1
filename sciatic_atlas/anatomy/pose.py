"""A pose of the model: joint values, and where each body goes (forward kinematics).

The model's bodies and joints (:mod:`sciatic_atlas.anatomy.model_types`) are recorded
in the world frame at the neutral pose, in millimetres: each joint's anchor and axis
are where they are when every joint is zero. A body's placement is then its parent's
placement times its own joints' motions, applied in the order the model lists them
(MuJoCo's order: each later joint turns about its axis as already moved by the
earlier ones of the same body). Hinges turn by their angle about the axis through the
anchor (right-hand rule); slides move along the axis.

Values are given in degrees (hinges) and millimetres (slides). A value beyond the
model's range is never used silently: :func:`check_pose` says which joint, by how much,
and what the model allows, and :meth:`Pose.clamped` gives the nearest allowed pose.

Joints the model drives from others (its equality constraints: the knee's secondary
rotations and the tibia's and patella's translations follow the knee angle; each lumbar
level takes its share of the lumbar flexion, side bending and rotation) follow their
drivers: :func:`with_couplings`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np

from sciatic_atlas.anatomy.errors import AtlasDataError

SLIDE_MM_PER_UNIT = 1000.0  # slide ranges are in the source model's metres


@dataclass(frozen=True)
class Pose:
    """Joint values by joint name: degrees for hinges, millimetres for slides; others stay at zero."""

    values: dict[str, float] = field(default_factory=dict)

    def clamped(self, model) -> "Pose":
        """Return the nearest pose the model allows (each value brought into its joint's range)."""
        out = {}
        for name, value in self.values.items():
            low, high = _range(model.joints[name])
            out[name] = float(min(max(value, low), high))
        return Pose(out)


def _range(joint) -> tuple[float, float]:
    """Return a joint's range in the units a :class:`Pose` uses (degrees, or mm for a slide)."""
    if joint.kind == "slide":
        return joint.range[0] * SLIDE_MM_PER_UNIT, joint.range[1] * SLIDE_MM_PER_UNIT
    return joint.range_degrees


def check_pose(model, pose: Pose) -> list[str]:
    """Return one sentence per problem of ``pose``: an unknown joint, or a value beyond the model's range.

    Raises
    ------
    AtlasDataError
        For a joint the model does not have (naming the nearest names).
    """
    problems = []
    for name, value in pose.values.items():
        joint = model.joints.get(name)
        if joint is None:
            near = difflib.get_close_matches(name, list(model.joints), n=3)
            raise AtlasDataError(f"the model has no joint '{name}'" +
                                 (f"; did you mean {', '.join(near)}?" if near else ""))
        low, high = _range(joint)
        if not low - 1e-9 <= value <= high + 1e-9:
            unit = "mm" if joint.kind == "slide" else "°"
            problems.append(f"{name} {value:g}{unit} is beyond the model's range {low:g}{unit} to {high:g}{unit}")
    return problems


def _motion(joint, value: float) -> np.ndarray:
    """Return the 4 x 4 motion (world frame at the neutral pose) of one joint at ``value``."""
    out = np.eye(4)
    axis = joint.axis / np.linalg.norm(joint.axis)
    if joint.kind == "hinge":
        angle = np.radians(value)
        k = np.array([[0.0, -axis[2], axis[1]], [axis[2], 0.0, -axis[0]], [-axis[1], axis[0], 0.0]])
        rot = np.eye(3) + np.sin(angle) * k + (1.0 - np.cos(angle)) * (k @ k)  # Rodrigues
        out[:3, :3] = rot
        out[:3, 3] = joint.anchor - rot @ joint.anchor
    elif joint.kind == "slide":
        out[:3, 3] = axis * value
    return out


def _to_model_units(joint, value: float) -> float:
    return value / SLIDE_MM_PER_UNIT if joint.kind == "slide" else float(np.radians(value))


def _from_model_units(joint, value: float) -> float:
    return value * SLIDE_MM_PER_UNIT if joint.kind == "slide" else float(np.degrees(value))


def with_couplings(model, pose: Pose) -> Pose:
    """Return ``pose`` with every joint the model drives from a given one set from its driver.

    A driven joint given explicitly keeps its given value.
    """
    values = dict(pose.values)
    for name, coupling in getattr(model, "couplings", {}).items():
        if name in pose.values or not pose.values.get(coupling.driver):
            continue
        driver, driven = model.joints[coupling.driver], model.joints[name]
        values[name] = _from_model_units(driven, coupling.value(_to_model_units(driver, pose.values[coupling.driver])))
    return Pose(values)


def forward_kinematics(model, pose: Pose) -> dict[str, np.ndarray]:
    """Return each body's motion from the neutral pose: a 4 x 4 matrix acting on world points (mm).

    A point of a body at the neutral pose, ``p``, is at ``M[:3, :3] @ p + M[:3, 3]`` in ``pose``.
    Coupled joints follow their drivers (:func:`with_couplings`).
    """
    check_pose(model, pose)  # unknown joints raise; ranges are the caller's to report
    pose = with_couplings(model, pose)
    by_body: dict[str, list] = {}
    for joint in model.joints.values():
        by_body.setdefault(joint.body, []).append(joint)
    bodies = model.bodies
    placed: dict[str, np.ndarray] = {}

    def place(name: str) -> np.ndarray:
        if name not in placed:
            parent = bodies[name].parent if name in bodies else ""
            motion = place(parent) if parent and parent != name and parent in bodies else np.eye(4)
            for joint in by_body.get(name, []):
                value = pose.values.get(joint.name, 0.0)
                if value:
                    motion = motion @ _motion(joint, value)
            placed[name] = motion
        return placed[name]

    for name in bodies:
        place(name)
    return placed


def move_points(motion: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Return ``points`` (N x 3, mm, neutral pose) moved by a body's ``motion``."""
    points = np.asarray(points, float)
    return points @ motion[:3, :3].T + motion[:3, 3]
