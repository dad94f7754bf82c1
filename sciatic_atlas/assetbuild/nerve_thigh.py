"""The sciatic nerve's course down the back of the thigh, found by probing the built muscles.

At a series of heights the back of the thigh is probed front to back for the gap under the
hamstrings, on adductor magnus behind the femur and clear of the vasti (Standring, Gray's
Anatomy 42nd ed., ch. 80 fig. 80.24; Moore, Clinically Oriented Anatomy 8th ed., fig. 7.27);
a dynamic-programming search then picks one place per height so that the course runs
straight down, giving up a little gap rather than swinging across the thigh between gaps.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import ANT, POST, NerveContext
from sciatic_atlas.assetbuild.nerve_figures import nerve_size
from sciatic_atlas.assetbuild.nerve_planes import Plane, free_stretch

_P = tuple(POST)
HAMSTRINGS = ("biceps_femoris_long_head", "semitendinosus", "semimembranosus")
# Muscles of the back of the thigh the sciatic nerve runs beside, never through.
THIGH_CLEAR = ("vastus_lateralis", "vastus_intermedius", "vastus_medialis", "biceps_femoris_short_head",
               "gracilis", "sartorius", "psoas_major", "iliacus", "quadratus_femoris", "adductor_longus",
               "adductor_brevis", "gluteus_maximus")
# The round-ish nerve in the thigh (mm; data/nerve_figures.yaml, "diameters_mm").
THIGH_WIDTH = nerve_size("sciatic_nerve", "thigh_width")
THIGH_THICKNESS = nerve_size("sciatic_nerve", "thigh_thickness")

# The thigh plane probed across the back of the femur to place the sciatic nerve: deep to
# the hamstrings, on adductor magnus (or the femur), clear of the vasti and short head.
THIGH_PLANE = Plane((0, 0), _P, over=HAMSTRINGS, under=("adductor_magnus", "femur"),
                    clear=THIGH_CLEAR, window=70.0)
THIGH_SEARCH = 12.0  # mm searched beyond the biceps / semimembranosus centres
THIGH_ENOUGH = 8.0  # mm of free gap beyond which a wider gap scores no better
THIGH_PREFERENCE = 0.15  # gap (mm) given up per mm away from the preferred line
THIGH_ON_ADDUCTOR = 8.0  # gap (mm) given up to lie on adductor magnus rather than beside it
THIGH_STRAIGHT = 0.3  # gap (mm) given up per mm of sideways step between probed levels
THIGH_BEND = 0.6  # gap (mm) given up per mm of change in sideways step (a bend of the course)


def thigh_candidates(c: NerveContext, z: float) -> list[tuple[float, np.ndarray]]:
    """Return ``(cost, point)`` for each place the sciatic nerve could lie at height ``z``.

    The preferred line lies between the built long head of biceps femoris and
    semimembranosus, biased to biceps (60:40). Across that stretch (and ``THIGH_SEARCH`` mm
    beyond) the back of the thigh is probed front to back (:data:`THIGH_PLANE`): at each
    candidate the gap under the hamstrings, on adductor magnus, behind the femur and clear of
    the vasti and the short head is measured for the whole width of the nerve; the nerve lies
    in it near its deep side. Cost: minus the gap (capped at ``THIGH_ENOUGH``) plus
    ``THIGH_PREFERENCE`` per mm off the preferred line. Falls back to halfway between the femur
    and the hamstrings (high cost) when no gap fits.
    """
    bf, sm = c.muscle_centre("biceps_femoris_long_head", z), c.muscle_centre("semimembranosus", z)
    pref = 0.6 * bf[0] + 0.4 * sm[0]
    back = c.bone_back("femur", z)
    y0 = back + 20.0  # probe lines start just behind the femur and reach the window both ways
    lo_x, hi_x = sorted((bf[0], sm[0]))
    half_w, half_t = THIGH_WIDTH / 2, THIGH_THICKNESS / 2
    out = []
    # The whole nerve; and its centre line alone (at a cost), so that a straight course exists
    # where a crowded level leaves no gap for the whole width right under the course above.
    for radius, edges, penalty in ((half_t, half_w * 0.8, 0.0), (1.0, 0.0, THIGH_ENOUGH)):
        for x in np.arange(lo_x - THIGH_SEARCH, hi_x + THIGH_SEARCH + 0.1, 3.0):
            centre = np.array([x, y0, z])
            a, b = free_stretch(c.probe, THIGH_PLANE, centre + np.outer([-1, 0, 1], c.LAT * edges), radius)
            a = max(a, back + half_t - y0)  # behind the femur
            if b > a and _hamstring_behind(c, centre + POST * b):
                p = centre + POST * (a + min(3.0, (b - a) / 2))
                cost = penalty - min(b - a, THIGH_ENOUGH) + THIGH_PREFERENCE * abs(x - pref)
                out.append((cost - THIGH_ON_ADDUCTOR * _lies_on(c, "adductor_magnus", p), p))
    return out or [(3 * THIGH_ENOUGH, np.array([pref, y0, z]))]


def thigh_course(c: NerveContext, zs) -> list[np.ndarray]:
    """Return the sciatic nerve's points at heights ``zs`` (top down): the cheapest smooth course.

    Dynamic programming over :func:`thigh_candidates` (state: the candidates at two successive
    levels): each level's cost plus ``THIGH_STRAIGHT`` per mm of sideways step from the level
    above and ``THIGH_BEND`` per mm of change of that step, so the nerve takes the free gaps
    without drifting across the thigh between them.
    """
    levels = [thigh_candidates(c, z) for z in zs]
    xs = [np.array([p[0] for _, p in lv]) for lv in levels]
    # State: (candidate at the level above, candidate here); a step costs its sideways length
    # and the change of sideways step from the one above (a bend), so the course runs straight.
    total = np.array([cost for cost, _ in levels[1]])[None, :] + THIGH_STRAIGHT * np.abs(
        xs[1][None, :] - xs[0][:, None]) + np.array([cost for cost, _ in levels[0]])[:, None]
    back = []
    for k in range(2, len(levels)):
        step = xs[k][None, :] - xs[k - 1][:, None]  # (j, l)
        prev = xs[k - 1][None, :] - xs[k - 2][:, None]  # (i, j)
        # cand[i, j, l]: total to (i, j) plus the step j -> l and its bend.
        cand = (total[:, :, None] + THIGH_STRAIGHT * np.abs(step)[None, :, :]
                + THIGH_BEND * np.abs(step[None, :, :] - prev[:, :, None]))
        back.append(np.argmin(cand, axis=0))  # (j, l) -> best i
        total = cand.min(axis=0) + np.array([cost for cost, _ in levels[k]])[None, :]
    j, l = np.unravel_index(int(np.argmin(total)), total.shape)
    picks = [l, j]
    for ptr in reversed(back):
        j, l = int(ptr[j, l]), j
        picks.append(j)
    return [levels[i][k][1] for i, k in enumerate(reversed(picks))]


def _lies_on(c: NerveContext, base: str, p: np.ndarray) -> bool:
    """Return whether muscle ``base`` lies in front of ``p`` (within 30 mm)."""
    sid = c.probe.resolve(base)
    iv = c.probe.intervals(sid, p, ANT) if sid else np.zeros((0, 2))
    return bool(np.any((iv[:, 1] > 0) & (iv[:, 0] < 30.0)))


def _hamstring_behind(c: NerveContext, p: np.ndarray) -> bool:
    """Return whether a hamstring lies behind ``p`` (within the thigh plane's window)."""
    for base in HAMSTRINGS:
        sid = c.probe.resolve(base)
        iv = c.probe.intervals(sid, p, POST) if sid else np.zeros((0, 2))
        if np.any((iv[:, 1] > 0) & (iv[:, 0] < THIGH_PLANE.window)):
            return True
    return False
