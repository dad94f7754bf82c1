"""When the 3D view draws: one full-quality frame per change, cheap frames while the camera moves.

Issue 11: a change asks for a frame (:meth:`FramePacer.request_render`) and the frame
is drawn once the event loop has taken every input already queued, so a burst of
clicker presses draws only its last step. After a drag or a wheel turn the view draws
cheap frames and one full-quality frame once the camera has rested for
:data:`SETTLE_MS`. A paint of the widget copies a frame already rendered to the screen
instead of rendering it again.
"""

from __future__ import annotations

import time

from PyQt5 import QtCore, QtWidgets

SETTLE_MS = 200  # after the camera stops (drag released, last wheel notch): one full frame


class FramePacer(QtCore.QObject):
    """Decide when the view renders and at which quality; count the frames rendered.

    Parameters
    ----------
    view : AtlasView
        The view drawn (its plotter, and its frame quality switched while moving).
    glide : CameraGlide
        The camera glide (a glide draws its own frames and ends in a full one).
    on_frame : callable
        Called after each full-quality frame (the viewport's ``frame_drawn`` signal).
    parent : QObject
        Owns the timers.
    """

    def __init__(self, view, glide, on_frame, parent: QtCore.QObject):
        super().__init__(parent)
        self._view = view
        self._glide = glide
        self._on_frame = on_frame
        self.pose_motion = None  # a PoseMotion, set by its owner: like a glide, it ends in its own full frame
        self.frames = {"full": 0, "moving": 0}  # frames rendered, counted by the render window
        self._fresh = False  # the render window holds a frame of the scene as it is now
        self._laying_out = False
        # The pending full-quality frame: drawn when the event loop is next idle.
        self._render_timer = QtCore.QTimer(self, singleShot=True, interval=0)
        self._render_timer.timeout.connect(self._draw_pending)
        # Full quality once the camera has stopped moving for SETTLE_MS.
        self._settle_timer = QtCore.QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(self._on_settle)
        view.plotter.render_window.AddObserver("EndEvent", self._on_frame_rendered)

    @property
    def moving(self) -> bool:
        """True while the view draws cheap frames (the camera moves)."""
        return self._view.quality.moving

    def set_moving(self, moving: bool) -> None:
        """Draw cheap frames (``moving``) or full-quality ones from the next render.

        Structure labels are hidden while the camera moves: placed for the camera before,
        they would point at whatever passes under their anchors.
        """
        self._view.quality.set_moving(moving)
        if moving:
            self._view.show_labels(False)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Draw again after a resize; skip paints that a pending frame redoes."""
        kind = event.type()
        if kind == QtCore.QEvent.Resize:
            self._fresh = False  # the render window's buffers change size: draw again
        elif kind == QtCore.QEvent.Paint:
            return self._on_paint(obj, event)
        return False

    def _on_paint(self, widget: QtWidgets.QWidget, event: QtCore.QEvent) -> bool:
        """Show a frame just rendered without rendering it a second time.

        pyvistaqt's widget renders the scene again in every paint, including the paint
        that a finished render schedules to put itself on screen: each frame was drawn
        twice (issue 11: two full-quality frames per step). A frame rendered since the
        last change is only copied to the screen; a paint that a pending frame will
        follow is skipped.
        """
        if self._fresh:
            iren = self._view.plotter.iren.interactor
            iren.EnableRenderOff()
            try:
                widget.event(event)  # the widget's paint: copies VTK's frame to the screen
            finally:
                iren.EnableRenderOn()
            return True
        return self._render_timer.isActive() or self._laying_out

    def _on_frame_rendered(self, *_args) -> None:
        self.frames["moving" if self.moving else "full"] += 1
        self._fresh = True

    def request_render(self) -> None:
        """Ask for one full-quality frame, drawn once the input already queued is taken.

        Changes that arrive before it is drawn (a burst of clicker presses) share it.
        """
        self._fresh = False
        if not self._in_motion:  # a glide or a change of pose ends in its own full frame
            self._render_timer.start()

    @property
    def _in_motion(self) -> bool:
        return self._glide.gliding or (self.pose_motion is not None and self.pose_motion.running)

    @property
    def render_pending(self) -> bool:
        """True while a full-quality frame is asked for and not yet drawn."""
        return self._render_timer.isActive() or self._in_motion or self._settle_timer.isActive()

    def settle(self) -> None:
        """Draw now what is pending: end a glide, the frame after motion, an asked-for frame."""
        if self.pose_motion is not None:
            self.pose_motion.finish()
        if self._glide.gliding:
            self._glide.finish()
        if self._settle_timer.isActive() or self._render_timer.isActive():
            self.render()

    def _draw_pending(self) -> None:
        if self._in_motion:
            return
        # Lay the window out first (the narration strip may have changed height), so the
        # frame is drawn once, at the view's final size; the widget's own paint on
        # resizing is skipped, the frame below replaces it.
        self._laying_out = True
        try:
            QtWidgets.QApplication.sendPostedEvents(None, QtCore.QEvent.LayoutRequest)
        finally:
            self._laying_out = False
        self.render()

    def _on_settle(self) -> None:
        if self.moving and not self._in_motion:
            self.render()

    def render(self) -> None:
        """Render a full-quality frame now."""
        self._render_timer.stop()
        self._settle_timer.stop()
        self.set_moving(False)
        self._view.refresh_labels()  # the camera moved since they were placed: place them again
        self._view.show_labels(True)
        plotter = self._view.plotter
        plotter.renderer.ResetCameraClippingRange()
        started = time.perf_counter()
        plotter.render()
        self._glide.guess_moving_frame((time.perf_counter() - started) * 1000.0)
        self._on_frame()

    def start_interaction(self) -> None:
        """The camera starts moving (drag or wheel): cheap frames until it stops."""
        self._settle_timer.stop()
        self._render_timer.stop()  # the moving frames show the change; full quality comes after
        self.set_moving(True)

    def end_interaction(self) -> None:
        """The camera stopped: one full-quality frame, unless it moves again within SETTLE_MS.

        VTK's style renders once more right after this event (at the moving quality,
        a frame the settle frame replaces at once): that render is skipped.
        """
        if self.moving and not self._in_motion:
            self._settle_timer.start()
        self._view.plotter.iren.interactor.EnableRenderOff()
        QtCore.QTimer.singleShot(0, self._enable_interactor_render)

    def _enable_interactor_render(self) -> None:
        if not self._view.closed:
            self._view.plotter.iren.interactor.EnableRenderOn()

    def stop(self) -> None:
        """Stop the timers (the view is closing)."""
        self._render_timer.stop()
        self._settle_timer.stop()
