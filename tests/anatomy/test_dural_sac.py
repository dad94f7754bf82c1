"""The dural sac, its root sleeves and the cauda equina (issue 12: the spine scene's anatomy).

Moore 9e (Back: spinal cord, spinal meninges): the sac lies in the vertebral canal, clear of the
bone (the epidural space), and ends at about S2; the cord ends at about L1/L2; the roots descend
in the sac and leave it in dural sleeves. The roots the model draws outside (L4, L5, S1 in the
canal, S2 and S3 as ventral rami) must be one course from the conus to their foramina.
"""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.assetbuild.mesh_ops import SignedDistance, connected_parts
from tests.anatomy.built_model import nerve_model

SIDES = ("r", "l")
JOINED = {"L4": "l4_root", "L5": "l5_root", "S1": "s1_root", "S2": "s2_ventral_ramus", "S3": "s3_ventral_ramus"}
SPINE_BONES = ("vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4", "vertebra_l5")
DISCS = ("disc_l1_l2", "disc_l2_l3", "disc_l3_l4", "disc_l4_l5", "disc_l5_s1")


@pytest.fixture(scope="module")
def model():
    return nerve_model()


@pytest.fixture(scope="module")
def sac(model):
    """The sac itself (the largest part of ``dural_sac``) and its sleeves (the other parts)."""
    assert model.has_mesh("dural_sac"), "no dural sac built"
    mesh = model.mesh("dural_sac")
    parts = sorted(connected_parts(mesh.vertices, mesh.faces), key=lambda p: -len(p[1]))
    return parts[0], parts[1:]


def _arc(path: np.ndarray) -> np.ndarray:
    return np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]


def _strands(model, s: str) -> dict[str, np.ndarray]:
    return {k: np.asarray(v, float) for k, v in model.structure_info("cauda_equina")["strands"][s].items()}


def test_sac_lies_in_the_canal_clear_of_the_lumbar_bones(model, sac):
    from sciatic_atlas.assetbuild.dura import BoneDistance

    (v, f), _ = sac
    canal = model.mesh("spinal_canal")
    assert SignedDistance(canal.vertices, canal.faces)(v).max() < 0.0, "the sac pokes out of the canal"
    # Above the sacrum (whose mesh is solid: it has no sacral canal) the epidural space is kept.
    field = BoneDistance([(model.mesh(b).vertices, model.mesh(b).faces) for b in (*SPINE_BONES, *DISCS)])
    lumbar = v[v[:, 2] > model.landmark("disc_l5_s1")[2]]
    d, _ = field.distance(lumbar)
    assert len(lumbar) > 500 and d.min() > 0.5, f"the sac comes within {d.min():.1f} mm of bone or disc"


def test_sac_ends_between_s1_and_s3(model, sac):
    """Measured down the sacrum from the S1 plate, between the S1 plate and the S3 foramen."""
    (v, _f), _ = sac
    s1, l5 = model.landmark("disc_l5_s1"), model.landmark("disc_l4_l5")
    down = (s1 - l5) / np.linalg.norm(s1 - l5)
    end = ((v - s1) @ down).max()
    s3 = max((model.centreline(f"s3_ventral_ramus_{s}")[0] - s1) @ down for s in SIDES)
    assert 10.0 < end < s3, f"the sac ends {end:.0f} mm below the L5/S1 disc (S3 foramen: {s3:.0f} mm)"


def test_conus_ends_near_the_l1_l2_disc(model):
    line, mesh = model.centreline("conus_medullaris"), model.mesh("conus_medullaris")
    dist = np.linalg.norm(mesh.vertices[:, None, :] - line[None, :, :], axis=2).min(axis=1)
    cord = mesh.vertices[dist > 0.8]  # the cord, not the 1 mm filum terminale
    level = model.landmark("disc_l1_l2")[2]
    assert abs(cord[:, 2].min() - level) < 8.0, f"the cord ends {cord[:, 2].min() - level:+.0f} mm from L1/L2"
    assert line[-1, 2] < model.landmark("disc_l5_s1")[2], "the filum terminale runs on into the sacrum"


@pytest.mark.parametrize("s", SIDES)
@pytest.mark.parametrize("level", sorted(JOINED))
def test_each_drawn_root_is_one_course_from_the_conus_to_its_foramen(model, s, level):
    strand = _strands(model, s)[level]
    joined = model.centreline(f"{JOINED[level]}_{s}")
    assert np.linalg.norm(strand[-1] - joined[0]) <= 2.0, f"{level}: {np.linalg.norm(strand[-1] - joined[0]):.1f} mm gap"
    cauda = model.mesh("cauda_equina").vertices
    assert np.linalg.norm(cauda - joined[0], axis=1).min() <= 3.0, "the strand's mesh does not reach the root"
    conus = model.mesh("conus_medullaris").vertices
    assert np.linalg.norm(conus - strand[0], axis=1).min() <= 3.0, f"{level} does not start on the conus"


@pytest.mark.parametrize("s", SIDES)
def test_strands_stay_in_the_sac_until_their_sleeves(model, sac, s):
    (v, f), _ = sac
    inside = SignedDistance(v, f)
    sleeve_at = model.structure_info("cauda_equina")["sleeve_at_mm"][s]
    for level, strand in _strands(model, s).items():
        keep = strand
        if level in ("L2", "L3", "S2", "S3"):  # these strands leave the sac themselves
            keep = strand[_arc(strand) < sleeve_at[level] - 2.0]
        d = inside(keep)
        assert d.max() < -0.3, f"{level} ({s}) leaves the sac {d.max():+.1f} mm before its sleeve"


@pytest.mark.parametrize("s", SIDES)
@pytest.mark.parametrize("level", ["L4", "L5", "S1"])
def test_root_leaves_the_sac_through_its_sleeve_and_stays_out(model, sac, s, level):
    (v, f), sleeves = sac
    root = model.centreline(f"{JOINED[level]}_{s}")
    at = model.structure_info("cauda_equina")["sleeve_at_mm"][s][level]
    arc = _arc(root)
    exit_point = np.array([np.interp(at, arc, root[:, k]) for k in range(3)])
    assert any(SignedDistance(*sl)(exit_point[None])[0] < 0 for sl in sleeves), f"{level} leaves the sac without a sleeve"
    radius = model.structure_info(f"{JOINED[level]}_{s}").get("diameter", 4.0) / 2
    beyond = root[arc > at + radius + 2.0]
    gap = SignedDistance(v, f)(beyond)
    assert len(beyond) and gap.min() > radius, f"{level} runs {gap.min():.1f} mm from the sac after leaving it"


def test_added_triangles_are_modest(model):
    ids = ["dural_sac", "conus_medullaris", "cauda_equina"]
    total = sum(len(model.mesh(i).faces) for i in ids)
    assert total < 25_000, total
