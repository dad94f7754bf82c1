"""Disc stage: discs between their vertebral bodies, the spinal canal, spine landmarks."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.assetbuild import mesh_ops

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def stages(staged):
    return staged[1]["bones"], staged[1]["discs"]


def _body(vertices: np.ndarray) -> np.ndarray:
    """A vertebra's body: its vertices within 34 mm of its front (the arch and its processes left out)."""
    return vertices[vertices[:, 1] < vertices[:, 1].min() + 34.0]


def test_discs_are_closed_and_lie_between_their_bodies(stages):
    from sciatic_atlas.assetbuild.discs import DISCS

    bone_part, part = stages
    for disc_id, upper_id, lower_id, body in DISCS:
        disc = part.meshes[disc_id]
        assert disc.body == body
        assert mesh_ops.is_closed_manifold(disc.faces)
        centre = part.landmarks[disc_id].position
        upper = _body(bone_part.meshes[upper_id].vertices)
        lower = _body(bone_part.meshes[lower_id].vertices)
        # below the upper body, above the lower one, on the midline
        assert upper[:, 2].min() - 15.0 < centre[2] < upper[:, 2].min() + 2.0, disc_id
        assert lower[:, 2].max() - 25.0 < centre[2], disc_id
        assert abs(centre[0] - upper[:, 0].mean()) < 3.0
        # a real disc's size: 35-55 mm wide, 25-40 mm deep, 5-25 mm tall at its centre
        ext = np.ptp(disc.vertices, axis=0)
        assert 35.0 < ext[0] < 55.0 and 25.0 < ext[1] < 40.0, (disc_id, ext)
        assert 2.0 < mesh_ops.signed_volume(disc.vertices, disc.faces) / 1000.0 < 25.0


def test_every_lumbar_interspace_holds_a_disc(stages):
    """Between consecutive lumbar bodies (L1 to the sacrum) the gap is disc.

    A vertical ray down through the upper body's centre (0.4 mm off the
    midline, clear of the symmetric meshes' seam) leaves it at its end plate and
    meets the lower bone's; at least 80 % of the gap between must lie inside one
    disc.
    """
    from sciatic_atlas.assetbuild.bone_rays import RayCaster

    bone_part, part = stages
    column = ["vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4", "vertebra_l5", "sacrum"]
    discs = {sid: mesh_ops.SignedDistance(m.vertices, m.faces)
             for sid, m in part.meshes.items() if sid.startswith("disc_")}
    down = np.array([0.0, 0.0, -1.0])
    for upper_id, lower_id in zip(column, column[1:]):
        upper, lower = bone_part.meshes[upper_id], bone_part.meshes[lower_id]
        start = _body(upper.vertices).mean(0) + [0.4, 0.0, 0.0]
        pu = start + RayCaster(upper.vertices, upper.faces).first_hit(start, down, 80.0) * down
        pl = start + RayCaster(lower.vertices, lower.faces).first_hit(start, down, 80.0) * down
        assert np.linalg.norm(pl - pu) > 3.0, (upper_id, lower_id)
        gap = pu + np.linspace(0.1, 0.9, 17)[:, None] * (pl - pu)
        filled = {sid: float((sd(gap) < 0.0).mean()) for sid, sd in discs.items()}
        best = max(filled, key=filled.get)
        assert filled[best] >= 0.8, (upper_id, lower_id, best, filled[best])


def test_discs_do_not_cut_into_bone(stages):
    from sciatic_atlas.assetbuild.discs import DISCS

    bone_part, part = stages
    for disc_id, upper_id, lower_id, _ in DISCS:
        v = part.meshes[disc_id].vertices
        for bone_id in (upper_id, lower_id):
            bone = bone_part.meshes[bone_id]
            sd = mesh_ops.SignedDistance(bone.vertices, bone.faces)(v)
            assert sd.min() > -1.0, (disc_id, bone_id, sd.min())


def test_spinal_canal_runs_from_l1_into_the_sacrum(stages):
    bone_part, part = stages
    canal = part.meshes["spinal_canal"]
    assert mesh_ops.is_closed_manifold(canal.faces)
    top, bottom = canal.vertices[:, 2].max(), canal.vertices[:, 2].min()
    l1 = bone_part.meshes["vertebra_l1"].vertices
    assert top > l1[:, 2].mean()
    assert bottom < part.landmarks["disc_l5_s1"].position[2] - 10.0
    # behind the vertebral bodies: posterior (+y) of every disc centre
    line = part.centrelines["spinal_canal"]
    for disc_id in ("disc_l3_l4", "disc_l4_l5", "disc_l5_s1"):
        c = part.landmarks[disc_id].position
        k = np.argmin(np.abs(line[:, 2] - c[2]))
        assert line[k, 1] > c[1] + 10.0
    # mostly free of bone: under 10 % of its surface inside a vertebra
    for sid in ("vertebra_l3", "vertebra_l4", "vertebra_l5"):
        bone = bone_part.meshes[sid]
        inside = mesh_ops.SignedDistance(bone.vertices, bone.faces).inside(canal.vertices)
        assert inside.mean() < 0.1, sid


def test_foramina_flank_the_canal_at_their_levels(stages):
    _, part = stages
    for level, disc_id in (("l4_l5", "disc_l4_l5"), ("l5_s1", "disc_l5_s1")):
        r, l = part.landmarks[f"foramen_{level}_r"], part.landmarks[f"foramen_{level}_l"]
        assert r.side == "right" and l.side == "left"
        assert r.position[0] < part.landmarks[disc_id].position[0] < l.position[0]  # right is -x
        assert abs(r.position[2] - part.landmarks[disc_id].position[2]) < 20.0
        assert r.how and l.how


def test_disc_stage_is_deterministic(stages):
    from sciatic_atlas.assetbuild import discs

    bone_part, part = stages
    again = discs.build(None, bone_part)
    for sid, mesh in part.meshes.items():
        assert np.array_equal(mesh.vertices, again.meshes[sid].vertices), sid
        assert np.array_equal(mesh.faces, again.meshes[sid].faces), sid
