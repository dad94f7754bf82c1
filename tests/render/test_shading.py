"""Muscle tendon shading: thin ends pale, belly in the muscle's colour."""

from __future__ import annotations

import numpy as np

from sciatic_atlas.render.appearance import appearance
from sciatic_atlas.render.shading import belly_weights, blend


def _spindle() -> tuple[np.ndarray, np.ndarray]:
    """A spindle along z (0..200 mm), radius 20 mm in the middle, 2 mm at the ends."""
    z = np.linspace(0, 200, 81)
    radius = 2 + 18 * np.sin(np.pi * z / 200) ** 2
    angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    pts = np.array([[r * np.cos(a), r * np.sin(a), zz] for zz, r in zip(z, radius) for a in angles])
    return pts, np.column_stack([np.zeros(11), np.zeros(11), np.linspace(0, 200, 11)])


def test_belly_is_one_and_tendon_ends_are_zero():
    pts, path = _spindle()
    w = belly_weights(pts, path)
    assert w[np.abs(pts[:, 2] - 100) < 5].min() > 0.95
    assert w[pts[:, 2] < 3].max() < 0.05 and w[pts[:, 2] > 197].max() < 0.05


def test_no_centreline_means_no_tendon_shading():
    pts, _ = _spindle()
    assert belly_weights(pts, None) is None


def test_blend_mixes_tendon_and_belly_colours():
    red = (0.8, 0.1, 0.1)
    rgb = blend(np.array([0.0, 1.0]), red)
    assert np.allclose(rgb[0] / 255, appearance()["tendon"]["colour"], atol=0.01)
    assert np.allclose(rgb[1] / 255, red, atol=0.01)


def test_a_flat_aponeurosis_is_drawn_as_tendon():
    # A belly (radius 20 mm) that ends in a flat band 24 mm wide and 3 mm thick, like the
    # gastrocnemius aponeurosis: the band is pale although it is as wide as a small belly.
    z = np.linspace(0, 300, 121)
    angles = np.linspace(0, 2 * np.pi, 32, endpoint=False)
    belly = z < 150
    a = np.where(belly, 2 + 18 * np.sin(np.pi * z / 150), 12.0)
    b = np.where(belly, 2 + 18 * np.sin(np.pi * z / 150), 1.5)
    pts = np.array([[ai * np.cos(t), bi * np.sin(t), zz] for zz, ai, bi in zip(z, a, b) for t in angles])
    path = np.column_stack([np.zeros(16), np.zeros(16), np.linspace(0, 300, 16)])
    w = belly_weights(pts, path)
    assert w[np.abs(pts[:, 2] - 75) < 5].min() > 0.95
    assert w[(pts[:, 2] > 190) & (pts[:, 2] < 280)].max() < 0.2
