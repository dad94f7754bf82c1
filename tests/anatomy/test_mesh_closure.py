"""Every shipped mesh is closed and faces outward: the render layer culls back faces of opaque
structures (render/structure_actor.py), which is invisible only on such surfaces."""

from __future__ import annotations

import numpy as np

from sciatic_atlas.anatomy.model import load_model


def _orientation_problems(faces: np.ndarray) -> str:
    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    directed = {tuple(e) for e in edges.tolist()}
    if len(directed) != len(edges):
        return "an edge runs the same way in two triangles (flipped neighbours)"
    if any((b, a) not in directed for a, b in directed):
        return "an edge has no neighbour across it (a hole)"
    return ""


def _signed_volume(vertices: np.ndarray, faces: np.ndarray) -> float:
    v = vertices.astype(float)
    return float(np.einsum("ij,ij->i", v[faces[:, 0]], np.cross(v[faces[:, 1]], v[faces[:, 2]])).sum() / 6.0)


def test_every_mesh_is_closed_consistently_wound_and_outward():
    model = load_model()
    bad = {}
    for sid in model.structure_ids:
        mesh = model.mesh(sid)
        problem = _orientation_problems(mesh.faces)
        if not problem and _signed_volume(mesh.vertices, mesh.faces) <= 0:
            problem = "its triangles face inward"
        if problem:
            bad[sid] = problem
    assert not bad, bad


def test_the_checks_catch_a_hole_a_flip_and_an_inside_out_surface():
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], float)
    f = np.array([[0, 2, 1], [0, 1, 3], [1, 2, 3], [0, 3, 2]])
    assert _orientation_problems(f) == "" and _signed_volume(v, f) > 0
    assert "hole" in _orientation_problems(f[:3])
    assert "flipped" in _orientation_problems(np.vstack([f[:3], f[3][::-1]]))
    assert _signed_volume(v, f[:, ::-1]) < 0


def test_vertex_normals_are_unit_and_match_vtk():
    import pyvista as pv

    model = load_model()
    for sid in ("femur_r", "piriformis_r", "sciatic_nerve_r"):
        mesh = model.mesh(sid)
        normals = mesh.vertex_normals()
        assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-5)
        poly = pv.PolyData(mesh.vertices, np.hstack([np.full((len(mesh.faces), 1), 3), mesh.faces]))
        vtk = poly.compute_normals(cell_normals=False, split_vertices=False, consistent_normals=False,
                                   auto_orient_normals=False).point_data["Normals"]
        assert np.abs(normals - vtk).max() < 1e-4, sid
