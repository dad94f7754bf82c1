"""The baked ambient occlusion (``assets/occlusion.npz``), read once per model (issue 12).

The asset build's last stage (:mod:`sciatic_atlas.assetbuild.occlusion`) stores, per mesh,
each vertex's openness (uint8, 255 in the open, lower in a crevice) for the standing
body; :func:`sciatic_atlas.render.shading.vertex_rgb` darkens the vertex colours by it.
The occlusion is optional: a missing or damaged file, or an array that does not fit its
mesh (the mesh was rebuilt after it), draws that structure without it, as before.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.render.baked import per_vertex

OCCLUSION_FILE = "occlusion.npz"  # the name assetbuild/occlusion.py writes


def openness(model, structure_id: str, n_vertices: int) -> np.ndarray | None:
    """Return the structure's per-vertex openness (float32, 0 enclosed .. 1 open), or None.

    Parameters
    ----------
    model : AnatomyModel
        The model (its ``folder`` holds the assets).
    structure_id : str
        The mesh id.
    n_vertices : int
        The mesh's vertex count: an array of another length belongs to an older mesh.
    """
    baked = per_vertex(model, OCCLUSION_FILE, structure_id, n_vertices, np.uint8)
    return None if baked is None else baked.astype(np.float32) / 255.0
