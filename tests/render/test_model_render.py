"""The built model rendered as an atlas plate: not blank, nerve yellow where the nerve is."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from pixels import project

from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.render import AtlasView, default_state
from sciatic_atlas.render.appearance import kind_of
from sciatic_atlas.scenes.state import StructureStyle

NERVE = "sciatic_nerve_r"


@pytest.fixture(scope="module")
def model():
    model = load_model()
    if not model.has_mesh(NERVE):
        pytest.skip(f"the bundled assets have no {NERVE} yet (rebuild with sciatic-atlas build-assets)")
    return model


def _yellow(rgb) -> bool:
    r, g, b = (float(c) for c in rgb[:3])
    return r > 120 and g > 0.55 * r and b < 0.5 * r


def _nerve_pixels(plotter, model, img, bands=(0.0, 0.0)):
    """Return the pixels where the nerve's centreline projects, outside the text bands."""
    path = model.centreline(NERVE)
    samples = path[np.linspace(0, len(path) - 1, 25).astype(int)]
    h, w = img.shape[:2]
    top, bottom = int(bands[0] * h), h - int(bands[1] * h)
    pix = [project(plotter, p) for p in samples]
    return [img[r, c] for r, c in pix if top <= r < bottom and 0 <= c < w]


def test_nerve_is_yellow_where_it_projects(plotter, model):
    state = default_state(model, "posterior", "right")
    # Bones and nerves only, on black: every centreline point must show the nerve's yellow.
    styles = {sid: (s if kind_of(sid, model.structure(sid)) in ("bone", "nerve") else
                    replace(s, visible=False)) for sid, s in state.styles.items()}
    AtlasView(plotter, model).apply_state(replace(state, styles=styles, background="black", title=""))
    img = plotter.screenshot(return_img=True)
    pixels = _nerve_pixels(plotter, model, img)
    assert len(pixels) >= 20
    assert np.mean([_yellow(p) for p in pixels]) > 0.8


def test_default_plate_is_opaque_and_peeling_the_muscles_shows_the_nerve(plotter, model):
    from sciatic_atlas.render.marks import text_bands

    # Issue 12: the layers are opaque, not a translucent "pink fog"; the nerve in the thigh
    # lies under the hamstrings, and taking the muscles over it away shows it.
    state = default_state(model, "thigh", "right")
    view = AtlasView(plotter, model)
    view.apply_state(state)
    img = plotter.screenshot(return_img=True)
    background = img[0, -1].astype(int)
    assert (np.abs(img.astype(int) - background).sum(axis=2) > 40).mean() > 0.2
    # The title and narration sit on boxes that hide what is under them, by design.
    bands = text_bands(plotter, state.title, state.text)
    assert np.mean([_yellow(p) for p in _nerve_pixels(plotter, model, img, bands)]) < 0.5, \
        "the nerve shows through the muscles over it"
    peeled = {sid: replace(s, visible=False) if model.structure(sid).layer in ("superficial", "middle") else s
              for sid, s in state.styles.items()}
    view.apply_state(replace(state, styles=peeled))
    img = plotter.screenshot(return_img=True)
    assert np.mean([_yellow(p) for p in _nerve_pixels(plotter, model, img, bands)]) > 0.5, \
        "the nerve is hidden with the superficial and middle muscles peeled"


def test_every_view_frames_its_region_on_the_side_shown(plotter, model):
    from sciatic_atlas.render.cameras import view_names, view_spec

    atlas_view = AtlasView(plotter, model)
    for view in view_names():
        spec = view_spec(view)
        for side in ("left", "right"):
            atlas_view.apply_state(default_state(model, view, side), render=False)
            focal = plotter.camera.focal_point
            assert spec["z"][0] - 50 <= focal[2] <= spec["z"][1] + 50, (view, side, focal)
            if spec.get("limb"):
                assert (focal[0] < 0) == (side == "right"), (view, side, focal)
    img = plotter.screenshot(return_img=True)
    assert img.std() > 10


def test_hidden_other_side_gets_no_actor(plotter, model):
    view = AtlasView(plotter, model)
    view.apply_state(default_state(model, "posterior", "left"))
    actors = view.actors
    assert "femur_l" in actors and not any(sid.endswith("_r") for sid in actors)
    assert all(isinstance(s, StructureStyle) for s in default_state(model, "posterior", "left").styles.values())
