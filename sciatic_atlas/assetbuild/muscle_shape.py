"""Muscle belly geometry: volumes, cross-section profiles and lofted closed surfaces.

Owns the numbers that turn a model actuator (path, max force, optimal fibre length)
into a belly: the volume, how the cross-section area is spread along the path
(thick belly tapering into thin tendons), and the lofting of cross-section rings
into a closed triangle surface. Spindle muscles get elliptical rings around one
path; flat muscles (``sheet``) get one slab lofted across several paths. Pure
NumPy/SciPy; all lengths in millimetres, world frame.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import PchipInterpolator
from scipy.ndimage import gaussian_filter1d

# Specific tension of skeletal muscle, 60 N/cm^2 = 0.6 N/mm^2, the value used to turn
# PCSA into max isometric force in Rajagopal et al. 2016, "Full-body musculoskeletal
# model for muscle-driven simulation of human gait", IEEE TBME 63(10):2068-79,
# doi:10.1109/TBME.2016.2586891 (section II-C).
SPECIFIC_TENSION = 0.6  # N/mm^2
# The model's optimal fibre length comes from MuJoCo's length range; for some lumbar
# fascicles it exceeds the path itself, so it is capped at this fraction of the path.
FIBRE_FRACTION_MAX = 0.9
TENDON_RADIUS = (1.2, 4.0)  # mm, clamp for the tendon radius
TENDON_AREA_PER_N = 0.02  # mm^2 per N of max force (Achilles ~ 80 mm^2 for 4 kN)
RING_SPINDLE = 16  # vertices around a spindle cross-section
RING_SHEET = 28  # vertices around a sheet cross-section


def belly_volume(max_force: float, fibre_length: float, path_length: float) -> float:
    """Return the belly volume (mm^3) as PCSA x optimal fibre length.

    Parameters
    ----------
    max_force : float
        Max isometric force (N).
    fibre_length : float
        Optimal fibre length (mm); capped at ``FIBRE_FRACTION_MAX`` of the path.
    path_length : float
        Origin-to-insertion path length (mm).
    """
    pcsa = max_force / SPECIFIC_TENSION  # mm^2
    return pcsa * min(fibre_length, FIBRE_FRACTION_MAX * path_length)


def path_length(points: np.ndarray) -> float:
    """Return the length (mm) of a polyline."""
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def _dedupe(points: np.ndarray, tol: float = 1.0) -> np.ndarray:
    keep = [0]
    for i in range(1, len(points)):
        if np.linalg.norm(points[i] - points[keep[-1]]) > tol:
            keep.append(i)
    return points[keep]


def smooth_curve(points: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Evaluate a monotone cubic (PCHIP) curve through ``points`` at arc fractions ``s``.

    Parameters
    ----------
    points : (K, 3) array
        Path points, origin to insertion (mm).
    s : (N,) array
        Fractions of the chord length in [0, 1].
    """
    pts = _dedupe(np.asarray(points, dtype=float))
    if len(pts) < 2:
        return np.repeat(pts[:1], len(s), axis=0)
    chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
    t = chord / chord[-1]
    if len(pts) == 2:
        return pts[0] + np.outer(s, pts[1] - pts[0])
    return PchipInterpolator(t, pts, axis=0)(np.clip(s, 0.0, 1.0))


def stations(tendon: tuple[float, float], length: float, n_belly: int = 22,
             tendon_step: float = 18.0) -> np.ndarray:
    """Return arc fractions in [0, 1]: dense over the belly, sparse along the tendons."""
    p, d = tendon
    n_p = max(2, int(np.ceil(p * length / tendon_step)) + 1)
    n_d = max(2, int(np.ceil(d * length / tendon_step)) + 1)
    prox = np.linspace(0.0, p, n_p)
    belly = np.linspace(p, 1.0 - d, n_belly)
    dist = np.linspace(1.0 - d, 1.0, n_d)
    return np.unique(np.round(np.concatenate([prox, belly, dist]), 6))


def bump(t: np.ndarray, peak: float = 0.5, sharp: float = 2.4) -> np.ndarray:
    """Return a smooth belly shape on [0, 1]: 0 at both ends, 1 at ``peak``."""
    t = np.clip(t, 0.0, 1.0)
    a, b = sharp * peak, sharp * (1.0 - peak)
    out = t**a * (1.0 - t) ** b
    return out / (peak**a * (1.0 - peak) ** b)


def area_profile(s: np.ndarray, tendon: tuple[float, float], length: float, volume: float,
                 max_force: float, peak: float = 0.5) -> np.ndarray:
    """Return the cross-section area (mm^2) at arc fractions ``s``.

    The belly between the tendon fractions carries ``volume`` with a :func:`bump`
    shaped area; tendons keep the small tendon area (from ``max_force``).
    """
    p, d = tendon
    belly_len = max(length * (1.0 - p - d), 1.0)
    t = (s - p) / max(1.0 - p - d, 1e-6)
    grid = np.linspace(0.0, 1.0, 201)
    mean_bump = float(np.trapezoid(bump(grid, peak), grid))
    r_t = np.clip(np.sqrt(TENDON_AREA_PER_N * max_force / np.pi), *TENDON_RADIUS)
    a_t = np.pi * r_t**2
    a_peak = volume / (belly_len * mean_bump)
    return a_t + np.maximum(a_peak - a_t, 0.0) * bump(t, peak)


def tangents(centre: np.ndarray) -> np.ndarray:
    """Return unit tangents of a polyline (central differences)."""
    t = np.gradient(centre, axis=0)
    return t / np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-9)


def thickness_dirs(tang: np.ndarray, toward: np.ndarray, smooth: float = 2.0) -> np.ndarray:
    """Return unit vectors normal to ``tang``, following ``toward``, smoothed along the path.

    ``toward`` (K, 3) is the preferred thickness direction at each station (e.g. away
    from the nearest bone); it is made perpendicular to the tangent and low-pass filtered
    so that the cross-sections do not twist.
    """
    n = toward - np.sum(toward * tang, axis=1, keepdims=True) * tang
    bad = np.linalg.norm(n, axis=1) < 1e-6
    if bad.any():  # parallel to the tangent: any perpendicular will do
        alt = np.cross(tang[bad], [0.0, 0.0, 1.0])
        alt[np.linalg.norm(alt, axis=1) < 1e-6] = [1.0, 0.0, 0.0]
        n[bad] = alt
    n /= np.linalg.norm(n, axis=1, keepdims=True)
    for k in range(1, len(n)):  # keep the sign continuous before filtering
        if np.dot(n[k], n[k - 1]) < 0:
            n[k] = -n[k]
    if len(n) > 3 and smooth > 0:
        n = gaussian_filter1d(n, smooth, axis=0, mode="nearest")
    n -= np.sum(n * tang, axis=1, keepdims=True) * tang
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-9)


def spindle_rings(centre: np.ndarray, tang: np.ndarray, normal: np.ndarray,
                  area: np.ndarray, aspect: float, m: int = RING_SPINDLE) -> np.ndarray:
    """Return (K, m, 3) elliptical rings; thickness along ``normal``, width across it."""
    width_dir = np.cross(tang, normal)
    r = np.sqrt(area / np.pi)
    a, b = r * np.sqrt(aspect), r / np.sqrt(aspect)
    th = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    return (centre[:, None, :] + (a[:, None] * np.cos(th))[..., None] * width_dir[:, None, :]
            + (b[:, None] * np.sin(th))[..., None] * normal[:, None, :])


def sheet_rings(across: np.ndarray, normal: np.ndarray, thickness: np.ndarray,
                m: int = RING_SHEET, margin: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Return (K, m, 3) slab rings lofted across fascicle paths, and their anchors.

    Each ring vertex's anchor is the point of the sheet's mid-surface it sits over.

    Parameters
    ----------
    across : (K, F, 3) array
        At each station, the F fascicle points ordered across the sheet.
    normal : (K, 3) array
        Unit thickness direction at each station (pointing superficially).
    thickness : (K,) array
        Slab thickness (mm) at each station.
    margin : float
        How far (in fascicle spacings) the sheet extends beyond the outer fascicles.
    """
    k_n, f_n, _ = across.shape
    th = np.linspace(0.0, 2 * np.pi, m, endpoint=False)
    u = np.cos(th)
    v = np.sin(th)
    v = np.sign(v) * np.abs(v) ** 0.7  # squarer than an ellipse: a slab, not a lens
    rings = np.empty((k_n, m, 3))
    anchors = np.empty((k_n, m, 3))
    for k in range(k_n):
        q = across[k]
        q = np.vstack([q[0] + margin * (q[0] - q[1]), q, q[-1] + margin * (q[-1] - q[-2])])
        chord = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(q, axis=0), axis=1))])
        if chord[-1] < 1e-6:
            line = np.repeat(q[:1], m, axis=0)
        else:
            _, idx = np.unique(chord, return_index=True)
            curve = PchipInterpolator(chord[idx] / chord[-1] * 2 - 1, q[idx], axis=0)
            line = curve(u)
        rings[k] = line + (0.5 * thickness[k] * v)[:, None] * normal[k]
        anchors[k] = line
    return rings, anchors
