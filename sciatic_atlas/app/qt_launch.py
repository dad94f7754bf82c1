"""Start the window: the application, loading with progress, options, screenshot mode.

Loading shows a progress dialog (model, knowledge, scenes, then the meshes of the
first frame) and keeps the event loop turning, so the program never looks frozen.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt5 import QtCore, QtWidgets

log = logging.getLogger(__name__)


class LoadingProgress:
    """A progress dialog fed with ``(percent, what)``; keeps the event loop turning."""

    def __init__(self, app: QtWidgets.QApplication, visible: bool = True):
        self.app = app
        self.dialog = QtWidgets.QProgressDialog("Starting Sciatic Atlas…", "", 0, 100)
        self.dialog.setWindowTitle("Sciatic Atlas")
        self.dialog.setCancelButton(None)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(True)
        self.visible = visible

    def __call__(self, percent: int, what: str) -> None:
        if self.visible:
            self.dialog.setLabelText(what + "…")
            self.dialog.setValue(int(percent))
        self.app.processEvents(QtCore.QEventLoop.ExcludeUserInputEvents)

    def close(self) -> None:
        self.dialog.reset()
        self.dialog.close()


def warm_meshes(session, view_state, progress) -> None:
    """Read and prepare the meshes the first frame draws, reporting progress (25..90 %)."""
    from sciatic_atlas.render.structure_actor import surface

    state = session.frame_state(view_state)
    ids = [sid for sid, style in state.styles.items() if style.visible and session.model.has_mesh(sid)]
    for i, sid in enumerate(ids):
        if i % 8 == 0:
            progress(25 + int(65 * i / max(1, len(ids))), f"Preparing the 3D model ({i}/{len(ids)})")
        surface(session.model, sid)


def check_scene(session, scene: str | None, step: int | None) -> None:
    """Raise :class:`UserError` naming the fix if ``scene`` or ``step`` does not exist."""
    from rapidfuzz import process

    from sciatic_atlas.app.cli import UserError

    if scene is None:
        return
    if scene not in session.scenes:
        broken = [e for e in session.broken if Path(getattr(e, "file", "")).stem == scene]
        if broken:
            raise UserError(f"scene '{scene}' could not be loaded:\n{broken[0]}")
        near = [m[0] for m in process.extract(scene, list(session.scenes), limit=3, score_cutoff=50)]
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise UserError(f"unknown scene '{scene}'{hint}; list them with `sciatic-atlas scenes`")
    last = session.n_steps(scene) - 1
    if step is not None and step > last:
        raise UserError(f"scene '{scene}' has {last} step{'s' if last != 1 else ''}; "
                        f"--step must be 0 (the opening view) to {last}")


def open_scene_path(session, scene: str | None) -> str | None:
    """Return the scene id to open for ``--scene``: an id, or a scene file or folder of the user's.

    A file or folder is added to the session's library (its first scene is opened).

    Raises
    ------
    UserError
        If the file or folder holds no scene that loads (with each file's problems).
    """
    from sciatic_atlas.app.cli import UserError

    looks_like_path = scene is not None and (scene.endswith((".yaml", ".yml")) or "/" in scene
                                             or "\\" in scene or Path(scene).expanduser().is_dir())
    if not looks_like_path:
        return scene  # a library scene id
    path = Path(scene).expanduser()
    if not path.exists():
        raise UserError(f"no scene file or folder '{path}'")
    ids = session.open_user_scenes(path)
    if not ids:
        problems = "\n".join(str(e) for e in session.broken if str(path.resolve()) in str(Path(e.file).resolve()))
        raise UserError(f"no scene could be opened from '{path}':\n{problems}" if problems else
                        f"no scene files (.yaml) in '{path}'")
    return ids[0]


def launch(scene: str | None = None, step: int | None = None, side: str | None = None,
           present: bool = False, dark: bool = False, size: tuple[int, int] = (1600, 1000),
           screenshot: Path | None = None, settings_file: Path | None = None,
           argv: list[str] | None = None) -> int:
    """Open the window; with ``screenshot`` write a picture of it and return at once.

    Parameters
    ----------
    scene, step : str and int, optional
        The scene to open and its step (0-based); default: the last one used.
    side : str, optional
        'both', 'left' or 'right'; default: the last one used.
    present, dark : bool
        Start presenting; use the dark background.
    size : tuple of int
        Window width and height in pixels (when no layout was remembered, or screenshotting).
    screenshot : Path, optional
        Write a PNG of the whole window there and exit.
    settings_file : Path, optional
        An ini file for the settings instead of the user's.

    Returns
    -------
    int
        The exit status.
    """
    from sciatic_atlas.app.cli import UserError
    from sciatic_atlas.app.qt_errors import install_excepthook, show_error
    from sciatic_atlas.app.qt_main_window import MainWindow
    from sciatic_atlas.app.qt_settings import Settings
    from sciatic_atlas.app.session import Session

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(argv or ["sciatic-atlas"])
    app.setApplicationName("Sciatic Atlas")
    progress = LoadingProgress(app, visible=screenshot is None)
    progress(1, "Reading the model")
    session = Session.load(progress, defer_scenes=True)  # the library is read after the first frame
    problem = None
    try:
        scene = open_scene_path(session, scene)
        check_scene(session, scene, step)
    except UserError as exc:
        if screenshot is not None:
            raise  # scripted: a clean error and exit status
        # Started from a menu, nobody reads the terminal: open the window and say it there.
        log.error("%s", exc)
        problem, scene, step = exc, None, None
    qsettings = QtCore.QSettings(str(settings_file), QtCore.QSettings.IniFormat) if settings_file else None
    settings = Settings(qsettings)
    window = MainWindow(session, settings)
    previous_hook = install_excepthook(lambda: window)
    try:
        if screenshot is None:
            window.restore_settings()
            if scene is None and settings.last_scene and settings.last_scene in session.scenes:
                scene, step = settings.last_scene, settings.last_step if step is None else step
        if screenshot is not None or not window.settings.q.contains("window/geometry"):
            window.resize(*size)
        window.view_state.side = side or window.view_state.side
        window.display_bar._on_side_change(window.view_state.side)
        if dark:
            window.view_state.set_background("dark")
        window.view_state.scene_id, window.view_state.step = scene, step or 0
        warm_meshes(session, window.view_state, progress)
        progress(95, "Drawing")
        # The view's first frame is the one the scene asks for: with a frame pending, the
        # paint on showing is skipped (it drew an empty view, then the scene: two frames).
        window.viewport.request_render()
        window.show()
        window.open(scene, step or 0, side)
        progress.close()
        if problem is not None:
            show_error(window, problem, "The scene asked for was not opened")
        if present:
            window.view_state.set_present(True)
        if screenshot is not None:
            return _screenshot(app, window, Path(screenshot))
        return app.exec_()
    finally:
        import sys

        sys.excepthook = previous_hook


def _screenshot(app: QtWidgets.QApplication, window, path: Path) -> int:
    """Wait until the window is drawn, write its picture to ``path``, close it."""
    from PyQt5 import QtTest

    QtTest.QTest.qWaitForWindowExposed(window, 5000)
    app.processEvents()
    window.viewport.finish_glide()
    pixmap = window.grab_window()
    from sciatic_atlas.fileio import write_with

    try:  # atomic: a failed write leaves an old picture whole (WriteError says why)
        write_with(path, lambda tmp: pixmap.save(str(tmp), "PNG"), make_parents=True)
    finally:
        window.close()
        app.processEvents()
    log.info("wrote %s (%dx%d)", path, pixmap.width(), pixmap.height())
    return 0
