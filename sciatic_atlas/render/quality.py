"""Plotter-wide look of an atlas plate: lights, depth peeling, anti-aliasing, background.

Applied by :func:`sciatic_atlas.render.apply.apply_state` to a plotter it did not
create; the one-time settings are made once per renderer.
"""

from __future__ import annotations

import weakref

import pyvista as pv

from sciatic_atlas.render.appearance import appearance

_PREPARED: "weakref.WeakSet" = weakref.WeakSet()


def prepare_plotter(plotter) -> None:
    """Turn on depth peeling, anti-aliasing and the atlas light kit, once per renderer."""
    renderer = plotter.renderer
    if renderer in _PREPARED:
        return
    quality = appearance()["quality"]
    # Set depth peeling on the renderer directly: PyVista's enable_depth_peeling first
    # opens a probe window to test support (a second GL context, ~0.1-0.2 s on llvmpipe);
    # VTK falls back to plain blending by itself where peeling is unsupported.
    renderer.SetUseDepthPeeling(True)
    renderer.SetMaximumNumberOfPeels(int(quality["depth_peels"]))
    renderer.SetOcclusionRatio(0.0)
    plotter.enable_anti_aliasing(_anti_aliasing(plotter, quality["anti_aliasing"]), all_renderers=False)
    _light_kit(plotter)
    _PREPARED.add(renderer)


def _anti_aliasing(plotter, choice: dict) -> str:
    """Return the anti-aliasing that works on this render window.

    VTK built for EGL/OSMesa (headless) cannot do FXAA and warns before falling back to
    SSAA, and its MSAA has no effect; so headless windows ask for SSAA directly.
    """
    window = type(plotter.render_window).__name__
    headless = "EGL" in window or "OSOpenGL" in window
    return choice["headless" if headless else "display"]


def _light_kit(plotter) -> None:
    """Replace the lights by a 3-point kit fixed to the camera (key, fill, back) plus headlight."""
    plotter.remove_all_lights()
    for position, intensity in (((1.0, 1.0, 1.6), 0.62),   # key: upper right front
                                ((-1.4, -0.3, 0.6), 0.32),  # fill: left, softer
                                ((0.3, 1.2, -1.5), 0.22),   # back/rim: from behind, below
                                ((0.0, 0.0, 1.0), 0.18)):   # headlight: lifts the shadows
        light = pv.Light(position=position, focal_point=(0, 0, 0), intensity=intensity,
                         light_type="camera light")
        plotter.add_light(light)


def is_dark(background: str) -> bool:
    """Return True when text on ``background`` should be light."""
    value = appearance()["backgrounds"].get(background)
    if isinstance(value, dict):
        value = value["bottom"]
    if value is None:
        value = pv.Color(background).float_rgb
    return sum(value) / 3 < 0.5


def set_background(plotter, background: str) -> None:
    """Set a named background (``appearance.yaml`` backgrounds) or any colour PyVista knows."""
    value = appearance()["backgrounds"].get(background)
    if isinstance(value, dict):
        plotter.set_background(value["bottom"], top=value["top"])
    else:
        plotter.set_background(value if value is not None else background)
