"""Fixtures for the scene tests: a small model, knowledge base and catalogue built in code.

They make the loader and resolver tests independent of the bundled assets (which the
lead rebuilds) while exercising the same code paths; the library tests use the real data.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from sciatic_atlas.anatomy.model import AnatomyModel
from sciatic_atlas.scenes.names import Catalog, NameSet, base_id, structure_names, variant_options
from scene_samples import GOOD

SIDED = ["piriformis", "gluteus_maximus", "gluteus_minimus", "biceps_femoris_long_head", "semitendinosus",
         "sciatic_nerve", "tibial_nerve", "femur", "hip_bone"]
MIDLINE = ["sacrum", "disc_l4_l5", "skin"]
GROUPS = {"hamstrings": ["biceps_femoris_long_head", "semitendinosus"],
          "gluteals": ["gluteus_maximus", "gluteus_minimus"]}


class FakeKnowledge:
    """The part of the knowledge base API the scenes layer uses: structures, groups, expand."""

    def __init__(self):
        ids = [f"{b}{s}" for b in SIDED for s in ("_r", "_l")] + MIDLINE
        self.structures = dict.fromkeys(ids)
        self.groups = {g: SimpleNamespace(id=g, members=tuple(m)) for g, m in GROUPS.items()}

    def expand(self, name, side="both"):
        sides = {"both": ("_r", "_l"), "right": ("_r",), "left": ("_l",)}[side]
        if name in self.structures:
            return [name]
        bases = GROUPS.get(name, [name] if name in SIDED else [])
        if not bases and name not in self.structures:
            raise KeyError(name)
        return [f"{b}{s}" for b in bases for s in sides]


def _model(tmp: Path) -> AnatomyModel:
    ids = [f"{b}{s}" for b in SIDED for s in ("_r", "_l")] + MIDLINE + ["sciatic_nerve_r__ba_d"]
    record = {
        "structures": {sid: {"mesh": f"meshes/{sid}.npz"} for sid in ids},
        "landmarks": {
            "ischial_tuberosity_r": {"position": [-80, 40, 850], "side": "right", "structure": "hip_bone_r", "how": "t"},
            "greater_sciatic_notch_r": {"position": [-60, 60, 950], "side": "right", "structure": "hip_bone_r", "how": "t"},
            "ischial_tuberosity_l": {"position": [80, 40, 850], "side": "left", "structure": "hip_bone_l", "how": "t"},
            "greater_sciatic_notch_l": {"position": [60, 60, 950], "side": "left", "structure": "hip_bone_l", "how": "t"},
        },
        # straight nerves from z=1000 down to z=500: fractions are (1000 - z) / 500
        "centrelines": {f"sciatic_nerve{s}": [[x, 50, 1000 - 50 * i] for i in range(11)]
                        for s, x in (("_r", -70), ("_l", 70))},
        "variants": {"sciatic_path": {"default": "a", "options": {
            "a": {"label": "below piriformis", "replaces": {}},
            "d": {"label": "through piriformis", "replaces": {"sciatic_nerve_r": ["sciatic_nerve_r__ba_d"]}}}}},
    }
    return AnatomyModel(record, tmp)


@pytest.fixture
def model(tmp_path) -> AnatomyModel:
    return _model(tmp_path)


@pytest.fixture
def knowledge() -> FakeKnowledge:
    return FakeKnowledge()


@pytest.fixture
def catalog(model, knowledge) -> Catalog:
    variants, extra, why = variant_options(model)
    landmarks = frozenset(model.landmarks) | {base_id(n) for n in model.landmarks}
    return Catalog(structures=structure_names(knowledge, model), landmarks=NameSet("landmark", landmarks),
                   views=NameSet("view", frozenset({"posterior", "gluteal", "thigh"})),
                   overlays=NameSet("overlay", frozenset({"piriformis_referral", "dermatome_l5"})),
                   variants=variants, variants_why=why, hidden_by_default=extra)




@pytest.fixture
def good_text() -> str:
    return GOOD


@pytest.fixture
def write(tmp_path):
    """Write text (or bytes) to a scene file in a temporary folder and return its path."""

    def _write(content, name="scene.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write
