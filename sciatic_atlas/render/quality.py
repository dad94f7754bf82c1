"""Plotter-wide look of an atlas plate: lights, depth peeling, anti-aliasing, background.

Applied by :class:`sciatic_atlas.render.view.AtlasView` to the plotter it was handed;
the view makes the one-time settings once. :class:`FrameQuality` switches an
interactive view between full quality and cheap frames while it moves.
"""

from __future__ import annotations

import pyvista as pv

from sciatic_atlas.render import lod
from sciatic_atlas.render.appearance import appearance

def prepare_plotter(plotter) -> None:
    """Turn on depth peeling, anti-aliasing and the atlas light kit (once per view: it replaces the lights)."""
    renderer = plotter.renderer
    quality = appearance()["quality"]
    # Set depth peeling on the renderer directly: PyVista's enable_depth_peeling first
    # opens a probe window to test support (a second GL context, ~0.1-0.2 s on llvmpipe);
    # VTK falls back to plain blending by itself where peeling is unsupported.
    renderer.SetUseDepthPeeling(True)
    renderer.SetMaximumNumberOfPeels(int(quality["depth_peels"]))
    renderer.SetOcclusionRatio(0.0)
    plotter.enable_anti_aliasing(_anti_aliasing(plotter, quality["anti_aliasing"]), all_renderers=False)
    _light_kit(plotter)


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


class FrameQuality:
    """Switch an interactive view between full quality and cheap frames while it moves.

    At rest translucent layers are drawn with order-independent translucency (OIT),
    not depth peeling. Measured on the CPU renderer (``benchmarks/translucency_probe.py``,
    978x848 view): OIT is one pass where peeling takes up to five; the library's
    slowest step (overview step 2) drew in 230 ms against 1,540-1,670 ms, the whole
    model in 110-180 ms against 195-310 ms, and side by side no difference is seen
    (mean colour difference from exact peeling 0.7-2.5 of 255). Offscreen pictures
    (``render``, :func:`prepare_plotter`) keep exact peeling.

    While the camera moves, anti-aliasing and OIT are off (plain blending, one pass:
    order errors are not seen in motion) and each large structure is drawn from its
    coarse copy (:mod:`sciatic_atlas.render.lod`).

    Parameters
    ----------
    plotter : pyvista.Plotter or pyvistaqt.QtInteractor
        The view.
    actors : dict of str to StructureActor
        The drawn structures (the dict :class:`~sciatic_atlas.render.view.AtlasView` keeps).
    """

    def __init__(self, plotter, actors: dict):
        self._plotter = plotter
        self._actors = actors
        self.moving = False
        self._fxaa: bool | None = None  # anti-aliasing at rest, as the plotter was prepared

    def set_moving(self, moving: bool) -> bool:
        """Draw cheap frames (``moving``) or full quality; return True if that changed."""
        if moving == self.moving:
            return False
        self.moving = moving
        lod.set_moving(self._actors, moving)
        renderer = self._plotter.renderer
        if moving:
            self._fxaa = renderer.GetUseFXAA() if self._fxaa is None else self._fxaa
            renderer.SetUseDepthPeeling(False)
            renderer.SetUseFXAA(False)
            renderer.SetUseOIT(False)
        else:
            self.restore()
        return True

    def restore(self) -> None:
        """Set the renderer for the current mode again (after :func:`prepare_plotter` ran)."""
        lod.set_moving(self._actors, self.moving)
        if self.moving:
            return
        renderer = self._plotter.renderer
        if self._fxaa is None:
            self._fxaa = renderer.GetUseFXAA()
        renderer.SetUseDepthPeeling(False)
        renderer.SetUseOIT(True)
        renderer.SetUseFXAA(self._fxaa)
