"""Corrupt data and assets: a clear error naming the file and how to get a good copy, never a traceback.

Every test corrupts a copy in a temporary folder (``SCIATIC_ATLAS_DATA`` /
``SCIATIC_ATLAS_ASSETS`` point the program at it); the real files are never touched.
A missing mesh leaves a hole and a warning; the rest keeps working.
"""

from __future__ import annotations

import json
import logging
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciatic_atlas.anatomy.data_files import read_npz, read_yaml, read_yaml_mapping
from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.meshes import read_mesh
from sciatic_atlas.anatomy.model import read_model
from sciatic_atlas.anatomy.paths import DATA_DIR, assets_dir

from robust_samples import copy_assets, copy_data, no_traceback, run_cli

DATA_FILES = sorted(p.name for p in DATA_DIR.glob("*.yaml"))
FEW_MESHES = ("sacrum", "piriformis_r", "sciatic_nerve_r", "skin")


@pytest.fixture
def assets(tmp_path):
    return copy_assets(tmp_path, FEW_MESHES)


def _model_json(assets, change) -> None:
    path = assets / "model.json"
    record = json.loads(path.read_text())
    change(record)
    path.write_text(json.dumps(record))


@pytest.mark.parametrize("name", DATA_FILES)
@pytest.mark.parametrize("corruption", ["not utf-8", "bad yaml", "a list"])
def test_every_data_file_broken_is_named_with_the_fix(tmp_path, name, corruption):
    data = copy_data(tmp_path)
    path = data / name
    raw = path.read_bytes()
    path.write_bytes({"not utf-8": raw[:40] + b"\xff\xfe" + raw[40:], "bad yaml": b"a: [unclosed\n  - x: {",
                      "a list": b"- 1\n- 2\n"}[corruption])
    if corruption == "a list":
        with pytest.raises(AtlasDataError, match=f"{name}.*does not hold a mapping"):
            read_yaml_mapping(path)
    else:
        with pytest.raises(AtlasDataError, match=f"{name}.*(UTF-8|not valid YAML at line).*git checkout"):
            read_yaml(path)


@pytest.mark.parametrize("name", ["structures.yaml", "sources.yaml", "overlays.yaml", "appearance.yaml",
                                  "skin_regions.yaml", "views.yaml", "search_terms.yaml"])
def test_the_command_line_says_which_data_file_is_broken(tmp_path, name):
    data = copy_data(tmp_path)
    raw = (data / name).read_bytes()
    (data / name).write_bytes(raw[:30] + b"\xff" + raw[30:])
    for args in (["validate", "-q"], ["describe", "--json", "-o", str(tmp_path / "d.json")]):
        result = run_cli(*args, data=data)
        no_traceback(result)
        if result.returncode:
            assert result.returncode == 2 and name in result.stderr, result.stderr[-600:]


def test_a_broken_knowledge_file_is_one_error_not_one_per_scene(tmp_path):
    data = copy_data(tmp_path)
    (data / "groups.yaml").write_text("groups: [unclosed\n")
    result = run_cli("validate", data=data)
    no_traceback(result)
    assert result.returncode == 2
    assert result.stderr.count("groups.yaml") == 1 and ".yaml:" not in result.stdout


@pytest.mark.parametrize("change, words", [
    (lambda r: r["landmarks"].__setitem__("x_r", {"position": ["a", 1, 2], "side": "right", "structure": "s",
                                                   "how": "h"}), "landmark 'x_r'"),
    (lambda r: r["centrelines"].__setitem__("sciatic_nerve_r", [[1, 2]]), "centreline of 'sciatic_nerve_r'"),
    (lambda r: r.__setitem__("variants", {"sciatic_path": ["a"]}), "variant 'sciatic_path'"),
    (lambda r: r["variants"].setdefault("sciatic_path", {}).__setitem__("options", {"a": {"replaces": "x"}}),
     "'replaces'"),
    (lambda r: r.__setitem__("structures", []), "'structures' is not a mapping"),
    (lambda r: r["structures"].__setitem__("sacrum", "meshes/sacrum.npz"), "structure 'sacrum'"),
])
def test_a_malformed_model_json_is_named_with_the_rebuild_command(assets, change, words):
    _model_json(assets, change)
    with pytest.raises(AtlasDataError) as info:
        read_model(assets)
    assert words in str(info.value) and "model.json" in str(info.value) and "build-assets" in str(info.value)


def test_a_truncated_model_json_says_where(assets):
    path = assets / "model.json"
    path.write_text(path.read_text()[:500])
    with pytest.raises(AtlasDataError, match=r"model.json is not valid JSON at line \d+, column \d+"):
        read_model(assets)


@pytest.mark.parametrize("mesh", ["../../../../etc/passwd", "/etc/passwd", "meshes/../model.json", "", None])
def test_a_mesh_path_outside_the_meshes_folder_is_never_followed(assets, caplog, mesh):
    def change(record):
        if mesh is None:
            record["structures"]["sacrum"].pop("mesh")
        else:
            record["structures"]["sacrum"]["mesh"] = mesh

    _model_json(assets, change)
    with caplog.at_level(logging.WARNING, logger="sciatic_atlas"):
        model = read_model(assets)
    assert "sacrum" not in model.structure_ids and "piriformis_r" in model.structure_ids
    assert any("sacrum" in r.getMessage() and "build-assets" in r.getMessage() for r in caplog.records)


def test_a_missing_mesh_leaves_a_hole_and_a_warning(assets, caplog):
    with caplog.at_level(logging.WARNING, logger="sciatic_atlas"):
        model = read_model(assets)  # only a few meshes were copied
    assert set(model.structure_ids) == set(FEW_MESHES)
    assert any("missing mesh file" in r.getMessage() for r in caplog.records)
    assert model.mesh("sacrum").n_triangles > 0


def _damage(path):
    """Keep a mesh file's first 300 bytes: a zip archive cut short."""
    path.write_bytes(path.read_bytes()[:300])


def test_a_damaged_mesh_leaves_a_hole_and_a_warning(assets, caplog):
    _damage(assets / "meshes" / "sacrum.npz")
    model = read_model(assets)
    caplog.clear()  # the meshes never copied were told of when the model was read
    with caplog.at_level(logging.WARNING, logger="sciatic_atlas"):
        assert not model.has_mesh("sacrum") and not model.has_mesh("sacrum")  # warned once, then known
        assert model.has_mesh("piriformis_r")
    assert "sacrum" in model.left_out and "piriformis_r" not in model.left_out
    assert "adductor_magnus_r" in model.left_out  # its file was never copied: missing, also left out
    told = [r.getMessage() for r in caplog.records]
    assert len(told) == 1 and "sacrum.npz" in told[0] and "build-assets" in told[0], told


def test_render_with_a_damaged_mesh_draws_the_rest(tmp_path):
    assets = copy_assets(tmp_path)
    _damage(assets / "meshes" / "piriformis_r.npz")
    out = tmp_path / "hole.png"
    result = run_cli("render", "piriformis", "--step", "2", "--size", "120x160", "-o", str(out), assets=assets)
    no_traceback(result)
    assert result.returncode == 0 and out.stat().st_size > 0
    assert "piriformis_r.npz" in result.stderr and "build-assets" in result.stderr


@pytest.mark.parametrize("arrays, words", [
    ({"vertices": np.zeros((0, 3), np.float32), "faces": np.zeros((0, 3), np.int32)}, "no vertices"),
    ({"vertices": np.zeros((3, 3), np.float32)}, "no faces"),
    ({"vertices": np.array(["a", "b", "c"]), "faces": np.zeros((1, 3), np.int32)}, "must be numbers"),
    ({"vertices": np.zeros((3, 3), np.float32), "faces": np.array([[0, 1, 7]], np.int32)}, "out of range"),
    ({"vertices": np.full((3, 3), np.nan, np.float32), "faces": np.array([[0, 1, 2]], np.int32)}, "not finite"),
])
def test_a_mesh_with_bad_arrays_is_named(tmp_path, arrays, words):
    path = tmp_path / "m.npz"
    np.savez(path, **arrays)
    with pytest.raises(AtlasDataError, match=words):
        read_mesh(path)


def test_a_mesh_holding_python_objects_is_refused_without_pickle_advice(tmp_path):
    path = tmp_path / "m.npz"
    np.savez(path, vertices=np.array([object()] * 3, dtype=object), faces=np.zeros((1, 3), np.int32))
    with pytest.raises(AtlasDataError) as info:
        read_mesh(path)
    assert "allow_pickle" not in str(info.value) and "Python objects" in str(info.value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_garbled_bytes_in_a_mesh_give_a_clear_error_or_a_valid_mesh(tmp_path_factory, data):
    raw = bytearray((assets_dir() / "meshes" / "piriformis_r.npz").read_bytes())
    start = data.draw(st.integers(0, len(raw) - 1))
    junk = data.draw(st.binary(min_size=1, max_size=64))
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(raw))))
    raw[start:start + len(junk)] = junk
    path = tmp_path_factory.mktemp("garbled") / "piriformis_r.npz"
    path.write_bytes(bytes(raw[:cut]) if cut is not None else bytes(raw))
    try:
        mesh = read_mesh(path)
    except AtlasDataError as exc:
        assert str(path) in str(exc) and "build-assets" in str(exc) and "allow_pickle" not in str(exc)
    else:
        assert mesh.vertices.shape[1] == 3 and mesh.faces.max() < len(mesh.vertices)


def test_a_truncated_skin_coordinates_file_is_named(tmp_path):
    path = tmp_path / "skin_coords.npz"
    path.write_bytes((assets_dir() / "skin_coords.npz").read_bytes()[:4000])
    with pytest.raises(AtlasDataError, match="skin_coords.npz.*damaged.*build-assets"):
        read_npz(path, ("segment",), every=True)


def test_a_broken_search_terms_file_leaves_search_working(tmp_path, caplog):
    from sciatic_atlas.app.search import load_terms

    path = tmp_path / "search_terms.yaml"
    path.write_bytes(b"sciatica:\n  structures: [sciatic_nerve]\n\xff")
    with caplog.at_level(logging.WARNING, logger="sciatic_atlas"):
        assert load_terms(path) == {}
    assert any("search_terms.yaml" in r.getMessage() for r in caplog.records)
    path.write_text("sciatica: just words\nbuttock:\n  structures: [gluteus_maximus]\n")
    assert load_terms(path)[("structure", "gluteus_maximus_r")] == ("buttock",)


def test_render_with_a_missing_mesh_draws_the_rest(tmp_path):
    assets = copy_assets(tmp_path)
    os.remove(assets / "meshes" / "sacrum.npz")
    out = tmp_path / "hole.png"
    result = run_cli("render", "--size", "120x160", "-o", str(out), assets=assets)
    no_traceback(result)
    assert result.returncode == 0 and out.stat().st_size > 0
    assert "sacrum" in result.stderr and "build-assets" in result.stderr
