"""The typed model: structures, the kinematic tree (bodies, joints) and variants, read from model.json."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.model import load_model, read_model
from sciatic_atlas.anatomy.paths import assets_dir


def test_structures_are_typed_from_their_record():
    model = load_model()
    piriformis = model.structure("piriformis_r")
    assert (piriformis.kind, piriformis.layer) == ("muscle", "deep")
    assert set(piriformis.bodies) == {"femur_r", "pelvis"}
    branch = model.structure("branch_tibial_nerve__soleus_r")
    assert (branch.kind, branch.parent, branch.supplies) == ("branch", "tibial_nerve_r", "soleus_r")
    assert model.structure("femur_r").body == "femur_r"


def test_the_bodies_form_one_tree_and_every_joint_moves_a_known_body():
    model = load_model()
    bodies, joints = model.bodies, model.joints
    assert len(bodies) >= 100 and len(joints) >= 120
    for body in bodies.values():
        seen, name = set(), body.name
        while name != "world":  # every chain ends at the world, without a loop
            assert name not in seen and bodies[name].parent in bodies
            seen.add(name)
            name = bodies[name].parent
        assert np.allclose(body.rotation @ body.rotation.T, np.eye(3), atol=1e-3)  # a rotation
    assert all(j.body in bodies and j.kind in ("hinge", "slide", "free") for j in joints.values())
    assert all(abs(np.linalg.norm(j.axis) - 1) < 1e-3 for j in joints.values() if j.kind != "free")


def test_the_lumbar_and_knee_ranges_are_the_model_s():
    joints = load_model().joints
    # Issue 13 quotes these: lumbar flexion/extension over its levels, and a knee that stops at 120 degrees.
    assert joints["L4_L5_FE"].kind == "hinge"
    low, high = joints["L4_L5_FE"].range_degrees
    assert low < 0 < high
    knee = [j for n, j in joints.items() if n.startswith("knee_angle") and j.kind == "hinge" and n.endswith("_r")]
    assert knee and min(j.range_degrees[0] for j in knee) > -125


def test_variants_are_typed_with_their_replacements_and_source():
    group = load_model().variant_groups["sciatic_path"]
    assert group.default in group.options
    b = group.options["b"]
    assert "sciatic_nerve_r__ba_b" in b.replaces["sciatic_nerve_r"] and "doi:" in b.source
    assert 0 < b.prevalence < 1
    assert "sciatic_nerve_r__ba_b" in group.replacement_ids()


def test_landmarks_are_found_or_none():
    model = load_model()
    name = next(iter(model.landmarks))
    assert np.allclose(model.find_landmark(name).position, model.landmark(name))
    assert model.find_landmark("no_such_landmark") is None


@pytest.mark.parametrize("part, entry, words", [
    ("bodies", {"parent": "world", "pos": [0, 0], "rot": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}, "body 'x'"),
    ("bodies", {"parent": "world", "pos": [0, 0, 0]}, "body 'x'"),
    ("joints", {"body": "world", "type": 3, "anchor": [0, 0, 0], "axis": [1, 0, 0], "range": ["a", 1]}, "joint 'x'"),
    ("joints", {"body": "world", "type": True, "anchor": [0, 0, 0], "axis": [1, 0, 0], "range": [0, 1]}, "joint 'x'"),
])
def test_a_malformed_body_or_joint_is_named_with_the_fix(tmp_path, part, entry, words):
    folder = tmp_path / "assets"
    folder.mkdir()
    record = json.loads((assets_dir() / "model.json").read_text())
    record[part]["x"] = entry
    (folder / "model.json").write_text(json.dumps(record))
    shutil.copytree(assets_dir() / "meshes", folder / "meshes")
    with pytest.raises(AtlasDataError, match=f"{words}.*build-assets"):
        read_model(folder)
