"""Draw skin overlays: per-vertex colours on the skin actor, a legend, trigger-point marks.

:func:`apply_overlays` is called by :func:`sciatic_atlas.render.apply.apply_state`
after the structures are styled. It colours the existing skin actor in place (a
point array ``overlay_rgb`` used as direct colours; no new skin actor), replaces the
overlay legend, and marks each referral pattern's trigger points on the skin surface
over their muscle (a red dot with a white rim), with the deep point and a line to it
for when the skin is translucent. With no overlays it switches the skin back to its
plain colour and removes its decorations. The painting itself is NumPy in
:mod:`sciatic_atlas.anatomy.overlays`.
"""

from __future__ import annotations

import logging
import weakref
from dataclasses import replace

import numpy as np
import pyvista as pv
from vtkmodules.vtkRenderingAnnotation import vtkLegendBoxActor

from sciatic_atlas.anatomy.overlay_paint import spill_tint
from sciatic_atlas.anatomy.overlays import default_side, get_overlay, paint, refined_skin, trigger_marks
from sciatic_atlas.render import marks
from sciatic_atlas.render.appearance import default_look
from sciatic_atlas.render.structure_actor import StructureActor, surface

log = logging.getLogger(__name__)

PREFIX = "atlas:overlay:"  # decoration names, found and removed by the next apply
LEGEND = PREFIX + "legend"
ARRAY = "overlay_rgb"
TRIGGER_RGB = (0.85, 0.0, 0.0)
TRIGGER_RADIUS_MM = 6.0  # the dot on the skin
DEEP_RADIUS_MM = 4.0  # the point in the muscle (seen through a translucent skin)
LEGEND_FONT_PX = 14  # legend type height at scale 1 (pixels)
LEGEND_MARGIN_PX = 12
_PAINTED: "weakref.WeakKeyDictionary[object, pv.PolyData]" = weakref.WeakKeyDictionary()
MIN_SKIN_OPACITY = 1.0  # a painted skin must be near-opaque to be read (the default skin is a veil)


def _skin_actor(plotter, model, actors: dict[str, StructureActor]) -> StructureActor:
    """Return the skin's actor, showing the skin if the scene left it hidden."""
    item = actors.get("skin")
    if item is None:
        look = replace(default_look(model, "skin"), visible=True, opacity=MIN_SKIN_OPACITY)
        item = StructureActor.attach(plotter, "skin", surface(model, "skin"), look)
        actors["skin"] = item
    if not item.look.visible or item.look.opacity < MIN_SKIN_OPACITY:
        item.set_look(replace(item.look, visible=True, opacity=max(item.look.opacity, MIN_SKIN_OPACITY)))
    return item


def _painted_skin(model) -> pv.PolyData:
    """Return (once per model) the refined skin the overlays are painted on, with smooth normals.

    The normals are the skin's own, interpolated, so the painted skin shades exactly like
    the plain one.
    """
    if model not in _PAINTED:
        fine = refined_skin(model)
        cells = pv.CellArray.from_regular_cells(np.ascontiguousarray(fine.faces, dtype=np.int32))
        poly = pv.PolyData(fine.vertices.astype(np.float32), faces=cells)
        normals = fine.lift(np.asarray(surface(model, "skin").point_normals, dtype=float))
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
        poly.point_data["Normals"] = normals.astype(np.float32)
        poly.point_data.active_normals_name = "Normals"
        _PAINTED[model] = poly
    return _PAINTED[model]


def _clear(plotter, actors) -> None:
    for name in [n for n in plotter.renderer.actors if n.startswith(PREFIX)]:
        plotter.remove_actor(name, render=False, reset_camera=False)
    item = actors.get("skin")
    if item is not None:
        item.actor.mapper.scalar_visibility = False
        if item.actor.mapper.GetInput() is not item.mesh:
            item.actor.mapper.SetInputData(item.mesh)  # back to the plain skin


def _add_trigger_mark(plotter, name: str, deep: np.ndarray, on_skin: np.ndarray) -> None:
    """Draw one trigger point: a dot with a white rim on the skin, and the deep point under it.

    The painted skin is opaque, so the mark a reader sees is the one on the skin
    surface over the muscle (where the point is pressed or needled); the deep point and
    a thin line up to the skin show when the skin is made translucent.
    """
    out = on_skin - deep
    normal = out / max(float(np.linalg.norm(out)), 1e-9)
    rim = pv.Disc(center=on_skin + 1.0 * normal, inner=0.0, outer=TRIGGER_RADIUS_MM + 2.0, normal=normal, c_res=24)
    dot = pv.Disc(center=on_skin + 1.5 * normal, inner=0.0, outer=TRIGGER_RADIUS_MM, normal=normal, c_res=24)
    kw = dict(render=False, reset_camera=False, pickable=False, lighting=False)
    plotter.add_mesh(rim, color=(1.0, 1.0, 1.0), name=name + ":rim", **kw)
    plotter.add_mesh(dot, color=TRIGGER_RGB, name=name + ":skin", **kw)
    plotter.add_mesh(pv.Sphere(radius=DEEP_RADIUS_MM, center=deep), color=TRIGGER_RGB, name=name + ":deep", **kw)
    plotter.add_mesh(pv.Line(deep, on_skin), color=TRIGGER_RGB, line_width=2, name=name + ":line", **kw)


def legend_entries(overlays) -> list[tuple[str, tuple[float, float, float]]]:
    """Return the legend's ``(text, rgb)`` rows for ``overlays``: only what the skin really shows.

    Spillover zones are painted as a lighter tint of their overlay's colour crossed by
    coarse diagonal stripes of the full colour; the swatch shows that tint.
    """
    rows = [(o.name, tuple(o.colour)) for o in overlays]
    spill = [o for o in overlays if o.spillover]
    if spill:
        rows.append(("paler, striped = may spread here", spill_tint(spill[0].colour)))
    if any(o.trigger_points for o in overlays):
        rows.append(("trigger point (over the muscle)", TRIGGER_RGB))
    return rows


def _is_dark(rgb) -> bool:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5


def _swatch(rgb) -> pv.PolyData:
    """Return a square legend symbol carrying its colour as cell scalars (text keeps its own)."""
    square = pv.PolyData(np.array([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], float), faces=[4, 0, 1, 2, 3])
    square.cell_data["rgb"] = np.array([[round(255 * c) for c in rgb]], dtype=np.uint8)
    return square


def add_legend(plotter, rows):
    """Draw the overlay legend: a compact box in the upper right, text of a fixed pixel size.

    Dark text on a light translucent box, or light text on a dark box over a dark
    background; each row's colour is on its swatch only, so pale colours stay readable.
    The box is sized from the view's pixel size (see :func:`place_legend`).
    """
    plotter.remove_actor(LEGEND, render=False, reset_camera=False)
    if not rows:
        return None
    dark = _is_dark(plotter.renderer.GetBackground())
    text_rgb = (0.95, 0.95, 0.95) if dark else (0.1, 0.1, 0.1)
    legend = vtkLegendBoxActor()
    legend.SetNumberOfEntries(len(rows))
    for i, (text, rgb) in enumerate(rows):
        legend.SetEntry(i, _swatch(rgb), str(text), list(text_rgb))
    legend.ScalarVisibilityOn()  # swatches take their cell colours; the text takes text_rgb
    legend.SetUseBackground(True)
    legend.SetBackgroundColor((0.12, 0.12, 0.14) if dark else (1.0, 1.0, 1.0))
    legend.SetBackgroundOpacity(0.82)
    legend.SetBorder(False)
    legend.SetPadding(4)
    legend.GetEntryTextProperty().SetFontFamilyToArial()
    legend.GetEntryTextProperty().SetColor(text_rgb)
    legend.atlas_rows = [text for text, _ in rows]
    plotter.add_actor(legend, name=LEGEND, reset_camera=False, pickable=False, render=False)
    place_legend(plotter)
    return legend


def place_legend(plotter, scale: float | None = None) -> None:
    """Size and place the overlay legend for the view's current pixel size (call on resize).

    The type stays about :data:`LEGEND_FONT_PX` high whatever the picture size, and
    the box sits in the upper right below the title band, away from the orientation
    cube (lower left) and the narration (bottom).

    Parameters
    ----------
    plotter : pyvista.Plotter or pyvistaqt.QtInteractor
        The plotter showing the legend (nothing happens without one).
    scale : float, optional
        Type size factor (e.g. larger when presenting), kept for later legends on
        this plotter; default: keep the last one (1 at first).
    """
    if scale is not None:
        plotter.atlas_legend_scale = float(scale)
    legend = plotter.renderer.actors.get(LEGEND)
    rows = getattr(legend, "atlas_rows", None)
    if not rows:
        return
    font = LEGEND_FONT_PX * getattr(plotter, "atlas_legend_scale", 1.0)
    width_px, height_px = (max(1, int(v)) for v in plotter.window_size)
    box_w = font * (0.55 * max(len(text) for text in rows) + 2.5)
    box_h = font * 1.5 * len(rows) + 8
    top_px = LEGEND_MARGIN_PX
    if marks.PREFIX + "title" in plotter.renderer.actors:  # headless pictures carry a title band
        top_px += 1.7 * marks.font_sizes(plotter)[0]
    w, h = min(0.6, box_w / width_px), min(0.6, box_h / height_px)
    legend.SetPosition(1.0 - w - LEGEND_MARGIN_PX / width_px, 1.0 - h - top_px / height_px)
    legend.SetPosition2(w, h)


def apply_overlays(plotter, model, overlay_ids, actors: dict[str, StructureActor], side: str | None = None) -> None:
    """Show exactly ``overlay_ids`` on the skin of ``plotter`` (no render).

    Parameters
    ----------
    plotter : pyvista.Plotter or pyvistaqt.QtInteractor
        The plotter the structures are drawn on.
    model : AnatomyModel
        The built model (skin with surface coordinates, muscle centrelines).
    overlay_ids : sequence of str
        Overlay ids of ``data/overlays.yaml``, composited in this order.
    actors : dict of str to StructureActor
        The drawn structures; the skin is added (shown) when overlays need it.
    side : str, optional
        'left', 'right' or 'both'; default the catalogue's ``default_side``.
    """
    _clear(plotter, actors)
    if not overlay_ids:
        return
    overlays = [get_overlay(oid) for oid in overlay_ids]
    side = side or default_side()
    item = _skin_actor(plotter, model, actors)
    # The refined skin takes the paint (straight-edged stripes); the plain one comes back in _clear.
    mesh = _painted_skin(model)
    rgb = paint(model, overlay_ids, side, base_rgb=item.look.colour, refined=True)
    mesh.point_data[ARRAY] = np.round(rgb * 255).astype(np.uint8)
    mesh.Modified()
    mapper = item.actor.mapper
    mapper.SetInputData(mesh)
    mapper.SetColorModeToDirectScalars()
    mapper.SetScalarModeToUsePointFieldData()
    mapper.SelectColorArray(ARRAY)
    mapper.scalar_visibility = True
    add_legend(plotter, legend_entries(overlays))
    for overlay in overlays:
        for k, (_, deep, on_skin) in enumerate(trigger_marks(model, overlay, side)):
            _add_trigger_mark(plotter, f"{PREFIX}{overlay.overlay_id}:tp{k}", deep, on_skin)
    log.debug("overlays %s painted on the %s side", list(overlay_ids), side)
