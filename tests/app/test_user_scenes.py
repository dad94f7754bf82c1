"""A lecturer's own scenes: a file or folder apart from the library, opened from the window or --scene PATH."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt5 import QtCore, QtWidgets

from sciatic_atlas.anatomy.paths import scenes_dir

pytestmark = pytest.mark.gui


@pytest.fixture
def own_folder(tmp_path) -> Path:
    """A folder with one good scene (a copy of piriformis under its own id) and one broken file."""
    folder = tmp_path / "my-lectures"
    folder.mkdir()
    source = next(scenes_dir().glob("*piriformis*.yaml")).read_text(encoding="utf-8")
    (folder / "my-piriformis.yaml").write_text(
        source.replace("id: piriformis\n", "id: my-piriformis\n", 1).replace("title: Piriformis\n", "title: My piriformis\n", 1),
        encoding="utf-8")
    (folder / "broken.yaml").write_text("id: broken\ntitle: [\n", encoding="utf-8")
    return folder


def test_a_folder_of_own_scenes_joins_the_library_with_its_broken_files(session, own_folder):
    from sciatic_atlas.app.session import Session

    own = Session(session.model, session.knowledge)
    ids = own.open_user_scenes(own_folder)
    assert ids == ["my-piriformis"]
    assert "my-piriformis" in own.scenes and "piriformis" in own.scenes  # the library stays
    assert any(Path(e.file).name == "broken.yaml" for e in own.broken)
    assert [s.own for s in own.scene_summaries() if s.id == "my-piriformis"] == [True]
    own.reload_scenes()
    assert "my-piriformis" in own.scenes  # read again with the library
    with pytest.raises(FileNotFoundError):
        own.open_user_scenes(own_folder / "missing")


def test_the_window_opens_a_scene_file_of_the_users_and_remembers_it(main_window, own_folder, qtbot):
    window = main_window
    ids = window.open_user_scenes(own_folder / "my-piriformis.yaml")
    assert ids == ["my-piriformis"] and window.view_state.scene_id == "my-piriformis"
    rows = [window.scenes.list.item(r).text() for r in range(window.scenes.list.count())]
    assert any(r.startswith("My piriformis\n") and r.endswith("yours") for r in rows)
    assert window.narration.title.text().startswith("My piriformis")
    window.settings.save_user_scene_paths(window.session.user_paths)
    assert str((own_folder / "my-piriformis.yaml").resolve()) in window.settings.user_scene_paths
    window.session.user_paths.clear()
    window.reload_scenes()
    assert "my-piriformis" not in window.session.scenes


def test_scene_path_on_the_command_line_opens_the_users_scene(x_display, own_folder, tmp_path):
    out = tmp_path / "shot.png"
    env = {k: v for k, v in os.environ.items() if k != "VTK_DEFAULT_OPENGL_WINDOW"}
    result = subprocess.run(
        [sys.executable, "-m", "sciatic_atlas", "--scene", str(own_folder / "my-piriformis.yaml"), "--step", "1",
         "--size", "900x600", "--settings", str(tmp_path / "s.ini"), "--screenshot", str(out)],
        capture_output=True, text=True, env=env, timeout=180)
    assert result.returncode == 0, result.stderr
    assert out.exists()
    settings = QtCore.QSettings(str(tmp_path / "s.ini"), QtCore.QSettings.IniFormat)
    assert settings.value("session/scene") == "my-piriformis"


def test_a_wrong_scene_name_is_also_said_in_the_window(x_display, qapp, session, tmp_path, monkeypatch):
    """Started from a menu nobody reads the terminal: the window opens and a dialog says what was wrong."""
    from sciatic_atlas.app import qt_launch

    seen = {}

    def close_when_shown():
        boxes = [w for w in qapp.topLevelWidgets() if isinstance(w, QtWidgets.QMessageBox) and w.isVisible()]
        windows = [w for w in qapp.topLevelWidgets() if w.objectName() == "sciaticAtlas" and w.isVisible()]
        for w in qapp.topLevelWidgets():
            for box in w.findChildren(QtWidgets.QMessageBox):
                if box.isVisible():
                    boxes.append(box)
        if boxes and windows:
            seen["text"] = boxes[0].text()
            seen["scene"] = windows[0].view_state.scene_id
            for box in boxes:
                box.close()
            windows[0].close()
            qapp.quit()
        else:
            QtCore.QTimer.singleShot(50, close_when_shown)

    QtCore.QTimer.singleShot(50, close_when_shown)
    status = qt_launch.launch(scene="piriformisx", size=(900, 600), settings_file=tmp_path / "s.ini")
    assert status == 0
    assert "unknown scene 'piriformisx'" in seen["text"] and "piriformis" in seen["text"]
    assert seen["scene"] is None  # exploring freely instead
