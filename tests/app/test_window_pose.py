"""The pose slider and the eased change between steps' poses (issue 13), through real Qt events.

The window is its own (a session of its own, so the shared one keeps the library as it
is), showing a scene file written here: an opening view standing, then a glute stretch,
a hamstring stretch and standing again. Mouse and key events go to the real slider; the
drawn geometry is read from the actors, the narration and colours from the panels.
"""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore, QtGui, QtWidgets
from PyQt5.QtTest import QTest

from tests.app.conftest import built_window
from tests.app.test_window_frames import settled

pytestmark = pytest.mark.gui

MUSCLE = "semitendinosus_r"  # a hamstring: it moves with the hip in both stretches

SCENE = """\
id: posed-test
title: Posed test
narration: Standing first.
audience: [student]
side: right
show: [bones, muscles, sciatic_tree]
camera: {view: lateral, frame: [bones]}
steps:
  - title: glute
    pose: {name: glute-stretch, amount: 0.5}
  - title: hamstring
    pose: hamstring-stretch
  - title: standing again
    pose: neutral
metadata:
  sources:
    - citation: test scene
"""


@pytest.fixture(scope="module")
def posed_window(qapp, x_display, session, tmp_path_factory):
    from sciatic_atlas.app.session import Session

    if MUSCLE not in session.catalog:
        pytest.skip(f"no {MUSCLE} in these assets")
    folder = tmp_path_factory.mktemp("posed")
    path = folder / "posed-test.yaml"
    path.write_text(SCENE, encoding="utf-8")
    for window in built_window(qapp, Session(session.model, session.knowledge), folder / "settings.ini"):
        assert window.open_user_scenes(path) == ["posed-test"]
        yield window


@pytest.fixture
def window(posed_window, qtbot):
    """The posed scene at its glute-stretch step (amount 0.5), everything drawn."""
    qtbot.waitExposed(posed_window)
    posed_window.open("posed-test", 1)
    settled(posed_window, qtbot)
    return posed_window


def points(window, sid: str = MUSCLE) -> np.ndarray:
    return np.array(window.viewport.actors[sid].mesh.points)


def coarse_points(window, sid: str = MUSCLE) -> np.ndarray:
    return np.array(window.viewport.actors[sid].coarse.points)


def handle_centre(slider: QtWidgets.QSlider) -> QtCore.QPoint:
    option = QtWidgets.QStyleOptionSlider()
    slider.initStyleOption(option)
    return slider.style().subControlRect(QtWidgets.QStyle.CC_Slider, option, QtWidgets.QStyle.SC_SliderHandle,
                                         slider).center()


def move_held(widget: QtWidgets.QWidget, pos: QtCore.QPoint) -> None:
    """Send a mouse move with the left button held (Qt 5's ``QTest.mouseMove`` only warps the
    cursor, which a slider never sees under Xvfb)."""
    event = QtGui.QMouseEvent(QtCore.QEvent.MouseMove, QtCore.QPointF(pos), QtCore.QPointF(widget.mapToGlobal(pos)),
                              QtCore.Qt.NoButton, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
    QtWidgets.QApplication.sendEvent(widget, event)


def test_a_posed_step_shows_the_slider_with_the_poses_name(window):
    panel = window.pose_slider
    assert panel.isVisible()
    assert panel.title.text() == "Glute stretch: 0–100%"
    assert panel.slider.value() == 50 and panel.percent.text() == "50%"


def test_a_step_without_a_pose_hides_the_slider(window, qtbot):
    window.view_state.set_step(0)
    settled(window, qtbot)
    assert not window.pose_slider.isVisible()
    window.view_state.set_step(3)  # pose: neutral
    settled(window, qtbot)
    assert not window.pose_slider.isVisible()
    assert window.viewport.state.pose is None


def test_dragging_the_handle_moves_the_model_then_release_redraws_colours_and_narration(window, qtbot):
    slider = window.pose_slider.slider
    before_full, before_coarse = points(window), coarse_points(window)
    before_text = window.narration.text.text()
    before_colour = window.viewport.actors[MUSCLE].look.colour
    frames = dict(window.viewport.frames)
    start = handle_centre(slider)
    QTest.mousePress(slider, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    assert slider.isSliderDown()
    for dx in range(10, 130, 10):
        move_held(slider, start + QtCore.QPoint(dx, 0))
    qtbot.waitUntil(lambda: not window.viewport._pose.drag_pending, timeout=5000)
    assert slider.value() > 50
    assert window.viewport.frames["moving"] > frames["moving"]  # cheap frames while held
    assert not np.allclose(coarse_points(window), before_coarse)  # the drawn (coarse) muscle moved
    assert window.viewport.drawn_pose.amount == pytest.approx(slider.value() / 100)
    assert window.narration.text.text() == before_text  # narration waits for the release
    QTest.mouseRelease(slider, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start + QtCore.QPoint(120, 0))
    settled(window, qtbot)
    amount = slider.value() / 100
    assert window.view_state.pose_amount == pytest.approx(amount)
    assert window.viewport.state.pose.amount == pytest.approx(amount)
    assert not np.allclose(points(window), before_full)  # the full mesh is there too
    assert window.narration.text.text() != before_text  # length numbers for the new amount
    assert window.viewport.actors[MUSCLE].look.colour != before_colour
    expected = window.session.base_state("posed-test", 1, "right", pose_amount=amount)
    assert window.narration.text.text() == expected.text
    assert window.viewport.frames["full"] > frames["full"]
    assert window.viewport.actors[MUSCLE].actor.GetMapper() is window.viewport.actors[MUSCLE].mapper  # full detail


def test_arrow_keys_on_the_slider_change_the_pose_and_do_not_step(window, qtbot):
    slider = window.pose_slider.slider
    slider.setFocus()
    before = points(window)
    QTest.keyClick(slider, QtCore.Qt.Key_Right)
    settled(window, qtbot)
    assert window.view_state.step == 1
    assert slider.value() == 55 and window.pose_slider.percent.text() == "55%"
    assert window.viewport.state.pose.amount == pytest.approx(0.55)
    moved = points(window)
    assert not np.allclose(moved, before)
    QTest.keyClick(slider, QtCore.Qt.Key_Home)
    settled(window, qtbot)
    assert window.viewport.state.pose.amount == 0.0
    assert not np.allclose(points(window), moved)
    seen = []
    window.view_state.connect("pose_amount", seen.append)
    try:
        for _ in range(4):  # a held key's repeats, queued behind a frame: one re-resolve
            QTest.keyClick(slider, QtCore.Qt.Key_Right)
        settled(window, qtbot)
    finally:
        window.view_state.disconnect("pose_amount", seen.append)
    assert seen == [pytest.approx(0.2)]
    assert window.viewport.state.pose.amount == pytest.approx(0.2)
    QTest.keyClick(slider, QtCore.Qt.Key_PageDown)  # a clicker's key: it steps the scene
    settled(window, qtbot)
    assert window.view_state.step == 2


def posed_points(window, sid: str = MUSCLE) -> np.ndarray:
    """Return the points of ``sid`` in the pose the viewport's state asks for, from a fresh PosedModel."""
    from sciatic_atlas.anatomy.posed import PosedModel

    pose = window.viewport.state.pose
    fresh = PosedModel(window.session.model, pose.pose, pose.placement, level=pose.level)
    return fresh.vertices(sid)


def fast_frames(window) -> None:
    """Take frames as measured fast: the change of pose is animated, not cut (as on a GPU)."""
    window.viewport.pose_frame_ms = 1.0


def test_a_change_of_step_animates_to_the_new_pose_and_ends_there(window, qtbot):
    frames = settled(window, qtbot)
    fast_frames(window)
    QTest.keyClick(window.viewport.plotter.interactor, QtCore.Qt.Key_PageDown)
    assert window.view_state.step == 2
    assert window.viewport.posing
    assert window.viewport.view.quality.moving  # coarse meshes, labels hidden
    after = settled(window, qtbot)
    assert not window.viewport.posing
    assert after["moving"] > frames["moving"]
    assert after["full"] - frames["full"] == 1  # one full frame per step
    assert window.viewport.state.pose.name == "hamstring-stretch"
    assert np.allclose(points(window), posed_points(window), atol=1e-3)
    assert window.pose_slider.title.text().startswith("Hamstring stretch")


def test_a_key_press_mid_animation_ends_it_at_once(window, qtbot):
    settled(window, qtbot)
    fast_frames(window)
    window.narration.next.click()  # to the hamstring stretch: animated
    assert window.viewport.posing
    QTest.keyClick(window.viewport.plotter.interactor, QtCore.Qt.Key_Shift)
    assert not window.viewport.posing  # ended by the key, at the target
    assert window.viewport.drawn_pose == window.viewport.state.pose
    settled(window, qtbot)
    assert np.allclose(points(window), posed_points(window), atol=1e-3)
    # A step key mid-animation draws its step at once: no second animation, one full frame.
    fast_frames(window)
    window.view_state.set_step(1)
    assert window.viewport.posing
    frames = dict(window.viewport.frames)
    QTest.keyClick(window.viewport.plotter.interactor, QtCore.Qt.Key_PageDown)
    assert window.view_state.step == 2 and not window.viewport.posing
    after = settled(window, qtbot)
    assert after["full"] - frames["full"] == 1
    assert np.allclose(points(window), posed_points(window), atol=1e-3)


def test_on_the_other_side_the_dragged_pose_is_mirrored(window, qtbot):
    window.view_state.set_side("left")  # the scene is written for the right side
    settled(window, qtbot)
    assert dict(window.viewport.state.pose.joints).get("hip_rotation_l", 0.0) < 0.0  # mirrored
    slider = window.pose_slider.slider
    start = handle_centre(slider)
    frames = dict(window.viewport.frames)
    QTest.mousePress(slider, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    for dx in range(5, 65, 5):
        move_held(slider, start + QtCore.QPoint(dx, 0))
    qtbot.waitUntil(lambda: not window.viewport._pose.drag_pending, timeout=5000)
    assert window.viewport.frames["moving"] - frames["moving"] < 12  # not a frame per mouse move
    amount = slider.value() / 100
    drawn = dict(window.viewport.drawn_pose.joints)
    assert drawn == dict(window.session.base_state("posed-test", 1, "left", pose_amount=amount).pose.joints)
    assert drawn["hip_rotation_l"] < 0.0 and "hip_rotation_r" not in drawn
    QTest.mouseRelease(slider, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start + QtCore.QPoint(60, 0))
    settled(window, qtbot)
    assert window.viewport.state.pose.amount == pytest.approx(amount)
    assert np.allclose(points(window, "semitendinosus_l"), posed_points(window, "semitendinosus_l"), atol=1e-3)
    window.view_state.set_side("right")


def test_a_renderer_too_slow_for_the_change_of_pose_cuts_to_it(window, qtbot):
    settled(window, qtbot)
    fast_frames(window)
    window.viewport.pose_frame_ms = 500.0  # measured: about one frame in the change
    frames = dict(window.viewport.frames)
    window.narration.next.click()
    assert not window.viewport.posing
    after = settled(window, qtbot)
    assert after["full"] - frames["full"] == 1
    assert np.allclose(points(window), posed_points(window), atol=1e-3)


def test_drawing_a_pain_map_hides_the_slider(window, qtbot):
    assert window.pose_slider.isVisible()
    window.consult.draw_button.click()
    try:
        assert window.consult.drawing and not window.pose_slider.isVisible()
    finally:
        window.consult.draw_button.click()
    window.view_state.set_step(2)
    settled(window, qtbot)
    assert window.pose_slider.isVisible()


def test_a_picture_taken_during_a_change_of_pose_shows_its_end(window, qtbot):
    settled(window, qtbot)
    fast_frames(window)
    window.narration.next.click()
    assert window.viewport.posing
    image = window.picture()
    assert not window.viewport.posing and not image.isNull()
    assert window.viewport.drawn_pose == window.viewport.state.pose


def test_the_scenes_posed_steps_are_posed_in_idle_time(window, qtbot):
    """Opening a scene poses its other posed steps while the window waits for input, so stepping
    to one finds its structures already posed (and out of bone)."""
    from sciatic_atlas.anatomy.posed import posed_model

    qtbot.waitUntil(lambda: not window._pose_warmer.busy, timeout=60000)
    state = window.session.base_state("posed-test", 2, window.view_state.side)
    posed = posed_model(window.session.model, state.pose)
    assert MUSCLE in posed._cache and f"normals:{MUSCLE}" in posed._cache
