"""Geometry artefacts that spoil the atlas plates (issue 12), measured on the built model.

Each test measures one artefact seen in the pictures and names the number it had when it
was found: a nerve turning back on itself, a nerve jogging sideways, a nerve running
through a muscle.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.anatomy.built_model import nerve_model

SIDES = ("r", "l")


@pytest.fixture(scope="module")
def model():
    return nerve_model()


def sharpest_corner(line: np.ndarray, chord: float = 10.0, skip: float = 20.0) -> tuple[float, float]:
    """Return the largest angle (degrees) between successive ``chord``-mm chords, and its z (mm).

    The first ``skip`` mm (where a branch leaves its parent) are left out.
    """
    line = np.asarray(line, float)
    s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))]
    t = np.arange(skip, s[-1] - 2 * chord, 1.0)

    def at(u: np.ndarray) -> np.ndarray:
        return np.column_stack([np.interp(u, s, line[:, k]) for k in range(3)])

    a, b = at(t + chord) - at(t), at(t + 2 * chord) - at(t + chord)
    cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
    angle = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    i = int(angle.argmax())
    return float(angle[i]), float(at(t[i:i + 1] + chord)[0, 2])


@pytest.mark.parametrize("s", SIDES)
@pytest.mark.parametrize("nerve", ["medial_plantar_nerve", "lateral_plantar_nerve"])
def test_plantar_nerves_run_forward_across_the_sole(model, nerve, s):
    """From the tarsal tunnel the plantar nerves only run forward (Moore 9th ed., Lower Limb: sole).

    (The lateral plantar nerve ran 18 mm forward, then 19 mm back towards the heel and
    forward again: a hairpin.)
    """
    y = model.centreline(f"{nerve}_{s}")[:, 1]  # +y is posterior
    back = float((y - np.minimum.accumulate(y)).max())
    assert back < 3.0, f"{nerve}_{s} runs {back:.1f} mm back towards the heel"


@pytest.mark.parametrize("s", SIDES)
@pytest.mark.parametrize("nerve", ["superficial_fibular_nerve", "deep_fibular_nerve"])
def test_fibular_nerves_have_no_corners_in_the_leg(model, nerve, s):
    """Below the fibular neck the fibular nerves bend gently: under 28 degrees between 10 mm chords.

    (The deep fibular nerve's course cut through the tibia and was pushed out of it, jogging
    10 mm sideways within 15 mm of height: 34 degrees. The superficial one measured 8.)
    """
    angle, z = sharpest_corner(model.centreline(f"{nerve}_{s}"))
    assert angle < 28.0, f"{nerve}_{s} turns {angle:.0f} degrees within 20 mm at z {z:.0f}"


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_nerve_runs_clear_of_vastus_medialis(model, s):
    """Behind the femur the sciatic nerve lies outside vastus medialis, which is in front of it.

    (The nerve's centreline ran up to 4.8 mm inside the muscle for z 605-630 mm, its
    surface 9.4 mm: the muscle's origin was on the linea aspera low down, so the belly
    filled the popliteal surface.)
    """
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

    vm = model.mesh(f"vastus_medialis_{s}")
    inside = SignedDistance(vm.vertices, vm.faces)
    centre = inside(model.centreline(f"sciatic_nerve_{s}"))
    assert centre.min() > 1.0, f"the centreline comes {-centre.min():.1f} mm inside the muscle"
    surface = inside(model.mesh(f"sciatic_nerve_{s}").vertices)
    assert surface.min() > -5.0, f"the nerve's surface reaches {-surface.min():.1f} mm into the muscle"


ANKLE_TENDONS = ("tibialis_anterior", "extensor_hallucis_longus", "extensor_digitorum_longus",
                 "fibularis_longus", "fibularis_brevis", "tibialis_posterior",
                 "flexor_digitorum_longus", "flexor_hallucis_longus")


@pytest.mark.parametrize("s", SIDES)
def test_ankle_tendons_stay_on_the_bones(model, s):
    """Across the ankle the retinacula hold the long tendons to the bones: no bowstring.

    In each 10 mm slab from the talus's lowest point to 20 mm above its highest, the
    tendon's deep surface lies within 7 mm of the tibia, fibula, talus or foot bones
    (Standring, Gray's Anatomy 42nd ed., ch. 84: extensor, flexor and fibular retinacula).
    (Tibialis anterior stood 14 mm off the front of the ankle, fibularis longus 14.5 mm off
    the back of the lateral malleolus.)
    """
    from scipy.spatial import cKDTree

    bones = cKDTree(np.vstack([model.mesh(f"{b}_{s}").vertices
                               for b in ("tibia", "fibula", "talus", "foot_bones")]))
    talus = model.mesh(f"talus_{s}").vertices[:, 2]
    worst = {}
    for base in ANKLE_TENDONS:
        v = model.mesh(f"{base}_{s}").vertices
        for z0 in np.arange(talus.min(), talus.max() + 20.0, 10.0):
            slab = v[(v[:, 2] >= z0) & (v[:, 2] < z0 + 10.0)]
            if len(slab):
                worst[base] = max(worst.get(base, 0.0), float(bones.query(slab)[0].min()))
    off = {base: round(gap, 1) for base, gap in worst.items() if gap >= 7.0}
    assert not off, f"tendons standing off the ankle bones (mm): {off}"


@pytest.mark.parametrize("s", SIDES)
@pytest.mark.parametrize("tendon", ["extensor_hallucis_longus", "extensor_digitorum_longus",
                                    "flexor_hallucis_longus", "flexor_digitorum_longus"])
def test_toe_tendons_run_over_the_phalanges_not_through_them(model, tendon, s):
    """A long toe tendon glides over its toe's phalanges to its insertion.

    (The extensor hallucis longus's centreline ran 4.8 mm inside the proximal phalanx;
    clearing the tendon of the bone spread it into a thin blade around the phalanx, far
    from its centreline, drawn in the muscle's red: the slivers on the toes.)
    """
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

    toes = model.mesh(f"toe_bones_{s}")
    depth = SignedDistance(toes.vertices, toes.faces)(model.centreline(f"{tendon}_{s}"))
    assert depth.min() > 0.0, f"{tendon}_{s} runs {-depth.min():.1f} mm inside the phalanges"


@pytest.mark.parametrize("s", SIDES)
def test_patella_sits_on_the_femur_under_the_quadriceps_tendon(model, s):
    """The patella lies against the femur's patellar surface, in the quadriceps tendon.

    Measured when a floating patella was reported (issue 12): 2.8 mm from the femur (the
    articular cartilage's thickness) and 1.1 mm from rectus femoris, whose tendon carries
    on to the tibial tuberosity as the patellar ligament; not an artefact, kept so.
    """
    from scipy.spatial import cKDTree

    patella = model.mesh(f"patella_{s}").vertices
    for sid, most in ((f"femur_{s}", 4.0), (f"rectus_femoris_{s}", 2.0)):
        gap = cKDTree(model.mesh(sid).vertices).query(patella)[0].min()
        assert gap < most, f"the patella is {gap:.1f} mm from {sid}"


NERVE_KINDS = ("nerve", "root", "branch", "variant")
# A bend of radius R turns 2 asin(5 / R) between successive 10 mm chords: 45 degrees is a
# radius of 13 mm, about the tightest a leg nerve makes (the common fibular nerve winding
# round the fibular neck). See sciatic_atlas/assetbuild/nerve_fairing.py.
MAX_TURN_PER_10MM = 45.0


def test_no_nerve_kinks_anywhere(model):
    """No nerve, root, branch or variant centreline folds: under 45 degrees between 10 mm chords.

    Measured over the whole length, branches' take-offs included. (The tibial nerve turned
    54 degrees at z 357 mm, in the calf below the soleal arch; the ventral rami up to 78,
    the muscular branches up to 72 where they left their trunk.)
    """
    kinked = {}
    for sid in model.structure_ids:
        if model.structure(sid).kind not in NERVE_KINDS or not model.has_centreline(sid):
            continue
        line = model.centreline(sid)
        if np.linalg.norm(np.diff(line, axis=0), axis=1).sum() > 21.0:  # two chords to compare
            angle, z = sharpest_corner(line, skip=0.0)
            if angle >= MAX_TURN_PER_10MM:
                kinked[sid] = (round(angle), round(z))
    assert not kinked, f"centrelines turning too sharply (degrees, at z mm): {kinked}"


def test_muscle_centrelines_stay_out_of_bone(model):
    """A muscle's centreline (labels, picking, the tendon colour) lies in the muscle, not in bone.

    No point more than 1 mm inside any bone. (Extensor digitorum longus's centreline ran up
    to 9.9 mm inside the tibia, extensor hallucis longus 9.0, fibularis longus 8.7 inside the
    fibula, though their meshes were clear of the bones.)
    """
    from sciatic_atlas.assetbuild.mesh_ops import SignedDistance
    from tests.anatomy.built_model import bone_ids

    bones = [SignedDistance(model.mesh(b).vertices, model.mesh(b).faces) for b in bone_ids(model)]
    deep = {}
    for sid in model.structure_ids:
        if model.structure(sid).kind == "muscle" and model.has_centreline(sid):
            depth = -min(float(f(model.centreline(sid)).min()) for f in bones)
            if depth > 1.0:
                deep[sid] = round(depth, 1)
    assert not deep, f"muscle centrelines inside bone (mm): {deep}"


def test_variant_pieces_are_continuous_with_the_nerves_shown_with_them(model):
    """Each Beaton-Anson piece starts on the plexus and ends in another piece or a nerve.

    A variant option swaps the sciatic nerve for its pieces (a trunk, and for types B and C
    a tibial and a common fibular division); every end of a piece lies within 2 mm of the
    centreline of another piece of the option, a plexus root, or a nerve drawn with it (the
    tibial and common fibular nerves continue from the trunk's end). (The common fibular
    division of type B began 4.7 mm from any root, the type D nerve 2.7 mm, the trunks
    2.6 mm from their divisions: stubs ending in the pelvis.)
    """
    options = model.record["variants"]["sciatic_path"]["options"]
    loose = {}
    for option in options.values():
        for replaced, pieces in option.get("replaces", {}).items():
            side = replaced[-2:]
            shown = [sid for sid in model.structure_ids
                     if sid.endswith(side) and sid != replaced and model.has_centreline(sid)
                     and model.structure(sid).kind in ("nerve", "root")]
            for piece in pieces:
                others = [model.centreline(sid) for sid in (*shown, *pieces) if sid != piece]
                line = model.centreline(piece)
                for end in (line[0], line[-1]):
                    gap = min(float(np.linalg.norm(o - end, axis=1).min()) for o in others)
                    if gap > 2.0:
                        loose[piece] = max(loose.get(piece, 0.0), round(gap, 1))
    assert not loose, f"variant pieces ending apart from every other nerve (mm): {loose}"
