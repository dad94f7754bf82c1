"""The L5/S1 disc and the rami that cross the lower lumbar discs (issue 12), from the built model.

The lumbosacral disc is wedge-shaped, taller in front (Bogduk 2012, Clinical and
Radiological Anatomy of the Lumbar Spine, 5th ed.): it fills the space between the lower
end plate of L5 and the sacrum right to their front edges. It was built to the outline of the
sacrum's domed S1 end plate only, leaving an empty wedge, about 10 mm deep and up to 15 mm
tall, between the front of L5 and the sacrum. The L4 and L5 ventral rami cross the posterolateral surface of the disc
below their foramina (Gray's 42e ch. 79), outside it but on it.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.anatomy.built_model import midline_x, nerve_model, signed_distance


@pytest.fixture(scope="module")
def model():
    return nerve_model()


@pytest.mark.parametrize("off", [0.0, 6.0, -6.0])
def test_l5_s1_disc_fills_the_space_in_front(model, off):
    """Halfway from the front edge of L5's lower end plate down to the sacrum is disc, not a gap.

    At the midline and 6 mm either side: the point halfway between that edge (1 mm in) and the
    sacrum's surface straight below it lies inside the disc (or within 1 mm of it). The sacrum
    is found by a vertical line, not by its vertices, so the test does not depend on how
    finely the bone is triangulated.
    """
    x0 = midline_x(model)
    v = np.asarray(model.mesh("vertebra_l5").vertices, float)
    body = v[(np.abs(v[:, 0] - (x0 + off)) < 2.0) & (v[:, 1] < v[:, 1].min() + 34.0)]
    plate = body[body[:, 2] < body[:, 2].min() + 4.0]
    lip = plate[np.argmin(plate[:, 1])]  # the front edge of the lower end plate
    lip = lip + [0.0, 1.0, 0.0]  # on the plate, 1 mm in from that edge (its rim is rounded off)
    # the sacrum's surface straight below the lip: the first point of a vertical line inside it
    line = lip - np.outer(np.arange(0.0, 30.0, 0.25), [0.0, 0.0, 1.0])
    inside = np.flatnonzero(signed_distance(model, "sacrum", line) <= 0.0)
    assert len(inside), "no sacrum under the front of L5"
    below = line[inside[0]]
    gap = signed_distance(model, "disc_l5_s1", 0.5 * (lip + below))[0]
    assert gap <= 1.0, f"a gap: {gap:.1f} mm from the L5/S1 disc halfway between L5 ({lip[2]:.0f}) and the sacrum"


@pytest.mark.parametrize(("ramus", "disc"), [("l4_ventral_ramus", "disc_l4_l5"), ("l5_ventral_ramus", "disc_l5_s1")])
@pytest.mark.parametrize("s", ["r", "l"])
def test_ventral_ramus_lies_on_the_disc_posterolaterally(model, ramus, disc, s):
    """Outside the disc, within 3 mm of its surface, behind its centre and lateral of it."""
    from sciatic_atlas.assetbuild.nerve_plexus import RAMUS_DIAMETER

    line = model.centreline(f"{ramus}_{s}")
    gap = signed_distance(model, disc, line) - 0.5 * RAMUS_DIAMETER[ramus[:2]]
    i = int(np.argmin(gap))
    assert -0.5 < gap[i] <= 3.0, f"{ramus}_{s}'s surface is {gap[i]:.1f} mm from {disc}"
    centre = model.landmark(disc)
    assert line[i, 1] > centre[1] - 5.0, "on the disc's back half, not its front"
    assert abs(line[i, 0] - centre[0]) > 10.0, "beside the disc, not behind its middle"
