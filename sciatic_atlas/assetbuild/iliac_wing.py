"""Raise the upper iliac wing of the model's pelvis (issue 12), smoothly and locally.

The model's crests stood at L5, where the intercristal line crosses L4 or the L4/L5
interspace (``data/iliac_wing.yaml``, with the measurements and sources). Each point of a
hip bone, and every muscle site, path point and wrapping geom carried by the pelvis (and by
the sacrum body, which holds the lumbar muscles' crest attachments) moves straight up by
``rise * w``, where ``w`` is the product of

* a smoothstep in height: 0 up to ``base`` mm above the hip joint centre of the point's side
  (acetabulum, greater sciatic notch), 1 at that side's crest top and above;
* a smoothstep in distance from the sacrum: 0 within the first fade distance (sacroiliac
  joint), 1 beyond the second;
* one in distance from the model's hip bones: 1 on and near the bone, 0 beyond the second
  distance, so a point moves with the wing only if it lies on it or in the muscle on it (not,
  say, a psoas or multifidus point beside the spine).

So the template hip bones fitted later (:mod:`~sciatic_atlas.assetbuild.bones`), the muscles
built on the sites, and the landmarks found on the bones all see one and the same pelvis.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sciatic_atlas.anatomy.easing import smoothstep
from sciatic_atlas.assetbuild.data import build_data
from sciatic_atlas.assetbuild.mesh_ops import surface_distances

log = logging.getLogger(__name__)

SACRUM_GEOM = "sacrum_geom_1"
HIP_GEOMS = {"r": "pelvis_r", "l": "pelvis_l"}


@dataclass(frozen=True)
class WingWarp:
    """The warp of one model: its parameters and the model geometry they refer to (mm)."""

    rise: float
    base: dict[str, float]  # side -> z where the rise starts
    top: dict[str, float]  # side -> z of the crest top (full rise)
    midline_x: float
    fade: tuple[float, float]
    sacrum: tuple[np.ndarray, np.ndarray]
    reach: tuple[float, float]
    hips: tuple[tuple[np.ndarray, np.ndarray], ...]

    def weights(self, points: np.ndarray) -> np.ndarray:
        """Return the warp weight (0-1) of each point (N, 3)."""
        p = np.atleast_2d(np.asarray(points, float))
        left = p[:, 0] > self.midline_x  # x grows to the body's left
        base = np.where(left, self.base["l"], self.base["r"])
        top = np.where(left, self.top["l"], self.top["r"])
        w = smoothstep((p[:, 2] - base) / (top - base))
        lifted = w > 0
        if lifted.any():
            d = surface_distances(p[lifted], *self.sacrum)
            w[lifted] *= smoothstep((d - self.fade[0]) / (self.fade[1] - self.fade[0]))
        lifted = w > 0
        if lifted.any():
            d = np.min([surface_distances(p[lifted], *hip) for hip in self.hips], axis=0)
            w[lifted] *= 1.0 - smoothstep((d - self.reach[0]) / (self.reach[1] - self.reach[0]))
        return w

    def apply(self, points: np.ndarray) -> np.ndarray:
        """Return the points (N, 3) moved by the warp."""
        p = np.array(np.atleast_2d(points), float)
        p[:, 2] += self.rise * self.weights(p)
        return p


def wing_warp(raw) -> WingWarp:
    """Return the warp for the model ``raw`` (its bones as read, before any warp)."""
    cfg = build_data("iliac_wing.yaml")["warp"]
    hjc = {s: np.asarray(raw.joints[f"hip_flexion_{s}"]["anchor"], float) for s in HIP_GEOMS}
    sac = raw.bones[SACRUM_GEOM]
    return WingWarp(
        rise=float(cfg["rise_mm"]["value"]),
        base={s: float(hjc[s][2] + cfg["base_above_hip_centre_mm"]) for s in HIP_GEOMS},
        top={s: float(raw.bones[g].vertices[:, 2].max()) for s, g in HIP_GEOMS.items()},
        midline_x=float((hjc["r"][0] + hjc["l"][0]) / 2),
        fade=tuple(float(x) for x in cfg["sacrum_fade_mm"]),
        sacrum=(sac.vertices, sac.faces),
        reach=tuple(float(x) for x in cfg["hip_bone_reach_mm"]),
        hips=tuple((raw.bones[g].vertices, raw.bones[g].faces) for g in HIP_GEOMS.values()),
    )


def raise_iliac_wings(raw) -> WingWarp:
    """Apply the wing warp to ``raw`` in place: hip-bone meshes, sites, muscle paths, wrap geoms.

    The hip bones keep the model's own vertices in ``model_vertices``: the template is fitted to
    those and then warped (:mod:`~sciatic_atlas.assetbuild.bones`), so the fit of the whole pelvis,
    the sacrum's included, stays what it was.
    """
    warp = wing_warp(raw)
    bodies = set(build_data("iliac_wing.yaml")["warp"]["bodies"])
    for g in HIP_GEOMS.values():
        bone = raw.bones[g]
        bone.model_vertices = bone.vertices
        bone.vertices = warp.apply(bone.vertices)
    names = [n for n, (_, b) in raw.sites.items() if b in bodies]
    if names:
        moved = warp.apply(np.array([raw.sites[n][0] for n in names]))
        for n, p in zip(names, moved):
            raw.sites[n] = (p, raw.sites[n][1])
    for m in raw.muscles.values():
        on = np.array([b in bodies for b in m.path_bodies])
        if on.any():
            path = np.array(m.path, float)
            path[on] = warp.apply(path[on])
            m.path = path
    for geom in raw.wrap_geoms.values():
        if geom["body"] in bodies:
            geom["pos"] = warp.apply(geom["pos"])[0]
    raw.wing_warp = warp
    log.info("iliac wings raised by up to %.1f mm (crest tops z %.1f / %.1f mm before)",
             warp.rise, warp.top["r"], warp.top["l"])
    return warp
