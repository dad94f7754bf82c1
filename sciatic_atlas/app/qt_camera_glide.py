"""The camera's glide between two poses in the window, timed by a Qt timer.

A glide draws cheap frames (:class:`~sciatic_atlas.render.quality.FrameQuality`) along
the eased path of :mod:`sciatic_atlas.render.camera_path` for :data:`GLIDE_MS`, and
ends with a full-quality frame asked of the frame pacer. On a renderer too slow to
draw :data:`MIN_GLIDE_FRAMES` frames in that time, the camera cuts to the view.
"""

from __future__ import annotations

import time

from PyQt5 import QtCore

from sciatic_atlas.render import camera_path
from sciatic_atlas.render.cameras import set_camera

GLIDE_MS = 650  # duration of a camera move between steps
MIN_GLIDE_FRAMES = 10  # a glide with fewer frames than this stutters: cut to the view instead
MOVING_SHARE = 0.4  # a moving frame takes about this share of a full one (CPU renderer, measured)


class CameraGlide(QtCore.QObject):
    """Move the camera smoothly from one pose to another, or cut when frames are too slow.

    Parameters
    ----------
    view : AtlasView
        The view whose camera moves (its frame quality is switched to moving frames).
    on_end : callable
        Called when a glide ends (or is cut): asks for the full-quality frame.
    parent : QObject
        Owns the timer.
    """

    def __init__(self, view, on_end, parent: QtCore.QObject):
        super().__init__(parent)
        self._view = view
        self._on_end = on_end
        self.moving_frame_ms: float | None = None  # smoothed time of a reduced-quality frame
        self._start = 0.0
        self._from = self._to = None
        self._timer = QtCore.QTimer(self, interval=15)
        self._timer.timeout.connect(self._on_tick)

    @property
    def gliding(self) -> bool:
        """True while the camera glides."""
        return self._timer.isActive()

    @property
    def can_glide(self) -> bool:
        """True unless moving frames were measured too slow for a smooth glide."""
        return self.moving_frame_ms is None or self.moving_frame_ms * MIN_GLIDE_FRAMES <= GLIDE_MS

    def guess_moving_frame(self, full_ms: float) -> None:
        """Guess a moving frame's time from a full frame's, until one has been timed.

        So the first glide on a slow renderer is cut too, not drawn at a few frames a second.
        """
        if self.moving_frame_ms is None:
            self.moving_frame_ms = MOVING_SHARE * full_ms

    def start(self, start, target) -> None:
        """Glide from pose ``start`` to pose ``target`` (:class:`~sciatic_atlas.render.cameras.CameraPose`)."""
        self._from, self._to = start, target
        if not self.can_glide:  # a slow renderer: cut straight to the new view
            self.finish()
            return
        self._start = time.perf_counter()
        self._view.quality.set_moving(True)
        self._view.show_labels(False)  # placed for where the glide lands; shown with its last frame
        self._timer.start()

    def _on_tick(self) -> None:
        t = (time.perf_counter() - self._start) * 1000.0 / GLIDE_MS
        self.finish() if t >= 1.0 else self._frame(t)

    def _frame(self, t: float) -> None:
        plotter = self._view.plotter
        set_camera(plotter, camera_path.interpolate(self._from, self._to, t))
        started = time.perf_counter()
        plotter.render()
        ms = (time.perf_counter() - started) * 1000.0
        self.moving_frame_ms = ms if self.moving_frame_ms is None else 0.5 * (self.moving_frame_ms + ms)
        if not self.can_glide:
            self.finish()

    def finish(self) -> None:
        """Jump to the end of a running glide; its full-quality frame is asked for (not drawn here).

        The frame is asked for, not drawn, so that steps pressed in a burst on a renderer
        too slow to glide draw only the last one.
        """
        self._timer.stop()
        if self._to is not None:
            set_camera(self._view.plotter, self._to)
            self._from = self._to = None
        self._on_end()

    def stop(self) -> None:
        """Stop the timer (the view is closing)."""
        self._timer.stop()
