"""What the nerve builders read: landmarks, side directions, muscle lines, bone slices.

:class:`NerveContext` wraps one side of the model so that the path builders
(:mod:`~sciatic_atlas.assetbuild.nerve_plexus`, :mod:`~sciatic_atlas.assetbuild.nerve_paths`,
:mod:`~sciatic_atlas.assetbuild.nerve_branches`) can write anatomy ("2 mm lateral of the fibular
neck", "between the FDL and FHL tendons") instead of coordinates. A :class:`NerveSpec` is
one nerve's recipe: control points and cross-sections, turned into a tube by
:mod:`sciatic_atlas.assetbuild.nerves`. World frame, millimetres.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sciatic_atlas.anatomy.frame import ANTERIOR, POSTERIOR, SIDES, SUPERIOR
from sciatic_atlas.assetbuild.landmarks import bone_vertices, lateral_sign, midline_x, path_at_z
from sciatic_atlas.assetbuild.model_map import muscle_actuators
from sciatic_atlas.assetbuild.nerve_geometry import Section
from sciatic_atlas.assetbuild.nerve_planes import Plane, TissueProbe

UP, DOWN = SUPERIOR, -SUPERIOR
ANT, POST = ANTERIOR, POSTERIOR


@dataclass
class NerveSpec:
    """One nerve (or variant) to build: control points proximal to distal, and its sections."""

    sid: str
    control: list[np.ndarray]
    sections: list[Section]
    kind: str  # "root" | "nerve" | "branch" | "variant"
    parent: str = ""  # structure id of the nerve it arises from
    fixed: int = 0  # leading path points not pushed out of bone (root in its foramen)
    pushed: bool = True  # False: runs in bony canals (roots in the spine), never pushed out of bone
    extra: dict = field(default_factory=dict)
    planes: list[Plane] = field(default_factory=list)  # tissue planes it is steered into
    pin: tuple[bool, bool] = (True, True)  # keep the first / last point where the planes apply


def round_sections(diameter: float, end_diameter: float | None = None) -> list[Section]:
    """Return sections for a round nerve of ``diameter`` mm tapering to ``end_diameter``."""
    end = diameter if end_diameter is None else end_diameter
    return [Section(0.0, diameter, diameter), Section(1.0, end, end)]


class NerveContext:
    """One side of the model as the nerve builders see it.

    Parameters
    ----------
    raw : RawModel
        The model at its neutral pose.
    part : BuildPart
        Earlier stages (bones, discs, muscles) merged, with the landmarks found so far.
    s : str
        'r' or 'l'.
    """

    def __init__(self, raw, part, s: str):
        self.raw, self.part, self.s = raw, part, s
        self.side = SIDES[s]
        self.x0 = midline_x(raw)
        self.LAT = np.array([lateral_sign(s), 0.0, 0.0])  # away from the median plane
        self.MED = -self.LAT
        self._acts = muscle_actuators(raw.muscles)
        self.probe = TissueProbe(part.meshes, s)  # shared: its ray trees are built once
        self.cache: dict = {}  # per-side results reused by several builders (thigh points)

    # -- landmarks ---------------------------------------------------------------------
    def lm(self, name: str) -> np.ndarray:
        """Return landmark ``name`` of this side (or a midline one) as a point (mm)."""
        for key in (f"{name}_{self.s}", name):
            if key in self.part.landmarks:
                return np.asarray(self.part.landmarks[key].position, float)
        raise KeyError(f"landmark '{name}' not found for side {self.s}")

    def site(self, name: str) -> np.ndarray:
        """Return the position (mm) of model site ``name`` on this side (``piri-P2``)."""
        return np.asarray(self.raw.sites[f"{name}_{self.s}"][0], float)

    # -- muscles -----------------------------------------------------------------------
    def muscle_line(self, base: str) -> np.ndarray:
        """Return the centreline of muscle ``base`` (origin to insertion, mm).

        The muscles stage's centreline when it built one, else the path of the first
        model actuator of that muscle (wrap points included).
        """
        sid = f"{base}_{self.s}"
        if sid in self.part.centrelines:
            return np.asarray(self.part.centrelines[sid], float)
        return np.asarray(self.raw.muscles[self._acts[sid][0]].path, float)

    def muscle_centre(self, base: str, z: float, half: float = 5.0) -> np.ndarray:
        """Return the centre (mm) of muscle ``base``'s cross-section at height ``z``.

        The mean of the built mesh's vertices within ``half`` mm of ``z`` (the belly as built),
        else where the muscle's line crosses ``z``.
        """
        mesh = self.part.meshes.get(f"{base}_{self.s}")
        if mesh is not None:
            v = np.asarray(mesh.vertices, float)
            sl = v[np.abs(v[:, 2] - z) < half]
            if len(sl) >= 8:
                return np.array([*sl[:, :2].mean(axis=0), z])
        return self.at_z(self.muscle_line(base), z)

    def actuator_path(self, name: str) -> np.ndarray:
        """Return the path (mm) of model actuator ``name`` on this side (``bflh``)."""
        return np.asarray(self.raw.muscles[f"{name}_{self.s}"].path, float)

    def at_fraction(self, line: np.ndarray, f: float) -> np.ndarray:
        """Return the point at fraction ``f`` of a polyline's length."""
        line = np.asarray(line, float)
        seg = np.linalg.norm(np.diff(line, axis=0), axis=1)
        t = np.r_[0.0, np.cumsum(seg)] / seg.sum()
        return np.column_stack([np.interp(f, t, line[:, k]) for k in range(3)])[0]

    def at_z(self, line: np.ndarray, z: float) -> np.ndarray:
        """Return where a descending line crosses height ``z`` (mm)."""
        return path_at_z(line, z)

    # -- bones -------------------------------------------------------------------------
    def bone(self, sid: str) -> np.ndarray:
        """Return the vertices (mm) of bone ``sid`` (side suffix added for bilateral bones)."""
        key = sid if sid in ("sacrum",) or sid.startswith("vertebra_") else f"{sid}_{self.s}"
        return bone_vertices(self.raw, self.part, key)

    def bone_back(self, sid: str, z: float, half: float = 6.0) -> float:
        """Return the most posterior y (mm) of a bone within ``half`` mm of height ``z``.

        The band widens (up to 8 x ``half``) until it holds vertices: a bone's long shaft is
        made of long triangles.
        """
        v = self.bone(sid)
        for h in (half, 2 * half, 4 * half, 8 * half):  # a long shaft has few vertices: widen
            sl = v[np.abs(v[:, 2] - z) < h]
            if len(sl) >= 3:
                return float(sl[:, 1].max())
        return float(v[:, 1].max())

    def lateral_offset(self, p: np.ndarray) -> float:
        """Return how far (mm) ``p`` lies lateral of the median plane on this side."""
        return float((p[0] - self.x0) * self.LAT[0])

    # -- spine -------------------------------------------------------------------------
    def disc(self, upper: str, lower: str) -> np.ndarray:
        """Return the centre (mm) of the disc between two vertebrae (``"l4"``, ``"l5"``).

        The discs stage's ``disc_<upper>_<lower>`` landmark when present, else halfway between
        the lower end plate of the upper body and the upper end plate of the lower one.
        """
        name = f"disc_{upper}_{lower}"
        if name in self.part.landmarks:
            return np.asarray(self.part.landmarks[name].position, float)
        a = _body(self.bone(f"vertebra_{upper}"))
        b = _body(self.bone("sacrum" if lower == "s1" else f"vertebra_{lower}"))
        za = a[:, 2].min()
        zb = b[b[:, 1] < np.percentile(b[:, 1], 40), 2].max() if lower == "s1" else b[:, 2].max()
        centre = a[a[:, 2] < za + 6].mean(axis=0)
        centre[2] = (za + zb) / 2
        return centre

    def foramen(self, upper: str, lower: str) -> np.ndarray:
        """Return the intervertebral foramen (mm) between two vertebrae on this side.

        The discs stage's ``foramen_<upper>_<lower>_<side>`` landmark when present, else just
        behind the postero-lateral corner of the disc: at the level of the disc, behind the
        vertebral body, lateral by 95% of the body's half width (the pedicle line).
        """
        name = f"foramen_{upper}_{lower}_{self.s}"
        if name in self.part.landmarks:
            return np.asarray(self.part.landmarks[name].position, float)
        body = _body(self.bone(f"vertebra_{upper}"))
        c = self.disc(upper, lower)
        half_w = np.ptp(body[:, 0]) / 2
        back = body[:, 1].max()
        return np.array([self.x0 + self.LAT[0] * 0.95 * half_w, back - 2.0, c[2] + 3.0])

    def sacral_foramen(self, level: int, mouth: bool = False) -> np.ndarray:
        """Return the anterior sacral foramen S``level`` (1-4) on this side (mm).

        The bones stage's landmarks where it carved the foramina
        (:mod:`~sciatic_atlas.assetbuild.bone_foramina`): a point in the foramen's canal, where
        the ventral ramus starts, or with ``mouth`` its opening on the pelvic surface. Else
        (a sacrum without foramina) levels divide the sacrum's height from the S1 end plate to the apex (S1 at 22%,
        S2 at 42%, S3 at 60%: five fused segments, the lower two small); the foramen lies
        at 45% of the sacrum's half width at that level, on its anterior (pelvic) surface.
        """
        name = f"{'anterior_sacral_foramen' if mouth else 'sacral_foramen_canal'}_s{level}_{self.s}"
        if name in self.part.landmarks:
            return np.asarray(self.part.landmarks[name].position, float)
        v = self.bone("sacrum")
        top, bottom = v[:, 2].max(), v[:, 2].min()
        z = top - {1: 0.22, 2: 0.42, 3: 0.60}[level] * (top - bottom)
        sl = v[np.abs(v[:, 2] - z) < 8]
        half_w = max(self.lateral_offset(p) for p in sl)
        x = self.x0 + self.LAT[0] * max(0.45 * half_w, 10.0)
        col = sl[np.abs(sl[:, 0] - x) < 10]
        y = (col if len(col) else sl)[:, 1].min()
        return np.array([x, y - 2.0, z])


def _body(v: np.ndarray) -> np.ndarray:
    """Return the vertebral-body part of a vertebra's vertices (its anterior 40%)."""
    return v[v[:, 1] < v[:, 1].min() + 0.4 * np.ptp(v[:, 1])]


def unit(v) -> np.ndarray:
    """Return ``v`` normalised."""
    v = np.asarray(v, float)
    return v / np.linalg.norm(v)
