"""Fit the MakeHuman lower body to the model's skeleton (world frame, mm).

Three steps, each a plain function on arrays:

1. :func:`pose_to_skeleton` maps MakeHuman decimetres to world millimetres (axes,
   scale from hip-to-ankle length, mid-hip alignment), then poses each limb with the
   MakeHuman default rig's skin weights (linear blend skinning): thigh, leg and foot
   each get the rotation and axial stretch that carry the MakeHuman knee, ankle and
   ball of the foot onto the model's joint centres. The legs of the base body stand
   apart; the model's stand parallel, so this is a pose change, not a distortion.
2. :func:`align_back` shears the trunk front-to-back so the skin of the lower back
   lies a fixed soft-tissue depth behind the spinous processes and sacrum (the model's
   lumbar spine leans further back than MakeHuman's).
3. :func:`push_outside` (in :mod:`sciatic_atlas.assetbuild.skin_clearance`) then moves any
   skin still inside a bone or muscle outwards.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

JOINTS = {"hip": "hip_flexion", "knee": "knee_angle", "ankle": "ankle_angle", "ball": "mtp_angle"}
BACK_SOFT_TISSUE_MM = 16.0  # skin to spinous process tips / median sacral crest
# Skin over the lumbar spinous processes is about 10-25 mm thick in lean adults
# (ultrasound: e.g. Chen et al. 2013, Eur Spine J 22:1929, lumbar skin-to-spinous depth).


def mh_to_world_axes(p: np.ndarray) -> np.ndarray:
    """Rotate MakeHuman axes (y up, facing +z, left +x) into world axes (z up, facing -y)."""
    p = np.atleast_2d(np.asarray(p, dtype=float))
    return np.c_[p[:, 0], -p[:, 2], p[:, 1]]


def world_joints(raw) -> dict[str, np.ndarray]:
    """Return the model's joint centres used for the fit: ``hip_l``, ``knee_r``... (mm)."""
    return {f"{name}_{side}": np.asarray(raw.joints[f"{joint}_{side}"]["anchor"], dtype=float)
            for name, joint in JOINTS.items() for side in "lr"}


def _rotation_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v, c = np.cross(a, b), float(a @ b)
    k = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + k + k @ k / (1.0 + c)


def _segment_map(src0, src1, dst0, dst1):
    """Return the affine map taking segment src0->src1 onto dst0->dst1 (rotation + axial stretch)."""
    d, e = src1 - src0, dst1 - dst0
    u = d / np.linalg.norm(d)
    stretch = np.eye(3) + (np.linalg.norm(e) / np.linalg.norm(d) - 1.0) * np.outer(u, u)
    m = _rotation_between(d, e) @ stretch
    return lambda p: (p - src0) @ m.T + dst0


def pose_to_skeleton(mh: dict[str, np.ndarray], joints: dict[str, np.ndarray]) -> np.ndarray:
    """Return the MakeHuman vertices moved onto the skeleton (N, 3) mm.

    Parameters
    ----------
    mh : dict
        The vendored MakeHuman lower body (:func:`~sciatic_atlas.assetbuild.skin_source.load_makehuman`).
    joints : dict
        World joint centres (mm) from :func:`world_joints`.
    """
    src = {f"{n}_{s}": mh_to_world_axes(mh[f"joint_{s}_{n}"])[0] for n in JOINTS for s in "lr"}
    scale = np.mean([np.linalg.norm(joints[f"hip_{s}"] - joints[f"ankle_{s}"])
                     / np.linalg.norm(src[f"hip_{s}"] - src[f"ankle_{s}"]) for s in "lr"])
    mid_src = (src["hip_l"] + src["hip_r"]) / 2.0
    mid_dst = (joints["hip_l"] + joints["hip_r"]) / 2.0

    def similar(p):
        return (mh_to_world_axes(p) - mid_src) * scale + mid_dst

    points = similar(mh["vertices"])
    sj = {f"{s}_{n}": similar(mh[f"joint_{s}_{n}"])[0] for s in "lr" for n in JOINTS}
    out = np.zeros_like(points)
    total = np.zeros(len(points))
    for s in "lr":
        # The MakeHuman hip cube sits lateral to the anatomical hip centre; keep it as
        # the thigh's pivot and swing the thigh so its knee lands on the model's knee.
        hip = sj[f"{s}_hip"]
        maps = {
            "thigh": _segment_map(hip, sj[f"{s}_knee"], hip, joints[f"knee_{s}"]),
            "leg": _segment_map(sj[f"{s}_knee"], sj[f"{s}_ankle"], joints[f"knee_{s}"], joints[f"ankle_{s}"]),
            "foot": _segment_map(sj[f"{s}_ankle"], sj[f"{s}_ball"], joints[f"ankle_{s}"], joints[f"ball_{s}"]),
        }
        for channel in ("thigh", "leg", "foot", "toe1", "toe2", "toe3", "toe4", "toe5"):
            w = mh[f"w_{s}_{channel}"].astype(float) / 255.0
            limb = maps.get(channel, maps["foot"])
            out += w[:, None] * limb(points)
            total += w
    rest = np.clip(1.0 - total, 0.0, None)
    out += rest[:, None] * points
    out /= (rest + total)[:, None]
    return out


def back_profile(bone_points: np.ndarray, mid_x: float, z_levels: np.ndarray) -> np.ndarray:
    """Return the most posterior y (mm) of midline bone at each level (NaN where none)."""
    out = np.full(len(z_levels), np.nan)
    near = np.abs(bone_points[:, 0] - mid_x) < 15.0
    for i, z in enumerate(z_levels):
        sel = near & (np.abs(bone_points[:, 2] - z) < 8.0)
        if sel.any():
            out[i] = bone_points[sel, 1].max()
    return out


def _plane_segments(points: np.ndarray, faces: np.ndarray, axis: int, value: float) -> np.ndarray:
    """Return the (K, 2, 3) segments where triangles cross the plane ``p[axis] == value``."""
    side = points[:, axis] - value
    tri = faces
    s = side[tri]
    crossing = (s.min(axis=1) < 0) & (s.max(axis=1) >= 0)
    segments = []
    for t, st in zip(tri[crossing], s[crossing]):
        hits = []
        for a, b in ((0, 1), (1, 2), (2, 0)):
            if (st[a] < 0) != (st[b] < 0):
                f = st[a] / (st[a] - st[b])
                hits.append(points[t[a]] + f * (points[t[b]] - points[t[a]]))
        if len(hits) == 2:
            segments.append(hits)
    return np.asarray(segments).reshape(-1, 2, 3)


def skin_back_profile(points: np.ndarray, faces: np.ndarray, mid_x: float,
                      z_levels: np.ndarray) -> np.ndarray:
    """Return the most posterior y (mm) of the skin's midsagittal section at each level."""
    seg = _plane_segments(points, faces, 0, mid_x)
    out = np.full(len(z_levels), np.nan)
    za, zb = seg[:, 0, 2], seg[:, 1, 2]
    for i, z in enumerate(z_levels):
        sel = (np.minimum(za, zb) <= z) & (np.maximum(za, zb) > z)
        if sel.any():
            f = (z - za[sel]) / (zb[sel] - za[sel])
            out[i] = (seg[sel, 0, 1] + f * (seg[sel, 1, 1] - seg[sel, 0, 1])).max()
    return out


def align_back(points: np.ndarray, faces: np.ndarray, spine_points: np.ndarray, mid_x: float,
               z_range: tuple[float, float], trunk_weight: np.ndarray | None = None) -> np.ndarray:
    """Shear the trunk in y so the back's midline skin lies behind the spine by a fixed depth.

    Parameters
    ----------
    points : ndarray
        Skin vertices (N, 3) mm.
    faces : ndarray
        Skin triangles (M, 3).
    spine_points : ndarray
        Vertices of the sacrum and lumbar vertebrae (mm).
    mid_x : float
        The body's midline x (mm).
    z_range : (float, float)
        Levels (mm) over which the back is matched; above and below, the shift is held.
    trunk_weight : ndarray, optional
        (N,) how much each vertex moves with the trunk, 0..1: the rig's weight of
        everything but the legs. The legs were already posed onto the skeleton, so
        the shear must not drag the thighs backwards. Default: all 1 above the
        lowest matched level, faded out by the knees.
    """
    levels = np.arange(z_range[0], z_range[1] + 1e-6, 20.0)
    bone = back_profile(spine_points, mid_x, levels)
    skin = skin_back_profile(points, faces, mid_x, levels)
    shift = bone + BACK_SOFT_TISSUE_MM - skin
    ok = np.isfinite(shift)
    if ok.sum() < 3:
        log.warning("back alignment skipped: too few midline levels with bone and skin")
        return points
    levels, shift = levels[ok], shift[ok]
    # Smooth the per-level shifts with a running mean so single-level noise does not ripple.
    kernel = np.ones(3) / 3.0
    padded = np.r_[shift[0], shift, shift[-1]]
    shift = np.convolve(padded, kernel, mode="valid")
    z = points[:, 2]
    dy = np.interp(z, levels, shift)
    if trunk_weight is None:
        # Below the lowest matched level the shear fades out by the knees (z of ~ 500 mm).
        fade = np.clip((z - 520.0) / (levels[0] - 520.0), 0.0, 1.0)
        dy = np.where(z < levels[0], shift[0] * fade, dy)
    else:
        dy = dy * trunk_weight
    log.info("back alignment: y shift %.0f..%.0f mm", shift.min(), shift.max())
    out = points.copy()
    out[:, 1] += dy
    return out


HEEL_PAD_MM = 10.0  # skin behind the calcaneal tuberosity
TOE_PULP_MM = 6.0  # skin beyond the tip of the longest toe's distal phalanx


def fit_foot_length(points: np.ndarray, weight: np.ndarray, heel: np.ndarray, toe: np.ndarray,
                    ankle_z: float) -> np.ndarray:
    """Stretch one foot along its long axis so heel and toe tip cover the foot bones.

    Parameters
    ----------
    points : ndarray
        Skin vertices (N, 3) mm.
    weight : ndarray
        (N,) how much each vertex moves with the foot (MakeHuman foot + toe weights, 0..1).
    heel, toe : ndarray
        The most posterior point of the calcaneus and the most anterior point of the
        toe bones (mm).
    ankle_z : float
        Height of the ankle joint (mm); only skin below it sets the current extent.
    """
    axis = np.array([toe[0] - heel[0], toe[1] - heel[1], 0.0])
    axis /= np.linalg.norm(axis)
    u = (points - heel) @ axis
    foot = (weight > 0.3) & (points[:, 2] < ankle_z)
    u_min, u_max = u[foot].min(), u[foot].max()
    target_min, target_max = -HEEL_PAD_MM, float((toe - heel) @ axis) + TOE_PULP_MM
    new_u = target_min + (u - u_min) * (target_max - target_min) / (u_max - u_min)
    return points + (weight * (new_u - u))[:, None] * axis


TOE_SKIN_BELOW_BONE_MM = 2.0  # the toe pulp is thicker than the skin over the nail side


def toe_chains(parts: list[np.ndarray], axis: np.ndarray) -> list[np.ndarray]:
    """Group the phalanges into toes, great toe first.

    Parameters
    ----------
    parts : list of ndarray
        Vertices (mm) of each phalanx (the connected parts of one foot's toe bones).
    axis : ndarray
        Unit vector along the foot, heel to toes, in the ground plane.

    Returns
    -------
    list of ndarray
        Per toe, the vertices of its phalanges, ordered medial (great toe) to lateral;
        empty when the parts do not form five toes.
    """
    centres = np.array([p.mean(axis=0) for p in parts])
    parent = np.full(len(parts), -1)
    for i, c in enumerate(centres):
        d = centres - c
        along = d @ axis
        across = np.linalg.norm(d - np.outer(along, axis), axis=1)
        # A proximal neighbour in line with it: the next phalanx back along the same toe.
        ok = (along < -3.0) & (along > -45.0) & (across < 0.5 * -along + 5.0)
        if ok.any():
            cand = np.flatnonzero(ok)
            parent[i] = cand[np.argmin(across[cand] - 0.25 * along[cand])]
    roots = np.flatnonzero(parent < 0)
    if len(roots) != 5:
        return []

    def root_of(i: int) -> int:
        while parent[i] >= 0:
            i = parent[i]
        return i

    owner = np.array([root_of(i) for i in range(len(parts))])
    return [np.vstack([parts[i] for i in np.flatnonzero(owner == r)]) for r in roots]


def fit_toes(points: np.ndarray, toe_weights: list[np.ndarray], toes: list[np.ndarray],
             axis: np.ndarray) -> np.ndarray:
    """Move each skin toe across the foot and up or down so that it sheathes its phalanges.

    The MakeHuman toes sit higher than the model's phalanges (which lie close to the
    ground) and do not fan out exactly like them; a translation per toe, blended by the
    toe's skin weight, centres each toe on its bones without changing its shape.

    Parameters
    ----------
    points : ndarray
        Skin vertices (N, 3) mm.
    toe_weights : list of ndarray
        Five (N,) skin weights (0..1), great toe first, of one foot.
    toes : list of ndarray
        The phalanx vertices of each toe (:func:`toe_chains`), same order.
    axis : ndarray
        Unit vector along the foot, heel to toes, in the ground plane.
    """
    out = points.copy()
    for w, bone in zip(toe_weights, toes):
        skin = points[w > 0.5]
        if len(skin) < 4:
            continue
        u_skin, u_bone = skin @ axis, bone @ axis
        lo, hi = max(u_skin.min(), u_bone.min()), min(u_skin.max(), u_bone.max())
        if hi - lo < 3.0:
            continue
        s = skin[(u_skin >= lo) & (u_skin <= hi)].mean(axis=0)
        b = bone[(u_bone >= lo) & (u_bone <= hi)].mean(axis=0)
        delta = b - s
        delta -= (delta @ axis) * axis  # the length is fitted by fit_foot_length
        delta[2] -= TOE_SKIN_BELOW_BONE_MM
        out += w[:, None] * delta
        log.debug("toe moved by %s mm", np.round(delta, 1))
    return out
