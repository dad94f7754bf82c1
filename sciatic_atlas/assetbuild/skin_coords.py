"""Surface coordinates of the skin: where each vertex is, in words a clinician uses.

Per vertex (arrays written to ``assets/skin_coords.npz``; read by
:mod:`sciatic_atlas.anatomy.skin_regions`, which documents them):

- ``side``: +1 the body's left (x above the midline), -1 its right.
- ``segment``: index into ``segment_names`` (lower back, abdomen, groin, buttock, thigh,
  knee, leg, ankle, foot), from the model's joint centres and iliac crests.
- ``aspect``: degrees around the limb (or trunk) axis on that side: 0 anterior,
  90 lateral, 180 posterior, 270 medial.
- ``along``: 0 at the proximal (upper) end of the segment, 1 at its distal end; on the
  foot, 0 at the back of the heel and 1 at the tip of the longest toe.
- ``foot_part``: index into ``foot_part_names`` (none, dorsum, sole, heel, medial
  border, lateral border, great toe, lesser toes).
- ``toe``: on the toes, which toe (1 great ... 5 little, fractional between); else 0.
- ``across``: on the foot, 0 at its medial edge and 1 at its lateral edge.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.landmarks import midline_x
from sciatic_atlas.assetbuild.mesh_ops import vertex_normals
from sciatic_atlas.assetbuild.model_map import bone_geoms

SEGMENTS = ("lower_back", "abdomen", "groin", "buttock", "thigh", "knee", "leg", "ankle", "foot")
FOOT_PARTS = ("none", "dorsum", "sole", "heel", "medial_border", "lateral_border", "great_toe", "lesser_toes")
KNEE_ABOVE_MM, KNEE_BELOW_MM = 60.0, 50.0  # knee region around the knee joint centre
ANKLE_ABOVE_MM, ANKLE_BELOW_MM = 55.0, 25.0  # ankle region around the ankle joint centre
# Height of the trunk/thigh boundary relative to the hip centre, by aspect (deg):
# inguinal crease in front, below the greater trochanter laterally, gluteal fold behind,
# perineum medially (surface anatomy: Standring, Gray's Anatomy 42nd ed., ch. 76).
LIMB_TOP_ASPECT = (0.0, 90.0, 180.0, 270.0, 360.0)
LIMB_TOP_OFFSET_MM = (-15.0, -60.0, -105.0, -75.0, -15.0)


def _aspect(d: np.ndarray, lateral_sign: np.ndarray) -> np.ndarray:
    """Return degrees clockwise from anterior: 0 ant, 90 lateral, 180 post, 270 medial."""
    lateral = d[:, 0] * lateral_sign
    anterior = -d[:, 1]
    return np.degrees(np.arctan2(lateral, anterior)) % 360.0


def _binned_centres(points: np.ndarray, mask: np.ndarray, z: np.ndarray, step: float = 10.0) -> np.ndarray:
    """Return the (x, y) centre of the masked vertices at each vertex's height (mm)."""
    sel = points[mask]
    lo = sel[:, 2].min()
    bins = np.floor((sel[:, 2] - lo) / step).astype(int)
    n = bins.max() + 1
    sums = np.zeros((n, 2))
    counts = np.zeros(n)
    np.add.at(sums, bins, sel[:, :2])
    np.add.at(counts, bins, 1)
    levels = lo + (np.arange(n) + 0.5) * step
    ok = counts > 0
    centres = sums[ok] / counts[ok, None]
    kernel = np.ones(5) / 5.0
    cx = np.convolve(np.pad(centres[:, 0], 2, mode="edge"), kernel, mode="valid")
    cy = np.convolve(np.pad(centres[:, 1], 2, mode="edge"), kernel, mode="valid")
    return np.c_[np.interp(z, levels[ok], cx), np.interp(z, levels[ok], cy)]


def compute(vertices: np.ndarray, faces: np.ndarray, weights: dict[str, np.ndarray], raw, part) -> dict[str, np.ndarray]:
    """Return the per-vertex surface coordinates of the skin (see the module docstring).

    Parameters
    ----------
    vertices, faces : ndarray
        The fitted skin (mm) and its triangles.
    weights : dict
        MakeHuman skin weights per vertex (``l_foot``, ``r_toe1``...), 0..1.
    raw : RawModel
        The model (joint centres, bones).
    part : BuildPart
        Earlier stages' output (unused beyond the raw bones today; kept for landmarks).
    """
    v = np.asarray(vertices, dtype=float)
    n = len(v)
    x0 = midline_x(raw)
    side = np.where(v[:, 0] >= x0, 1, -1).astype(np.int8)
    normals = vertex_normals(v, faces)
    segment = np.zeros(n, dtype=np.int8)
    aspect = np.zeros(n)
    along = np.zeros(n)
    foot_part = np.zeros(n, dtype=np.int8)
    toe = np.zeros(n)
    across = np.zeros(n)
    seg = {name: i for i, name in enumerate(SEGMENTS)}
    top = v[:, 2].max()
    for s, sign in (("l", 1), ("r", -1)):
        mine = side == sign
        hip, knee, ankle = (np.asarray(raw.joints[f"{j}_{s}"]["anchor"], float)
                            for j in ("hip_flexion", "knee_angle", "ankle_angle"))
        pelvis = np.vstack([raw.bones[g].vertices for g in bone_geoms()[f"hip_bone_{s}"][0]])
        crest = pelvis[:, 2].max()
        lat = np.full(n, float(sign))
        # Limb aspect first (around the leg's own axis), then decide trunk vs limb.
        limb_guess = mine & (v[:, 2] < hip[2] - 40.0)
        centre = _binned_centres(v, limb_guess, v[:, 2])
        limb_aspect = _aspect(np.c_[v[:, :2] - centre, np.zeros(n)], lat)
        top_of_limb = hip[2] + np.interp(limb_aspect, LIMB_TOP_ASPECT, LIMB_TOP_OFFSET_MM)
        limb = mine & (v[:, 2] < top_of_limb)
        trunk = mine & ~limb
        trunk_centre = np.array([x0, hip[1]])
        trunk_aspect = _aspect(np.c_[v[:, :2] - trunk_centre, np.zeros(n)], lat)
        aspect[trunk] = trunk_aspect[trunk]
        aspect[limb] = limb_aspect[limb]
        above = trunk & (v[:, 2] >= crest)
        below = trunk & (v[:, 2] < crest)
        back = trunk_aspect >= 100.0
        buttockish = trunk_aspect >= 60.0
        segment[above & back] = seg["lower_back"]
        along[above & back] = (top - v[above & back, 2]) / (top - crest)
        segment[above & ~back] = seg["abdomen"]
        along[above & ~back] = (top - v[above & ~back, 2]) / (top - crest)
        segment[below & buttockish] = seg["buttock"]
        segment[below & ~buttockish] = seg["groin"]
        span = np.maximum(crest - top_of_limb, 1.0)
        along[below] = ((crest - v[:, 2]) / span)[below]
        # Limb segments by height, foot by geometry below and in front of the ankle.
        z = v[:, 2]
        foot = limb & ((z < ankle[2] - ANKLE_BELOW_MM) | ((v[:, 1] < ankle[1] - 45.0) & (z < ankle[2] + 15.0)))
        bands = (
            ("thigh", top_of_limb, knee[2] + KNEE_ABOVE_MM),
            ("knee", knee[2] + KNEE_ABOVE_MM, knee[2] - KNEE_BELOW_MM),
            ("leg", knee[2] - KNEE_BELOW_MM, ankle[2] + ANKLE_ABOVE_MM),
            ("ankle", ankle[2] + ANKLE_ABOVE_MM, np.full(n, -np.inf)),
        )
        for name, upper, lower in bands:
            upper = np.broadcast_to(upper, (n,))
            lower = np.broadcast_to(lower, (n,))
            sel = limb & ~foot & (z < upper) & (z >= lower)
            segment[sel] = seg[name]
            bottom = np.where(np.isfinite(lower), lower, ankle[2] - ANKLE_BELOW_MM)
            along[sel] = ((upper - z) / np.maximum(upper - bottom, 1.0))[sel]
        segment[foot] = seg["foot"]
        _foot_coords(v, normals, weights, s, sign, foot, foot_part, toe, across, along)
    return {
        "side": side,
        "segment": segment,
        "aspect": aspect.astype(np.float32),
        "along": np.clip(along, 0.0, 1.0).astype(np.float32),
        "foot_part": foot_part,
        "toe": toe.astype(np.float32),
        "across": across.astype(np.float32),
        "segment_names": np.array(SEGMENTS),
        "foot_part_names": np.array(FOOT_PARTS),
    }


def _foot_coords(v, normals, weights, s, sign, foot, foot_part, toe, across, along) -> None:
    """Fill the foot's coordinates in place (see the module docstring)."""
    part = {name: i for i, name in enumerate(FOOT_PARTS)}
    fv = v[foot]
    toe_w = np.stack([weights[f"{s}_toe{i}"][foot] for i in range(1, 6)], axis=1)
    toe_sum = toe_w.sum(axis=1)
    # Long axis: heel (most posterior) to toe tip (most anterior), in the ground plane.
    heel = fv[np.argmax(fv[:, 1])]
    tip = fv[np.argmin(fv[:, 1])]
    axis = np.array([tip[0] - heel[0], tip[1] - heel[1], 0.0])
    length = np.linalg.norm(axis)
    axis /= length
    lateral = np.array([-axis[1], axis[0], 0.0]) * np.sign(-axis[1]) * sign
    u = (fv - heel) @ axis / length
    w = (fv - heel) @ lateral
    along[foot] = np.clip(u, 0.0, 1.0)
    # Medial-to-lateral position across the foot, per 5 % slice of its length.
    bins = np.clip((u * 20).astype(int), 0, 19)
    lo = np.full(20, np.inf)
    hi = np.full(20, -np.inf)
    np.minimum.at(lo, bins, w)
    np.maximum.at(hi, bins, w)
    across[foot] = (w - lo[bins]) / np.maximum(hi[bins] - lo[bins], 1.0)
    n = normals[foot]
    n_lat = n @ lateral
    fp = np.full(len(fv), part["dorsum"], dtype=np.int8)
    fp[n_lat > 0.6] = part["lateral_border"]
    fp[n_lat < -0.6] = part["medial_border"]
    fp[n[:, 2] < -0.45] = part["sole"]
    fp[(u < 0.22) & ((n[:, 2] < -0.2) | (n @ axis < -0.3))] = part["heel"]
    on_toes = toe_sum > 0.5
    toe_index = (toe_w * np.arange(1, 6)).sum(axis=1) / np.maximum(toe_sum, 1e-9)
    great = on_toes & (toe_w[:, 0] >= toe_w[:, 1:].max(axis=1))
    fp[on_toes & (n[:, 2] >= -0.45)] = part["lesser_toes"]
    fp[great & (n[:, 2] >= -0.45)] = part["great_toe"]
    toe[foot] = np.where(toe_sum > 0.05, toe_index, 0.0)
    foot_part[foot] = fp
