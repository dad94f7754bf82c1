"""Fixtures for the window tests: one loaded session, one window shared by a module.

The window is built once per module (a VTK render window costs about a second on
a CPU renderer) and put back to free exploring before each test. Settings go to
an ini file of the test's own, never to the user's.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def session():
    from sciatic_atlas.app.session import Session

    return Session.load()


@pytest.fixture(scope="module")
def settings_file(tmp_path_factory):
    return tmp_path_factory.mktemp("settings") / "sciatic-atlas.ini"


def built_window(qapp, session, settings_file):
    """Yield a shown 1200x800 window on ``session``, with settings in ``settings_file``; close it after."""
    from PyQt5 import QtCore

    from sciatic_atlas.app.qt_main_window import MainWindow
    from sciatic_atlas.app.qt_settings import Settings

    settings = Settings(QtCore.QSettings(str(settings_file), QtCore.QSettings.IniFormat))
    window = MainWindow(session, settings)
    window.resize(1200, 800)
    window.show()
    yield window
    window.close()
    window.deleteLater()
    qapp.processEvents()


@pytest.fixture(scope="module")
def main_window(qapp, x_display, session, settings_file):
    for window in built_window(qapp, session, settings_file):
        window.open(None)
        yield window


@pytest.fixture
def window(main_window, qtbot):
    """The shared window, exposed, exploring freely with no user changes."""
    qtbot.waitExposed(main_window)
    vs = main_window.view_state
    if vs.present:
        vs.set_present(False)
    vs.select(None)
    vs.open_scene(None)
    vs.set_side("both")  # exploring freely: this is also the preferred side again
    vs.set_background("light")
    main_window.viewport.finish_glide()
    return main_window


def stepped_scene(session) -> str:
    """Return the id of the library scene with the most steps."""
    return max(session.scenes, key=session.n_steps)
