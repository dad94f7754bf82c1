"""The model moving between poses in the window: a pose slider's drag and the eased change of step.

Both draw cheap frames (coarse meshes, labels hidden; see
:mod:`sciatic_atlas.app.qt_frame_pacer`) that pose only the coarse copies
(:meth:`~sciatic_atlas.render.view.AtlasView.set_pose` with ``coarse_only``), and end in
one full-quality frame asked of the frame pacer (issue 13):

- a drag draws at most one frame per turn of the event loop, of the last position asked
  for: mouse moves queued behind a slow frame share the next one (no frame per event);
- a change of step to another pose moves the joints along
  :func:`~sciatic_atlas.anatomy.poses.interpolate_pose` eased by
  :func:`~sciatic_atlas.anatomy.easing.ease` for :data:`POSE_MS`. A new change or a key
  press during it jumps to the end. As a camera glide does, it cuts to the end when its
  frames (posing the coarse copies, then rendering) are too slow for
  :data:`~sciatic_atlas.app.qt_camera_glide.MIN_GLIDE_FRAMES` frames in that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PyQt5 import QtCore

from sciatic_atlas.anatomy.easing import ease
from sciatic_atlas.anatomy.poses import interpolate_pose
from sciatic_atlas.app.qt_camera_glide import MIN_GLIDE_FRAMES

POSE_MS = 600  # duration of the change between two steps' poses


def poses_differ(a, b) -> bool:
    """Return True if poses ``a`` and ``b`` (ResolvedPose or None: standing) put the body differently."""
    if a is None or b is None:
        return (a is None) != (b is None)
    return (a.joints, a.placement, a.level) != (b.joints, b.placement, b.level)


class PoseMotion(QtCore.QObject):
    """Draw the model moving between poses at reduced detail.

    Parameters
    ----------
    view : AtlasView
        The view drawn.
    pacer : FramePacer
        Switches to cheap frames (and back) and draws the final full-quality frame.
    glide : CameraGlide
        The camera glide: while it runs it draws the frames (one render per tick, not two).
    parent : QObject
        Owns the timers.
    """

    def __init__(self, view, pacer, glide, parent: QtCore.QObject):
        super().__init__(parent)
        self._view = view
        self._pacer = pacer
        self._glide = glide
        self.drawn = None  # the ResolvedPose on screen (mid-drag; a running change: its end), None: standing
        self.frame_ms: float | None = None  # smoothed time of a frame of a change: posing + render
        self._from = self._to = None
        self._start = 0.0
        self._timer = QtCore.QTimer(self, interval=15)
        self._timer.timeout.connect(self._on_tick)
        self._drag: tuple[float, Callable] | None = None  # the last (amount, pose_for) asked for
        self._drag_timer = QtCore.QTimer(self, singleShot=True, interval=0)
        self._drag_timer.timeout.connect(self._draw_drag)

    @property
    def can_animate(self) -> bool:
        """True unless frames of a change were measured too slow to look smooth.

        Its own measure, not the glide's: a frame of a change also poses the coarse copies.
        """
        return self.frame_ms is None or self.frame_ms * MIN_GLIDE_FRAMES <= POSE_MS

    @property
    def running(self) -> bool:
        """True while a change of pose is animated."""
        return self._timer.isActive()

    # -- the change between steps --------------------------------------------------------------
    def start(self, start, end) -> bool:
        """Move from pose ``start`` to ``end`` (both already applied: ``end`` drawn at full detail).

        Returns False, animating nothing, when the poses are the same or frames are too slow.
        """
        self._timer.stop()
        self.drawn = end
        if not poses_differ(start, end) or not self.can_animate:
            return False
        self._from, self._to = start, end
        self._start = time.perf_counter()
        self._pacer.set_moving(True)
        self._pose(0.0)  # whatever renders next shows the start pose
        self._timer.start()
        return True

    def _pose(self, t: float) -> None:
        self._view.set_pose(interpolate_pose(self._from, self._to, ease(t)), coarse_only=True, render=False)

    def _on_tick(self) -> None:
        t = (time.perf_counter() - self._start) * 1000.0 / POSE_MS
        if t >= 1.0:
            self.finish()
            return
        started = time.perf_counter()
        self._pose(t)
        if self._glide.gliding:  # a glide renders on its own tick
            ms = (time.perf_counter() - started) * 1000.0 + (self._glide.moving_frame_ms or 0.0)
        else:
            self._render_moving()
            ms = (time.perf_counter() - started) * 1000.0
        self.frame_ms = ms if self.frame_ms is None else 0.5 * (self.frame_ms + ms)
        if not self.can_animate:  # too slow to look like motion: cut to the end
            self.finish()

    def finish(self) -> None:
        """Jump to the end of a running change; its full-quality frame is asked for (not drawn here)."""
        if not self._timer.isActive():
            return
        self._timer.stop()
        self._view.set_pose(self._to, render=False)  # the coarse copies too; full meshes are there already
        self._from = self._to = None
        self._pacer.request_render()

    def cancel(self) -> None:
        """Stop a running change or a pending drag frame where it is (a new state is applied over it)."""
        self._timer.stop()
        self._drag_timer.stop()
        self._drag = None
        self._from = self._to = None

    # -- the slider's drag ----------------------------------------------------------------------
    def drag(self, amount: float, pose_for: Callable[[float], object]) -> None:
        """Show the pose ``pose_for(amount)`` in a cheap frame, once the input queued is taken."""
        self._timer.stop()
        self._from = self._to = None
        self._drag = (amount, pose_for)
        if not self._drag_timer.isActive():
            self._drag_timer.start()

    @property
    def drag_pending(self) -> bool:
        """True while a drag frame is asked for and not yet drawn."""
        return self._drag_timer.isActive()

    def _draw_drag(self) -> None:
        if self._drag is None or self._view.closed:
            return
        amount, pose_for = self._drag
        self._drag = None
        self.drawn = pose_for(amount)
        self._pacer.set_moving(True)
        self._view.set_pose(self.drawn, coarse_only=True, render=False)
        self._render_moving()

    def _render_moving(self) -> None:
        self._view.plotter.render()

    def stop(self) -> None:
        """Stop the timers (the view is closing)."""
        self.cancel()
