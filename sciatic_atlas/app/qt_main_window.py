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
from sciatic_atlas.app.panels.qt_scenes import ScenesPanel
from sciatic_atlas.app.panels.qt_search import SearchBox
from sciatic_atlas.app.panels.qt_toolbar import DisplayBar, ViewBar
from sciatic_atlas.app.qt_errors import show_error
from sciatic_atlas.app.qt_viewport import QtViewport
from sciatic_atlas.app.search import SearchIndex
from sciatic_atlas.app.view_state import ViewState

log = logging.getLogger(__name__)

NEXT_KEYS = {QtCore.Qt.Key_PageDown, QtCore.Qt.Key_Right, QtCore.Qt.Key_Down, QtCore.Qt.Key_Space}
PREV_KEYS = {QtCore.Qt.Key_PageUp, QtCore.Qt.Key_Left, QtCore.Qt.Key_Up, QtCore.Qt.Key_Backspace}
# Widgets that use arrows and space themselves: stepping keys leave them alone.
TEXT_WIDGETS = (QtWidgets.QLineEdit, QtWidgets.QAbstractItemView, QtWidgets.QAbstractSlider,
                QtWidgets.QAbstractSpinBox, QtWidgets.QComboBox, QtWidgets.QTextEdit)
NORMAL_TEXT, PRESENT_TEXT = 11, 20  # narration type size (points)
NO_SKIN_NOTE = ("The pain map of this step is painted on the skin, and these assets were built "
                "without it: rebuild them with `sciatic-atlas build-assets` to see it.")


def _in_text_widget(widget: QtWidgets.QWidget) -> bool:
    """Return True if ``widget`` is (inside) a widget that uses arrows and space itself."""
    while widget is not None and not widget.isWindow():
        if isinstance(widget, TEXT_WIDGETS):
            return True
        widget = widget.parentWidget()
    return False


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
        self.setWindowTitle("Sciatic Atlas")
        self.setObjectName("sciaticAtlas")
        self.viewport = QtViewport(session.model, self)
        self.narration = NarrationPanel(self.view_state)
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
        self.docks.append(self._dock("Consult: pain map", self.consult, QtCore.Qt.LeftDockWidgetArea))
        self.tabifyDockWidget(self.docks[0], self.docks[-1])
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
        QtWidgets.QApplication.instance().installEventFilter(self)

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
        for key, slot in (("Ctrl+F", self.search.setFocus), ("Escape", lambda: self.view_state.set_present(False))):
            QtWidgets.QShortcut(QtGui.QKeySequence(key), self, activated=slot)
        # Full-screen windows hide their toolbars: the actions must still answer.
        for action in (self.present_action, self.save_action, self.copy_action):
            self.addAction(action)

    def _connect(self) -> None:
        vs = self.view_state
        vs.connect("scene", self._on_scene_change)
        vs.connect("step", lambda _step: self.refresh(move_camera=True))
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
        self.consult.scene_requested.connect(self.open)
        self.scene_opened.connect(lambda _: self.consult.set_drawing(False))
        self.scenes.scene_chosen.connect(vs.open_scene)
        self.scenes.reload_requested.connect(self.reload_scenes)
        self.view_bar.reset_requested.connect(self._on_reset_view)

    # -- drawing ---------------------------------------------------------------------------------
    def refresh(self, move_camera: bool = False, glide: bool = True) -> None:
        """Draw what the view state asks for; update the panels to match."""
        from sciatic_atlas.app.cli import _user_error_types

        vs = self.view_state
        try:
            frame = self.session.frame_state(vs)
            self.viewport.show_state(frame, move_camera=move_camera, glide=glide)
        except _user_error_types() as exc:
            show_error(self, exc, "This scene step cannot be shown")
            return
        self.layers.update_from(frame)
        n_steps = self.session.n_steps(vs.scene_id)
        scene = self.session.scenes.get(vs.scene_id) if vs.scene_id else None
        title = scene.title if scene else "Exploring the sciatic nerve"
        text = frame.text or (scene.narration if scene and vs.step == 0 else "") or (
            "" if scene else "Open a scene on the left, or click any structure to learn about it.")
        if frame.overlays and not self.session.model.has_mesh("skin"):
            text = f"{text}\n\n⚠ {NO_SKIN_NOTE}" if text else f"⚠ {NO_SKIN_NOTE}"
            self.statusBar().showMessage(NO_SKIN_NOTE, 15000)
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
        self.refresh(move_camera=True, glide=self.viewport.state is not None)
        self.scene_opened.emit(scene_id)

    def _on_reset_view(self) -> None:
        self.view_state.view = None
        self.refresh(move_camera=True)

    def _on_search_choice(self, kind: str, item_id: str) -> None:
        vs = self.view_state
        if kind == "scene":
            vs.open_scene(item_id)
        elif kind == "group":
            vs.isolate(self.session.group_members(item_id, vs.side))
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

    # -- presentation -----------------------------------------------------------------------------
    def _on_present_change(self, present: bool) -> None:
        if present:
            self._present_layout = self.saveState()
            for widget in (*self.docks, *self.toolbars):
                widget.hide()
            self.statusBar().hide()
            self.showFullScreen()
        else:
            self.showNormal()
            self.statusBar().show()
            if self._present_layout is not None:
                self.restoreState(self._present_layout)
            for widget in (*self.docks, *self.toolbars):
                widget.show()
        self.narration.set_text_size(PRESENT_TEXT if present else NORMAL_TEXT)
        self.viewport.set_text_size(18 if present else 11)
        self.viewport.setFocus()
        self.refresh(move_camera=False)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Step through scenes with the keys a presentation clicker sends."""
        if event.type() != QtCore.QEvent.KeyPress:
            return False
        if not isinstance(obj, QtWidgets.QWidget) or obj.window() is not self:
            return False  # a dialog of ours, or another window
        if event.modifiers() & (QtCore.Qt.ControlModifier | QtCore.Qt.AltModifier):
            return False
        if _in_text_widget(obj) and not self.view_state.present:
            return False
        if event.key() in NEXT_KEYS or event.key() in PREV_KEYS:
            self.narration.step_by(1 if event.key() in NEXT_KEYS else -1)
            return True
        return False

    # -- pictures ------------------------------------------------------------------------------
    def picture(self) -> QtGui.QImage:
        """Return the 3D view as an image."""
        if self.viewport.gliding:
            self.viewport.finish_glide()
        return self.viewport.grab_view()

    def save_picture(self, path: Path) -> Path:
        """Write the 3D view to a PNG file."""
        path = Path(path)
        if not self.picture().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        self.statusBar().showMessage(f"Saved {path}", 5000)
        return path

    def save_picture_dialog(self) -> None:
        """Ask where to save the picture, then save it."""
        name = (self.view_state.scene_id or "sciatic-atlas") + f"-step{self.view_state.step + 1}.png"
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
        if self.viewport.gliding:
            self.viewport.finish_glide()
        self.viewport.render()
        return self.grab()

    # -- remembering ----------------------------------------------------------------------------
    def restore_settings(self) -> None:
        """Restore layout and preferences from the settings."""
        self.settings.restore_window(self)
        self.view_state.side = self.preferred_side = self.settings.side
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
        self.settings.sync()
        QtWidgets.QApplication.instance().removeEventFilter(self)
        self.viewport.close_plotter()
        super().closeEvent(event)
