"""Mesh operations of the asset build that are not covered through a built structure."""

from __future__ import annotations

import numpy as np
import pyvista as pv

from sciatic_atlas.assetbuild.mesh_ops import is_closed_manifold, signed_volume, split_faces


def _sphere():
    sphere = pv.Sphere(radius=10.0, theta_resolution=24, phi_resolution=24).triangulate()
    return np.asarray(sphere.points, float), sphere.regular_faces.astype(np.int64)


def test_split_faces_refines_only_the_chosen_region_without_cracks():
    v, f = _sphere()
    chosen = v[f].mean(axis=1)[:, 2] > 6.0  # a cap
    v2, f2 = split_faces(v, f, chosen)
    assert is_closed_manifold(f2), "no T-junctions: every edge still has two triangles"
    assert abs(signed_volume(v2, f2) - signed_volume(v, f)) < 1e-6, "midpoints lie on the faces"
    far = v[f].mean(axis=1)[:, 2] < 0.0
    kept = {tuple(sorted(t)) for t in f2.tolist()}
    assert all(tuple(sorted(t)) in kept for t in f[far].tolist()), "faces away from the cap are untouched"
    assert len(f2) >= len(f) + 3 * chosen.sum(), "each chosen face became four"
    assert len(f2) < 4 * len(f), "the rest of the sphere was not subdivided"


def test_split_faces_keeps_the_winding():
    v, f = _sphere()
    v2, f2 = split_faces(v, f, np.arange(len(f)) % 3 == 0)
    a, b, c = v2[f2[:, 0]], v2[f2[:, 1]], v2[f2[:, 2]]
    outward = np.einsum("ij,ij->i", np.cross(b - a, c - a), (a + b + c) / 3)
    assert np.all(outward > 0)
