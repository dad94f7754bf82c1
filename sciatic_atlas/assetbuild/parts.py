"""What each build stage hands to the asset writer.

Every stage (bones, discs, muscles, nerves, skin) returns a :class:`BuildPart`;
``build_assets`` merges them and writes ``assets/meshes/<id>.npz`` plus
``assets/model.json``. Coordinates are world-frame millimetres
(:mod:`sciatic_atlas.anatomy.frame`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class BuiltMesh:
    """A structure's surface and the body (segment) it moves with."""

    vertices: np.ndarray  # (N, 3) mm
    faces: np.ndarray  # (M, 3) int
    body: str  # model body name, e.g. "femur_r"; "" for structures spanning bodies
    extra: dict = field(default_factory=dict)  # e.g. {"layer": "deep"}


@dataclass
class Landmark:
    """A named point a teacher points at, taken from the model's geometry."""

    position: np.ndarray  # (3,) mm
    side: str  # "left", "right" or "midline"
    structure: str  # structure id it lies on, e.g. "hip_bone_r"
    how: str  # one line: how it was located on the model


@dataclass
class BuildPart:
    """The output of one build stage."""

    meshes: dict[str, BuiltMesh] = field(default_factory=dict)
    landmarks: dict[str, Landmark] = field(default_factory=dict)
    centrelines: dict[str, np.ndarray] = field(default_factory=dict)  # id -> (K, 3) mm
    variants: dict[str, dict] = field(default_factory=dict)  # e.g. nerve path variants
    info: dict = field(default_factory=dict)
    arrays: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)  # assets file -> named arrays
    # Per-vertex source weights a later stage reads (not written): mesh id -> channel -> (N,)
    vertex_weights: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def merge(self, other: "BuildPart") -> "BuildPart":
        """Add ``other``'s entries, refusing duplicate ids."""
        for name in ("meshes", "landmarks", "centrelines", "variants", "arrays", "vertex_weights"):
            mine, theirs = getattr(self, name), getattr(other, name)
            clash = mine.keys() & theirs.keys()
            if clash:
                raise ValueError(f"two build stages both produce {name} {sorted(clash)}")
            mine.update(theirs)
        self.info.update(other.info)
        return self
