"""Real mouse and key events sent through Qt to the 3D view and the panels (issue 11).

Each test sends ``QTest`` events to the actual widgets (the VTK interactor widget, the
scene list, the structure tree), so the path a user's mouse and clicker take is the one
tested: Qt widget -> VTK interactor -> interactor style -> the viewport.
"""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore
from PyQt5.QtTest import QTest

from tests.app.conftest import stepped_scene

pytestmark = pytest.mark.gui

TARGET = "piriformis_r"


def project(viewport, point) -> tuple[float, float]:
    """Return the VTK display pixel (from the bottom left) of a world point (mm)."""
    renderer = viewport.plotter.renderer
    renderer.SetWorldPoint(*map(float, point), 1.0)
    renderer.WorldToDisplay()
    x, y, _z = renderer.GetDisplayPoint()
    return x, y


def to_qt(viewport, x: float, y: float) -> QtCore.QPoint:
    """Turn a VTK display pixel into the interactor widget's Qt position."""
    widget = viewport.plotter.interactor
    ratio = widget.devicePixelRatioF()
    return QtCore.QPoint(round(x / ratio), round(widget.height() - 1 - y / ratio))


def pixel_of(window, structure_id: str) -> QtCore.QPoint:
    """Return a widget position where the view shows ``structure_id`` (projected surface points)."""
    viewport = window.viewport
    item = viewport.actors[structure_id]
    points = np.asarray(item.actor.GetMapper().GetInput().points)
    width, height = viewport.plotter.window_size
    centre = points.mean(axis=0)
    for point in sorted(points, key=lambda p: np.linalg.norm(p - centre))[::7]:
        x, y = project(viewport, point)
        if 5 < x < width - 5 and 5 < y < height - 5:
            pos = to_qt(viewport, x, y)
            ratio = viewport.plotter.interactor.devicePixelRatioF()
            vx, vy = pos.x() * ratio, (viewport.plotter.interactor.height() - 1 - pos.y()) * ratio
            if viewport.picker.pick(vx, vy) == structure_id:
                return pos
    pytest.fail(f"{structure_id} is not seen anywhere in the view")


@pytest.fixture
def gluteal(window, session):
    """The window showing the right buttock from behind, with piriformis in sight."""
    if TARGET not in session.catalog:
        pytest.skip("no piriformis in these assets")
    window.view_state.isolate([TARGET, "gluteus_medius_r", "sciatic_nerve_r"])
    window.view_state.set_view("gluteal")
    window.viewport.finish_glide()
    window.viewport.settle()
    return window


def camera_pose(window):
    camera = window.viewport.plotter.camera
    return np.array([*camera.position, *camera.focal_point, *camera.up])


def test_a_mouse_click_on_a_structure_selects_it_and_a_click_on_nothing_clears(gluteal, qtbot):
    widget = gluteal.viewport.plotter.interactor
    pos = pixel_of(gluteal, TARGET)
    before = camera_pose(gluteal)
    QTest.mouseClick(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, pos)
    assert gluteal.view_state.selected == TARGET
    assert np.allclose(camera_pose(gluteal), before)  # a click does not turn the view
    assert "Piriformis" in gluteal.info.toPlainText()
    QTest.mouseClick(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, QtCore.QPoint(3, 3))
    assert gluteal.view_state.selected is None
    assert "Click a structure" in gluteal.info.toPlainText()


def test_a_drag_rotates_and_does_not_select(gluteal, qtbot):
    widget = gluteal.viewport.plotter.interactor
    pos = pixel_of(gluteal, TARGET)
    before = camera_pose(gluteal)
    QTest.mousePress(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, pos)
    for dx in (10, 25, 40, 60):
        QTest.mouseMove(widget, pos + QtCore.QPoint(dx, 0))
    QTest.mouseRelease(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, pos + QtCore.QPoint(60, 0))
    assert gluteal.view_state.selected is None
    assert not np.allclose(camera_pose(gluteal), before)


def test_escape_clears_the_selection(gluteal, qtbot):
    gluteal.view_state.select(TARGET)
    widget = gluteal.viewport.plotter.interactor
    widget.setFocus()
    QTest.keyClick(widget, QtCore.Qt.Key_Escape)
    assert gluteal.view_state.selected is None


VTK_KEYS = "3wsrfejtpuqcav+-"


def test_vtk_keys_do_nothing_in_the_view(gluteal, qtbot):
    viewport = gluteal.viewport
    widget = viewport.plotter.interactor
    widget.setFocus()
    before = camera_pose(gluteal)
    for key in VTK_KEYS:
        QTest.keyClick(widget, key)
    assert not viewport.plotter.render_window.GetStereoRender()
    assert {item.actor.prop.GetRepresentation() for item in viewport.actors.values()} == {2}  # surface
    assert np.allclose(camera_pose(gluteal), before)
    assert gluteal.isVisible() and not viewport.plotter._closed
    assert gluteal.view_state.selected is None


def test_clicker_keys_step_the_scene_from_the_list_the_tree_and_the_view(window, session, qtbot):
    scene_id = stepped_scene(session)
    assert session.n_steps(scene_id) >= 4
    row = next(r for r in range(window.scenes.list.count())
               if window.scenes.list.item(r).data(QtCore.Qt.UserRole) == scene_id)
    rect = window.scenes.list.visualItemRect(window.scenes.list.item(row))
    QTest.mouseClick(window.scenes.list.viewport(), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, rect.center())
    assert window.view_state.scene_id == scene_id
    assert window.view_state.step == 0
    steps = ((window.scenes.list, QtCore.Qt.Key_PageDown, 1), (window.scenes.list, QtCore.Qt.Key_Space, 2),
             (window.scenes.list, QtCore.Qt.Key_PageUp, 1), (window.layers.tree, QtCore.Qt.Key_Right, 2),
             (window.layers.tree, QtCore.Qt.Key_Left, 1), (window.viewport.plotter.interactor, QtCore.Qt.Key_Period, 2),
             (window.viewport.plotter.interactor, QtCore.Qt.Key_B, 1), (window.layers.peel, QtCore.Qt.Key_PageDown, 2))
    for widget, key, expected in steps:
        widget.setFocus()
        QTest.keyClick(widget, key)
        assert window.view_state.step == expected, (widget, key)
        current = window.scenes.list.currentItem()
        assert current is not None and current.data(QtCore.Qt.UserRole) == scene_id  # the list matches
    # Typing in the search box never steps the scene.
    window.search.setFocus()
    for key in (QtCore.Qt.Key_Space, QtCore.Qt.Key_B, QtCore.Qt.Key_Period, QtCore.Qt.Key_Left):
        QTest.keyClick(window.search, key)
    assert window.view_state.step == 2


def test_opening_a_scene_or_presenting_starts_with_no_selection(window, session):
    target = sorted(sid for sid, item in window.viewport.actors.items() if item.actor.visibility)[0]
    window.view_state.select(target)
    highlighted = window.viewport.actors[target].look
    window.open(stepped_scene(session))
    assert window.view_state.selected is None
    assert "Click a structure" in window.info.toPlainText()
    assert not window.layers.tree.selectedItems()
    if target in window.viewport.actors:
        assert window.viewport.actors[target].look != highlighted
    window.view_state.select(target)
    window.view_state.set_present(True)
    assert window.view_state.selected is None
    window.view_state.set_present(False)


def sizes(window) -> dict[str, tuple[int, int]]:
    parts = {"window": window, "view": window.viewport, "narration": window.narration,
             **{dock.objectName(): dock for dock in window.docks}}
    return {name: (w.width(), w.height()) for name, w in parts.items()}


def test_leaving_present_mode_restores_the_layout_exactly(window, session, qtbot, qapp):
    window.open(stepped_scene(session), 1)
    window.viewport.settle()
    qtbot.wait(200)  # the layout settles
    before = sizes(window)
    window.view_state.set_present(True)
    qtbot.wait(50)
    window.view_state.set_present(False)
    try:
        qtbot.waitUntil(lambda: sizes(window) == before, timeout=3000)
    finally:
        assert sizes(window) == before


def test_picking_a_structure_in_the_tree_keeps_a_posterior_view(window, session, qtbot):
    """Issue 11: picking piriformis in the tree during a posterior scene must not fly to the front."""
    if "piriformis" not in session.scenes or TARGET not in session.catalog:
        pytest.skip("no piriformis scene")
    window.open("piriformis", 1)
    window.viewport.settle()
    camera = window.viewport.plotter.camera
    before = np.asarray(camera.position) - np.asarray(camera.focal_point)
    assert before[1] > 0  # from behind (the body faces -y)
    tree = window.layers.tree
    item = window.layers.items[TARGET]
    tree.scrollToItem(item)
    QTest.mouseClick(tree.viewport(), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, tree.visualItemRect(item).center())
    window.viewport.settle()
    assert window.view_state.selected == TARGET
    after = np.asarray(camera.position) - np.asarray(camera.focal_point)
    assert after[1] > 0 and np.dot(after, before) > 0.9 * np.linalg.norm(after) * np.linalg.norm(before)
    window.info.anchorClicked.emit(QtCore.QUrl("atlas:fly-to"))  # and flying to it keeps the side too
    window.viewport.finish_glide()
    after = np.asarray(camera.position) - np.asarray(camera.focal_point)
    assert after[1] > 0
