"""The sural communicating branch of the common fibular nerve, and its union with the sural nerve.

It leaves the common fibular nerve in the popliteal fossa, runs down on the back of the lateral
head of gastrocnemius and joins the medial sural cutaneous nerve (tibial) to form the sural
nerve, usually in the lower half of the calf (Standring, Gray's Anatomy 42nd ed., leg; Moore,
Clinically Oriented Anatomy 9th ed., cutaneous nerves of the leg). The union level the build
uses is in ``data/nerve_figures.yaml`` (``sural.union_fraction``).
"""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from sciatic_atlas.anatomy.paths import DATA_DIR
from tests.anatomy.built_model import bone_ids, lateral, nerve_model
from tests.anatomy.planes import chord_turns, covered, depth_inside, stretch

SIDES = ("r", "l")
TOLERANCE = 1.0  # mm a nerve's centre may dip into a muscle (as in test_nerve_planes)
NEAR = 3.0  # mm: the branch's ends lie on its parent's and the sural nerve's centrelines


@pytest.fixture(scope="module")
def model():
    return nerve_model()


def _branch(model, s):
    return model.centreline(f"sural_communicating_branch_{s}")


def _union_z(model, s) -> float:
    fraction = yaml.safe_load((DATA_DIR / "nerve_figures.yaml").read_text())["sural"]["union_fraction"]["value"]
    knee, lm = model.landmark(f"knee_joint_centre_{s}"), model.landmark(f"lateral_malleolus_{s}")
    return float(knee[2] - fraction * (knee[2] - lm[2]))


def _gap(line: np.ndarray, point: np.ndarray) -> float:
    return float(np.linalg.norm(line - point, axis=1).min())


@pytest.mark.parametrize("s", SIDES)
def test_branch_leaves_the_common_fibular_nerve_in_the_popliteal_fossa(model, s):
    line = _branch(model, s)
    assert _gap(model.centreline(f"common_fibular_nerve_{s}"), line[0]) < NEAR
    knee, head = model.landmark(f"knee_joint_centre_{s}"), model.landmark(f"fibular_head_{s}")
    assert head[2] < line[0][2] < knee[2] + 60.0, "arises in the fossa, above the fibular head"


@pytest.mark.parametrize("s", SIDES)
def test_branch_joins_the_sural_nerve_at_the_union_level(model, s):
    line, sural = _branch(model, s), model.centreline(f"sural_nerve_{s}")
    assert _gap(sural, line[-1]) < NEAR, "ends on the sural nerve"
    assert abs(line[-1][2] - _union_z(model, s)) < 5.0, "at the union level in data/nerve_figures.yaml"
    # Only its end touches the sural nerve: above that the two run apart (two nerves, not one).
    upper = line[line[:, 2] > line[-1][2] + 60.0]
    assert len(upper) and min(_gap(sural, p) for p in upper) > 8.0


@pytest.mark.parametrize("s", SIDES)
def test_branch_runs_on_the_back_of_the_lateral_head_outside_muscle_and_bone(model, s):
    from sciatic_atlas.assetbuild.nerve_geometry import BoneField

    line = _branch(model, s)
    knee = model.landmark(f"knee_joint_centre_{s}")
    on_head = stretch(line, knee[2] - 120.0, knee[2] - 40.0)
    assert len(on_head) >= 10
    assert covered(model, f"gastrocnemius_lateral_head_{s}", on_head, -1) > 0.9, "lies on the lateral head"
    for muscle in ("gastrocnemius_lateral_head", "gastrocnemius_medial_head", "soleus", "biceps_femoris_long_head"):
        assert depth_inside(model, f"{muscle}_{s}", line) < TOLERANCE, f"runs inside {muscle}"
    field = BoneField([(model.mesh(b).vertices, model.mesh(b).faces) for b in bone_ids(model)])
    d, _ = field.distance(line)
    assert d.min() > 2.0, f"comes within {d.min():.1f} mm of bone"


@pytest.mark.parametrize("s", SIDES)
def test_branch_is_posterolateral_in_the_calf(model, s):
    """Lateral of the sural (medial sural cutaneous) nerve and behind the tibial nerve, above the union."""
    line, sural, tibial = _branch(model, s), model.centreline(f"sural_nerve_{s}"), model.centreline(f"tibial_nerve_{s}")
    calf = line[(line[:, 2] < line[0][2] - 20.0) & (line[:, 2] > line[-1][2] + 30.0)]
    assert len(calf) >= 10
    for p in calf:
        su = sural[np.argmin(np.abs(sural[:, 2] - p[2]))]
        ti = tibial[np.argmin(np.abs(tibial[:, 2] - p[2]))]
        assert lateral(model, s, p) > lateral(model, s, su) + 3.0, f"not lateral of the sural nerve at {p.round()}"
        assert p[1] > ti[1] + 15.0, f"not behind the tibial nerve at {p.round()}"


@pytest.mark.parametrize("s", SIDES)
def test_branch_descends_without_kinks(model, s):
    """Always downwards (no hairpin); under 45 degrees per ~3 mm step and 55 degrees per 15 mm."""
    line = _branch(model, s)
    assert np.all(np.diff(line[:, 2]) < 0.0), "turns back upwards"
    turn = chord_turns(line, 0.0)
    assert turn.max() <= 45.0, f"turns {turn.max():.0f} degrees in one step"
    bend = chord_turns(line, 15.0)
    assert bend.max() < 55.0, f"turns {bend.max():.0f} degrees within 15 mm"
