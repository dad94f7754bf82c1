"""The built anatomical model: ``assets/model.json`` plus one mesh per structure.

:class:`AnatomyModel` is what the render layer and ``describe --json`` read: which
structures have geometry, their landmarks and centrelines, the bodies (segments)
they move with. Meshes load lazily, once each.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sciatic_atlas.anatomy.data_files import read_json
from sciatic_atlas.anatomy.errors import AtlasDataError, UnknownStructureError
from sciatic_atlas.anatomy.meshes import MeshData, read_mesh
from sciatic_atlas.anatomy.model_check import check_record
from sciatic_atlas.anatomy.paths import REBUILD_HINT, assets_dir


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

    def __init__(self, record: dict, folder: Path):
        self._record = record
        self.folder = folder
        self._meshes: dict[str, MeshData] = {}

    @property
    def record(self) -> dict:
        """Return the raw ``model.json`` record (read-only use)."""
        return self._record

    @property
    def structure_ids(self) -> list[str]:
        """Return every structure id that has a mesh, sorted."""
        return sorted(self._record["structures"])

    def has_mesh(self, structure_id: str) -> bool:
        return structure_id in self._record["structures"]

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

    @property
    def landmarks(self) -> dict[str, LandmarkPoint]:
        return {
            name: LandmarkPoint(name, np.asarray(v["position"], float), v["side"], v["structure"], v["how"])
            for name, v in self._record.get("landmarks", {}).items()
        }

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

    @property
    def variants(self) -> dict:
        return self._record.get("variants", {})


def read_model(folder: Path) -> AnatomyModel:
    """Read ``model.json`` from ``folder``, raising :class:`AtlasDataError` with the fix."""
    path = folder / "model.json"
    if not path.is_file():
        raise AtlasDataError(f"missing model file {path}: {REBUILD_HINT}")
    record = check_record(read_json(path), path)
    return AnatomyModel(record, folder)


@functools.cache
def load_model() -> AnatomyModel:
    """Load (once) the bundled model."""
    return read_model(assets_dir())
