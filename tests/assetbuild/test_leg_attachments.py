"""Popliteus, plantaris, the flexor retinaculum and abductor hallucis (issue 12).

The model has no actuators for them; they are laid between points found on the bone meshes
(data/attachments.yaml, assetbuild/leg_attachments.py). Popliteus forms the floor of the
popliteal fossa under the vessels and the tibial nerve; the flexor retinaculum roofs the
tarsal tunnel over the tibial nerve; the plantar nerves enter the sole deep to abductor
hallucis (Moore 9th ed., Lower Limb: popliteal fossa; tarsal tunnel; nerves of the foot).
Closed, mirrored, out of bone and spanning their attachments: test_attachments.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.muscle_shape import RING_SPINDLE

pytestmark = pytest.mark.build

MED = np.array([1.0, 0.0, 0.0])  # medial, right side
POST = np.array([0.0, 1.0, 0.0])


@pytest.fixture(scope="module")
def part(staged):
    return staged[0]


def _sd(mesh):
    return mesh_ops.SignedDistance(mesh.vertices, mesh.faces)


def _meets(sd, points, direction, reach=40.0, step=0.5):
    """Return, per point, whether the ray from it along ``direction`` enters the surface within ``reach`` mm."""
    steps = np.arange(step, reach, step)[:, None] * (direction / np.linalg.norm(direction))
    return np.array([bool((sd(p + steps) < 0).any()) for p in np.atleast_2d(points)])


def _first_mm(line, mm):
    """Return the points of a centreline within its first ``mm`` of length."""
    run = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))]
    return line[run <= mm]


def test_plantaris_tendon_is_long_and_thin(part):
    """A small belly at the knee and a tendon a few mm across down the calf to the heel."""
    knee = part.landmarks["knee_joint_centre_r"].position
    mm = part.landmarks["medial_malleolus_r"].position
    v = part.meshes["plantaris_r"].vertices
    rings = v[1:-1].reshape(-1, RING_SPINDLE, 3)  # the lofted band: a pole, its rings, a pole
    centres = rings.mean(axis=1)
    across = np.array([np.linalg.norm(r[:, None] - r[None], axis=2).max() for r in rings])
    calf = (centres[:, 2] < knee[2] - 120) & (centres[:, 2] > mm[2] + 40)
    assert calf.sum() >= 6, "no tendon in the calf"
    assert across[calf].max() < 10.0, f"tendon {across[calf].max():.1f} mm across"
    assert across[calf].min() > 2.0, f"tendon flattened to {across[calf].min():.1f} mm"
    belly = across[centres[:, 2] > knee[2] - 40].max()
    assert belly > 2.0 * across[calf].max(), f"belly {belly:.1f} mm, tendon up to {across[calf].max():.1f} mm"


def test_plantaris_tendon_runs_between_gastrocnemius_and_soleus(part):
    """In the calf, where the medial head of gastrocnemius lies behind it, soleus lies in front."""
    line = part.centrelines["plantaris_r"]
    behind = _meets(_sd(part.meshes["gastrocnemius_medial_head_r"]), line, POST)
    between = line[behind]
    assert len(between) >= 3, "plantaris does not run under the medial head"
    soleus = _sd(part.meshes["soleus_r"])
    assert _meets(soleus, between, -POST).all(), "soleus is not in front of the tendon"
    assert soleus(between).min() > 0.0, "the tendon runs inside soleus"


def _in_popliteus_column(part, line):
    """Return the points of ``line`` whose front-to-back line meets popliteus, and where it lies."""
    sd = _sd(part.meshes["popliteus_r"])
    front, behind = _meets(sd, line, -POST, 60.0), _meets(sd, line, POST, 60.0)
    return line[front | behind], front[front | behind], behind[front | behind]


@pytest.mark.parametrize("sid", ["tibial_nerve_r", "popliteal_artery_r", "popliteal_vein_r"])
def test_popliteus_is_deep_to_the_nerve_and_vessels(part, sid):
    """In the floor of the fossa: popliteus in front of (deep to) them wherever they cross it.

    (After the sculpted muscles the lowest centreline point of the tibial nerve, z 465, and the
    highest of the artery, z 491, passed just in front of popliteus's lower and upper borders.)
    """
    line = part.centrelines[sid]
    over, front, behind = _in_popliteus_column(part, line)
    assert len(over) >= 5, f"{sid} crosses popliteus at {len(over)} points"
    assert front.all() and not behind.any(), f"{sid}: popliteus behind it at {over[behind].round(0).tolist()}"
    assert _sd(part.meshes["popliteus_r"])(over).min() > 0.0, f"{sid} runs through popliteus"


@pytest.mark.parametrize("sid", ["popliteal_artery_r", "popliteal_vein_r"])
def test_popliteal_vessels_lie_on_popliteus_not_in_it(part, sid):
    from sciatic_atlas.assetbuild.vessel_paths import vessel_diameter

    radius = vessel_diameter(sid[:-2]) / 2
    over, _, _ = _in_popliteus_column(part, part.centrelines[sid])
    gap = _sd(part.meshes["popliteus_r"])(over).min() - radius
    assert gap > 0.0, f"{sid}'s wall enters popliteus by {-gap:.1f} mm"


def test_tibial_nerve_runs_under_the_flexor_retinaculum(part):
    """Behind the medial malleolus the retinaculum covers the nerve on its medial (superficial) side."""
    mm = part.landmarks["medial_malleolus_r"].position
    line = part.centrelines["tibial_nerve_r"]
    tunnel = line[(line[:, 2] < mm[2] + 15) & (line[:, 2] > mm[2] - 20)]
    assert len(tunnel) >= 8
    sd = _sd(part.meshes["flexor_retinaculum_r"])
    assert _meets(sd, tunnel, MED).all(), "part of the nerve behind the malleolus is not under the retinaculum"
    assert sd(tunnel).min() > 1.0, "the nerve runs through the retinaculum"


@pytest.mark.parametrize("sid", ["medial_plantar_nerve_r", "lateral_plantar_nerve_r"])
def test_plantar_nerves_enter_the_sole_deep_to_abductor_hallucis(part, sid):
    """Their first 15 mm: abductor hallucis lies between them and the medial sole."""
    entry = _first_mm(part.centrelines[sid], 15.0)
    sd = _sd(part.meshes["abductor_hallucis_r"])
    assert len(entry) >= 4
    assert _meets(sd, entry, MED - np.array([0.0, 0.0, 1.0])).all(), f"{sid} is not deep to abductor hallucis"
    assert sd(entry).min() > 0.5, f"{sid} runs through abductor hallucis"


def test_medial_plantar_nerve_runs_lateral_to_abductor_hallucis(part):
    """Along the back half of the muscle the nerve lies lateral of (deep to) it, never medial."""
    ab = part.centrelines["abductor_hallucis_r"]
    line = part.centrelines["medial_plantar_nerve_r"]
    line = line[len(_first_mm(line, 5.0)):]  # from where it leaves the tibial nerve's end
    half = line[(line[:, 1] < ab[0, 1]) & (line[:, 1] > (ab[0, 1] + ab[-1, 1]) / 2)]
    assert len(half) >= 8
    assert _meets(_sd(part.meshes["abductor_hallucis_r"]), half, MED).all()
