"""The narration strip: the scene's title, the step's text, Prev/Next and the step counter."""

from __future__ import annotations

from PyQt5 import QtCore, QtGui, QtWidgets


MAX_SHARE = 0.2  # the most of the window's height the title, or the text, may take


def counter_text(step: int, n_steps: int) -> str:
    """Return where the reader is: "Opening view (6 steps)" or "Step 2 of 6" (as ``render --step``)."""
    if n_steps < 1:
        return ""
    return f"Opening view ({n_steps} step{'s' if n_steps != 1 else ''})" if step == 0 else f"Step {step} of {n_steps}"


class NarrationPanel(QtWidgets.QFrame):
    """Shows what the open scene says at the current step and steps through it.

    Parameters
    ----------
    view_state : ViewState
        The state whose step the buttons change.
    """

    def __init__(self, view_state, parent=None):
        super().__init__(parent)
        self.view_state = view_state
        self.n_steps = 1
        self.setObjectName("narration")
        self.title = QtWidgets.QLabel(wordWrap=True, objectName="narrationTitle", textFormat=QtCore.Qt.PlainText)
        self.text = QtWidgets.QLabel(wordWrap=True, objectName="narrationText", textFormat=QtCore.Qt.PlainText)
        self.text.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.text.setAlignment(QtCore.Qt.AlignTop | QtCore.Qt.AlignLeft)
        self.counter = QtWidgets.QLabel(objectName="stepCounter")
        self.counter.setAlignment(QtCore.Qt.AlignCenter)
        self.prev = QtWidgets.QPushButton("◀  Prev")
        self.next = QtWidgets.QPushButton("Next  ▶")
        self.prev.setToolTip("Previous step (Page Up, ←)")
        self.next.setToolTip("Next step (Page Down, →, Space)")
        for button in (self.prev, self.next):
            button.setFocusPolicy(QtCore.Qt.NoFocus)
        self.prev.clicked.connect(lambda: self.step_by(-1))
        self.next.clicked.connect(lambda: self.step_by(+1))
        words = QtWidgets.QVBoxLayout()
        words.addWidget(self.title)
        words.addWidget(self.text, 1)
        nav = QtWidgets.QVBoxLayout()
        nav.addWidget(self.counter)
        buttons = QtWidgets.QHBoxLayout()
        buttons.addWidget(self.prev)
        buttons.addWidget(self.next)
        nav.addLayout(buttons)
        nav.addStretch(1)
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(words, 1)
        layout.addLayout(nav)
        self.set_text_size(11)

    def step_by(self, delta: int) -> None:
        """Go ``delta`` steps forward (or back), staying within the scene."""
        step = min(max(self.view_state.step + delta, 0), self.n_steps - 1)
        self.view_state.set_step(step)

    def show_step(self, title: str, step_title: str, text: str, step: int, n_steps: int) -> None:
        """Show the scene ``title``, the step's title and narration, and "step k of n"."""
        self.n_steps = max(1, n_steps)
        if not step_title or step_title == title:
            heading = title
        elif step_title.startswith(title):  # the resolved step title already names the scene
            heading = step_title
        else:
            heading = f"{title} — {step_title}"
        self.title.setText(heading)
        self.text.setText(text)
        self.counter.setText(counter_text(step, self.n_steps - 1))
        self.prev.setEnabled(step > 0)
        self.next.setEnabled(step < self.n_steps - 1)
        self.prev.setVisible(self.n_steps > 1)
        self.next.setVisible(self.n_steps > 1)
        self.fit_height()

    def fit_height(self) -> None:
        """Grow (or shrink) the strip to the wrapped height of its text: nothing is cut off.

        Each label may take up to :data:`MAX_SHARE` of the window's height, so a long
        text on a small window never pushes the window larger than the screen.
        """
        cap = max(40, int(MAX_SHARE * self.window().height()))
        for label in (self.title, self.text):
            width = label.width() if label.width() > 50 else max(200, self.width() - 220)
            label.setMinimumHeight(min(cap, label.heightForWidth(width)) if label.text() else 0)

    def resizeEvent(self, event) -> None:
        """Re-wrap the text to the new width."""
        super().resizeEvent(event)
        self.fit_height()

    dark = False
    points = 11

    def set_text_size(self, points: int) -> None:
        """Set the narration's type size (larger when presenting)."""
        self.points = int(points)
        self._style()

    def set_dark(self, dark: bool) -> None:
        """Follow the 3D view's background: light text on a dark strip under a dark scene."""
        if bool(dark) != self.dark:
            self.dark = bool(dark)
            self._style()

    def _style(self) -> None:
        fg, muted, bg = ("#eeeeee", "#aaaaaa", "#1d1e22") if self.dark else ("#111111", "#666666", "")
        self.setAutoFillBackground(bool(bg))
        palette = self.palette()
        palette.setColor(self.backgroundRole(), QtGui.QColor(bg or "#efefef"))
        self.setPalette(palette) if bg else self.setPalette(QtWidgets.QApplication.palette(self))
        points = self.points
        self.title.setStyleSheet(f"font-size:{round(points * 1.35)}pt; font-weight:600; color:{fg}")
        self.text.setStyleSheet(f"font-size:{points}pt; color:{fg}")
        self.counter.setStyleSheet(f"font-size:{max(9, points - 1)}pt; color:{muted}")
        self.fit_height()
