"""The main window: builds the view state, the 3D view and the panels, and wires them together.

It holds no anatomy, no parsing and no drawing code: the
:class:`~sciatic_atlas.app.session.Session` says what to draw for a
:class:`~sciatic_atlas.app.view_state.ViewState`; the
:class:`~sciatic_atlas.app.qt_viewport.QtViewport` draws it; the panels bind
to the state.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt5 import QtCore, QtGui, QtWidgets

from sciatic_atlas.app.panels.qt_consult import ConsultPanel, overlay_scenes
from sciatic_atlas.app.panels.qt_info import InfoPanel
from sciatic_atlas.app.panels.qt_layers import LayersPanel
from sciatic_atlas.app.panels.qt_narration import NarrationPanel
from sciatic_atlas.app.panels.qt_pose_slider import PoseSlider
from sciatic_atlas.app.panels.qt_scenes import ScenesPanel
from sciatic_atlas.app.panels.qt_search import SearchBox
from sciatic_atlas.app.panels.qt_toolbar import DisplayBar, ViewBar
from sciatic_atlas.app.qt_errors import show_error
from sciatic_atlas.app.qt_keys import WindowKeys
from sciatic_atlas.app.qt_viewport import QtViewport
from sciatic_atlas.app.search import SearchIndex
from sciatic_atlas.app.view_state import ViewState
from sciatic_atlas.app.window_notes import NO_SKIN_NOTE, left_out_note

log = logging.getLogger(__name__)

NORMAL_TEXT, PRESENT_TEXT = 11, 20  # narration type size (points)
def default_picture_name(scene_id: str | None, step: int) -> str:
    """Return the name Save picture suggests: the step as the strip counts it ("Step 2 of 5")."""
    return (scene_id or "sciatic-atlas") + (f"-step{step}" if scene_id and step else "") + ".png"


class MainWindow(QtWidgets.QMainWindow):
    """The Sciatic Atlas window.

    Parameters
    ----------
    session : Session
        The loaded model, knowledge and scenes.
    settings : Settings
        Where layout, last scene and preferences are remembered.
    """

    scene_opened = QtCore.pyqtSignal(object)  # scene id or None
    frame_shown = QtCore.pyqtSignal()

    def __init__(self, session, settings):
        super().__init__()
        self.session = session
        self.settings = settings
        self.view_state = ViewState()
        self.preferred_side = self.view_state.side  # for free exploring (saved); a scene shows its own
        self._side_asked: str | None = None  # a side given to open() (the --side option) wins over the scene's
        self._left_out_noted: list[str] = []  # structures without a usable mesh, already told in the status bar
        self.setWindowTitle("Sciatic Atlas")
        self.setObjectName("sciaticAtlas")
        self.viewport = QtViewport(session.model, self)
        self.narration = NarrationPanel(self.view_state)
        self.pose_slider = PoseSlider()  # the step's named pose, 0-100 % (issue 13)
        self.narration.add_control(self.pose_slider)
        central = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.viewport, 1)
        column.addWidget(self.narration)
        self.setCentralWidget(central)
        self.search = SearchBox(SearchIndex([]))  # filled with the scene library, see _show_library
        self.scenes = ScenesPanel()
        self.layers = LayersPanel(self.view_state, session.catalog)
        self.info = InfoPanel(self.view_state, session.catalog, session.knowledge)
        self.docks = [self._dock("Scenes", self.scenes, QtCore.Qt.LeftDockWidgetArea),
                      self._dock("Structures", self.layers, QtCore.Qt.RightDockWidgetArea),
                      self._dock("About the selected structure", self.info, QtCore.Qt.RightDockWidgetArea)]
        self.consult = ConsultPanel(self.viewport)  # consult mode: the patient's pain map (issue 14)
        # In a scroll area: the panel's own minimum size must not make the window wider or
        # taller than asked for (it is tabbed with the narrower scene list).
        consult_scroll = QtWidgets.QScrollArea(widgetResizable=True, frameShape=QtWidgets.QFrame.NoFrame)
        consult_scroll.setWidget(self.consult)
        self.docks.append(self._dock("Consult: pain map", consult_scroll, QtCore.Qt.LeftDockWidgetArea))
        self.tabifyDockWidget(self.docks[0], self.docks[-1])
        self.docks[0].raise_()  # the scene list is the tab a new window shows
        self.view_bar = ViewBar(self.view_state, self)
        self.display_bar = DisplayBar(self.view_state, self)
        self._build_toolbars()
        self.hover_label = QtWidgets.QLabel()
        self.statusBar().addPermanentWidget(self.hover_label)
        self._connect()
        if session.scenes_loaded:
            self._show_library()
        else:  # parse the scene library once the first frame is on screen
            self.viewport.frame_drawn.connect(self._library_after_first_frame)
        self._present_layout: QtCore.QByteArray | None = None
        self.keys = WindowKeys(self, self.view_state, self.narration.step_by, interrupt=self.viewport.finish_pose)
        self.keys.arrow_widgets.add(self.pose_slider.slider)
        QtWidgets.QApplication.instance().installEventFilter(self.keys)

    def _dock(self, title: str, widget: QtWidgets.QWidget, area) -> QtWidgets.QDockWidget:
        dock = QtWidgets.QDockWidget(title, self)
        dock.setObjectName(title.replace(" ", "_"))
        dock.setWidget(widget)
        dock.setFeatures(QtWidgets.QDockWidget.DockWidgetMovable | QtWidgets.QDockWidget.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _build_toolbars(self) -> None:
        top = QtWidgets.QToolBar("Search", self)
        top.setObjectName("searchToolbar")
        self.search.setMinimumWidth(320)
        top.addWidget(self.search)
        self.addToolBar(top)
        self.addToolBar(self.view_bar)
        self.addToolBarBreak()
        self.addToolBar(self.display_bar)
        actions = QtWidgets.QToolBar("Picture and presentation", self)
        actions.setObjectName("actionsToolbar")
        self.present_action = actions.addAction("Present (F11)", lambda: self.view_state.set_present(
            not self.view_state.present))
        self.present_action.setShortcut("F11")
        self.present_action.setShortcutContext(QtCore.Qt.ApplicationShortcut)
        self.save_action = actions.addAction("Save picture…", self.save_picture_dialog)
        self.save_action.setShortcut(QtGui.QKeySequence.Save)
        self.copy_action = actions.addAction("Copy picture", self.copy_picture)
        self.copy_action.setShortcut("Ctrl+Shift+C")
        self.addToolBar(actions)
        self.toolbars = [top, self.view_bar, self.display_bar, actions]
        QtWidgets.QShortcut(QtGui.QKeySequence("Ctrl+F"), self, activated=self.search.setFocus)
        # Escape (leave present mode, else clear the selection) is handled by WindowKeys:
        # a window shortcut needs an active window, which Escape must not depend on.
        # Full-screen windows hide their toolbars: the actions must still answer.
        for action in (self.present_action, self.save_action, self.copy_action):
            self.addAction(action)

    def _connect(self) -> None:
        vs = self.view_state
        vs.connect("scene", self._on_scene_change)
        vs.connect("step", lambda _step: self.refresh(move_camera=True, animate_pose=True))
        vs.connect("pose_amount", lambda _amount: self.refresh(move_camera=False))
        self.pose_slider.dragged.connect(self._on_pose_drag)
        self.pose_slider.chosen.connect(self._on_pose_chosen)
        self.consult.draw_button.toggled.connect(self._on_drawing_change)
        vs.connect("side", self._on_side_change)
        vs.connect("view", lambda _view: self.refresh(move_camera=True))
        for name in ("overrides", "peel", "selected", "background"):
            vs.connect(name, lambda _value: self.refresh(move_camera=False))
        vs.connect("present", self._on_present_change)
        vs.connect("hovered", self._on_hovered_change)
        self.viewport.structure_clicked.connect(vs.select)
        self.viewport.structure_hovered.connect(vs.hover)
        self.search.chosen.connect(self._on_search_choice)
        self.info.fly_requested.connect(self.viewport.fly_to)
        self.layers.isolated.connect(self.viewport.fly_to)  # frame what is left
        self.consult.scene_requested.connect(self.open)
        self.scene_opened.connect(lambda _: self.consult.set_drawing(False))
        self.scenes.scene_chosen.connect(vs.open_scene)
        self.scenes.reload_requested.connect(self.reload_scenes)
        self.scenes.open_requested.connect(self.open_user_scenes_dialog)
        self.view_bar.reset_requested.connect(self._on_reset_view)

    # -- drawing ---------------------------------------------------------------------------------
    def refresh(self, move_camera: bool = False, glide: bool = True, animate_pose: bool = False) -> None:
        """Draw what the view state asks for; update the panels to match.

        ``animate_pose`` moves the model from its pose on screen to the new one (a change of step).
        """
        from sciatic_atlas.app.cli import _user_error_types

        vs = self.view_state
        try:
            frame = self.session.frame_state(vs)
            if self.consult.drawing:  # the pain-map canvas stays on screen, seen from the chosen view
                self.consult.redraw_canvas(vs.view, move_camera=move_camera, glide=glide)
            else:
                self.viewport.show_state(frame, move_camera=move_camera, glide=glide, animate_pose=animate_pose)
        except _user_error_types() as exc:
            show_error(self, exc, "This scene step cannot be shown")
            return
        self.layers.update_from(frame)
        self.pose_slider.show_pose(None if self.consult.drawing else frame.pose)  # the canvas stands
        n_steps = self.session.n_steps(vs.scene_id)
        scene = self.session.scenes.get(vs.scene_id) if vs.scene_id else None
        title = scene.title if scene else "Exploring the sciatic nerve"
        text = frame.text or (scene.narration if scene and vs.step == 0 else "") or (
            "" if scene else "Open a scene on the left, or click any structure to learn about it.")
        if frame.overlays and not self.session.model.has_mesh("skin"):
            text = f"{text}\n\n⚠ {NO_SKIN_NOTE}" if text else f"⚠ {NO_SKIN_NOTE}"
            self.statusBar().showMessage(NO_SKIN_NOTE, 15000)
        left_out = self.session.model.left_out
        if left_out != self._left_out_noted:  # said once per newly found damaged file, not every step
            self._left_out_noted = left_out
            self.statusBar().showMessage(left_out_note([self.session.catalog.label(s) for s in left_out]), 30000)
        self.narration.set_dark(self.viewport.is_dark)
        self.narration.show_step(title, frame.title if scene else "", text, min(vs.step, n_steps - 1), n_steps)
        self.frame_shown.emit()

    def open(self, scene_id: str | None, step: int = 0, side: str | None = None) -> None:
        """Open a scene (``None``: explore freely) at ``step``, on ``side`` (default: the scene's own)."""
        self._side_asked = side
        try:
            self.view_state.open_scene(scene_id, step)
        finally:
            self._side_asked = None

    def _on_side_change(self, side: str) -> None:
        if self.view_state.scene_id is None:
            self.preferred_side = side  # the preference is for free exploring; a scene brings its own side
        self.refresh(move_camera=True)

    def _apply_scene_side(self, scene_id: str | None) -> None:
        """Show the side a scene is written for (or, exploring freely, the preferred side), quietly.

        The side buttons are updated here; no "side" signal, so the scene is drawn once.
        """
        scene = self.session.scenes.get(scene_id) if scene_id else None
        side = self._side_asked or (scene.side if scene is not None else self.preferred_side)
        if side != self.view_state.side:
            self.view_state.side = side
            self.display_bar._on_side_change(side)

    def _on_scene_change(self, scene_id: str | None) -> None:
        self._apply_scene_side(scene_id)
        self.scenes.mark_current(scene_id)
        self.view_state.hovered = None  # the pointer's old structure may not be in the scene
        self._on_hovered_change(None)
        pages = self._narration_pages(scene_id)
        self.pose_slider.reserve(any(posed for *_page, posed in pages))
        self._warm_poses(scene_id)
        self.narration.reserve([page[:2] for page in pages])
        self.refresh(move_camera=True, glide=self.viewport.state is not None)
        self.scene_opened.emit(scene_id)

    def _warm_poses(self, scene_id: str | None) -> None:
        """Pose the scene's posed steps in idle time (app/qt_pose_warmer.py)."""
        from sciatic_atlas.app.cli import _user_error_types
        from sciatic_atlas.app.qt_pose_warmer import PoseWarmer

        if not hasattr(self, "_pose_warmer"):
            self._pose_warmer = PoseWarmer(self.session.model, self)
        states = []
        for step in range(self.session.n_steps(scene_id) if scene_id in self.session.scenes else 0):
            try:
                states.append(self.session.base_state(scene_id, step, self.view_state.side))
            except _user_error_types():
                continue
        self._pose_warmer.warm(states)

    def _narration_pages(self, scene_id: str | None) -> list[tuple[str, str, bool]]:
        """Return (heading, text, has a named pose) of every step of a scene, for the narration strip's height."""
        from sciatic_atlas.app.cli import _user_error_types
        from sciatic_atlas.app.panels.qt_narration import heading_text

        scene = self.session.scenes.get(scene_id) if scene_id else None
        if scene is None:
            return []
        pages = []
        for step in range(self.session.n_steps(scene_id)):
            try:
                state = self.session.base_state(scene_id, step, self.view_state.side)
            except _user_error_types():
                continue  # refresh() reports it when the step is shown
            pages.append((heading_text(scene.title, state.title),
                           state.text or (scene.narration if step == 0 else ""),
                           state.pose is not None and bool(state.pose.name)))
        return pages

    def _on_drawing_change(self, drawing: bool) -> None:
        if drawing:  # the pain map is painted on the standing skin: no pose to change
            self.pose_slider.show_pose(None)

    def _on_pose_drag(self, amount: float) -> None:
        if not self.consult.drawing:
            self.viewport.drag_pose(amount, lambda value: self.session.pose_at(self.view_state, value))

    def _on_pose_chosen(self, amount: float) -> None:
        """Draw the step at the slider's amount at full quality (colours, narration, labels)."""
        if amount == self.view_state.pose_amount:  # dragged back to where it was: still one full frame
            self.refresh(move_camera=False)
        else:
            self.view_state.set_pose_amount(amount)

    def _on_reset_view(self) -> None:
        self.view_state.view = None
        self.refresh(move_camera=True)

    def _on_search_choice(self, kind: str, item_id: str) -> None:
        vs = self.view_state
        if kind == "scene":
            vs.open_scene(item_id)
        elif kind == "group":
            members = self.session.group_members(item_id, vs.side)
            vs.isolate(members)
            self.viewport.fly_to(members)
        else:
            if not self.viewport.state or not self.viewport.state.styles.get(item_id, None) or \
                    not self.viewport.state.styles[item_id].visible:
                vs.set_visible([item_id], True)
            vs.select(item_id)
            self.viewport.fly_to(item_id)  # found by name: show where it is

    def _on_hovered_change(self, sid: str | None) -> None:
        text = self.session.catalog.label(sid) if sid else ""
        self.hover_label.setText(text)
        if text:
            QtWidgets.QToolTip.showText(QtGui.QCursor.pos(), text, self.viewport)
        else:
            QtWidgets.QToolTip.hideText()

    def _library_after_first_frame(self) -> None:
        self.viewport.frame_drawn.disconnect(self._library_after_first_frame)
        QtCore.QTimer.singleShot(0, self._show_library)

    def _show_library(self) -> None:
        """List the scene library (reading it if not yet read) and make it searchable."""
        self.scenes.set_library(self.session.scene_summaries(), self.session.broken)
        self.search.set_index(self.session.search_index())
        self.scenes.mark_current(self.view_state.scene_id)
        self.consult.scene_map = overlay_scenes(self.session.scenes)

    def reload_scenes(self) -> None:
        """Read the scene library again and show it (errors included)."""
        self.session.reload_scenes()
        self._show_library()
        if self.view_state.scene_id not in self.session.scenes:
            self.view_state.open_scene(None)
        else:
            self.refresh(move_camera=False)

    def open_user_scenes_dialog(self, kind: str = "file") -> None:
        """Ask for a scene file (``kind`` "file") or folder of the user's own, then open it."""
        start = str(Path(self.session.user_paths[-1]).parent) if self.session.user_paths else str(Path.home())
        if kind == "folder":
            path = QtWidgets.QFileDialog.getExistingDirectory(self, "Open a folder of scenes", start)
        else:
            path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open a scene file", start,
                                                            "Scene files (*.yaml *.yml)")
        if path:
            self.open_user_scenes(Path(path))

    def open_user_scenes(self, path: Path) -> list[str]:
        """List a user's scene file or folder with the library and open its first scene."""
        try:
            ids = self.session.open_user_scenes(path)
        except OSError as exc:
            show_error(self, exc, "The scenes were not opened")
            return []
        self._show_library()
        if ids:
            self.view_state.open_scene(ids[0])
        else:
            self.statusBar().showMessage(f"No scene could be opened from {path}: see the list for why", 15000)
        return ids

    # -- presentation -----------------------------------------------------------------------------
    def _on_present_change(self, present: bool) -> None:
        if present:
            self.view_state.select(None)  # the audience sees the scene's own styles
            self._present_layout = (self.saveGeometry(), self.saveState(), self.windowState())
            for widget in (*self.docks, *self.toolbars):
                widget.hide()
            self.statusBar().hide()
            self.showFullScreen()
        else:
            self.statusBar().show()
            for widget in (*self.docks, *self.toolbars):
                widget.show()
            if self._present_layout is not None:
                geometry, layout, window_state = self._present_layout
                self.setWindowState(window_state)
                self.restoreGeometry(geometry)
                self.restoreState(layout)
            else:
                self.showNormal()
        self.narration.set_text_size(PRESENT_TEXT if present else NORMAL_TEXT)
        self.viewport.set_text_size(18 if present else 11)
        self.viewport.setFocus()
        self.refresh(move_camera=False)

    # -- pictures ------------------------------------------------------------------------------
    def picture(self) -> QtGui.QImage:
        """Return the 3D view as an image."""
        self.viewport.finish_pose()  # the picture shows where a change of pose ends
        if self.viewport.gliding:
            self.viewport.finish_glide()
        return self.viewport.grab_view()

    def save_picture(self, path: Path) -> Path:
        """Write the 3D view to a PNG file."""
        from sciatic_atlas.fileio import write_with  # atomic: a failed save leaves the old file whole

        path = write_with(Path(path), lambda tmp: self.picture().save(str(tmp), "PNG"))
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return path

    def save_picture_dialog(self) -> None:
        """Ask where to save the picture, then save it."""
        name = default_picture_name(self.view_state.scene_id, self.view_state.step)
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save picture", name, "PNG image (*.png)")
        if path:
            try:
                self.save_picture(Path(path))
            except OSError as exc:
                show_error(self, exc, "The picture was not saved")

    def copy_picture(self) -> None:
        """Put the picture on the clipboard."""
        QtWidgets.QApplication.clipboard().setImage(self.picture())
        self.statusBar().showMessage("Picture copied to the clipboard", 5000)

    def grab_window(self) -> QtGui.QPixmap:
        """Return a picture of the whole window: panels and 3D view."""
        self.viewport.finish_pose()  # the picture shows where a change of pose ends
        if self.viewport.gliding:
            self.viewport.finish_glide()
        self.viewport.render()
        return self.grab()

    # -- remembering ----------------------------------------------------------------------------
    def restore_settings(self) -> None:
        """Restore layout and preferences from the settings."""
        self.settings.restore_window(self)
        self.view_state.side = self.preferred_side = self.settings.side
        for path in map(Path, self.settings.user_scene_paths):  # read with the (deferred) library
            if path.exists() and path not in self.session.user_paths:
                self.session.user_paths.append(path)
        self.view_state.background = self.settings.background
        self.display_bar._on_side_change(self.view_state.side)
        self.display_bar._on_background_change(self.view_state.background)

    def closeEvent(self, event: QtGui.QCloseEvent) -> None:
        """Remember layout, scene, step and preferences; release the 3D view."""
        if self.view_state.present:
            self.view_state.set_present(False)
        self.settings.save_window(self)
        self.settings.save_position(self.view_state.scene_id, self.view_state.step)
        self.settings.save_preferences(self.preferred_side, self.view_state.background)
        self.settings.save_user_scene_paths(self.session.user_paths)
        self.settings.sync()
        QtWidgets.QApplication.instance().removeEventFilter(self.keys)
        self.viewport.close_plotter()
        super().closeEvent(event)
