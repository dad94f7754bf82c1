"""The cross-sections of attached structures (assetbuild/attachments.py): ellipse or plate.

Pure geometry, no model needed: the band holds its volume whatever its ``squareness``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sciatic_atlas.assetbuild import attachments


def _polygon_area(x: np.ndarray, y: np.ndarray) -> float:
    return float(0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def test_section_fill_of_an_ellipse_is_pi_over_four():
    assert attachments.section_fill(2.0) == pytest.approx(math.pi / 4)
    assert attachments.section_fill(4.0) == pytest.approx(0.9270, abs=1e-4)
    assert attachments.section_fill(50.0) > 0.99  # tends to the rectangle


@pytest.mark.parametrize("n", [2.0, 3.0, 4.0, 6.0])
def test_section_ring_encloses_the_superellipse_area(n):
    x, y = attachments.section_ring(n, 400)
    assert np.allclose(np.abs(x) ** n + np.abs(y) ** n, 1.0)
    assert _polygon_area(x, y) / 4.0 == pytest.approx(attachments.section_fill(n), rel=1e-3)


def test_plate_band_holds_its_volume_and_is_flat():
    # A straight 60 mm band along x, 30 mm wide (z), thickness along y.
    points = {"a": np.array([0.0, 0.0, 0.0]), "b": np.array([-60.0, 0.0, 0.0])}
    spec = {"path": ["a", "b"], "width": [30, 30], "axis": [[0, 1, 0], [0, 1, 0]], "volume_ml": 14.0}
    from sciatic_atlas.assetbuild.mesh_ops import loft_closed, signed_volume

    for n in (2.0, 4.0):  # the volume of the surface itself, not band()'s own sum
        rings, centre, _ = attachments.band({**spec, "squareness": n}, points, "r")
        assert signed_volume(*loft_closed(rings, centre[0], centre[-1])) == pytest.approx(14000.0, rel=0.05), n
    mid = rings[len(rings) // 2]
    across, thick = np.ptp(mid[:, 2]), np.ptp(mid[:, 1])
    assert across == pytest.approx(30.0) and across > 3.0 * thick
    area = _polygon_area(mid[:, 2], mid[:, 1])
    assert area / (across * thick) > 0.85  # the 16-point ellipse: 0.77
