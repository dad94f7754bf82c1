"""The built model the anatomy tests read: ``$SCIATIC_ATLAS_ASSETS`` or the bundled assets.

Tests that need the nerve tree skip, naming the fix, while the bundled assets predate it.
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest

from sciatic_atlas.anatomy.model import AnatomyModel, read_model
from sciatic_atlas.anatomy.paths import assets_dir

BONE_ID = re.compile(r"^((femur|tibia|fibula|hip_bone|talus|foot_bones|toe_bones|patella)_[lr]|sacrum|vertebra_l[1-5])$")


@functools.cache
def _model() -> AnatomyModel:
    return read_model(assets_dir())


def nerve_model() -> AnatomyModel:
    """Return the built model, skipping the test when it has no nerve tree yet."""
    model = _model()
    if not model.has_mesh("sciatic_nerve_r"):
        pytest.skip(f"{assets_dir()} has no nerves: rebuild with `sciatic-atlas build-assets`")
    return model


def bone_ids(model: AnatomyModel) -> list[str]:
    """Return the structure ids of every bone mesh."""
    return [s for s in model.structure_ids if BONE_ID.match(s)]


def lateral(model: AnatomyModel, side: str, point) -> float:
    """Return how far (mm) ``point`` lies lateral of the median plane on ``side``."""
    x0 = (model.landmark("hip_joint_centre_l")[0] + model.landmark("hip_joint_centre_r")[0]) / 2
    return float((np.asarray(point)[..., 0] - x0) * (1 if side == "l" else -1))


def signed_distance(model: AnatomyModel, sid: str, points) -> np.ndarray:
    """Return the signed distance (mm, negative inside) of each point from structure ``sid``'s mesh."""
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

    mesh = model.mesh(sid)
    return SignedDistance(mesh.vertices, mesh.faces)(np.atleast_2d(np.asarray(points, float)))


def midline_x(model: AnatomyModel) -> float:
    """Return the x (mm) of the median plane: halfway between the hip joint centres."""
    return float((model.landmark("hip_joint_centre_l")[0] + model.landmark("hip_joint_centre_r")[0]) / 2)
