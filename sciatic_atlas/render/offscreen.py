"""Render a scene state to a PNG offscreen (no display): used by ``sciatic-atlas render``."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pyvista as pv

from sciatic_atlas.render import frame_report
from sciatic_atlas.render.apply import apply_state
from sciatic_atlas.scenes.state import SceneState

log = logging.getLogger(__name__)


def render_png(state: SceneState, model, path: Path, size: tuple[int, int] = (800, 1040),
               report: Path | None = None) -> Path:
    """Draw ``state`` into an offscreen window of ``size`` (width, height) and save a PNG.

    Parameters
    ----------
    state : SceneState
        What to draw.
    model : AnatomyModel
        The built model.
    path : Path
        The PNG file to write (parent folders are created; written atomically).
    size : tuple of int
        Image width and height in pixels.
    report : Path, optional
        Also write the frame report (``docs/frame-report.md``) of the picture there.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    plotter = pv.Plotter(off_screen=True, window_size=list(size))
    try:
        actors: dict = {}
        placed = apply_state(plotter, state, model, actors)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.png")
        try:
            plotter.screenshot(str(tmp))
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        if report is not None:
            frame_report.write(frame_report.build(plotter, state, model, actors, placed), report)
    finally:
        plotter.close()
    log.info("wrote %s (%dx%d)", path, *size)
    return path
