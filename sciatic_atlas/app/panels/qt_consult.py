"""Consult mode: draw the patient's pain map on the 3D skin, see what to examine next, print a sheet.

The panel owns a :class:`~sciatic_atlas.anatomy.painmap_edit.PainMapEditor` and a
:class:`~sciatic_atlas.app.consult_brush.SkinBrush` on the window's viewport. Its
controls: draw on/off, pain or numbness, intensity 0-10, brush size, eraser, undo and
redo, the patient's side, open and save (``docs/painmap-format.md``), the take-home
sheet, and the ranked explanations (:func:`~sciatic_atlas.anatomy.sources_rank.rank_sources`)
with the teaching-aid disclaimer. Clicking an explanation emits ``scene_requested``
with the library scene (and step) that shows that overlay.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt5 import QtCore, QtWidgets

from sciatic_atlas.anatomy.painmap import PainMap, PainMapError, load_painmap, save_painmap
from sciatic_atlas.anatomy.painmap_edit import PainMapEditor
from sciatic_atlas.app.consult_brush import SkinBrush
from sciatic_atlas.app.qt_utils import signals_blocked

log = logging.getLogger(__name__)

ID_ROLE = QtCore.Qt.UserRole
FILE_FILTER = "Pain maps (*.json)"


def overlay_scenes(scenes: dict) -> dict[str, tuple[str, int]]:
    """Return, per overlay id, the library scene and step that show it (with the fewest other overlays).

    Parameters
    ----------
    scenes : dict
        Scene id -> scene (:func:`sciatic_atlas.scenes.load.load_library`).
    """
    best: dict[str, tuple[int, str, int]] = {}
    for sid, scene in scenes.items():
        shown = [(0, tuple(scene.overlays or ()))] + [(i, tuple(step.overlays or ()))
                                                      for i, step in enumerate(scene.steps, 1)]
        for step, overlays in shown:
            for oid in overlays:
                if oid not in best or len(overlays) < best[oid][0]:
                    best[oid] = (len(overlays), sid, step)
    return {oid: (sid, step) for oid, (_, sid, step) in best.items()}


def consult_state(side: str, view: str | None = None):
    """Return the scene state consult mode draws on: the opaque skin alone, from ``view`` (behind)."""
    from sciatic_atlas.scenes.state import CameraSpec, SceneState, StructureStyle

    return SceneState(styles={"skin": StructureStyle(opacity=1.0)}, camera=CameraSpec(view=view or "posterior"),
                      side=side, title="Pain map")


class ConsultPanel(QtWidgets.QWidget):
    """The consult-mode controls and the ranked explanations.

    Parameters
    ----------
    viewport : QtViewport
        The window's 3D view.
    scene_map : dict, optional
        Overlay id -> (scene id, step) for one-click scenes (:func:`overlay_scenes`).
    """

    scene_requested = QtCore.pyqtSignal(str, int)  # scene id, step
    painmap_changed = QtCore.pyqtSignal()

    def __init__(self, viewport, scene_map: dict | None = None, parent=None):
        super().__init__(parent)
        self.viewport = viewport
        self.scene_map = dict(scene_map or {})
        self.editor = PainMapEditor()
        self.brush = SkinBrush(viewport, self.editor, self._on_edit)
        self.path: Path | None = None
        self._build()
        self._sync_controls()

    # ---- layout
    def _build(self) -> None:
        self.draw_button = QtWidgets.QPushButton("Draw on the skin", checkable=True)
        self.draw_button.toggled.connect(self.set_drawing)
        self.kind = QtWidgets.QComboBox()
        self.kind.addItem("Pain (aching)", "pain")
        self.kind.addItem("Numbness / pins and needles", "numbness")
        self.kind.currentIndexChanged.connect(lambda _: self.editor.set_kind(self.kind.currentData()))
        self.intensity = QtWidgets.QSpinBox(minimum=0, maximum=10, value=int(self.editor.intensity))
        self.intensity.valueChanged.connect(self.editor.set_intensity)
        self.size = QtWidgets.QSlider(QtCore.Qt.Horizontal, minimum=5, maximum=80, value=int(self.editor.radius))
        self.size.valueChanged.connect(self.editor.set_radius)
        self.eraser = QtWidgets.QCheckBox("Eraser")
        self.eraser.toggled.connect(lambda on: setattr(self.brush, "erasing", on))
        self.side = QtWidgets.QComboBox()
        self.side.addItems(["right", "left"])
        self.side.currentTextChanged.connect(self._on_side_change)
        self.undo_button = QtWidgets.QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo)
        self.redo_button = QtWidgets.QPushButton("Redo")
        self.redo_button.clicked.connect(self.redo)
        self.open_button = QtWidgets.QPushButton("Open…")
        self.open_button.clicked.connect(self._open_dialog)
        self.save_button = QtWidgets.QPushButton("Save…")
        self.save_button.clicked.connect(self._save_dialog)
        self.sheet_button = QtWidgets.QPushButton("Take-home sheet…")
        self.sheet_button.clicked.connect(self._sheet_dialog)
        self.note = QtWidgets.QLineEdit(placeholderText="Clinician's note (optional, printed on the sheet)")
        self.note.editingFinished.connect(lambda: self.editor.set_note(self.note.text()))
        self.sources = QtWidgets.QListWidget()
        self.sources.setWordWrap(True)
        self.sources.itemClicked.connect(self._on_source_clicked)
        self.disclaimer = QtWidgets.QLabel(wordWrap=True)
        self.disclaimer.setStyleSheet("color: #555; font-size: 9pt;")
        self.status = QtWidgets.QLabel()

        form = QtWidgets.QFormLayout()
        form.addRow("Mark", self.kind)
        form.addRow("Intensity (0-10)", self.intensity)
        form.addRow("Brush size", self.size)
        form.addRow("Patient's side", self.side)
        edits = QtWidgets.QHBoxLayout()
        for w in (self.eraser, self.undo_button, self.redo_button):
            edits.addWidget(w)
        # Two rows, so the panel is no wider than the scene list it is tabbed with (a wider
        # panel made the whole window wider than asked for).
        files = QtWidgets.QGridLayout()
        files.addWidget(self.open_button, 0, 0)
        files.addWidget(self.save_button, 0, 1)
        files.addWidget(self.sheet_button, 1, 0, 1, 2)
        for combo in (self.kind, self.side):
            combo.setSizeAdjustPolicy(QtWidgets.QComboBox.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        layout = QtWidgets.QVBoxLayout(self)
        layout.addWidget(self.draw_button)
        layout.addLayout(form)
        layout.addLayout(edits)
        layout.addWidget(self.note)
        layout.addLayout(files)
        layout.addWidget(QtWidgets.QLabel("<b>What to examine next</b> (best first)"))
        layout.addWidget(self.sources, 1)
        layout.addWidget(self.disclaimer)
        layout.addWidget(self.status)

    # ---- drawing
    def set_drawing(self, on: bool) -> None:
        """Enter or leave drawing: the opaque skin alone, the left button paints."""
        with signals_blocked(self.draw_button):
            self.draw_button.setChecked(on)
        if on:
            self.viewport.show_state(consult_state(self.editor.painmap.side), move_camera=True, glide=False)
        self.brush.set_enabled(on)
        if on:
            self.brush.repaint()

    def redraw_canvas(self, view: str | None, move_camera: bool = True, glide: bool = True) -> None:
        """While drawing, show the skin canvas from ``view`` with the map painted on it.

        The window calls this instead of drawing the atlas whenever its view state changes
        (a view button, the side), so the paint never disappears under a re-applied scene.
        """
        self.viewport.show_state(consult_state(self.editor.painmap.side, view),
                                 move_camera=move_camera, glide=glide)
        self.brush.repaint()

    @property
    def drawing(self) -> bool:
        """True while the brush paints on the skin."""
        return self.brush.enabled

    def undo(self) -> None:
        if self.editor.undo():
            self._on_edit(repaint=True)

    def redo(self) -> None:
        if self.editor.redo():
            self._on_edit(repaint=True)

    def _on_side_change(self, side: str) -> None:
        self.editor.set_side(side)
        self._on_edit(repaint=False)
        if self.brush.enabled:
            self.set_drawing(True)

    def _on_edit(self, repaint: bool = False) -> None:
        if repaint and self.brush.enabled:
            self.brush.repaint()
        self._sync_controls()
        self.update_sources()
        self.painmap_changed.emit()

    def _sync_controls(self) -> None:
        pm = self.editor.painmap
        self.undo_button.setEnabled(self.editor.can_undo)
        self.redo_button.setEnabled(self.editor.can_redo)
        with signals_blocked(self.side, self.note):
            self.side.setCurrentText(pm.side)
            self.note.setText(pm.note)
        self.status.setText(f"{len(pm.marks)} marks" + (f" — {self.path.name}" if self.path else ""))

    # ---- explanations
    def update_sources(self) -> None:
        """Rank the overlays for the current map and list them with score, overlap and reason."""
        from sciatic_atlas.anatomy.sources_rank import rank_sources, short_disclaimer

        self.sources.clear()
        self.disclaimer.setText(" ".join(short_disclaimer()))
        if not self.editor.painmap.marks:
            return
        try:
            ranked = rank_sources(self.viewport.model, self.editor.painmap)
        except PainMapError as exc:
            self.status.setText(str(exc))
            return
        for e in ranked:
            scene = self.scene_map.get(e.overlay_id)
            more = "  ▸ click to open its scene" if scene else ""
            item = QtWidgets.QListWidgetItem(f"{e.score:.2f}  {e.name}  (the drawing covers {round(100 * e.overlap)}% "
                                             f"of its main zone){more}\n{e.reason}")
            item.setData(ID_ROLE, e.overlay_id)
            item.setToolTip(e.reason)
            self.sources.addItem(item)

    def _on_source_clicked(self, item) -> None:
        found = self.scene_map.get(item.data(ID_ROLE))
        if found:
            self.set_drawing(False)
            self.scene_requested.emit(found[0], int(found[1]))

    # ---- files
    def open_file(self, path: Path) -> None:
        """Load a pain-map file; a bad file is reported and the current map kept."""
        try:
            painmap = load_painmap(path)
        except PainMapError as exc:
            QtWidgets.QMessageBox.warning(self, "Pain map not opened", str(exc))
            return
        self.path = Path(path)
        self.editor.load(painmap)
        self._on_edit(repaint=True)

    def save_file(self, path: Path) -> bool:
        """Save the map atomically; report a failure (the previous file is kept)."""
        try:
            save_painmap(self.editor.painmap, path)
        except PainMapError as exc:
            QtWidgets.QMessageBox.warning(self, "Pain map not saved", str(exc))
            return False
        self.path = Path(path)
        self._sync_controls()
        return True

    def _open_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(self, "Open a pain map", "", FILE_FILTER)
        if path:
            self.open_file(Path(path))

    def _save_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save the pain map", str(self.path or "painmap.json"),
                                                        FILE_FILTER)
        if path:
            self.save_file(Path(path))

    def _sheet_dialog(self) -> None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(self, "Save the take-home sheet", "sheet.pdf",
                                                        "PDF (*.pdf)")
        if not path:
            return
        from sciatic_atlas.app.handout import write_handout

        QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.WaitCursor)
        try:
            write_handout(self.viewport.model, self.editor.painmap, Path(path))
            self.status.setText(f"wrote {Path(path).name}")
        except (PainMapError, OSError) as exc:
            QtWidgets.QMessageBox.warning(self, "Sheet not written", str(exc))
        finally:
            QtWidgets.QApplication.restoreOverrideCursor()

    def painmap(self) -> PainMap:
        """Return the map as drawn."""
        return self.editor.painmap
