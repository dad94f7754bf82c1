"""A scene file drawn headless shows what it says: a styled or highlighted structure's colour
appears where the structure projects, and is gone when a step hides it.

Scene file -> load_scene -> resolve_state -> render.apply_state -> pixels, on the bundled
model. (Render-layer tests of apply_state on a synthetic model live in tests/render.)
"""

from __future__ import annotations

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from sciatic_atlas.anatomy.model import load_model  # noqa: E402
from sciatic_atlas.render.appearance import default_look, styled_look  # noqa: E402
from sciatic_atlas.render.view import AtlasView  # noqa: E402
from sciatic_atlas.scenes.load import load_library, load_scene  # noqa: E402
from sciatic_atlas.scenes.resolve import resolve_state  # noqa: E402

SIZE = (240, 240)

BLUE_FEMUR = """\
id: blue-femur
title: Femur
narration: The thigh bone, coloured blue.
audience: [student]
side: right
camera: posterior
show: [pelvis, femur, sacrum]
styles:
  - {structures: [femur], colour: blue}
highlight: [femur]
steps:
  - title: Hide it
    text: The femur is hidden.
    hide: [femur]
metadata:
  sources: [{citation: "Moore KL et al. Clinically Oriented Anatomy, 9th ed. 2023"}]
"""


def _hue_fraction(plotter, vertices: np.ndarray, colour) -> float:
    """Return the fraction of the structure's projected vertices whose pixel has ``colour``'s hue."""
    img = plotter.screenshot(return_img=True)[..., :3].astype(float) / 255.0
    renderer = plotter.renderer
    target = np.asarray(colour, float) / max(colour)
    hits = total = 0
    for point in vertices[:: max(1, len(vertices) // 400)]:
        renderer.SetWorldPoint(*map(float, point), 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        row, col = int(round(SIZE[1] - 1 - y)), int(round(x))
        if not (0 <= row < SIZE[1] and 0 <= col < SIZE[0]):
            continue
        total += 1
        rgb = img[row, col]
        hits += bool(rgb.max() > 0.1 and np.abs(rgb / rgb.max() - target).max() < 0.25)
    return hits / max(total, 1)


@pytest.fixture
def plotter():
    p = pv.Plotter(off_screen=True, window_size=SIZE)
    yield p
    p.close()


def test_styled_structure_colour_appears_and_goes_when_a_step_hides_it(tmp_path, plotter):
    model = load_model()
    if not model.has_mesh("femur_r"):
        pytest.skip("the bundled model has no femur (assets not built)")
    path = tmp_path / "blue-femur.yaml"
    path.write_text(BLUE_FEMUR)
    scene = load_scene(path)
    view = AtlasView(plotter, model)
    actors = view.actors
    state = resolve_state(scene, 0, model=model)
    view.apply_state(state)
    look = styled_look(default_look(model, "femur_r"), state.styles["femur_r"])
    femur = model.mesh("femur_r").vertices
    shown = _hue_fraction(plotter, femur, look.colour)
    assert shown > 0.5
    view.apply_state(resolve_state(scene, 1, model=model), camera=False)
    assert _hue_fraction(plotter, femur, look.colour) < 0.05 < shown


def test_library_piriformis_scene_shows_the_highlighted_muscle(plotter):
    model = load_model()
    if not model.has_mesh("piriformis_r"):
        pytest.skip("the bundled model has no muscles yet (assets not rebuilt)")
    scenes, _ = load_library()
    state = resolve_state(scenes["piriformis"], "usual-path", model=model)
    assert state.styles["piriformis_r"].highlight
    AtlasView(plotter, model).apply_state(state)
    look = styled_look(default_look(model, "piriformis_r"), state.styles["piriformis_r"])
    assert _hue_fraction(plotter, model.mesh("piriformis_r").vertices, look.colour) > 0.3
