"""The search box: finds structures, groups and scenes as the user types, typos forgiven."""

from __future__ import annotations

from PyQt5 import QtCore, QtGui, QtWidgets

KIND_ROLE = QtCore.Qt.UserRole
ID_ROLE = QtCore.Qt.UserRole + 1
KIND_TAGS = {"structure": "", "group": "group", "scene": "scene"}


class SearchBox(QtWidgets.QLineEdit):
    """A line edit whose pop-up lists the best hits of a :class:`SearchIndex`.

    Parameters
    ----------
    index : SearchIndex
        What can be found.
    """

    chosen = QtCore.pyqtSignal(str, str)  # (kind, id)

    def __init__(self, index, parent=None):
        super().__init__(parent)
        self.index = index
        self.setPlaceholderText("Search structures and scenes…  (Ctrl+F)")
        self.setClearButtonEnabled(True)
        self.model = QtGui.QStandardItemModel(self)
        self.completer = QtWidgets.QCompleter(self.model, self)
        # The index ranks fuzzily; the completer must show its hits as they are.
        self.completer.setCompletionMode(QtWidgets.QCompleter.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.activated[QtCore.QModelIndex].connect(self._on_activated)
        self.setCompleter(self.completer)
        self.textEdited.connect(self.update_hits)
        self.returnPressed.connect(self._on_return)

    def set_index(self, index) -> None:
        """Search ``index`` from now on."""
        self.index = index

    def update_hits(self, text: str) -> list:
        """Fill the pop-up with the hits for ``text``; return them."""
        hits = self.index.query(text) if text.strip() else []
        self.model.clear()
        for hit in hits:
            tag = KIND_TAGS.get(hit.kind, hit.kind)
            item = QtGui.QStandardItem(f"{hit.label}   [{tag}]" if tag else hit.label)
            item.setData(hit.kind, KIND_ROLE)
            item.setData(hit.id, ID_ROLE)
            self.model.appendRow(item)
        if hits:
            self.completer.complete()
        return hits

    def _on_activated(self, index: QtCore.QModelIndex) -> None:
        # The completer's own proxy model holds the row shown; map it to ours.
        kind, sid = index.data(KIND_ROLE), index.data(ID_ROLE)
        if kind and sid:
            self.chosen.emit(kind, sid)
            QtCore.QTimer.singleShot(0, self.clear)

    def _on_return(self) -> None:
        hits = self.index.query(self.text())
        if hits:
            self.chosen.emit(hits[0].kind, hits[0].id)
            self.clear()
