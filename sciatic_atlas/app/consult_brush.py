"""The drawing tool on the window's 3D skin: mouse strokes become pain-map marks.

:class:`SkinBrush` connects a :class:`~sciatic_atlas.app.qt_viewport.QtViewport` to a
:class:`~sciatic_atlas.anatomy.painmap_edit.PainMapEditor`. While drawing is on, the
left mouse button paints, the right button turns the view, the middle button pans and
the wheel zooms (the interactor gets a trackball style whose left and right buttons
are re-bound; the window's own style comes back when drawing is turned off). Each pixel under the
cursor is turned into the first skin point along the view ray, so a stroke lands on
the surface facing the viewer, from any view, and a dab spreads along the skin
(:mod:`sciatic_atlas.anatomy.painmap_skin`), never through to the other side.
"""

from __future__ import annotations

import logging
from typing import Callable

import numpy as np
from vtkmodules.vtkCommonCore import reference
from vtkmodules.vtkCommonDataModel import vtkStaticCellLocator
from vtkmodules.vtkInteractionStyle import vtkInteractorStyleTrackballCamera

from sciatic_atlas.anatomy.painmap_edit import PainMapEditor
from sciatic_atlas.anatomy.painmap_skin import drawing
from sciatic_atlas.anatomy.skin_regions import skin_surface
from sciatic_atlas.render.painmap_actor import clear_painmap, show_painmap

log = logging.getLogger(__name__)


class SkinBrush:
    """Paint or erase on the viewport's skin with the mouse.

    Parameters
    ----------
    viewport : QtViewport
        The 3D view (its plotter, actors and ray picker).
    editor : PainMapEditor
        Receives the strokes.
    on_change : callable, optional
        Called with no arguments after each stroke, undo, redo or load.
    """

    def __init__(self, viewport, editor: PainMapEditor, on_change: Callable[[], None] | None = None):
        self.viewport = viewport
        self.editor = editor
        self.on_change = on_change or (lambda: None)
        self.erasing = False
        self.enabled = False
        self._stroke: list[np.ndarray] | None = None
        self._saved_style = None
        self._style = None
        self._tags: list[int] = []
        self._locator = None

    # ---- switching on and off
    def set_enabled(self, on: bool) -> None:
        """Turn drawing on (left button paints) or off (the camera style comes back)."""
        if on == self.enabled:
            return
        iren = self.viewport.plotter.iren.interactor
        if on:
            self._saved_style = iren.GetInteractorStyle()
            # An observer on a style's button event replaces the style's own handling of it.
            style = vtkInteractorStyleTrackballCamera()
            style.AddObserver("LeftButtonPressEvent", self._on_press)
            style.AddObserver("LeftButtonReleaseEvent", self._on_release)
            style.AddObserver("RightButtonPressEvent", self._on_turn_start)
            style.AddObserver("RightButtonReleaseEvent", self._on_turn_end)
            iren.SetInteractorStyle(style)
            self._style = style  # keep the Python side of the observers alive with the style
            self._tags = [iren.AddObserver("MouseMoveEvent", self._on_move, 5.0)]
        else:
            for tag in self._tags:
                iren.RemoveObserver(tag)
            self._tags = []
            if self._saved_style is not None:
                iren.SetInteractorStyle(self._saved_style)
            self._stroke = None
        self.enabled = on

    # ---- picking the skin
    def skin_point(self, x: float, y: float) -> np.ndarray | None:
        """Return the first skin point (mm) under display pixel ``(x, y)`` (from the bottom left)."""
        item = self.viewport.actors.get("skin")
        if item is None or not item.actor.visibility:
            return None
        data = item.actor.GetMapper().GetInput()
        if self._locator is None or self._locator.GetDataSet() is not data:
            self._locator = vtkStaticCellLocator()
            self._locator.SetDataSet(data)
            self._locator.BuildLocator()
        p0, p1 = self.viewport.picker.ray(x, y)
        t, point, pcoords = reference(0.0), [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
        sub_id, cell_id = reference(0), reference(0)
        if self._locator.IntersectWithLine(p0, p1, 1e-6, t, point, pcoords, sub_id, cell_id):
            return np.array(point, dtype=float)
        return None

    # ---- mouse
    def _xy(self) -> tuple[int, int]:
        return tuple(self.viewport.plotter.iren.interactor.GetEventPosition())

    def _on_turn_start(self, style, _event) -> None:
        style.FindPokedRenderer(*self._xy())
        style.StartRotate()

    def _on_turn_end(self, style, _event) -> None:
        if style.GetState() == 1:  # VTKIS_ROTATE
            style.EndRotate()

    def _on_press(self, *_args) -> None:
        self._stroke = []
        self._add(*self._xy())

    def _on_move(self, *_args) -> None:
        if self._stroke is not None:
            self._add(*self._xy())

    def _on_release(self, *_args) -> None:
        if self._stroke is None:
            return
        self._add(*self._xy())
        points, self._stroke = self._stroke, None
        self.apply_stroke(points)

    def _add(self, x: int, y: int) -> None:
        point = self.skin_point(x, y)
        if point is not None:
            self._stroke.append(point)

    # ---- edits
    def apply_stroke(self, points) -> int:
        """Paint (or erase) along skin ``points`` (mm), repaint, and report; return marks changed."""
        if len(points) == 0:
            return 0
        changed = self.editor.erase(points) if self.erasing else self.editor.stroke(points)
        self.repaint()
        self.on_change()
        return changed

    def repaint(self) -> None:
        """Paint the editor's map on the viewport's skin and render."""
        model = self.viewport.model
        if self.editor.painmap.marks:
            show_painmap(model, self.viewport.actors, drawing(skin_surface(model), self.editor.painmap))
        else:
            clear_painmap(self.viewport.actors)
        self.viewport.render()
