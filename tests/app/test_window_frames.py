"""One full-quality frame per change (issue 11), counted by the render window itself.

The viewport counts every frame the render window draws (``EndEvent``), split into
full-quality and reduced-detail ("moving") frames. Input is sent as Qt events to the
real widgets; the tests wait until nothing more is pending and count.
"""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore, QtGui
from PyQt5.QtTest import QTest

from tests.app.conftest import stepped_scene
from tests.app.test_window_input import TARGET, pixel_of

pytestmark = pytest.mark.gui


def settled(window, qtbot) -> dict[str, int]:
    """Wait until no frame is pending and none is drawn for a while; return the frame counts."""
    while True:
        qtbot.waitUntil(lambda: not window.viewport.render_pending, timeout=10000)
        frames = dict(window.viewport.frames)
        qtbot.wait(300)  # anything the last frame set off (layout, paints) runs now
        if frames == window.viewport.frames and not window.viewport.render_pending:
            return frames


def counted(window, qtbot, action) -> dict[str, int]:
    """Run ``action`` on a settled window; return the frames it drew."""
    before = settled(window, qtbot)
    action()
    after = settled(window, qtbot)
    return {kind: after[kind] - before[kind] for kind in after}


def test_a_burst_of_page_downs_draws_only_the_last_step(window, session, qtbot):
    scene_id = stepped_scene(session)
    assert session.n_steps(scene_id) >= 5
    window.open(scene_id)
    window.scenes.list.setFocus()

    def burst():
        for _ in range(4):
            QTest.keyClick(window.scenes.list, QtCore.Qt.Key_PageDown)

    frames = counted(window, qtbot, burst)
    assert window.view_state.step == 4
    assert window.narration.counter.text().startswith("Step 4 of")
    assert frames["full"] == 1, frames


def test_one_step_draws_one_full_frame(window, session, qtbot):
    window.open(stepped_scene(session))
    frames = counted(window, qtbot, lambda: QTest.keyClick(window.viewport.plotter.interactor,
                                                          QtCore.Qt.Key_PageDown))
    assert window.view_state.step == 1
    assert frames["full"] == 1, frames


def wheel(widget, notches: int) -> None:
    centre = QtCore.QPointF(widget.width() / 2, widget.height() / 2)
    for _ in range(notches):
        event = QtGui.QWheelEvent(centre, widget.mapToGlobal(centre.toPoint()), QtCore.QPoint(0, 0),
                                  QtCore.QPoint(0, 120), QtCore.Qt.NoButton, QtCore.Qt.NoModifier,
                                  QtCore.Qt.NoScrollPhase, False)
        QtCore.QCoreApplication.sendEvent(widget, event)
        QtCore.QCoreApplication.processEvents()  # notches arrive one by one


def test_wheel_notches_draw_moving_frames_then_one_full_frame(window, qtbot):
    widget = window.viewport.plotter.interactor
    distance = window.viewport.plotter.camera.distance
    frames = counted(window, qtbot, lambda: wheel(widget, 3))
    assert window.viewport.plotter.camera.distance < distance
    assert frames["moving"] == 3 and frames["full"] == 1, frames


def drag_across(widget, step: int, end: int) -> None:
    """Drag with the left button from the middle of ``widget`` to the right, ``step`` px at a time."""
    start = QtCore.QPoint(widget.width() // 2, widget.height() // 2)
    QTest.mousePress(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    for dx in range(step, end + step, step):
        QTest.mouseMove(widget, start + QtCore.QPoint(dx, 0))
    QTest.mouseRelease(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start + QtCore.QPoint(end, 0))


def test_a_drag_draws_moving_frames_then_one_full_frame(window, qtbot):
    widget = window.viewport.plotter.interactor
    frames = counted(window, qtbot, lambda: drag_across(widget, 10, 80))
    assert frames["moving"] >= 4 and frames["full"] == 1, frames


def test_a_click_select_draws_one_full_frame(window, session, qtbot):
    if TARGET not in session.catalog:
        pytest.skip("no piriformis in these assets")
    window.view_state.isolate([TARGET, "gluteus_medius_r"])
    window.view_state.set_view("gluteal")
    window.viewport.settle()
    pos = pixel_of(window, TARGET)
    widget = window.viewport.plotter.interactor
    frames = counted(window, qtbot, lambda: QTest.mouseClick(widget, QtCore.Qt.LeftButton,
                                                             QtCore.Qt.NoModifier, pos))
    assert window.view_state.selected == TARGET
    assert frames == {"full": 1, "moving": 0}, frames


def test_opening_a_scene_from_the_list_draws_one_full_frame(window, session, qtbot):
    scene_id = stepped_scene(session)
    listing = window.scenes.list
    row = next(r for r in range(listing.count()) if listing.item(r).data(QtCore.Qt.UserRole) == scene_id)
    rect = listing.visualItemRect(listing.item(row))
    frames = counted(window, qtbot, lambda: QTest.mouseClick(listing.viewport(), QtCore.Qt.LeftButton,
                                                             QtCore.Qt.NoModifier, rect.center()))
    assert window.view_state.scene_id == scene_id
    assert frames["full"] == 1, frames


def test_every_scene_opened_from_the_list_draws_one_full_frame(window, session, qtbot):
    """Opening a scene changes the narration strip's height: still one frame, at the final size."""
    listing = window.scenes.list
    for scene_id in list(session.scenes)[:4]:
        item = next(listing.item(r) for r in range(listing.count()) if listing.item(r).data(QtCore.Qt.UserRole) == scene_id)
        listing.scrollToItem(item)
        frames = counted(window, qtbot, lambda: QTest.mouseClick(listing.viewport(), QtCore.Qt.LeftButton,
                                                                 QtCore.Qt.NoModifier, listing.visualItemRect(item).center()))
        assert window.view_state.scene_id == scene_id
        assert frames["full"] == 1, (scene_id, frames)


def test_the_view_draws_translucency_in_one_pass_at_rest_and_plain_blending_in_motion(window, qtbot):
    renderer = window.viewport.plotter.renderer
    settled(window, qtbot)
    assert renderer.GetUseOIT() and not renderer.GetUseDepthPeeling()
    wheel(window.viewport.plotter.interactor, 1)
    assert window.viewport._fast and not renderer.GetUseOIT() and not renderer.GetUseFXAA()
    settled(window, qtbot)
    assert renderer.GetUseOIT() and not window.viewport._fast


def test_one_step_measures_its_labels_once(window, session, qtbot, monkeypatch):
    # Issue 11: each step placed its labels twice (for the old camera, then the new one), and
    # each placing renders an ID pass: about 0.1 s of every step on the CPU renderer.
    from sciatic_atlas.render import idpass

    window.open("hamstrings")  # its step 1 labels the sciatic nerve and adductor magnus
    settled(window, qtbot)
    calls = []
    real = idpass.measure
    monkeypatch.setattr(idpass, "measure", lambda *a, **k: calls.append(1) or real(*a, **k))
    counted(window, qtbot, lambda: QTest.keyClick(window.viewport.plotter.interactor, QtCore.Qt.Key_PageDown))
    assert window.view_state.step == 1
    assert any(n.startswith("atlas:label:") for n in window.viewport.plotter.renderer.actors)
    assert len(calls) == 1, calls


def test_labels_follow_the_camera_after_an_orbit(window, qtbot, monkeypatch):
    # Review of stop 17: after rotating and zooming, a label's leader line still ended where its
    # structure had been (on the femur). Labels hide while the camera moves and are placed
    # again, once, for the camera where it stops.
    from sciatic_atlas.render import idpass

    window.open("hamstrings", step=1, side="right")
    settled(window, qtbot)
    view = window.viewport.view
    before = {p.text: p.pixel for p in view.placed_labels if p.pixel is not None}
    assert before
    calls = []
    real = idpass.measure
    monkeypatch.setattr(idpass, "measure", lambda *a, **k: calls.append(1) or real(*a, **k))
    counted(window, qtbot, lambda: drag_across(window.viewport.plotter.interactor, 15, 225))
    assert len(calls) == 1, calls  # once, when the camera stopped, not on every moving frame
    after = {p.text: p.pixel for p in view.placed_labels if p.pixel is not None}
    assert after and after != before
    frame = real(window.viewport.plotter, view.actors)  # what the picture shows now, full size
    for label in view.placed_labels:
        if label.pixel is None:
            continue
        x, y = (int(round(v)) for v in label.pixel)
        near = frame.front[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3]
        hosts = {frame.ids[k] for k in np.unique(near) if k} | {frame.ids[k] for k in
                                                                 np.unique(frame.solid[max(y - 2, 0):y + 3,
                                                                                       max(x - 2, 0):x + 3]) if k}
        assert label.host in hosts, (label.text, label.host, hosts)
    assert all(a.GetVisibility() for n, a in window.viewport.plotter.renderer.actors.items()
               if n.startswith("atlas:label:"))


def test_every_step_after_other_scenes_draws_one_full_frame(window, session, qtbot):
    """Stepping draws one frame also when the pose slider under Prev/Next changes width.

    Found by the benchmark (nerve-tension step 4 after stretches and overview): the
    narration strip wrapped its text to a width measured with the slider as the last step
    left it, grew a line, and settled back a frame later, after the step's frame: a second
    full-quality frame.
    """
    for scene_id in ("stretches", "overview", "nerve-tension"):
        window.open(scene_id)
        window.viewport.finish_pose()
        for step in range(1, session.n_steps(scene_id)):
            frames = counted(window, qtbot, lambda: QTest.keyClick(window.viewport.plotter.interactor,
                                                                  QtCore.Qt.Key_PageDown))
            assert window.view_state.step == step
            assert frames["full"] == 1, (scene_id, step, frames)
