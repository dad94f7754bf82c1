"""The mouse and keys on the 3D view's widget: clicks told from drags, hover picks, VTK's keys kept out.

Mouse clicks are told from drags on the Qt widget itself, because VTK's trackball style
takes the mouse on press and its observers never see the release. The pointer resting
for :data:`HOVER_DELAY_MS` picks the structure under it. VTK's own keys (3: anaglyph
stereo, w: wireframe, r/f: camera jumps, e/q: quit...) are not offered to VTK: the
window's keys are handled by the window (issue 11).
"""

from __future__ import annotations

from PyQt5 import QtCore

CLICK_SLOP_PX = 4  # a press and release closer than this is a click, not a drag
HOVER_DELAY_MS = 150  # pick for the hover name once the pointer rests this long


class PointerInput(QtCore.QObject):
    """Turn presses, releases and resting pointers on the view's widget into picks.

    Parameters
    ----------
    viewport : QtViewport
        The view: gives the plotter, whether the camera moves (``viewport.view``), the
        picker (``viewport.picker``, replaceable by a stub in tests) and the signals to emit.
    """

    def __init__(self, viewport):
        super().__init__(viewport)
        self._viewport = viewport
        self._press: tuple[int, int] | None = None
        self._hover_at: tuple[int, int] | None = None
        self._hover_timer = QtCore.QTimer(self, singleShot=True, interval=HOVER_DELAY_MS)
        self._hover_timer.timeout.connect(self._on_hover_timeout)

    def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
        """Tell clicks from drags and keep VTK's own keys away."""
        kind = event.type()
        if kind == QtCore.QEvent.MouseButtonPress and event.button() == QtCore.Qt.LeftButton:
            self._press = (event.x(), event.y())
        elif kind == QtCore.QEvent.MouseButtonRelease and event.button() == QtCore.Qt.LeftButton:
            press, self._press = self._press, None
            if press is not None and abs(event.x() - press[0]) <= CLICK_SLOP_PX \
                    and abs(event.y() - press[1]) <= CLICK_SLOP_PX:
                self._viewport.click_at(*self._display_xy(event.x(), event.y()))
        elif kind in (QtCore.QEvent.KeyPress, QtCore.QEvent.KeyRelease):
            return True
        return False

    def _display_xy(self, x: int, y: int) -> tuple[float, float]:
        """Return the VTK display pixel (from the bottom left) of a widget position."""
        widget = self._viewport.plotter.interactor
        ratio = widget.devicePixelRatioF()
        return x * ratio, (widget.height() - 1 - y) * ratio

    def on_move(self, *_args) -> None:
        """The pointer moved over the view (a VTK observer): pick once it rests."""
        if self._viewport.view.quality.moving:
            return  # rotating or gliding: no hover picks
        self._hover_at = tuple(self._viewport.plotter.iren.interactor.GetEventPosition())
        self._hover_timer.start()

    def _on_hover_timeout(self) -> None:
        viewport = self._viewport
        if self._hover_at is not None and not viewport.view.quality.moving:
            viewport.structure_hovered.emit(viewport.picker.pick(*self._hover_at))

    def stop(self) -> None:
        """Stop the hover timer (the view is closing)."""
        self._hover_timer.stop()
