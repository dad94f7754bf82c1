"""Decorations drawn on top of the structures: compression marks, title and narration.

Labels are placed by :mod:`sciatic_atlas.render.labels` from what was drawn.

Every decoration actor is added under a name starting with :data:`PREFIX`, so one
apply can find the ones drawn by the previous apply and remove those no longer wanted
without keeping a second registry.
"""

from __future__ import annotations

import logging

import numpy as np
import pyvista as pv

from sciatic_atlas.render import text
from sciatic_atlas.render.appearance import appearance
from sciatic_atlas.render.shading import nearest_sample, resample

log = logging.getLogger(__name__)

PREFIX = "atlas:"


OVERLAY_PREFIX = PREFIX + "overlay:"  # drawn and cleared by render/overlays.py itself
COMPRESSION_LEGEND = "red band = the nerve is squeezed here"


def decoration_names(plotter) -> set[str]:
    """Return the names of the decoration actors this module drew on ``plotter``."""
    return {name for name in plotter.renderer.actors
            if name.startswith(PREFIX) and not name.startswith(OVERLAY_PREFIX)}


def remove_decorations(plotter, names) -> None:
    """Remove the named decoration actors (no render)."""
    for name in names:
        plotter.remove_actor(name, render=False, reset_camera=False)


def polyline_segment(points: np.ndarray, start: float, end: float) -> np.ndarray:
    """Return the part of a polyline between two fractions of its arc length.

    Parameters
    ----------
    points : ndarray, shape (K, 3)
        The polyline (mm), proximal to distal.
    start, end : float
        Fractions in 0..1 of the total length; swapped if reversed.

    Returns
    -------
    ndarray, shape (M, 3)
        The sub-polyline, with interpolated end points.
    """
    pts = np.asarray(points, float)
    start, end = sorted((float(np.clip(start, 0, 1)), float(np.clip(end, 0, 1))))
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)]) / max(seg.sum(), 1e-9)
    inner = pts[(s > start) & (s < end)]
    a = np.array([np.interp(start, s, pts[:, i]) for i in range(3)])
    b = np.array([np.interp(end, s, pts[:, i]) for i in range(3)])
    return np.vstack([a, inner, b])


def _tube(points: np.ndarray, radius: float) -> pv.PolyData:
    line = pv.lines_from_points(points) if len(points) > 2 else pv.Line(points[0], points[-1])
    return line.tube(radius=radius, n_sides=24, capping=True).compute_normals(split_vertices=False)


def nerve_path(model, nerve: str, replaced: dict[str, list[str]]) -> np.ndarray | None:
    """Return the centreline of ``nerve`` (or of its variant replacement), or None."""
    for sid in [*replaced.get(nerve, []), nerve]:
        if model.has_centreline(sid):
            return model.centreline(sid)
    return None


def nerve_radius(model, nerve_ids, segment: np.ndarray) -> float:
    """Return the nerve's outer radius (mm) along ``segment``.

    The 90th percentile of the distances from the nerve's surface vertices to the
    segment, counting only vertices whose nearest segment sample is an inner one (a
    vertex nearest an end sample may belong to the nerve beyond the segment).
    """
    fine = resample(segment, step=2.0)
    radii = []
    for sid in nerve_ids:
        if model.has_mesh(sid):
            dist, idx = nearest_sample(model.mesh(sid).vertices, fine)
            inner = (idx > 0) & (idx < len(fine) - 1) & (dist < 40.0)
            radii.append(dist[inner])
    near = np.concatenate(radii) if radii else np.zeros(0)
    return float(np.percentile(near, 90)) if near.size else 0.0


def draw_compressions(plotter, model, marks, replaced) -> set[str]:
    """Draw each compression mark as a red band with a halo; return the names drawn.

    The band is a little wider than the nerve it marks (so it shows on the nerve's
    surface), the halo wider still and translucent.
    """
    spec = appearance()["compression"]
    names = set()
    for i, mark in enumerate(marks):
        path = nerve_path(model, mark.nerve, replaced)
        if path is None or len(path) < 2:
            log.warning("no centreline for nerve '%s': compression mark not drawn", mark.nerve)
            continue
        seg = polyline_segment(path, mark.start, mark.end)
        if np.linalg.norm(seg[-1] - seg[0]) < 1e-6:
            continue
        outer = nerve_radius(model, [*replaced.get(mark.nerve, []), mark.nerve], seg)
        band = max(spec["radius_mm"], outer + spec["band_over_nerve_mm"])
        halo = max(spec["halo_radius_mm"], band + spec["halo_over_band_mm"])
        for suffix, radius, colour, opacity, ambient in (
            ("band", band, spec["colour"], 1.0, 0.45),
            ("halo", halo, spec["halo_colour"], spec["halo_opacity"], 0.8),
        ):
            name = f"{PREFIX}compression:{i}:{suffix}"
            plotter.add_mesh(_tube(seg, radius), name=name, color=colour, opacity=opacity,
                             smooth_shading=True, ambient=ambient, specular=0.4, pickable=False,
                             render=False, reset_camera=False)
            names.add(name)
    return names


def band_owners(marks) -> dict[str, str]:
    """Return ``band actor name -> nerve id`` for the marks :func:`draw_compressions` draws.

    A click on a band picks the nerve it marks (issue 11: the band could not be picked).
    """
    return {f"{PREFIX}compression:{i}:band": mark.nerve for i, mark in enumerate(marks)}


def compression_legend(marks) -> list[tuple[str, tuple[float, float, float]]]:
    """Return the legend row that explains the red bands of ``marks`` (none without marks).

    A band with nothing saying what it is reads as a stray red ring (issue 11).
    """
    if not marks:
        return []
    return [(COMPRESSION_LEGEND, tuple(appearance()["compression"]["colour"]))]


def font_sizes(plotter, scale: float = 1.0) -> tuple[int, int, int]:
    """Return (title, narration, label) font sizes in pixels, scaled to the picture and ``scale``.

    They follow the picture's height (about 1/50, 1/64 and 1/62 of it), never below a
    readable floor. ``scale`` is the view's text scale (1 normal; larger when presenting).
    """
    height = plotter.window_size[1]
    return tuple(round(scale * max(least, height / per_px))
                 for least, per_px in ((13, 50), (12, 64), (11, 62)))


def _margin(plotter) -> int:
    return max(6, round(plotter.window_size[1] / 160))


def _wrap(plotter, value: str, size: int, bold: bool = False) -> str:
    """Wrap ``value`` to the picture's width, measured with the font it is drawn in."""
    pad = _margin(plotter)
    return text.wrap(value, size, int(plotter.window_size[0]) - 4 * pad, bold)


def text_bands(plotter, title: str, narration: str, scale: float = 1.0) -> tuple[float, float]:
    """Return the fractions of the image height the title (top) and narration (bottom) take."""
    height = plotter.window_size[1]
    title_size, text_size, _ = font_sizes(plotter, scale)
    pad = _margin(plotter)
    top = (text.text_size(_wrap(plotter, title, title_size, True), title_size, True)[1] + 3 * pad) / height \
        if title else 0.0
    bottom = (text.text_size(_wrap(plotter, narration, text_size), text_size)[1] + 3 * pad) / height \
        if narration else 0.0
    return top, bottom


def draw_text(plotter, title: str, narration: str, dark: bool, scale: float = 1.0) -> set[str]:
    """Draw the title (upper left) and narration (lower left); return the names drawn.

    Both are wrapped with the real font metrics to the picture's width, on a backing box
    that keeps the words readable where they cross the anatomy.
    """
    from vtkmodules.vtkRenderingCore import vtkTextActor

    colour = (0.95, 0.95, 0.95) if dark else (0.12, 0.12, 0.14)
    title_size, text_size, _ = font_sizes(plotter, scale)
    width, height = (int(v) for v in plotter.window_size)
    pad = _margin(plotter)
    spec = appearance()["labels"]
    names = set()
    for name, value, top, size, bold in (("title", title, True, title_size, True),
                                         ("text", narration, False, text_size, False)):
        if not value:
            continue
        wrapped = _wrap(plotter, value, size, bold)
        actor = vtkTextActor()
        actor.SetInput(wrapped)
        prop = actor.GetTextProperty()
        text.style(prop, size, bold)
        prop.SetColor(*colour)
        prop.SetBackgroundColor(*((0.08, 0.08, 0.10) if dark else spec["box_colour"]))
        prop.SetBackgroundOpacity(spec["box_opacity"])
        prop.SetJustificationToLeft()
        if top:
            prop.SetVerticalJustificationToTop()
            actor.SetDisplayPosition(2 * pad, height - pad)
        else:
            prop.SetVerticalJustificationToBottom()
            actor.SetDisplayPosition(2 * pad, pad)
        full = f"{PREFIX}{name}"
        plotter.add_actor(actor, name=full, reset_camera=False, pickable=False, render=False)
        names.add(full)
    return names


def draw_outlines(plotter, actors: dict) -> set[str]:
    """Outline each highlighted structure in a darker shade of its own colour; return the names.

    The outline is the structure's silhouette from the current camera (it follows the
    camera), so a highlight stands out without changing the structure's hue.
    """
    spec = appearance()["highlight"]
    width = max(1.5, float(spec["outline_px"]) * plotter.window_size[1] / 1080)
    names = set()
    for sid, item in actors.items():
        look = item.look
        if look is None or not look.visible or not getattr(look, "highlight", False):
            continue
        from vtkmodules.vtkFiltersHybrid import vtkPolyDataSilhouette  # 0.05 s: only when something is highlighted

        name = f"{PREFIX}outline:{sid}"
        silhouette = vtkPolyDataSilhouette()
        silhouette.SetInputData(item.mesh)
        silhouette.SetCamera(plotter.renderer.GetActiveCamera())
        silhouette.SetEnableFeatureAngle(False)
        silhouette.SetBorderEdges(False)
        mapper = pv.DataSetMapper()
        mapper.SetInputConnection(silhouette.GetOutputPort())
        mapper.scalar_visibility = False
        actor = pv.Actor(mapper=mapper)
        actor.prop.color = tuple(float(spec["outline_darken"]) * c for c in look.colour)
        actor.prop.line_width = width
        actor.prop.lighting = False
        actor.prop.render_lines_as_tubes = False
        plotter.add_actor(actor, name=name, reset_camera=False, pickable=False, render=False)
        names.add(name)
    return names
