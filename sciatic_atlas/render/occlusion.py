"""The baked ambient occlusion (``assets/occlusion.npz``), read once per model (issue 12).

The asset build's last stage (:mod:`sciatic_atlas.assetbuild.occlusion`) stores, per mesh,
each vertex's openness (uint8, 255 in the open, lower in a crevice) for the standing
body; :func:`sciatic_atlas.render.shading.vertex_rgb` darkens the vertex colours by it.
The occlusion is optional: a missing or damaged file, or an array that does not fit its
mesh (the mesh was rebuilt after it), draws that structure without it, as before.
"""

from __future__ import annotations

import logging
import weakref

import numpy as np

from sciatic_atlas.anatomy.data_files import read_npz
from sciatic_atlas.anatomy.errors import AtlasDataError

log = logging.getLogger(__name__)

OCCLUSION_FILE = "occlusion.npz"  # the name assetbuild/occlusion.py writes

# model -> {mesh id -> uint8 openness}; {} where the model has no usable file
_BAKED: "weakref.WeakKeyDictionary[object, dict[str, np.ndarray]]" = weakref.WeakKeyDictionary()


def _read(model) -> dict[str, np.ndarray]:
    path = model.folder / OCCLUSION_FILE
    if not path.is_file():
        log.info("no baked occlusion (%s): drawn without it", path)
        return {}
    try:
        return read_npz(path, (), every=True, kind="occlusion file")
    except AtlasDataError as exc:
        log.warning("%s: drawn without occlusion", str(exc))  # not exc: its traceback holds the caller's frames
        return {}


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
    if model not in _BAKED:
        _BAKED[model] = _read(model)
    baked = _BAKED[model].get(structure_id)
    if baked is None or baked.ndim != 1 or len(baked) != n_vertices or baked.dtype != np.uint8:
        if baked is not None:
            log.warning("occlusion of %s does not fit its mesh (%s values, %d vertices): drawn without it",
                        structure_id, baked.shape, n_vertices)
        return None
    return baked.astype(np.float32) / 255.0
