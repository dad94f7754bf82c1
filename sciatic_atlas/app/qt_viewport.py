"""The 3D view widget: a pyvistaqt interactor drawing scene states through an :class:`AtlasView`.

:class:`QtViewport` embeds the plotter (``auto_update=False``: it renders only after a
change, see STYLE.md section 3) and hands it to an
:class:`~sciatic_atlas.render.view.AtlasView`, which keeps the ``actors`` dict, labels,
overlays and frame quality, the same way the headless ``render`` command draws. The
widget wires the parts together: the picker, the orientation cube and side labels,
when frames are drawn (:mod:`sciatic_atlas.app.qt_frame_pacer`), camera glides
(:mod:`sciatic_atlas.app.qt_camera_glide`), the model moving between poses
(:mod:`sciatic_atlas.app.qt_pose_motion`) and the mouse (:mod:`sciatic_atlas.app.qt_pointer`).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from PyQt5 import QtCore, QtGui, QtWidgets

from sciatic_atlas.app.qt_camera_glide import CameraGlide
from sciatic_atlas.app.qt_frame_pacer import FramePacer
from sciatic_atlas.app.qt_pointer import PointerInput
from sciatic_atlas.app.qt_pose_motion import PoseMotion
from sciatic_atlas.render import camera_path, lod
from sciatic_atlas.render.cameras import set_camera
from sciatic_atlas.render.picking import RayPicker
from sciatic_atlas.render.view import AtlasView
from sciatic_atlas.render.viewport_decor import SideLabels, orientation_cube

log = logging.getLogger(__name__)

PEEL_OCCLUSION_RATIO = 0.1
FLY_MARGIN = 0.6  # around a structure flown to: the structure and what lies about it
LABEL_ID_SCALE = 2  # labels are placed from an ID pass of a quarter of the pixels: ~40 ms off each step


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

        self.state = None
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        plotter = QtInteractor(self, auto_update=False)
        layout.addWidget(plotter.interactor)
        self.view = AtlasView(plotter, model)
        self.view.id_scale = LABEL_ID_SCALE
        self.picker = RayPicker(plotter, self.view.actors, owners=lambda: self.view.mark_owners)
        self._glide = CameraGlide(self.view, self._on_glide_end, self)
        self._pacer = FramePacer(self.view, self._glide, self.frame_drawn.emit, self)
        self._pose = PoseMotion(self.view, self._pacer, self._glide, self)
        self._pacer.pose_motion = self._pose
        self._pointer = PointerInput(self)
        # Coarse copies for moving frames are made in idle time, a few structures a tick.
        self._lod_timer = QtCore.QTimer(self, interval=0)
        self._lod_timer.timeout.connect(self._prepare_coarse)
        self._decorate()
        self._observe_interaction()

    @property
    def plotter(self):
        """The pyvistaqt ``QtInteractor`` the view draws on."""
        return self.view.plotter

    @property
    def model(self):
        """The built model drawn."""
        return self.view.model

    @property
    def actors(self) -> dict:
        """The drawn structures, keyed by id (the view's dict)."""
        return self.view.actors

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
        style.AddObserver("StartInteractionEvent", lambda *_: self._pacer.start_interaction())
        style.AddObserver("EndInteractionEvent", lambda *_: self._pacer.end_interaction())
        iren.AddObserver("MouseMoveEvent", self._pointer.on_move, 1.0)
        iren.AddObserver("MouseWheelForwardEvent", lambda *_: self._pacer.start_interaction(), 1.0)
        iren.AddObserver("MouseWheelBackwardEvent", lambda *_: self._pacer.start_interaction(), 1.0)
        self.plotter.interactor.installEventFilter(self._pacer)
        self.plotter.interactor.installEventFilter(self._pointer)

    @property
    def frames(self) -> dict:
        """Frames rendered so far: ``{"full": n, "moving": m}``."""
        return self._pacer.frames

    # -- drawing ------------------------------------------------------------------------------
    def show_state(self, state, move_camera: bool = True, glide: bool = True, animate_pose: bool = False) -> None:
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
        animate_pose : bool
            Move the model from the pose on screen to the state's over
            :data:`~sciatic_atlas.app.qt_pose_motion.POSE_MS` (a change of step). A change
            of pose still running is not continued: the new state is drawn at once.
        """
        self.state = state
        shown = replace(state, title="", text="")
        if shown.overlays and not self.model.has_mesh("skin"):
            # Overlays are painted on the skin; assets built without it still show the rest.
            log.warning("no skin mesh in the assets: overlays %s not drawn", ", ".join(shown.overlays))
            shown = replace(shown, overlays=())
        start = camera_path.pose_of(self.plotter.renderer.camera)
        first = not self.actors
        was_posed, interrupted = self._pose.drawn, self._pose.running
        self._pose.cancel()
        lod.set_moving(self.actors, False)  # restyle and repaint the full meshes' mappers
        self.view.apply_state(shown, camera=False, render=False, labels_now=not move_camera)
        if animate_pose and not first and not interrupted:
            self._pose.start(was_posed, shown.pose)
        self._pose.drawn = shown.pose
        self._lod_timer.start()
        # Stop peeling once fewer than 10 % of the pixels change (where peeling is used:
        # saved pictures); the view itself uses OIT, see FrameQuality.
        self.plotter.renderer.SetOcclusionRatio(PEEL_OCCLUSION_RATIO)
        self.view.quality.restore()  # apply_state prepared the plotter for still pictures
        self.side_labels.set_style(self.side_labels_size, self.is_dark)
        if move_camera:
            self.view.apply_camera(shown.camera, shown.side)
            if glide and not first:
                target = camera_path.pose_of(self.plotter.renderer.camera)
                set_camera(self.plotter, start)
                self._glide.start(start, target)
                return
        self._glide.stop()
        self.request_render()

    @property
    def is_dark(self) -> bool:
        from sciatic_atlas.render.quality import is_dark

        return self.state is not None and is_dark(self.state.background)

    side_labels_size = side_labels_default = 11

    def set_text_size(self, points: int) -> None:
        """Set the size of the text drawn in the view (side labels, legend; structure labels
        at the next :meth:`show_state`)."""
        self.view.set_text_scale(points / self.side_labels_default)
        self.side_labels_size = int(points)
        self.side_labels.set_style(self.side_labels_size, self.is_dark)

    def resizeEvent(self, event: QtGui.QResizeEvent) -> None:
        """Keep the overlay legend's type size when the view changes size."""
        super().resizeEvent(event)
        self.view.place_legend()

    def go_to(self, camera_spec, side: str, glide: bool = True) -> None:
        """Move the camera to ``camera_spec`` (a named view or explicit camera) for ``side``."""
        start = camera_path.pose_of(self.plotter.renderer.camera)
        self.view.apply_camera(camera_spec, side)
        if glide:
            target = camera_path.pose_of(self.plotter.renderer.camera)
            set_camera(self.plotter, start)
            self._glide.start(start, target)
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
            self._glide.start(start, target)
        else:
            set_camera(self.plotter, target)
            self.request_render()
        return True

    # -- frames (qt_frame_pacer) ----------------------------------------------------------------
    def request_render(self) -> None:
        """Ask for one full-quality frame, drawn once the input already queued is taken."""
        self._pacer.request_render()

    @property
    def render_pending(self) -> bool:
        """True while a full-quality frame is asked for and not yet drawn."""
        return self._pacer.render_pending

    def settle(self) -> None:
        """Draw now what is pending: end a glide, the frame after motion, an asked-for frame."""
        self._pacer.settle()

    def render(self) -> None:
        """Render a full-quality frame now."""
        self._pacer.render()

    def grab_view(self) -> QtGui.QImage:
        """Return the 3D view as an image (full quality)."""
        self.render()
        return self.plotter.interactor.grabFramebuffer() if hasattr(
            self.plotter.interactor, "grabFramebuffer") else self.plotter.interactor.grab().toImage()

    @property
    def _fast(self) -> bool:
        """True while the view draws cheap frames (the camera moves)."""
        return self.view.quality.moving

    def _set_fast(self, fast: bool) -> None:
        self.view.quality.set_moving(fast)

    # -- poses (qt_pose_motion) ------------------------------------------------------------------
    def drag_pose(self, amount: float, pose_for) -> None:
        """Show the pose ``pose_for(amount)`` at reduced detail (a pose slider held): one frame per
        turn of the event loop, however many positions arrive. The full-quality frame
        comes with the next :meth:`show_state`."""
        lod.prepare(self.model, self.actors)  # every large structure moves as its coarse copy
        self._lod_timer.stop()
        self._pose.drag(amount, pose_for)

    @property
    def posing(self) -> bool:
        """True while a change of pose is animated."""
        return self._pose.running

    @property
    def drawn_pose(self):
        """The pose on screen (ResolvedPose; mid-drag too; a running change: its end), None: standing."""
        return self._pose.drawn

    @property
    def pose_frame_ms(self) -> float | None:
        """The smoothed time of a frame of a change of pose (ms: posing plus render), None until measured."""
        return self._pose.frame_ms

    @pose_frame_ms.setter
    def pose_frame_ms(self, value: float | None) -> None:
        self._pose.frame_ms = value

    def finish_pose(self) -> None:
        """Jump to the end of a running change of pose; its full-quality frame is drawn next."""
        self._pose.finish()

    # -- camera glide (qt_camera_glide) -----------------------------------------------------------
    @property
    def can_glide(self) -> bool:
        """True unless moving frames were measured too slow for a smooth glide."""
        return self._glide.can_glide

    @property
    def moving_frame_ms(self) -> float | None:
        """The smoothed time of a reduced-quality frame (ms), None until measured or guessed."""
        return self._glide.moving_frame_ms

    @moving_frame_ms.setter
    def moving_frame_ms(self, value: float | None) -> None:
        self._glide.moving_frame_ms = value

    @property
    def gliding(self) -> bool:
        return self._glide.gliding

    def finish_glide(self) -> None:
        """Jump to the end of a running camera glide; its full-quality frame is drawn next."""
        self._glide.finish()

    def _on_glide_end(self) -> None:
        self._pacer.request_render()
        self.camera_settled.emit()

    # -- level of detail ------------------------------------------------------------------------
    @property
    def coarse_ready(self) -> bool:
        """True when every drawn structure has its moving-frame copy (or needs none)."""
        return not self._lod_timer.isActive()

    def _prepare_coarse(self) -> None:
        if lod.prepare(self.model, self.actors, budget=4):
            self._lod_timer.stop()

    # -- picking ----------------------------------------------------------------------------------
    def click_at(self, x: float, y: float) -> str | None:
        """Pick at display pixel ``(x, y)`` (from the bottom left) and emit ``structure_clicked``."""
        sid = self.picker.pick(x, y)
        self.structure_clicked.emit(sid)
        return sid

    # -- clean-up ---------------------------------------------------------------------------------
    def close_plotter(self) -> None:
        """Stop the timers and release the plotter's render window."""
        self.plotter.interactor.removeEventFilter(self._pacer)
        self.plotter.interactor.removeEventFilter(self._pointer)
        for part in (self._glide, self._pose, self._pointer, self._pacer):
            part.stop()
        self._lod_timer.stop()
        self.view.close()
