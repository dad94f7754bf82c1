"""Pictures of a pain map painted on the skin, from the views that show it (offscreen).

Used by the take-home sheet (``sciatic-atlas handout``). Pain is painted orange-red,
numbness blue (Okabe-Ito colours, readable with the common colour-vision deficiencies),
stronger with intensity; where both are drawn they are mixed. The views are chosen from
the drawing: the directions in which the drawn skin faces the camera, fewest first that
together show nearly all of it, each framed on what it shows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pyvista as pv

from sciatic_atlas.anatomy.overlays import SKIN_RGB, refined_skin
from sciatic_atlas.anatomy.painmap import PainMap
from sciatic_atlas.anatomy.painmap_skin import Drawing, drawing
from sciatic_atlas.anatomy.skin_regions import skin_surface
from sciatic_atlas.render.cameras import body_vector, fit_camera, set_camera
from sciatic_atlas.render.overlays import skin_canvas
from sciatic_atlas.render.structure_actor import surface as structure_surface

log = logging.getLogger(__name__)

PAIN_RGB = (0.835, 0.369, 0.0)  # Okabe-Ito vermillion
NUMBNESS_RGB = (0.0, 0.447, 0.698)  # Okabe-Ito blue
MIN_ALPHA, MAX_ALPHA = 0.45, 0.95  # paint opacity at intensity 0 and 10
# Candidate views in the side-aware body frame [lateral, posterior, superior]: label, direction,
# up, and the skin segments they frame (None: all; the foot views frame the foot only).
FOOT = ("foot", "ankle")
VIEWS = (
    ("from behind", (0.0, 1.0, 0.0), (0, 0, 1), None),
    ("from the front", (0.0, -1.0, 0.0), (0, 0, 1), None),
    ("from the outer side", (1.0, 0.0, 0.0), (0, 0, 1), None),
    ("from the inner side", (-1.0, 0.15, 0.0), (0, 0, 1), None),
    ("top of the foot", (0.1, -0.8, 1.0), (0, 1, 0), FOOT),
    ("sole of the foot", (0.0, 0.3, -1.0), (0, -1, 0), FOOT),
)
MIN_GAIN = 0.1  # a further view must show at least this share of the drawing
FACING = 0.3  # a vertex is shown by a view when its normal is within ~70 degrees of it
MIN_HALF_MM = 110.0  # a picture frames at least 22 cm of the body
MAX_VIEWS = 3
ARRAY = "painmap_rgb"  # point colours (uint8 RGB) of the painted skin


@dataclass(frozen=True)
class PainView:
    """A chosen view: its label, camera direction and up (world frame), and what it frames (mm)."""

    label: str
    direction: np.ndarray
    up: np.ndarray
    points: np.ndarray
    shown: float  # share of the drawing (by area) this view shows


def painmap_rgb(d: Drawing, base_rgb=SKIN_RGB) -> np.ndarray:
    """Return per-vertex RGB (N, 3, 0..1): the skin with pain and numbness painted on it."""
    rgb = np.tile(np.asarray(base_rgb, float), (len(d.pain), 1))
    alpha_p = d.pain * (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * d.pain_intensity / 10.0)
    alpha_n = d.numbness * (MIN_ALPHA + (MAX_ALPHA - MIN_ALPHA) * d.numbness_intensity / 10.0)
    total = alpha_p + alpha_n
    share_p = np.divide(alpha_p, total, out=np.zeros_like(total), where=total > 0)
    colour = share_p[:, None] * np.asarray(PAIN_RGB) + (1 - share_p[:, None]) * np.asarray(NUMBNESS_RGB)
    alpha = np.clip(np.maximum(alpha_p, alpha_n), 0.0, 1.0)[:, None]
    return rgb * (1 - alpha) + colour * alpha


def choose_views(model, d: Drawing, side: str, max_views: int = MAX_VIEWS) -> list[PainView]:
    """Return the fewest views (at most ``max_views``) that together show nearly all the drawing.

    A view shows a drawn vertex whose normal faces its camera direction (:data:`FACING`);
    occlusion is not modelled, so the framing uses the facing drawn vertices only.
    """
    surf = skin_surface(model)
    normals = np.asarray(structure_surface(model, "skin").point_normals, dtype=float)
    drawn = d.coverage > 0.3
    weight = surf.area * d.coverage * drawn
    if weight.sum() <= 0:
        return []
    dirs = [(label, body_vector(v, side), body_vector(u, side), segs) for label, v, u, segs in VIEWS]
    dirs = [(label, v / np.linalg.norm(v), u) for label, v, u, _ in dirs]
    within = [np.ones(len(drawn), bool) if segs is None else surf.segment_mask(segs) for *_, segs in VIEWS]
    facing = [(normals @ v > FACING) & drawn & w for (_, v, _), w in zip(dirs, within)]
    seen = np.zeros(len(weight), bool)
    chosen: list[PainView] = []
    while len(chosen) < max_views:
        gains = [float(weight[f & ~seen].sum()) for f in facing]
        best = int(np.argmax(gains))
        if gains[best] < MIN_GAIN * weight.sum():
            break
        label, v, u = dirs[best]
        pts = surf.vertices[facing[best]]
        chosen.append(PainView(label, v, u, pts, float(weight[facing[best]].sum() / weight.sum())))
        seen |= facing[best]
    return chosen


def _framing(points: np.ndarray) -> np.ndarray:
    centre = 0.5 * (points.min(axis=0) + points.max(axis=0))
    pad = centre + MIN_HALF_MM * np.array([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0], [0, 0, 1], [0, 0, -1]])
    return np.vstack([points, pad])


def _skin_poly(model, rgb: np.ndarray) -> pv.PolyData:
    poly = skin_canvas(model).copy()
    poly.point_data[ARRAY] = (np.clip(refined_skin(model).lift(rgb), 0, 1) * 255).astype(np.uint8)
    return poly


def render_painmap_views(model, painmap: PainMap, size: tuple[int, int] = (600, 720),
                         max_views: int = MAX_VIEWS) -> list[tuple[str, np.ndarray]]:
    """Render the pain map on the skin from the views that show it, offscreen.

    Parameters
    ----------
    model : AnatomyModel
        The built model.
    painmap : PainMap
        The drawing.
    size : (int, int)
        Width and height of each picture in pixels.

    Returns
    -------
    list of (str, ndarray)
        Each view's label and its image (H, W, 3, uint8); empty when nothing is drawn.
    """
    d = drawing(skin_surface(model), painmap)
    views = choose_views(model, d, painmap.side, max_views)
    if not views:
        return []
    poly = _skin_poly(model, painmap_rgb(d))
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    out = []
    try:
        plotter.set_background("white")
        plotter.add_mesh(poly, scalars=ARRAY, rgb=True, smooth_shading=True, name="painmap:skin",
                         specular=0.1, ambient=0.25, diffuse=0.75, reset_camera=False, render=False)
        for view in views:
            pose = fit_camera(_framing(view.points), view.direction, view.up, aspect=size[0] / size[1],
                              margin=0.12)
            set_camera(plotter, pose)
            plotter.renderer.ResetCameraClippingRange()
            plotter.render()
            out.append((view.label, np.asarray(plotter.screenshot(return_img=True))[..., :3].copy()))
    finally:
        plotter.close()
    log.info("rendered %d pain-map views", len(out))
    return out
