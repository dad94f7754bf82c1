"""Sheets wrapped around a long bone: the three vasti around the femur.

Owns the attachment lines read off the femur and the first guess of the sheet: the
fibre lines from the origin line to the insertion line interpolated in cylindrical
coordinates about the femoral shaft (height, angle and distance from the shaft's
centre), so they spiral around the bone instead of cutting through it. The sheet is
then draped, thickened and scaled to its volume by :func:`muscle_fan.fan_mesh`.

Attachments (Standring, Gray's Anatomy 42nd ed. (2021), ch. 80 "Thigh"):

- vastus lateralis: upper intertrochanteric line, anterior and inferior borders of
  the greater trochanter, lateral lip of the gluteal tuberosity and the upper lateral
  lip of the linea aspera; onto the lateral border of the patella and the quadriceps
  tendon;
- vastus medialis: lower intertrochanteric line, spiral line, medial lip of the linea
  aspera and the medial supracondylar line; onto the medial border of the patella
  and the quadriceps tendon (its lowest fibres, the bulge above the medial knee);
- vastus intermedius: anterior and lateral surfaces of the upper two thirds of the
  femoral shaft; onto the deep quadriceps tendon above the patella.

A point on the femur is given as ``[h, a]``: ``h`` the height as a fraction of the
femur (0 its lowest vertex, 1 its highest), ``a`` the angle (degrees) around the
shaft from anterior (0) toward lateral (90), posterior (180) and medial (-90).
Lengths in millimetres, world frame (+z up, -y anterior, right side at -x).
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.muscle_clearance import polydata
from sciatic_atlas.assetbuild.muscle_fan import N_ACROSS, N_ALONG


class ShaftFrame:
    """Cylindrical coordinates about a long bone's shaft: centre of its section per height.

    Parameters
    ----------
    vertices, faces : arrays
        The bone mesh (mm).
    side : str
        ``"r"`` or ``"l"`` (which way lateral is).
    n_levels : int
        Heights at which the section centre is measured.
    """

    def __init__(self, vertices: np.ndarray, faces: np.ndarray, side: str, n_levels: int = 40):
        self.surface = polydata(np.asarray(vertices, float), np.asarray(faces))
        self.lateral = -1.0 if side == "r" else 1.0
        z = np.asarray(vertices, float)[:, 2]
        self.z_lo, self.z_hi = float(z.min()), float(z.max())
        levels = np.linspace(self.z_lo + 3.0, self.z_hi - 3.0, n_levels)
        centres = []
        for h in levels:
            pts = np.asarray(self.surface.slice(normal="z", origin=(0.0, 0.0, h)).points)
            centres.append(pts[:, :2].mean(axis=0) if len(pts) else [np.nan, np.nan])
        centres = np.asarray(centres)
        ok = np.isfinite(centres[:, 0])
        self._levels, self._centres = levels[ok], centres[ok]

    def height(self, frac) -> np.ndarray:
        """Return z (mm) of height fractions of the bone."""
        return self.z_lo + np.asarray(frac, float) * (self.z_hi - self.z_lo)

    def centre(self, z: np.ndarray) -> np.ndarray:
        """Return the (N, 2) shaft centre (x, y) at heights ``z``."""
        z = np.atleast_1d(np.asarray(z, float))
        return np.stack([np.interp(z, self._levels, self._centres[:, k]) for k in range(2)], 1)

    def direction(self, angle_deg: np.ndarray) -> np.ndarray:
        """Return (N, 2) unit vectors at angles from anterior (-y) toward lateral."""
        a = np.radians(np.atleast_1d(np.asarray(angle_deg, float)))
        return np.stack([self.lateral * np.sin(a), -np.cos(a)], axis=1)

    def surface_points(self, spec: list, n: int = N_ACROSS, radius: float = 20.0) -> np.ndarray:
        """Return ``n`` points on the bone along the polyline ``spec = [[h0, a0], [h1, a1], ...]``.

        The points are evenly spaced along the polyline (an angle step counts as the arc
        it makes at ``radius`` mm); each is its section's support point in its direction
        (the outermost section point along it), so it lies on the bone's surface.
        """
        ha = np.asarray(spec, float)
        step = np.hypot(np.diff(ha[:, 0]) * (self.z_hi - self.z_lo),
                        np.radians(np.diff(ha[:, 1])) * radius)
        chord = np.concatenate([[0.0], np.cumsum(step)])
        t = np.linspace(0.0, chord[-1], n)
        zs = self.height(np.interp(t, chord, ha[:, 0]))
        dirs = self.direction(np.interp(t, chord, ha[:, 1]))
        out = []
        for z, d in zip(zs, dirs):
            pts = np.asarray(self.surface.slice(normal="z", origin=(0.0, 0.0, z)).points)
            c = self.centre(z)[0]
            out.append(pts[np.argmax((pts[:, :2] - c) @ d)] if len(pts) else np.r_[c, z])
        return np.asarray(out)

    def to_cylinder(self, points: np.ndarray) -> np.ndarray:
        """Return (N, 3) (z, unwrapped angle in radians, distance from the shaft centre)."""
        rel = points[:, :2] - self.centre(points[:, 2])
        ang = np.arctan2(self.lateral * rel[:, 0], -rel[:, 1])
        return np.stack([points[:, 2], ang, np.linalg.norm(rel, axis=1)], axis=1)

    def from_cylinder(self, cyl: np.ndarray) -> np.ndarray:
        """Inverse of :meth:`to_cylinder` (angles in radians)."""
        shape = cyl.shape
        flat = cyl.reshape(-1, 3)
        c = self.centre(flat[:, 0])
        d = np.stack([self.lateral * np.sin(flat[:, 1]), -np.cos(flat[:, 1])], axis=1)
        xy = c + d * flat[:, 2:3]
        return np.c_[xy, flat[:, 0]].reshape(shape)


def wrap_lines(spec: dict, meshes: dict, side: str):
    """Return (origin, insertion, start grid, out_dir) of a sheet wrapped on the femur.

    ``spec["wrap"]`` gives ``origin`` and ``insertion`` as polylines ``[[h0, a0], [h1, a1],
    ...]`` on the femur (module docstring) and ``lift`` (mm): how far off the bone the insertion
    line lies (the patella and quadriceps tendon stand in front of the femur).
    """
    wrap = spec["wrap"]
    femur = meshes[f"femur_{side}"]
    frame = ShaftFrame(femur.vertices, femur.faces, side)
    origin = frame.surface_points(wrap["origin"])
    insertion = frame.surface_points(wrap["insertion"])
    lift = float(wrap.get("lift", 0.0))
    if lift:
        cyl = frame.to_cylinder(insertion)
        cyl[:, 2] += lift
        insertion = frame.from_cylinder(cyl)
    grid = start_grid(frame, origin, insertion, float(wrap.get("bow", 0.0)))
    mid = grid[N_ALONG // 2, N_ACROSS // 2]
    out = np.r_[mid[:2] - frame.centre(mid[2])[0], 0.0]
    return origin, insertion, grid, out / max(np.linalg.norm(out), 1e-9)


def start_grid(frame: ShaftFrame, origin: np.ndarray, insertion: np.ndarray,
               bow: float = 0.0) -> np.ndarray:
    """Return the (N_ALONG, N_ACROSS, 3) fibre lines, interpolated around the shaft.

    Height, angle (the shorter way round) and distance from the shaft centre go
    linearly from each origin point to its insertion point; ``bow`` (mm) adds a
    bulge away from the shaft mid-way, so the lines start clear of what lies under them.
    """
    a, b = frame.to_cylinder(origin), frame.to_cylinder(insertion)
    turn = (b[:, 1] - a[:, 1] + np.pi) % (2 * np.pi) - np.pi
    v = np.linspace(0.0, 1.0, N_ALONG)[:, None]
    cyl = np.stack([a[None, :, 0] + v * (b[:, 0] - a[:, 0]),
                    a[None, :, 1] + v * turn,
                    a[None, :, 2] + v * (b[:, 2] - a[:, 2]) + bow * np.sin(np.pi * v)], axis=2)
    return frame.from_cylinder(cyl)
