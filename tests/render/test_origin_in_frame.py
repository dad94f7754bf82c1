"""The hamstrings scene frames their origin: the ischial tuberosity is in the picture (issue 12).

The scene is about the hamstrings starting from the sitting bone; its named ``thigh`` view
cut the pelvis at the top. Each step that keeps the scene's camera is drawn at the audit's
sizes (tall and wide, both sides) and the ``ischial_tuberosity`` landmark, projected with
the camera, must lie in the picture between the title and narration bands, with at least
``ROOM`` of the free height above it for the bone it lies on (the ischium and hip socket).
"""

from __future__ import annotations

import pytest

pv = pytest.importorskip("pyvista")

from sciatic_atlas.anatomy.knowledge import load_knowledge  # noqa: E402
from sciatic_atlas.anatomy.model import load_model  # noqa: E402
from sciatic_atlas.render import marks  # noqa: E402
from sciatic_atlas.render.labels import _project  # noqa: E402
from sciatic_atlas.render.view import AtlasView  # noqa: E402
from sciatic_atlas.scenes.load import load_library  # noqa: E402
from sciatic_atlas.scenes.resolve import resolve_state  # noqa: E402

SCENES, _ = load_library()
ROOM = 0.25  # of the height between the text bands, above the tuberosity (the thigh view left 0.2)
# (scene, landmark, steps): steps drawn with the scene's own camera
ORIGINS = [("hamstrings", "ischial_tuberosity", (0, 1, 2))]


@pytest.fixture(scope="module")
def data():
    return load_model(), load_knowledge()


@pytest.mark.parametrize("size", [(400, 480), (640, 360)])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("scene_id,landmark,steps", ORIGINS)
def test_the_origin_is_in_the_frame(data, size, side, scene_id, landmark, steps):
    model, knowledge = data
    width, height = size
    found = []
    with AtlasView(pv.Plotter(off_screen=True, window_size=list(size)), model) as view:
        for step in steps:
            state = resolve_state(SCENES[scene_id], step, side=side, knowledge=knowledge, model=model)
            view.apply_state(state, render=False)
            top, bottom = marks.text_bands(view.plotter, state.title, state.text)
            y0, y1 = top * height, height * (1.0 - bottom)
            x, y = _project(view.plotter.renderer, model.landmark(f"{landmark}_{side[0]}"), height)
            if not (0 <= x < width and y0 + ROOM * (y1 - y0) <= y < y1):
                found.append(f"{scene_id} step {step} ({side}, {width}x{height}): {landmark} at ({x}, {y}); "
                             f"it must lie in x 0..{width}, y {y0 + ROOM * (y1 - y0):.0f}..{y1:.0f}")
    assert not found, "\n".join(found)
