"""Nerve geometry of the build: smooth paths, tubes, bone push-out (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.assetbuild.nerve_geometry import BoneField, Section, path_length, smooth_path, tube_mesh


def _edge_counts(faces):
    f = np.asarray(faces, np.int64)
    edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
    return np.unique(edges, axis=0, return_counts=True)[1]


def test_smooth_path_passes_through_control_points_without_overshoot():
    ctrl = np.array([[0, 0, 100], [10, 0, 60], [10, 5, 30], [40, 5, 0]], float)
    path = smooth_path(ctrl, step=2.0)
    for p in ctrl:
        assert np.linalg.norm(path - p, axis=1).min() < 1.5
    assert path[:, 0].min() >= -1e-6 and path[:, 0].max() <= 40 + 1e-6
    assert np.all(np.diff(path[:, 2]) <= 1e-9), "monotone heights stay monotone"


def test_elliptic_tube_is_closed_outward_and_has_the_right_volume():
    path = smooth_path(np.array([[0, 0, 0], [0, 0, 100]], float), step=2.0)
    verts, faces = tube_mesh(path, [Section(0, 16.0, 6.0, (1.0, 0.0, 0.0)), Section(1, 16.0, 6.0, (1.0, 0.0, 0.0))],
                             n_around=32)
    assert np.all(_edge_counts(faces) == 2)
    a, b, c = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
    volume = np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6
    assert volume == pytest.approx(np.pi * 8 * 3 * 100, rel=0.03)
    assert np.ptp(verts[:, 0]) == pytest.approx(16.0, abs=0.1), "width lies along the flat direction"
    assert np.ptp(verts[:, 1]) == pytest.approx(6.0, abs=0.2)


def test_push_out_clears_a_bone_and_keeps_fixed_points():
    import pyvista as pv

    sphere = pv.Sphere(radius=20.0, theta_resolution=40, phi_resolution=40).triangulate()
    faces = sphere.faces.reshape(-1, 4)[:, 1:]
    field = BoneField([(np.asarray(sphere.points), faces)])
    path = smooth_path(np.array([[-60, 0, 0], [0, 5, 0], [60, 0, 0]], float), step=2.0)
    assert field.distance(path)[0].min() < -10
    moved = field.push_out(path, clearance=3.0, fixed=2, iterations=12)
    assert field.distance(moved)[0].min() > 2.0
    assert np.allclose(moved[:2], path[:2])
    assert path_length(moved) > path_length(path)


def test_branch_ids_follow_the_convention():
    from sciatic_atlas.assetbuild.nerve_branches import BRANCHES, branch_id

    assert branch_id("tibial_nerve", "semitendinosus", "r") == "branch_tibial_nerve__semitendinosus_r"
    supplied = {(nerve, muscle) for nerve, _src, muscle, _f, _d in BRANCHES}
    assert ("common_fibular_nerve", "biceps_femoris_short_head") in supplied
    assert ("tibial_nerve", "biceps_femoris_long_head") in supplied
    assert not any(m.startswith("gluteus") and n.startswith(("tibial", "common_fibular")) for n, m in supplied)


def test_muscular_branch_leaves_its_parent_at_an_acute_angle():
    """A branch to a muscle beside its parent runs distally first, not out as a right-angled rung."""
    from sciatic_atlas.assetbuild.nerve_branches import _lead

    parent = np.column_stack([np.zeros(60), np.zeros(60), 600.0 - 3.0 * np.arange(60)])  # straight down
    i = 30
    target = parent[i] + [40.0, 0.0, 0.0]  # the motor point straight out to the side
    branch = smooth_path(np.array([parent[i], _lead(parent, i, target), target]), step=3.0)
    first = branch[2] - branch[0]
    takeoff = np.degrees(np.arccos(abs(first @ [0.0, 0.0, -1.0]) / np.linalg.norm(first)))
    assert 15.0 < takeoff < 50.0
    assert first[2] < 0, "runs distally beside the parent first"
    assert np.allclose(branch[0], parent[i]) and np.allclose(branch[-1], target, atol=0.5)


def test_every_nerve_diameter_is_in_the_data_with_a_known_source():
    """Each nerve, root and branch built has a sourced ``diameters_mm`` entry (data/nerve_figures.yaml)."""
    import json

    from sciatic_atlas.anatomy.paths import assets_dir
    from sciatic_atlas.assetbuild.nerve_figures import diameter, figures

    data, sources = figures()["diameters_mm"], figures()["sources"]
    for name, entry in data.items():
        assert entry.get("source") in sources, f"{name}: unknown source {entry.get('source')!r}"
        if "start" in entry:
            start, end = diameter(name)
            assert 0 < end <= start + 1.0 and start < 15, (name, start, end)
    structures = json.loads((assets_dir() / "model.json").read_text())["structures"]
    built = {sid[:-2] for sid, rec in structures.items() if rec.get("kind") in ("nerve", "root", "branch")}
    assert built and not built - data.keys(), f"no diameter entry for {sorted(built - data.keys())}"


def test_the_nerve_build_holds_no_diameter_in_code():
    """Every ``round_sections`` call in ``assetbuild/nerve_*.py`` takes ``*diameter(<id>)`` from the data."""
    import ast
    from pathlib import Path

    import sciatic_atlas.assetbuild as pkg

    calls = 0
    for path in sorted(Path(pkg.__file__).parent.glob("nerve_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "round_sections":
                calls += 1
                ok = (len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Starred)
                      and getattr(node.args[0].value.func, "id", None) == "diameter")
                assert ok, f"{path.name}:{node.lineno}: round_sections({ast.unparse(node)[15:-1]})"
    assert calls >= 15


def _thinned_pair(path, sections, **kw):
    full = tube_mesh(path, sections, n_around=16)
    thin = tube_mesh(path, sections, n_around=16, **kw)
    return full, thin


def test_thinned_tube_keeps_bends_and_drops_straight_rings():
    # 100 mm straight, a quarter turn of radius 20 mm, 100 mm straight: rings every 1 mm
    arc = np.linspace(0, np.pi / 2, 32)
    bend = np.column_stack([20 - 20 * np.cos(arc), np.zeros_like(arc), 100 + 20 * np.sin(arc)])
    ctrl = np.vstack([[[0, 0, 0]], bend, [[120, 0, 120]]])
    path = smooth_path(ctrl, step=1.0)
    sections = [Section(0, 6.0, 6.0), Section(1, 4.0, 4.0)]
    (fv, ff), (tv, tf) = _thinned_pair(path, sections, tolerance=0.1, max_gap=8.0)
    assert np.all(_edge_counts(tf) == 2), "still closed"
    assert len(tf) < 0.4 * len(ff)
    rings = (len(tv) - 2) // 16
    kept = tv[:-2].reshape(rings, 16, 3).mean(axis=1)
    gaps = np.linalg.norm(np.diff(kept, axis=0), axis=1)
    assert gaps.max() <= 8.0 + 1e-6
    in_bend = (kept[:, 2] > 101) & (kept[:, 0] < 19)
    assert gaps[in_bend[1:]].max() < 4.0, "the bend keeps its rings"
    from sciatic_atlas.assetbuild.mesh_ops import surface_distances

    d = np.abs(surface_distances(fv[:-2], tv, tf))
    assert d.max() < 0.15, "no dropped ring strays more than the tolerance (plus facets)"


def test_thinning_keeps_most_rings_of_a_tube_that_never_runs_straight():
    t = np.linspace(0, 4 * np.pi, 400)
    path = np.column_stack([30 * np.cos(t), 30 * np.sin(t), 10 * t])  # a helix, always turning
    sections = [Section(0, 5.0, 5.0), Section(1, 5.0, 5.0)]
    (_, ff), (_, tf) = _thinned_pair(path, sections, tolerance=0.01, max_gap=8.0)
    assert len(tf) > 0.3 * len(ff)
