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
from sciatic_atlas.assetbuild.nerve_figures import nerve_size, sciatic_figure
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
# Low in the thigh the nerve runs in the cleft between vastus medialis (the built muscle wraps
# round the back of the shaft) and the short head of biceps; a course at the cleft's deep end
# ran 0.9 mm from vastus medialis (issue 12). Its centre is kept this far from both.
BESIDE = ("vastus_medialis", "vastus_lateralis", "vastus_intermedius", "biceps_femoris_short_head")
THIGH_CLEAR_OF_BESIDE = sciatic_figure("clear_of_vasti_and_short_head_mm")  # mm from the nerve's centre
THIGH_BESIDE_COST = 3.0  # gap (mm) given up per mm nearer one of them than that
THIGH_DEPTH_STEP = 4.0  # mm between the places offered front to back in one free stretch
THIGH_DEPTH_WEIGHT = 0.5  # a front-to-back step or bend counts this much of a sideways one


def thigh_candidates(c: NerveContext, z: float) -> list[tuple[float, np.ndarray]]:
    """Return ``(cost, point)`` for each place the sciatic nerve could lie at height ``z``.

    The preferred line lies between the built long head of biceps femoris and
    semimembranosus, biased to biceps (60:40). Across that stretch (and ``THIGH_SEARCH`` mm
    beyond) the back of the thigh is probed front to back (:data:`THIGH_PLANE`): at each
    candidate the gap under the hamstrings, on adductor magnus, behind the femur and clear of
    the vasti and the short head is measured for the whole width of the nerve; the nerve may
    lie in it near its deep side or further out, up to its middle (:func:`_depths`). Cost:
    minus the gap (capped at ``THIGH_ENOUGH``) plus ``THIGH_PREFERENCE`` per mm off the
    preferred line, plus ``THIGH_BESIDE_COST`` per mm the centre comes nearer a vastus or the
    short head than ``THIGH_CLEAR_OF_BESIDE``. Falls back to halfway between the femur and the
    hamstrings (high cost) when no gap fits.
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
                cost = penalty - min(b - a, THIGH_ENOUGH) + THIGH_PREFERENCE * abs(x - pref)
                for depth in _depths(a, b):
                    p = centre + POST * depth
                    out.append((cost - THIGH_ON_ADDUCTOR * _lies_on(c, "adductor_magnus", p), p))
    if out:
        near = np.maximum(THIGH_CLEAR_OF_BESIDE - _beside_distance(c, np.array([p for _, p in out])), 0.0)
        out = [(cost + THIGH_BESIDE_COST * short, p) for (cost, p), short in zip(out, near)]
    return out or [(3 * THIGH_ENOUGH, np.array([pref, y0, z]))]


def _depths(a: float, b: float) -> np.ndarray:
    """Return where (mm along the probe line) the nerve may lie in the free stretch ``(a, b)``.

    Near its deep side (3 mm in), and further out every ``THIGH_DEPTH_STEP`` mm up to its
    middle, so that a crowded level offers a place clear of the muscles beside it.
    """
    first = a + min(3.0, (b - a) / 2)
    return np.arange(first, max(first, (a + b) / 2) + 1e-6, THIGH_DEPTH_STEP)


def _norm(v: np.ndarray) -> np.ndarray:
    """Return the length of vectors along the last axis."""
    return np.sqrt((v * v).sum(axis=-1))


def _beside_distance(c: NerveContext, points: np.ndarray) -> np.ndarray:
    """Return each point's distance (mm, negative inside) from the nearest built :data:`BESIDE` muscle."""
    if "beside" not in c.cache:
        from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

        meshes = [c.part.meshes[sid] for sid in (c.probe.resolve(b) for b in BESIDE) if sid is not None]
        c.cache["beside"] = [SignedDistance(m.vertices, m.faces) for m in meshes]
    out = np.full(len(points), np.inf)
    for sd in c.cache["beside"]:
        out = np.minimum(out, sd(points))
    return out


def thigh_course(c: NerveContext, zs) -> list[np.ndarray]:
    """Return the sciatic nerve's points at heights ``zs`` (top down): the cheapest smooth course.

    Dynamic programming over :func:`thigh_candidates` (state: the candidates at two successive
    levels): each level's cost plus ``THIGH_STRAIGHT`` per mm of horizontal step from the level
    above and ``THIGH_BEND`` per mm of change of that step (front-to-back mm count
    ``THIGH_DEPTH_WEIGHT``), so the nerve takes the free gaps without drifting across the
    thigh, or diving to the femur and back, between them.
    """
    levels = [thigh_candidates(c, z) for z in zs]
    xs = [np.array([p[:2] for _, p in lv]) * [1.0, THIGH_DEPTH_WEIGHT] for lv in levels]
    # State: (candidate at the level above, candidate here); a step costs its horizontal length
    # and the change of horizontal step from the one above (a bend), so the course runs straight.
    total = np.array([cost for cost, _ in levels[1]])[None, :] + THIGH_STRAIGHT * _norm(
        xs[1][None, :] - xs[0][:, None]) + np.array([cost for cost, _ in levels[0]])[:, None]
    back = []
    for k in range(2, len(levels)):
        step = xs[k][None, :] - xs[k - 1][:, None]  # (j, l, 2)
        prev = xs[k - 1][None, :] - xs[k - 2][:, None]  # (i, j, 2)
        # cand[i, j, l]: total to (i, j) plus the step j -> l and its bend.
        cand = (total[:, :, None] + THIGH_STRAIGHT * _norm(step)[None, :, :]
                + THIGH_BEND * _norm(step[None, :, :] - prev[:, :, None]))
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
