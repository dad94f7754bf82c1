"""Helpers for pixel checks: project a world point to an image pixel, compare colours."""

from __future__ import annotations

import numpy as np

# Flat colours for pixel checks, far from each other and from a black background.
RED, GREEN, BLUE, YELLOW = (0.9, 0.1, 0.1), (0.1, 0.8, 0.1), (0.1, 0.2, 0.95), (1.0, 0.85, 0.1)


def project(plotter, point) -> tuple[int, int]:
    """Return the (row, column) of the image pixel where world ``point`` (mm) lands."""
    renderer = plotter.renderer
    renderer.SetWorldPoint(*map(float, point), 1.0)
    renderer.WorldToDisplay()
    x, y, _ = renderer.GetDisplayPoint()
    height = plotter.window_size[1]
    return int(round(height - 1 - y)), int(round(x))


def pixel(plotter, point, radius: int = 1) -> np.ndarray:
    """Return the mean RGB (0..1) of the small patch around where ``point`` projects."""
    img = plotter.screenshot(return_img=True).astype(float) / 255.0
    row, col = project(plotter, point)
    patch = img[max(row - radius, 0):row + radius + 1, max(col - radius, 0):col + radius + 1, :3]
    return patch.reshape(-1, 3).mean(axis=0)


def same_hue(rgb, colour, tol: float = 0.15) -> bool:
    """Return True when ``rgb`` is ``colour`` up to lighting (brightness), within ``tol``."""
    rgb, colour = np.asarray(rgb, float), np.asarray(colour, float)
    if rgb.max() < 0.1:
        return False
    return bool(np.abs(rgb / rgb.max() - colour / colour.max()).max() < tol)
