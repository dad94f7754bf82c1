"""Traversing roots: the L4, L5 and S1 roots inside the vertebral canal down to their foramina.

Anatomy (Bogduk N., Clinical and Radiological Anatomy of the Lumbar Spine, 5th ed., 2012,
ch. "Nerves of the lumbar spine"; Ropper AH, Zafonte RD, Sciatica, N Engl J Med
2015;372:1240-48, fig. 1): each lumbar root leaves the dural sac about one level above its
foramen, runs down in the lateral recess of the canal (its antero-lateral gutter) behind the
disc above, passes medial to and under the pedicle of its own vertebra and exits through the
foramen below that pedicle: L4 behind the L3/L4 disc to the L4/L5 foramen, L5 behind the
L4/L5 disc to the L5/S1 foramen; S1 leaves the sac at L5, passes behind the L5/S1 disc into
the sacral canal and leaves through the first sacral foramen. This is why a postero-lateral
L4/L5 disc bulge catches the L5 root and an L5/S1 bulge the S1 root. Each root ends where the
ventral ramus of the same name starts (:mod:`~sciatic_atlas.assetbuild.nerve_plexus`).

The canal is the discs stage's ``spinal_canal`` mesh; its cross-section at a height is read
from the mesh's vertices. World frame, millimetres.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.nerve_context import NerveContext, NerveSpec, round_sections
from sciatic_atlas.assetbuild.nerve_figures import diameter

# Root diameters (mm) in the canal: the motor and sensory roots together, 4-5 mm (Bogduk
# 2012, ch. "Nerves of the lumbar spine"; the S1 root is the largest): data/nerve_figures.yaml.
ROOT_DIAMETER = {level: diameter(f"{level}_root")[0] for level in ("l4", "l5", "s1")}
# (root, disc it passes behind (upper, lower), where it exits)
ROOTS = (("l4", ("l3", "l4"), ("l4", "l5")), ("l5", ("l4", "l5"), ("l5", "s1")), ("s1", ("l5", "s1"), None))
SAC_LEVEL = 18.0  # mm above its disc where a root leaves the dural sac
# Where a root leaves the dural sac (assetbuild/dura.py builds the sac round it): mm lateral of
# the canal's centre, and behind its mid-depth, so it starts inside the sac and clear of the
# root that left one level above and now runs down the lateral recess beside it.
SAC_OFFSET = 2.5
SAC_BACK = 1.5
WALL_GAP = 1.0  # mm kept between a root's surface and the canal wall


def root_id(level: str, s: str) -> str:
    """Return the structure id of a traversing root (``l5_root_r``)."""
    return f"{level}_root_{s}"


class Canal:
    """Cross-sections of the built ``spinal_canal`` mesh, read at heights (mm)."""

    def __init__(self, vertices: np.ndarray):
        self.v = np.asarray(vertices, float)

    def section(self, z: float) -> tuple[float, float, float, float]:
        """Return ``(centre_x, half_width, front_y, back_y)`` of the canal at height ``z``."""
        for half in (2.0, 4.0, 8.0):
            sl = self.v[np.abs(self.v[:, 2] - z) < half]
            if len(sl) >= 8:
                break
        x0, x1 = sl[:, 0].min(), sl[:, 0].max()
        return float((x0 + x1) / 2), float((x1 - x0) / 2), float(sl[:, 1].min()), float(sl[:, 1].max())

    def recess(self, c: NerveContext, z: float, radius: float, forward: float = 1.0) -> np.ndarray:
        """Return a point in the lateral recess at ``z``: against the side wall, ``forward`` of mid-depth.

        ``forward`` 1 puts the root against the front wall (behind the disc), 0 halfway back.
        """
        cx, hw, front, back = self.section(z)
        x = cx + c.LAT[0] * (hw - radius - WALL_GAP)
        mid = (front + back) / 2
        y = mid + forward * (front + radius + WALL_GAP - mid)
        return np.array([x, y, z])


def behind_disc(c: NerveContext, disc_id: str, point: np.ndarray, radius: float) -> np.ndarray:
    """Return ``point`` moved back (+y) where needed so a root of ``radius`` clears the disc's back."""
    mesh = c.part.meshes.get(disc_id)
    if mesh is None:
        return point
    v = np.asarray(mesh.vertices, float)
    near = v[(np.abs(v[:, 0] - point[0]) < radius + 1.0) & (np.abs(v[:, 2] - point[2]) < radius + 1.0)]
    if not len(near):
        return point
    out = point.copy()
    out[1] = max(out[1], near[:, 1].max() + radius + 0.5)
    return out


def roots(c: NerveContext) -> list[NerveSpec]:
    """Return the traversing L4, L5 and S1 roots of this side (empty without a canal mesh)."""
    mesh = c.part.meshes.get("spinal_canal")
    if mesh is None:
        return []
    canal = Canal(mesh.vertices)
    out = []
    for level, (upper, lower), exit_ in ROOTS:
        r = ROOT_DIAMETER[level] / 2
        disc = c.disc(upper, lower)
        cx, _hw, front, back = canal.section(disc[2] + SAC_LEVEL)
        sac = np.array([cx + c.LAT[0] * SAC_OFFSET, (front + back) / 2 + SAC_BACK, disc[2] + SAC_LEVEL])
        disc_id = f"disc_{upper}_{lower}"
        ctrl = [sac, *(behind_disc(c, disc_id, canal.recess(c, disc[2] + dz, r, k), r) for dz, k in ((8.0, 0.7), (0.0, 1.0)))]
        if exit_ is not None:  # under the pedicle below the disc, out through the foramen
            foramen = c.foramen(*exit_)
            ctrl += [canal.recess(c, (disc[2] + foramen[2]) / 2, r, 0.3), foramen]
            ramus = f"{level}_ventral_ramus_{c.s}"
        else:  # S1: down the sacral canal, then forward and out through the first sacral foramen
            foramen = c.sacral_foramen(1)
            behind = ctrl[-1]  # the root turns forward round the back of the S1 body
            ctrl += [behind + (foramen - behind) * np.array([0.4, 0.3, 0.75]), foramen]
            ramus = f"s1_ventral_ramus_{c.s}"
        out.append(NerveSpec(root_id(level, c.s), ctrl, round_sections(*diameter(f"{level}_root")), "root",
                             pushed=exit_ is not None,  # S1 crosses the sacrum (no foramina in the mesh)
                             extra={"root": level.upper(), "continues_as": ramus,
                                    "passes_disc": disc_id}))
    return out
