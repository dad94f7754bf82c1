"""The info panel: name, facts, nerve supply, clinical notes and sources of one structure."""

from __future__ import annotations

from PyQt5 import QtCore, QtGui, QtWidgets

from sciatic_atlas.app.info_text import structure_html

PROMPT = ("<h3>Click a structure</h3><p>Click anything in the 3D view or in the list of "
          "structures to see its name, nerve supply, action, clinical notes and sources.</p>"
          "<p style='color:#666'>Drag to rotate · right-drag or Shift-drag to pan · wheel to zoom.</p>")


FLY_LINK = "atlas:fly-to"
FLY_HTML = (f"<p><a href='{FLY_LINK}' style='font-weight:600'>» Fly to it</a>"
            " <span style='color:#666'>(frame the view on it)</span></p>")


class InfoPanel(QtWidgets.QTextBrowser):
    """Describes the selected structure; follows the state's ``selected`` event.

    A "Fly to it" link above the description emits :attr:`fly_requested`.

    Parameters
    ----------
    view_state : ViewState
        The state whose selection is described.
    catalog : Catalog
        Names of structures.
    knowledge : Knowledge or None
        The facts.
    """

    fly_requested = QtCore.pyqtSignal(str)  # structure id

    def __init__(self, view_state, catalog, knowledge, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.knowledge = knowledge
        self.structure_id: str | None = None
        self.setOpenLinks(False)  # sources open in the browser; the fly-to link is ours
        self.anchorClicked.connect(self._on_link)
        self.setHtml(PROMPT)
        view_state.connect("selected", self.show_structure)
        # Opening a scene or stepping drops the selection without a "selected" event.
        for name in ("scene", "step"):
            view_state.connect(name, lambda _value: self._follow(view_state.selected))

    def _follow(self, structure_id: str | None) -> None:
        if structure_id != self.structure_id:
            self.show_structure(structure_id)

    def show_structure(self, structure_id: str | None) -> None:
        """Describe ``structure_id`` (``None``: show how to pick one)."""
        self.structure_id = structure_id
        if structure_id:
            html = structure_html(structure_id, self.catalog, self.knowledge)
            head, found, rest = html.partition("</h3>")  # the link goes under the name
            self.setHtml(head + found + FLY_HTML + rest if found else FLY_HTML + html)
        else:
            self.setHtml(PROMPT)

    def _on_link(self, url: QtCore.QUrl) -> None:
        if url.toString() == FLY_LINK:
            if self.structure_id:
                self.fly_requested.emit(self.structure_id)
        else:
            QtGui.QDesktopServices.openUrl(url)
