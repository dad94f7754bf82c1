"""Posed steps drawn through AtlasView (issue 13): actors take the pose in place, the shared
neutral surfaces stay untouched, a floor and a colour bar are drawn, picking and labels follow
the pose, and a standing step puts everything back."""

from __future__ import annotations

import numpy as np
import pytest

from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.anatomy.posed import posed_model
from sciatic_atlas.render import marks, posing
from sciatic_atlas.render.picking import RayPicker
from sciatic_atlas.render.structure_actor import surface
from sciatic_atlas.render.view import AtlasView
from sciatic_atlas.scenes.load import load_library
from sciatic_atlas.scenes.resolve import resolve_state

FLOOR, KEY = marks.PREFIX + posing.FLOOR, marks.PREFIX + posing.COLOUR_KEY


def one_step_scene(folder, scene_id: str, narration: str, base: str, step: str):
    """Return a scene written to ``folder``: ``base`` keys for the scene, one step with ``step`` keys."""
    from sciatic_atlas.scenes.load import load_scene

    path = folder / f"{scene_id}.yaml"
    path.write_text(f"id: {scene_id}\ntitle: {scene_id}\nnarration: {narration}\naudience: [student]\n"
                    f"side: right\n{base}steps:\n  - title: Posed\n{step}"
                    "metadata:\n  sources:\n    - citation: test\n")
    return load_scene(path)


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def stretches():
    scenes, _ = load_library()
    return scenes["stretches"]


def test_a_posed_step_moves_the_actors_and_leaves_the_shared_surface_alone(plotter, model, stretches):
    view = AtlasView(plotter, model)
    state = resolve_state(stretches, "glute-stretch", model=model)
    assert state.pose is not None and state.pose.name == "glute-stretch"
    view.apply_state(state)
    posed = posed_model(model, state.pose)
    drawn = np.asarray(view.actors["piriformis_r"].mesh.points)
    assert np.allclose(drawn, posed.vertices("piriformis_r"), atol=1e-3)
    assert np.allclose(np.asarray(surface(model, "piriformis_r").points), model.mesh("piriformis_r").vertices)
    names = set(plotter.renderer.actors)
    assert FLOOR in names and KEY in names
    # Back to standing: the same actors return to the neutral points; floor and colour bar go.
    view.apply_state(resolve_state(stretches, 0, model=model))
    assert np.allclose(np.asarray(view.actors["piriformis_r"].mesh.points), model.mesh("piriformis_r").vertices)
    assert FLOOR not in plotter.renderer.actors and KEY not in plotter.renderer.actors


def test_muscles_take_their_length_colour_and_the_narration_names_the_hold(model, stretches):
    state = resolve_state(stretches, "hamstring-stretch", model=model)
    assert state.styles["semitendinosus_r"].colour is not None
    red, green, blue = state.styles["semitendinosus_r"].colour
    assert red > blue  # lengthened: the warm end of the scale
    assert "30 seconds" in state.text and "semitendinosus" in state.text
    assert state.colour_key is not None


def test_picking_follows_the_pose(plotter, model, stretches):
    """A click where the posed femur is drawn picks it; where the standing femur was, it does not."""
    view = AtlasView(plotter, model)
    state = resolve_state(stretches, "hamstring-stretch", model=model)
    view.apply_state(state)
    picker = RayPicker(plotter, view.actors)

    def pixel(point):
        renderer = plotter.renderer
        renderer.SetWorldPoint(*point, 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        return x, y  # display pixels from the bottom left, as RayPicker takes them

    femur = np.asarray(view.actors["femur_r"].mesh.points)
    middle = femur[np.argsort(femur[:, 1])[len(femur) // 2]]  # a point half way along the posed thigh
    hits = [sid for _, sid in picker.hits(*pixel(middle))]
    assert "femur_r" in hits
    standing = model.mesh("femur_r").vertices
    where_it_was = standing[np.argsort(standing[:, 2])[len(standing) // 2]]
    assert "femur_r" not in [sid for _, sid in picker.hits(*pixel(where_it_was))]


def test_a_step_the_model_cannot_reach_says_so(model, stretches):
    text = resolve_state(stretches, "childs-pose", model=model).text
    assert "the model stops at 120°" in text


def test_a_one_sided_scene_shown_on_the_other_side_mirrors_the_pose(model):
    scenes, _ = load_library()
    right = resolve_state(scenes["nerve-tension"], "straight-leg-raise", model=model)
    left = resolve_state(scenes["nerve-tension"], "straight-leg-raise", side="left", model=model)
    assert dict(right.pose.joints)["hip_flexion_r"] == 70 and dict(left.pose.joints)["hip_flexion_l"] == 70
    assert "left sciatic nerve bed" in left.text.lower()


def test_a_pain_map_overlay_is_painted_on_the_posed_skin(plotter, model, tmp_path):
    """The overlay is laid out on the standing skin (it stays on the same part of the body) and
    drawn where the pose puts the skin; a skin-only step draws no muscle colour bar."""
    from sciatic_atlas.anatomy.overlays import refined_skin

    scene = one_step_scene(tmp_path, "posed-overlay", "The L5 dermatome on a raised leg.",
                           "camera: {view: lateral, frame: [pelvis, femur, tibia]}\nshow: [skin]\n"
                           "overlays: [dermatome_l5]\n", "    pose: straight-leg-raise\n")
    state = resolve_state(scene, 1, model=model)
    assert state.colour_key is None
    view = AtlasView(plotter, model)
    view.apply_state(state)
    drawn = view.actors["skin"].actor.GetMapper().GetInput()
    posed = posed_model(model, state.pose)
    expected = refined_skin(model).lift(posed.vertices("skin").astype(float))
    assert np.allclose(np.asarray(drawn.GetPoints().GetData()), expected, atol=1e-2)
    assert KEY not in plotter.renderer.actors and FLOOR in plotter.renderer.actors


def test_a_named_view_frames_the_whole_posed_body(model):
    """A named view's region is a band of heights of the standing body: on a raised leg it cut the
    foot off. Posed, the view frames everything drawn from its direction."""
    from dataclasses import replace

    from sciatic_atlas.anatomy.pose import move_points
    from sciatic_atlas.scenes.state import CameraSpec

    scenes, _ = load_library()
    import pyvista as pv

    state = replace(resolve_state(scenes["nerve-tension"], "straight-leg-raise", model=model),
                    camera=CameraSpec(view="posterior-oblique"))
    with AtlasView(pv.Plotter(off_screen=True, window_size=(600, 560)), model) as view:
        view.apply_state(state)
        posed = posed_model(model, state.pose)
        foot = move_points(posed.motions["calcn_r"], model.bodies["calcn_r"].position[None])[0]
        renderer = view.plotter.renderer
        renderer.SetWorldPoint(*foot, 1.0)
        renderer.WorldToDisplay()
        x, y, _ = renderer.GetDisplayPoint()
        width, height = view.plotter.window_size
        assert 0 <= x <= width and 0 <= y <= height


def test_a_compression_mark_follows_the_posed_nerve(plotter, model, tmp_path):
    """The piriformis compression band is drawn on the sciatic nerve where the pose puts it."""
    scene = one_step_scene(tmp_path, "posed-compression", "The piriformis site in a glute stretch.",
                           "show: [hip_bone, femur, sacrum, piriformis, sciatic_nerve]\ncompressions:\n"
                           "  - {compressor: piriformis, nerve: sciatic_nerve, "
                           "between: [greater_sciatic_notch, piriformis_lower_border]}\n",
                           "    pose: glute-stretch\n")
    state = resolve_state(scene, 1, model=model)
    view = AtlasView(plotter, model)
    view.apply_state(state)
    bands = [name for name in plotter.renderer.actors if name.startswith(marks.PREFIX + "compression:")]
    assert bands
    band = np.vstack([np.asarray(plotter.renderer.actors[n].GetMapper().GetInput().GetPoints().GetData())
                      for n in bands])
    posed_nerve = posed_model(model, state.pose).centreline("sciatic_nerve_r")
    standing_nerve = model.centreline("sciatic_nerve_r")

    def gap(points, line):
        return np.linalg.norm(points[:, None] - line[None], axis=2).min(axis=1).max()

    assert gap(band, posed_nerve) < 25.0 < gap(band, standing_nerve)
