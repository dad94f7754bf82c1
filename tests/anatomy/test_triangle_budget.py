"""The built model keeps the triangle budget of ``data/mesh_detail.yaml`` (issue 12).

Start-up, memory and full-quality frames on a CPU renderer grow with the triangles drawn, so
each kind of structure has a budget, and so has the whole model. A kind the budget does not
name fails too: a new kind of structure must be given its budget.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.anatomy.data_files import read_yaml
from sciatic_atlas.anatomy.paths import DATA_DIR
from sciatic_atlas.assetbuild.mesh_ops import is_closed_manifold
from tests.anatomy.built_model import nerve_model


def _detail() -> dict:
    return read_yaml(DATA_DIR / "mesh_detail.yaml")


def test_every_kind_keeps_its_triangle_budget():
    budget = _detail()["budget"]
    counts = nerve_model().triangles_by_kind()
    unbudgeted = sorted(set(counts) - set(budget))
    assert not unbudgeted, f"give these kinds a budget in data/mesh_detail.yaml: {unbudgeted}"
    over = {k: (n, budget[k]) for k, n in counts.items() if n > budget[k]}
    assert not over, over
    assert sum(counts.values()) <= budget["total"], sum(counts.values())


def test_the_sacrum_is_subdivided_only_round_its_foramina_and_still_closed():
    model = nerve_model()
    sacrum = model.mesh("sacrum")
    assert sacrum.n_triangles <= _detail()["sacrum_triangles"]
    assert is_closed_manifold(np.asarray(sacrum.faces, np.int64))


def test_nerve_tubes_drop_rings_where_they_run_straight():
    """A nerve tube has fewer rings than its centreline has points: straight runs were thinned."""
    model = nerve_model()
    around = _detail()["tubes"]["around"]["nerve"]
    for sid in ("sciatic_nerve_r", "tibial_nerve_l", "sural_nerve_r"):
        rings = (len(model.mesh(sid).vertices) - 2) // around
        assert rings < 0.8 * len(model.centreline(sid)), sid
