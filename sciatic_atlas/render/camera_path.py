"""Smooth camera moves between two camera poses (NumPy only, no Qt).

Moving between scene steps, the camera swings around the focal point on a
great circle and eases in and out, rather than cutting: a viewer keeps track of
where they are looking from. Distances interpolate geometrically, so zooming in
feels even.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.anatomy.easing import ease
from sciatic_atlas.render.cameras import CameraPose


def pose_of(camera) -> CameraPose:
    """Return the pose of a PyVista camera (position, focal point, up, view angle)."""
    return CameraPose(tuple(camera.position), tuple(camera.focal_point), tuple(camera.up),
                      float(camera.view_angle))


def _floats(v) -> tuple[float, float, float]:
    return tuple(float(x) for x in v)


def _slerp(a: np.ndarray, b: np.ndarray, t: float) -> np.ndarray:
    """Spherically interpolate unit vectors ``a`` -> ``b``."""
    dot = float(np.clip(np.dot(a, b), -1.0, 1.0))
    if dot > 0.9995:
        v = a + t * (b - a)
        return v / np.linalg.norm(v)
    if dot < -0.9995:  # opposite: turn about any axis perpendicular to a
        axis = np.cross(a, [0.0, 0.0, 1.0] if abs(a[2]) < 0.9 else [1.0, 0.0, 0.0])
        axis /= np.linalg.norm(axis)
        angle = np.pi * t
        return a * np.cos(angle) + np.cross(axis, a) * np.sin(angle)
    omega = np.arccos(dot)
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)


def interpolate(a: CameraPose, b: CameraPose, t: float) -> CameraPose:
    """Return the pose a fraction ``t`` (0..1, eased) of the way from ``a`` to ``b``."""
    s = ease(t)
    fa, fb = np.asarray(a.focal_point, float), np.asarray(b.focal_point, float)
    da, db = np.asarray(a.position, float) - fa, np.asarray(b.position, float) - fb
    ra, rb = max(np.linalg.norm(da), 1e-9), max(np.linalg.norm(db), 1e-9)
    focal = fa + s * (fb - fa)
    direction = _slerp(da / ra, db / rb, s)
    distance = ra * (rb / ra) ** s
    ua, ub = np.asarray(a.up, float), np.asarray(b.up, float)
    up = _slerp(ua / np.linalg.norm(ua), ub / np.linalg.norm(ub), s)
    up = up - np.dot(up, direction) * direction  # keep the view-up perpendicular to the view
    norm = np.linalg.norm(up)
    up = up / norm if norm > 1e-9 else ub / np.linalg.norm(ub)
    angle = a.view_angle + s * (b.view_angle - a.view_angle)
    return CameraPose(_floats(focal + distance * direction), _floats(focal), _floats(up), float(angle))


def path(a: CameraPose, b: CameraPose, n_frames: int) -> list[CameraPose]:
    """Return ``n_frames`` poses from just after ``a`` to exactly ``b``."""
    n = max(1, int(n_frames))
    return [interpolate(a, b, (i + 1) / n) for i in range(n)]
