"""AtlasView.apply_state on a synthetic model: actors, restyling, variants, marks, pixels (STYLE.md §5)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from pixels import BLUE, GREEN, RED, YELLOW, pixel, same_hue

from sciatic_atlas.render import AtlasView, default_state
from sciatic_atlas.scenes.state import CameraSpec, CompressionMark, Label, SceneState, StructureStyle

# Fixed camera behind the toy model (posterior = +y), looking at the origin.
CAMERA = CameraSpec(view=None, position=(0.0, 900.0, 0.0), focal_point=(0.0, 0.0, 0.0), up=(0.0, 0.0, 1.0))


# Gluteus maximus squeezing the upper part of the sciatic nerve (the toy model's shapes).
MARK = CompressionMark(compressor="gluteus_maximus_r", nerve="sciatic_nerve_r", start=0.0, end=0.4)


def state(styles, **kw) -> SceneState:
    return SceneState(styles=styles, camera=CAMERA, background="black", **kw)


def flat(colour, **kw) -> StructureStyle:
    return StructureStyle(colour=colour, opacity=1.0, **kw)


def test_structure_colour_appears_where_it_projects(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    view.apply_state(state({"femur_r": flat(GREEN), "sciatic_nerve_r": flat(YELLOW)}))
    femur_centre = toy_model.mesh("femur_r").centroid() + [0, 40, 0]  # its posterior face
    assert same_hue(pixel(plotter, femur_centre), GREEN)
    assert same_hue(pixel(plotter, (0, 72, 0)), YELLOW)


def test_image_is_not_blank(plotter, toy_model):
    AtlasView(plotter, toy_model).apply_state(state({"femur_r": flat(GREEN)}))
    img = plotter.screenshot(return_img=True)
    assert (img.max(axis=2) > 30).mean() > 0.05


def test_hiding_removes_the_colour_and_keeps_the_actor(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    view.apply_state(state({"femur_r": flat(GREEN)}))
    point = (-100, 40, 0)
    assert same_hue(pixel(plotter, point), GREEN)
    first = actors["femur_r"].actor
    view.apply_state(state({"femur_r": flat(GREEN, visible=False)}))
    assert actors["femur_r"].actor is first
    assert pixel(plotter, point).max() < 0.05


def test_restyle_changes_the_same_actor_without_duplicates(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    view.apply_state(state({"femur_r": flat(GREEN), "gluteus_maximus_r": flat(BLUE)}))
    n_actors = len(plotter.renderer.actors)
    first = actors["femur_r"].actor
    view.apply_state(state({"femur_r": flat(RED), "gluteus_maximus_r": flat(BLUE)}))
    assert actors["femur_r"].actor is first
    assert len(plotter.renderer.actors) == n_actors
    assert np.allclose(first.prop.color.float_rgb, RED, atol=0.01)
    assert same_hue(pixel(plotter, (-100, 40, 0)), RED)


def test_structures_no_longer_wanted_are_removed(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    view.apply_state(state({"femur_r": flat(GREEN), "gluteus_maximus_r": flat(BLUE)}))
    assert "gluteus_maximus_r" in plotter.renderer.actors
    view.apply_state(state({"femur_r": flat(GREEN)}))
    assert set(actors) == {"femur_r"}
    assert "gluteus_maximus_r" not in plotter.renderer.actors
    assert not same_hue(pixel(plotter, (100, 50, 0)), BLUE)


def test_variant_swaps_the_mesh_with_the_replaced_style(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    styles = {"sciatic_nerve_r": flat(YELLOW)}
    view.apply_state(state(styles))
    assert same_hue(pixel(plotter, (0, 72, 0)), YELLOW)
    view.apply_state(state(styles, variants={"sciatic_path": "b"}))
    assert set(actors) == {"sciatic_nerve_r__ba_b"}
    assert same_hue(pixel(plotter, (40, 72, 0)), YELLOW)
    assert pixel(plotter, (0, 72, 0)).max() < 0.05


def test_compression_mark_is_drawn_red_and_highlights_the_compressor(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    mark = MARK
    styles = {"sciatic_nerve_r": flat(YELLOW), "gluteus_maximus_r": StructureStyle(opacity=0.3)}
    view.apply_state(state(styles, compressions=(mark,)))
    names = set(plotter.renderer.actors)
    assert {"atlas:compression:0:band", "atlas:compression:0:halo"} <= names
    top, bottom = pixel(plotter, (0, 75, 60)), pixel(plotter, (0, 75, -120))  # under the legend that explains it
    assert top[0] > 0.5 and top[1] < 0.3, f"the marked (proximal) segment is not red: {top}"
    assert same_hue(bottom, YELLOW), f"the unmarked segment lost its yellow: {bottom}"
    assert actors["gluteus_maximus_r"].actor.prop.opacity >= 0.9
    # the band hugs the nerve (radius 12 mm): just wider, not a ball around it
    band = plotter.renderer.actors["atlas:compression:0:band"].GetBounds()
    assert 24.0 < band[1] - band[0] < 30.0
    view.apply_state(state(styles))
    assert not any(n.startswith("atlas:compression") for n in plotter.renderer.actors)


def test_labels_and_title_are_drawn_and_cleared(plotter, toy_model, caplog):
    view = AtlasView(plotter, toy_model)
    labels = (Label("Sciatic nerve", "sciatic_nerve_r"), Label("Ischial tuberosity", "ischial_tuberosity_r"))
    placed = view.apply_state(state({"sciatic_nerve_r": flat(YELLOW)}, labels=labels, title="T"))
    names = set(plotter.renderer.actors)
    assert {"atlas:label:0:text", "atlas:label:0:line", "atlas:label:0:dot", "atlas:title"} <= names
    nerve, tuberosity = placed
    # the nerve's label points at a pixel of the nerve; the landmark's bone is not drawn: reported
    assert nerve.box is not None and nerve.pixel is not None and nerve.host == "sciatic_nerve_r"
    assert tuberosity.box is None and "hip_bone_r" in tuberosity.reason
    assert "Ischial tuberosity" in caplog.text
    view.apply_state(state({"sciatic_nerve_r": flat(YELLOW)}))
    assert not any(n.startswith("atlas:") for n in plotter.renderer.actors)


def test_default_state_shows_one_side_and_hides_skin(toy_model):
    right = default_state(toy_model, "posterior", "right")
    assert right.styles["femur_r"].visible and not right.styles["femur_l"].visible
    assert not right.styles["skin"].visible
    both = default_state(toy_model, "posterior", "both")
    assert both.styles["femur_l"].visible
    assert "sciatic_nerve_r__ba_b" not in both.styles  # variant meshes only via a variant
    # issue 12: the superficial muscle is opaque; a scene peels it to show the nerve under it
    assert both.styles["gluteus_maximus_r"].opacity == 1.0


def test_default_state_rejects_unknown_view_and_side(toy_model):
    from sciatic_atlas.render.cameras import UnknownViewError

    with pytest.raises(UnknownViewError, match="valid views: posterior"):
        default_state(toy_model, "sideways", "right")
    with pytest.raises(UnknownViewError, match="valid sides: left, right, both"):
        default_state(toy_model, "posterior", "middle")


def test_hidden_structure_gets_no_actor_until_shown(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    view.apply_state(default_state(toy_model, "posterior", "both"))
    assert "skin" not in actors and "femur_r" in actors


def test_a_structure_shown_later_gets_its_actor_then(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    view.apply_state(state({"femur_r": flat(GREEN, visible=False)}))
    assert "femur_r" not in actors and "femur_r" not in plotter.renderer.actors
    view.apply_state(state({"femur_r": flat(GREEN)}))
    assert "femur_r" in plotter.renderer.actors
    assert same_hue(pixel(plotter, (-100, 40, 0)), GREEN)


def test_text_scale_enlarges_the_labels_for_presenting(plotter):
    from sciatic_atlas.render import marks

    normal = marks.font_sizes(plotter)
    large = marks.font_sizes(plotter, 18 / 11)
    assert all(b >= round(a * 1.5) for a, b in zip(normal, large))
    assert marks.font_sizes(plotter) == normal


def test_a_compressor_made_see_through_keeps_its_opacity_and_a_highlight_keeps_its_hue(plotter, toy_model):
    import colorsys

    view = AtlasView(plotter, toy_model)
    actors = view.actors
    mark = MARK
    styles = {"sciatic_nerve_r": flat(YELLOW), "gluteus_maximus_r": StructureStyle(opacity=0.45)}
    view.apply_state(state(styles, compressions=(mark,)))
    look = actors["gluteus_maximus_r"].look
    assert look.highlight and look.opacity == 0.45  # the nerve under it stays in sight
    plain = actors["gluteus_maximus_r"].look
    from sciatic_atlas.render.appearance import default_look

    h0 = colorsys.rgb_to_hsv(*default_look(toy_model, "gluteus_maximus_r").colour)
    h1 = colorsys.rgb_to_hsv(*plain.colour)
    assert abs(h0[0] - h1[0]) < 0.01 and h1[1] >= h0[1]  # same hue, more saturated
    assert "atlas:outline:gluteus_maximus_r" in plotter.renderer.actors  # and outlined


def test_labels_follow_the_camera_a_caller_sets_after_applying(plotter, toy_model):
    # the window applies a state without its camera, then moves the camera to the state's view
    labels = (Label("Sciatic nerve", "sciatic_nerve_r"),)
    wanted = state({"sciatic_nerve_r": flat(YELLOW), "femur_r": flat(GREEN)}, labels=labels)
    side_view = CameraSpec(view=None, position=(900.0, 300.0, 0.0), focal_point=(0.0, 0.0, 0.0), up=(0.0, 0.0, 1.0))
    AtlasView(plotter, toy_model).apply_state(replace_camera(wanted, side_view))  # an earlier, other view
    view = AtlasView(plotter, toy_model)
    view.apply_state(wanted, camera=False)
    view.apply_camera(wanted.camera, wanted.side)
    moved = plotter.renderer.actors["atlas:label:0:text"].GetPosition()
    direct = view.apply_state(wanted)  # the same state with its camera, at once
    assert direct[0].box is not None
    assert plotter.renderer.actors["atlas:label:0:text"].GetPosition() == moved


def replace_camera(s, camera):
    from dataclasses import replace

    return replace(s, camera=camera)


def test_labels_on_a_fresh_plotter_without_a_camera_do_not_fail(plotter, toy_model):
    # the window's first frame: a labelled scene applied before any camera was set
    plotter.renderer.camera.position = plotter.renderer.camera.focal_point  # a degenerate camera
    wanted = state({"sciatic_nerve_r": flat(YELLOW)}, labels=(Label("Sciatic nerve", "sciatic_nerve_r"),))
    view = AtlasView(plotter, toy_model)
    view.apply_state(wanted, camera=False, render=False)
    view.apply_camera(wanted.camera, wanted.side)
    assert "atlas:label:0:text" in plotter.renderer.actors


@pytest.mark.parametrize("opacity", [1.0, 0.5])
def test_a_surface_is_drawn_from_outside_only(plotter, toy_model, opacity):
    # Back faces are culled, opaque or see-through: from inside the femur box, looking down
    # its length, nothing of it is drawn; from outside it is.
    inside = CameraSpec(view=None, position=(-100.0, 0.0, 140.0), focal_point=(-100.0, 0.0, 0.0),
                        up=(0.0, 1.0, 0.0))
    styles = {"femur_r": StructureStyle(colour=GREEN, opacity=opacity)}
    view = AtlasView(plotter, toy_model)
    view.apply_state(SceneState(styles=styles, camera=inside, background="black"))
    assert not same_hue(pixel(plotter, (-100.0, 0.0, -100.0)), GREEN)
    view.apply_state(SceneState(styles=styles, camera=CAMERA, background="black"))
    assert same_hue(pixel(plotter, (-100.0, 40.0, 0.0)), GREEN)


def test_a_compression_mark_belongs_to_its_nerve_and_is_explained(plotter, toy_model):
    """Issue 11: the red band stayed floating when its nerve was hidden or another structure isolated."""
    from sciatic_atlas.render.overlays import LEGEND

    view = AtlasView(plotter, toy_model)
    actors = view.actors
    mark = MARK
    styles = {"sciatic_nerve_r": flat(YELLOW), "gluteus_maximus_r": StructureStyle(opacity=0.3),
              "femur_r": flat(GREEN)}
    view.apply_state(state(styles, compressions=(mark,)))
    assert "atlas:compression:0:band" in plotter.renderer.actors
    # the femur isolated: the nerve and the compressor hidden
    isolated = {sid: replace(s, visible=sid == "femur_r") for sid, s in styles.items()}
    view.apply_state(state(isolated, compressions=(mark,)))
    assert not any(n.startswith("atlas:compression") for n in plotter.renderer.actors)
    assert not actors["gluteus_maximus_r"].actor.visibility  # the compressor is not forced back
    assert not same_hue(pixel(plotter, (0, 75, 60)), RED)
    assert LEGEND not in plotter.renderer.actors
    # the nerve alone hidden: no band around nothing
    no_nerve = {**styles, "sciatic_nerve_r": replace(styles["sciatic_nerve_r"], visible=False)}
    view.apply_state(state(no_nerve, compressions=(mark,)))
    assert not any(n.startswith("atlas:compression") for n in plotter.renderer.actors)
    # shown again: a legend row says what the band is
    view.apply_state(state(styles, compressions=(mark,)))
    legend = [a.GetInput() for n, a in plotter.renderer.actors.items() if n.startswith(LEGEND + ":text")]
    assert len(legend) == 1 and "squeezed" in legend[0]
