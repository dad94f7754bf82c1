"""ViewState: the observable choices of the window, without Qt."""

import pytest

from sciatic_atlas.app.view_state import ViewState


def record(state, *names):
    seen = []
    for name in names:
        state.connect(name, lambda value, n=name: seen.append((n, value)))
    return seen


def test_setters_emit_their_event_with_the_new_value():
    state = ViewState()
    seen = record(state, "side", "selected", "peel", "background", "present", "view")
    state.set_side("left")
    state.select("piriformis_r")
    state.set_peel(2)
    state.set_background("dark")
    state.set_present(True)
    state.set_view("gluteal")
    assert seen == [("side", "left"), ("selected", "piriformis_r"), ("peel", 2),
                    ("background", "dark"), ("present", True), ("view", "gluteal")]


def test_unchanged_values_do_not_emit():
    state = ViewState()
    seen = record(state, "side", "selected", "step")
    state.set_side("both")
    state.select(None)
    state.set_step(0)
    assert seen == []


def test_bad_values_are_refused_with_the_valid_ones():
    state = ViewState()
    with pytest.raises(ValueError, match="both, right, left"):
        state.set_side("middle")
    with pytest.raises(ValueError, match="light, dark"):
        state.set_background("blue")
    with pytest.raises(KeyError, match="unknown ViewState event"):
        state.connect("colour", print)


def test_opening_a_scene_or_stepping_drops_the_users_overrides():
    state = ViewState()
    state.set_visible(["piriformis_r"], False)
    state.set_opacity(["gluteus_maximus_r"], 0.2)
    state.set_peel(3)
    state.isolate(["sciatic_nerve_r"])
    state.set_view("thigh")
    seen = record(state, "scene")
    state.open_scene("03-piriformis", step=2)
    assert seen == [("scene", "03-piriformis")]
    assert (state.scene_id, state.step) == ("03-piriformis", 2)
    assert state.visibility == {} and state.opacity == {} and state.isolated is None
    assert state.peel == 0 and state.view is None
    state.set_visible(["piriformis_r"], False)
    state.set_step(3)
    assert state.visibility == {} and state.step == 3


def test_isolating_clears_hidden_flags_of_the_isolated_structures():
    state = ViewState()
    state.set_visible(["a", "b"], False)
    state.isolate(["a"])
    assert state.isolated == frozenset({"a"})
    assert state.visibility == {"b": False}
    state.isolate(None)
    assert state.isolated is None


def test_opacity_is_clamped_and_disconnect_stops_callbacks():
    state = ViewState()
    state.set_opacity(["a"], 3.0)
    state.set_opacity(["b"], -1)
    assert state.opacity == {"a": 1.0, "b": 0.0}
    seen = []
    state.connect("peel", seen.append)
    state.disconnect("peel", seen.append)
    state.set_peel(1)
    assert seen == []


def test_show_all_emits_one_event_so_the_window_redraws_once():
    state = ViewState()
    seen = record(state, "overrides", "peel")
    state.set_peel(2)
    state.reset_overrides()
    assert seen == [("peel", 2), ("peel", 0)] and state.peel == 0
    state.set_opacity(["piriformis_r"], 0.5)
    seen.clear()
    state.reset_overrides()
    assert seen == [("overrides", None)] and state.opacity == {}
