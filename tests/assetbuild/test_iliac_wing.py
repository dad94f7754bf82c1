"""The iliac wing warp (issue 12): local, smooth, and the same for the bone and what it carries."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.assetbuild import mesh_ops

pytestmark = pytest.mark.build


@pytest.mark.parametrize("s", ["r", "l"])
def test_the_warp_leaves_the_acetabulum_notch_and_sacroiliac_joint_and_lifts_the_crest(raw_model, s):
    warp = raw_model.wing_warp
    bone = raw_model.bones[f"pelvis_{s}"]
    before, after = bone.model_vertices, bone.vertices
    rise = after[:, 2] - before[:, 2]
    assert np.allclose(after[:, :2], before[:, :2])  # straight up only
    hjc = np.asarray(raw_model.joints[f"hip_flexion_{s}"]["anchor"], float)
    acetabulum = np.linalg.norm(before - hjc, axis=1) < 40.0
    notch = before[:, 2] < hjc[2] + 50.0  # the greater sciatic notch tops out 47 mm above the hip centre
    sacrum = raw_model.bones["sacrum_geom_1"]
    joint = mesh_ops.surface_distances(before, sacrum.vertices, sacrum.faces) < 5.0
    assert acetabulum.any() and joint.any()
    assert np.abs(rise[acetabulum | notch | joint]).max() == 0.0
    top = np.argmax(before[:, 2])
    assert rise[top] == pytest.approx(warp.rise)
    assert after[:, 2].max() == pytest.approx(before[:, 2].max() + warp.rise)


def test_muscle_sites_on_the_wing_move_with_the_bone(raw_model):
    """A site carried by the pelvis moves exactly as a bone vertex at the same place would."""
    warp = raw_model.wing_warp
    for name in ("glmed1-P1_r", "glmed2-P1_l", "tfl-P1_r", "iliacus-P1_l"):
        p, body = raw_model.sites[name]
        assert body == "pelvis"
        for m in raw_model.muscles.values():
            if name in m.site_names:
                assert np.allclose(m.path[m.site_names.index(name)], p), (m.name, name)
    moved = [raw_model.sites[n][0][2] for n in ("glmed1-P1_r", "glmed1-P1_l")]
    assert moved[0] == pytest.approx(moved[1], abs=0.01)  # both sides alike
    assert warp.weights(np.array([raw_model.sites["glmed1-P1_r"][0]]))[0] > 0.2
