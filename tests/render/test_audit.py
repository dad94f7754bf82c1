"""The audit of the whole scene library: every step shows what it asks for.

For every scene, step and side the scene is drawn small (400x480) and measured from an ID
pass (render/idpass.py): every highlighted, labelled or compressed structure and every
overlay covers a visible share of the frame, every label's anchor pixel lies on its own
structure, and no two label boxes overlap (render/audit.py). About 20 s a side on two cores.
Drawn again in a wide frame (16:9, as the window and a 1080p screen), every one-limb step's
subject fills at least half the width or height (issue 10).
"""

from __future__ import annotations

import logging

import pytest

pv = pytest.importorskip("pyvista")

from sciatic_atlas.anatomy.knowledge import load_knowledge  # noqa: E402
from sciatic_atlas.anatomy.model import load_model  # noqa: E402
from sciatic_atlas.render.audit import audit_state, fill_problems  # noqa: E402
from sciatic_atlas.render.view import AtlasView  # noqa: E402
from sciatic_atlas.scenes.load import load_library  # noqa: E402
from sciatic_atlas.scenes.resolve import resolve_state  # noqa: E402

SIZE = (400, 480)
WIDE = (640, 360)
SCENES, BROKEN = load_library()


def test_the_whole_library_loads():
    assert not BROKEN, BROKEN


@pytest.fixture(scope="module")
def stage():
    model = load_model()
    with AtlasView(pv.Plotter(off_screen=True, window_size=list(SIZE)), model) as view:
        yield model, load_knowledge(), view


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("scene_id", list(SCENES))
def test_every_step_shows_what_it_asks_for(stage, scene_id, side, caplog):
    model, knowledge, view = stage
    scene = SCENES[scene_id]
    found = []
    with caplog.at_level(logging.ERROR):
        for step in range(scene.step_count):
            state = resolve_state(scene, step, side=side, knowledge=knowledge, model=model)
            problems, report = audit_state(view, state)
            assert report["size"] == list(SIZE)
            found += [f"{scene_id} step {step} ({side}): {p}" for p in problems]
    assert not found, "\n".join(found)


@pytest.fixture(scope="module")
def wide_stage(stage):
    model, knowledge, _ = stage
    with AtlasView(pv.Plotter(off_screen=True, window_size=list(WIDE)), model) as view:
        yield model, knowledge, view


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("scene_id", list(SCENES))
def test_one_limb_steps_fill_a_wide_frame(wide_stage, scene_id, side):
    model, knowledge, view = wide_stage
    scene = SCENES[scene_id]
    found = []
    for step in range(scene.step_count):
        state = resolve_state(scene, step, side=side, knowledge=knowledge, model=model)
        _, report = audit_state(view, state)
        found += [f"{scene_id} step {step} ({side}): {p}" for p in fill_problems(state, report)]
    assert not found, "\n".join(found)
