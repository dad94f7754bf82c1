"""Two AtlasViews never share a setting: text scale, quality, pending labels, legend, skin paint."""

from __future__ import annotations

import numpy as np
import pyvista as pv

from sciatic_atlas.render import AtlasView, marks
from sciatic_atlas.render.overlays import LEGEND
from sciatic_atlas.scenes.state import CameraSpec, Label, SceneState, StructureStyle
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)

CAMERA = CameraSpec(view=None, position=(0.0, 900.0, 0.0), focal_point=(0.0, 0.0, 0.0), up=(0.0, 0.0, 1.0))
LABELS = (Label("Sciatic nerve", "sciatic_nerve_r"),)


def labelled(labels=LABELS) -> SceneState:
    styles = {"sciatic_nerve_r": StructureStyle(colour=(1.0, 1.0, 0.0), opacity=1.0),
              "femur_r": StructureStyle(colour=(0.0, 1.0, 0.0), opacity=1.0)}
    return SceneState(styles=styles, camera=CAMERA, background="black", title="Title", labels=labels)


def _font(plotter, name: str) -> int:
    return plotter.renderer.actors[name].GetTextProperty().GetFontSize()


def test_each_view_draws_with_its_own_text_scale(plotter, second_plotter, toy_model):
    large, normal = AtlasView(plotter, toy_model), AtlasView(second_plotter, toy_model)
    large.set_text_scale(2.0)
    large.apply_state(labelled())
    normal.apply_state(labelled())
    assert normal.text_scale == 1.0
    assert _font(second_plotter, "atlas:title") == marks.font_sizes(second_plotter)[0]
    assert _font(second_plotter, "atlas:label:0:text") == marks.font_sizes(second_plotter)[2]
    assert _font(plotter, "atlas:title") == marks.font_sizes(plotter, 2.0)[0] > _font(second_plotter, "atlas:title")
    assert _font(plotter, "atlas:label:0:text") > _font(second_plotter, "atlas:label:0:text")


def test_each_view_prepares_and_switches_its_own_quality(plotter, second_plotter, toy_model):
    first, second = AtlasView(plotter, toy_model), AtlasView(second_plotter, toy_model)
    first.apply_state(labelled())
    assert plotter.renderer.GetUseDepthPeeling()
    assert not second_plotter.renderer.GetUseDepthPeeling()  # not drawn yet: not prepared
    second.apply_state(labelled())
    assert second_plotter.renderer.GetUseDepthPeeling()
    first.quality.set_moving(True)
    assert first.quality.moving and not plotter.renderer.GetUseDepthPeeling()
    assert not second.quality.moving and second_plotter.renderer.GetUseDepthPeeling()


def test_labels_waiting_for_a_camera_stay_in_their_view(plotter, second_plotter, toy_model):
    waiting, other = AtlasView(plotter, toy_model), AtlasView(second_plotter, toy_model)
    waiting.apply_state(labelled(), camera=False, render=False)
    other.apply_state(labelled(labels=()))
    other.apply_camera(CAMERA, "both")
    assert not any(n.startswith("atlas:label:") for n in second_plotter.renderer.actors)
    waiting.apply_camera(CAMERA, "both")
    assert "atlas:label:0:text" in plotter.renderer.actors


def skin_state(*overlays) -> SceneState:
    return SceneState(styles={}, camera=CameraSpec(view="posterior"), side="right", overlays=overlays)


def test_a_view_painting_other_overlays_leaves_this_views_skin_alone(plotter, second_plotter, skin_model):
    first, second = AtlasView(plotter, skin_model), AtlasView(second_plotter, skin_model)
    first.apply_state(skin_state("dermatome_l5"), render=False)
    painted = first.actors["skin"].actor.mapper.GetInput()
    # the paint: per-pixel shader fields (render/overlay_shader.py), or direct colours
    before = {name: np.array(painted.point_data[name]) for name in painted.point_data.keys()}
    assert before
    second.apply_state(skin_state("dermatome_s1"), render=False)
    assert first.actors["skin"].actor.mapper.GetInput() is painted
    after = {name: np.array(painted.point_data[name]) for name in painted.point_data.keys()}
    assert before.keys() == after.keys()
    assert all(np.array_equal(before[n], after[n]) for n in before)  # still L5's paint, not S1's
    assert second.actors["skin"].actor.mapper.GetInput() is not painted


def test_a_legend_taken_away_with_its_overlays_stays_away_on_resize(plotter, skin_model):
    view = AtlasView(plotter, skin_model)
    view.apply_state(skin_state("dermatome_l5"), render=False)
    assert LEGEND in plotter.renderer.actors
    view.apply_state(skin_state(), render=False)
    view.place_legend()  # what the window does when the view changes size
    assert LEGEND not in plotter.renderer.actors
    view.set_text_scale(1.5)
    assert LEGEND not in plotter.renderer.actors


def test_closing_a_view_closes_its_plotter_only(second_plotter, toy_model):
    view = AtlasView(pv.Plotter(off_screen=True, window_size=[200, 200]), toy_model)
    other = AtlasView(second_plotter, toy_model)
    with view:
        view.apply_state(labelled())
        other.apply_state(labelled())
    assert view.closed and not view.actors
    assert not other.closed and other.actors


def test_a_view_drawing_another_pain_map_leaves_this_views_skin_alone(plotter, second_plotter, skin_model):
    from sciatic_atlas.anatomy.painmap import Mark, PainMap
    from sciatic_atlas.anatomy.painmap_skin import drawing
    from sciatic_atlas.anatomy.skin_regions import skin_surface
    from sciatic_atlas.render.painmap_actor import show_painmap
    from sciatic_atlas.render.painmap_view import ARRAY as PAIN

    surface = skin_surface(skin_model)
    views = AtlasView(plotter, skin_model), AtlasView(second_plotter, skin_model)
    for view in views:
        view.apply_state(SceneState(styles={"skin": StructureStyle(opacity=1.0)}, side="right"), render=False)
    calf = show_painmap(skin_model, views[0].actors, drawing(surface, PainMap("right", (Mark("pain", 8, region="calf"),))))
    before = np.array(calf.point_data[PAIN])
    show_painmap(skin_model, views[1].actors, drawing(surface, PainMap("right", (Mark("numbness", 8, region="sole"),))))
    assert views[0].actors["skin"].actor.mapper.GetInput() is calf
    assert np.array_equal(calf.point_data[PAIN], before)
