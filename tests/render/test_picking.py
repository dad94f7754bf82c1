"""Ray picking on cached locators: nearest solid structure wins, see-through ones are skipped."""

import pyvista as pv
import pytest

from sciatic_atlas.render.picking import RayPicker
from sciatic_atlas.render.appearance import Look
from sciatic_atlas.render.structure_actor import StructureActor


def look(opacity=1.0, visible=True):
    return Look(colour=(0.8, 0.2, 0.2), opacity=opacity, ambient=0.2, diffuse=0.8, specular=0.1,
                specular_power=10, visible=visible)


@pytest.fixture
def scene(plotter):
    """A sphere 'front' in front of a sphere 'back' (camera on +y looking at -y)."""
    actors = {
        "front": StructureActor.attach(plotter, "front", pv.Sphere(radius=10, center=(0, 30, 0)), look()),
        "back": StructureActor.attach(plotter, "back", pv.Sphere(radius=20, center=(0, 0, 0)), look()),
    }
    plotter.camera.position = (0, 300, 0)
    plotter.camera.focal_point = (0, 0, 0)
    plotter.camera.up = (0, 0, 1)
    plotter.render()
    return plotter, actors


def centre_pixel(plotter):
    width, height = plotter.window_size
    return width / 2, height / 2


def test_the_nearest_structure_is_picked(scene):
    plotter, actors = scene
    picker = RayPicker(plotter, actors)
    x, y = centre_pixel(plotter)
    assert [sid for _, sid in picker.hits(x, y)] == ["front", "back"]
    assert picker.pick(x, y) == "front"


def test_a_see_through_structure_in_front_gives_way_to_the_solid_one_behind(scene):
    plotter, actors = scene
    actors["front"].set_look(look(opacity=0.2))
    assert RayPicker(plotter, actors).pick(*centre_pixel(plotter)) == "back"


def test_hidden_structures_are_not_picked_and_empty_space_gives_none(scene):
    plotter, actors = scene
    actors["front"].set_look(look(visible=False))
    picker = RayPicker(plotter, actors)
    assert picker.pick(*centre_pixel(plotter)) == "back"
    assert picker.pick(2, 2) is None


def test_only_see_through_hits_pick_the_nearest_of_them(scene):
    plotter, actors = scene
    for item in actors.values():
        item.set_look(look(opacity=0.3))
    assert RayPicker(plotter, actors).pick(*centre_pixel(plotter)) == "front"


def test_an_off_centre_ray_misses_the_small_front_sphere(scene):
    plotter, actors = scene
    picker = RayPicker(plotter, actors)
    picker.warm()
    # Project a point on the big sphere's rim area that the small one does not cover.
    renderer = plotter.renderer
    renderer.SetWorldPoint(0.0, 25.0, 15.0, 1.0)
    renderer.WorldToDisplay()
    x, y, _ = renderer.GetDisplayPoint()
    assert picker.pick(x, y) == "back"


def test_a_click_on_a_compression_band_picks_the_nerve_it_marks(plotter, toy_model):
    # Issue 11: the red band could not be picked. A ray through the band's rim misses the
    # thinner nerve inside it; it picks the nerve through the band.
    from sciatic_atlas.render.view import AtlasView
    from sciatic_atlas.scenes.state import CameraSpec, CompressionMark, SceneState, StructureStyle

    view = AtlasView(plotter, toy_model)
    camera = CameraSpec(view=None, position=(0.0, 900.0, 0.0), focal_point=(0.0, 0.0, 0.0), up=(0.0, 0.0, 1.0))
    mark = CompressionMark(compressor="gluteus_maximus_r", nerve="sciatic_nerve_r", start=0.3, end=0.7)
    styles = {"sciatic_nerve_r": StructureStyle(colour=(1.0, 0.8, 0.0), opacity=1.0),
              "gluteus_maximus_r": StructureStyle(opacity=0.3)}  # off to the side, at x=+100
    view.apply_state(SceneState(styles=styles, camera=camera, background="black", compressions=(mark,)))
    band = plotter.renderer.actors["atlas:compression:0:band"]
    x0, x1, _, _, z0, z1 = band.GetBounds()
    rim = (x1 - 0.3, 60.0, (z0 + z1) / 2)  # on the band, outside the nerve's own radius
    renderer = plotter.renderer
    renderer.SetWorldPoint(*rim, 1.0)
    renderer.WorldToDisplay()
    x, y, _ = renderer.GetDisplayPoint()
    assert RayPicker(plotter, view.actors).pick(x, y) is None  # the nerve alone: the ray passes beside it
    assert RayPicker(plotter, view.actors, owners=lambda: view.mark_owners).pick(x, y) == "sciatic_nerve_r"
