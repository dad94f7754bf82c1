"""Camera presets (``data/views.yaml``) and placing the camera to frame a region.

A view names a direction in the side-aware body frame ``[lateral, posterior, superior]``
and a height range; :func:`fit_camera` turns it into a camera position, focal point and
up vector (mm, world frame) that make the visible structures in that range fill the frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sciatic_atlas.scenes.views import SIDES, VIEWS_FILE, UnknownViewError, check_side, view_spec  # noqa: F401
from sciatic_atlas.scenes.views import view_names as _view_names


@dataclass(frozen=True)
class CameraPose:
    """A resolved camera (mm, world frame) and its vertical view angle (degrees)."""

    position: tuple[float, float, float]
    focal_point: tuple[float, float, float]
    up: tuple[float, float, float]
    view_angle: float


def view_names() -> list[str]:
    """Return the names of every camera preset, in file order."""
    return _view_names()


def limb_side(view: str, side: str) -> str:
    """Return the side a view shows: a one-limb view of 'both' shows the right limb."""
    return "right" if side == "both" and view_spec(view).get("limb") else side


def body_vector(v, side: str) -> np.ndarray:
    """Turn ``[lateral, posterior, superior]`` into a world vector for ``side``."""
    lateral_x = 1.0 if side == "left" else -1.0  # the body's right is -x
    return np.array([v[0] * lateral_x, v[1], v[2]], dtype=float)


def region_points(points: np.ndarray, view: str, side: str) -> np.ndarray:
    """Return the points (N x 3, mm) inside a view's region for ``side``."""
    spec = view_spec(view)
    z0, z1 = spec["z"]
    keep = (points[:, 2] >= z0) & (points[:, 2] <= z1)
    shown = "both" if spec.get("centred") else limb_side(view, side)
    beyond = float(spec.get("midline_mm", 0.0))
    if shown == "right":
        keep &= points[:, 0] <= beyond
    elif shown == "left":
        keep &= points[:, 0] >= -beyond
    if "x" in spec:
        x0, x1 = spec["x"]
        keep &= (np.abs(points[:, 0]) >= x0) & (np.abs(points[:, 0]) <= x1)
    kept = points[keep] if keep.any() else points
    if spec.get("centred"):  # frame symmetrically about the midline, whichever side is shown
        kept = np.vstack([kept, kept * [-1.0, 1.0, 1.0]])
    return kept


def fit_camera(points: np.ndarray, direction, up, aspect: float = 1.0,
               view_angle: float = 20.0, margin: float = 0.05,
               top: float = 0.0, bottom: float = 0.0) -> CameraPose:
    """Place a camera looking along ``-direction`` so that ``points`` fill the frame.

    Parameters
    ----------
    points : ndarray, shape (N, 3)
        The points to frame (mm, world frame).
    direction : array-like, shape (3,)
        From the region towards the camera (world frame, any length).
    up : array-like, shape (3,)
        The screen's up direction (world frame); made orthogonal to ``direction``.
    aspect : float
        Window width / height.
    view_angle : float
        Vertical view angle in degrees.
    margin : float
        Empty border as a fraction of the region's size.
    top, bottom : float
        Fractions of the image height kept free for a title (top) and narration (bottom);
        the region is fitted into the band between them.
    """
    d = np.asarray(direction, float)
    d /= np.linalg.norm(d)
    u = np.asarray(up, float) - np.dot(up, d) * d
    if np.linalg.norm(u) < 1e-6:  # looking straight along up: pick any perpendicular
        u = np.cross(d, [1.0, 0.0, 0.0] if abs(d[0]) < 0.9 else [0.0, 1.0, 0.0])
    u /= np.linalg.norm(u)
    r = np.cross(u, d)
    pts = np.asarray(points, float)
    coords = np.column_stack([pts @ r, pts @ u, pts @ d])
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    mid = (lo + hi) / 2
    centre = mid[0] * r + mid[1] * u + mid[2] * d
    half_w, half_h, half_d = (hi - lo) / 2 * (1 + 2 * margin)
    band = max(1.0 - top - bottom, 0.2)
    tan = math.tan(math.radians(view_angle) / 2)
    half = max(half_h / band, half_w / max(aspect, 1e-6), 1.0)
    distance = half / tan + half_d
    # Move camera and focal point up by (top - bottom) half-heights: the region then sits
    # centred in the free band.
    centre = centre + (top - bottom) * distance * tan * u
    position = centre + distance * d
    return CameraPose(tuple(position), tuple(centre), tuple(u), float(view_angle))


def view_pose(view: str, side: str, points: np.ndarray, aspect: float = 1.0,
              top: float = 0.0, bottom: float = 0.0) -> CameraPose:
    """Return the camera of preset ``view`` for ``side`` framing the visible ``points``.

    ``top`` and ``bottom`` are the fractions of the image height kept free for text.
    """
    spec = view_spec(view)
    shown = limb_side(view, check_side(side))
    if spec.get("centred") and side == "both":
        shown = "right"  # a lateral view of the midline looks from the right
    return fit_camera(region_points(points, view, side), body_vector(spec["direction"], shown),
                      body_vector(spec["up"], shown), aspect=aspect,
                      view_angle=float(spec["view_angle"]), margin=float(spec["margin"]),
                      top=top, bottom=bottom)


def frame_pose(view: str, side: str, points: np.ndarray, aspect: float = 1.0,
               top: float = 0.0, bottom: float = 0.0) -> CameraPose:
    """Return the camera of preset ``view`` for ``side`` fitting ``points`` (a step's focus structures).

    The direction and up are the view's; the margin is the views file's ``frame_margin``,
    so the focus fills the frame with some of its surroundings.
    """
    spec = view_spec(view)
    shown = limb_side(view, check_side(side))
    if spec.get("centred") and side == "both":
        shown = "right"
    return fit_camera(np.asarray(points, float), body_vector(spec["direction"], shown),
                      body_vector(spec["up"], shown), aspect=aspect, view_angle=float(spec["view_angle"]),
                      margin=float(spec["frame_margin"]), top=top, bottom=bottom)


def set_camera(plotter, pose: CameraPose, zoom: float = 1.0) -> None:
    """Put ``pose`` on ``plotter``'s camera (no render).

    The renderer's camera is used directly: PyVista's ``plotter.camera`` resets an unset
    camera first, and a Qt plotter renders that reset (two wasted frames at start-up).
    """
    camera = plotter.renderer.camera
    camera.position = pose.position
    camera.focal_point = pose.focal_point
    camera.up = pose.up
    camera.view_angle = pose.view_angle
    if zoom != 1.0:
        camera.zoom(zoom)
    camera.is_set = True
    plotter.renderer.reset_camera_clipping_range()
