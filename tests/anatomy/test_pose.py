"""Forward kinematics over the model's bodies and joints (issue 13's first step): the signs a
clinician expects, rigid motions, children following parents, and ranges never passed silently."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.anatomy.pose import Pose, check_pose, forward_kinematics, move_points

ANTERIOR = -1  # the model frame: +y is posterior, +z superior


@pytest.fixture(scope="module")
def model():
    return load_model()


def where(model, motions, body):
    return move_points(motions[body], model.bodies[body].position[None])[0]


def test_the_neutral_pose_moves_nothing(model):
    motions = forward_kinematics(model, Pose())
    assert all(np.allclose(m, np.eye(4)) for m in motions.values())


def test_hip_flexion_brings_the_knee_forward_and_up(model):
    motions = forward_kinematics(model, Pose({"hip_flexion_r": 90}))
    hip, knee = model.bodies["femur_r"].position, where(model, motions, "tibia_r")
    assert (knee[1] - hip[1]) * ANTERIOR > 300 and abs(knee[2] - hip[2]) < 50
    assert np.allclose(where(model, motions, "tibia_l"), model.bodies["tibia_l"].position)  # the other leg stays


def test_knee_flexion_takes_the_foot_backwards_and_keeps_the_thigh(model):
    motions = forward_kinematics(model, Pose({"knee_angle_r": 90}))
    knee, ankle = model.bodies["tibia_r"].position, where(model, motions, "talus_r")
    assert (ankle[1] - knee[1]) * ANTERIOR < -300  # behind the knee
    assert np.allclose(motions["femur_r"], np.eye(4))
    # the leg below moves as one rigid piece: distances from the tibia's origin are kept (the
    # origin itself glides a few mm: the knee's coupled translations follow the angle)
    before = np.linalg.norm(model.bodies["calcn_r"].position - knee)
    now = where(model, motions, "tibia_r")
    assert 0.5 < np.linalg.norm(now - knee) < 15
    assert abs(np.linalg.norm(where(model, motions, "calcn_r") - now) - before) < 1e-6
    rot = motions["tibia_r"][:3, :3]
    assert np.allclose(rot @ rot.T, np.eye(3)) and np.isclose(np.linalg.det(rot), 1.0)


def test_ankle_dorsiflexion_lifts_the_toes(model):
    motions = forward_kinematics(model, Pose({"ankle_angle_r": 20}))
    assert where(model, motions, "toes_r")[2] > model.bodies["toes_r"].position[2] + 30


def test_lumbar_flexion_bends_the_trunk_forward(model):
    flexion = min(model.joints["L4_L5_FE"].range_degrees)  # the model's flexion is negative
    motions = forward_kinematics(model, Pose({"L4_L5_FE": flexion}))
    assert (where(model, motions, "lumbar1")[1] - model.bodies["lumbar1"].position[1]) * ANTERIOR > 10
    assert np.allclose(motions["femur_r"], np.eye(4))  # the legs stay


def test_a_value_beyond_the_range_is_reported_and_clamped_never_used_silently(model):
    pose = Pose({"knee_angle_r": 150})  # child's pose needs about 150 degrees; the model stops at 120
    problems = check_pose(model, pose)
    assert len(problems) == 1 and "knee_angle_r 150°" in problems[0] and "120°" in problems[0]
    assert pose.clamped(model).values["knee_angle_r"] == pytest.approx(max(model.joints["knee_angle_r"]
                                                                           .range_degrees))
    assert check_pose(model, pose.clamped(model)) == []


def test_an_unknown_joint_is_named_with_the_near_ones(model):
    with pytest.raises(AtlasDataError, match="no joint 'knee_angle'.*knee_angle_r"):
        forward_kinematics(model, Pose({"knee_angle": 30}))


def test_coupled_joints_follow_their_drivers(model):
    """The knee's secondary motions and each lumbar level follow the model's equality constraints."""
    from sciatic_atlas.anatomy.pose import with_couplings

    full = with_couplings(model, Pose({"knee_angle_r": 90, "flex_extension": -30}))
    assert abs(full.values["knee_angle_rotation3_r"]) > 1  # the tibia's axial rotation, degrees
    assert "knee_angle_rotation3_l" not in full.values  # the other knee did not move
    assert np.isclose(full.values["L4_L5_FE"], -30 * 0.185, atol=0.01)  # the model's share at L4/5
    explicit = with_couplings(model, Pose({"flex_extension": -30, "L4_L5_FE": 2}))
    assert explicit.values["L4_L5_FE"] == 2  # a given value wins
    # the patella rides down with the flexing knee instead of staying in front of the femur
    motions = forward_kinematics(model, Pose({"knee_angle_r": 90}))
    assert where(model, motions, "patella_r")[2] < model.bodies["patella_r"].position[2] - 15
