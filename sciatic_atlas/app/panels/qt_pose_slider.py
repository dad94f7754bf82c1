"""The pose slider: how far into the step's named pose the model is shown (issue 13).

Shown under Prev/Next while the step has a named pose, hidden otherwise. Dragging
emits :attr:`PoseSlider.dragged` for each position (the window draws cheap frames);
the release, a click on the groove and the keys emit :attr:`PoseSlider.chosen` once
(the window re-resolves the step and draws one full-quality frame). Key presses are
taken together: :attr:`PoseSlider.chosen` comes once the keys already queued are read,
so a held arrow key re-resolves the step once per turn of the event loop, not once per
repeat queued behind a slow frame.
"""

from __future__ import annotations

from PyQt5 import QtCore, QtWidgets

from sciatic_atlas.app.qt_utils import signals_blocked

STEPS = 100  # the slider's range: percent of the pose


def title_text(label: str) -> str:
    """Return the slider's title: the pose's name and its range ("Glute stretch: 0–100%")."""
    return f"{label}: 0–100%"


class PoseSlider(QtWidgets.QFrame):
    """A slider for the amount (0..1) of the current step's named pose.

    Parameters
    ----------
    parent : QWidget, optional
        The parent widget.
    """

    dragged = QtCore.pyqtSignal(float)  # amount 0..1 while the handle is held
    chosen = QtCore.pyqtSignal(float)  # amount 0..1 once settled (release, groove click, keys)

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("poseSlider")
        self.title = QtWidgets.QLabel(objectName="poseTitle", textFormat=QtCore.Qt.PlainText)
        self.percent = QtWidgets.QLabel(objectName="posePercent")
        self.percent.setAlignment(QtCore.Qt.AlignRight | QtCore.Qt.AlignVCenter)
        self.percent.setMinimumWidth(self.percent.fontMetrics().horizontalAdvance("100%") + 4)
        self.slider = QtWidgets.QSlider(QtCore.Qt.Horizontal, minimum=0, maximum=STEPS, singleStep=5,
                                        pageStep=25, objectName="poseAmount")
        # Keyboard focus by Tab only: a click on the slider must not take a presenter's
        # clicker keys (the arrows) away from stepping the scene.
        self.slider.setFocusPolicy(QtCore.Qt.TabFocus)
        self.slider.setMinimumWidth(160)
        self.slider.valueChanged.connect(self._on_value_change)
        self.slider.sliderReleased.connect(self._on_release)
        self._keys_timer = QtCore.QTimer(self, singleShot=True, interval=0)  # keys queued: one chosen
        self._keys_timer.timeout.connect(lambda: self.chosen.emit(self.amount))
        row = QtWidgets.QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(self.percent)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addLayout(row)
        self.label = ""
        self.hide()

    @property
    def amount(self) -> float:
        """The amount the slider shows (0..1)."""
        return self.slider.value() / STEPS

    def show_pose(self, pose) -> None:
        """Show ``pose`` (a ResolvedPose) when it is a named pose; hide the slider otherwise.

        The slider is set quietly: nothing is emitted back.
        """
        if pose is None or not pose.name:
            self.hide()
            return
        self.label = pose.label or pose.name
        self.title.setText(title_text(self.label))
        self._keys_timer.stop()
        with signals_blocked(self.slider):
            self.slider.setValue(round(pose.amount * STEPS))
        self._show_percent()
        self.show()

    def reserve(self, keep_room: bool) -> None:
        """Keep the slider's room while it is hidden (a scene with posed steps: nothing moves on stepping)."""
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(bool(keep_room))
        self.setSizePolicy(policy)

    def _show_percent(self) -> None:
        self.percent.setText(f"{self.slider.value()}%")

    def _on_value_change(self, _value: int) -> None:
        self._show_percent()
        if self.slider.isSliderDown():
            self.dragged.emit(self.amount)
        else:  # a key or a click on the groove: settled once the input queued is read
            self._keys_timer.start()

    def _on_release(self) -> None:
        self._keys_timer.stop()
        self.chosen.emit(self.amount)
