"""Show a pain map on the skin actor of a plotter (the window's drawing tool), in place.

Like the overlays (:mod:`sciatic_atlas.render.overlays`), the paint goes on the
existing skin actor: its mapper is pointed at a copy of the refined skin of its own
carrying the pain-map colours as direct point colours (views share the refined
geometry, never a painted mesh), and pointed back at the plain skin by
:func:`clear_painmap`. No render here; the caller renders once.
"""

from __future__ import annotations

import numpy as np
import pyvista as pv

from sciatic_atlas.anatomy.overlays import refined_skin
from sciatic_atlas.render.overlays import release_paint, skin_canvas
from sciatic_atlas.render.painmap_view import ARRAY, painmap_rgb


def show_painmap(model, actors: dict, drawing, base_rgb=None) -> pv.PolyData | None:
    """Paint ``drawing`` (:class:`~sciatic_atlas.anatomy.painmap_skin.Drawing`) on the skin actor.

    Returns the painted mesh, or None when no skin is drawn (nothing to paint on).
    """
    item = actors.get("skin")
    if item is None:
        return None
    base = base_rgb if base_rgb is not None else item.look.colour
    mesh = skin_canvas(model).copy(deep=False)
    rgb = refined_skin(model).lift(painmap_rgb(drawing, base))
    mesh.point_data[ARRAY] = np.round(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
    mapper = _full_mapper(item)
    mapper.SetInputData(mesh)
    mapper.SetColorModeToDirectScalars()
    mapper.SetScalarModeToUsePointFieldData()
    mapper.SelectColorArray(ARRAY)
    mapper.scalar_visibility = True
    return mesh


def clear_painmap(actors: dict) -> None:
    """Show the plain skin again (if it carries a pain map)."""
    item = actors.get("skin")
    if item is None:
        return
    mapper = _full_mapper(item)
    current = mapper.GetInput()
    if current is not item.mesh and current.GetPointData().HasArray(ARRAY):
        mapper.scalar_visibility = False
        mapper.SetInputData(item.mesh)


def _full_mapper(item):
    """Return the skin actor's full-mesh mapper, drawn from now on.

    While the camera moves the actor may be drawing its coarse copy; paint put on that copy
    was lost when the full mesh came back after the motion (a view button while drawing).
    Overlays painted by their shader give the skin its own mapper back first.
    """
    release_paint(item)
    mapper = item.mapper if item.mapper is not None else item.actor.mapper
    if item.actor.GetMapper() is not mapper:
        item.actor.SetMapper(mapper)
    return mapper
