"""The real window driven with pytest-qt: open, scenes, steps, pick, search, layers, present."""

from __future__ import annotations

import numpy as np
import pytest
from PyQt5 import QtCore, QtWidgets
from PyQt5.QtTest import QTest

from tests.app.conftest import stepped_scene

pytestmark = pytest.mark.gui


def drawn(window) -> set[str]:
    """Return the ids of the structures the 3D view draws now."""
    return {sid for sid, item in window.viewport.actors.items() if item.actor.visibility}


def test_the_window_opens_drawing_the_model_with_panels(window, session):
    assert drawn(window)
    assert drawn(window) <= set(session.model.structure_ids)
    assert window.narration.title.text() == "Exploring the sciatic nerve"
    assert window.scenes.list.count() == 1 + len(session.scenes) + len(session.broken)
    assert window.layers.tree.topLevelItemCount() >= 1
    texts = window.viewport.side_labels.texts()
    assert texts == ("Patient's LEFT", "Patient's RIGHT")  # the default view is from behind
    # The scene list, not the consult panel tabbed with it, is the tab a window shows.
    assert not window.scenes.list.visibleRegion().isEmpty()
    assert window.consult.visibleRegion().isEmpty()


def test_every_scene_opens_and_steps_through_to_its_end(window, session, qtbot):
    for scene_id, scene in session.scenes.items():
        n = session.n_steps(scene_id)
        with qtbot.waitSignal(window.scene_opened, timeout=10000):
            window.scenes.scene_chosen.emit(scene_id)
        assert window.view_state.scene_id == scene_id
        assert window.narration.title.text().startswith(scene.title)
        from sciatic_atlas.app.panels.qt_scenes import step_count_text

        rows = [window.scenes.list.item(i).text() for i in range(window.scenes.list.count())]
        row = next(r for r in rows if r.startswith(scene.title + "\n"))
        assert row.endswith(step_count_text(len(scene.steps)))  # as `sciatic-atlas scenes` counts
        for step in range(1, n):
            with qtbot.waitSignal(window.frame_shown, timeout=10000):
                window.narration.next.click()
            window.viewport.finish_glide()
            assert window.view_state.step == step
            expected = f"Opening view ({n - 1} steps)" if step == 0 else f"Step {step} of {n - 1}"
            assert window.narration.counter.text() == expected
            assert drawn(window)
        assert not window.narration.next.isEnabled()
        window.narration.step_by(+1)  # past the end: stays on the last step
        assert window.view_state.step == n - 1


def test_clicker_keys_step_forward_and_back(window, session, qtbot):
    scene_id = stepped_scene(session)
    assert session.n_steps(scene_id) >= 3
    window.open(scene_id)
    window.viewport.setFocus()
    for key, expected in ((QtCore.Qt.Key_PageDown, 1), (QtCore.Qt.Key_Space, 2), (QtCore.Qt.Key_PageUp, 1),
                          (QtCore.Qt.Key_Left, 0), (QtCore.Qt.Key_Right, 1)):
        qtbot.keyClick(window.viewport.plotter.interactor, key)
        assert window.view_state.step == expected, key
    # Typing in the search box never steps the scene.
    window.search.setFocus()
    qtbot.keyClick(window.search, QtCore.Qt.Key_Space)
    assert window.view_state.step == 1


def test_a_step_glides_the_camera_and_settles_on_the_new_view(window, session, qtbot):
    window.open(stepped_scene(session))
    window.viewport.finish_glide()
    with qtbot.waitSignal(window.viewport.camera_settled, timeout=10000):
        window.view_state.set_view("lateral")
    window.viewport.settle()  # the frame at the new view (a slow renderer cuts the glide short)
    position = np.array(window.viewport.plotter.camera.position)
    focal = np.array(window.viewport.plotter.camera.focal_point)
    direction = (position - focal) / np.linalg.norm(position - focal)
    assert abs(direction[0]) > 0.9  # looking along the left-right axis
    assert window.viewport.side_labels.texts() in (("Posterior", "Anterior"), ("Anterior", "Posterior"))


class StubPicker:
    """Stands in for the ray picker: 'finds' a fixed structure (no synthetic mouse events)."""

    def __init__(self, structure_id):
        self.structure_id = structure_id
        self.calls = []

    def pick(self, x, y):
        self.calls.append((x, y))
        return self.structure_id


def test_clicking_a_structure_selects_highlights_and_describes_it(window, session, monkeypatch):
    target = sorted(drawn(window))[0]
    before = window.viewport.actors[target].look
    monkeypatch.setattr(window.viewport, "picker", StubPicker(target))
    assert window.viewport.click_at(120, 80) == target
    assert window.viewport.picker.calls == [(120, 80)]
    assert window.view_state.selected == target
    assert window.viewport.actors[target].look.colour != before.colour  # highlighted
    label = session.catalog.label(target)
    assert label.split(" (")[0] in window.info.toPlainText()
    assert "Sources" in window.info.toPlainText()
    assert window.layers.items[target].isSelected()
    monkeypatch.setattr(window.viewport, "picker", StubPicker(None))
    window.viewport.click_at(5, 5)
    assert window.view_state.selected is None
    assert "Click a structure" in window.info.toPlainText()


def test_search_finds_structures_with_typos_and_opens_scenes(window, session):
    hits = window.search.update_hits("femr")
    assert any(h.id.startswith("femur") for h in hits)
    window.search.chosen.emit("structure", "femur_l")
    assert window.view_state.selected == "femur_l"
    scene_id = next(iter(session.scenes))
    title = session.scenes[scene_id].title
    assert scene_id in [h.id for h in window.search.update_hits(title[:-1])]
    window.search.chosen.emit("scene", scene_id)
    assert window.view_state.scene_id == scene_id


def test_tree_checkboxes_peel_and_show_all_change_what_is_drawn(window, session):
    target = sorted(drawn(window))[0]
    item = window.layers.items[target]
    item.setCheckState(0, QtCore.Qt.Unchecked)
    assert target not in drawn(window)
    item.setCheckState(0, QtCore.Qt.Checked)
    assert target in drawn(window)
    window.layers.peel.setValue(window.layers.peel.maximum())
    kinds = {session.catalog[sid].kind for sid in drawn(window)}
    assert kinds <= {"bone", "disc"}
    assert window.layers.peel_label.text() == session.catalog.peel_labels()[-1]
    window.layers.buttons["Show all"].click()
    assert window.layers.peel.value() == 0
    assert target in drawn(window)


def test_isolate_and_fade_act_on_the_selection(window):
    target = "piriformis_r" if "piriformis_r" in drawn(window) else sorted(drawn(window))[0]
    window.view_state.select(target)
    window.layers.buttons["Hide"].click()
    assert target not in drawn(window)
    window.layers.buttons["Fade"].click()  # a hidden structure is shown, see-through
    assert target in drawn(window)
    assert window.viewport.actors[target].actor.prop.opacity == pytest.approx(0.15, abs=0.01)
    distance = window.viewport.plotter.camera.distance
    window.layers.buttons["Isolate"].click()
    window.viewport.finish_glide()
    assert drawn(window) == {target}
    assert window.viewport.plotter.camera.distance < 0.8 * distance  # what is left fills the view
    window.layers.buttons["Show all"].click()
    assert len(drawn(window)) > 1


def test_the_patient_side_buttons_show_one_side(window, session):
    window.display_bar.side_buttons["left"].click()
    assert window.view_state.side == "left"
    sides = {session.catalog[sid].side for sid in drawn(window)}
    assert "right" not in sides and "left" in sides
    window.display_bar.side_buttons["both"].click()
    assert {session.catalog[sid].side for sid in drawn(window)} >= {"left", "right"}


def test_present_hides_panels_enlarges_type_and_comes_back(window, qtbot):
    size = window.narration.text.font().pointSize()
    window.present_action.trigger()
    assert window.view_state.present
    assert all(not dock.isVisible() for dock in window.docks)
    assert all(not bar.isVisible() for bar in window.toolbars)
    assert window.narration.isVisible()
    assert "20pt" in window.narration.text.styleSheet()
    # Escape is the window's own key, whatever has the focus (no window shortcut, which
    # would need an active window: Xvfb has no window manager to make it active).
    QTest.keyClick(window.viewport.plotter.interactor, QtCore.Qt.Key_Escape)
    assert not window.view_state.present
    assert all(dock.isVisible() for dock in window.docks)
    assert window.narration.text.font().pointSize() == size


def test_dark_background_and_saving_a_picture(window, tmp_path):
    window.display_bar.dark.click()
    assert window.view_state.background == "dark"
    path = window.save_picture(tmp_path / "view.png")
    image = QtWidgets.QApplication.instance() and __import__("PyQt5.QtGui", fromlist=["QImage"]).QImage(str(path))
    assert image.width() > 100 and image.height() > 100
    corner = image.pixelColor(2, image.height() - 2)
    assert corner.lightness() < 90  # the dark background reached the picture
    window.display_bar.dark.click()
    assert window.view_state.background == "light"


def test_copy_puts_the_picture_on_the_clipboard(window):
    window.copy_picture()
    image = QtWidgets.QApplication.clipboard().image()
    assert not image.isNull() and image.width() > 100


def _first_step_with_overlays(session) -> tuple[str, int]:
    for scene_id in session.scenes:
        for step in range(session.n_steps(scene_id)):
            if session.base_state(scene_id, step, "both").overlays:
                return scene_id, step
    pytest.skip("no scene step paints the skin")


def test_a_pain_map_step_says_so_when_the_assets_have_no_skin(window, session):
    from sciatic_atlas.app.window_notes import NO_SKIN_NOTE
    from sciatic_atlas.render.overlays import LEGEND

    scene_id, step = _first_step_with_overlays(session)
    window.open(scene_id, step)
    window.viewport.finish_glide()
    has_skin = session.model.has_mesh("skin")
    # With a skin the map and its legend are drawn; without one the reader is told why not.
    assert (LEGEND in window.viewport.plotter.renderer.actors) == has_skin
    assert (NO_SKIN_NOTE in window.narration.text.text()) != has_skin
    assert ("skin off" in session.catalog.peel_labels()) == has_skin


def _view_pixels(window) -> np.ndarray:
    image = window.picture().convertToFormat(__import__("PyQt5.QtGui", fromlist=["QImage"]).QImage.Format_RGB888)
    ptr = image.constBits()
    ptr.setsize(image.byteCount())
    return np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())[:, :image.width() * 3].reshape(
        image.height(), image.width(), 3).copy()


def test_finding_a_deep_muscle_shows_it_and_flies_to_it(window, session):
    target = "piriformis_r"
    if target not in session.catalog:
        pytest.skip("no piriformis in these assets")
    before = _view_pixels(window)
    distance = window.viewport.plotter.camera.distance
    window.search.chosen.emit("structure", target)
    window.viewport.finish_glide()
    after = _view_pixels(window)
    changed = np.any(before != after, axis=2).mean()
    assert changed > 0.01  # under gluteus maximus, yet the picture shows the selection
    assert window.viewport.plotter.camera.distance < distance  # framed closer
    covering = [sid for sid in ("gluteus_maximus_r",) if sid in window.viewport.actors]
    for sid in covering:
        assert window.viewport.actors[sid].actor.prop.opacity <= 0.15 + 1e-6
    window.viewport.set_text_size(11)
    window.view_state.set_view("posterior")
    window.viewport.finish_glide()
    far = window.viewport.plotter.camera.distance
    window.info.anchorClicked.emit(QtCore.QUrl("atlas:fly-to"))  # the info panel's link
    window.viewport.finish_glide()
    assert window.viewport.plotter.camera.distance < far


def test_wrapped_narration_is_not_cut_off(window, qapp):
    text = " ".join(["The nerve runs under piriformis and down the back of the thigh."] * 4)
    window.narration.show_step("A title", "", text, 1, 5)
    qapp.processEvents()
    label = window.narration.text
    assert label.height() >= min(label.heightForWidth(label.width()), int(0.2 * window.height()))
    assert label.height() > 2 * label.fontMetrics().lineSpacing()  # it grew past one line
    assert window.narration.counter.text() == "Step 1 of 4"


def test_a_slow_renderer_cuts_to_the_next_view_and_a_dark_scene_darkens_the_strip(window, session):
    scene_id = stepped_scene(session)
    window.open(scene_id, 0)
    window.viewport.finish_glide()
    saved = window.viewport.moving_frame_ms
    try:
        window.viewport.moving_frame_ms = 500.0  # measured: 2 frames in a glide would stutter
        window.narration.step_by(+1)
        assert not window.viewport.gliding  # cut, already at the new view
        window.viewport.moving_frame_ms = 1.0
        window.narration.step_by(+1)
        assert window.viewport.gliding  # fast enough: glides
        window.viewport.finish_glide()
    finally:
        window.viewport.moving_frame_ms = saved
    window.display_bar.dark.click()
    assert window.narration.dark and "color:#eeeeee" in window.narration.text.styleSheet()
    window.display_bar.dark.click()
    assert not window.narration.dark


def test_the_first_peel_notch_takes_something_away(window, session):
    before = drawn(window)
    window.layers.peel.setValue(1)
    assert drawn(window) < before  # skin is off already: the first notch takes the next layer
    assert window.view_state.peel >= 1
    assert window.layers.peel_label.text() == session.catalog.peel_labels()[window.view_state.peel]
    window.layers.buttons["Show all"].click()
    assert window.layers.peel.value() == 0 and drawn(window) == before


def test_a_view_button_while_drawing_keeps_the_pain_map_on_screen(window, qtbot):
    """Pressing a view button in drawing mode turns the canvas; the paint does not vanish."""
    import numpy as np
    from PyQt5 import QtCore, QtWidgets
    from PyQt5.QtTest import QTest

    from sciatic_atlas.anatomy.skin_regions import named_regions, region_weights, skin_surface

    panel, model = window.consult, window.session.model
    if not model.has_mesh("skin"):
        pytest.skip("the bundled assets have no skin")
    QTest.mouseClick(panel.draw_button, QtCore.Qt.LeftButton)
    try:
        assert panel.drawing
        surface = skin_surface(model)
        calf = surface.vertices[region_weights(surface, named_regions()["calf"]["spec"], "right") > 0.5]
        assert panel.editor.stroke(calf[:: max(1, len(calf) // 8)][:8]) > 0
        panel.brush.repaint()
        # As in a session a moment old: the moving-frame copies exist, so the glide swaps meshes
        # (paint put on the coarse copy was lost when the full mesh came back).
        qtbot.waitUntil(lambda: window.viewport.coarse_ready, timeout=20000)
        lateral = [b for b in window.view_bar.findChildren(QtWidgets.QAbstractButton) if b.text() == "Lateral"]
        QTest.mouseClick(lateral[0], QtCore.Qt.LeftButton)
        qtbot.waitUntil(lambda: window.view_state.view == "lateral", timeout=5000)
        window.viewport.finish_glide()
        skin = window.viewport.actors["skin"]
        assert skin.actor.GetVisibility()
        assert skin.actor.mapper.scalar_visibility
        assert skin.actor.mapper.GetInput().GetPointData().HasArray("painmap_rgb")
        assert drawn(window) == {"skin"}
    finally:
        QTest.mouseClick(panel.draw_button, QtCore.Qt.LeftButton)
        window.view_state.set_view(None)
