"""Per-vertex arrays baked beside the meshes (``assets/occlusion.npz``, ``assets/fibres.npz``).

Each file holds one array per mesh id and is read once per model. The arrays are
optional: a missing or damaged file, or an array that does not fit its mesh (the mesh
was rebuilt after it), draws that structure without it.
"""

from __future__ import annotations

import logging
import weakref

import numpy as np

from sciatic_atlas.anatomy.data_files import read_npz
from sciatic_atlas.anatomy.errors import AtlasDataError

log = logging.getLogger(__name__)

# model -> {file name -> {mesh id -> array}}; {} where the model has no usable file
_BAKED: "weakref.WeakKeyDictionary[object, dict[str, dict[str, np.ndarray]]]" = weakref.WeakKeyDictionary()


def _read(model, file_name: str) -> dict[str, np.ndarray]:
    path = model.folder / file_name
    if not path.is_file():
        log.info("no %s: drawn without it", path)
        return {}
    try:
        return read_npz(path, (), every=True, kind=f"{file_name} file")
    except AtlasDataError as exc:
        log.warning("%s: drawn without it", str(exc))  # not exc: its traceback holds the caller's frames
        return {}


def per_vertex(model, file_name: str, structure_id: str, n_vertices: int, dtype) -> np.ndarray | None:
    """Return the structure's array from ``file_name`` in the model's folder, or None.

    Parameters
    ----------
    model : AnatomyModel
        The model (its ``folder`` holds the assets).
    file_name : str
        The baked file, e.g. ``occlusion.npz``.
    structure_id : str
        The mesh id.
    n_vertices : int
        The mesh's vertex count: an array of another length belongs to an older mesh.
    dtype : numpy dtype
        The type the build writes; an array of another type is not used.
    """
    files = _BAKED.setdefault(model, {})
    if file_name not in files:
        files[file_name] = _read(model, file_name)
    baked = files[file_name].get(structure_id)
    if baked is None or baked.ndim != 1 or len(baked) != n_vertices or baked.dtype != dtype:
        if baked is not None:
            log.warning("%s of %s does not fit its mesh (%s %s values, %d vertices): drawn without it",
                        file_name, structure_id, baked.shape, baked.dtype, n_vertices)
        return None
    return baked
