"""The scene browser: the library's scenes with audience tags, and the files that failed to load.

A broken scene file is listed in red; selecting it shows every problem found
(file, line, column, what is wrong, the fix). The rest of the library stays usable.
"""

from __future__ import annotations

import html
from pathlib import Path

from PyQt5 import QtCore, QtGui, QtWidgets

from sciatic_atlas.app.qt_utils import signals_blocked


def step_count_text(n_steps: int) -> str:
    """Return "6 steps" (the steps after the opening view, as `sciatic-atlas scenes` counts)."""
    return f"{n_steps} step{'s' if n_steps != 1 else ''}" if n_steps else "1 view"

ID_ROLE = QtCore.Qt.UserRole
ERROR_ROLE = QtCore.Qt.UserRole + 1
FREE_EXPLORE = ""  # the list entry for exploring without a scene
AUDIENCE_NAMES = {"student": "students", "consult": "consults", "lecture": "lectures"}


def error_html(error) -> str:
    """Return the problems of one broken scene file as an HTML list."""
    issues = getattr(error, "issues", None) or []
    rows = []
    for issue in issues:
        where = f"line {issue.line}, column {issue.column}" if issue.line else "file"
        fix = f"<br><i>Fix:</i> {html.escape(issue.fix)}" if issue.fix else ""
        rows.append(f"<li><b>{html.escape(where)}</b>: {html.escape(issue.message)}{fix}</li>")
    if not rows:
        rows.append(f"<li>{html.escape(str(error))}</li>")
    name = Path(getattr(error, "file", "") or "scene file").name
    return (f"<h4 style='color:#b00020'>{html.escape(name)} could not be opened</h4>"
            f"<ul>{''.join(rows)}</ul><p>Fix the file and press <b>Reload</b>.</p>")


class ScenesPanel(QtWidgets.QWidget):
    """Lists the scenes; choosing one emits ``scene_chosen``.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.
    """

    scene_chosen = QtCore.pyqtSignal(object)  # scene id, or None for free exploring
    reload_requested = QtCore.pyqtSignal()
    open_requested = QtCore.pyqtSignal(str)  # "file" or "folder": open the user's own scenes

    def __init__(self, parent=None):
        super().__init__(parent)
        self.list = QtWidgets.QListWidget()
        self.list.setWordWrap(True)
        self.list.setSpacing(2)
        self.details = QtWidgets.QTextBrowser()
        self.details.setVisible(False)
        self.details.setMaximumHeight(220)
        self.reload = QtWidgets.QPushButton("Reload library")
        self.reload.setToolTip("Read the scene files again (after editing one)")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.details)
        layout.addWidget(self.reload)
        own = QtWidgets.QHBoxLayout()
        self.open_file = QtWidgets.QPushButton("Open scene file…")
        self.open_file.setToolTip("Open a scene file of your own (YAML); it is listed with the library")
        self.open_folder = QtWidgets.QPushButton("Open folder…")
        self.open_folder.setToolTip("Open a folder of your own scenes, kept apart from the shipped library")
        own.addWidget(self.open_file)
        own.addWidget(self.open_folder)
        layout.addLayout(own)
        self.open_file.clicked.connect(lambda: self.open_requested.emit("file"))
        self.open_folder.clicked.connect(lambda: self.open_requested.emit("folder"))
        self.list.itemClicked.connect(self._on_item_click)
        self.list.itemActivated.connect(self._on_item_click)
        self.reload.clicked.connect(self.reload_requested)

    def set_library(self, summaries, broken) -> None:
        """Fill the list: free exploring, each scene (title, audience, steps), broken files."""
        with signals_blocked(self.list):
            self.list.clear()
            free = QtWidgets.QListWidgetItem("Explore freely\nthe whole model, no scene")
            free.setData(ID_ROLE, FREE_EXPLORE)
            self.list.addItem(free)
            for summary in summaries:
                tags = " · ".join(AUDIENCE_NAMES.get(a, a) for a in summary.audience)
                steps = step_count_text(summary.n_steps - 1)
                mine = " · yours" if getattr(summary, "own", False) else ""
                item = QtWidgets.QListWidgetItem(f"{summary.title}\nfor {tags} · {steps}{mine}")
                item.setData(ID_ROLE, summary.id)
                item.setToolTip(summary.summary or summary.title)
                self.list.addItem(item)
            for error in broken:
                name = Path(getattr(error, "file", "") or "scene").name
                n = len(getattr(error, "issues", []) or [1])
                item = QtWidgets.QListWidgetItem(f"⚠ {name}\n{n} problem{'s' if n != 1 else ''}: click for details")
                item.setForeground(QtGui.QColor("#b00020"))
                item.setData(ERROR_ROLE, error)
                self.list.addItem(item)
        self.details.setVisible(False)

    def mark_current(self, scene_id: str | None) -> None:
        """Select the list entry of ``scene_id`` without emitting anything."""
        wanted = scene_id or FREE_EXPLORE
        with signals_blocked(self.list):
            for row in range(self.list.count()):
                item = self.list.item(row)
                if item.data(ID_ROLE) == wanted:
                    self.list.setCurrentItem(item)
                    break

    def broken_items(self) -> list[QtWidgets.QListWidgetItem]:
        """Return the list entries of scene files that failed to load."""
        return [self.list.item(r) for r in range(self.list.count()) if self.list.item(r).data(ERROR_ROLE)]

    def _on_item_click(self, item: QtWidgets.QListWidgetItem) -> None:
        error = item.data(ERROR_ROLE)
        if error is not None:
            self.details.setHtml(error_html(error))
            self.details.setVisible(True)
            return
        self.details.setVisible(False)
        sid = item.data(ID_ROLE)
        self.scene_chosen.emit(sid or None)
