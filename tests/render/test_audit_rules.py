"""render/audit.problems: each rule of the library audit catches what it is for (no rendering)."""

from __future__ import annotations

from sciatic_atlas.render.audit import problems
from sciatic_atlas.scenes.state import CompressionMark, SceneState, StructureStyle


def _report(**kw):
    base = {"size": [400, 480], "labels": [], "overlays": {}, "highlighted": [], "compressions": [],
            "structures": {"femur_r": {"visible_pixels": 5000}, "sciatic_nerve_r": {"visible_pixels": 900}}}
    base.update(kw)
    return base


STATE = SceneState(styles={"femur_r": StructureStyle(), "sciatic_nerve_r": StructureStyle(highlight=True)})


def test_a_clean_frame_has_no_problems():
    assert problems(STATE, _report(highlighted=["sciatic_nerve_r"])) == []


def test_a_hidden_highlight_or_compression_is_a_problem():
    report = _report(highlighted=["sciatic_nerve_r"],
                     structures={"femur_r": {"visible_pixels": 5000}, "sciatic_nerve_r": {"visible_pixels": 3}})
    assert any("highlighted sciatic_nerve_r" in p for p in problems(STATE, report))
    state = SceneState(styles=STATE.styles, compressions=(CompressionMark("femur_r", "sciatic_nerve_r", 0.1, 0.2),))
    report["compressions"] = [{"nerve": "sciatic_nerve_r", "compressor": "femur_r"}]
    assert any("compressed nerve sciatic_nerve_r" in p for p in problems(state, report))


def test_labels_off_their_structure_undrawn_or_overlapping_are_problems():
    on = {"text": "A", "structure": "femur_r", "drawn": True, "on_structure": True, "box": [0, 0, 50, 20]}
    off = {"text": "B", "structure": "sciatic_nerve_r", "drawn": True, "on_structure": False,
           "pixel_owner": "femur_r", "box": [40, 10, 90, 30]}
    hidden = {"text": "C", "structure": "x", "drawn": False, "box": None, "warning": "not shown"}
    found = problems(STATE, _report(labels=[on, off, hidden]))
    assert any("'B' points at femur_r" in p for p in found)
    assert any("'C' not drawn" in p for p in found)
    assert any("overlap" in p for p in found)


def test_something_drawn_that_the_step_does_not_ask_for_is_a_problem():
    report = _report(structures={"femur_r": {"visible_pixels": 5000}, "femur_l": {"visible_pixels": 800}})
    assert any("femur_l is drawn" in p for p in problems(STATE, report))


def test_two_overlays_of_one_colour_are_a_problem():
    state = SceneState(styles=STATE.styles, overlays=("referral_gluteus_minimus_posterior", "referral_biceps_femoris"))
    report = _report(overlays={"referral_gluteus_minimus_posterior": {"visible_pixels": 9000},
                               "referral_biceps_femoris": {"visible_pixels": 9000}})
    assert any("share one colour" in p for p in problems(state, report))


def test_seen_only_through_a_layer_translucent_by_default_is_hidden():
    # issue 12: the nerve "seen" through a muscle the step did not make see-through is not seen
    structures = {"gluteus_maximus_r": {"visible_pixels": 5000},
                  "sciatic_nerve_r": {"visible_pixels": 900, "seen_through": {"gluteus_maximus_r": 880}}}
    report = _report(highlighted=["sciatic_nerve_r"], structures=structures)
    default = SceneState(styles={**STATE.styles, "gluteus_maximus_r": StructureStyle()})
    assert any("highlighted sciatic_nerve_r covers 20 pixels" in p for p in problems(default, report))
    asked = SceneState(styles={**STATE.styles, "gluteus_maximus_r": StructureStyle(opacity=0.4)})
    assert problems(asked, report) == []
