"""The consult panel in a real window: a brush stroke with real mouse events paints the skin."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.anatomy.skin_regions import named_regions, region_weights, skin_surface

pytest.importorskip("pytestqt")


@pytest.fixture(scope="module")
def consult(x_display, qapp):
    from PyQt5 import QtWidgets

    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.app.panels.qt_consult import ConsultPanel
    from sciatic_atlas.app.qt_viewport import QtViewport

    model = load_model()
    if not model.has_mesh("skin"):
        pytest.skip("the bundled assets have no skin")
    host = QtWidgets.QWidget()
    layout = QtWidgets.QHBoxLayout(host)
    viewport = QtViewport(model, host)
    panel = ConsultPanel(viewport, {"dermatome_s1": ("spine", 3)})
    layout.addWidget(viewport, 1)
    layout.addWidget(panel)
    host.resize(1000, 760)
    host.show()
    yield host, viewport, panel
    panel.set_drawing(False)
    viewport.close_plotter()
    host.close()
    host.deleteLater()
    qapp.processEvents()


def display_xy(viewport, point):
    """Return the VTK display pixel (from the bottom left) of world ``point``."""
    renderer = viewport.plotter.renderer
    renderer.SetWorldPoint(*point, 1.0)
    renderer.WorldToDisplay()
    return renderer.GetDisplayPoint()[:2]


def widget_pos(viewport, point):
    """Return the Qt position in the interactor widget of world ``point``."""
    from PyQt5 import QtCore

    widget = viewport.plotter.interactor
    x, y = display_xy(viewport, point)
    ratio = widget.devicePixelRatioF()
    return widget, QtCore.QPoint(int(round(x / ratio)), int(round(widget.height() - y / ratio)))


def test_a_real_brush_stroke_paints_the_calf_and_ranks_it(consult, qtbot):
    from PyQt5 import QtCore, QtWidgets
    from PyQt5.QtTest import QTest

    host, viewport, panel = consult
    qtbot.waitExposed(host)
    panel.kind.setCurrentIndex(1)  # numbness
    panel.intensity.setValue(7)
    panel.size.setValue(30)
    panel.set_drawing(True)
    assert panel.brush.enabled and "skin" in viewport.actors
    qapp = QtWidgets.QApplication.instance()
    qapp.processEvents()  # let the layout settle: the pixels below are of the final view size
    viewport.render()
    surface = skin_surface(viewport.model)
    calf = region_weights(surface, named_regions()["calf"]["spec"], "right") > 0.5
    pts = surface.vertices[calf]
    top, bottom = pts[np.argmax(pts[:, 2])], pts[np.argmin(pts[:, 2])]
    path = [top + (bottom - top) * t for t in np.linspace(0.2, 0.8, 6)]
    widget, start = widget_pos(viewport, path[0])
    QTest.mousePress(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, start)
    for p in path[1:]:
        QTest.mouseMove(widget, widget_pos(viewport, p)[1])
    QTest.mouseRelease(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, widget_pos(viewport, path[-1])[1])
    marks = panel.painmap().marks
    assert len(marks) >= 4
    assert {m.kind for m in marks} == {"numbness"} and {m.intensity for m in marks} == {7.0}
    # The dabs landed on the calf, on the surface facing the camera (from behind).
    centres = np.array([m.point for m in marks])
    assert np.all(centres[:, 1] > surface.vertices[calf][:, 1].mean() - 15)
    # The skin actor now shows the paint, and the explanations are listed.
    skin = viewport.actors["skin"].actor.mapper
    assert skin.scalar_visibility and skin.GetInput().GetPointData().HasArray("painmap_rgb")
    assert panel.sources.count() > 10
    top_ids = [panel.sources.item(i).data(QtCore.Qt.UserRole) for i in range(4)]
    assert top_ids[0] in ("dermatome_s1", "referral_gastrocnemius", "referral_soleus", "dermatome_s2",
                          "referral_gluteus_minimus_posterior", "skin_sural")
    # Undo takes the whole stroke away, redo brings it back.
    panel.undo_button.click()
    assert panel.painmap().marks == ()
    assert not skin.scalar_visibility
    panel.redo_button.click()
    assert len(panel.painmap().marks) == len(marks)


def test_while_drawing_the_right_button_turns_the_view_and_paints_nothing(consult):
    from PyQt5 import QtCore
    from PyQt5.QtTest import QTest

    host, viewport, panel = consult
    assert panel.brush.enabled
    before, marks = viewport.plotter.renderer.camera.position, panel.painmap().marks
    widget = viewport.plotter.interactor
    centre = QtCore.QPoint(widget.width() // 2, widget.height() // 2)
    QTest.mousePress(widget, QtCore.Qt.RightButton, QtCore.Qt.NoModifier, centre)
    for dx in (20, 60, 120):
        QTest.mouseMove(widget, centre + QtCore.QPoint(dx, 0))
    QTest.mouseRelease(widget, QtCore.Qt.RightButton, QtCore.Qt.NoModifier, centre + QtCore.QPoint(120, 0))
    assert not np.allclose(viewport.plotter.renderer.camera.position, before, atol=1.0)
    assert panel.painmap().marks == marks


def test_the_eraser_removes_what_it_crosses(consult):
    from PyQt5 import QtCore
    from PyQt5.QtTest import QTest

    host, viewport, panel = consult
    before = len(panel.painmap().marks)
    assert before > 0
    panel.eraser.setChecked(True)
    widget, pos = widget_pos(viewport, panel.painmap().marks[0].point)
    QTest.mouseClick(widget, QtCore.Qt.LeftButton, QtCore.Qt.NoModifier, pos)
    panel.eraser.setChecked(False)
    assert len(panel.painmap().marks) < before
    panel.undo_button.click()
    assert len(panel.painmap().marks) == before


def test_save_open_and_one_click_scene(consult, tmp_path, qtbot):
    from PyQt5 import QtCore
    from PyQt5.QtTest import QTest

    host, viewport, panel = consult
    drawn = panel.painmap()
    path = tmp_path / "consult.json"
    assert panel.save_file(path)
    panel.undo_button.click()
    panel.open_file(path)
    assert panel.painmap() == drawn
    items = [panel.sources.item(i) for i in range(panel.sources.count())]
    s1 = next(i for i in items if i.data(QtCore.Qt.UserRole) == "dermatome_s1")

    panel.sources.scrollToItem(s1)
    with qtbot.waitSignal(panel.scene_requested, timeout=2000) as signal:
        QTest.mouseClick(panel.sources.viewport(), QtCore.Qt.LeftButton, QtCore.Qt.NoModifier,
                         panel.sources.visualItemRect(s1).center())
    assert signal.args == ["spine", 3]
    assert not panel.brush.enabled
