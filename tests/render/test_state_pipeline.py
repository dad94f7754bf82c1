"""One state pipeline: the window and ``sciatic-atlas render`` draw the same state.

The window builds its frame through ``Session.frame_state`` (the scene resolved, then the
user's changes, none here); the command line through ``render``'s own loading. For the
same scene, step and side, or the whole model at a view and side, both give the same
:class:`SceneState` (styles, camera, labels, marks, overlays, background).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.app.commands.render import _scene_state
from sciatic_atlas.app.session import Session
from sciatic_atlas.app.view_state import ViewState
from sciatic_atlas.render.apply import default_state
from sciatic_atlas.scenes.build import build_state
from sciatic_atlas.scenes.state import BACKGROUND, hidden_by_default


@pytest.fixture(scope="module")
def session():
    return Session.load()


@pytest.mark.parametrize("scene_id, step, side", [("spine", 3, "right"), ("calves", 5, "left"),
                                                  ("overview", 0, "both"), ("piriformis", 4, "right")])
def test_window_and_render_draw_the_same_scene_state(session, scene_id, step, side):
    view = ViewState()
    view.open_scene(scene_id, step)
    view.set_side(side)
    window = session.frame_state(view)
    headless = _scene_state(Path(scene_id), str(step), side, session.model)
    assert window == headless
    assert window == build_state(session.model, session.scenes[scene_id], step, side)  # the one builder
    assert window.background == BACKGROUND


@pytest.mark.parametrize("view_name, side", [("posterior", "both"), ("lumbar", "right")])
def test_window_and_render_draw_the_same_model_state(session, view_name, side):
    view = ViewState()
    view.set_side(side)
    window = session.frame_state(view)
    headless = default_state(session.model, view_name, side)
    built = build_state(session.model, None, side=side, view=view_name)  # the one builder
    assert {sid: (st.visible, st.colour, st.highlight) for sid, st in built.styles.items()} == \
        {sid: (st.visible, st.colour, st.highlight) for sid, st in headless.styles.items()}
    assert all(st.opacity is None for st in built.styles.values())  # default looks, written out by render
    if view_name == "posterior":
        assert window == headless
    assert headless.background == BACKGROUND == window.background


def test_one_rule_hides_skin_and_canal_by_default(session):
    model = load_model()
    state = default_state(model, "posterior", "both")
    scene = _scene_state(Path("overview"), "0", None, model)
    for sid in ("skin", "spinal_canal"):
        assert hidden_by_default(sid)
        assert not state.styles[sid].visible
        assert not scene.styles[sid].visible
    assert not hidden_by_default("femur_r")
