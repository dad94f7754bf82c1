"""The toolbars: named views and reset; patient side; background; present; save picture."""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from sciatic_atlas.app.qt_utils import signals_blocked

SIDE_BUTTONS = (("both", "Both sides"), ("right", "Patient's right"), ("left", "Patient's left"))


def view_choices() -> list[tuple[str, str]]:
    """Return ``(view name, button label)`` of every camera preset in ``data/views.yaml``."""
    from sciatic_atlas.render.cameras import view_names, view_spec

    return [(name, view_spec(name).get("label", name).split(" (")[0]) for name in view_names()
            if view_spec(name).get("toolbar", True)]


class ViewBar(QtWidgets.QToolBar):
    """Buttons for the named views and "Reset view"; bound to ``view_state.view``."""

    reset_requested = QtCore.pyqtSignal()

    def __init__(self, view_state, parent=None):
        super().__init__("Views", parent)
        self.setObjectName("viewsToolbar")
        self.view_state = view_state
        self.addWidget(QtWidgets.QLabel(" View: "))
        self.buttons: dict[str, QtWidgets.QToolButton] = {}
        for name, label in view_choices():
            button = QtWidgets.QToolButton(text=label, autoRaise=True)
            button.setToolTip(f"Look at the {label.lower()} view")
            button.clicked.connect(lambda _checked=False, n=name: self.view_state.set_view(n))
            self.addWidget(button)
            self.buttons[name] = button
        self.addSeparator()
        self.reset = self.addAction("Reset view")
        self.reset.setShortcut("Home")
        self.reset.setToolTip("Back to the scene's own view (Home)")
        self.reset.triggered.connect(self.reset_requested)


class DisplayBar(QtWidgets.QToolBar):
    """Patient side (both / right / left), light or dark background; bound to the state."""

    def __init__(self, view_state, parent=None):
        super().__init__("Display", parent)
        self.setObjectName("displayToolbar")
        self.view_state = view_state
        self.side_group = QtWidgets.QButtonGroup(self)
        self.side_buttons: dict[str, QtWidgets.QToolButton] = {}
        for side, label in SIDE_BUTTONS:
            button = QtWidgets.QToolButton(text=label, checkable=True, autoRaise=True)
            button.setToolTip(f"Show {label.lower()}")
            self.side_group.addButton(button)
            self.addWidget(button)
            self.side_buttons[side] = button
            button.clicked.connect(lambda _checked=False, s=side: self.view_state.set_side(s))
        self.addSeparator()
        self.dark = QtWidgets.QToolButton(text="Dark background", checkable=True, autoRaise=True)
        self.dark.toggled.connect(lambda on: self.view_state.set_background("dark" if on else "light"))
        self.addWidget(self.dark)
        view_state.connect("side", self._on_side_change)
        view_state.connect("background", self._on_background_change)
        self._on_side_change(view_state.side)
        self._on_background_change(view_state.background)

    def _on_side_change(self, side: str) -> None:
        with signals_blocked(self.side_group):
            self.side_buttons[side].setChecked(True)

    def _on_background_change(self, background: str) -> None:
        with signals_blocked(self.dark):
            self.dark.setChecked(background == "dark")
