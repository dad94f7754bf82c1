"""Landmark detection: the named points a teacher points at, found on the model.

Every landmark comes from the model's own geometry (bone meshes, joint anchors,
muscle attachment sites), never from free-floating coordinates, so the nerve
paths built from them (:mod:`sciatic_atlas.assetbuild.nerve_paths`) follow the model.
Each :class:`~sciatic_atlas.assetbuild.parts.Landmark` records in ``how`` the rule
that found it. World frame, millimetres (:mod:`sciatic_atlas.anatomy.frame`).
"""

from __future__ import annotations

import logging

import numpy as np

from sciatic_atlas.anatomy.frame import SIDES
from sciatic_atlas.assetbuild.model_map import bone_geoms
from sciatic_atlas.assetbuild.parts import Landmark

log = logging.getLogger(__name__)

# Hamstring origins share the ischial tuberosity (Standring, Gray's Anatomy 42nd ed., ch. 80).
_HAMSTRING_ORIGINS = ("bflh-P1", "semiten-P1", "semimem-P1")
# mm medial of the greater sciatic notch's bony edge where the foramen is open.
FORAMEN_INSET = 4.0


def bone_vertices(raw, part, structure_id: str) -> np.ndarray:
    """Return the vertices (mm) of a bone: the built mesh if present, else the raw geoms."""
    if part is not None and structure_id in part.meshes:
        return np.asarray(part.meshes[structure_id].vertices, float)
    geoms, _body = bone_geoms()[structure_id]
    return np.vstack([raw.bones[g].vertices for g in geoms])


def midline_x(raw) -> float:
    """Return the x (mm) of the median plane: halfway between the two hip joint centres."""
    return float((raw.joints["hip_flexion_r"]["anchor"][0] + raw.joints["hip_flexion_l"]["anchor"][0]) / 2)


def lateral_sign(s: str) -> float:
    """Return +1 for the left side ('l'), -1 for the right ('r'): x grows to the body's left."""
    return 1.0 if s == "l" else -1.0


def _closest(vertices: np.ndarray, point: np.ndarray) -> np.ndarray:
    return vertices[int(np.argmin(np.linalg.norm(vertices - point, axis=1)))]


def _side_landmarks(raw, part, s: str, x0: float) -> dict[str, Landmark]:
    side = SIDES[s]
    sign = lateral_sign(s)
    hip = bone_vertices(raw, part, f"hip_bone_{s}")
    femur = bone_vertices(raw, part, f"femur_{s}")
    tibia = bone_vertices(raw, part, f"tibia_{s}")
    fibula = bone_vertices(raw, part, f"fibula_{s}")

    def lat(v):  # distance lateral of the median plane, mm
        return (np.atleast_2d(v)[:, 0] - x0) * sign

    out: dict[str, Landmark] = {}

    def add(name, pos, structure, how):
        out[f"{name}_{s}"] = Landmark(np.asarray(pos, float), side, structure, how)

    hjc = np.asarray(raw.joints[f"hip_flexion_{s}"]["anchor"], float)
    add("hip_joint_centre", hjc, f"femur_{s}", "anchor of the model's hip joint (femoral head centre)")

    knee_anchor = np.asarray(raw.joints[f"knee_angle_{s}"]["anchor"], float)
    near = np.linalg.norm((femur - knee_anchor)[:, :2], axis=1) < 40
    tib_near = np.linalg.norm((tibia - knee_anchor)[:, :2], axis=1) < 40
    z_line = (femur[near, 2].min() + tibia[tib_near, 2].max()) / 2
    knee = np.array([knee_anchor[0], knee_anchor[1], z_line])
    add("knee_joint_centre", knee, f"tibia_{s}",
        "knee joint anchor (x, y) at the joint line: halfway between the lowest femoral "
        "condyle point and the highest tibial point within 40 mm of the anchor")

    origins = np.array([raw.sites[f"{n}_{s}"][0] for n in _HAMSTRING_ORIGINS])
    it = _closest(hip, origins.mean(axis=0))
    add("ischial_tuberosity", it, f"hip_bone_{s}",
        "hip-bone surface point closest to the mean of the hamstring origin sites (bflh, semiten, semimem P1)")

    prox = femur[(femur[:, 2] > hjc[2] - 70) & (femur[:, 2] < hjc[2] + 40)]
    lat_max = lat(prox).max()
    cand = prox[lat(prox) > lat_max - 6]
    gt = cand[np.argmax(cand[:, 2])]
    add("greater_trochanter", gt, f"femur_{s}",
        "highest of the most lateral proximal-femur vertices (within 6 mm of the lateral extreme)")

    upper = hip[hip[:, 2] > hjc[2]]
    add("iliac_crest", upper[np.argmax(upper[:, 2])], f"hip_bone_{s}", "highest hip-bone vertex")
    psis = upper[np.argmax(upper[:, 1])]
    add("posterior_superior_iliac_spine", psis, f"hip_bone_{s}", "most posterior hip-bone vertex above the hip centre")
    add("anterior_superior_iliac_spine", upper[np.argmin(upper[:, 1])], f"hip_bone_{s}",
        "most anterior hip-bone vertex above the hip centre")

    # Ischial spine: posterior border between tuberosity and hip centre, the most medial point.
    band = hip[(hip[:, 2] > it[2] + 15) & (hip[:, 2] < hjc[2] + 5) & (hip[:, 1] > hjc[1] + 10)]
    spine = band[np.argmin(lat(band) - 0.5 * (band[:, 1] - hjc[1]))]
    add("ischial_spine", spine, f"hip_bone_{s}",
        "posterior hip-bone vertex between the tuberosity and the hip centre level that is most "
        "medial and posterior (min lateral - 0.5 x posterior)")

    # Greater sciatic notch: the hip-bone point against which piriformis leaves the pelvis
    # (piriformis fills the greater sciatic foramen; Standring, Gray's Anatomy 42nd ed., ch. 79).
    via = np.asarray(raw.sites[f"piri-P2_{s}"][0], float)
    above = hip[(hip[:, 2] > spine[2]) & (hip[:, 1] > hjc[1])]
    notch = _closest(above, via)
    add("greater_sciatic_notch", notch, f"hip_bone_{s}",
        "posterior hip-bone vertex above the ischial spine nearest to the piriformis via point "
        "(piri-P2) in the greater sciatic foramen")

    add("piriformis_lower_border", piriformis_lower_border(raw, part, s, notch), f"piriformis_{s}",
        "lowest point of the inferior surface of piriformis where its path crosses the greater sciatic "
        "notch, over the open foramen (medial of the notch's bony edge)")

    top = fibula[np.argmax(fibula[:, 2])]
    head_band = fibula[fibula[:, 2] > top[2] - 12]
    head = head_band[np.argmax(lat(head_band))]
    add("fibular_head", head, f"fibula_{s}", "most lateral vertex of the top 12 mm of the fibula")
    ring = fibula[(fibula[:, 2] < top[2] - 22) & (fibula[:, 2] > top[2] - 45)]
    neck = ring[np.argmax(lat(ring) + 0.5 * (ring[:, 1] - ring[:, 1].mean()))]
    add("fibular_neck", neck, f"fibula_{s}",
        "posterolateral-most vertex of the fibula 22-45 mm below its apex (the neck)")

    dist_t = tibia[tibia[:, 2] < tibia[:, 2].min() + 25]
    add("medial_malleolus", dist_t[np.argmin(lat(dist_t))], f"tibia_{s}",
        "most medial vertex of the distal 25 mm of the tibia")
    dist_f = fibula[fibula[:, 2] < fibula[:, 2].min() + 25]
    add("lateral_malleolus", dist_f[np.argmax(lat(dist_f))], f"fibula_{s}",
        "most lateral vertex of the distal 25 mm of the fibula")

    add("popliteal_fossa_apex", popliteal_apex(raw, femur, s, hjc, knee), f"femur_{s}",
        "behind the femur where its distal metaphysis starts to flare (medio-lateral width > "
        "1.25 x mid-shaft width), halfway between the biceps and semimembranosus paths")
    return out


def piriformis_lower_border(raw, part, s: str, notch: np.ndarray) -> np.ndarray:
    """Return the lower border of piriformis (mm) at the greater sciatic notch.

    Uses the built piriformis mesh when the muscles stage made one: its lowest vertex within
    12 mm of the plane through the notch across the muscle path and over the foramen, i.e. at
    least ``FORAMEN_INSET`` mm medial of the notch's bony edge (lateral of it the muscle lies
    behind the ischium, not over the opening the sciatic nerve leaves by). Without a mesh: the
    model path point at the notch lowered by a belly half-thickness estimated from the muscle
    volume (PCSA x fibre length).
    """
    path = raw.muscles[f"piri_{s}"].path
    # Path point nearest the notch, on the segment sacrum -> trochanter.
    t = np.linspace(0, 1, 200)[:, None]
    pts = np.vstack([a + t * (b - a) for a, b in zip(path[:-1], path[1:])])
    on_path = pts[np.argmin(np.linalg.norm(pts - notch, axis=1))]
    sid = f"piriformis_{s}"
    if part is not None and sid in part.meshes:
        v = np.asarray(part.meshes[sid].vertices, float)
        axis = path[-1] - path[0]
        axis /= np.linalg.norm(axis)
        sl = v[np.abs((v - on_path) @ axis) < 12]
        over = sl[(sl[:, 0] - notch[0]) * lateral_sign(s) < -FORAMEN_INSET]
        sl = over if len(over) else sl
        if len(sl):
            return sl[np.argmin(sl[:, 2])]
    m = raw.muscles[f"piri_{s}"]
    # volume = F / sigma * L_opt, sigma = 0.6 N/mm^2... spread over the path: r = sqrt(V / (pi L)).
    volume = m.max_force / 0.6 * m.optimal_fibre_length  # mm^3 (specific tension 60 N/cm^2)
    length = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
    radius = float(np.sqrt(volume / (np.pi * length)))
    return on_path - np.array([0.0, 0.0, radius])


def popliteal_apex(raw, femur: np.ndarray, s: str, hjc: np.ndarray, knee: np.ndarray) -> np.ndarray:
    """Return the apex of the popliteal fossa (mm): where the femur's distal flare starts."""
    zs = np.arange(knee[2] + 10, hjc[2] - 150, 4.0)
    widths = []
    for z in zs:
        sl = femur[np.abs(femur[:, 2] - z) < 5]
        widths.append(np.ptp(sl[:, 0]) if len(sl) > 2 else np.nan)
    widths = np.array(widths)
    mid = np.nanmedian(widths[(zs > (knee[2] + hjc[2]) / 2 - 60) & (zs < (knee[2] + hjc[2]) / 2 + 60)])
    flare = zs[widths > 1.25 * mid]
    z_apex = float(flare.max()) if len(flare) else knee[2] + 0.25 * (hjc[2] - knee[2])
    bf, sm = raw.muscles[f"bflh_{s}"].path, raw.muscles[f"semimem_{s}"].path
    mid_xy = (path_at_z(bf, z_apex) + path_at_z(sm, z_apex)) / 2
    sl = femur[np.abs(femur[:, 2] - z_apex) < 6]
    back = sl[:, 1].max()
    return np.array([mid_xy[0], (back + mid_xy[1]) / 2, z_apex])


def path_at_z(path: np.ndarray, z: float) -> np.ndarray:
    """Return the point (mm) where a descending polyline crosses height ``z`` (clamped)."""
    path = np.asarray(path, float)
    for a, b in zip(path[:-1], path[1:]):
        lo, hi = sorted((a[2], b[2]))
        if lo <= z <= hi and hi > lo:
            t = (z - a[2]) / (b[2] - a[2])
            return a + t * (b - a)
    return path[np.argmin(np.abs(path[:, 2] - z))]


def find_landmarks(raw, part=None) -> dict[str, Landmark]:
    """Locate every bilateral landmark on the model.

    Parameters
    ----------
    raw : RawModel
        The model at its neutral pose (:func:`sciatic_atlas.assetbuild.extract.load_raw_model`).
    part : BuildPart, optional
        Earlier stages' output; its bone and muscle meshes are preferred over the raw geoms.

    Returns
    -------
    dict
        ``"<name>_<side>" -> Landmark``, world frame, mm.
    """
    x0 = midline_x(raw)
    out: dict[str, Landmark] = {}
    for s in SIDES:
        out.update(_side_landmarks(raw, part, s, x0))
    log.info("found %d landmarks", len(out))
    return out
