"""Draw skin overlays: paint on the skin actor, a legend, trigger-point marks.

:func:`apply_overlays` is called by :meth:`sciatic_atlas.render.view.AtlasView.apply_state`
after the structures are styled. It paints the existing skin actor in place (no new skin
actor): the refined skin's vertices carry the overlays' weights and a shader paints the
stripes per pixel (:mod:`sciatic_atlas.render.overlay_shader`; with more overlays than it
takes, a point array ``overlay_rgb`` of direct colours), replaces the
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

from sciatic_atlas.anatomy.overlay_paint import composite, spill_tint
from sciatic_atlas.anatomy.overlays import default_side, get_overlay, refined_layers, refined_skin, trigger_marks
from sciatic_atlas.render import marks, overlay_shader
from sciatic_atlas.render.appearance import default_look
from sciatic_atlas.render.structure_actor import StructureActor, surface

log = logging.getLogger(__name__)

PREFIX = "atlas:overlay:"  # decoration names, found and removed by the next apply
LEGEND = PREFIX + "legend"
ARRAY = "overlay_rgb"
TRIGGER_RGB = (0.85, 0.0, 0.0)
TRIGGER_RADIUS_MM = 6.0  # the dot on the skin
DEEP_RADIUS_MM = 4.0  # the point in the muscle (seen through a translucent skin)
LEGEND_FONT_PX = 15  # legend type height at 1080 rows, scale 1 (pixels)
LEGEND_MARGIN_PX = 12
# model -> the refined skin's geometry (never painted); entries die with their model.
_CANVAS: "weakref.WeakKeyDictionary[object, pv.PolyData]" = weakref.WeakKeyDictionary()
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


def skin_canvas(model) -> pv.PolyData:
    """Return (once per model) the refined skin the overlays are painted on, with smooth normals.

    The normals are the skin's own, interpolated, so the painted skin shades exactly like
    the plain one. The mesh is shared by every view of the model and never painted
    itself: each apply paints a shallow copy of its own (the geometry is not copied),
    so a view painting other overlays never recolours this one's skin.
    """
    if model not in _CANVAS:
        _CANVAS[model] = refined_skin_mesh(model)
    return _CANVAS[model]


def refined_skin_mesh(model) -> pv.PolyData:
    """Return a new refined skin mesh (a surface to paint on) with the skin's own smooth normals."""
    fine = refined_skin(model)
    cells = pv.CellArray.from_regular_cells(np.ascontiguousarray(fine.faces, dtype=np.int32))
    poly = pv.PolyData(fine.vertices.astype(np.float32), faces=cells)
    normals = fine.lift(np.asarray(surface(model, "skin").point_normals, dtype=float))
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
    poly.point_data["Normals"] = normals.astype(np.float32)
    poly.point_data.active_normals_name = "Normals"
    return poly


def _pose_canvas(model, mesh: pv.PolyData, posed) -> None:
    """Move this apply's painted skin (its own copy; the shared canvas stays standing) into ``posed``."""
    fine = refined_skin(model)
    points = fine.lift(posed.vertices("skin").astype(float))
    normals = fine.lift(posed.normals("skin").astype(float))
    normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-9)
    mesh.SetPoints(pv.vtk_points(np.ascontiguousarray(points, dtype=np.float32), deep=False))
    mesh.point_data["Normals"] = normals.astype(np.float32)
    mesh.point_data.active_normals_name = "Normals"


def _clear(plotter, actors) -> None:
    for name in [n for n in plotter.renderer.actors if n.startswith(PREFIX)]:
        plotter.remove_actor(name, render=False, reset_camera=False)
    item = actors.get("skin")
    if item is not None:
        release_paint(item)
        mapper = item.actor.mapper
        mapper.scalar_visibility = False
        if mapper.GetInput() is not item.mesh:
            mapper.SetInputData(item.mesh)  # back to the plain skin


# skin actor -> its own mapper, kept while the painting mapper (render/overlay_shader.py) draws it
_PLAIN: "weakref.WeakKeyDictionary[object, object]" = weakref.WeakKeyDictionary()


def release_paint(item: StructureActor) -> None:
    """Give the skin actor its own mapper back and take the painting shader off (no render).

    Called before anything else paints the skin (a pain map) and when the overlays go.
    """
    plain = _PLAIN.pop(item.actor, None)
    if plain is None:
        return
    overlay_shader.remove(item.actor)
    item.mapper = plain
    item.actor.SetMapper(plain)


def _paint_on_gpu(item: StructureActor, mesh: pv.PolyData, layers) -> None:
    """Draw ``mesh`` on the skin actor with the per-pixel painting shader for ``layers``."""
    for name, values in overlay_shader.fields(mesh.points, layers).items():
        mesh.point_data[name] = values
    mesh.Modified()
    if item.actor not in _PLAIN:
        _PLAIN[item.actor] = item.mapper if item.mapper is not None else item.actor.mapper
        # the full-mesh mapper from now on: a camera glide keeps drawing it (it is not the plain mesh)
        item.mapper = overlay_shader.painted_mapper(mesh)
    else:
        item.mapper.SetInputData(mesh)  # each apply paints its own copy of the skin
    item.actor.SetMapper(item.mapper)
    overlay_shader.install(item.actor, [lay.colour for lay in layers])


def _paint_per_vertex(item: StructureActor, model, mesh: pv.PolyData, layers) -> None:
    """Colour ``mesh``'s vertices (stripe edges then step at the ~4 mm vertex spacing)."""
    rgb = composite(refined_skin(model).vertices, layers, item.look.colour)
    mesh.point_data[ARRAY] = np.round(rgb * 255).astype(np.uint8)
    mesh.Modified()
    mapper = item.actor.mapper
    mapper.SetInputData(mesh)
    mapper.SetColorModeToDirectScalars()
    mapper.SetScalarModeToUsePointFieldData()
    mapper.SelectColorArray(ARRAY)
    mapper.scalar_visibility = True


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


def legend_font_px(height: int, scale: float = 1.0) -> int:
    """Return the legend's type height in pixels for a picture ``height`` rows high.

    :data:`LEGEND_FONT_PX` (15) at 1080 rows, growing with the picture, never below 12.
    """
    return max(12, round(scale * LEGEND_FONT_PX * height / 1080))


def _rect(x0: float, y0: float, x1: float, y1: float):
    """Return a 2D actor's polydata for a rectangle in display pixels (origin bottom left)."""
    from vtkmodules.vtkCommonCore import vtkPoints
    from vtkmodules.vtkCommonDataModel import vtkCellArray, vtkPolyData

    points = vtkPoints()
    for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
        points.InsertNextPoint(x, y, 0.0)
    cells = vtkCellArray()
    cells.InsertNextCell(4)
    for i in range(4):
        cells.InsertCellPoint(i)
    poly = vtkPolyData()
    poly.SetPoints(points)
    poly.SetPolys(cells)
    return poly


def _actor2d(poly, rgb, opacity: float = 1.0, outline: bool = False):
    from vtkmodules.vtkRenderingCore import vtkActor2D, vtkPolyDataMapper2D

    if outline:
        from vtkmodules.vtkFiltersCore import vtkFeatureEdges

        edges = vtkFeatureEdges()
        edges.SetInputData(poly)
        edges.BoundaryEdgesOn()
        edges.FeatureEdgesOff()
        edges.ManifoldEdgesOff()
        edges.NonManifoldEdgesOff()
        edges.Update()
        poly = edges.GetOutput()
    mapper = vtkPolyDataMapper2D()
    mapper.SetInputData(poly)
    mapper.ScalarVisibilityOff()
    actor = vtkActor2D()
    actor.SetMapper(mapper)
    actor.GetProperty().SetColor(*rgb)
    actor.GetProperty().SetOpacity(opacity)
    actor.GetProperty().SetLineWidth(1.0)
    return actor


def _remove_legend(plotter) -> None:
    for name in [n for n in plotter.renderer.actors if n.startswith(LEGEND)]:
        plotter.remove_actor(name, render=False, reset_camera=False)


def draw_legend(plotter, rows, scale: float = 1.0) -> None:
    """Draw the overlay legend in the upper right for the view's current pixel size (no render).

    Each row is a swatch with a dark rim (so a pale swatch still shows) and its text, on a
    translucent box; a spillover row's swatch shows the pale tint crossed by a stripe of
    the full colour, as on the skin. The type is measured with the real font, so the box
    fits it; see :func:`legend_font_px` for its size. The legend drawn before is removed;
    with no ``rows`` nothing is drawn.

    Parameters
    ----------
    plotter : pyvista.Plotter or pyvistaqt.QtInteractor
        The plotter showing the legend.
    rows : list of (str, rgb)
        The rows (:func:`legend_entries`).
    scale : float
        The view's text scale (1 normal; larger when presenting).
    """
    from vtkmodules.vtkRenderingCore import vtkTextActor

    from sciatic_atlas.render import text

    _remove_legend(plotter)
    if not rows:
        return
    width, height = (max(1, int(v)) for v in plotter.window_size)
    font = legend_font_px(height, scale)
    dark = _is_dark(plotter.renderer.GetBackground())
    text_rgb = (0.95, 0.95, 0.95) if dark else (0.1, 0.1, 0.1)
    pad, row_h, swatch = round(0.6 * font), round(1.5 * font), font
    text_w = max(text.text_size(str(t), font)[0] for t, _ in rows)
    box_w = pad + swatch + pad + text_w + pad
    box_h = pad + row_h * len(rows) + pad - (row_h - font)
    margin = max(LEGEND_MARGIN_PX, round(height / 90))
    top = margin
    title = plotter.renderer.actors.get(marks.PREFIX + "title")
    if title is not None:  # headless pictures carry a title band
        top += round(marks.text_bands(plotter, title.GetInput(), "", scale)[0] * height)
    x0 = width - margin - box_w
    y1 = height - top  # display y grows upwards
    y0 = y1 - box_h
    kw = dict(reset_camera=False, pickable=False, render=False)
    plotter.add_actor(_actor2d(_rect(x0, y0, x0 + box_w, y1), (0.12, 0.12, 0.14) if dark else (1.0, 1.0, 1.0),
                               0.85), name=LEGEND, **kw)
    for i, (label, rgb) in enumerate(rows):
        top_y = y1 - pad - i * row_h
        sx0, sy0, sx1, sy1 = x0 + pad, top_y - swatch, x0 + pad + swatch, top_y
        plotter.add_actor(_actor2d(_rect(sx0, sy0, sx1, sy1), rgb), name=f"{LEGEND}:swatch:{i}", **kw)
        if str(label).startswith("paler"):  # the spillover swatch: the full colour's stripe across the tint
            full = tuple(min(1.0, max(0.0, (c - 0.6) / 0.4)) for c in rgb)  # undo the tint (spill_tint)
            band = swatch / 4
            stripe = _rect(sx0, sy0 + swatch / 2 - band / 2, sx1, sy0 + swatch / 2 + band / 2)
            plotter.add_actor(_actor2d(stripe, full), name=f"{LEGEND}:stripe:{i}", **kw)
        plotter.add_actor(_actor2d(_rect(sx0, sy0, sx1, sy1), (0.2, 0.2, 0.22), outline=True),
                          name=f"{LEGEND}:rim:{i}", **kw)
        actor = vtkTextActor()
        actor.SetInput(str(label))
        prop = actor.GetTextProperty()
        text.style(prop, font)
        prop.SetColor(*text_rgb)
        prop.SetVerticalJustificationToCentered()
        actor.SetDisplayPosition(int(sx1 + pad), int(top_y - swatch / 2))
        plotter.add_actor(actor, name=f"{LEGEND}:text:{i}", **kw)


def apply_overlays(plotter, model, overlay_ids, actors: dict[str, StructureActor], side: str | None = None,
                   text_scale: float = 1.0, notes=(), posed=None) -> list[tuple[str, tuple[float, float, float]]]:
    """Show exactly ``overlay_ids`` on the skin of ``plotter`` (no render); return the legend's rows.

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
    text_scale : float
        The view's text scale, for the legend's type.
    notes : sequence of (str, rgb)
        More legend rows for other marks on the view (the compression bands), shown
        with or without overlays.
    posed : PosedModel, optional
        The pose the skin is drawn in: the paint is laid out on the standing skin (so it
        stays where it belongs on the body) and then moved with it.

    Returns
    -------
    list of (str, rgb)
        The legend's rows (empty without overlays or notes): the view keeps them to draw
        the legend again at a new size (:func:`draw_legend`).
    """
    _clear(plotter, actors)
    if not overlay_ids:
        rows = list(notes)
        draw_legend(plotter, rows, text_scale)
        return rows
    overlays = [get_overlay(oid) for oid in overlay_ids]
    side = side or default_side()
    item = _skin_actor(plotter, model, actors)
    # The refined skin takes the paint; the plain one comes back in _clear. Stripes are drawn
    # per pixel (sharp at any size, issue 10) unless there are more overlays than the shader takes.
    mesh = skin_canvas(model).copy(deep=False)  # this apply's own paint; the geometry is shared
    layers = refined_layers(model, overlay_ids, side)
    if len(layers) <= overlay_shader.MAX_LAYERS:
        _paint_on_gpu(item, mesh, layers)
    else:
        _paint_per_vertex(item, model, mesh, layers)
    if posed is not None and not posed.is_neutral:
        _pose_canvas(model, mesh, posed)
    rows = legend_entries(overlays) + list(notes)
    draw_legend(plotter, rows, text_scale)
    for overlay in overlays:
        for k, (_, deep, on_skin) in enumerate(trigger_marks(model, overlay, side)):
            if posed is not None and not posed.is_neutral:
                deep, on_skin = posed.point(deep), posed.point(on_skin)
            _add_trigger_mark(plotter, f"{PREFIX}{overlay.overlay_id}:tp{k}", deep, on_skin)
    log.debug("overlays %s painted on the %s side", list(overlay_ids), side)
    return rows
