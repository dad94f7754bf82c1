"""The window's own keys, wherever the focus is: a presentation clicker's, and Escape.

A presenter's clicker sends Page Up/Down (sometimes the arrows, and B or period on its
"blank screen" button). While a scene is open they step it from any widget (the scene
list, the tree, the 3D view), except a text field; the widgets' own use of those keys
comes second (issue 11). Escape leaves present mode, or else clears the selection.
A slider that keeps the arrow keys (the pose slider, when the keyboard is on it) is the
exception outside present mode, and any key press ends a change of pose at once (issue 13).
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt5 import QtCore, QtWidgets

# What presentation clickers send: Page Up/Down, sometimes the arrows, and B or period
# on the "blank screen" button (B: back, period: on). Up and Down are left to the lists.
NEXT_KEYS = {QtCore.Qt.Key_PageDown, QtCore.Qt.Key_Right, QtCore.Qt.Key_Space, QtCore.Qt.Key_Period}
PREV_KEYS = {QtCore.Qt.Key_PageUp, QtCore.Qt.Key_Left, QtCore.Qt.Key_B}
# What a focused slider keeps (Page Up/Down stay a clicker's: they always step).
ARROW_KEYS = {QtCore.Qt.Key_Left, QtCore.Qt.Key_Right, QtCore.Qt.Key_Up, QtCore.Qt.Key_Down,
              QtCore.Qt.Key_Home, QtCore.Qt.Key_End}
# Text fields keep every key: typing never steps a scene.
TEXT_WIDGETS = (QtWidgets.QLineEdit, QtWidgets.QAbstractSpinBox)


def _in_text_widget(widget: QtWidgets.QWidget) -> bool:
    """Return True if ``widget`` is (inside) a field the user types text into."""
    while widget is not None and not widget.isWindow():
        if isinstance(widget, TEXT_WIDGETS):
            return True
        if isinstance(widget, (QtWidgets.QTextEdit, QtWidgets.QPlainTextEdit)) and not widget.isReadOnly():
            return True
        if isinstance(widget, QtWidgets.QComboBox) and widget.isEditable():
            return True
        widget = widget.parentWidget()
    return False


class WindowKeys(QtCore.QObject):
    """An application event filter giving a window its clicker keys and Escape.

    Parameters
    ----------
    window : QWidget
        The window whose widgets' keys are taken (dialogs and other windows are left alone).
    view_state : ViewState
        The state stepped, presented and selected.
    step_by : callable
        ``step_by(+1 or -1)``: step the open scene, staying within it.
    interrupt : callable, optional
        Called on a key press that does not change the step: ends a running change of
        pose at once (a key that changes the step draws the new step at once itself).
    """

    def __init__(self, window: QtWidgets.QWidget, view_state, step_by: Callable[[int], None],
                 interrupt: Callable[[], None] | None = None):
        super().__init__(window)
        self._window = window
        self.view_state = view_state
        self.step_by = step_by
        self.interrupt = interrupt or (lambda: None)
        self.arrow_widgets: set[QtWidgets.QWidget] = set()  # widgets that keep the arrows while focused

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Step through an open scene with a clicker's keys, wherever the focus is; Escape.

        Only a text field keeps these keys (outside present mode, where nothing is typed).
        """
        if event.type() != QtCore.QEvent.KeyPress:
            return False
        if not isinstance(obj, QtWidgets.QWidget) or obj.window() is not self._window:
            return False  # a dialog of ours, or another window
        if event.modifiers() & (QtCore.Qt.ControlModifier | QtCore.Qt.AltModifier | QtCore.Qt.MetaModifier):
            return False
        vs = self.view_state
        step = vs.step
        taken = self._take(obj, event)
        if vs.step == step:
            self.interrupt()
        return taken

    def _take(self, obj: QtWidgets.QWidget, event: QtCore.QEvent) -> bool:
        vs = self.view_state
        if _in_text_widget(obj) and not vs.present:
            return False
        key = event.key()
        if obj in self.arrow_widgets and key in ARROW_KEYS and not vs.present:
            return False
        if key == QtCore.Qt.Key_Escape:
            if vs.present:
                vs.set_present(False)
            elif vs.selected is not None:
                vs.select(None)
            else:
                return False
            return True
        if vs.scene_id is not None and (key in NEXT_KEYS or key in PREV_KEYS):
            self.step_by(1 if key in NEXT_KEYS else -1)
            return True
        return False
