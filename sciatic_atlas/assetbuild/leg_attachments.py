"""Attachment points of the knee, calf and ankle structures the model has no actuators for.

Popliteus, plantaris, the flexor retinaculum of the tarsal tunnel and abductor hallucis
(``data/attachments.yaml``) are laid through these points by
:func:`~sciatic_atlas.assetbuild.attachments.band`. Bony points are found on the built bone
meshes; the few points that lie between muscles (the plantaris tendon between gastrocnemius
and soleus, the roof of the tarsal tunnel over the long flexor tendons) come from the model's
own actuator paths. World frame, millimetres (+z up, +y posterior, right side at -x).
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.landmarks import lateral_sign, midline_x, path_at_z

# mm medial of the most medial long flexor tendon line (tibialis posterior, FDL, FHL) where the
# flexor retinaculum roofs the tarsal tunnel: room for the tendons' half width (~5 mm), the
# tibial nerve (~5 mm) and the retinaculum itself (Gray's 42nd ed. ch. 84: the tunnel's contents
# lie in separate compartments under the retinaculum).
TUNNEL_ROOF = 14.0
# Fraction of the way from the soleus line to the medial gastrocnemius line where the plantaris
# tendon runs: the model's lines are the bellies' middles and the thick soleus reaches most of
# the way to gastrocnemius, so the interface between them lies near the gastrocnemius line.
PLANTARIS_BETWEEN = 0.8


def leg_points(raw, meshes: dict, side: str, lm: dict) -> dict[str, np.ndarray]:
    """Return the named knee, calf and foot attachment points (mm) of one side.

    Rules (Moore 9th ed., Lower Limb: tables of the posterior leg muscles and of the first
    layer of the sole, "Tarsal tunnel"; Gray's 42nd ed. chs. 83-84):

    - ``popliteal_groove``: the most lateral femur vertex 8-22 mm above the knee joint centre
      (the lateral condyle's outer face, where the popliteus tendon arises in its groove);
      ``popliteus_lateral_tibia``: the most posterior tibia vertex of the lateral half 12-22 mm
      below the joint centre (the tendon crosses the back of the lateral tibial condyle);
      ``popliteus_tibia``: the most posterior vertex of the tibia's medial 30 % 17-27 mm below
      it (the triangular area above the soleal line; the model's soleal arch, where the
      tibial nerve leaves popliteus for tibialis posterior, lies ~37 mm below the joint centre, and the nerve dives to it from ~30 mm).
    - ``lateral_supracondylar_line``: the most lateral of the femur's most posterior vertices
      52-62 mm above the joint centre (above the lateral gastrocnemius head);
      ``plantaris_belly``: 35 mm below the joint centre, between the soleus and lateral
      gastrocnemius model lines (:data:`PLANTARIS_BETWEEN`); ``plantaris_calf`` / ``plantaris_low``: at 40 % and 80 % of the way
      from the joint centre to the medial malleolus, between the soleus and medial gastrocnemius
      lines (:data:`PLANTARIS_BETWEEN`), the low one 12 mm medial (beside the calcaneal tendon);
      ``calcaneus_medial``: the most medial calcaneus vertex within 20 mm of the soleus
      insertion (medial to the calcaneal tendon).
    - ``medial_malleolus_back``: the most posterior tibia vertex within 12 mm above the medial
      malleolus landmark's height, in the malleolus's medial 15 mm; ``tarsal_tunnel_roof``:
      :data:`TUNNEL_ROOF` mm medial of the most medial long flexor line, 15 mm below the
      malleolus; ``calcaneus_medial_wall``: the most medial foot-bone vertex 20-35 mm below the
      malleolus and behind it.
    - ``medial_calcaneal_tuberosity``: the most medial of the foot bones' vertices in the
      posterior 25 mm and lowest 20 mm; ``medial_sole``: the lowest of the most medial foot-bone
      vertices midway from the heel to the front of the foot bones, 4 mm below and medial;
      ``hallux_base``: the most medial vertex of the great toe's base (the toe bones' most
      medial 18 mm, their posterior 6 mm).
    """
    sign = lateral_sign(side)
    x0 = midline_x(raw)
    femur = np.asarray(meshes[f"femur_{side}"].vertices, float)
    tibia = np.asarray(meshes[f"tibia_{side}"].vertices, float)
    foot = np.asarray(meshes[f"foot_bones_{side}"].vertices, float)
    toes = np.asarray(meshes[f"toe_bones_{side}"].vertices, float)
    muscle = {name: np.asarray(raw.muscles[f"{name}_{side}"].path, float)
              for name in ("gasmed", "gaslat", "soleus", "tibpost", "fdl", "fhl")}
    med = np.array([-sign, 0.0, 0.0])

    def lat(v):
        return (np.atleast_2d(v)[:, 0] - x0) * sign

    def band_z(v, lo, hi):
        return v[(v[:, 2] > lo) & (v[:, 2] < hi)]

    knee, mm = lm[f"knee_joint_centre_{side}"], lm[f"medial_malleolus_{side}"]
    kz = knee[2]
    out = {}
    cond = band_z(femur, kz + 8, kz + 22)
    out["popliteal_groove"] = cond[np.argmax(lat(cond))]
    top = band_z(tibia, kz - 22, kz - 12)
    mid = np.median(lat(top))
    outer = top[lat(top) > mid]
    out["popliteus_lateral_tibia"] = outer[np.argmax(outer[:, 1])]
    low = band_z(tibia, kz - 27, kz - 17)
    inner = low[lat(low) < np.quantile(lat(low), 0.3)]
    out["popliteus_tibia"] = inner[np.argmax(inner[:, 1])]

    shaft = band_z(femur, kz + 52, kz + 62)
    back = shaft[shaft[:, 1] > shaft[:, 1].max() - 6]
    out["lateral_supracondylar_line"] = back[np.argmax(lat(back))]
    zb = kz - 35
    sol = path_at_z(muscle["soleus"], zb)
    out["plantaris_belly"] = sol + PLANTARIS_BETWEEN * (path_at_z(muscle["gaslat"], zb) - sol)
    for name, f, shift in (("plantaris_calf", 0.4, 0.0), ("plantaris_low", 0.8, 12.0)):
        z = kz + f * (mm[2] - kz)
        sol, gas = path_at_z(muscle["soleus"], z), path_at_z(muscle["gasmed"], z)
        out[name] = sol + PLANTARIS_BETWEEN * (gas - sol) + med * shift
    heel = foot[np.linalg.norm(foot - muscle["soleus"][-1], axis=1) < 20.0]
    out["calcaneus_medial"] = heel[np.argmin(lat(heel))]

    mall = band_z(tibia, mm[2], mm[2] + 12)
    mall = mall[lat(mall) < lat(mm)[0] + 15]
    out["medial_malleolus_back"] = mall[np.argmax(mall[:, 1])]
    zt = mm[2] - 15
    lines = np.array([path_at_z(muscle[n], zt) for n in ("tibpost", "fdl", "fhl")])
    roof = lines[np.argmin(lat(lines))].copy()
    out["tarsal_tunnel_roof"] = roof + med * TUNNEL_ROOF
    wall = band_z(foot, mm[2] - 35, mm[2] - 20)
    wall = wall[wall[:, 1] > mm[1]]
    out["calcaneus_medial_wall"] = wall[np.argmin(lat(wall))]

    rear = foot[(foot[:, 1] > foot[:, 1].max() - 25) & (foot[:, 2] < foot[:, 2].min() + 20)]
    out["medial_calcaneal_tuberosity"] = rear[np.argmin(lat(rear))]
    y_mid = (foot[:, 1].max() + foot[:, 1].min()) / 2
    ring = foot[np.abs(foot[:, 1] - y_mid) < 4]
    edge = ring[lat(ring) < lat(ring).min() + 6]
    out["medial_sole"] = edge[np.argmin(edge[:, 2])] + med * 4.0 - np.array([0.0, 0.0, 4.0])
    big = toes[lat(toes) < lat(toes).min() + 18]
    base = big[big[:, 1] > big[:, 1].max() - 6]
    out["hallux_base"] = base[np.argmin(lat(base))]
    return {k: np.asarray(v, float) for k, v in out.items()}
