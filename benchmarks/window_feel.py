"""What a user feels in the real window: input event to the last frame that stays (issue 11).

Used by ``window_probe.py feel``/``cold``. Input is real X input sent by ``xdotool``
from another process (keys, clicks, drags, wheel notches), read by Qt as a user's
is, also while a frame is being drawn; every
frame the render window draws is timed by its own ``StartEvent``/``EndEvent``; an
action has settled when nothing is pending and no frame has come for
:data:`QUIET_S`. Times are from the input event to the end of the last frame.
"""

from __future__ import annotations

import statistics
import time

QUIET_S = 0.3  # no frame for this long and nothing pending: the picture on screen stays


class FrameClock:
    """Time every frame of a viewport's render window: (start, end, reduced detail?)."""

    def __init__(self, viewport):
        self.viewport = viewport
        self.frames: list[tuple[float, float, bool]] = []
        self._start = 0.0
        window = viewport.plotter.render_window
        window.AddObserver("StartEvent", lambda *_: setattr(self, "_start", time.perf_counter()))
        window.AddObserver("EndEvent", self._on_end)

    def _on_end(self, *_args) -> None:
        self.frames.append((self._start, time.perf_counter(), self.viewport._fast))

    def settle(self, app, since: float, limit_s: float = 60.0, input_s: float = 0.0) -> None:
        """Turn the event loop until the view has settled (and input sent over ``input_s`` is in)."""
        while time.perf_counter() - since < limit_s:
            app.processEvents()
            now = time.perf_counter()
            last = self.frames[-1][1] if self.frames else since
            if not self.viewport.render_pending and now - max(last, since + input_s) > QUIET_S:
                return
            time.sleep(0.001)

    def measure(self, app, action, input_s: float = 0.0) -> dict:
        """Run ``action`` (sends input over ``input_s``), wait until settled; return what the user saw."""
        self.settle(app, time.perf_counter())
        mark = len(self.frames)
        begin = time.perf_counter()
        action()
        self.settle(app, begin, input_s=input_s)
        frames = self.frames[mark:]
        full = [f for f in frames if not f[2]]
        moving = [f for f in frames if f[2]]
        return {"settle_ms": 1000.0 * (frames[-1][1] - begin) if frames else 0.0,
                "first_ms": 1000.0 * (frames[0][1] - begin) if frames else 0.0,
                "full": len(full), "moving": len(moving),
                "full_frame_ms": 1000.0 * max((e - s for s, e, _ in full), default=0.0),
                "moving_frame_ms": 1000.0 * statistics.median([e - s for s, e, _ in moving]) if moving else 0.0}


def xdotool(*args: str):
    """Send real X input (keys, wheel, clicks) from another process, as a user's devices do.

    Qt reads it from the X server on its own thread while the main thread renders,
    so input that arrives during a frame queues up exactly as a user's does.
    """
    import subprocess

    return subprocess.Popen(["xdotool", *args])


def at(widget, pos) -> tuple[str, str]:
    """Return the screen position of a widget position, for xdotool."""
    point = widget.mapToGlobal(pos)
    return str(point.x()), str(point.y())


def visible_pixel(viewport, structure_id: str):
    """Return a widget position where the view shows ``structure_id``, or None."""
    import numpy as np
    from PyQt5 import QtCore

    item = viewport.actors.get(structure_id)
    if item is None or not item.actor.visibility:
        return None
    widget = viewport.plotter.interactor
    ratio = widget.devicePixelRatioF()
    renderer = viewport.plotter.renderer
    points = np.asarray(item.actor.GetMapper().GetInput().points)
    for point in points[:: max(1, len(points) // 200)]:
        renderer.SetWorldPoint(*map(float, point), 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        pos = QtCore.QPoint(round(x / ratio), round(widget.height() - 1 - y / ratio))
        if 0 < pos.x() < widget.width() and 0 < pos.y() < widget.height() \
                and viewport.picker.pick(pos.x() * ratio, (widget.height() - 1 - pos.y()) * ratio) == structure_id:
            return pos
    return None


def list_click(window, scene_id):
    """Click a scene's row in the scene list (real X input)."""
    from PyQt5 import QtCore

    listing = window.scenes.list
    item = next(listing.item(r) for r in range(listing.count()) if listing.item(r).data(QtCore.Qt.UserRole) == scene_id)
    listing.scrollToItem(item)
    return xdotool("mousemove", *at(listing.viewport(), listing.visualItemRect(item).center()), "click", "1")


def feel(app, window, session) -> dict:
    """Measure every user action of issue 11 in an open window; return the numbers."""
    from PyQt5 import QtCore

    viewport = window.viewport
    clock = FrameClock(viewport)
    widget = viewport.plotter.interactor
    window.activateWindow()
    out: dict = {}
    steps = []
    for scene_id in session.scenes:
        steps.append((f"{scene_id} open", clock.measure(app, lambda: list_click(window, scene_id), input_s=0.05)))
        window.scenes.list.setFocus()
        for step in range(1, session.n_steps(scene_id)):
            result = clock.measure(app, lambda: xdotool("key", "Next"), input_s=0.05)
            steps.append((f"{scene_id} step {step}", result))
    out["steps"] = steps
    # A clicker burst: three Page Ups and a Page Down, 150 ms apart, in the scene with most steps.
    longest = max(session.scenes, key=session.n_steps)
    window.open(longest, session.n_steps(longest) - 1)
    clock.settle(app, time.perf_counter())
    window.scenes.list.setFocus()
    out["burst"] = clock.measure(app, lambda: xdotool("key", "--delay", "150", "Prior", "Prior", "Prior", "Next"),
                                 input_s=0.5)
    out["burst_step"] = window.view_state.step
    out["burst_expected"] = session.n_steps(longest) - 3
    # Four Page Downs 30 ms apart: faster than a frame, so the ones in between are not drawn.
    window.open(longest)
    clock.settle(app, time.perf_counter())
    window.scenes.list.setFocus()
    out["rapid"] = clock.measure(app, lambda: xdotool("key", "--delay", "30", "Next", "Next", "Next", "Next"),
                                 input_s=0.15)
    out["rapid_step"] = window.view_state.step
    window.open(None)
    clock.settle(app, time.perf_counter())
    centre = QtCore.QPoint(widget.width() // 2, widget.height() // 2)
    x, y = at(widget, centre)
    moves = [a for i in range(1, 21) for a in ("mousemove", *at(widget, centre + QtCore.QPoint(8 * i, 0)),
                                                  "sleep", "0.03")]
    out["orbit"] = clock.measure(app, lambda: xdotool("mousemove", x, y, "mousedown", "1", *moves),
                                 input_s=0.8)
    out["orbit_release"] = clock.measure(app, lambda: xdotool("mouseup", "1"), input_s=0.05)
    out["wheel"] = clock.measure(app, lambda: xdotool("mousemove", x, y, "click", "--repeat", "3", "--delay", "100",
                                                      "4"), input_s=0.35)
    window.open(None)
    clock.settle(app, time.perf_counter())
    target = next((sid for sid in ("sciatic_nerve_r", "biceps_femoris_long_head_r", "gluteus_maximus_r")
                   if visible_pixel(viewport, sid) is not None), None)
    if target is not None:
        cx, cy = at(widget, visible_pixel(viewport, target))
        xdotool("mousemove", cx, cy).wait()
        clock.settle(app, time.perf_counter())
        out["click"] = clock.measure(app, lambda: xdotool("click", "1"), input_s=0.05)
        out["click_selected"] = window.view_state.selected
    return out
