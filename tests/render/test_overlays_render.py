"""Overlays colour the existing skin actor, show a legend, and come off again (offscreen)."""

import numpy as np
import pytest
import pyvista as pv

from sciatic_atlas.anatomy.overlays import get_overlay, zone_weights
from sciatic_atlas.anatomy.skin_regions import skin_surface
from sciatic_atlas.render.overlays import LEGEND, apply_overlays
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def model(skin_model):
    return skin_model


@pytest.fixture
def plotter():
    p = pv.Plotter(off_screen=True, window_size=(200, 200))
    yield p
    p.close()


def _pixel_of(plotter, point):
    """Return the RGB at the screen position of a world point."""
    plotter.render()
    r = plotter.renderer
    r.SetWorldPoint(*point, 1.0)
    r.WorldToDisplay()
    x, y, _ = r.GetDisplayPoint()
    img = plotter.screenshot()
    return img[img.shape[0] - 1 - int(round(y)), int(round(x))].astype(float)


def test_l5_paints_the_dorsum_of_the_right_foot_blue_and_clears(model, plotter):
    surface = skin_surface(model)
    essential, _ = zone_weights(surface, get_overlay("dermatome_l5"), "right")
    dorsum = (essential > 0.95) & (surface.coords["foot_part"] == surface.foot_part_names.index("dorsum"))
    target = surface.vertices[dorsum].mean(axis=0)
    actors = {}
    apply_overlays(plotter, model, ["dermatome_l5"], actors, side="right")
    assert "skin" in actors
    assert actors["skin"].actor.mapper.GetInput().GetPointData().HasArray("paint_e")  # painted per pixel
    assert LEGEND in plotter.renderer.actors
    plotter.camera_position = [tuple(target + np.array([0, -150, 600])), tuple(target), (0, -1, 0)]
    painted = _pixel_of(plotter, target)
    assert painted[2] > painted[0] + 30  # Okabe-Ito blue, not skin beige
    apply_overlays(plotter, model, [], actors)
    assert not actors["skin"].actor.mapper.scalar_visibility
    plain = _pixel_of(plotter, target)
    assert plain[0] > plain[2]  # back to the warm skin colour


def test_unknown_overlay_is_a_clear_error(model, plotter):
    with pytest.raises(KeyError, match="unknown overlay 'dermatome_l9'"):
        apply_overlays(plotter, model, ["dermatome_l9"], {})
