"""What the picture holds, measured from pixels: an ID pass of the drawn structures.

The structures on a plotter are drawn again into a second, offscreen window of the same
size and camera, each flat in a colour that encodes its index (no lighting, no
anti-aliasing, no blending), and read back. Two passes are made:

* ``front``: every visible structure drawn opaque -- which structure is nearest the eye
  at each pixel;
* ``solid``: only the structures that hide what is behind them (drawn at opacity
  :data:`SOLID_OPACITY` or more: by default every structure, not one a step fades) -- which
  structure shows at each pixel through the translucent veils over it.

A structure is *visible* at a pixel when it is the front one there, or the front solid
one (seen through a translucent layer). Overlay zones painted on the skin get their own
ids (``overlay:<id>``) in both passes, so a referral zone's share of the frame is
measured the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
import pyvista as pv

log = logging.getLogger(__name__)

SOLID_OPACITY = 0.5  # drawn at least this opaque, a structure hides what lies behind it
OVERLAY_ID = "overlay:"  # prefix of the ids of painted skin zones
MARK_ID = "mark:"  # prefix of the ids of marks drawn over the structures


@dataclass
class IdFrame:
    """The ID maps of one frame (rows from the top of the picture, as in the PNG).

    Attributes
    ----------
    ids : list of str
        Index -> structure id; index 0 is the background.
    front, solid : ndarray of int, shape (H, W)
        The front-most structure, and the front-most solid structure, at each pixel.
    world : callable
        ``world(x, y)`` -> the 3D point (mm) drawn at pixel (x, y) of the front pass, or None.
    """

    ids: list[str]
    front: np.ndarray
    solid: np.ndarray
    world: object = None
    _index: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._index = {sid: k for k, sid in enumerate(self.ids)}

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return self.front.shape[1], self.front.shape[0]

    def index(self, sid: str) -> int | None:
        """Return the index of ``sid`` in the maps, or None when it was not drawn."""
        return self._index.get(sid)

    def mask(self, sid: str, *, on_top: bool = False) -> np.ndarray:
        """Return the pixels where ``sid`` is visible (front, or front solid unless ``on_top``)."""
        k = self.index(sid)
        if k is None:
            return np.zeros(self.front.shape, bool)
        return (self.front == k) if on_top else (self.front == k) | (self.solid == k)

    def visible_pixels(self) -> dict[str, int]:
        """Return every drawn id's visible pixel count (0 for one drawn but hidden)."""
        n = len(self.ids)
        front = np.bincount(self.front.ravel(), minlength=n)
        both = np.bincount(self.solid.ravel()[self.front.ravel() != self.solid.ravel()], minlength=n)
        counts = front + both
        return {sid: int(counts[k]) for k, sid in enumerate(self.ids) if k}

    def seen_through(self) -> dict[str, dict[str, int]]:
        """Return ``sid -> {cover: pixels}``: where ``sid`` shows only through a translucent ``cover``."""
        through = (self.front != self.solid) & (self.solid > 0) & (self.front > 0)
        pairs, counts = np.unique(np.stack([self.solid[through], self.front[through]]), axis=1, return_counts=True)
        out: dict[str, dict[str, int]] = {}
        for (behind, cover), n in zip(pairs.T, counts):
            out.setdefault(self.ids[behind], {})[self.ids[cover]] = int(n)
        return out

    def owner(self, x: int, y: int) -> str | None:
        """Return the structure drawn in front at pixel (x, y) (top-left origin), or None."""
        w, h = self.size
        if not (0 <= x < w and 0 <= y < h):
            return None
        k = int(self.front[y, x])
        return self.ids[k] if k else None

    def subject_box(self, ids=None) -> tuple[int, int, int, int] | None:
        """Return the box (x0, y0, x1, y1) holding every drawn pixel, or None for an empty frame.

        With ``ids``, only the pixels where those structures (or overlay zones) are visible.
        """
        if ids is None:
            ys, xs = np.nonzero(self.front)
        else:
            masks = [self.mask(sid) for sid in ids]
            ys, xs = np.nonzero(np.logical_or.reduce(masks) if masks else np.zeros(self.front.shape, bool))
        if not len(xs):
            return None
        return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def _colour(k: int) -> tuple[float, float, float]:
    return ((k & 255) / 255.0, ((k >> 8) & 255) / 255.0, ((k >> 16) & 255) / 255.0)


def _decode(image: np.ndarray) -> np.ndarray:
    """Return the id (int32) coded in each pixel's colour: red + 256 green + 65536 blue."""
    ids = image[..., 2].astype(np.int32) << 16
    ids |= image[..., 1].astype(np.int32) << 8
    ids |= image[..., 0]
    return ids


def _flat_actor(mesh, rgb, cell_ids: np.ndarray | None = None):
    """Return an unlit VTK actor drawing ``mesh`` flat in ``rgb`` (or per cell from ``cell_ids``).

    Plain VTK objects (no PyVista wrappers): about a hundred are made per measurement.
    """
    from vtkmodules.util.numpy_support import numpy_to_vtk
    from vtkmodules.vtkCommonDataModel import vtkPolyData
    from vtkmodules.vtkRenderingCore import vtkActor, vtkPolyDataMapper

    mapper = vtkPolyDataMapper()
    if cell_ids is not None:
        poly = vtkPolyData()
        poly.SetPoints(mesh.GetPoints())
        poly.SetPolys(mesh.GetPolys())
        colours = np.column_stack([cell_ids & 255, (cell_ids >> 8) & 255, (cell_ids >> 16) & 255]).astype(np.uint8)
        array = numpy_to_vtk(colours, deep=True)
        array.SetName("id_rgb")
        poly.GetCellData().SetScalars(array)
        mapper.SetInputData(poly)
        mapper.SetScalarModeToUseCellData()
        mapper.SetColorModeToDirectScalars()
        mapper.ScalarVisibilityOn()
    else:
        mapper.SetInputData(mesh)
        mapper.ScalarVisibilityOff()
    actor = vtkActor()
    actor.SetMapper(mapper)
    prop = actor.GetProperty()
    prop.SetColor(*rgb)
    prop.LightingOff()
    prop.SetAmbient(1.0)
    prop.SetDiffuse(0.0)
    prop.SetSpecular(0.0)
    prop.SetOpacity(1.0)
    prop.SetInterpolationToFlat()
    return actor


def _read_pixels(plotter) -> np.ndarray:
    """Return the last render's RGB pixels (rows from the top), straight from the window."""
    from vtkmodules.util.numpy_support import vtk_to_numpy
    from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

    w, h = (int(v) for v in plotter.window_size)
    data = vtkUnsignedCharArray()
    plotter.render_window.GetPixelData(0, 0, w - 1, h - 1, 0, data, 0)  # the back buffer, just drawn
    return vtk_to_numpy(data).reshape(h, w, -1)[::-1]


class IdRenderer:
    """An offscreen window that draws ID passes (a context manager: closed on exit).

    Made for one measurement and closed after it: a window costs about 10 ms once VTK is
    loaded, and nothing outlives the plotter measured.

    Parameters
    ----------
    size : tuple of int
        (width, height) of the frames to measure.
    """

    def __init__(self, size: tuple[int, int]):
        self.plotter = pv.Plotter(off_screen=True, window_size=list(size), lighting="none")
        self.plotter.disable_anti_aliasing()
        self.plotter.render_window.SetMultiSamples(0)
        self.plotter.renderer.SetUseDepthPeeling(False)
        self.plotter.set_background((0.0, 0.0, 0.0))

    def close(self) -> None:
        """Release the window."""
        self.plotter.close()

    def __enter__(self) -> "IdRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


    def measure(self, plotter, actors: dict, overlay_cells: dict | None = None,
                marks: dict | None = None, scale: int = 1) -> IdFrame:
        """Return the ID maps of what ``plotter`` shows through its camera.

        With ``scale`` above 1 the passes are drawn that many times smaller and the maps
        scaled back up to the plotter's size: a quarter of the pixels at 2, for label
        placement in the window (a structure narrower than ``scale`` pixels may be missed).

        Parameters
        ----------
        plotter : pyvista.Plotter or pyvistaqt.QtInteractor
            The plotter the state was applied to (its camera and window size are used).
        actors : dict of str to StructureActor
            The structures on ``plotter``.
        overlay_cells : dict, optional
            ``{"mesh": painted skin, "cells": per-cell overlay index (0 none), "ids": overlay ids}``
            to draw the skin's painted zones under their own ids.
        marks : dict, optional
            Name -> mesh of opaque marks drawn over the structures (compression bands); they
            hide what is behind them and get their own ids (``mark:<name>``).
        """
        full = tuple(int(v) for v in plotter.window_size)
        size = tuple(max(1, -(-v // scale)) for v in full)  # rounded up, cropped back below
        own = self.plotter
        if tuple(own.window_size) != size:
            own.window_size = list(size)
        drawn = [(sid, item) for sid, item in actors.items()
                 if item.look is not None and item.look.visible and bool(item.actor.GetVisibility())]
        ids = ["", *[sid for sid, _ in drawn]]
        extra: list[str] = []
        if overlay_cells:
            extra = [OVERLAY_ID + oid for oid in overlay_cells["ids"]]
        ids += extra
        marks = marks or {}
        mark_ids = {name: len(ids) + i for i, name in enumerate(marks)}
        ids += [MARK_ID + name for name in marks]
        solid_of = {}
        flat = {name: _flat_actor(mesh, _colour(mark_ids[name])) for name, mesh in marks.items()}
        for k, (sid, item) in enumerate(drawn, start=1):
            opacity = float(item.actor.prop.opacity)
            solid_of[sid] = opacity >= SOLID_OPACITY
            mesh = item.actor.mapper.GetInput()
            if sid == "skin" and overlay_cells:
                zone = np.asarray(overlay_cells["cells"], np.int64)
                base = len(drawn)  # overlay ids follow the structures
                cell_ids = np.where(zone > 0, base + zone, k)
                flat[sid] = _flat_actor(overlay_cells["mesh"], _colour(k), cell_ids)
            else:
                flat[sid] = _flat_actor(mesh, _colour(k))
        maps = []
        for solid_only in (False, True):
            own.renderer.RemoveAllViewProps()
            for sid, _ in drawn:
                if not solid_only or solid_of[sid]:
                    own.renderer.AddActor(flat[sid])
            for name in marks:
                own.renderer.AddActor(flat[name])
            _copy_camera(plotter.renderer.GetActiveCamera(), own.renderer.GetActiveCamera())
            own.renderer.camera.is_set = True  # else PyVista resets an unset camera on the first render
            own.renderer.ResetCameraClippingRange()
            own.render_window.Render()
            maps.append(_decode(_read_pixels(own)))
            if not solid_only:
                zbuffer = _zbuffer(own)
        own.renderer.RemoveAllViewProps()
        front, solid = (_grow(np.where(m < len(ids), m, 0), scale, full) for m in maps)
        return IdFrame(ids=ids, front=front, solid=solid, world=_unprojector(own, _grow(zbuffer, scale, full), full))


def _grow(image: np.ndarray, scale: int, size: tuple[int, int]) -> np.ndarray:
    """Return ``image`` repeated ``scale`` times each way and cropped to ``size`` (width, height)."""
    if scale == 1:
        return image
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)[:size[1], :size[0]]


def _copy_camera(src, dst) -> None:
    dst.SetPosition(src.GetPosition())
    dst.SetFocalPoint(src.GetFocalPoint())
    dst.SetViewUp(src.GetViewUp())
    dst.SetViewAngle(src.GetViewAngle())
    dst.SetParallelProjection(src.GetParallelProjection())
    dst.SetParallelScale(src.GetParallelScale())


def _zbuffer(plotter) -> np.ndarray:
    """Return the depth buffer (rows from the top) of the last render."""
    w, h = (int(v) for v in plotter.window_size)
    from vtkmodules.vtkCommonCore import vtkFloatArray

    data = vtkFloatArray()
    plotter.render_window.GetZbufferData(0, 0, w - 1, h - 1, data)
    from vtkmodules.util.numpy_support import vtk_to_numpy

    return np.asarray(vtk_to_numpy(data), float).reshape(h, w)[::-1]


def _unprojector(plotter, zbuffer: np.ndarray, size: tuple[int, int]):
    """Return ``world(x, y)``: the 3D point under a pixel of the front pass (top-left origin, ``size``)."""
    renderer = plotter.renderer
    camera = renderer.GetActiveCamera()
    w, h = size
    aspect = w / max(h, 1)
    matrix = camera.GetCompositeProjectionTransformMatrix(aspect, -1, 1)
    forward = np.array([[matrix.GetElement(i, j) for j in range(4)] for i in range(4)])
    if not np.all(np.isfinite(forward)) or abs(np.linalg.det(forward)) < 1e-300:
        return lambda x, y: None  # a camera not placed yet (a window's first frame): no depth to read
    inverse = np.linalg.inv(forward)

    def world(x: int, y: int):
        if not (0 <= x < w and 0 <= y < h):
            return None
        z = float(zbuffer[y, x])
        if z >= 1.0:
            return None
        ndc = np.array([2.0 * (x + 0.5) / w - 1.0, 1.0 - 2.0 * (y + 0.5) / h, 2.0 * z - 1.0, 1.0])
        p = inverse @ ndc
        return p[:3] / p[3]

    return world


def measure(plotter, actors: dict, overlay_cells: dict | None = None, marks: dict | None = None,
            scale: int = 1) -> IdFrame:
    """Return the ID maps of what ``plotter`` shows (see :meth:`IdRenderer.measure`)."""
    size = tuple(max(1, -(-int(v) // scale)) for v in plotter.window_size)
    with IdRenderer(size) as ids:
        return ids.measure(plotter, actors, overlay_cells, marks, scale)
