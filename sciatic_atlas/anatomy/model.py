"""The built anatomical model: ``assets/model.json`` plus one mesh per structure.

:class:`AnatomyModel` is what the render layer and ``describe --json`` read: which
structures have geometry, their landmarks and centrelines, the bodies (segments)
they move with. Meshes load lazily, once each.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sciatic_atlas.anatomy.data_files import read_json
from sciatic_atlas.anatomy.errors import AtlasDataError, UnknownStructureError
from sciatic_atlas.anatomy.meshes import MeshData, read_mesh
from sciatic_atlas.anatomy.model_check import check_record
from sciatic_atlas.anatomy.model_types import (Body, Coupling, Joint, MusclePath, StructureInfo, VariantGroup,
                                               bodies_from, couplings_from, joints_from, length_fits_from,
                                               muscle_paths_from,
                                               variants_from)
from sciatic_atlas.anatomy.paths import REBUILD_HINT, assets_dir

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LandmarkPoint:
    """A named point on the model (mm, world frame)."""

    name: str
    position: np.ndarray
    side: str
    structure: str
    how: str


class AnatomyModel:
    """The built model, read from an assets folder."""

    def __init__(self, record: dict, folder: Path, left_out: tuple[str, ...] = ()):
        self._record = record
        self.folder = folder
        self._left_out = frozenset(left_out)  # listed in model.json, but no usable mesh entry or file
        self._meshes: dict[str, MeshData] = {}
        self._broken: dict[str, str] = {}  # structure id -> why its mesh file could not be read
        self._typed: dict[str, StructureInfo] = {}

    @property
    def record(self) -> dict:
        """Return the raw ``model.json`` record (read-only use)."""
        return self._record

    @property
    def structure_ids(self) -> list[str]:
        """Return every structure id that has a mesh, sorted."""
        return sorted(self._record["structures"])

    def has_mesh(self, structure_id: str) -> bool:
        """Return whether ``structure_id`` has a mesh that can be drawn.

        A mesh file that turns out damaged is treated like a missing one: the structure is
        left out of the picture with one warning naming the file and the fix, and the rest
        of the model keeps working.
        """
        if structure_id not in self._record["structures"] or structure_id in self._broken:
            return False
        try:
            self.mesh(structure_id)
        except AtlasDataError as exc:
            self._broken[structure_id] = str(exc)
            log.warning("%s: '%s' is left out of the picture", exc, structure_id)
            return False
        return True

    @property
    def left_out(self) -> list[str]:
        """Return the structures left out of the picture so far: mesh missing, or found damaged."""
        return sorted(self._left_out | self._broken.keys())

    def structure(self, structure_id: str) -> StructureInfo:
        """Return what the build recorded about ``structure_id`` (kind, body, parent nerve...)."""
        if structure_id not in self._typed:
            self._typed[structure_id] = StructureInfo.from_record(structure_id, self.structure_info(structure_id))
        return self._typed[structure_id]

    @functools.cached_property
    def bodies(self) -> dict[str, Body]:
        """Return the model's rigid bodies by name (its kinematic tree at the neutral pose)."""
        return bodies_from(self._record.get("bodies", {}))

    @functools.cached_property
    def joints(self) -> dict[str, Joint]:
        """Return the model's joints (degrees of freedom) by name."""
        return joints_from(self._record.get("joints", {}))

    @functools.cached_property
    def couplings(self) -> dict[str, Coupling]:
        """Return the joints the model drives from others (the knee's secondary motions, the lumbar levels)."""
        return couplings_from(self._record.get("couplings", {}))

    @functools.cached_property
    def muscle_paths(self) -> dict[str, tuple[MusclePath, ...]]:
        """Return each muscle's actuator paths (what its length in a pose is measured along)."""
        return muscle_paths_from(self._record.get("muscle_paths", {}))

    @functools.cached_property
    def length_fits(self) -> dict:
        """Return each muscle's fitted wrapping correction (:class:`~.model_types.LengthFit`)."""
        return length_fits_from(self._record.get("muscle_length_fits", {}))

    @functools.cached_property
    def skinning(self):
        """Return the per-vertex body weights that pose soft structures (:mod:`anatomy.skinning`)."""
        from sciatic_atlas.anatomy.skinning import Skinning

        entry = self._record.get("info", {}).get("skinning") or {}
        return Skinning(self.folder / entry.get("file", "skinning.npz"), tuple(entry.get("bodies", ())))

    @functools.cached_property
    def variant_groups(self) -> dict[str, VariantGroup]:
        """Return the anatomical variants by group id, typed."""
        return variants_from(self._record.get("variants", {}))

    def has_centreline(self, structure_id: str) -> bool:
        return structure_id in self._record.get("centrelines", {})

    def find_landmark(self, name: str) -> LandmarkPoint | None:
        """Return the landmark ``name``, or None when the model has none of that name."""
        v = self._record.get("landmarks", {}).get(name)
        return None if v is None else _landmark(name, v)

    def structure_info(self, structure_id: str) -> dict:
        """Return the build record of one structure (mesh file, body, layer...)."""
        try:
            return self._record["structures"][structure_id]
        except KeyError:
            raise UnknownStructureError(structure_id) from None

    def mesh(self, structure_id: str) -> MeshData:
        """Return the mesh of ``structure_id`` (loaded once)."""
        if structure_id not in self._meshes:
            info = self.structure_info(structure_id)
            self._meshes[structure_id] = read_mesh(self.folder / info["mesh"])
        return self._meshes[structure_id]

    def triangles_by_kind(self) -> dict[str, int]:
        """Return the triangles of every structure summed by kind (the skin, which has none, by its id).

        The unit of ``data/mesh_detail.yaml``'s budget (checked by the tests, reported by the
        benchmarks); largest first.
        """
        counts: dict[str, int] = {}
        for sid in self.structure_ids:
            kind = str(getattr(self.structure(sid), "kind", None) or sid)
            counts[kind] = counts.get(kind, 0) + self.mesh(sid).n_triangles
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    @property
    def landmarks(self) -> dict[str, LandmarkPoint]:
        return {name: _landmark(name, v) for name, v in self._record.get("landmarks", {}).items()}

    def landmark(self, name: str) -> np.ndarray:
        """Return a landmark's position (mm); raise ``KeyError`` naming it if absent."""
        try:
            return np.asarray(self._record["landmarks"][name]["position"], float)
        except KeyError:
            raise KeyError(f"unknown landmark '{name}'") from None

    @property
    def centrelines(self) -> dict[str, np.ndarray]:
        return {k: np.asarray(v, float) for k, v in self._record.get("centrelines", {}).items()}

    def centreline(self, structure_id: str) -> np.ndarray:
        try:
            return np.asarray(self._record["centrelines"][structure_id], float)
        except KeyError:
            raise KeyError(f"no centreline for '{structure_id}'") from None


def _landmark(name: str, v: dict) -> LandmarkPoint:
    return LandmarkPoint(name, np.asarray(v["position"], float), v["side"], v["structure"], v["how"])


def read_model(folder: Path) -> AnatomyModel:
    """Read ``model.json`` from ``folder``, raising :class:`AtlasDataError` with the fix."""
    path = folder / "model.json"
    if not path.is_file():
        raise AtlasDataError(f"missing model file {path}: {REBUILD_HINT}")
    raw = read_json(path)
    listed = tuple(raw["structures"]) if isinstance(raw, dict) and isinstance(raw.get("structures"), dict) else ()
    record = check_record(raw, path)
    return AnatomyModel(record, folder, tuple(sid for sid in listed if sid not in record["structures"]))


@functools.cache
def load_model() -> AnatomyModel:
    """Load (once) the bundled model."""
    return read_model(assets_dir())
