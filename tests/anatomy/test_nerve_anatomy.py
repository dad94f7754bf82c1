"""Anatomy of the built nerve tree: tests that fail when a nerve runs in the wrong place.

Each reads the centrelines and landmarks of the built model (``describe --json`` data),
both sides. Sources of the relations: Standring, Gray's Anatomy 42nd ed., chs. 79-84.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.anatomy.built_model import bone_ids, lateral, nerve_model

SIDES = ("r", "l")
LANDMARKS = ("ischial_tuberosity", "ischial_spine", "greater_trochanter", "greater_sciatic_notch",
             "piriformis_lower_border", "fibular_head", "fibular_neck", "medial_malleolus",
             "lateral_malleolus", "knee_joint_centre", "popliteal_fossa_apex", "hip_joint_centre",
             "iliac_crest", "posterior_superior_iliac_spine", "anterior_superior_iliac_spine")


@pytest.fixture(scope="module")
def model():
    return nerve_model()


def _inside(model, sid: str, points: np.ndarray) -> np.ndarray:
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

    mesh = model.mesh(sid)
    return SignedDistance(mesh.vertices, mesh.faces)(points) < 0.0


def _closest_pair(a: np.ndarray, b: np.ndarray) -> tuple[int, int, float]:
    d = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2)
    i, j = np.unravel_index(int(np.argmin(d)), d.shape)
    return int(i), int(j), float(d[i, j])


@pytest.mark.parametrize("s", SIDES)
def test_landmarks_exist_with_side_and_sit_sensibly(model, s):
    side = {"r": "right", "l": "left"}[s]
    lms = model.landmarks
    for name in LANDMARKS:
        assert lms[f"{name}_{s}"].side == side, name
    lm = model.landmark
    assert lm(f"ischial_tuberosity_{s}")[2] < lm(f"hip_joint_centre_{s}")[2]
    assert lateral(model, s, lm(f"greater_trochanter_{s}")) > lateral(model, s, lm(f"ischial_tuberosity_{s}")) + 40
    assert lateral(model, s, lm(f"lateral_malleolus_{s}")) > lateral(model, s, lm(f"medial_malleolus_{s}")) + 30
    assert lm(f"fibular_neck_{s}")[2] < lm(f"fibular_head_{s}")[2]
    assert lm(f"popliteal_fossa_apex_{s}")[2] > lm(f"knee_joint_centre_{s}")[2] + 30
    assert lm(f"iliac_crest_{s}")[2] > lm(f"greater_sciatic_notch_{s}")[2] > lm(f"ischial_spine_{s}")[2]
    assert lm(f"posterior_superior_iliac_spine_{s}")[1] > lm(f"anterior_superior_iliac_spine_{s}")[1] + 80
    for name in ("disc_l4_l5", "disc_l5_s1"):
        assert lms[name].side == "midline"


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_leaves_below_piriformis(model, s):
    nerve = model.centreline(f"sciatic_nerve_{s}")
    piri = model.centreline(f"piriformis_{s}")
    i, j, dist = _closest_pair(nerve, piri)
    assert nerve[i, 2] < piri[j, 2], "the sciatic nerve must pass inferior to piriformis"
    plb = model.landmark(f"piriformis_lower_border_{s}")
    # Where it crosses the foramen (not where it forms on the muscle's pelvic face, in front).
    near = nerve[(np.linalg.norm(nerve[:, :2] - plb[:2], axis=1) < 20) & (nerve[:, 1] > plb[1] - 5)]
    assert len(near) and np.all(near[:, 2] < plb[2]), "crosses the foramen below the lower border"


@pytest.mark.parametrize("s", SIDES)
def test_type_d_variant_goes_through_piriformis(model, s):
    """The variant machinery is real: type D runs through the muscle, type A does not."""
    piri = model.centreline(f"piriformis_{s}")
    d_var = model.centreline(f"sciatic_nerve_{s}__ba_d")
    normal = model.centreline(f"sciatic_nerve_{s}")
    assert _closest_pair(d_var, piri)[2] < 6.0
    assert _closest_pair(normal, piri)[2] > _closest_pair(d_var, piri)[2] + 5.0
    above = model.centreline(f"sciatic_common_fibular_division_{s}__ba_c")
    i, j, _ = _closest_pair(above, piri)
    assert above[i, 2] > piri[j, 2], "type C's common fibular division passes above piriformis"


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_between_tuberosity_and_trochanter_nearer_tuberosity(model, s):
    nerve = model.centreline(f"sciatic_nerve_{s}")
    it, gt = model.landmark(f"ischial_tuberosity_{s}"), model.landmark(f"greater_trochanter_{s}")
    z = (it[2] + gt[2]) / 2
    p = nerve[np.argmin(np.abs(nerve[:, 2] - z))]
    frac = (lateral(model, s, p) - lateral(model, s, it)) / (lateral(model, s, gt) - lateral(model, s, it))
    assert 0.05 < frac < 0.5, f"fraction of the way from tuberosity to trochanter: {frac:.2f}"
    assert p[1] > min(it[1], gt[1]), "posterior to the hip joint region"


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_posterior_to_femur_in_thigh(model, s):
    nerve = model.centreline(f"sciatic_nerve_{s}")
    femur = model.mesh(f"femur_{s}").vertices
    it, knee = model.landmark(f"ischial_tuberosity_{s}"), model.landmark(f"knee_joint_centre_{s}")
    for z in np.linspace(it[2] - 60, knee[2] + 90, 8):
        p = nerve[np.argmin(np.abs(nerve[:, 2] - z))]
        slab = femur[np.abs(femur[:, 2] - z) < 15]
        assert p[1] > slab[:, 1].max(), f"at z={z:.0f} the nerve is not behind the femur"


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_divides_above_knee(model, s):
    knee, it = model.landmark(f"knee_joint_centre_{s}"), model.landmark(f"ischial_tuberosity_{s}")
    end = model.centreline(f"sciatic_nerve_{s}")[-1]
    assert knee[2] + 40 < end[2] < it[2] - 150
    for child in ("tibial_nerve", "common_fibular_nerve"):
        start = model.centreline(f"{child}_{s}")[0]
        assert np.linalg.norm(start - end) < 3.0, f"{child} starts where the sciatic nerve ends"


@pytest.mark.parametrize("s", SIDES)
def test_common_fibular_wraps_fibular_neck_laterally(model, s):
    cfn = model.centreline(f"common_fibular_nerve_{s}")
    neck, head = model.landmark(f"fibular_neck_{s}"), model.landmark(f"fibular_head_{s}")
    p = cfn[np.argmin(np.linalg.norm(cfn - neck, axis=1))]
    assert np.linalg.norm(p - neck) < 15.0
    assert lateral(model, s, p) > lateral(model, s, neck)
    behind = cfn[cfn[:, 2] > head[2] - 5]
    assert np.any(behind[:, 1] > head[1]), "comes from behind the fibular head"
    assert cfn[-1, 1] < neck[1], "ends in front of the neck (anterior/lateral compartments)"


@pytest.mark.parametrize("s", SIDES)
def test_tibial_passes_behind_medial_malleolus(model, s):
    tib = model.centreline(f"tibial_nerve_{s}")
    mm = model.landmark(f"medial_malleolus_{s}")
    p = tib[np.argmin(np.abs(tib[:, 2] - mm[2]))]
    assert p[1] > mm[1] + 5.0, "posterior to the medial malleolus"
    assert np.linalg.norm(p - mm) < 40.0


@pytest.mark.parametrize("s", SIDES)
def test_roots_leave_their_foramina(model, s):
    for ramus, foramen in (("l4", "foramen_l4_l5"), ("l5", "foramen_l5_s1")):
        start = model.centreline(f"{ramus}_ventral_ramus_{s}")[0]
        assert np.linalg.norm(start - model.landmark(f"{foramen}_{s}")) < 5.0
    zs = [model.centreline(f"s{k}_ventral_ramus_{s}")[0][2] for k in (1, 2, 3)]
    assert zs[0] > zs[1] > zs[2], "S1-S3 leave the sacrum in descending order"


def test_muscular_branches_reach_their_muscles(model):
    branches = [s for s in model.structure_ids if s.startswith("branch_") and model.has_mesh(s)]
    assert len(branches) >= 40
    for sid in branches:
        muscle = model.structure_info(sid)["supplies"]
        end = model.centreline(sid)[-1]
        assert np.linalg.norm(model.centreline(muscle) - end, axis=1).min() < 12.0, sid


def test_sciatic_is_a_flat_band_in_the_buttock(model):
    nerve = model.centreline("sciatic_nerve_r")
    verts = model.mesh("sciatic_nerve_r").vertices
    k = len(nerve) // 8
    tangent = nerve[k + 1] - nerve[k - 1]
    tangent /= np.linalg.norm(tangent)
    ring = verts[np.abs((verts - nerve[k]) @ tangent) < 1.5]
    ring = ring[np.linalg.norm(ring - nerve[k], axis=1) < 15]
    extents = np.sort(np.ptp((ring - ring.mean(0)) @ np.linalg.svd(ring - ring.mean(0))[2].T, axis=0))[::-1]
    assert 14.0 < extents[0] < 21.0 and 4.5 < extents[1] < 9.0, extents


def test_nerves_stay_out_of_bone(model):
    from sciatic_atlas.assetbuild.nerve_geometry import BoneField

    field = BoneField([(model.mesh(b).vertices, model.mesh(b).faces) for b in bone_ids(model)])
    for sid in model.structure_ids:
        info = model.structure_info(sid)
        if info.get("kind") not in ("root", "nerve", "branch", "variant"):
            continue
        line = model.centreline(sid)[2 if info["kind"] == "root" else 0:]  # roots start in a foramen
        if "passes_disc" in info:  # a root in the spine: only its course in the canal (the sacrum has no foramina)
            line = line[_inside(model, "spinal_canal", line)]
        d, _ = field.distance(line)
        assert d.min() > -1.0, f"{sid} enters bone by {-d.min():.1f} mm"


def test_nerve_meshes_are_closed(model):
    for sid in model.structure_ids:
        if model.structure_info(sid).get("kind") not in ("root", "nerve", "branch", "variant"):
            continue
        f = model.mesh(sid).faces.astype(np.int64)
        edges = np.sort(np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]]), axis=1)
        _, counts = np.unique(edges, axis=0, return_counts=True)
        assert np.all(counts == 2), f"{sid} is not a closed 2-manifold"


def test_left_nerves_mirror_the_right(model):
    """The left nerve tree is the right one mirrored about the median plane (within 2 mm)."""
    x0 = (model.landmark("hip_joint_centre_l")[0] + model.landmark("hip_joint_centre_r")[0]) / 2
    right = [s for s in model.structure_ids if s.endswith("_r")
             and model.structure_info(s).get("kind") in ("root", "nerve", "branch")]
    assert len(right) >= 35
    for sid in right:
        mirror = model.centreline(sid[:-2] + "_l") * [-1.0, 1.0, 1.0] + [2 * x0, 0.0, 0.0]
        line = model.centreline(sid)
        gap = np.linalg.norm(line[:, None, :] - mirror[None, :, :], axis=2).min(axis=1)
        assert gap.max() <= 2.0, f"{sid}: left differs from the mirrored right by {gap.max():.1f} mm"


@pytest.mark.parametrize("s", SIDES)
@pytest.mark.parametrize(("root", "disc", "foramen"), [("l4", "disc_l3_l4", "foramen_l4_l5"),
                                                     ("l5", "disc_l4_l5", "foramen_l5_s1"),
                                                     ("s1", "disc_l5_s1", None)])
def test_traversing_root_passes_behind_its_disc_in_the_canal(model, s, root, disc, foramen):
    """A disc bulge catches the root below: L5 passes the L4/L5 disc, S1 the L5/S1 disc (Bogduk 2012)."""
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

    sid = f"{root}_root_{s}"
    if not model.has_mesh(sid):
        pytest.skip(f"{sid} not built")
    line = model.centreline(sid)
    level = line[np.abs(line[:, 2] - model.landmark(disc)[2]) < 4.0]
    assert len(level), f"{sid} does not reach the level of {disc}"
    gap = SignedDistance(model.mesh(disc).vertices, model.mesh(disc).faces)(level)
    assert 0.0 < gap.min() <= 8.0, f"{sid} is {gap.min():.1f} mm from {disc} (behind it: 0-8 mm)"
    assert np.all(_inside(model, "spinal_canal", level)), f"{sid} leaves the canal at {disc}"
    assert level[:, 1].mean() > model.landmark(disc)[1], "behind the disc"
    if foramen is not None:
        assert np.linalg.norm(line[-1] - model.landmark(f"{foramen}_{s}")) < 3.0, f"exits at {foramen}"
    ramus = model.centreline(f"{root}_ventral_ramus_{s}")
    assert np.linalg.norm(line[-1] - ramus[0]) < 3.0, "continues as its ventral ramus"


@pytest.mark.parametrize("nerve, ramus", [("inferior_gluteal_nerve", "s1_ventral_ramus"),
                                          ("posterior_femoral_cutaneous_nerve", "s2_ventral_ramus")])
@pytest.mark.parametrize("s", ["r", "l"])
def test_plexus_branches_arise_from_the_plexus_not_the_sciatic_trunk(model, nerve, ramus, s):
    """The inferior gluteal and posterior femoral cutaneous nerves come from the sacral plexus.

    (Moore 9e, gluteal region nerves; Gray's 42e ch. 79.) They were built as branches of the
    sciatic trunk, starting beside its formation.
    """
    record = model.record["structures"][f"{nerve}_{s}"]
    assert record["parent"] == f"{ramus}_{s}"
    start = model.centreline(f"{nerve}_{s}")[0]
    on_ramus = np.linalg.norm(model.centreline(f"{ramus}_{s}") - start, axis=1).min()
    off_trunk = np.linalg.norm(model.centreline(f"sciatic_nerve_{s}") - start, axis=1).min()
    assert on_ramus < 3.0, f"starts {on_ramus:.1f} mm from its ramus"
    assert off_trunk > 12.0, f"starts {off_trunk:.1f} mm from the sciatic trunk"


@pytest.mark.parametrize("ramus, disc", [("l4_ventral_ramus", "disc_l4_l5"), ("l5_ventral_ramus", "disc_l5_s1")])
@pytest.mark.parametrize("s", ["r", "l"])
def test_ventral_ramus_crosses_the_disc_outside_it(model, ramus, disc, s):
    """A ventral ramus crosses the posterolateral surface of the disc below its foramen.

    (Gray's 42e ch. 79.) The L4 ramus ran through the L4/5 disc and L5 through L5/S1, up
    to 3 mm inside. The nerve's surface may touch the disc, not enter it.
    """
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance
    from sciatic_atlas.assetbuild.nerve_plexus import RAMUS_DIAMETER

    mesh = model.mesh(disc)
    line = model.centreline(f"{ramus}_{s}")
    depth = SignedDistance(mesh.vertices, mesh.faces)(line)
    radius = 0.5 * RAMUS_DIAMETER[ramus[:2]]
    assert depth.min() > radius - 0.5, f"{ramus}_{s} centre {depth.min():.1f} mm from {disc} (radius {radius})"


# --- lumbar plexus: femoral and obturator nerves (Moore 9e, Lower Limb; Gray's 42e chs. 78, 80) ----


def _at_z(line: np.ndarray, z: float) -> np.ndarray:
    return line[int(np.argmin(np.abs(line[:, 2] - z)))]


@pytest.mark.parametrize("s", SIDES)
def test_femoral_nerve_lateral_to_psoas_at_the_brim_and_in_front_of_the_hip(model, s):
    nerve = model.centreline(f"femoral_nerve_{s}")
    brim = model.landmark(f"anterior_superior_iliac_spine_{s}")[2]  # the pelvic brim's height at the ASIS
    psoas = _at_z(model.centreline(f"psoas_major_{s}"), brim)
    assert lateral(model, s, _at_z(nerve, brim)) > lateral(model, s, psoas) + 5.0, "lateral of psoas at the brim"
    hip = model.landmark(f"hip_joint_centre_{s}")
    assert nerve[-1][2] < hip[2] + 10.0, "reaches the femoral triangle, below the inguinal ligament"
    below = nerve[nerve[:, 2] < hip[2] + 15.0]
    assert len(below) and np.all(below[:, 1] < hip[1] - 25.0), "anterior to the hip joint"
    assert model.structure_info(f"femoral_nerve_{s}")["roots"] == ["L2", "L3", "L4"]


@pytest.mark.parametrize("s", SIDES)
def test_obturator_nerve_passes_through_the_obturator_foramen(model, s):
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

    nerve = model.centreline(f"obturator_nerve_{s}")
    hip = model.mesh(f"hip_bone_{s}")
    bone = SignedDistance(hip.vertices, hip.faces)
    top, bottom = model.landmark(f"hip_joint_centre_{s}")[2], model.landmark(f"ischial_tuberosity_{s}")[2]
    # A point of the nerve in the foramen: a medio-lateral line through it (+-40 mm) misses the hip bone,
    # while the same line a little higher (the superior pubic ramus) and lower (ischiopubic ramus) hits it.

    def hits(p, dz):
        line = p + np.outer(np.linspace(-40.0, 40.0, 81), [1.0, 0.0, 0.0]) + [0.0, 0.0, dz]
        return bool((bone(line) < 0.0).any())

    through = [p for p in nerve[(nerve[:, 2] < top) & (nerve[:, 2] > bottom)]
               if not hits(p, 0.0) and any(hits(p, dz) for dz in range(2, 21, 2))
               and any(hits(p, -dz) for dz in range(2, 41, 2))]
    assert through, "the obturator nerve does not cross the obturator foramen"
    assert nerve[0][2] > top + 150.0 and nerve[-1][2] < np.min(np.array(through)[:, 2]), "pelvis to medial thigh"
    assert model.structure_info(f"obturator_nerve_{s}")["roots"] == ["L2", "L3", "L4"]


def test_lumbar_plexus_nerves_are_not_in_the_sciatic_tree():
    from sciatic_atlas.anatomy.knowledge import load_knowledge

    kb = load_knowledge()
    tree, plexus = set(kb.expand("sciatic_tree")), set(kb.expand("lumbar_plexus"))
    assert {"femoral_nerve_r", "obturator_nerve_l", "branch_femoral_nerve__vastus_medialis_r"} <= plexus
    assert not tree & plexus


@pytest.mark.parametrize("s", ("r", "l"))
def test_obturator_branch_reaches_the_adductor_part_of_adductor_magnus(model, s):
    """Adductor magnus's second nerve: a branch of the obturator nerve into the muscle (Moore 9e).

    It leaves the obturator nerve (its first point on the nerve's centreline) below the
    obturator canal and ends inside adductor magnus, in its upper (adductor) part.
    """
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

    sid = f"branch_obturator_nerve__adductor_magnus_{s}"
    assert model.has_mesh(sid), "no obturator branch to adductor magnus was built"
    info = model.structure_info(sid)
    assert info["supplies"] == f"adductor_magnus_{s}" and info["parent"] == f"obturator_nerve_{s}"
    line = model.centreline(sid)
    assert np.linalg.norm(model.centreline(f"obturator_nerve_{s}") - line[0], axis=1).min() < 1.0
    muscle = model.mesh(f"adductor_magnus_{s}")
    assert SignedDistance(muscle.vertices, muscle.faces)(line[-1:])[0] < 0.0, "the branch ends outside the muscle"
    magnus = model.centreline(f"adductor_magnus_{s}")
    assert line[-1, 2] > (magnus[:, 2].min() + magnus[:, 2].max()) / 2, "enters the upper half of the muscle"
