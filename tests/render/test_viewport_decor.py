"""The screen edges name the patient's side (or anterior/posterior) for any camera."""

import pytest

from sciatic_atlas.render.viewport_decor import screen_edges

LEFT, RIGHT = "Patient's LEFT", "Patient's RIGHT"


@pytest.mark.parametrize(("position", "up", "expected"), [
    ((0, 3000, 900), (0, 0, 1), (LEFT, RIGHT)),      # from behind: their right is on our right
    ((0, -3000, 900), (0, 0, 1), (RIGHT, LEFT)),     # from the front: mirrored
    ((-3000, 0, 900), (0, 0, 1), ("Posterior", "Anterior")),  # from their right side
    ((3000, 0, 900), (0, 0, 1), ("Anterior", "Posterior")),   # from their left side
    ((0, 0, 4000), (0, 1, 0), (RIGHT, LEFT)),        # from above, posterior up
])
def test_screen_edges(position, up, expected):
    assert screen_edges(position, (0, 0, 900), up) == expected


def test_a_degenerate_camera_names_nothing():
    assert screen_edges((0, 0, 900), (0, 0, 0), (0, 0, 1)) == ("", "")
