"""Decorations drawn on top of the structures: compression marks, labels, title and text.

Every decoration actor is added under a name starting with :data:`PREFIX`, so one
apply can find the ones drawn by the previous apply and remove those no longer wanted
without keeping a second registry.
"""

from __future__ import annotations

import logging
import textwrap
import weakref

import numpy as np
import pyvista as pv

from sciatic_atlas.render.appearance import appearance
from sciatic_atlas.render.shading import nearest_sample, resample

log = logging.getLogger(__name__)

PREFIX = "atlas:"


OVERLAY_PREFIX = PREFIX + "overlay:"  # drawn and cleared by render/overlays.py itself


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
        if sid in model.record.get("centrelines", {}):
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


def anchor_point(model, anchor: str, actors) -> np.ndarray | None:
    """Return where a label points (mm).

    A landmark gives its position; a structure gives the surface point nearest the
    middle of its centreline (nerves, muscles) or of its vertices.
    """
    landmarks = model.record.get("landmarks", {})
    if anchor in landmarks:
        return np.asarray(landmarks[anchor]["position"], float)
    if anchor in actors:
        pts = actors[anchor].points
    elif model.has_mesh(anchor):
        pts = model.mesh(anchor).vertices
    else:
        log.warning("label anchor '%s' is neither a landmark nor a structure", anchor)
        return None
    if len(pts) == 0:
        log.warning("label anchor '%s' has an empty mesh", anchor)
        return None
    path = model.record.get("centrelines", {}).get(anchor)
    centre = np.asarray(path[len(path) // 2], float) if path else pts.mean(axis=0)
    return np.asarray(pts[np.argmin(np.linalg.norm(pts - centre, axis=1))], float)


def draw_labels(plotter, model, labels, actors) -> set[str]:
    """Draw all labels as one point-label actor; return the names drawn."""
    placed = [(label.text, anchor_point(model, label.anchor, actors)) for label in labels]
    placed = [(text, p) for text, p in placed if p is not None]
    if not placed:
        return set()
    spec = appearance()["labels"]
    name = f"{PREFIX}labels"
    plotter.add_point_labels(np.array([p for _, p in placed]), [t for t, _ in placed], name=name,
                             font_size=font_sizes(plotter)[2], text_color=spec["text_colour"],
                             shape_color=spec["box_colour"], shape_opacity=spec["box_opacity"],
                             point_color=spec["text_colour"], point_size=6, bold=False,
                             always_visible=True, render=False, reset_camera=False)
    # PyVista names the two actors it makes "<name>-points" and "<name>-labels".
    return {f"{name}-points", f"{name}-labels"}


_TEXT_SCALE: "weakref.WeakKeyDictionary[object, float]" = weakref.WeakKeyDictionary()


def set_text_scale(plotter, scale: float) -> None:
    """Scale the text this module draws on ``plotter`` (1 normal; larger when presenting).

    Takes effect at the next :func:`~sciatic_atlas.render.apply.apply_state`.
    """
    _TEXT_SCALE[plotter.renderer] = float(scale)


def font_sizes(plotter) -> tuple[int, int, int]:
    """Return (title, narration, label) font sizes scaled to the window height and text scale."""
    height, scale = plotter.window_size[1], _TEXT_SCALE.get(plotter.renderer, 1.0)
    return tuple(round(scale * max(least, height / per_point))
                 for least, per_point in ((10, 62), (8, 78), (8, 60)))


def _wrap(plotter, value: str, size: int) -> str:
    chars = max(20, int(plotter.window_size[0] / (0.62 * size)))  # about one average glyph width
    return textwrap.fill(value, chars)


def text_bands(plotter, title: str, text: str) -> tuple[float, float]:
    """Return the fractions of the image height the title (top) and narration (bottom) take."""
    height = plotter.window_size[1]
    title_size, text_size, _ = font_sizes(plotter)
    top = 1.7 * title_size / height if title else 0.0
    lines = _wrap(plotter, text, text_size).count("\n") + 1 if text else 0
    bottom = (1.45 * text_size * lines + 6) / height if text else 0.0
    return top, bottom


def draw_text(plotter, title: str, text: str, dark: bool) -> set[str]:
    """Draw the title (upper left) and narration (lower left); return the names drawn."""
    colour = (0.95, 0.95, 0.95) if dark else (0.12, 0.12, 0.14)
    title_size, text_size, _ = font_sizes(plotter)
    names = set()
    for name, value, position, size in (("title", title, "upper_left", title_size),
                                        ("text", text, "lower_left", text_size)):
        if value:
            full = f"{PREFIX}{name}"
            actor = plotter.add_text(_wrap(plotter, value, size), position=position, font_size=size,
                                     color=colour, name=full, render=False)
            # A backing box keeps the words readable where they cross the anatomy.
            spec = appearance()["labels"]
            prop = actor.GetTextProperty()
            prop.SetBackgroundColor(*((0.08, 0.08, 0.10) if dark else spec["box_colour"]))
            prop.SetBackgroundOpacity(spec["box_opacity"])
            names.add(full)
    return names
