"""A fresh ``build-assets`` reproduces the committed ``assets/``.

Rebuilds everything from the musculoskeletal model (needs the ``[build]`` extra)
into a temporary folder and compares it with the bundled files: the same set of
meshes, the same geometry (to 0.01 mm) and the same ``model.json`` record.
"""

import json

import numpy as np
import pytest

from sciatic_atlas.anatomy.meshes import read_mesh
from sciatic_atlas.anatomy.paths import assets_dir

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, raw_model, staged):
    """A fresh build written as ``build-assets`` writes it."""
    from sciatic_atlas.assetbuild.assets import write_assets

    out = tmp_path_factory.mktemp("assets")
    write_assets(staged[0], raw_model, out)
    return out


def _close(a, b, tol=1e-2):
    """Compare JSON values, floats to ``tol``."""
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= tol
    return a == b


def test_fresh_build_has_the_same_meshes(fresh):
    bundled = sorted(p.name for p in (assets_dir() / "meshes").glob("*.npz"))
    built = sorted(p.name for p in (fresh / "meshes").glob("*.npz"))
    assert built == bundled


def test_fresh_build_reproduces_every_mesh(fresh):
    for path in sorted((assets_dir() / "meshes").glob("*.npz")):
        old, new = read_mesh(path), read_mesh(fresh / "meshes" / path.name)
        assert np.array_equal(old.faces, new.faces), path.name
        assert np.allclose(old.vertices, new.vertices, atol=1e-2), path.name


def test_fresh_build_reproduces_the_model_record(fresh):
    old = json.loads((assets_dir() / "model.json").read_text())
    new = json.loads((fresh / "model.json").read_text())
    differing = [k for k in old if not _close(old[k], new.get(k))]
    assert not differing and old.keys() == new.keys(), differing


def test_fresh_build_reproduces_the_skinning_weights(fresh):
    """The per-vertex body weights that pose the soft structures come out the same."""
    from sciatic_atlas.anatomy.data_files import read_npz

    old = read_npz(assets_dir() / "skinning.npz", (), every=True)
    new = read_npz(fresh / "skinning.npz", (), every=True)
    assert old.keys() == new.keys()
    for name in old:
        assert np.array_equal(old[name], new[name]), name


def test_fresh_build_reproduces_the_baked_occlusion(fresh):
    """The baked ambient occlusion (the last stage, issue 12) fits and matches the bundled meshes."""
    from sciatic_atlas.anatomy.data_files import read_npz

    old = read_npz(assets_dir() / "occlusion.npz", (), every=True)
    new = read_npz(fresh / "occlusion.npz", (), every=True)
    assert old.keys() == new.keys() == {p.stem for p in (assets_dir() / "meshes").glob("*.npz")}
    for name in old:
        assert len(old[name]) == len(read_mesh(assets_dir() / "meshes" / f"{name}.npz").vertices), name
        assert np.array_equal(old[name], new[name]), name


def test_fresh_build_reproduces_the_fibre_coordinates(fresh):
    """The muscles' fibre coordinate (the striations, assetbuild/muscle_fibres.py) fits and matches its meshes."""
    from sciatic_atlas.anatomy.data_files import read_npz

    old = read_npz(assets_dir() / "fibres.npz", (), every=True)
    new = read_npz(fresh / "fibres.npz", (), every=True)
    assert old.keys() == new.keys()
    for name in old:
        assert len(old[name]) == len(read_mesh(assets_dir() / "meshes" / f"{name}.npz").vertices), name
        assert np.allclose(old[name], new[name], atol=0.02), name
