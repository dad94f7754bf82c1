"""Per-vertex shading of muscles: fleshy belly in the muscle's colour, tendons pale.

Printed atlases draw tendons and aponeuroses silvery white and the fleshy belly red
(e.g. Netter, Atlas of Human Anatomy, 7th ed., plates 490-500). The built muscles have
no tendon flag, so the tendon is taken to be where the muscle is thin: each vertex is
assigned to its nearest centreline sample, each sample gets the cross-section radius of
its vertices (the geometric mean of their largest and smallest distance, so a flat
aponeurosis counts as thin), and a weight 0 (tendon) .. 1 (belly) follows that radius
relative to a typical belly radius of the muscle (85th percentile along its length). Weights are
computed once per mesh and cached with its surface.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.anatomy.easing import smoothstep
from sciatic_atlas.render.appearance import appearance


def resample(points: np.ndarray, step: float) -> np.ndarray:
    """Return the polyline ``points`` (K x 3) resampled every ``step`` mm of arc length."""
    seg = np.linalg.norm(np.diff(points, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    t = np.linspace(0.0, s[-1], max(int(s[-1] / step), 1) + 1)
    return np.column_stack([np.interp(t, s, points[:, i]) for i in range(3)])


def nearest_sample(points: np.ndarray, samples: np.ndarray, chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Return, for each point, the distance (mm) to and index of its nearest sample.

    Plain NumPy in chunks (samples are few: a resampled centreline), which avoids the
    ~0.3 s import of ``scipy.spatial`` on the render start-up path. Squared distances
    come from ``|p|^2 + |s|^2 - 2 p.s`` (one matrix product), and the nearest one is
    measured again directly.
    """
    points = np.asarray(points, float)
    samples = np.asarray(samples, float)
    dist = np.empty(len(points))
    idx = np.empty(len(points), dtype=np.intp)
    s2 = (samples * samples).sum(axis=1)
    for start in range(0, len(points), chunk):
        block = points[start:start + chunk]
        d2 = s2[None, :] - 2.0 * (block @ samples.T)  # |p|^2 is the same along a row: not needed to rank
        best = d2.argmin(axis=1)
        idx[start:start + chunk] = best
        dist[start:start + chunk] = np.linalg.norm(block - samples[best], axis=1)
    return dist, idx


def belly_weights(vertices: np.ndarray, centreline: np.ndarray | None) -> np.ndarray | None:
    """Return per-vertex weights, 0 at tendon and 1 in the belly, or None without a centreline.

    Parameters
    ----------
    vertices : ndarray, shape (N, 3)
        The muscle surface (mm).
    centreline : ndarray, shape (K, 3) or None
        The muscle's belly path (mm), origin to insertion.
    """
    if centreline is None or len(centreline) < 2:
        return None
    spec = appearance()["tendon"]
    samples = resample(np.asarray(centreline, float), step=float(spec["sample_mm"]))
    _, idx = nearest_sample(vertices, samples)
    # A section's size is the geometric mean of its widest and narrowest radius (the
    # radius of a circle of the same area, for an ellipse): a flat aponeurosis, wide but a
    # few millimetres thick, counts as thin, as it is drawn in atlases.
    # Distances are measured across the path (in the section's plane), not to the sample.
    tang = np.gradient(samples, axis=0) if len(samples) > 1 else np.array([[0.0, 0.0, 1.0]])
    tang /= np.maximum(np.linalg.norm(tang, axis=1, keepdims=True), 1e-9)
    off = np.asarray(vertices, float) - samples[idx]
    across = np.linalg.norm(off - np.sum(off * tang[idx], axis=1, keepdims=True) * tang[idx], axis=1)
    widest = np.zeros(len(samples))
    np.maximum.at(widest, idx, across)
    narrowest = np.full(len(samples), np.inf)
    np.minimum.at(narrowest, idx, across)
    radius = np.sqrt(widest * np.where(np.isfinite(narrowest), narrowest, widest))
    # Smooth the radius profile along the path so one stray vertex does not make a band.
    kernel = np.ones(5) / 5
    radius = np.convolve(np.pad(radius, 2, mode="edge"), kernel, mode="valid")
    # Relative to a typical belly radius (85th percentile of the profile), not the largest
    # one: a single bulge must not turn the rest of a broad muscle into "tendon".
    rel = radius[idx] / max(float(np.percentile(radius, 85)), 1e-6)
    lo, hi = spec["thin"], spec["thick"]
    return smoothstep((rel - lo) / (hi - lo))


def blend(weights: np.ndarray, belly, tendon=None) -> np.ndarray:
    """Return uint8 RGB per vertex mixing the tendon colour (weight 0) and ``belly`` (1)."""
    return vertex_rgb(belly, len(weights), weights=weights, tendon=tendon)


def vertex_rgb(colour, n: int, weights: np.ndarray | None = None, openness: np.ndarray | None = None,
               tendon=None) -> np.ndarray:
    """Return uint8 RGB for ``n`` vertices: ``colour``, pale at tendons, darker where occluded.

    Parameters
    ----------
    colour : sequence of 3 floats
        The structure's colour (0..1).
    n : int
        The vertex count.
    weights : ndarray, optional
        Belly weights (0 tendon .. 1 belly, :func:`belly_weights`); none: all belly.
    openness : ndarray, optional
        Baked ambient occlusion (0 enclosed .. 1 open, ``render/occlusion.py``); each vertex
        is darkened to ``1 - strength * (1 - openness)`` of its colour (appearance.yaml
        ``occlusion.strength``).
    """
    rgb = np.broadcast_to(np.asarray(colour, float), (n, 3))
    if weights is not None:
        tendon = np.asarray(appearance()["tendon"]["colour"] if tendon is None else tendon, float)
        rgb = tendon + np.asarray(weights, float)[:, None] * (rgb - tendon)
    if openness is not None:
        strength = float(appearance().get("occlusion", {}).get("strength", 0.0))
        rgb = rgb * (1.0 - strength * (1.0 - np.asarray(openness, float)))[:, None]
    return np.clip(np.round(rgb * 255), 0, 255).astype(np.uint8)
