"""The fibre coordinate (assetbuild/muscle_fibres.py): constant along each muscle's fibres,
growing across them, continuous all round (no seam), stored for every muscle mesh."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild import muscle_fibres as fibres


def surface_gradient(vertices: np.ndarray, faces: np.ndarray, values: np.ndarray):
    """Return each triangle's gradient of the per-vertex ``values`` in its plane, and its centroid."""
    p = np.asarray(vertices, float)[faces]
    u = np.asarray(values, float)[faces]
    n = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    area2 = np.maximum(np.sum(n * n, axis=1), 1e-12)
    grad = np.zeros((len(faces), 3))
    for i in range(3):  # each corner's value times the in-plane normal of the opposite edge
        edge = p[:, (i + 2) % 3] - p[:, (i + 1) % 3]
        grad += u[:, i, None] * np.cross(n, edge)
    return grad / area2[:, None], p.mean(axis=1)


def across_fibres(vertices, faces, values, path, keep=(0.1, 0.9)) -> float:
    """Return the area-weighted median |cos| between the coordinate's gradient and the path tangent.

    Only triangles whose nearest path point lies in the ``keep`` fraction of the path (not
    the capped ends) count; 0 means the coordinate is constant along the path.
    """
    grad, centre = surface_gradient(vertices, faces, values)
    path = np.asarray(path, float)
    tang = np.gradient(path, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    idx = np.argmin(np.linalg.norm(centre[:, None] - path[None], axis=2), axis=1)
    size = np.linalg.norm(grad, axis=1)
    use = (idx >= keep[0] * len(path)) & (idx <= keep[1] * len(path)) & (size > 1e-6)
    cos = np.abs(np.sum(grad[use] * tang[idx[use]], axis=1)) / size[use]
    weight = size[use]
    order = np.argsort(cos)
    cum = np.cumsum(weight[order])
    return float(cos[order][np.searchsorted(cum, 0.5 * cum[-1])])


def _tube(n_rings=40, k=24):
    """A bent elliptical tube lofted like a spindle belly: rings round a curved path."""
    t = np.linspace(0.0, 1.0, n_rings)
    path = np.column_stack([30.0 * np.sin(2.0 * t), 10.0 * t, -300.0 * t])
    tang = np.gradient(path, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    a = np.cross(tang, [0.0, 1.0, 0.0])
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = np.cross(tang, a)
    th = 2.0 * np.pi * np.arange(k) / k
    r = 5.0 + 20.0 * np.sin(np.pi * t)
    rings = path[:, None] + r[:, None, None] * (np.cos(th)[None, :, None] * a[:, None] * 1.4
                                                + np.sin(th)[None, :, None] * b[:, None])
    verts, faces = mesh_ops.loft_closed(rings, path[0], path[-1])
    return verts, faces, path


def test_a_lofted_belly_is_recognised_and_its_coordinate_runs_along_the_rings():
    verts, faces, path = _tube()
    assert fibres.loft_layout(len(verts), faces) == 24
    values = fibres.fibre_coordinate(verts, faces, path, lofted=True)
    assert across_fibres(verts, faces, values, path) < 0.05
    # Continuous all round: no edge jumps more than a ring step (no seam); the poles (the
    # capped ends, tendon) take the ring's mean.
    edges = np.vstack([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    edges = edges[~np.isin(edges, [0, len(verts) - 1]).any(axis=1)]
    jump = np.abs(values[edges[:, 0]] - values[edges[:, 1]])
    girth = 2.0 * values.max()
    assert jump.max() <= girth / 24 + 1e-6
    assert 0.0 <= values.min() and values.max() <= girth / 2 + 1e-6


def test_a_mesh_without_rings_uses_the_angle_round_its_centreline():
    verts, faces, path = _tube()
    assert fibres.loft_layout(len(verts), faces[1:]) is None  # a cap triangle missing: not a loft
    values = fibres.fibre_coordinate(verts, faces, path, lofted=False)
    assert across_fibres(verts, faces, values, path) < 0.1


def test_a_reskinned_surface_takes_the_value_of_the_closest_lofted_point():
    import pyvista as pv

    verts, faces, path = _tube()
    values = fibres.fibre_coordinate(verts, faces, path, lofted=True)
    poly = pv.PolyData(verts, np.column_stack([np.full(len(faces), 3), faces]).ravel()).subdivide(1)
    new_faces = np.asarray(poly.faces).reshape(-1, 4)[:, 1:]
    moved = fibres.transferred(np.asarray(poly.points), verts, faces, values)
    assert np.allclose(moved[:len(verts)], values, atol=1e-3)  # the old vertices keep their values
    assert across_fibres(np.asarray(poly.points), new_faces, moved, path) < 0.05


@pytest.mark.build
def test_every_muscle_mesh_has_a_fitting_fibre_coordinate(staged):
    merged = staged[0]
    stored = merged.arrays["fibres.npz"]
    muscles = {sid for sid, m in merged.meshes.items() if m.extra.get("kind") == "muscle"}
    assert set(stored) == muscles
    for sid in muscles:
        assert stored[sid].dtype == np.float32 and len(stored[sid]) == len(merged.meshes[sid].vertices), sid
        assert np.isfinite(stored[sid]).all() and stored[sid].min() >= 0.0, sid


@pytest.mark.build
@pytest.mark.parametrize("sid, most", [("semitendinosus_r", 0.1), ("tensor_fasciae_latae_r", 0.1),
                                       ("biceps_femoris_long_head_r", 0.2),
                                       ("gastrocnemius_medial_head_r", 0.25),
                                       ("gluteus_maximus_r", 0.35)])
def test_built_stripes_run_along_the_fibres(staged, sid, most):
    """Lofted (and re-skinned) bellies: the coordinate's gradient is nearly perpendicular to the path."""
    merged = staged[0]
    mesh = merged.meshes[sid]
    got = across_fibres(mesh.vertices, mesh.faces, merged.arrays["fibres.npz"][sid], merged.centrelines[sid])
    assert got < most, got
