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
from dataclasses import replace

import numpy as np
import pyvista as pv

from sciatic_atlas.anatomy.overlays import default_side, get_overlay, paint, trigger_marks
from sciatic_atlas.render.appearance import default_look
from sciatic_atlas.render.structure_actor import StructureActor, surface

log = logging.getLogger(__name__)

PREFIX = "atlas:overlay:"  # decoration names, found and removed by the next apply
LEGEND = PREFIX + "legend"
ARRAY = "overlay_rgb"
TRIGGER_RGB = (0.85, 0.0, 0.0)
TRIGGER_RADIUS_MM = 6.0  # the dot on the skin
DEEP_RADIUS_MM = 4.0  # the point in the muscle (seen through a translucent skin)
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


def _clear(plotter, actors) -> None:
    for name in [n for n in plotter.renderer.actors if n.startswith(PREFIX)]:
        plotter.remove_actor(name, render=False, reset_camera=False)
    if plotter.legend is not None:  # the overlay legend is the plotter's only legend
        plotter.remove_legend(render=False)
    item = actors.get("skin")
    if item is not None:
        item.actor.mapper.scalar_visibility = False


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
    # Colour the mapper's source: its dataset is a pipeline output that re-executes.
    mesh = surface(model, "skin")
    rgb = paint(model, overlay_ids, side, base_rgb=item.look.colour)
    mesh.point_data[ARRAY] = np.round(rgb * 255).astype(np.uint8)
    mesh.Modified()
    mapper = item.actor.mapper
    mapper.SetColorModeToDirectScalars()
    mapper.SetScalarModeToUsePointFieldData()
    mapper.SelectColorArray(ARRAY)
    mapper.scalar_visibility = True
    labels = [[o.name, o.colour] for o in overlays]
    if any(o.spillover for o in overlays):
        labels.append(["striped = spillover zone", (0.6, 0.6, 0.6)])
    if any(o.trigger_points for o in overlays):
        labels.append(["trigger point (over the muscle)", TRIGGER_RGB])
    plotter.add_legend(labels, name=LEGEND, bcolor=(1.0, 1.0, 1.0), background_opacity=0.8,
                       size=(0.45, 0.05 * len(labels)), loc="lower left", face="circle")
    for overlay in overlays:
        for k, (_, deep, on_skin) in enumerate(trigger_marks(model, overlay, side)):
            _add_trigger_mark(plotter, f"{PREFIX}{overlay.overlay_id}:tp{k}", deep, on_skin)
    log.debug("overlays %s painted on the %s side", list(overlay_ids), side)
