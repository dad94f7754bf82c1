"""Text is wrapped with the real font metrics and never clipped, from 640x480 to 3840x2160."""

from __future__ import annotations

import pytest

pv = pytest.importorskip("pyvista")

from sciatic_atlas.render import AtlasView, text  # noqa: E402
from sciatic_atlas.render.overlays import legend_font_px  # noqa: E402
from sciatic_atlas.scenes.state import CameraSpec, SceneState, StructureStyle  # noqa: E402

LONG = ("When piriformis is in spasm it thickens and shortens, and can press the nerve where it slips "
        "out under the muscle. Sitting for long often makes it worse. The pain is felt in the buttock "
        "and can spread down the back of the thigh; a supercalifragilisticexpialidociouslylongword too.")
TITLE = "Piriformis — A tight piriformis squeezes the nerve where it leaves the pelvis under the muscle"


def test_wrap_keeps_every_line_inside_the_width():
    for size in (11, 17, 40):
        for width in (120, 400, 1500):
            wrapped = text.wrap(LONG, size, width)
            assert all(text.text_size(line, size)[0] <= width for line in wrapped.split("\n"))
            assert " ".join(wrapped.split()).replace(" ", "") == LONG.replace(" ", "")  # nothing lost


@pytest.mark.parametrize("size", [(640, 480), (1200, 1400), (1920, 1080), (3840, 2160)])
def test_title_and_narration_fit_the_picture(toy_model, size):
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    try:
        state = SceneState(styles={"femur_r": StructureStyle()}, title=TITLE, text=LONG,
                           camera=CameraSpec(view=None, position=(0, 900, 0), focal_point=(0, 0, 0), up=(0, 0, 1)))
        AtlasView(plotter, toy_model).apply_state(state)
        for name in ("atlas:title", "atlas:text"):
            actor = plotter.renderer.actors[name]
            box = [0.0] * 4
            actor.GetBoundingBox(plotter.renderer, box)  # relative to the actor's anchor
            px, py = actor.GetPositionCoordinate().GetComputedDisplayValue(plotter.renderer)
            x0, x1, y0, y1 = box[0] + px, box[1] + px, box[2] + py, box[3] + py
            assert 0 <= x0 < x1 <= size[0] and 0 <= y0 < y1 <= size[1], (name, box)
    finally:
        plotter.close()


def test_legend_type_is_at_least_14_px_at_1080p_and_grows_with_the_picture():
    assert legend_font_px(1080) >= 14
    assert legend_font_px(2160) >= 2 * legend_font_px(1080) - 1
    assert legend_font_px(480) >= 12
