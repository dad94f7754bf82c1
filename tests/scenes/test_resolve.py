"""resolve_state: the base scene, then steps cumulatively; groups, sides, marks, labels, variants."""

from __future__ import annotations

import pytest

from sciatic_atlas.scenes.errors import SceneError
from sciatic_atlas.scenes.load import load_scene
from sciatic_atlas.scenes.resolve import FADE_OPACITY, resolve_state


@pytest.fixture
def scene(write, good_text, catalog):
    return load_scene(write(good_text), catalog)


def _visible(state) -> set[str]:
    return {sid for sid, style in state.styles.items() if style.visible}


def test_base_shows_only_the_listed_structures_on_the_chosen_side(scene, knowledge, model):
    state = resolve_state(scene, 0, knowledge=knowledge, model=model)
    assert _visible(state) == {"gluteus_maximus_r", "gluteus_minimus_r", "piriformis_r", "sciatic_nerve_r",
                               "biceps_femoris_long_head_r", "semitendinosus_r", "femur_r", "hip_bone_r", "sacrum"}
    assert "sciatic_nerve_r__ba_d" not in state.styles  # variant meshes appear only through variants
    assert state.title == "A test scene" and state.text == "Plain words."
    assert state.camera.view == "posterior" and state.side == "right"
    assert [(lab.text, lab.anchor) for lab in state.labels] == [("Piriformis", "piriformis_r")]


def test_between_landmarks_become_fractions_along_the_nerve(scene, knowledge, model):
    (mark,) = resolve_state(scene, 0, knowledge=knowledge, model=model).compressions
    # notch at z=950 and tuberosity at z=850 on a nerve from z=1000 to z=500
    assert (mark.compressor, mark.nerve) == ("piriformis_r", "sciatic_nerve_r")
    assert (mark.start, mark.end) == pytest.approx((0.1, 0.3))
    assert mark.explanation == "A tight piriformis squeezes the nerve."


def test_steps_apply_cumulatively(scene, knowledge, model):
    one = resolve_state(scene, 1, knowledge=knowledge, model=model)
    assert one.styles["gluteus_maximus_r"].opacity == FADE_OPACITY
    assert one.styles["piriformis_r"].highlight and not one.styles["semitendinosus_r"].highlight
    assert one.title == "A test scene — Lift the big muscle away" and one.text == "Gluteus maximus is faded."
    two = resolve_state(scene, 2, knowledge=knowledge, model=model)
    # each step states its full look: step 1's fade is not carried into step 2 (the muscle stays shown)
    assert two.styles["gluteus_maximus_r"].visible and two.styles["gluteus_maximus_r"].opacity is None
    assert {s for s, st in two.styles.items() if st.highlight} == {"biceps_femoris_long_head_r", "semitendinosus_r"}
    assert two.compressions == () and two.overlays == ("piriformis_referral",)
    assert two.camera.view == "thigh"
    three = resolve_state(scene, "3", knowledge=knowledge, model=model)
    assert [m.compressor for m in three.compressions] == ["piriformis_r"]  # by reference
    assert three.variants == {"sciatic_path": "d"} and three.overlays == ("piriformis_referral",)
    assert resolve_state(scene, "fade-max", knowledge=knowledge, model=model) == one


def test_side_override_mirrors_and_both_keeps_both(scene, knowledge, model):
    left = resolve_state(scene, 0, side="left", knowledge=knowledge, model=model)
    assert "piriformis_l" in _visible(left) and "piriformis_r" not in _visible(left)
    assert left.compressions[0].nerve == "sciatic_nerve_l"
    assert left.labels[0].anchor == "piriformis_l"
    both = resolve_state(scene, 0, side="both", knowledge=knowledge, model=model)
    assert {"piriformis_l", "piriformis_r"} <= _visible(both)
    assert sorted(m.nerve for m in both.compressions) == ["sciatic_nerve_l", "sciatic_nerve_r"]


def test_isolate_hide_and_styles(write, good_text, catalog, knowledge, model):
    text = good_text.replace("    fade: [gluteus_maximus]\n", "    isolate: {structures: [piriformis], others: fade}\n"
                             "    hide: [femur]\n    styles:\n      - {structures: [sacrum], colour: '#ff0000', opacity: 0.5}\n")
    scene = load_scene(write(text), catalog)
    state = resolve_state(scene, 1, knowledge=knowledge, model=model)
    assert state.styles["piriformis_r"].opacity is None and state.styles["piriformis_r"].visible
    assert state.styles["semitendinosus_r"].opacity == FADE_OPACITY
    assert not state.styles["femur_r"].visible
    assert state.styles["sacrum"].colour == (1.0, 0.0, 0.0) and state.styles["sacrum"].opacity == 0.5
    assert not state.styles["skin"].visible and not state.styles["disc_l4_l5"].visible


def test_whole_model_shown_when_scene_lists_nothing(write, good_text, catalog, knowledge, model):
    text = good_text.replace("show: [gluteals, piriformis, sciatic_nerve, hamstrings, femur, hip_bone, sacrum]\n", "")
    state = resolve_state(load_scene(write(text), catalog), 0, knowledge=knowledge, model=model)
    right = {s for s in model.structure_ids if s.endswith("_r") and "__" not in s}
    assert _visible(state) == right | {"sacrum", "disc_l4_l5"}  # skin only when asked for


def test_bad_step_or_side_is_a_scene_error(scene, knowledge, model):
    with pytest.raises(SceneError, match="no step 4.*from 0 .* to 3"):
        resolve_state(scene, 4, knowledge=knowledge, model=model)
    with pytest.raises(SceneError, match="no step 'nope'.*fade-max"):
        resolve_state(scene, "nope", knowledge=knowledge, model=model)
    with pytest.raises(SceneError, match="unknown side 'up'"):
        resolve_state(scene, 0, side="up", knowledge=knowledge, model=model)


def test_a_later_hide_wins_over_an_earlier_highlight(write, good_text, catalog, knowledge, model):
    text = good_text.replace("    compressions: []\n", "    compressions: []\n    hide: [piriformis]\n", 1)
    scene = load_scene(write(text), catalog)
    one = resolve_state(scene, 1, knowledge=knowledge, model=model)
    assert one.styles["piriformis_r"].visible and one.styles["piriformis_r"].highlight
    two = resolve_state(scene, 2, knowledge=knowledge, model=model)
    assert not two.styles["piriformis_r"].visible and not two.styles["piriformis_r"].highlight
    three = resolve_state(scene, 3, knowledge=knowledge, model=model)  # the compression brings it back
    assert three.styles["piriformis_r"].visible


def test_a_shown_muscle_brings_the_hidden_bones_it_attaches_to_faded(write, good_text, catalog, knowledge, model):
    """Issue 12: the long tendons must not hang in space when the scene hides their bones."""
    record = model._record["structures"]
    for side in ("_r", "_l"):
        record[f"semitendinosus{side}"].update(kind="muscle", bodies=["pelvis", f"femur{side}"])
        record[f"femur{side}"].update(kind="bone", body=f"femur{side}")
    scene = load_scene(write(good_text.replace("show: [gluteals, piriformis, sciatic_nerve, hamstrings, femur,",
                                               "hide: [femur]\nshow: [gluteals, piriformis, sciatic_nerve, hamstrings,")),
                       catalog)
    state = resolve_state(scene, 0, knowledge=knowledge, model=model)
    assert state.styles["femur_r"].visible and state.styles["femur_r"].opacity == FADE_OPACITY
    assert not state.styles["femur_l"].visible  # the other side stays hidden
    assert state.styles["semitendinosus_r"].visible and not state.styles["femur_r"].highlight
