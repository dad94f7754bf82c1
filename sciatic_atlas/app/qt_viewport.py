"""The 3D view: a pyvistaqt interactor that draws scene states, picks, hovers and glides.

:class:`QtViewport` owns the plotter (``auto_update=False``: it renders only after
a change, see STYLE.md section 3), the ``actors`` dict that
:func:`~sciatic_atlas.render.apply_state` keeps, the picker, the orientation
cube and side labels. While the camera moves it drops to a cheaper frame
(no depth peeling, no anti-aliasing) and restores full quality when it stops,
so that rotating stays fluid on a CPU renderer.

One full-quality frame per change (issue 11): a change asks for a frame
(:meth:`QtViewport.request_render`) and the frame is drawn once the event loop has
taken every input already queued, so a burst of clicker presses draws only its last
step. Mouse clicks are told from drags on the Qt widget itself, because VTK's
trackball style takes the mouse on press and its observers never see the release.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace

from PyQt5 import QtCore, QtGui, QtWidgets

from sciatic_atlas.render import camera_path
from sciatic_atlas.render.picking import RayPicker
from sciatic_atlas.render.viewport_decor import SideLabels, orientation_cube
from sciatic_atlas.render import lod
from sciatic_atlas.render.apply import apply_camera, apply_state
from sciatic_atlas.render.cameras import set_camera
from sciatic_atlas.render.quality import FrameQuality

log = logging.getLogger(__name__)

CLICK_SLOP_PX = 4  # a press and release closer than this is a click, not a drag
SETTLE_MS = 200  # after the camera stops (drag released, last wheel notch): one full frame
HOVER_DELAY_MS = 150  # pick for the hover name once the pointer rests this long
GLIDE_MS = 650  # duration of a camera move between steps
PEEL_OCCLUSION_RATIO = 0.1
MIN_GLIDE_FRAMES = 10  # a glide with fewer frames than this stutters: cut to the view instead
MOVING_SHARE = 0.4  # a moving frame takes about this share of a full one (CPU renderer, measured)
FLY_MARGIN = 0.6  # around a structure flown to: the structure and what lies about it


class QtViewport(QtWidgets.QFrame):
    """A 3D view of the model that draws :class:`SceneState` objects.

    Parameters
    ----------
    model : AnatomyModel
        The built model (meshes, centrelines).
    parent : QWidget, optional
        The parent widget.
    """

    structure_clicked = QtCore.pyqtSignal(object)  # structure id or None (clicked on nothing)
    structure_hovered = QtCore.pyqtSignal(object)  # structure id or None
    frame_drawn = QtCore.pyqtSignal()  # a full-quality frame has been rendered
    camera_settled = QtCore.pyqtSignal()  # a camera glide has ended

    def __init__(self, model, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        from pyvistaqt import QtInteractor

        self.model = model
        self.actors: dict = {}
        self.state = None
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plotter = QtInteractor(self, auto_update=False)
        layout.addWidget(self.plotter.interactor)
        self.picker = RayPicker(self.plotter, self.actors)
        self.quality = FrameQuality(self.plotter, self.actors)
        self._press: tuple[int, int] | None = None
        self._hover_at: tuple[int, int] | None = None
        self._glide: list = []
        self._glide_start = 0.0
        self._glide_from = self._glide_to = None
        self._glide_timer = QtCore.QTimer(self, interval=15)
        self._glide_timer.timeout.connect(self._on_glide_tick)
        self._hover_timer = QtCore.QTimer(self, singleShot=True, interval=HOVER_DELAY_MS)
        self._hover_timer.timeout.connect(self._on_hover_timeout)
        # Coarse copies for moving frames are made in idle time, a few structures a tick.
        self._lod_timer = QtCore.QTimer(self, interval=0)
        self._lod_timer.timeout.connect(self._prepare_coarse)
        # The pending full-quality frame: drawn when the event loop is next idle.
        self._render_timer = QtCore.QTimer(self, singleShot=True, interval=0)
        self._render_timer.timeout.connect(self._draw_pending)
        # Full quality once the camera has stopped moving for SETTLE_MS.
        self._settle_timer = QtCore.QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle_timer.timeout.connect(self._on_settle)
        self.frames = {"full": 0, "moving": 0}  # frames rendered, counted by the render window
        self._fresh = False  # the render window holds a frame of the scene as it is now
        self._laying_out = False
        self._decorate()
        self._observe_interaction()

    # -- set-up -------------------------------------------------------------------------------
    def _decorate(self) -> None:
        # The default 'q' key of a PyVista plotter closes it; in a window that loses the view.
        self.plotter.clear_events_for_key("q", raise_on_missing=False)
        self.plotter.add_orientation_widget(orientation_cube(), interactive=False,
                                            viewport=(0.0, 0.0, 0.13, 0.13))
        self.side_labels = SideLabels(self.plotter)

    def _observe_interaction(self) -> None:
        iren = self.plotter.iren.interactor
        style = iren.GetInteractorStyle()
        style.AddObserver("StartInteractionEvent", lambda *_: self._start_interaction())
        style.AddObserver("EndInteractionEvent", lambda *_: self._end_interaction())
        iren.AddObserver("MouseMoveEvent", self._on_move, 1.0)
        iren.AddObserver("MouseWheelForwardEvent", lambda *_: self._start_interaction(), 1.0)
        iren.AddObserver("MouseWheelBackwardEvent", lambda *_: self._start_interaction(), 1.0)
        self.plotter.render_window.AddObserver("EndEvent", self._on_frame_rendered)
        self.plotter.interactor.installEventFilter(self)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Tell clicks from drags, keep VTK's own keys away, skip paints a pending frame redoes."""
        kind = event.type()
        if kind == QtCore.QEvent.MouseButtonPress and event.button() == QtCore.Qt.LeftButton:
            self._press = (event.x(), event.y())
        elif kind == QtCore.QEvent.MouseButtonRelease and event.button() == QtCore.Qt.LeftButton:
            press, self._press = self._press, None
            if press is not None and abs(event.x() - press[0]) <= CLICK_SLOP_PX \
                    and abs(event.y() - press[1]) <= CLICK_SLOP_PX:
                self.click_at(*self._display_xy(event.x(), event.y()))
        elif kind in (QtCore.QEvent.KeyPress, QtCore.QEvent.KeyRelease):
            # VTK's keys (3: anaglyph stereo, w: wireframe, r/f: camera jumps, e/q: quit...)
            # are not offered: the window's keys are handled by the window (issue 11).
            return True
        elif kind == QtCore.QEvent.Resize:
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
            iren = self.plotter.iren.interactor
            iren.EnableRenderOff()
            try:
                widget.event(event)  # the widget's paint: copies VTK's frame to the screen
            finally:
                iren.EnableRenderOn()
            return True
        return self._render_timer.isActive() or self._laying_out

    def _display_xy(self, x: int, y: int) -> tuple[float, float]:
        """Return the VTK display pixel (from the bottom left) of a widget position."""
        widget = self.plotter.interactor
        ratio = widget.devicePixelRatioF()
        return x * ratio, (widget.height() - 1 - y) * ratio

    def _on_frame_rendered(self, *_args) -> None:
        self.frames["moving" if self._fast else "full"] += 1
        self._fresh = True

    # -- drawing ------------------------------------------------------------------------------
    def show_state(self, state, move_camera: bool = True, glide: bool = True) -> None:
        """Draw ``state``; move the camera to its view (gliding there) or keep the user's.

        Parameters
        ----------
        state : SceneState
            What to draw. Its title and narration are shown by the window's panels,
            not in the 3D view.
        move_camera : bool
            Take the state's camera; False keeps where the user is looking.
        glide : bool
            Move the camera smoothly (else jump).
        """
        self.state = state
        shown = replace(state, title="", text="")
        if shown.overlays and not self.model.has_mesh("skin"):
            # Overlays are painted on the skin; assets built without it still show the rest.
            log.warning("no skin mesh in the assets: overlays %s not drawn", ", ".join(shown.overlays))
            shown = replace(shown, overlays=())
        start = camera_path.pose_of(self.plotter.renderer.camera)
        first = not self.actors
        lod.set_moving(self.actors, False)  # restyle and repaint the full meshes' mappers
        apply_state(self.plotter, shown, self.model, self.actors, camera=False, render=False)
        self._lod_timer.start()
        # Stop peeling once fewer than 10 % of the pixels change (where peeling is used:
        # saved pictures); the view itself uses OIT, see FrameQuality.
        self.plotter.renderer.SetOcclusionRatio(PEEL_OCCLUSION_RATIO)
        self.quality.restore()  # apply_state prepared the plotter for still pictures
        self.side_labels.set_style(self.side_labels_size, self.is_dark)
        if move_camera:
            apply_camera(self.plotter, shown.camera, shown.side, self.actors)
            if glide and not first:
                target = camera_path.pose_of(self.plotter.renderer.camera)
                set_camera(self.plotter, start)
                self._start_glide(start, target)
                return
        self._glide_timer.stop()
        self.request_render()

    @property
    def is_dark(self) -> bool:
        from sciatic_atlas.render.quality import is_dark

        return self.state is not None and is_dark(self.state.background)

    side_labels_size = side_labels_default = 11

    def set_text_size(self, points: int) -> None:
        """Set the size of the text drawn in the view (side labels, legend; structure labels
        at the next :meth:`show_state`)."""
        from sciatic_atlas.render.marks import set_text_scale
        from sciatic_atlas.render.overlays import place_legend

        set_text_scale(self.plotter, points / self.side_labels_default)
        self.side_labels_size = int(points)
        self.side_labels.set_style(self.side_labels_size, self.is_dark)
        place_legend(self.plotter, scale=points / 11.0)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        """Keep the overlay legend's type size when the view changes size."""
        super().resizeEvent(event)
        from sciatic_atlas.render.overlays import place_legend

        place_legend(self.plotter)

    def go_to(self, camera_spec, side: str, glide: bool = True) -> None:
        """Move the camera to ``camera_spec`` (a named view or explicit camera) for ``side``."""
        start = camera_path.pose_of(self.plotter.renderer.camera)
        apply_camera(self.plotter, camera_spec, side, self.actors)
        if glide:
            target = camera_path.pose_of(self.plotter.renderer.camera)
            set_camera(self.plotter, start)
            self._start_glide(start, target)
        else:
            self.request_render()

    def fly_to(self, structure_ids, glide: bool = True) -> bool:
        """Frame the camera on drawn structures (an id or several), keeping the direction of view.

        Returns False (the camera stays) if none of them is drawn.
        """
        import numpy as np

        from sciatic_atlas.render.cameras import fit_camera

        ids = [structure_ids] if isinstance(structure_ids, str) else list(structure_ids)
        items = [self.actors[sid] for sid in ids if sid in self.actors and self.actors[sid].actor.visibility]
        if not items:
            return False
        corners = []
        for item in items:
            bounds = np.asarray(item.actor.GetBounds(), float).reshape(3, 2)
            corners.extend([x, y, z] for x in bounds[0] for y in bounds[1] for z in bounds[2])
        corners = np.array(corners)
        camera = self.plotter.renderer.camera
        direction = np.asarray(camera.position, float) - np.asarray(camera.focal_point, float)
        width, height = self.plotter.window_size
        target = fit_camera(corners, direction, camera.up, aspect=width / max(height, 1),
                            view_angle=camera.view_angle, margin=FLY_MARGIN)
        start = camera_path.pose_of(camera)
        if glide:
            self._start_glide(start, target)
        else:
            set_camera(self.plotter, target)
            self.request_render()
        return True

    def request_render(self) -> None:
        """Ask for one full-quality frame, drawn once the input already queued is taken.

        Changes that arrive before it is drawn (a burst of clicker presses) share it.
        """
        self._fresh = False
        if not self.gliding:  # a glide ends in its own full frame
            self._render_timer.start()

    @property
    def render_pending(self) -> bool:
        """True while a full-quality frame is asked for and not yet drawn."""
        return self._render_timer.isActive() or self.gliding or self._settle_timer.isActive()

    def settle(self) -> None:
        """Draw now what is pending: end a glide, the frame after motion, an asked-for frame."""
        if self.gliding:
            self.finish_glide()
        if self._settle_timer.isActive() or self._render_timer.isActive():
            self.render()

    def _draw_pending(self) -> None:
        if self.gliding:
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
        if self._fast and not self.gliding:
            self.render()

    def render(self) -> None:
        """Render a full-quality frame now."""
        self._render_timer.stop()
        self._settle_timer.stop()
        self._set_fast(False)
        self.plotter.renderer.ResetCameraClippingRange()
        started = time.perf_counter()
        self.plotter.render()
        if self.moving_frame_ms is None:
            # Until a moving frame has been timed, guess it from this one, so that the
            # first glide on a slow renderer is cut too, not drawn at a few frames a second.
            self.moving_frame_ms = MOVING_SHARE * (time.perf_counter() - started) * 1000.0
        self.frame_drawn.emit()

    def grab_view(self) -> QtGui.QImage:
        """Return the 3D view as an image (full quality)."""
        self.render()
        return self.plotter.interactor.grabFramebuffer() if hasattr(
            self.plotter.interactor, "grabFramebuffer") else self.plotter.interactor.grab().toImage()

    # -- camera glide ---------------------------------------------------------------------------
    @property
    def can_glide(self) -> bool:
        """True unless moving frames were measured too slow for a smooth glide."""
        return self.moving_frame_ms is None or self.moving_frame_ms * MIN_GLIDE_FRAMES <= GLIDE_MS

    moving_frame_ms: float | None = None  # smoothed time of a reduced-quality frame

    def _start_glide(self, start, target) -> None:
        self._glide_from, self._glide_to = start, target
        if not self.can_glide:  # a slow renderer: cut straight to the new view
            self.finish_glide()
            return
        self._glide_start = time.perf_counter()
        self._set_fast(True)
        self._glide_timer.start()

    def _on_glide_tick(self) -> None:
        t = (time.perf_counter() - self._glide_start) * 1000.0 / GLIDE_MS
        self.finish_glide() if t >= 1.0 else self._glide_frame(t)

    def _glide_frame(self, t: float) -> None:
        set_camera(self.plotter, camera_path.interpolate(self._glide_from, self._glide_to, t))
        started = time.perf_counter()
        self.plotter.render()
        ms = (time.perf_counter() - started) * 1000.0
        self.moving_frame_ms = ms if self.moving_frame_ms is None else 0.5 * (self.moving_frame_ms + ms)
        if not self.can_glide:
            self.finish_glide()

    def finish_glide(self) -> None:
        """Jump to the end of a running camera glide; its full-quality frame is drawn next.

        The frame is asked for, not drawn here, so that steps pressed in a burst on a
        renderer too slow to glide draw only the last one.
        """
        self._glide_timer.stop()
        if self._glide_to is not None:
            set_camera(self.plotter, self._glide_to)
            self._glide_from = self._glide_to = None
        self.request_render()
        self.camera_settled.emit()

    @property
    def gliding(self) -> bool:
        return self._glide_timer.isActive()

    # -- level of detail ------------------------------------------------------------------------
    @property
    def coarse_ready(self) -> bool:
        """True when every drawn structure has its moving-frame copy (or needs none)."""
        return not self._lod_timer.isActive()

    def _prepare_coarse(self) -> None:
        if lod.prepare(self.model, self.actors, budget=4):
            self._lod_timer.stop()

    @property
    def _fast(self) -> bool:
        """True while the view draws cheap frames (the camera moves)."""
        return self.quality.moving

    def _set_fast(self, fast: bool) -> None:
        self.quality.set_moving(fast)

    def _start_interaction(self) -> None:
        """The camera starts moving (drag or wheel): cheap frames until it stops."""
        self._settle_timer.stop()
        self._render_timer.stop()  # the moving frames show the change; full quality comes after
        self._set_fast(True)

    def _end_interaction(self) -> None:
        """The camera stopped: one full-quality frame, unless it moves again within SETTLE_MS.

        VTK's style renders once more right after this event (at the moving quality,
        a frame the settle frame replaces at once): that render is skipped.
        """
        if self._fast and not self.gliding:
            self._settle_timer.start()
        self.plotter.iren.interactor.EnableRenderOff()
        QtCore.QTimer.singleShot(0, self._enable_interactor_render)

    def _enable_interactor_render(self) -> None:
        if not self.plotter._closed:
            self.plotter.iren.interactor.EnableRenderOn()

    # -- picking and hovering ---------------------------------------------------------------------
    def _event_xy(self) -> tuple[int, int]:
        return tuple(self.plotter.iren.interactor.GetEventPosition())

    def click_at(self, x: float, y: float) -> str | None:
        """Pick at display pixel ``(x, y)`` (from the bottom left) and emit ``structure_clicked``."""
        sid = self.picker.pick(x, y)
        self.structure_clicked.emit(sid)
        return sid

    def _on_move(self, *_args) -> None:
        if self._fast:
            return  # rotating or gliding: no hover picks
        self._hover_at = self._event_xy()
        self._hover_timer.start()

    def _on_hover_timeout(self) -> None:
        if self._hover_at is not None and not self._fast:
            self.structure_hovered.emit(self.picker.pick(*self._hover_at))

    # -- clean-up ---------------------------------------------------------------------------------
    def close_plotter(self) -> None:
        """Stop the timers and release the plotter's render window."""
        self.plotter.interactor.removeEventFilter(self)
        for timer in (self._glide_timer, self._hover_timer, self._settle_timer, self._render_timer,
                      self._lod_timer):
            timer.stop()
        self.actors.clear()
        self.plotter.close()
