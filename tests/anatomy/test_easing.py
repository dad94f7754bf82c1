"""The one easing curve (smoothstep) the atlas blends poses, cameras and weights with."""

import numpy as np

from sciatic_atlas.anatomy.easing import ease, smoothstep


def test_smoothstep_is_clipped_symmetric_and_flat_at_its_ends():
    t = np.linspace(-0.5, 1.5, 41)
    s = smoothstep(t)
    assert np.all(s[t <= 0] == 0.0) and np.all(s[t >= 1] == 1.0)
    inner = (t > 0) & (t < 1)
    assert np.allclose(s[inner] + smoothstep(1.0 - t[inner]), 1.0), "symmetric about t = 0.5"
    assert np.all(np.diff(s) >= 0), "never goes back"
    h = 1e-4
    assert smoothstep(h) < 1e-6 and 1.0 - smoothstep(1.0 - h) < 1e-6, "slow start, slow end"


def test_ease_takes_and_returns_plain_floats():
    assert ease(0.5) == 0.5 and isinstance(ease(0.25), float)
    assert ease(-3) == 0.0 and ease(7) == 1.0
