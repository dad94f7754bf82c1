"""The popliteal artery and vein as built (issue 12): out of bone, deep to the tibial nerve.

In the popliteal fossa the tibial nerve is the most superficial of the three central
structures, the vein deeper, the artery deepest against the femur and the knee capsule
(Moore 9e, Lower Limb: popliteal fossa). Measured on the built assets, both sides.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.anatomy.built_model import bone_ids, lateral, nerve_model

SIDES = ("r", "l")
VESSELS = ("popliteal_artery", "popliteal_vein")


@pytest.fixture(scope="module")
def model():
    m = nerve_model()
    if not m.has_mesh("popliteal_artery_r"):
        pytest.skip("the bundled assets have no popliteal vessels: rebuild with `sciatic-atlas build-assets`")
    return m


def _radius(model, sid: str) -> float:
    """Return a tube's radius (mm): the mean distance of its vertices from its centreline."""
    v, line = model.mesh(sid).vertices, model.centreline(sid)
    return float(np.median(np.linalg.norm(v[:, None, :] - line[None], axis=2).min(axis=1)))


def _at_height(line: np.ndarray, z: float) -> np.ndarray:
    """Return where a descending polyline crosses height ``z`` (mm), interpolated."""
    order = np.argsort(line[:, 2])
    return np.array([np.interp(z, line[order, 2], line[order, k]) for k in range(3)])


def test_vessels_are_vessel_kind_red_artery_blue_vein(model):
    from sciatic_atlas.render.appearance import default_look

    for s in SIDES:
        artery, vein = (default_look(model, f"{base}_{s}").colour for base in VESSELS)
        assert model.structure_info(f"popliteal_artery_{s}")["kind"] == "vessel"
        assert artery[0] > 0.6 > artery[2] and vein[2] > 0.6 > vein[0], (artery, vein)


def test_vessels_stay_out_of_bone(model):
    from sciatic_atlas.assetbuild.nerve_geometry import BoneField

    field = BoneField([(model.mesh(b).vertices, model.mesh(b).faces) for b in bone_ids(model)])
    for s in SIDES:
        for base in VESSELS:
            sid = f"{base}_{s}"
            d, _ = field.distance(model.mesh(sid).vertices)
            assert d.min() > 0.5, f"{sid}'s surface comes {d.min():.1f} mm from bone"


@pytest.mark.parametrize("s", SIDES)
def test_nerve_vein_artery_from_posterior_to_anterior_at_the_knee(model, s):
    """At the knee joint centre's height: nerve behind vein behind artery, surfaces apart."""
    z = model.landmark(f"knee_joint_centre_{s}")[2]
    nerve = _at_height(model.centreline(f"tibial_nerve_{s}"), z)
    vein = _at_height(model.centreline(f"popliteal_vein_{s}"), z)
    artery = _at_height(model.centreline(f"popliteal_artery_{s}"), z)
    assert nerve[1] > vein[1] > artery[1], (nerve, vein, artery)  # +y is posterior
    r_n, r_v, r_a = (_radius(model, f"{b}_{s}") for b in ("tibial_nerve", *VESSELS))
    assert np.linalg.norm(nerve - vein) > r_n + r_v
    assert np.linalg.norm(vein - artery) > r_v + r_a - 0.5


@pytest.mark.parametrize("s", SIDES)
def test_vessels_run_from_the_hiatus_to_below_the_knee(model, s):
    """From the junction of the middle and lower thirds of the thigh to below the joint line."""
    hip, knee = model.landmark(f"hip_joint_centre_{s}"), model.landmark(f"knee_joint_centre_{s}")
    third = (hip[2] - knee[2]) / 3
    for base in VESSELS:
        line = model.centreline(f"{base}_{s}")
        assert abs(line[0, 2] - (knee[2] + third)) < 10 and knee[2] - 80 < line[-1, 2] < knee[2] - 20
        assert np.all(np.diff(line[:, 2]) < 0), f"{base}_{s} does not run straight down"
        assert abs(lateral(model, s, line[0]) - lateral(model, s, knee)) < 40


@pytest.mark.parametrize("s", SIDES)
def test_vessels_never_touch_the_tibial_nerve(model, s):
    nerve = np.vstack([model.centreline(f"sciatic_nerve_{s}"), model.centreline(f"tibial_nerve_{s}")])
    r_n = _radius(model, f"sciatic_nerve_{s}")
    for base in VESSELS:
        line = model.centreline(f"{base}_{s}")
        gap = np.linalg.norm(line[:, None, :] - nerve[None], axis=2).min() - r_n - _radius(model, f"{base}_{s}")
        assert gap > 0.0, f"{base}_{s} runs into the nerve ({gap:.1f} mm)"


def _three_at(model, s: str, z: float):
    """Return the tibial (or above it sciatic) nerve, artery and vein centres at height ``z``."""
    nerve = np.vstack([model.centreline(f"sciatic_nerve_{s}"), model.centreline(f"tibial_nerve_{s}")])
    return [_at_height(line, z) for line in (nerve, *(model.centreline(f"{b}_{s}") for b in VESSELS))]


@pytest.mark.parametrize("s", SIDES)
def test_tibial_nerve_lies_lateral_and_superficial_to_the_vessels_above_the_joint(model, s):
    """At the apex of the fossa: the nerve lateral to the artery, and nerve, vein, artery from behind.

    Moore 9e (Lower Limb: popliteal fossa) and Gray's 42e (Knee: popliteal fossa): the tibial
    nerve is the most superficial and crosses the vessels from lateral to medial.
    """
    nerve, artery, vein = _three_at(model, s, model.landmark(f"popliteal_fossa_apex_{s}")[2])
    assert lateral(model, s, nerve) > lateral(model, s, artery), "above the joint the nerve lies lateral"
    assert nerve[1] > vein[1] > artery[1], "in the fossa: nerve, vein, artery from behind forward"


@pytest.mark.parametrize("s", SIDES)
def test_tibial_nerve_lies_medial_to_the_artery_under_the_soleal_arch(model, s):
    """Under the arch the nerve lies posteromedial to the artery, the vein medial to the artery.

    It passes deep to the tendinous arch of soleus with the vessels, having crossed them
    from lateral to medial (Moore 9e, Lower Limb: popliteal fossa; Gray's 42e, Leg: the nerve
    lies at first medial to the posterior tibial artery). Measured where the vessels end.
    (Built when the nerve lay deep in the tibiofibular corner: the artery 12 mm medial of the
    nerve, the vein 18 mm.)
    """
    ends = [model.centreline(f"{b}_{s}")[-1, 2] for b in VESSELS]
    nerve, artery, vein = _three_at(model, s, max(ends) + 2.0)
    assert lateral(model, s, nerve) + 3.0 < lateral(model, s, artery), "the nerve is not medial of the artery"
    assert lateral(model, s, vein) < lateral(model, s, artery), "the vein is medial to the artery"
    assert nerve[1] > max(vein[1], artery[1]), "the nerve lies behind (superficial to) both vessels"
