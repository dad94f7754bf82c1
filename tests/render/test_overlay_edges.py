"""Overlay stripes have smooth edges at 1920x1080, not stair steps (issue 10).

The biceps femoris referral is painted alone on the skin and seen from behind at 1080p,
about 1.7 pixels per millimetre, as on a whole-limb step. Inside its spillover zone the
picture is measured: each stripe edge is followed from row to row (where the pixel
colour crosses half-way between the pale tint and the full colour, to a fraction of a
pixel) and compared with a smooth curve through it. Per-vertex colours on the ~4 mm
painted skin zigzag by a pixel or more about that curve; the per-pixel shader does not.
"""

from __future__ import annotations

import numpy as np
import pytest
import pyvista as pv

from sciatic_atlas.anatomy.overlay_paint import spill_tint
from sciatic_atlas.anatomy.overlays import get_overlay, refined_layers, refined_skin
from sciatic_atlas.render import overlay_shader
from sciatic_atlas.render.overlays import apply_overlays
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)

SIZE = (1920, 1080)
OVERLAY = "referral_biceps_femoris"
MAX_WOBBLE_PX = 0.15  # RMS distance (px) of a stripe edge from a smooth curve through it (old: 0.35)
SMOOTH_ROWS = 21  # the smooth curve: a parabola fitted to this many rows (the steps are ~7 px apart)


@pytest.fixture(scope="module")
def model(skin_model):
    return skin_model


def _chroma(rgb: np.ndarray) -> np.ndarray:
    """Return colours with their brightness divided out (shading changes brightness, not chroma)."""
    rgb = np.asarray(rgb, float)
    return rgb / np.maximum(rgb.sum(axis=-1, keepdims=True), 1e-6)


def _render(model) -> tuple[np.ndarray, np.ndarray]:
    """Return the picture (H, W, 3; 0..1) and the mask of pixels well inside the spillover zone."""
    from scipy import ndimage

    fine = refined_skin(model)
    layer = refined_layers(model, [OVERLAY], "right")[0]
    inside = (layer.spillover > 0.4) & (layer.essential < 0.05)
    target = fine.vertices[inside].mean(axis=0)
    plotter = pv.Plotter(off_screen=True, window_size=list(SIZE))
    try:
        plotter.set_background("white")
        actors: dict = {}
        apply_overlays(plotter, model, [OVERLAY], actors, side="right")
        for name in [n for n in plotter.renderer.actors if ":tp" in n]:  # the trigger points cover stripes
            plotter.remove_actor(name, render=False)
        plotter.camera_position = [tuple(target + np.array([0.0, 1150.0, 0.0])), tuple(target), (0.0, 0.0, 1.0)]
        plotter.camera.view_angle = 30.0
        image = plotter.screenshot(return_img=True)[..., :3] / 255.0
        # the zone's vertices that face the camera, as pixels
        normals = np.asarray(plotter.renderer.actors["skin"].GetMapper().GetInput().point_data["Normals"])
        facing = inside & (normals[:, 1] > 0.3)
        mask = np.zeros(image.shape[:2], bool)
        renderer = plotter.renderer
        for point in fine.vertices[facing]:
            renderer.SetWorldPoint(*point, 1.0)
            renderer.WorldToDisplay()
            x, y, _ = renderer.GetDisplayPoint()
            row, col = SIZE[1] - 1 - int(round(y)), int(round(x))
            if 0 <= row < SIZE[1] and 0 <= col < SIZE[0]:
                mask[row, col] = True
    finally:
        plotter.close()
    mask = ndimage.binary_closing(ndimage.binary_dilation(mask, iterations=10), iterations=10)
    return image, ndimage.binary_erosion(mask, iterations=14)


def edge_wobble(image: np.ndarray, mask: np.ndarray, full, tint) -> tuple[float, int]:
    """Return the median RMS (pixels) of stripe edges about smooth curves, and how many edges.

    Parameters
    ----------
    image : ndarray (H, W, 3)
        The picture, 0..1.
    mask : ndarray (H, W) of bool
        Where to look (inside the striped zone).
    full, tint : rgb
        The stripe colour and the pale colour between stripes.
    """
    from scipy.signal import savgol_filter

    c_full, c_tint = _chroma(full), _chroma(tint)
    axis = c_full - c_tint
    stripe = (_chroma(image) - c_tint) @ axis / (axis @ axis)  # 0 on the tint, 1 on the stripe
    crossings = []  # per row: sub-pixel x of each edge (stripe - 0.5 changes sign between two pixels)
    for row in range(image.shape[0]):
        f, m = stripe[row] - 0.5, mask[row]
        both = m[:-1] & m[1:] & (np.sign(f[:-1]) != np.sign(f[1:]))
        cols = np.nonzero(both)[0]
        crossings.append(cols + f[cols] / (f[cols] - f[cols + 1]))
    tracks: list[list[tuple[int, float]]] = []
    open_tracks: list[list[tuple[int, float]]] = []
    for row, xs in enumerate(crossings):
        still = []
        for x in xs:
            near = [t for t in open_tracks if t[-1][0] == row - 1 and abs(t[-1][1] - x) < 3.0]
            if near:
                track = min(near, key=lambda t: abs(t[-1][1] - x))
                open_tracks.remove(track)
            else:
                track = []
                tracks.append(track)
            track.append((row, float(x)))
            still.append(track)
        open_tracks = still
    rms = []
    for track in tracks:
        if len(track) < 2 * SMOOTH_ROWS:
            continue
        xs = np.array(track)[:, 1]
        smooth = savgol_filter(xs, SMOOTH_ROWS, 2)  # a parabola through each 21 rows: keeps the curve
        rms.append(float(np.sqrt(np.mean((xs - smooth)[SMOOTH_ROWS // 2:-(SMOOTH_ROWS // 2)] ** 2))))
    return (float(np.median(rms)) if rms else float("nan")), len(rms)


@pytest.mark.parametrize("gpu", [True, False], ids=["per-pixel shader", "per-vertex colours"])
def test_stripe_edges_are_smooth_at_1080p(model, gpu, monkeypatch):
    if not gpu:  # the old painting, still used past MAX_LAYERS overlays: shows the metric sees steps
        monkeypatch.setattr(overlay_shader, "MAX_LAYERS", 0)
    image, mask = _render(model)
    assert mask.sum() > 20000, "the striped zone is not in the picture"
    colour = get_overlay(OVERLAY).colour
    wobble, edges = edge_wobble(image, mask, colour, spill_tint(colour))
    assert edges >= 4, f"only {edges} stripe edges found"
    if gpu:
        assert wobble < MAX_WOBBLE_PX, f"stripe edges wobble {wobble:.2f} px about a smooth curve"
    else:
        assert wobble > MAX_WOBBLE_PX, f"per-vertex stripes measured smooth ({wobble:.2f} px): the metric is blind"
