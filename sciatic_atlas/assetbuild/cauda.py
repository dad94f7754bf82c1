"""The cauda equina in the dural sac: the conus medullaris, the filum terminale and one strand per root.

Anatomy (Moore KL et al., Clinically Oriented Anatomy 9e, 2023, Back: "Spinal cord", "Structure
of spinal nerves"; Bogduk N, Clinical and Radiological Anatomy of the Lumbar Spine 5e, 2012,
"Nerves of the lumbar spine"): the cord ends at about the L1/L2 disc (conus medullaris); the
lumbar, sacral and coccygeal roots leave it one above the other and descend in the sac, the
roots that leave soonest lying anterolateral, the lower sacral and coccygeal roots
posteromedial, near the midline. Each root leaves the sac through its dural sleeve about one
level above the foramen it exits by. The filum terminale (about 1 mm) runs on from the conus.

Roots the model draws outside the sac continue without a gap: the L4, L5 and S1 strands end
where :mod:`~sciatic_atlas.assetbuild.nerve_roots` starts those roots (inside the sac, so the
roots themselves pass through the sleeves); the S2 and S3 strands leave the sac at its lower end
and run down and forward to their ventral rami in the anterior sacral foramina (through the
model's sacrum, which has no sacral canal or foramina, as the S1 root does). L2 and L3 end in
their foramina; S4, S5 and the coccygeal root end with the sac (the model has no canal below it).
Strand diameters inside the sac are modelling choices (each root's ventral and dorsal roots
together, thinner than the 4-5 mm root in its sleeve: Bogduk 2012); a strand thickens to the
diameter of the root it joins over its last stretch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sciatic_atlas.assetbuild.nerve_figures import diameter
from sciatic_atlas.assetbuild.nerve_geometry import Section, detailed_tube, smooth_path

SIDES = {"r": -1.0, "l": 1.0}  # the sign of the lateral (+x) direction on each side
LEVELS = ("L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5", "Co")
# Diameter (mm) of each strand in the sac (modelling choice, see the module docstring).
IN_SAC = {"L2": 1.8, "L3": 2.0, "L4": 2.2, "L5": 2.4, "S1": 2.6, "S2": 2.2, "S3": 1.8,
          "S4": 1.4, "S5": 1.2, "Co": 1.0}
FORAMEN_DIAMETER = {"L2": 3.0, "L3": 3.5}  # mm where L2 and L3 end in their foramina (modelling choice)
JOIN_STRETCH = 15.0  # mm over which a strand thickens to the root it joins
TRACK_STEP = 12.0  # mm between a strand's control points down the sac
CONUS_DIAMETER = 7.0  # mm: the cord where the model's canal starts (T12/L1; modelling choice)
FILUM_DIAMETER = 1.0  # mm (Moore 9e: a slender filament)
LEAVES_ABOVE = 12.0  # mm above its foramen where L2 or L3 leaves the sac


def track(i: int) -> tuple[float, float]:
    """Return a strand's place in the sac's section: (lateral, back) fractions of its half-sizes.

    The roots that leave first lie anterolateral, the lowest posteromedial.
    """
    return 0.66 - 0.055 * i, -0.40 + 0.10 * i


@dataclass
class Strand:
    """One root's course in (and for some, beyond) the sac."""

    level: str
    path: np.ndarray  # (K, 3) mm, from the conus down
    sections: list[Section]
    exit_path: np.ndarray | None  # the path that leaves the sac (the joined root's, or this one)
    exit_diameter: float  # mm, where it leaves
    joins: str | None = None  # the structure it continues as
    sleeve_at: float | None = None  # arc length (mm) along exit_path where it leaves the sac

    def mesh(self) -> tuple[np.ndarray, np.ndarray]:
        return detailed_tube(self.path, self.sections, "cauda")


def _conus_tip(part) -> float:
    return float(part.landmarks["disc_l1_l2"].position[2])


def _start(sac, part, i: int, sign: float) -> np.ndarray:
    """Return where root ``i`` leaves the conus: higher for the upper roots, on its side."""
    top, tip = sac.centres[0, 2], _conus_tip(part)
    z = top - (0.15 + 0.75 * i / (len(LEVELS) - 1)) * (top - tip)
    radius = CONUS_DIAMETER / 2 * (z - tip) / (top - tip)
    c, ex, ey, _hw, _hd = sac.at(z)
    lat, back = track(i)
    return c + sign * ex * radius * 0.8 + ey * back * radius * 0.5


def _down(sac, i: int, sign: float, z0: float, z1: float) -> list[np.ndarray]:
    """Return control points on strand ``i``'s track from height ``z0`` down to ``z1`` (mm)."""
    lat, back = track(i)
    n = max(int((z0 - z1) / TRACK_STEP), 1)
    return [sac.point(z, lat, back, sign) for z in np.linspace(z0, z1, n + 1)]


def _sections(d_in: float, d_end: float, length: float) -> list[Section]:
    k = max(0.0, 1.0 - JOIN_STRETCH / max(length, 1e-6))
    return [Section(0.0, d_in, d_in), Section(k, d_in, d_in), Section(1.0, d_end, d_end)]


def _strand(level: str, control: list[np.ndarray], d_end: float, **kw) -> Strand:
    path = smooth_path(np.array(control), step=4.0)
    length = float(np.linalg.norm(np.diff(path, axis=0), axis=1).sum())
    return Strand(level, path, _sections(IN_SAC[level], d_end, length), **kw)


def _foramen(part, level: str, s: str) -> np.ndarray:
    """Return the L2/L3 or L3/L4 foramen: the L3/L4 landmark, moved to the L2/L3 disc for L2."""
    ref = part.landmarks[f"foramen_l3_l4_{s}"].position
    if level == "L3":
        return np.asarray(ref, float)
    return ref - part.landmarks["disc_l3_l4"].position + part.landmarks["disc_l2_l3"].position


def strands(sac, part, s: str, sign: float) -> list[Strand]:
    """Return this side's strands, L2 to coccygeal."""
    out = []
    taper_z = sac.taper_z
    for i, level in enumerate(LEVELS):
        start = _start(sac, part, i, sign)
        low = level.lower()
        if level in ("L2", "L3"):
            foramen = _foramen(part, level, s)
            lat, back = track(i)
            ctrl = [start, *_down(sac, i, sign, start[2] - 6.0, foramen[2] + LEAVES_ABOVE + 8.0),
                    sac.point(foramen[2] + LEAVES_ABOVE, 0.85, back, sign), foramen]
            strand = _strand(level, ctrl, FORAMEN_DIAMETER[level], exit_path=None, exit_diameter=FORAMEN_DIAMETER[level])
            strand.exit_path = strand.path
        elif level in ("L4", "L5", "S1"):
            root = np.asarray(part.centrelines[f"{low}_root_{s}"], float)
            t0 = (root[1] - root[0]) / np.linalg.norm(root[1] - root[0])
            d = diameter(f"{low}_root")[0]
            ctrl = [start, *_down(sac, i, sign, start[2] - 6.0, root[0][2] + 12.0), root[0] - 6.0 * t0, root[0]]
            strand = _strand(level, ctrl, d, exit_path=root, exit_diameter=d, joins=f"{low}_root_{s}")
        elif level in ("S2", "S3"):
            ramus = np.asarray(part.centrelines[f"{low}_ventral_ramus_{s}"], float)[0]
            d = diameter(f"{low}_ventral_ramus")[0]
            lat, back = track(i)
            leave = taper_z - (0.0 if level == "S2" else 6.0)
            wall = sac.point(leave, 1.25, back * 0.5, sign)
            ctrl = [start, *_down(sac, i, sign, start[2] - 6.0, leave + 10.0), wall,
                    wall + (ramus - wall) * np.array([0.4, 0.3, 0.75]), ramus]
            strand = _strand(level, ctrl, d, exit_path=None, exit_diameter=d, joins=f"{low}_ventral_ramus_{s}")
            strand.exit_path = strand.path
        else:  # S4, S5, coccygeal: down to the end of the sac
            end_z = sac.centres[-3, 2]
            ctrl = [start, *_down(sac, i, sign, start[2] - 6.0, taper_z), sac.point(end_z, 0.2, 0.1, sign)]
            strand = _strand(level, ctrl, IN_SAC[level], exit_path=None, exit_diameter=IN_SAC[level])
        out.append(strand)
    return out


def conus(sac, part) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Return the conus medullaris and filum terminale: path (mm) and closed mesh, down the sac's axis."""
    tip = _conus_tip(part)
    path = smooth_path(sac.centres[:-2], step=3.0)
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    f_tip = float(np.interp(tip, path[::-1, 2], arc[::-1]) / arc[-1])
    d = CONUS_DIAMETER
    sections = [Section(0.0, d, d), Section(0.45 * f_tip, 0.85 * d, 0.85 * d), Section(0.85 * f_tip, 2.5, 2.5),
                Section(f_tip, FILUM_DIAMETER, FILUM_DIAMETER), Section(1.0, 0.8, 0.8)]
    return path, detailed_tube(path, sections, "conus")
