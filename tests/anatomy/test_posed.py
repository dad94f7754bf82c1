"""The posed model (issue 13): each stretch lengthens the muscles it is meant to, the nerve-tension
tests lengthen the sciatic bed, joint limits are never passed silently, and posed meshes bend
without tearing."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.anatomy.pose import Pose, move_points
from sciatic_atlas.anatomy.posed import PosedModel, posed_model
from sciatic_atlas.anatomy.easing import ease
from sciatic_atlas.anatomy.poses import interpolate_pose, named_poses, resolve_pose

BED = ("sciatic_nerve_r", "tibial_nerve_r")


@pytest.fixture(scope="module")
def model():
    return load_model()


def changes(model, name, amount=1.0):
    return posed_model(model, resolve_pose(model, name, amount)).length_changes()


# What each stretch is meant to lengthen (the list; data/poses.yaml names them too).
MEANT = {
    "hamstring-stretch": ["biceps_femoris_long_head_r", "semitendinosus_r", "semimembranosus_r"],
    "glute-stretch": ["piriformis_r", "gluteus_maximus_r"],
    "childs-pose": ["gluteus_maximus_r", "gluteus_maximus_l", "gluteus_medius_r", "multifidus_r",
                    "iliocostalis_lumborum_r", "longissimus_r"],
    "spinal-twist": ["gluteus_maximus_r", "gluteus_medius_r", "piriformis_r", "multifidus_r", "quadratus_lumborum_r"],
}


@pytest.mark.parametrize("name", sorted(MEANT))
def test_each_stretch_lengthens_what_it_is_meant_to(model, name):
    change = changes(model, name)
    for sid in MEANT[name] + list(named_poses()[name].stretches):
        assert change[sid] > 5.0, f"{name}: {sid} changes {change[sid]:+.1f}%"


@pytest.mark.parametrize("name", sorted(MEANT))
def test_the_stretch_grows_with_the_slider(model, name):
    sid = MEANT[name][0]
    lengths = [changes(model, name, a)[sid] for a in (0.0, 0.5, 1.0)]
    assert lengths[0] < lengths[1] < lengths[2]


def test_the_short_head_of_biceps_is_hardly_stretched_by_the_hamstring_stretch(model):
    change = changes(model, "hamstring-stretch")
    assert change["biceps_femoris_short_head_r"] < 2.0 < 15.0 < change["biceps_femoris_long_head_r"]


@pytest.mark.parametrize("name", sorted(named_poses()))
def test_no_muscle_changes_implausibly(model, name):
    """Muscle-tendon units shorten or lengthen by tens of percent at most over the full joint range."""
    change = {k: v for k, v in changes(model, name).items() if v is not None}
    assert min(change.values()) > -50.0 and max(change.values()) < 60.0, (min(change.items(), key=lambda kv: kv[1]),
                                                                         max(change.items(), key=lambda kv: kv[1]))


def test_the_straight_leg_raise_lengthens_the_sciatic_bed_and_dorsiflexion_adds(model):
    lying = posed_model(model, resolve_pose(model, "straight-leg-raise", 0.0))
    raised = posed_model(model, resolve_pose(model, "straight-leg-raise"))
    sensitised = posed_model(model, resolve_pose(model, "slr-dorsiflexion"))
    assert abs(lying.bed_change(BED)) < 0.5
    assert raised.bed_change(("sciatic_nerve_r",)) > 5.0
    assert sensitised.bed_change(("tibial_nerve_r",)) > raised.bed_change(("tibial_nerve_r",)) + 0.3
    assert sensitised.bed_change(BED) > raised.bed_change(BED)
    half = posed_model(model, resolve_pose(model, "straight-leg-raise", 0.5))
    assert 0.0 < half.bed_change(BED) < raised.bed_change(BED)  # it grows with the hip angle


def test_the_slump_lengthens_the_bed(model):
    assert posed_model(model, resolve_pose(model, "slump")).bed_change(("sciatic_nerve_r",)) > 5.0


@pytest.mark.parametrize("name", sorted(named_poses()))
def test_joint_limits_are_respected_and_never_passed_silently(model, name):
    resolved = resolve_pose(model, name)
    wanted = named_poses()[name].joints_at(1.0)
    for joint, value in resolved.joints:
        low, high = model.joints[joint].range_degrees
        assert low - 1e-6 <= value <= high + 1e-6
    beyond = [j for j, v in wanted.items() if not model.joints[j].range_degrees[0] - 1e-6 <= v
              <= model.joints[j].range_degrees[1] + 1e-6]
    assert len(resolved.limits) == len(beyond)


def test_childs_pose_says_the_knee_stops_at_the_models_limit(model):
    limits = resolve_pose(model, "childs-pose").limits
    assert any("knee" in s.lower() and "120" in s and "150" in s for s in limits)


def test_an_unknown_pose_or_joint_names_the_fix(model):
    from sciatic_atlas.anatomy.errors import AtlasDataError

    with pytest.raises(AtlasDataError, match="named poses are"):
        resolve_pose(model, "lotus")
    with pytest.raises(AtlasDataError, match="did you mean hip_flexion_r"):
        resolve_pose(model, joints={"hip_flexon_r": 10})


@pytest.mark.parametrize("name", sorted(named_poses()))
def test_posed_meshes_bend_without_tearing(model, name):
    """Edges stretch where muscles bend round a joint, but no vertex leaves its mesh.

    Measured: at most ~60 mm and 4.5x on the adductors at the pubis in deep hip flexion, and
    6.5x on a 1 mm skin edge in the groin of the hamstring stretch; up to 8.5x where soft
    tissue is pushed back out of bone (posed.py, SPREAD_STEPS).
    Before vertices were kept to their own side's bones, the left gracilis (touching the
    right thigh) had an edge pulled 212 mm by the right femur in the spinal twist.
    The ratio is judged on edges of 2 mm and more: since the sculpted muscles (stop 19) the
    skin of the gluteal cleft has 1.3 mm edges that open to 13-16 mm in deep hip flexion
    (11-14x), a fold opening, not a tear; the 80 mm bound still covers every edge.
    """
    posed = posed_model(model, resolve_pose(model, name))
    for sid in model.structure_ids:
        if not model.has_mesh(sid):
            continue
        faces = model.mesh(sid).faces
        edges = np.unique(np.sort(np.r_[faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]], axis=1), axis=0)
        before, after = model.mesh(sid).vertices.astype(float), posed.vertices(sid).astype(float)
        l0 = np.linalg.norm(before[edges[:, 0]] - before[edges[:, 1]], axis=1)
        l1 = np.linalg.norm(after[edges[:, 0]] - after[edges[:, 1]], axis=1)
        assert (l1 - l0).max() < 80.0, f"{name}: {sid} edge grows {(l1 - l0).max():.0f} mm"
        long_enough = l0 > 2.0
        assert (l1[long_enough] / l0[long_enough]).max() < 10.0, sid


def test_bones_move_rigidly_with_their_body(model):
    posed = PosedModel(model, Pose({"hip_flexion_r": 60, "knee_angle_r": 40}))
    v0, v1 = model.mesh("femur_r").vertices.astype(float), posed.vertices("femur_r").astype(float)
    d0 = np.linalg.norm(v0[::50, None] - v0[None, ::50], axis=2)
    d1 = np.linalg.norm(v1[::50, None] - v1[None, ::50], axis=2)
    assert np.allclose(d0, d1, atol=0.01)
    assert not np.allclose(v0, v1)


def test_landmarks_and_centrelines_follow_the_pose(model):
    posed = PosedModel(model, Pose({"hip_flexion_r": 90}))
    knee = move_points(posed.motions["tibia_r"], model.bodies["tibia_r"].position[None])[0]
    end = posed.centreline("sciatic_nerve_r")[-1]  # the division, just above the knee
    assert np.linalg.norm(end - knee) < np.linalg.norm(model.centreline("sciatic_nerve_r")[-1] - knee) + 1e-6
    assert np.linalg.norm(end - knee) < 150
    moved = [n for n in model.landmarks if n.endswith("_r") and model.landmarks[n].structure.startswith("tibia")]
    assert moved and all(np.linalg.norm(posed.landmark(n) - model.landmark(n)) > 50 for n in moved)


def test_a_supine_pose_lies_on_its_back_on_the_floor(model):
    posed = posed_model(model, resolve_pose(model, "straight-leg-raise", 0.0))
    front = posed.normals("skin")  # the skin's normals: most of the front now faces up
    pelvis = move_points(posed.motions["pelvis"], model.bodies["pelvis"].position[None])[0]
    heel = move_points(posed.motions["calcn_r"], model.bodies["calcn_r"].position[None])[0]
    assert abs(heel[2] - pelvis[2]) < 150  # lying down: the heel is about level with the pelvis
    assert (front[:, 2] > 0.5).sum() > 0.2 * len(front)
    assert posed.floor_height() < min(heel[2], pelvis[2]) - 20


def test_interpolated_poses_run_from_one_to_the_other(model):
    a, b = resolve_pose(model, "straight-leg-raise", 0.0), resolve_pose(model, "straight-leg-raise", 1.0)
    assert interpolate_pose(a, b, 1.0) == b
    mid = dict(interpolate_pose(a, b, ease(0.5)).joints)
    assert mid["hip_flexion_r"] == pytest.approx(35.0)
    assert interpolate_pose(None, None, 0.3) is None


def _share_inside_bone(model, posed) -> float:
    """Return the share of soft-tissue vertices (every 7th) inside a bone, by an exact inside test."""
    import warnings

    import pyvista as pv

    bones = [s for s in model.structure_ids if model.structure(s).kind == "bone"]
    soft = [s for s in model.structure_ids if model.structure(s).kind in ("muscle", "nerve", "branch", "root")]
    bone = pv.merge([pv.PolyData(posed.vertices(b).astype(float),
                                 np.c_[np.full(len(model.mesh(b).faces), 3), model.mesh(b).faces]) for b in bones])
    points = pv.PolyData(np.vstack([posed.vertices(s)[::7] for s in soft]).astype(float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        inside = points.select_enclosed_points(bone, check_surface=False).point_data["SelectedPoints"]
    return float(np.asarray(inside).astype(bool).mean())


@pytest.mark.parametrize("name", ["childs-pose", "glute-stretch", "hamstring-stretch", "straight-leg-raise"])
def test_posed_soft_tissue_stays_out_of_bone(model, name):
    """Blend skinning alone drove 6-8% of muscle and nerve vertices into bone in deep flexion (the
    common fibular nerve 44% in child's pose); pushed back out, 1.5-2.9% (standing: 0.9%)."""
    standing = _share_inside_bone(model, PosedModel(model))
    assert _share_inside_bone(model, posed_model(model, resolve_pose(model, name))) < standing + 0.025
