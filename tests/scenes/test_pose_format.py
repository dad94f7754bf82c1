"""``pose:`` in the scene format (issue 13): a named pose, an amount, joint angles; errors that
name the place and the fix; poses that carry from step to step until replaced."""

from __future__ import annotations

import pytest

from sciatic_atlas.scenes.errors import SceneError
from sciatic_atlas.scenes.load import parse_scene
from sciatic_atlas.scenes.resolve import resolve_state

HEAD = """id: posed
title: Posed
narration: A posed scene.
audience: [student]
side: right
show: [bones, hamstrings, sciatic_nerve]
metadata:
  sources:
    - citation: test
steps:
"""


def scene(steps: str):
    return parse_scene(HEAD + steps, "posed.yaml")


def test_a_pose_by_name_by_amount_and_by_joint_angles():
    parsed = scene("""  - title: Raise
    pose: straight-leg-raise
  - title: Half
    pose: {name: straight-leg-raise, amount: 0.5}
  - title: Same pose, another step
    text: no pose given
  - title: Joints
    pose: {joints: {hip_flexion_r: 30, knee_angle_r: 45}}
  - title: Standing
    pose: neutral
""")
    assert dict(resolve_state(parsed, 1).pose.joints)["hip_flexion_r"] == 70
    assert dict(resolve_state(parsed, 2).pose.joints)["hip_flexion_r"] == 35
    assert resolve_state(parsed, 3).pose == resolve_state(parsed, 2).pose  # carried on
    assert dict(resolve_state(parsed, 4).pose.joints) == {"hip_flexion_r": 30, "knee_angle_r": 45}
    assert resolve_state(parsed, 5).pose is None and resolve_state(parsed, 0).pose is None


def test_an_unknown_pose_names_the_line_and_the_named_poses():
    with pytest.raises(SceneError) as err:
        scene("  - title: Lotus\n    pose: lotus\n")
    message = str(err.value)
    assert "posed.yaml:" in message and "unknown pose 'lotus'" in message and "glute-stretch" in message


def test_an_amount_outside_0_to_1_is_refused():
    with pytest.raises(SceneError, match="amount"):
        scene("  - title: Too far\n    pose: {name: glute-stretch, amount: 1.5}\n")


def test_an_unknown_joint_is_a_scene_error_naming_the_fix():
    parsed = scene("  - title: Typo\n    pose: {joints: {hip_flexon_r: 30}}\n")
    with pytest.raises(SceneError, match="did you mean hip_flexion_r"):
        resolve_state(parsed, 1)


def test_a_joint_beyond_the_models_range_is_shown_at_the_limit_and_said():
    state = resolve_state(scene("  - title: Deep\n    pose: {joints: {knee_angle_r: 160}}\n"), 1)
    assert dict(state.pose.joints)["knee_angle_r"] == pytest.approx(120, abs=0.01)
    assert "stops at 120°" in state.text


def test_the_pose_alone_is_the_pose_of_the_whole_state():
    from sciatic_atlas.scenes.resolve import resolve_pose_at

    parsed = scene("  - title: Raise\n    pose: {name: straight-leg-raise, amount: 0.4}\n")
    for side in ("right", "left"):
        for amount in (None, 0.0, 0.7):
            assert resolve_pose_at(parsed, 1, side, pose_amount=amount) == \
                resolve_state(parsed, 1, side, pose_amount=amount).pose
    assert resolve_pose_at(parsed, 0) is None
