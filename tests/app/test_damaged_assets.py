"""A damaged mesh file in the window: a hole, a note in the status bar, and a window that keeps working."""

from __future__ import annotations

import shutil

import pytest
from PyQt5 import QtCore

from sciatic_atlas.anatomy.model import read_model
from sciatic_atlas.anatomy.paths import assets_dir


@pytest.fixture
def damaged_assets(tmp_path):
    out = tmp_path / "assets"
    shutil.copytree(assets_dir(), out)  # copies: a link out of the folder is refused as a mesh path
    (out / "meshes" / "piriformis_r.npz").write_bytes((assets_dir() / "meshes" / "piriformis_r.npz").read_bytes()[:300])  # cut short
    return out


def _window(qtbot, assets, tmp_path):
    """Return a shown main window on the assets in ``assets``."""
    from sciatic_atlas.app.qt_main_window import MainWindow
    from sciatic_atlas.app.qt_settings import Settings
    from sciatic_atlas.app.session import Session, _load_knowledge

    session = Session(read_model(assets), _load_knowledge())
    settings = Settings(QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.IniFormat))
    window = MainWindow(session, settings)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def test_a_damaged_mesh_leaves_a_hole_and_the_window_working(qapp, qtbot, x_display, damaged_assets, tmp_path):
    window = _window(qtbot, damaged_assets, tmp_path)
    window.open("piriformis", step=2, side="right")  # the step is about the piriformis
    assert window.view_state.scene_id == "piriformis"
    qtbot.waitUntil(lambda: "sciatic_nerve_r" in window.viewport.actors, timeout=20000)
    assert "piriformis_r" not in window.viewport.actors
    note = window.statusBar().currentMessage()
    assert "Piriformis" in note and "build-assets" in note and "more" not in note, note
    window.open("hamstrings", step=1)  # the rest keeps working
    assert window.view_state.scene_id == "hamstrings"
    qtbot.waitUntil(lambda: "semitendinosus_r" in window.viewport.actors, timeout=20000)


def test_a_damaged_occlusion_file_draws_everything_without_it(qapp, qtbot, x_display, tmp_path):
    from sciatic_atlas.render.structure_actor import OPENNESS

    out = tmp_path / "assets"
    shutil.copytree(assets_dir(), out)
    (out / "occlusion.npz").write_bytes((assets_dir() / "occlusion.npz").read_bytes()[:300])  # cut short
    window = _window(qtbot, out, tmp_path)
    window.open("piriformis", step=1, side="right")
    qtbot.waitUntil(lambda: "piriformis_r" in window.viewport.actors, timeout=20000)
    assert OPENNESS not in window.viewport.actors["piriformis_r"].mesh.point_data  # drawn as before the bake
    window.open("hamstrings", step=1)
    qtbot.waitUntil(lambda: "semitendinosus_r" in window.viewport.actors, timeout=20000)
