"""Labels as on an atlas plate: a leader line from a visible point of the structure to text in the margin.

Where a label points is read from what was drawn (an :class:`~sciatic_atlas.render.idpass.IdFrame`):
a structure's anchor is the pixel of it farthest inside its visible part (inside the part
where it is in front of everything, when that is most of it); a landmark's anchor is its projected pixel
when that lies on the landmark's own structure, or the nearest visible pixel of that
structure. A label whose structure shows nowhere in the frame is not drawn; it is
returned with a reason (and logged), so the frame report lists it.

The boxes are laid out in two columns beside the subject, each sorted by the height of
its anchors and packed so that no two boxes overlap; none is ever dropped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sciatic_atlas.render import text as textmetrics
from sciatic_atlas.render.appearance import appearance

log = logging.getLogger(__name__)

MIN_LABEL_PIXELS = 8  # a structure with fewer visible pixels is reported as not visible
LANDMARK_REACH = 0.04  # a landmark's anchor moves at most this fraction of the frame diagonal


@dataclass
class PlacedLabel:
    """One label of a frame: where it points and where its box is (pixels, top-left origin).

    ``pixel`` and ``box`` are None when the label is not drawn; ``reason`` then says why.
    """

    text: str
    anchor: str  # the structure id or landmark the scene names
    host: str  # the structure the anchor pixel must lie on
    pixel: tuple[int, int] | None = None
    box: tuple[int, int, int, int] | None = None
    world: tuple[float, float, float] | None = None  # the 3D point under the anchor pixel (mm)
    reason: str = ""

    def as_report(self) -> dict:
        """Return the label as the frame report writes it."""
        out = {"text": self.text, "anchor": self.anchor, "structure": self.host,
               "anchor_pixel": list(self.pixel) if self.pixel else None,
               "box": list(self.box) if self.box else None, "drawn": self.box is not None}
        if self.reason:
            out["warning"] = self.reason
        return out


def _interior_pixel(mask: np.ndarray) -> tuple[int, int]:
    """Return (x, y) of the mask pixel farthest from the mask's edge."""
    from scipy.ndimage import distance_transform_edt

    ys, xs = np.nonzero(mask)
    y0, x0 = ys.min(), xs.min()
    crop = mask[y0:ys.max() + 1, x0:xs.max() + 1]  # only the structure's box: thin ones cost little
    depth = distance_transform_edt(np.pad(crop, 1))[1:-1, 1:-1]
    y, x = np.unravel_index(int(np.argmax(depth)), depth.shape)
    return int(x + x0), int(y + y0)


def _project(renderer, point, height: int) -> tuple[int, int]:
    renderer.SetWorldPoint(float(point[0]), float(point[1]), float(point[2]), 1.0)
    renderer.WorldToDisplay()
    x, y, _ = renderer.GetDisplayPoint()
    return int(round(x)), int(round(height - 1 - y))


def find_anchor(frame, model, label, renderer) -> PlacedLabel:
    """Return ``label`` with its anchor pixel found in ``frame`` (box not yet placed).

    Parameters
    ----------
    frame : IdFrame
        What was drawn.
    model : AnatomyModel
        Gives landmark positions and the structure each landmark lies on.
    label : Label
        The scene's label (text and anchor).
    renderer : vtkRenderer
        The renderer whose camera drew ``frame`` (projects landmarks).
    """
    is_structure = frame.index(label.anchor) is not None or model.has_mesh(label.anchor)
    landmark = None if is_structure else model.find_landmark(label.anchor)
    host = landmark.structure if landmark is not None and landmark.structure else label.anchor
    placed = PlacedLabel(label.text, label.anchor, host)
    mask = frame.mask(host)
    count = int(mask.sum())
    if count < MIN_LABEL_PIXELS:
        drawn = frame.index(host) is not None
        placed.reason = (f"label '{label.text}': {host} is {'hidden behind other structures' if drawn else 'not shown'}"
                         f" in this view ({count} pixels): not drawn")
        return placed
    on_top = frame.mask(host, on_top=True)
    if landmark is not None:
        x, y = _project(renderer, landmark.position, frame.size[1])
        w, h = frame.size
        ys, xs = np.nonzero(mask)  # the nearest pixel where the landmark's structure shows
        d2 = (xs - x) ** 2 + (ys - y) ** 2
        best = int(np.argmin(d2))
        reach = LANDMARK_REACH * float(np.hypot(w, h))
        if d2[best] > reach * reach:
            placed.reason = (f"label '{label.text}': landmark {label.anchor} is not on a visible part of "
                             f"{host} in this view: not drawn")
            return placed
        pixel = (int(xs[best]), int(ys[best]))
    else:
        # in front of everything where that is most of what shows; else where it shows through a veil
        pixel = _interior_pixel(on_top if on_top.sum() >= max(MIN_LABEL_PIXELS, count // 2) else mask)
    placed.pixel = pixel
    if frame.world is not None:
        point = frame.world(*pixel)
        placed.world = None if point is None else tuple(float(v) for v in point)
    return placed


def label_font_px(height: int, scale: float = 1.0) -> int:
    """Return the label text height in pixels for a picture ``height`` pixels high."""
    return max(11, round(scale * height / 62))


def _pack(items: list[list], top: float, bottom: float, gap: float) -> None:
    """Move the boxes (``[desired_y, height, ...]``) so none overlaps, each near its desired y."""
    items.sort(key=lambda it: it[0])
    y = top
    for it in items:
        it[0] = max(it[0], y)
        y = it[0] + it[1] + gap
    limit = bottom
    for it in reversed(items):
        if it[0] + it[1] > limit:
            it[0] = limit - it[1]
        limit = it[0] - gap
    y = -1e9
    for it in items:  # a column too full for its band: stack down from the first (never overlap)
        it[0] = max(it[0], y)
        y = it[0] + it[1] + gap


def layout(placed: list[PlacedLabel], size: tuple[int, int], font_px: int,
           band: tuple[float, float], subject: tuple[int, int, int, int] | None) -> None:
    """Give every anchored label a box beside the subject; boxes never overlap.

    Parameters
    ----------
    placed : list of PlacedLabel
        Labels with anchor pixels; their ``box`` is set in place.
    size : tuple of int
        The picture's (width, height).
    font_px : int
        Label text height in pixels.
    band : tuple of float
        The pixel rows (top, bottom) free for labels (below the title, above the narration).
    subject : tuple of int or None
        The box (x0, y0, x1, y1) of the drawn anatomy.
    """
    width, height = size
    pad, gap, margin = round(0.35 * font_px), round(0.4 * font_px), round(0.5 * font_px)
    anchored = [p for p in placed if p.pixel is not None]
    if not anchored:
        return
    sx0, _, sx1, _ = subject or (0, 0, width - 1, height - 1)
    centre = (sx0 + sx1) / 2
    columns: dict[str, list[list]] = {"left": [], "right": []}
    for p in anchored:
        tw, th = textmetrics.text_size(p.text, font_px)
        w, h = tw + 2 * pad, th + 2 * pad
        columns["left" if p.pixel[0] < centre else "right"].append([p.pixel[1] - h / 2, h, w, p])
    room = band[1] - band[0]
    for one, other in (("left", "right"), ("right", "left")):  # move labels out of a column too full
        while columns[one] and sum(it[1] + gap for it in columns[one]) > room and \
                sum(it[1] + gap for it in columns[other]) + columns[one][0][1] < room:
            far = max(columns[one], key=lambda it: abs(it[3].pixel[0] - centre) if one == "right"
                      else -abs(it[3].pixel[0] - centre))
            columns[one].remove(far)
            columns[other].append(far)
    for name, items in columns.items():
        for it in items:
            w, p = it[2], it[3]
            if name == "left":
                x0 = max(margin, min(sx0 - gap - w, p.pixel[0] - 3 * gap - w))
            else:
                x0 = min(width - margin - w, max(sx1 + gap, p.pixel[0] + 3 * gap))
            it.append(max(0, min(x0, width - w)))
    left_end = max((it[4] + it[2] for it in columns["left"]), default=-1)
    right_start = min((it[4] for it in columns["right"]), default=width + 1)
    # Columns that meet (wide labels, a narrow picture) are stacked as one, so boxes in
    # different columns never share a row either.
    stacks = [columns["left"] + columns["right"]] if left_end + gap > right_start else list(columns.values())
    for items in stacks:
        _pack(items, band[0] + margin / 2, band[1] - margin / 2, gap)
        for y, h, w, p, x0 in items:
            p.box = (int(round(x0)), int(round(y)), int(round(x0 + w)), int(round(y + h)))


def draw(plotter, placed: list[PlacedLabel], font_px: int, prefix: str) -> set[str]:
    """Draw the placed labels: a boxed text, a leader line and a dot on the anchor; return the names."""
    from vtkmodules.vtkRenderingAnnotation import vtkLeaderActor2D
    from vtkmodules.vtkRenderingCore import vtkTextActor

    spec = appearance()["labels"]
    height = int(plotter.window_size[1])
    names = set()
    for i, p in enumerate(q for q in placed if q.box is not None):
        x0, y0, x1, y1 = p.box
        pad = round(0.35 * font_px)
        text = vtkTextActor()
        text.SetInput(p.text)
        prop = text.GetTextProperty()
        textmetrics.style(prop, font_px)
        prop.SetColor(*spec["text_colour"])
        prop.SetBackgroundColor(*spec["box_colour"])
        prop.SetBackgroundOpacity(spec["box_opacity"])
        prop.SetFrame(True)
        prop.SetFrameColor(*spec["leader_colour"])
        prop.SetFrameWidth(1)
        prop.SetJustificationToLeft()
        prop.SetVerticalJustificationToBottom()
        text.SetDisplayPosition(int(x0 + pad), int(height - y1 + pad))
        name = f"{prefix}label:{i}:text"
        plotter.add_actor(text, name=name, reset_camera=False, pickable=False, render=False)
        names.add(name)
        # The leader: from the box edge facing the anchor to the anchor, and a dot on it. The
        # anchor end is a world point where one is known (it follows the structure if the
        # camera moves); the box end stays on the box.
        ax, ay = p.pixel
        ex = x1 if ax > x1 else (x0 if ax < x0 else (x0 + x1) // 2)
        ey = (y0 + y1) // 2 if ax > x1 or ax < x0 else (y1 if ay > y1 else y0)
        leader = vtkLeaderActor2D()
        leader.SetArrowPlacementToNone()
        leader.GetPositionCoordinate().SetCoordinateSystemToDisplay()
        leader.GetPositionCoordinate().SetValue(float(ex), float(height - 1 - ey), 0.0)
        end = leader.GetPosition2Coordinate()
        if p.world is not None:
            end.SetCoordinateSystemToWorld()
            end.SetValue(*p.world)
        else:
            end.SetCoordinateSystemToDisplay()
            end.SetValue(float(ax), float(height - 1 - ay), 0.0)
        leader.GetProperty().SetColor(*spec["leader_colour"])
        leader.GetProperty().SetLineWidth(max(1.0, font_px / 14))
        dot = _dot(p, height, font_px, spec["leader_colour"])
        for part, actor in (("line", leader), ("dot", dot)):
            name = f"{prefix}label:{i}:{part}"
            plotter.add_actor(actor, name=name, reset_camera=False, pickable=False, render=False)
            names.add(name)
    return names


def _dot(p: PlacedLabel, height: int, font_px: int, rgb):
    """Return a 2D actor drawing a round dot on the label's anchor."""
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData
    from vtkmodules.vtkRenderingCore import vtkActor2D, vtkCoordinate, vtkPolyDataMapper2D

    points = vtkPoints()
    coord = vtkCoordinate()
    if p.world is not None:
        coord.SetCoordinateSystemToWorld()
        points.InsertNextPoint(*p.world)
    else:
        coord.SetCoordinateSystemToDisplay()
        points.InsertNextPoint(float(p.pixel[0]), float(height - 1 - p.pixel[1]), 0.0)
    verts = vtkCellArray()
    verts.InsertNextCell(1)
    verts.InsertCellPoint(0)
    poly = vtkPolyData()
    poly.SetPoints(points)
    poly.SetVerts(verts)
    mapper = vtkPolyDataMapper2D()
    mapper.SetInputData(poly)
    mapper.SetTransformCoordinate(coord)
    actor = vtkActor2D()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(*rgb)
    actor.GetProperty().SetPointSize(max(5.0, font_px / 2.5))
    return actor
