"""The brush editor behind the window's drawing tool: strokes, eraser, undo and redo."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.anatomy.painmap import load_painmap, save_painmap
from sciatic_atlas.anatomy.painmap_edit import PainMapEditor
from sciatic_atlas.anatomy.painmap_skin import drawing
from sciatic_atlas.anatomy.skin_regions import named_regions, region_weights, skin_surface
from sciatic_atlas.anatomy.sources_rank import rank_sources
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)


def test_a_stroke_leaves_dabs_along_its_path_with_the_brush_settings():
    ed = PainMapEditor()
    ed.set_kind("numbness")
    ed.set_intensity(12)  # clipped to 10
    ed.set_radius(10)
    added = ed.stroke([[0, 0, 0], [0, 0, 50]])
    assert added == 11  # a dab every 5 mm
    assert {m.kind for m in ed.painmap.marks} == {"numbness"}
    assert {m.intensity for m in ed.painmap.marks} == {10.0}
    assert {m.radius for m in ed.painmap.marks} == {10.0}
    with pytest.raises(ValueError):
        ed.set_kind("itch")


def test_erase_undo_and_redo():
    ed = PainMapEditor()
    ed.set_radius(10)
    ed.stroke([[0, 0, 0], [0, 0, 100]])
    ed.set_kind("numbness")
    ed.stroke([[50, 0, 0]])
    full = ed.painmap
    assert len(full.marks) == 21 + 1  # dabs every 5 mm from z 0 to 100, and one numbness dab
    assert ed.erase([[0, 0, 0], [0, 0, 30]]) == 9  # the dabs within 10 mm of the eraser: z 0 to 40
    assert len(ed.painmap.marks) == 13
    assert any(m.kind == "numbness" for m in ed.painmap.marks)  # 50 mm away: kept
    assert ed.undo() and ed.painmap == full
    assert ed.redo() and len(ed.painmap.marks) == 13
    assert not ed.redo()
    while ed.undo():
        pass
    assert ed.painmap.marks == () and not ed.can_undo and ed.can_redo


def test_a_brush_stroke_on_the_sole_ranks_like_the_sole_and_survives_save(skin_model, tmp_path):
    surface = skin_surface(skin_model)
    sole = region_weights(surface, named_regions()["sole"]["spec"], "right") > 0.5
    pts = surface.vertices[sole]
    heel_to_toe = pts[np.argsort(pts[:, 1])][:: max(1, len(pts) // 12)]  # a line along the sole
    ed = PainMapEditor()
    ed.set_kind("numbness")
    ed.set_radius(25)
    ed.stroke(heel_to_toe)
    d = drawing(surface, ed.painmap)
    assert (d.numbness[sole] > 0.5).mean() > 0.3
    ranked = rank_sources(skin_model, ed.painmap)
    assert ranked[0].overlay_id in ("skin_tibial", "dermatome_s1")
    again = load_painmap(save_painmap(ed.painmap, tmp_path / "brush.json"))
    assert again == ed.painmap
