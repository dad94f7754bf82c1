"""Coarse copies of the drawn structures, shown while the camera moves (level of detail).

On a CPU renderer (Mesa llvmpipe) a frame of the whole model is bound by its ~330,000
triangles as much as by its pixels, so a moving camera draws each large structure from
a decimated copy (about a quarter of the triangles) and the full mesh comes back when it
stops. The coarse copy keeps the full mesh's smooth normals, belly weights, occlusion and fibre
coordinate (taken
from the nearest full-mesh vertex), so it shades and colours like the original.

Each :class:`~sciatic_atlas.render.structure_actor.StructureActor` keeps both mappers;
switching is ``actor.SetMapper``, so neither mesh is uploaded again.
"""

from __future__ import annotations

import logging
import weakref

import numpy as np
import pyvista as pv

from sciatic_atlas.render.structure_actor import BELLY, FIBRE, OPENNESS, STRIPE_UV, StructureActor, surface

log = logging.getLogger(__name__)

KEEP = 0.25  # fraction of the triangles a coarse copy keeps
MIN_TRIANGLES = 1000  # smaller meshes are drawn in full even while moving

# model -> {structure id -> coarse PolyData, or None where the full mesh is small}
_COARSE: "weakref.WeakKeyDictionary[object, dict[str, pv.PolyData | None]]" = weakref.WeakKeyDictionary()


def coarse_surface(model, structure_id: str) -> pv.PolyData | None:
    """Return the structure's decimated mesh (computed once), or None if it is small.

    Parameters
    ----------
    model : AnatomyModel
        The model holding the mesh.
    structure_id : str
        The structure id.
    """
    cache = _COARSE.setdefault(model, {})
    if structure_id not in cache:
        cache[structure_id] = _decimate(surface(model, structure_id))
    return cache[structure_id]


def _decimate(full: pv.PolyData) -> pv.PolyData | None:
    import fast_simplification
    from scipy.spatial import cKDTree

    if full.n_cells < MIN_TRIANGLES:
        return None
    points, faces = fast_simplification.simplify(np.asarray(full.points, np.float32), full.regular_faces,
                                                 target_reduction=1.0 - KEEP)
    if len(faces) == 0:
        return None
    coarse = pv.PolyData(np.asarray(points, np.float32),
                         faces=pv.CellArray.from_regular_cells(np.ascontiguousarray(faces, dtype=np.int32)))
    nearest = cKDTree(np.asarray(full.points)).query(coarse.points)[1]
    for name in ("Normals", BELLY, OPENNESS, FIBRE, STRIPE_UV):
        if name in full.point_data:
            coarse.point_data[name] = np.asarray(full.point_data[name])[nearest]
    coarse.point_data.active_normals_name = "Normals"
    return coarse


def prepare(model, actors: dict[str, StructureActor], budget: int | None = None) -> bool:
    """Give drawn structures their coarse copies; return True when all have one.

    Parameters
    ----------
    model : AnatomyModel
        The model the actors draw.
    actors : dict of str to StructureActor
        The drawn structures (visible ones first).
    budget : int, optional
        Prepare at most this many structures now (so an event loop keeps turning).
    """
    pending = [item for item in actors.values() if not item.has_coarse_state]
    pending.sort(key=lambda item: not (item.look and item.look.visible))
    for item in pending[:budget]:
        item.set_coarse(coarse_surface(model, item.structure_id))
    return budget is None or len(pending) <= budget


def set_moving(actors: dict[str, StructureActor], moving: bool) -> None:
    """Draw the coarse copies (``moving``) or the full meshes."""
    for item in actors.values():
        item.show_coarse(moving)
