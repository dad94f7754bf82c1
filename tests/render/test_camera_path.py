"""Camera glides between two poses: ends exact, swings around the focal point, up stays upright."""

import numpy as np

from sciatic_atlas.anatomy.easing import ease
from sciatic_atlas.render.camera_path import interpolate, path
from sciatic_atlas.render.cameras import CameraPose

BEHIND = CameraPose((0.0, 2000.0, 900.0), (0.0, 0.0, 900.0), (0.0, 0.0, 1.0), 20.0)
SIDE = CameraPose((-1000.0, 0.0, 500.0), (0.0, 0.0, 500.0), (0.0, 0.0, 1.0), 30.0)


def test_the_path_ends_exactly_at_the_target():
    frames = path(BEHIND, SIDE, 10)
    assert len(frames) == 10
    np.testing.assert_allclose(frames[-1].position, SIDE.position, atol=1e-6)
    np.testing.assert_allclose(frames[-1].focal_point, SIDE.focal_point, atol=1e-6)
    assert frames[-1].view_angle == SIDE.view_angle


def test_midway_the_camera_swings_around_instead_of_cutting_through():
    mid = interpolate(BEHIND, SIDE, 0.5)
    offset = np.subtract(mid.position, mid.focal_point)
    # A straight line between the two positions would pass 707 mm from the focal point;
    # the swing keeps the distance between the two end distances (1000..2000 mm).
    assert 1000.0 <= np.linalg.norm(offset) <= 2000.0
    assert offset[0] < 0 and offset[1] > 0  # between behind (+y) and the right side (-x)


def test_up_stays_perpendicular_to_the_view():
    for t in np.linspace(0, 1, 7):
        pose = interpolate(BEHIND, SIDE, t)
        view = np.subtract(pose.focal_point, pose.position)
        assert abs(np.dot(view / np.linalg.norm(view), pose.up)) < 1e-6
        assert np.linalg.norm(pose.up) == __import__("pytest").approx(1.0)


def test_easing_starts_and_ends_slowly():
    assert ease(0) == 0 and ease(1) == 1 and ease(0.5) == 0.5
    assert ease(0.1) < 0.1 and ease(0.9) > 0.9
    assert ease(-1) == 0 and ease(2) == 1
