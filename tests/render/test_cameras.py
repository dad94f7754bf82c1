"""Camera presets: data-driven, side-aware, and framing the region of interest."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.render import cameras

# A box standing in for a right leg (x < 0) and a left leg (x > 0), mm.
CORNERS = np.array([[x, y, z] for x in (-200.0, -60.0) for y in (-80.0, 80.0) for z in (60.0, 1000.0)])
BOTH = np.vstack([CORNERS, CORNERS * [-1, 1, 1]])


def _project(pose: cameras.CameraPose, points: np.ndarray, aspect: float) -> np.ndarray:
    """Project points with a pinhole camera; return normalised screen coords (-1..1 inside)."""
    pos, focal, up = map(np.asarray, (pose.position, pose.focal_point, pose.up))
    forward = (focal - pos) / np.linalg.norm(focal - pos)
    right = np.cross(forward, up)
    right /= np.linalg.norm(right)
    true_up = np.cross(right, forward)
    rel = points - pos
    depth = rel @ forward
    t = np.tan(np.radians(pose.view_angle) / 2)
    return np.column_stack([(rel @ right) / depth / (t * aspect), (rel @ true_up) / depth / t])


def test_every_preset_the_brief_names_exists():
    names = set(cameras.view_names())
    assert {"posterior", "anterior", "lateral", "medial", "posterior-oblique", "gluteal", "thigh",
            "popliteal", "leg", "foot"} <= names


@pytest.mark.parametrize("aspect", [0.75, 1.0, 1.6])
def test_fit_camera_keeps_every_point_in_frame_and_fills_it(aspect):
    pose = cameras.fit_camera(CORNERS, direction=(0, 1, 0), up=(0, 0, 1), aspect=aspect, margin=0.05)
    xy = _project(pose, CORNERS, aspect)
    assert np.abs(xy).max() <= 1.0 + 1e-6
    assert np.abs(xy).max() > 0.8  # the region fills the frame in its tighter direction


def test_lateral_view_of_right_leg_looks_from_minus_x_and_left_mirrors():
    right = cameras.view_pose("lateral", "right", BOTH)
    left = cameras.view_pose("lateral", "left", BOTH)
    assert right.position[0] < right.focal_point[0] - 100
    assert left.position[0] > left.focal_point[0] + 100
    assert right.focal_point[0] < 0 < left.focal_point[0]
    assert np.allclose(np.array(right.position) * [-1, 1, 1], left.position)


def test_posterior_view_looks_from_behind():
    pose = cameras.view_pose("posterior", "both", BOTH)
    assert pose.position[1] > pose.focal_point[1] + 100  # posterior is +y
    assert abs(pose.focal_point[0]) < 1


def test_regional_view_frames_only_its_height_range():
    points = np.vstack([BOTH, [[-100.0, 0.0, 2000.0]]])  # a far point above the region
    pose = cameras.view_pose("leg", "right", points)
    z0, z1 = cameras.view_spec("leg")["z"]
    assert z0 <= pose.focal_point[2] <= z1


def test_unknown_view_and_side_name_the_valid_ones():
    with pytest.raises(cameras.UnknownViewError, match="valid views: posterior, anterior"):
        cameras.view_spec("upside-down")
    with pytest.raises(cameras.UnknownViewError, match="valid sides: left, right, both"):
        cameras.check_side("centre")
