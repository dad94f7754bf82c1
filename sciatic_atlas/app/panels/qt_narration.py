"""The narration strip: the scene's title, the step's text, Prev/Next and the step counter."""

from __future__ import annotations

from PyQt5 import QtCore, QtGui, QtWidgets


MAX_SHARE = 0.2  # the most of the window's height the title, or the text, may take


def heading_text(title: str, step_title: str) -> str:
    """Return the strip's heading: the scene's title, with the step's title when it adds one."""
    if not step_title or step_title == title:
        return title
    if step_title.startswith(title):  # the resolved step title already names the scene
        return step_title
    return f"{title} — {step_title}"


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
        self._pages: list[tuple[str, str]] = []  # (heading, text) of every step of the open scene
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
        self._buttons = buttons
        buttons.addWidget(self.prev)
        buttons.addWidget(self.next)
        nav.addLayout(buttons)
        self._controls = QtWidgets.QVBoxLayout()  # more controls under the buttons (the pose slider)
        self._controls.setContentsMargins(0, 0, 0, 0)
        nav.addLayout(self._controls)
        nav.addStretch(1)
        self._nav = nav
        layout = QtWidgets.QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addLayout(words, 1)
        layout.addLayout(nav)
        self.set_text_size(11)

    def add_control(self, widget: QtWidgets.QWidget) -> None:
        """Put ``widget`` under Prev/Next (it shows and hides itself)."""
        self._controls.addWidget(widget)

    def step_by(self, delta: int) -> None:
        """Go ``delta`` steps forward (or back), staying within the scene."""
        step = min(max(self.view_state.step + delta, 0), self.n_steps - 1)
        self.view_state.set_step(step)

    def show_step(self, title: str, step_title: str, text: str, step: int, n_steps: int) -> None:
        """Show the scene ``title``, the step's title and narration, and "step k of n"."""
        self.n_steps = max(1, n_steps)
        heading = heading_text(title, step_title)
        self.title.setText(heading)
        self.text.setText(text)
        self.counter.setText(counter_text(step, self.n_steps - 1))
        self.prev.setEnabled(step > 0)
        self.next.setEnabled(step < self.n_steps - 1)
        self.prev.setVisible(self.n_steps > 1)
        self.next.setVisible(self.n_steps > 1)
        self.fit_height()

    def reserve(self, pages) -> None:
        """Size the strip for the tallest of ``pages`` ((heading, text) of every step).

        The strip then keeps one height while the scene is stepped through: Prev/Next
        stay under the pointer and the 3D view keeps its size (issue 11).
        """
        self._pages = [(str(heading), str(text)) for heading, text in pages]
        self.fit_height()

    def _text_width(self) -> int:
        """Return the width (px) the title and text wrap to, from the strip's own width."""
        margins = self.layout().contentsMargins()
        width = self.width() - margins.left() - margins.right() - self.layout().spacing() - self._nav_width()
        return max(200, width)

    def _nav_width(self) -> int:
        """Return the width (px) of the Prev/Next column from its widgets' own size hints.

        Not the column layout's size hint: that is cached until the next layout, so just
        after the pose slider under the buttons took a longer (or shorter) pose name the
        text was wrapped to the width of the step before. The strip then grew a line, and
        shrank back a frame later (a second full-quality frame for one step).
        """
        widths = [self.counter.sizeHint().width()]
        shown = [b for b in (self.prev, self.next) if b.isVisibleTo(self)]
        if shown:
            widths.append(sum(b.sizeHint().width() for b in shown) + max(0, self._buttons.spacing()) * (len(shown) - 1))
        for i in range(self._controls.count()):
            widget = self._controls.itemAt(i).widget()
            if widget is not None and (widget.isVisibleTo(self) or widget.sizePolicy().retainSizeWhenHidden()):
                widths.append(widget.sizeHint().width())
        return max(widths)

    @staticmethod
    def _wrapped_height(label: QtWidgets.QLabel, text: str, width: int) -> int:
        if not text:
            return 0
        label.ensurePolished()  # the style sheet sets the font
        rect = QtGui.QFontMetrics(label.font()).boundingRect(
            QtCore.QRect(0, 0, width, 1 << 20), int(QtCore.Qt.TextWordWrap), text)
        return rect.height() + 2 * label.margin() + 2

    def fit_height(self) -> None:
        """Size the strip to the wrapped height of its text: nothing is cut off.

        With :meth:`reserve` pages, the tallest page sets the height, so stepping does
        not move anything. Each label may take up to :data:`MAX_SHARE` of the window's
        height, so a long text on a small window never pushes the window off the screen.
        """
        cap = max(40, int(MAX_SHARE * self.window().height()))
        width = self._text_width()
        pages = self._pages + [(self.title.text(), self.text.text())]
        for index, label in enumerate((self.title, self.text)):
            tallest = max(self._wrapped_height(label, page[index], width) for page in pages)
            label.setMinimumHeight(min(cap, tallest))

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
