"""The info panel: name, facts, nerve supply, clinical notes and sources of one structure."""

from __future__ import annotations

from PyQt5 import QtWidgets

from sciatic_atlas.app.info_text import structure_html

PROMPT = ("<h3>Click a structure</h3><p>Click anything in the 3D view or in the list of "
          "structures to see its name, nerve supply, action, clinical notes and sources.</p>"
          "<p style='color:#666'>Drag to rotate · right-drag or Shift-drag to pan · wheel to zoom.</p>")


class InfoPanel(QtWidgets.QTextBrowser):
    """Describes the selected structure; follows the state's ``selected`` event.

    Parameters
    ----------
    view_state : ViewState
        The state whose selection is described.
    catalog : Catalog
        Names of structures.
    knowledge : Knowledge or None
        The facts.
    """

    def __init__(self, view_state, catalog, knowledge, parent=None):
        super().__init__(parent)
        self.catalog = catalog
        self.knowledge = knowledge
        self.setOpenExternalLinks(True)
        self.setHtml(PROMPT)
        view_state.connect("selected", self.show_structure)

    def show_structure(self, structure_id: str | None) -> None:
        """Describe ``structure_id`` (``None``: show how to pick one)."""
        self.setHtml(structure_html(structure_id, self.catalog, self.knowledge) if structure_id else PROMPT)
