"""The skin stage: a closed surface, outside the muscles, no bone poking through."""

import re

import numpy as np
import pytest

from sciatic_atlas.assetbuild.mesh_ops import SignedDistance, edge_use_counts, is_closed_manifold
from sciatic_atlas.assetbuild.skin import TOP_FADE_MM, boundary_loop, cap_loop
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)


def test_a_capped_open_tube_is_closed():
    n, rings = 24, 5
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    v = np.array([[np.cos(t), np.sin(t), z] for z in range(rings) for t in theta], float)
    f = []
    for r in range(rings - 1):
        for i in range(n):
            a, b, c, d = r * n + i, r * n + (i + 1) % n, (r + 1) * n + i, (r + 1) * n + (i + 1) % n
            f += [[a, b, d], [a, d, c]]
    f = np.array(f)
    bottom = np.array([[0, 0, -0.5]])  # close the bottom with a fan so only the top stays open
    f = np.vstack([f, [[len(v), (i + 1) % n, i] for i in range(n)]])
    v = np.vstack([v, bottom])
    loop = boundary_loop(f)
    assert len(loop) == n
    cap_v, cap_f = cap_loop(v, loop)
    assert np.all(edge_use_counts(np.vstack([f, cap_f])) == 2)
    assert is_closed_manifold(np.vstack([f, cap_f]))
    assert np.allclose(cap_v[:, 2], rings - 1)  # the cap is flat, at the cut


@pytest.fixture(scope="module")
def model(skin_model):
    return skin_model


def test_skin_is_closed_and_in_budget(model):
    skin = model.mesh("skin")
    assert 30_000 <= skin.n_triangles <= 60_000
    assert is_closed_manifold(skin.faces.astype(np.int64))


def test_no_bone_pokes_through(model):
    skin = model.mesh("skin")
    inside = SignedDistance(skin.vertices, skin.faces.astype(np.int64))
    bone = re.compile(r"^(sacrum|vertebra_l[1-5]|(femur|tibia|fibula|patella|hip_bone|talus|foot_bones|toe_bones)_[lr])$")
    bones = [sid for sid in model.structure_ids if bone.match(sid)]
    assert len(bones) >= 20
    pts = np.vstack([model.mesh(sid).vertices for sid in bones])
    outside = ~inside.inside(pts)
    assert outside.mean() < 0.002, f"{outside.sum()} of {len(pts)} bone vertices lie outside the skin"


def test_skin_lies_outside_the_muscles(model):
    skin = model.mesh("skin").vertices.astype(float)
    # The flat cap and the band just below it are a section through the back muscles,
    # which run on above the cut (assetbuild/skin.py TOP_FADE_MM): they are not skin over them.
    skin = skin[skin[:, 2] < skin[:, 2].max() - TOP_FADE_MM]
    muscles = [sid for sid in model.structure_ids if model.structure_info(sid).get("kind") == "muscle"
               or sid.startswith(("gluteus", "piriformis", "biceps_femoris", "semi", "vastus", "soleus",
                                  "gastrocnemius", "adductor"))]
    assert muscles
    worst = {}
    for sid in muscles:
        mesh = model.mesh(sid)
        lo, hi = mesh.vertices.min(axis=0), mesh.vertices.max(axis=0)
        near = ((skin >= lo) & (skin <= hi)).all(axis=1)
        if near.any():
            inside = SignedDistance(mesh.vertices, mesh.faces.astype(np.int64)).inside(skin[near])
            if inside.any():
                worst[sid] = int(inside.sum())
    # A handful may remain where a muscle mesh lies out in the gap between the thighs.
    assert sum(worst.values()) <= 0.002 * len(skin), f"skin vertices inside muscles: {worst}"
