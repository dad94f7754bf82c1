"""The baked ambient occlusion (assetbuild/occlusion.py): crevices dark, open surfaces light,
and only what stays drawn when layers are peeled casts a shade (issue 12)."""

from __future__ import annotations

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from sciatic_atlas.assetbuild.occlusion import OCCLUSION_FILE, build  # noqa: E402
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh  # noqa: E402


def _box(x0: float, **extra) -> BuiltMesh:
    box = pv.Box(bounds=(x0, x0 + 40, 0, 40, 0, 40), level=12).triangulate().clean()
    return BuiltMesh(np.asarray(box.points, float), box.regular_faces, "", dict(extra))


def _openness(meshes: dict[str, BuiltMesh]) -> dict[str, tuple[float, float]]:
    """Return each mesh's mean openness on its +x face and on its -x face."""
    baked = build(None, BuildPart(meshes=meshes)).arrays[OCCLUSION_FILE]
    out = {}
    for sid, mesh in meshes.items():
        x = mesh.vertices[:, 0]
        value = baked[sid] / 255.0
        out[sid] = (value[x == x.max()].mean(), value[x == x.min()].mean())
    return out


def test_facing_walls_of_a_crevice_darken_and_open_ones_do_not():
    # two bones 6 mm apart: the walls facing each other are a crevice
    found = _openness({"a": _box(0, kind="bone"), "b": _box(46, kind="bone")})
    assert found["a"][0] < 0.3 and found["b"][1] < 0.3  # the facing walls
    assert found["a"][1] > 0.95 and found["b"][0] > 0.95  # the walls facing away


def test_only_the_skeleton_and_deeper_muscles_cast_a_shade():
    found = _openness({"bone": _box(0, kind="bone"), "deep": _box(46, kind="muscle", layer="deep"),
                       "top": _box(92, kind="muscle", layer="superficial"), "nerve": _box(138, kind="nerve")})
    assert found["deep"][1] < 0.3  # the bone shades the deep muscle
    assert found["bone"][0] > 0.95  # a muscle, peeled or not, never darkens the bone
    assert found["top"][1] < 0.3  # the deep muscle stays drawn under the superficial one: it shades it
    assert found["deep"][0] > 0.95  # a superficial muscle may be peeled: it shades nothing deeper
    assert found["top"][0] > 0.95 and found["nerve"][1] > 0.95  # nerves shade nothing and are not shaded by muscle


def test_the_baked_arrays_fit_their_meshes():
    meshes = {"a": _box(0, kind="bone"), "skin": _box(100)}
    baked = build(None, BuildPart(meshes=meshes)).arrays[OCCLUSION_FILE]
    assert set(baked) == set(meshes)
    assert all(baked[sid].dtype == np.uint8 and len(baked[sid]) == len(m.vertices) for sid, m in meshes.items())
