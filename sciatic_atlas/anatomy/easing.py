"""Smoothstep, the one easing curve the atlas uses: 3t^2 - 2t^3 of t clipped to [0, 1].

It blends a pose or a camera in time (slow start, slow end) and fades weights in space
(pain on the skin, shading of tendons, the asset build's warps and clearances).
"""

from __future__ import annotations

import numpy as np


def smoothstep(t):
    """Return ``3t^2 - 2t^3`` of ``t`` clipped to [0, 1] (an array, or a float for a float)."""
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def ease(t: float) -> float:
    """Return the smoothstep easing of the time fraction ``t`` (slow start, slow end)."""
    return float(smoothstep(float(t)))
