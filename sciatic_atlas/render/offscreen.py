"""Render a scene state to a PNG offscreen (no display): used by ``sciatic-atlas render``."""

from __future__ import annotations

import logging
from pathlib import Path

import pyvista as pv

from sciatic_atlas.render.apply import apply_state
from sciatic_atlas.scenes.state import SceneState

log = logging.getLogger(__name__)


def render_png(state: SceneState, model, path: Path, size: tuple[int, int] = (800, 1040)) -> Path:
    """Draw ``state`` into an offscreen window of ``size`` (width, height) and save a PNG.

    Parameters
    ----------
    state : SceneState
        What to draw.
    model : AnatomyModel
        The built model.
    path : Path
        The PNG file to write (parent folders are created).
    size : tuple of int
        Image width and height in pixels.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    try:
        apply_state(plotter, state, model, {})
        plotter.screenshot(str(path))
    finally:
        plotter.close()
    log.info("wrote %s (%dx%d)", path, *size)
    return path
