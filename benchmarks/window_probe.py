"""Measure the real window in this process and print the numbers as JSON (used by bench_window.py).

``python benchmarks/window_probe.py atlas START WxH`` opens the Sciatic Atlas window
(needs an X display), ``... floor START WxH`` a window of the same size holding one
small sphere. ``START`` is the parent's ``time.time()`` just before it started this
process, so the first-frame time includes interpreter start-up and imports.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # window_feel.py beside this file



def _throwaway_settings():
    """Return QSettings in a fresh temporary ini file.

    Never "/dev/null": Qt saves an ini file by renaming a temporary file over the path,
    which replaced the device with a plain file.
    """
    import tempfile

    from PyQt5 import QtCore

    folder = tempfile.mkdtemp(prefix="sciatic-atlas-bench-")
    return QtCore.QSettings(f"{folder}/settings.ini", QtCore.QSettings.IniFormat)

def _median_ms(samples: list[float]) -> float:
    return 1000.0 * statistics.median(samples)


def _orbit(plotter, frames: int = 24) -> float:
    """Return the median time (ms) of a rendered frame while turning the camera."""
    samples = []
    for _ in range(frames):
        plotter.camera.Azimuth(4.0)
        start = time.perf_counter()
        plotter.render()
        samples.append(time.perf_counter() - start)
    return _median_ms(samples)


def _window_size(text: str) -> tuple[int, int]:
    width, height = (int(v) for v in text.split("x"))
    return width, height


def probe_atlas(start: float, size: tuple[int, int]) -> dict:
    from PyQt5 import QtCore, QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["probe"])
    from sciatic_atlas.app.qt_main_window import MainWindow
    from sciatic_atlas.app.qt_settings import Settings
    from sciatic_atlas.app.session import Session

    session = Session.load(defer_scenes=True)  # as the program starts (sciatic_atlas/app/qt_launch.py)
    settings = Settings(_throwaway_settings())
    window = MainWindow(session, settings)
    window.resize(*size)
    window.show()
    window.open(None)
    app.processEvents()
    first_frame = time.time() - start
    viewport = window.viewport
    plotter = viewport.plotter
    out = {"first_frame_s": first_frame, "view_px": list(plotter.window_size),
           "structures": len(viewport.actors),
           "triangles": sum(session.model.structure(s).n_triangles for s in viewport.actors)}
    app.processEvents()

    # Orbit with the translucent layers on: full quality, then the reduced detail used while moving
    # (its coarse meshes are made in idle time after the first frame: wait for them, timed).
    begin = time.perf_counter()
    while not viewport.coarse_ready and time.perf_counter() - begin < 60:
        app.processEvents()
    out["coarse_ready_s"] = time.perf_counter() - begin
    out["orbit_full_ms"] = _orbit(plotter)
    viewport._set_fast(True)
    out["orbit_moving_ms"] = _orbit(plotter)
    viewport._set_fast(False)

    # Opening a scene and stepping: the new state applied, then its first frame drawn.
    switches, frames = [], []
    for scene_id in session.scenes:
        for step in range(session.n_steps(scene_id)):
            begin = time.perf_counter()
            if step == 0:
                window.open(scene_id)
            else:
                window.view_state.set_step(step)
            applied = time.perf_counter()
            plotter.render()
            frames.append(time.perf_counter() - applied)
            switches.append(applied - begin)
            viewport.finish_glide()
    out["switch_ms"] = _median_ms(switches) if switches else None
    out["switch_frame_ms"] = _median_ms(frames) if frames else None
    out["switches"] = len(switches)

    # Picking where a user clicks: on the projected centre of each drawn structure.
    window.open(None)
    viewport.finish_glide()
    begin = time.perf_counter()
    viewport.picker.warm()
    out["pick_warm_s"] = time.perf_counter() - begin
    renderer = plotter.renderer
    picks, found = [], 0
    for sid, item in list(viewport.actors.items())[::3]:
        renderer.SetWorldPoint(*item.actor.GetCenter(), 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        begin = time.perf_counter()
        found += viewport.picker.pick(x, y) is not None
        picks.append(time.perf_counter() - begin)
    out["pick_ms"] = _median_ms(picks)
    out["pick_hits"] = f"{found}/{len(picks)}"
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    window.close()
    return out


def probe_floor(start: float, size: tuple[int, int]) -> dict:
    """One small sphere in a QtInteractor of the same size, with the atlas's quality settings."""
    from PyQt5 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["probe"])
    import pyvista as pv
    from pyvistaqt import QtInteractor

    from sciatic_atlas.render.quality import prepare_plotter

    window = QtWidgets.QMainWindow()
    frame = QtWidgets.QFrame()
    layout = QtWidgets.QVBoxLayout(frame)
    layout.setContentsMargins(0, 0, 0, 0)
    plotter = QtInteractor(frame, auto_update=False)
    layout.addWidget(plotter.interactor)
    window.setCentralWidget(frame)
    window.resize(*size)
    window.show()
    prepare_plotter(plotter)
    plotter.add_mesh(pv.Sphere(radius=0.5), color="ivory", smooth_shading=True, render=False)
    plotter.render()
    app.processEvents()
    first_frame = time.time() - start
    out = {"first_frame_s": first_frame, "view_px": list(plotter.window_size), "orbit_ms": _orbit(plotter),
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}
    plotter.close()
    window.close()
    return out


def _ready_window(size: tuple[int, int]):
    """Return the application and a shown window, exploring, laid out, its coarse copies made."""
    from PyQt5 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["probe"])
    from sciatic_atlas.app.qt_main_window import MainWindow
    from sciatic_atlas.app.qt_settings import Settings
    from sciatic_atlas.app.session import Session

    session = Session.load()
    window = MainWindow(session, Settings(_throwaway_settings()))
    window.resize(*size)
    window.show()
    window.open(None)
    begin = time.perf_counter()
    while time.perf_counter() - begin < 5:  # shown, laid out, coarse copies made
        app.processEvents()
        if window.viewport.coarse_ready and time.perf_counter() - begin > 1:
            break
    return app, window


def probe_feel(start: float, size: tuple[int, int]) -> dict:
    """Drive the real window with Qt input and time what a user sees (window_feel.py)."""
    from window_feel import feel

    app, window = _ready_window(size)
    out = feel(app, window, window.session)
    out["view_px"] = list(window.viewport.plotter.window_size)
    window.close()
    return out


def probe_pose(start: float, size: tuple[int, int]) -> dict:
    """Step to posed steps and drag the pose slider with real X input (pose_feel.py, issue 13)."""
    from pose_feel import pose_feel

    app, window = _ready_window(size)
    out = pose_feel(app, window)
    out["view_px"] = list(window.viewport.plotter.window_size)
    window.close()
    return out


def probe_cold(start: float, size: tuple[int, int], scene: str = "piriformis", step: int = 3) -> dict:
    """Start the program into a scene step (as `sciatic-atlas --scene S --step N`) until the view stays."""
    import tempfile

    from PyQt5 import QtCore

    from PyQt5 import QtWidgets

    app = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["probe"])
    from sciatic_atlas.app.qt_launch import launch

    from window_feel import QUIET_S

    out: dict = {}
    seen: dict = {}

    def watch():
        window = next((w for w in app.topLevelWidgets() if w.objectName() == "sciaticAtlas"), None)
        viewport = getattr(window, "viewport", None)
        if viewport is not None and "clock" not in seen:
            from window_feel import FrameClock

            seen["clock"] = FrameClock(viewport)
        clock = seen.get("clock")
        if clock is not None and clock.frames and not viewport.render_pending \
                and time.perf_counter() - clock.frames[-1][1] > QUIET_S and window.isVisible():
            out["first_frame_s"] = clock.frames[0][1] - seen["t0"] + seen["startup_s"]
            out["settled_s"] = clock.frames[-1][1] - seen["t0"] + seen["startup_s"]
            out["frames"] = {"full": sum(not f[2] for f in clock.frames), "moving": sum(f[2] for f in clock.frames)}
            window.close()
            return
        QtCore.QTimer.singleShot(5, watch)

    from PyQt5 import QtCore

    seen["t0"] = time.perf_counter()
    seen["startup_s"] = time.time() - start  # interpreter start and imports so far
    QtCore.QTimer.singleShot(0, watch)
    with tempfile.TemporaryDirectory() as folder:
        launch(scene=scene, step=step, size=size, settings_file=Path(folder) / "settings.ini")
    return out


def main(argv: list[str]) -> int:
    mode, start, size = argv[0], float(argv[1]), _window_size(argv[2])
    probes = {"atlas": probe_atlas, "floor": probe_floor, "feel": probe_feel, "cold": probe_cold,
              "pose": probe_pose}
    result = probes[mode](start, size)
    print("PROBE " + json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
