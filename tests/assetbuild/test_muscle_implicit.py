"""Implicit re-skinning of muscle bellies (assetbuild/muscle_implicit.py), on synthetic shapes.

Each test builds a closed surface whose right answer is known (a sphere, a spindle
with ring artefacts, a belly pressed into a block, a belly with a thin tendon) and
checks what the re-skinning promises: the same volume, smooth where the loft was
ridged, lying on an obstacle without entering it, and thin tendons kept.
"""

from __future__ import annotations

import numpy as np
import pytest
import pyvista as pv

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.muscle_clearance import Obstacles
from sciatic_atlas.assetbuild.muscle_implicit import draped, occupancy, reskin


def _arrays(surface: pv.PolyData):
    surface = surface.triangulate().clean()
    return np.asarray(surface.points, float), np.asarray(surface.faces).reshape(-1, 4)[:, 1:]


def _lofted(radius: np.ndarray, z: np.ndarray, m: int = 16):
    """A closed tube of circular rings of ``radius`` at heights ``z`` (mm)."""
    th = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    rings = np.stack([np.c_[r * np.cos(th), r * np.sin(th), np.full(m, zz)]
                      for r, zz in zip(radius, z)])
    return mesh_ops.loft_closed(rings, rings[0].mean(axis=0), rings[-1].mean(axis=0))


def test_occupancy_fills_a_closed_surface_with_its_volume():
    v, f = _arrays(pv.Sphere(radius=20.0, theta_resolution=48, phi_resolution=48))
    h = 1.0
    lo = v.min(axis=0) - 3.0
    dims = np.ceil((v.max(axis=0) + 3.0 - lo) / h).astype(int) + 1
    occ = occupancy(v, f, lo, h, dims)
    assert occ.sum() * h**3 == pytest.approx(mesh_ops.signed_volume(v, f), rel=0.02)
    assert not occ[0].any() and not occ[:, :, -1].any()  # the padding stays outside
    assert occ[tuple(np.round((0.0 - lo) / h).astype(int))]  # the centre is inside


def test_reskin_keeps_the_volume_and_smooths_loft_ridges():
    z = np.linspace(0.0, 200.0, 41)
    smooth = 4.0 + 16.0 * np.sin(np.pi * z / 200.0)
    ridged = smooth * np.where(np.arange(len(z)) % 2 == 0, 1.15, 0.85)  # "pancake" rings
    v, f = _lofted(ridged, z)
    out_v, out_f = reskin(v, f, carve=[], target_triangles=4000)
    assert mesh_ops.is_closed_manifold(out_f)
    assert mesh_ops.signed_volume(out_v, out_f) == pytest.approx(
        mesh_ops.signed_volume(v, f), rel=0.04)

    def ridge(verts):  # how far the radius jumps between neighbouring heights in the belly
        r = np.hypot(verts[:, 0], verts[:, 1])
        bins = np.arange(40.0, 161.0, 5.0)
        mean_r = np.array([r[(verts[:, 2] >= a) & (verts[:, 2] < b)].mean()
                           for a, b in zip(bins[:-1], bins[1:])])
        return np.abs(np.diff(mean_r, 2)).max()

    assert ridge(out_v) < 0.35 * ridge(v), (ridge(v), ridge(out_v))


def test_reskin_lies_on_an_obstacle_without_entering_it():
    z = np.linspace(0.0, 160.0, 33)
    v, f = _lofted(3.0 + 17.0 * np.sin(np.pi * z / 160.0), z)
    # The loft cuts up to 6 mm into the block: the stage has pushed a loft out of bone
    # before it is re-skinned, so only a shallow overlap is left to carve.
    block = pv.Box(bounds=(14.0, 60.0, -60.0, 60.0, -20.0, 180.0)).triangulate()
    block = block.subdivide(4)  # dense enough for the obstacle's sampled distance
    bone = Obstacles([block])
    assert (bone.signed_distance(v) < 0).sum() > 50  # the loft cut into the block
    out_v, out_f = reskin(v, f, carve=[(bone, 1.0)], target_triangles=4000)
    d = bone.signed_distance(out_v)
    assert d.min() > 0.0, d.min()
    assert np.percentile(d, 2) < 3.0  # it lies on the block, not off it
    assert mesh_ops.signed_volume(out_v, out_f) == pytest.approx(
        mesh_ops.signed_volume(v, f), rel=0.05)  # what the block took swelled out elsewhere


def test_reskin_keeps_a_thin_tendon():
    z = np.linspace(0.0, 260.0, 53)
    radius = np.where(z < 150.0, 2.0 + 18.0 * np.sin(np.pi * z / 150.0), 1.4)  # tendon r 1.4 mm
    v, f = _lofted(radius, z)
    out_v, out_f = reskin(v, f, carve=[], target_triangles=4000)
    assert out_v[:, 2].max() > 255.0  # the tendon reaches its insertion
    tendon = out_v[(out_v[:, 2] > 190.0) & (out_v[:, 2] < 240.0)]
    r = np.hypot(tendon[:, 0], tendon[:, 1])
    assert len(tendon) > 10 and 0.6 < np.median(r) < 2.5, np.median(r)


def test_the_path_keeps_a_tendon_thinner_than_the_voxels():
    z = np.linspace(0.0, 260.0, 53)
    radius = np.where(z < 150.0, 2.0 + 18.0 * np.sin(np.pi * z / 150.0), 0.6)  # a 1.2 mm cord
    v, f = _lofted(radius, z)
    lost_v, _ = reskin(v, f, carve=[], target_triangles=4000)
    assert lost_v[:, 2].max() < 200.0  # without its path the blur dissolves the cord
    path = np.column_stack([np.zeros(14), np.zeros(14), np.linspace(0.0, 260.0, 14)])
    kept_v, kept_f = reskin(v, f, carve=[], target_triangles=4000, centreline=path)
    assert kept_v[:, 2].max() > 255.0 and mesh_ops.is_closed_manifold(kept_f)


@pytest.mark.parametrize("width, filled", [(3.0, True), (12.0, False)])
def test_drape_closes_a_narrow_slot_over_a_bony_ridge_only(width, filled):
    """A slot cut into a belly's outer face over a ridge of bone is closed; a wide hollow is not.

    The belly is a slab 10 mm thick (x 0-10, its outer face at x = 0); a slot ``width`` mm
    wide runs from the outer face 6 mm in, and a thin fin of bone reaches up to the
    slot's floor from beneath.
    """
    h = 0.5
    lo = np.array([-8.0, -30.0, -30.0])
    x, y, z = (lo[:, None, None, None] + h * np.indices((57, 121, 121))).astype(np.float32)
    slab = np.maximum.reduce([np.abs(x - 5.0) - 5.0, np.abs(y) - 20.0, np.abs(z) - 20.0])
    slot = np.maximum.reduce([x - 6.0, np.abs(z) - width / 2, np.abs(y) - 12.0])
    implicit = np.maximum(slab, -slot)
    fin = pv.Box(bounds=(7.0, 10.0, -11.0, 11.0, -1.0, 1.0)).triangulate().subdivide(4)
    bone = Obstacles([fin])
    out, added = draped(implicit, lo, h, bone, clearance=1.0, radius=3.0)

    def at(px, pz):
        return out[tuple(np.round((np.array([px, 0.0, pz]) - lo) / h).astype(int))]

    assert implicit[tuple(np.round((np.array([3.0, 0.0, 0.0]) - lo) / h).astype(int))] > 0.0
    # filled to within a millimetre of the outer face (a shallow dimple is left at the mouth)
    assert (at(3.0, 0.0) < 0.0) == filled and (at(1.5, 0.0) < 0.0) == filled
    assert added > 0.0 if filled else added < 0.5 * width * 6.0 * 24.0  # under half the slot
    assert at(10.5, 0.0) > 0.0  # the fin itself stays bone
    assert at(5.0, 10.0) < 0.0 and at(-2.0, 10.0) > 0.0  # the rest of the slab is unchanged
