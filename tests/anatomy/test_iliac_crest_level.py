"""The level of the iliac crests against the lumbar spine (issue 12), from the built model.

The line joining the tops of the iliac crests crosses the L4 spinous process or the L4/L5
interspace (Moore 9e, Back: surface anatomy of the vertebral column; Chakraverty R, Pynsent P,
Isaacs K. Which spinal levels are identified by palpation of the iliac crests and the posterior
superior iliac spines? J Anat 2007;210(2):232-6, doi:10.1111/j.1469-7580.2006.00686.x).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.anatomy.built_model import nerve_model


def _spinous_tip(model, level: str) -> np.ndarray:
    v = np.asarray(model.mesh(f"vertebra_{level}").vertices, float)
    return v[np.argmax(v[:, 1])]  # the most posterior point (+y is posterior)


@pytest.mark.parametrize("s", ["r", "l"])
def test_iliac_crest_top_is_level_with_l4_or_the_l4_l5_interspace(s):
    model = nerve_model()
    crest = model.landmark(f"iliac_crest_{s}")[2]
    l4, l5 = _spinous_tip(model, "l4")[2], _spinous_tip(model, "l5")[2]
    interspace = 0.5 * (l4 + l5)
    assert interspace - 2.0 <= crest <= l4 + 2.0, (
        f"crest top z {crest:.0f} mm; L4/L5 interspace {interspace:.0f}, L4 spinous tip {l4:.0f}, L5 tip {l5:.0f}")
