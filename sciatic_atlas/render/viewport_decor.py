"""What the 3D view shows besides anatomy: orientation cube and patient-side labels (no Qt).

The world frame is the radiological LPS frame (+x the patient's left, +y
posterior, +z superior), so the orientation cube's faces read L/R, A/P, S/I.
The screen edges say which of the patient's sides (or, seen from the side,
anterior/posterior) lies there, recomputed from the camera before every frame:
a student looking from behind and a therapist looking from the front both see
"Patient's RIGHT" where it really is.
"""

from __future__ import annotations

import numpy as np
from vtkmodules.vtkRenderingAnnotation import vtkAnnotatedCubeActor
from vtkmodules.vtkRenderingCore import vtkTextActor

# The body direction at a screen edge: world axis and sign -> text. +x is the patient's left.
EDGE_TEXT = {(0, 1): "Patient's LEFT", (0, -1): "Patient's RIGHT",
             (1, 1): "Posterior", (1, -1): "Anterior"}
EDGE_NAMES = ("side_label_screen_left", "side_label_screen_right")


def screen_edges(position, focal_point, up) -> tuple[str, str]:
    """Return the body direction at the (left, right) screen edges, e.g. "Patient's RIGHT".

    Parameters
    ----------
    position, focal_point, up : array-like, shape (3,)
        The camera (mm, world frame).

    Returns
    -------
    tuple of str
        Texts for the screen's left and right edges: the patient's side when the view
        crosses the left-right axis, anterior/posterior when it looks from the side,
        ``""`` when the screen's horizontal is mostly vertical in the body.
    """
    view = np.asarray(focal_point, float) - np.asarray(position, float)
    screen_right = np.cross(view, np.asarray(up, float))
    norm = np.linalg.norm(screen_right)
    if norm < 1e-9:
        return "", ""
    screen_right /= norm
    axis = int(np.argmax(np.abs(screen_right[:2])))
    if abs(screen_right[axis]) < 0.5:
        return "", ""
    sign = 1 if screen_right[axis] > 0 else -1
    return EDGE_TEXT[(axis, -sign)], EDGE_TEXT[(axis, sign)]


def orientation_cube() -> vtkAnnotatedCubeActor:
    """Return a cube whose faces name the patient's directions (L/R, A/P, S/I)."""
    cube = vtkAnnotatedCubeActor()
    for face, text in (("XPlus", "L"), ("XMinus", "R"), ("YPlus", "P"), ("YMinus", "A"),
                       ("ZPlus", "S"), ("ZMinus", "I")):
        getattr(cube, f"Set{face}FaceText")(text)
    cube.SetFaceTextScale(0.55)
    prop = cube.GetCubeProperty()
    prop.SetColor(0.86, 0.88, 0.92)
    text_colours = {"X": (0.75, 0.15, 0.15), "Y": (0.15, 0.45, 0.15), "Z": (0.15, 0.25, 0.7)}
    for axis, colour in text_colours.items():
        for sign in ("Plus", "Minus"):
            getattr(cube, f"Get{axis}{sign}FaceProperty")().SetColor(*colour)
    cube.GetTextEdgesProperty().SetColor(0.5, 0.5, 0.5)
    cube.GetTextEdgesProperty().SetLineWidth(1)
    return cube


class SideLabels:
    """Two text actors at the screen's left and right edges naming the body direction there.

    Parameters
    ----------
    plotter : pyvista.Plotter or QtInteractor
        Where to draw; the labels follow its camera before each frame.
    font_size : int
        Text size in points.
    """

    def __init__(self, plotter, font_size: int = 11):
        self._plotter = plotter
        self._actors = []
        for name, x, justify in zip(EDGE_NAMES, (0.012, 0.988), ("Left", "Right")):
            actor = vtkTextActor()
            coordinate = actor.GetPositionCoordinate()
            coordinate.SetCoordinateSystemToNormalizedViewport()
            coordinate.SetValue(x, 0.5)
            text = actor.GetTextProperty()
            getattr(text, f"SetJustificationTo{justify}")()
            text.SetVerticalJustificationToCentered()
            text.SetBold(True)
            text.SetFontSize(font_size)
            text.SetColor(0.25, 0.27, 0.32)
            actor.PickableOff()
            plotter.add_actor(actor, name=name, reset_camera=False, render=False, pickable=False)
            self._actors.append(actor)
        self._observer = plotter.renderer.AddObserver("StartEvent", self._on_render_start)

    def set_style(self, font_size: int, dark: bool) -> None:
        """Change the text size and pick a colour readable on a dark or light background."""
        colour = (0.85, 0.87, 0.9) if dark else (0.25, 0.27, 0.32)
        for actor in self._actors:
            actor.GetTextProperty().SetFontSize(font_size)
            actor.GetTextProperty().SetColor(*colour)

    def texts(self) -> tuple[str, str]:
        """Return the texts now shown at the left and right edges."""
        return tuple(a.GetInput() or "" for a in self._actors)

    def _on_render_start(self, *_args) -> None:
        camera = self._plotter.renderer.GetActiveCamera()
        texts = screen_edges(camera.GetPosition(), camera.GetFocalPoint(), camera.GetViewUp())
        for actor, text in zip(self._actors, texts):
            if actor.GetInput() != text:
                actor.SetInput(text)
