"""The ID pass drawn smaller for the window's labels: the same structures, in the same places."""

from __future__ import annotations

import numpy as np

from sciatic_atlas.render import AtlasView
from sciatic_atlas.render.idpass import measure
from sciatic_atlas.scenes.state import CameraSpec, SceneState, StructureStyle

CAMERA = CameraSpec(view=None, position=(0.0, 900.0, 0.0), focal_point=(0.0, 0.0, 0.0), up=(0.0, 0.0, 1.0))


def test_a_half_size_id_pass_finds_the_same_structures_in_the_same_places(plotter, toy_model):
    styles = {sid: StructureStyle(opacity=1.0) for sid in ("femur_r", "gluteus_maximus_r", "sciatic_nerve_r")}
    view = AtlasView(plotter, toy_model)
    view.apply_state(SceneState(styles=styles, camera=CAMERA, background="black"))
    full, half = measure(plotter, view.actors), measure(plotter, view.actors, scale=2)
    assert half.size == full.size
    for sid in styles:
        a, b = full.mask(sid), half.mask(sid)
        assert a.sum() > 100
        assert (a & b).sum() / (a | b).sum() > 0.9, sid  # they differ only along the edges
    # the depth read back maps a pixel to the same point of the model
    ys, xs = np.nonzero(full.mask("femur_r"))
    x, y = int(np.median(xs)), int(np.median(ys))
    assert np.linalg.norm(full.world(x, y) - half.world(x, y)) < 5.0


def test_seen_through_counts_the_pixels_each_translucent_cover_lets_through():
    import numpy as np

    from sciatic_atlas.render.idpass import IdFrame

    front = np.array([[1, 1, 2], [0, 3, 3]])  # 1: a veil over 2 on two pixels; 3 over 2 on one
    solid = np.array([[2, 2, 2], [0, 2, 3]])
    frame = IdFrame(ids=["", "veil", "nerve", "muscle"], front=front, solid=solid)
    assert frame.seen_through() == {"nerve": {"veil": 2, "muscle": 1}}
