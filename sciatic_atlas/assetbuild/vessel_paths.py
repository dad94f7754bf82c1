"""The popliteal artery and vein as tubes: stations from ``data/vessels.yaml``, laid deep to the nerve.

Both run from the adductor hiatus to the lower border of popliteus (the tendinous arch of
soleus). At each station the artery sits medial of the tibial nerve by the data's offset and
as deep as the bone lets it (its surface ``bone_clearance_mm`` off the femur, knee capsule
and tibia); the vein lies against it on the data's bearing, in the same sheath. The smoothed
paths are then relaxed: out of bone, the vein off the artery, both off the nerve. World
frame, millimetres; built on one side (the nerves stage mirrors the left).
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.data import build_data
from sciatic_atlas.assetbuild.nerve_figures import diameter
from sciatic_atlas.assetbuild.nerve_context import POST, NerveContext, NerveSpec, round_sections
from sciatic_atlas.assetbuild.nerve_geometry import BoneField, smooth_path

SEARCH_MM = 60.0  # how far in front of the nerve the artery's bed is looked for
RELAX_PASSES = 3  # settle, smooth, settle: a smooth path that fits


def figures() -> dict:
    """Return the parsed ``data/vessels.yaml`` (read once)."""
    return build_data("vessels.yaml")


def rule(name: str) -> float:
    """Return one path rule's value (``path.<name>.value``)."""
    return float(figures()["path"][name]["value"])


def vessel_diameter(name: str) -> float:
    """Return a vessel's diameter (mm), ``name`` without its side suffix."""
    return float(figures()["vessels"][name]["diameter_mm"]["value"])


def _nerve_at(line: np.ndarray, z: float) -> np.ndarray:
    """Return the point of a descending ``line`` nearest height ``z`` (mm)."""
    i = int(np.argmin(np.abs(line[:, 2] - z)))
    return line[i]


def deep_y(field: BoneField, x: float, z: float, radius: float, start: float, window: float = 0.0) -> float | None:
    """Return the most posterior y (mm) at x where a tube of ``radius`` touches the floor.

    Marches forward from ``start`` in 0.5 mm steps at heights ``z - window`` to ``z + window``
    (every 2 mm) and keeps the most posterior touch; None when no floor lies within
    ``SEARCH_MM`` of it.
    """
    ys = np.arange(start, start - SEARCH_MM - 30.0, -0.5)
    best = None
    for h in np.arange(z - window, z + window + 1e-6, 2.0):
        d, _ = field.distance(np.column_stack([np.full_like(ys, x), ys, np.full_like(ys, h)]))
        hit = np.flatnonzero(d < radius)
        if len(hit):
            best = max(best if best is not None else -np.inf, float(ys[hit[0]] + 0.5))
    return best


def _levels(c: NerveContext) -> list[float]:
    knee, hip = c.lm("knee_joint_centre"), c.lm("hip_joint_centre")
    hiatus = knee[2] + rule("hiatus_thigh_fraction") * (hip[2] - knee[2])
    arch = c.lm("soleus_origin")[2] - rule("end_below_soleus_origin_mm")
    return [hiatus, c.lm("popliteal_fossa_apex")[2], knee[2], arch]


def _stations(c: NerveContext, field: BoneField, nerve: np.ndarray) -> tuple[list, list]:
    """Return the artery's and the vein's control points (mm), proximal to distal."""
    st = figures()["path"]["stations"]
    r_a, r_v = vessel_diameter("popliteal_artery") / 2, vessel_diameter("popliteal_vein") / 2
    clear, gap = rule("bone_clearance_mm"), rule("sheath_gap_mm")
    artery, vein = [], []
    for z, dx, bearing in zip(_levels(c), st["artery_medial_of_nerve_mm"], st["vein_bearing_deg"]):
        n = _nerve_at(nerve, z)
        y = None
        # No bone behind that far medially: come back towards the nerve, and past it
        # laterally, where the femur is, if the nerve lies medial to the shaft.
        for shrink in np.linspace(1.0, -1.0, 9):
            x = n[0] + c.MED[0] * dx * shrink
            y = deep_y(field, x, z, r_a + clear, n[1] + SEARCH_MM / 2, rule("bed_window_mm"))
            if y is not None:
                break
        if y is None:
            raise ValueError(f"no bone in front of the nerve at z = {z:.0f} mm")
        a = np.array([x, y, z])
        t = np.radians(bearing)
        artery.append(a)
        vein.append(a + (r_a + r_v + gap) * (np.cos(t) * POST + np.sin(t) * c.LAT))
    return artery, vein


def _offsets(reach: float = 25.0, step: float = 0.5, n_angles: int = 48) -> np.ndarray:
    """Return horizontal offsets (mm) out to ``reach``, smallest first."""
    radii = np.arange(0.0, reach + step, step)
    ang = np.linspace(0.0, 2 * np.pi, n_angles, endpoint=False)
    off = np.vstack([[0.0, 0.0]] + [np.column_stack([r * np.cos(ang), r * np.sin(ang)]) for r in radii[1:]])
    return np.column_stack([off, np.zeros(len(off))])


def _settle(path: np.ndarray, field: BoneField, bone_gap: float,
            keep_off: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """Move each point of ``path`` the least distance, horizontally, to where it fits.

    A point fits where it is at least ``bone_gap`` mm from bone and at least ``gap`` mm from
    every point of each ``(points, gap)`` in ``keep_off`` (the nerve, the artery). Of the moves
    that fit, the least is taken, counting also half its difference from the move of the point
    before: a point does not flip to the other side of the nerve from its neighbours.
    """
    offsets = _offsets()
    out = path.copy()
    before = np.zeros(3)
    for i, p in enumerate(path):
        cost = np.linalg.norm(offsets, axis=1) + 0.5 * np.linalg.norm(offsets - before, axis=1)
        cand = p + offsets[np.argsort(cost, kind="stable")]
        ok = np.ones(len(cand), bool)
        for pts, gap in keep_off:
            near = pts[np.abs(pts[:, 2] - p[2]) < gap]
            if len(near):
                ok &= np.linalg.norm(cand[:, None, :] - near[None], axis=2).min(axis=1) >= gap
        for k in np.flatnonzero(ok):
            if field.distance(cand[k])[0][0] >= bone_gap:
                out[i] = cand[k]
                break
        else:
            raise ValueError(f"no room for a vessel near {np.round(p, 1)} mm")
        before = out[i] - p
    return out


def _relaxed(target: np.ndarray, field: BoneField, bone_gap: float,
             keep_off: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """Return ``target`` settled where it fits, smoothed between passes (ends kept)."""
    path = target
    for _ in range(RELAX_PASSES):
        path = _settle(path, field, bone_gap, keep_off)
        inner = 0.25 * path[:-2] + 0.5 * path[1:-1] + 0.25 * path[2:]
        path = np.vstack([path[:1], inner, path[-1:]])
    return _settle(path, field, bone_gap, keep_off)


def popliteal(c: NerveContext, field: BoneField, nerve: np.ndarray) -> list[tuple[NerveSpec, np.ndarray]]:
    """Return the popliteal artery and vein of this side as (spec, built centreline) pairs.

    Parameters
    ----------
    c : NerveContext
        The side being built.
    field : BoneField
        Every bone's signed distance.
    nerve : (K, 3) array
        The sciatic then tibial nerve centrelines end to end (mm), proximal to distal.
    """
    r_a, r_v = vessel_diameter("popliteal_artery") / 2, vessel_diameter("popliteal_vein") / 2
    r_n = diameter("tibial_nerve")[0] / 2  # its largest: the nerve tapers down the leg
    clear, gap, n_gap = rule("bone_clearance_mm"), rule("sheath_gap_mm"), rule("nerve_gap_mm")
    a_ctrl, v_ctrl = _stations(c, field, nerve)
    near = smooth_path(nerve[(nerve[:, 2] < a_ctrl[0][2] + 40) & (nerve[:, 2] > a_ctrl[-1][2] - 40)], step=1.0)
    artery = _relaxed(smooth_path(np.array(a_ctrl), 3.0), field, r_a + clear, [(near, r_a + r_n + n_gap)])
    dense_artery = smooth_path(artery, step=1.0)
    vein = _relaxed(smooth_path(np.array(v_ctrl), 3.0), field, r_v + clear,
                    [(near, r_v + r_n + n_gap), (dense_artery, r_a + r_v + gap)])
    specs = []
    for base, path, r, kind in (("popliteal_artery", artery, r_a, "artery"), ("popliteal_vein", vein, r_v, "vein")):
        spec = NerveSpec(f"{base}_{c.s}", list(path), round_sections(2 * r), "vessel", pushed=False,
                         extra={"vessel": kind})
        specs.append((spec, path))
    return specs
