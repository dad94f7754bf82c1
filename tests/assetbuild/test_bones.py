"""Bone stage: closed refined meshes that sit on the model's bones; shared mesh tools."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.bone_register import Similarity, icp_similarity, initial_guess, umeyama


def _icosphere(radius: float = 10.0):
    import pyvista as pv

    s = pv.Icosphere(radius=radius, nsub=2)
    return np.asarray(s.points, float), np.asarray(s.faces).reshape(-1, 4)[:, 1:].astype(np.int64)


# ---- mesh tools (no model needed) -------------------------------------------------------

def test_butterfly_keeps_input_vertices_and_closes():
    v, f = _icosphere()
    v2, f2 = mesh_ops.butterfly(v, f, 2)
    assert len(f2) == 16 * len(f)
    assert mesh_ops.is_closed_manifold(f2)
    # interpolating scheme: every input vertex is still a vertex
    assert np.allclose(mesh_ops.surface_distances(v, v2, f2), 0.0, atol=1e-6)


def test_taubin_smooths_without_shrinking_but_laplacian_would():
    v, f = _icosphere()
    rng = np.random.default_rng(0)
    noisy = v + rng.normal(0, 0.3, v.shape)
    smooth = mesh_ops.taubin(noisy, f, iterations=10)
    plain = mesh_ops.taubin(noisy, f, iterations=10, mu=0.0)  # lambda-only = Laplacian
    r_smooth = np.linalg.norm(smooth, axis=1)
    assert r_smooth.std() < 0.5 * np.linalg.norm(noisy, axis=1).std()
    assert abs(r_smooth.mean() - 10.0) < 0.3
    assert np.linalg.norm(plain, axis=1).mean() < r_smooth.mean() - 0.3


def test_repair_removes_duplicate_and_nonmanifold_faces():
    v, f = _icosphere()
    broken = np.vstack([f, f[:3], f[5:6, ::-1]])  # duplicates and a reversed copy
    assert not mesh_ops.is_closed_manifold(broken)
    v2, f2 = mesh_ops.repair(v, broken)
    assert mesh_ops.is_closed_manifold(f2)
    assert mesh_ops.signed_volume(v2, f2) > 0


def test_signed_distance_sign_and_size():
    v, f = _icosphere(10.0)
    sd = mesh_ops.SignedDistance(v, f)(np.array([[0.0, 0, 0], [0, 0, 15.0], [0, 9.0, 0]]))
    assert sd[0] < -9.0 and 4.0 < sd[1] < 6.0 and -1.5 < sd[2] < 0.0


def test_loft_closed_makes_a_closed_outward_tube():
    ang = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    rings = np.array([np.c_[np.cos(ang), np.sin(ang), np.full(12, z)] for z in (0.0, 1.0, 2.0)])
    v, f = mesh_ops.loft_closed(rings, np.array([0, 0, -0.5]), np.array([0, 0, 2.5]))
    assert mesh_ops.is_closed_manifold(f)
    assert mesh_ops.signed_volume(v, f) > 0


def test_umeyama_and_icp_recover_a_known_similarity():
    v, _ = _icosphere()
    v = v * np.array([1.0, 0.6, 1.8])  # anisotropic: rotation is observable
    angle = np.radians(12.0)
    rot = np.array([[np.cos(angle), -np.sin(angle), 0], [np.sin(angle), np.cos(angle), 0], [0, 0, 1]])
    truth = Similarity(rot, 1.1, np.array([3.0, -2.0, 5.0]))
    assert np.allclose(umeyama(v, truth.apply(v)).apply(v), truth.apply(v), atol=1e-9)
    fit, rms = icp_similarity(v, truth.apply(v), init=initial_guess(v, truth.apply(v)))
    assert rms < 0.05
    assert np.allclose(fit.apply(v), truth.apply(v), atol=0.1)


def test_atlas_patella_evaluates_to_a_closed_surface():
    pytest.importorskip("musculoskeletal.models")
    from sciatic_atlas.assetbuild.bone_atlas import atlas_parts

    (part,) = atlas_parts("patella_r", 4)
    assert mesh_ops.is_closed_manifold(part.faces)
    assert 10_000 < mesh_ops.signed_volume(part.vertices, part.faces) < 30_000  # mm³: a patella


# ---- the stage on the real model ----------------------------------------------------------

@pytest.fixture(scope="module")
def built(raw_model, staged):
    return raw_model, staged[1]["bones"]


@pytest.mark.build
def test_every_bone_is_built_closed_on_its_body(built):
    from sciatic_atlas.assetbuild.model_map import bone_geoms

    _, part = built
    geoms = bone_geoms()
    assert set(part.meshes) == set(geoms)
    for sid, mesh in part.meshes.items():
        assert mesh.body == geoms[sid][1], sid
        assert mesh_ops.is_closed_manifold(mesh.faces), sid
        assert mesh_ops.signed_volume(mesh.vertices, mesh.faces) > 0, sid


@pytest.mark.build
def test_triangle_budget(built):
    _, part = built
    counts = {sid: len(m.faces) for sid, m in part.meshes.items()}
    assert 90_000 <= sum(counts.values()) <= 140_000, counts
    assert max(counts.values()) <= 15_000, counts


@pytest.mark.build
def test_bones_sit_on_the_model_bones(built):
    from sciatic_atlas.assetbuild.bones import _raw_mesh
    from sciatic_atlas.assetbuild.model_map import bone_geoms

    raw, part = built
    for sid, (geoms, _) in bone_geoms().items():
        rv, rf = _raw_mesh(raw, geoms)
        mesh = part.meshes[sid]
        d = mesh_ops.surface_distances(mesh.vertices[::5], rv, rf)
        back = mesh_ops.surface_distances(rv, mesh.vertices, mesh.faces)
        assert d.mean() < 3.0 and np.quantile(d, 0.95) < 8.0, (sid, d.mean(), np.quantile(d, 0.95))
        assert back.mean() < 3.0 and back.max() < 15.0, (sid, back.mean(), back.max())


@pytest.mark.build
def test_patella_sits_in_front_of_the_femur(built):
    """The patella is placed with the knee's coupled joints applied (not inside the knee)."""
    _, part = built
    for s in ("r", "l"):
        femur = part.meshes[f"femur_{s}"].vertices
        patella = part.meshes[f"patella_{s}"].vertices.mean(0)
        near = femur[np.abs(femur[:, 2] - patella[2]) < 15]
        assert patella[1] < near[:, 1].min() + 5.0  # -y is anterior


@pytest.mark.build
def test_template_fit_is_deterministic(built):
    from sciatic_atlas.assetbuild.bones import AtlasFit, _raw_mesh, fit_template, refine_raw

    raw, part = built
    fit = AtlasFit("patella_r", ("patella_r",), 8)
    raw_meshes = {"patella_r": _raw_mesh(raw, ["patella_r"])}
    a, b = fit_template(fit, raw_meshes), fit_template(fit, raw_meshes)
    assert np.array_equal(a["patella_r"][0], b["patella_r"][0])
    assert np.array_equal(a["patella_r"][0], part.meshes["patella_r"].vertices)
    t1, t2 = refine_raw(*_raw_mesh(raw, ["talus_r"]), 2), refine_raw(*_raw_mesh(raw, ["talus_r"]), 2)
    assert np.array_equal(t1[0], t2[0]) and np.array_equal(t1[1], t2[1])
