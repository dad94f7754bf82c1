"""Tissue planes of the built nerves: each test fails when a nerve runs in the wrong layer.

A nerve in the wrong plane either lies inside a muscle or on the wrong side of it; both are
checked with rays and enclosed-point tests on the built meshes (:mod:`tests.anatomy.planes`).
Relations: Standring, Gray's Anatomy 42nd ed., ch. 79 (gluteal region), ch. 80 (thigh),
ch. 83 (leg); Moore, Clinically Oriented Anatomy 8th ed., figs. 7.27, 7.36, 7.44.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.anatomy.built_model import nerve_model
from tests.anatomy.planes import chord_turns, covered, depth_inside, stretch

SIDES = ("r", "l")
HAMSTRINGS = ("biceps_femoris_long_head", "semitendinosus", "semimembranosus")
TOLERANCE = 1.0  # mm a nerve's centre may dip into a muscle where two muscles meet


@pytest.fixture(scope="module")
def model():
    return nerve_model()


def _buttock(model, s):
    sci = model.centreline(f"sciatic_nerve_{s}")
    it, plb = model.landmark(f"ischial_tuberosity_{s}"), model.landmark(f"piriformis_lower_border_{s}")
    return stretch(sci, it[2] + 5, plb[2] - 12)


def _thigh(model, s):
    sci = model.centreline(f"sciatic_nerve_{s}")
    it = model.landmark(f"ischial_tuberosity_{s}")
    return stretch(sci, sci[-1, 2] + 30, it[2] - 60)


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_lies_deep_to_gluteus_maximus(model, s):
    pts = _buttock(model, s)
    assert len(pts) >= 8
    gmax = f"gluteus_maximus_{s}"
    assert covered(model, gmax, pts, +1) > 0.9, "gluteus maximus covers the nerve from behind"
    assert depth_inside(model, gmax, pts) < TOLERANCE, "the nerve runs inside gluteus maximus"


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_lies_on_adductor_magnus_under_the_hamstrings(model, s):
    pts = _thigh(model, s)
    assert len(pts) >= 20
    assert covered(model, f"adductor_magnus_{s}", pts, -1) > 0.8, "lies on (posterior to) adductor magnus"
    hamstring_cover = np.max([[covered(model, f"{h}_{s}", p[None], +1) for h in HAMSTRINGS] for p in pts], axis=1)
    assert hamstring_cover.mean() > 0.9, "the hamstrings cover the nerve in the thigh"
    assert covered(model, f"biceps_femoris_long_head_{s}", pts, +1) > 0.25, "the long head of biceps crosses it"
    for muscle in ("adductor_magnus", *HAMSTRINGS):
        assert depth_inside(model, f"{muscle}_{s}", pts) < TOLERANCE, f"the nerve runs inside {muscle}"


@pytest.mark.parametrize("s", SIDES)
def test_tibial_nerve_deep_to_gastrocnemius_then_soleus(model, s):
    tib = model.centreline(f"tibial_nerve_{s}")
    knee = model.landmark(f"knee_joint_centre_{s}")
    upper = stretch(tib, knee[2] - 100, knee[2] - 30)
    heads = [f"gastrocnemius_{h}_head_{s}" for h in ("medial", "lateral")]
    # Across the nerve's width (its centre and edges, 4 mm either side): the built heads leave
    # a narrow gap in the midline, over the nerve's centre.
    edges = [upper + [dx, 0.0, 0.0] for dx in (-4.0, 0.0, 4.0)]
    cover = np.max([[covered(model, g, e[i][None], +1) for g in heads for e in edges] for i in range(len(upper))], axis=1)
    assert cover.mean() > 0.6, "the heads of gastrocnemius cover the nerve below the fossa"
    for g in heads:
        assert depth_inside(model, g, upper) < TOLERANCE, f"the nerve runs inside {g}"
    leg = stretch(tib, knee[2] - 250, knee[2] - 120)
    assert covered(model, f"soleus_{s}", leg, +1) > 0.9, "deep to soleus in the leg"
    assert covered(model, f"tibialis_posterior_{s}", leg, -1) > 0.8, "on tibialis posterior"
    assert depth_inside(model, f"soleus_{s}", leg) < TOLERANCE


@pytest.mark.parametrize("s", SIDES)
def test_tibial_nerve_clear_of_flexor_hallucis_longus_at_the_ankle(model, s):
    """In the tarsal tunnel the nerve lies between the FDL and FHL tendons, not in FHL."""
    tib = model.centreline(f"tibial_nerve_{s}")
    mm = model.landmark(f"medial_malleolus_{s}")
    ankle = stretch(tib, mm[2] - 20, mm[2] + 60)
    assert len(ankle) >= 5
    assert depth_inside(model, f"flexor_hallucis_longus_{s}", ankle) < TOLERANCE


@pytest.mark.parametrize("nerve", ["tibial_nerve", "common_fibular_nerve", "sural_nerve"])
def test_leg_nerves_have_no_sharp_kinks(model, nerve):
    """A nerve bends gently: no more than 45 degrees between successive ~3 mm steps."""
    line = model.centreline(f"{nerve}_r")
    t = np.diff(line, axis=0)
    t /= np.linalg.norm(t, axis=1)[:, None]
    turn = np.degrees(np.arccos(np.clip((t[:-1] * t[1:]).sum(axis=1), -1.0, 1.0)))
    assert turn.max() <= 45.0, f"{nerve} turns {turn.max():.0f} degrees at {line[int(turn.argmax()) + 1].round()}"


@pytest.mark.parametrize("s", SIDES)
def test_sciatic_runs_straight_down_the_thigh(model, s):
    """On adductor magnus behind the femur the nerve runs straight down: no sideways swing.

    (A course chasing the widest gap between the built muscles swung 30 mm towards the
    midline and back within 100 mm of height in the lower thigh.)
    """
    pts = _thigh(model, s)
    pts = pts[np.argsort(pts[:, 2])]
    z = np.arange(pts[0, 2], pts[-1, 2] - 30.0, 5.0)
    x = np.interp(z, pts[:, 2], pts[:, 0])
    drift = np.abs(np.interp(z + 30.0, pts[:, 2], pts[:, 0]) - x)
    assert drift.max() < 8.0, f"swings {drift.max():.0f} mm sideways within 30 mm at z {z[drift.argmax()]:.0f}"
    assert np.ptp(pts[:, 0]) < 20.0, f"drifts {np.ptp(pts[:, 0]):.0f} mm across the thigh"


@pytest.mark.parametrize("nerve", ["superior_gluteal_nerve", "inferior_gluteal_nerve"])
def test_gluteal_nerves_curve_without_corners(model, nerve):
    """Between the gluteal muscles a nerve sweeps round: no corner over any 15 mm of its course.

    The angle between successive 15 mm chords stays under 55 degrees (a staircase of
    horizontal and vertical runs turned about 75 degrees within 15 mm).
    """
    line = model.centreline(f"{nerve}_r")
    step = np.median(np.linalg.norm(np.diff(line, axis=0), axis=1))
    w = max(1, int(round(15.0 / step)))
    turn = chord_turns(line, 15.0)
    assert turn.max() < 55.0, f"{nerve} turns {turn.max():.0f} degrees at {line[int(turn.argmax()) + w].round()}"
