"""Starting the window: broken scene files shown, settings remembered, --screenshot, errors."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys

import pytest
from PyQt5 import QtCore, QtGui, QtWidgets

from sciatic_atlas.anatomy.paths import scenes_dir

pytestmark = pytest.mark.gui

BROKEN = """\
id: broken
title: A broken scene
narration: It names a muscle that does not exist.
audience: [student]
show: [piriformis_x]
metadata:
  sources:
    - citation: Test
"""


@pytest.fixture
def library(tmp_path):
    """A scene folder with every shipped scene plus one broken file."""
    folder = tmp_path / "scenes"
    shutil.copytree(scenes_dir(), folder)
    (folder / "99-broken.yaml").write_text(BROKEN)
    return folder


def make_window(session, ini):
    from sciatic_atlas.app.qt_main_window import MainWindow
    from sciatic_atlas.app.qt_settings import Settings

    return MainWindow(session, Settings(QtCore.QSettings(str(ini), QtCore.QSettings.IniFormat)))


def test_a_broken_scene_file_is_listed_with_its_errors_and_the_rest_still_works(
        x_display, library, tmp_path, qtbot, session):
    from sciatic_atlas.app.session import Session

    own = Session(session.model, session.knowledge, {}, [])
    own.reload_scenes(library)
    assert len(own.broken) == 1 and own.scenes
    window = make_window(own, tmp_path / "s.ini")
    qtbot.addWidget(window)
    window.show()
    broken = window.scenes.broken_items()
    assert len(broken) == 1 and "99-broken.yaml" in broken[0].text()
    window.scenes._on_item_click(broken[0])
    details = window.scenes.details.toPlainText()
    assert "line 5" in details and "piriformis_x" in details and "Fix" in details
    good = next(iter(own.scenes))
    window.scenes.scene_chosen.emit(good)
    assert window.view_state.scene_id == good
    assert window.viewport.actors
    window.close()


def test_layout_last_scene_and_preferences_are_remembered(x_display, session, tmp_path, qtbot):
    ini = tmp_path / "remember.ini"
    scene_id = next(iter(session.scenes))
    first = make_window(session, ini)
    qtbot.addWidget(first)
    first.resize(1000, 700)
    first.show()
    first.open(None)
    first.view_state.set_side("left")  # the preference is set while exploring freely
    first.open(scene_id, 1)
    first.view_state.set_side("right")  # inside a scene: this scene only, not remembered
    first.view_state.set_background("dark")
    first.close()
    second = make_window(session, ini)
    qtbot.addWidget(second)
    second.restore_settings()
    assert second.settings.last_scene == scene_id and second.settings.last_step == 1
    assert second.view_state.side == "left" and second.view_state.background == "dark"
    assert second.display_bar.side_buttons["left"].isChecked() and second.display_bar.dark.isChecked()
    assert (second.width(), second.height()) == (1000, 700)
    second.close()


def test_the_screenshot_option_writes_a_picture_of_the_whole_window(x_display, tmp_path, session):
    out = tmp_path / "window.png"
    scene_id = next(iter(session.scenes))
    env = {k: v for k, v in os.environ.items() if k != "VTK_DEFAULT_OPENGL_WINDOW"}
    result = subprocess.run(
        [sys.executable, "-m", "sciatic_atlas", "--scene", scene_id, "--step", "2", "--size", "900x600",
         "--settings", str(tmp_path / "s.ini"), "--screenshot", str(out)],
        capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    image = QtGui.QImage(str(out))
    assert (image.width(), image.height()) == (900, 600)
    colours = {image.pixel(x, y) for x in range(0, 900, 30) for y in range(0, 600, 30)}
    assert len(colours) > 20  # panels, text and anatomy, not a blank grab


def test_an_unknown_scene_is_a_clean_error_naming_the_near_ones(x_display, tmp_path, session):
    scene_id = next(iter(session.scenes))
    env = {k: v for k, v in os.environ.items() if k != "VTK_DEFAULT_OPENGL_WINDOW"}
    result = subprocess.run(
        [sys.executable, "-m", "sciatic_atlas", "--scene", scene_id + "x", "--settings", str(tmp_path / "s.ini"),
         "--screenshot", str(tmp_path / "x.png")], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"unknown scene '{scene_id}x'" in result.stderr and scene_id in result.stderr


def test_uncaught_errors_become_a_dialog_and_a_log_entry_not_a_traceback(qapp, qtbot, caplog):
    from sciatic_atlas.app import qt_errors

    parent = QtWidgets.QWidget()
    qtbot.addWidget(parent)
    previous = qt_errors.install_excepthook(lambda: parent)
    try:
        with caplog.at_level(logging.ERROR, logger="sciatic_atlas"):
            try:
                raise RuntimeError("boom in a slot")
            except RuntimeError:
                sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
    boxes = [w for w in parent.findChildren(QtWidgets.QMessageBox)]
    assert len(boxes) == 1
    text = boxes[0].text()
    assert "boom in a slot" in text and "Traceback" not in text and str(qt_errors.log_path()) in text
    assert any(r.exc_info and "boom in a slot" in str(r.exc_info[1]) for r in caplog.records)
    boxes[0].close()


def test_user_fixable_errors_are_shown_as_they_are():
    from sciatic_atlas.anatomy.errors import AtlasDataError
    from sciatic_atlas.app.qt_errors import user_message

    assert user_message(AtlasDataError("missing mesh file x.npz: rebuild it")) == "missing mesh file x.npz: rebuild it"


def test_a_deferred_scene_library_is_listed_and_searchable_after_the_first_frame(
        x_display, tmp_path, qtbot, session):
    from sciatic_atlas.app.session import Session

    own = Session(session.model, session.knowledge)  # the library is read when first needed
    window = make_window(own, tmp_path / "s.ini")
    qtbot.addWidget(window)
    assert not own.scenes_loaded
    window.show()
    window.open(None)
    qtbot.waitUntil(lambda: own.scenes_loaded and window.scenes.list.count() >= 1 + len(own.scenes),
                    timeout=10000)
    assert any(hit.kind == "scene" for hit in window.search.update_hits("piriformis"))


def test_starting_into_a_scene_step_draws_one_full_frame(x_display, tmp_path, qapp):
    """The first frame is the scene's: the paint on showing the window drew an empty view first."""
    from sciatic_atlas.app.qt_launch import launch

    seen: dict = {}

    def watch():
        window = next((w for w in qapp.topLevelWidgets() if w.objectName() == "sciaticAtlas" and w.isVisible()), None)
        if window is not None and window.viewport.frames["full"] and not window.viewport.render_pending:
            frames = dict(window.viewport.frames)
            if seen.get("last") == frames:  # nothing drawn for 400 ms: the picture stays
                seen["frames"], seen["shown"] = frames, len(window.viewport.actors)
                window.close()
                qapp.quit()
                return
            seen["last"] = frames
            QtCore.QTimer.singleShot(400, watch)
            return
        QtCore.QTimer.singleShot(10, watch)

    QtCore.QTimer.singleShot(0, watch)
    launch(scene="piriformis", step=3, size=(1200, 800), settings_file=tmp_path / "settings.ini")
    assert seen["shown"] > 0
    assert seen["frames"]["full"] == 1, seen["frames"]
