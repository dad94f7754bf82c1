"""Frame time of the whole model with and without the muscles' fibre striations.

Run alone: ``python benchmarks/bench_striations.py [--frames N] [--rounds R] [--size WxH]``.
One offscreen window (headless: SSAA, as ``sciatic-atlas render``) draws the default
posterior view of the whole model; ``R`` rounds of ``N`` renders (each waited for) with the
stripe texture on every muscle alternate with ``N`` without it (the texture coordinates
stay), so a busy spell on the shared machine slows both alike. Prints the median frame
time of each and the difference, for the full meshes and the coarse (moving) copies.
"""

from __future__ import annotations

import argparse
import statistics
import time

import pyvista as pv
from vtkmodules.vtkCommonCore import vtkUnsignedCharArray

from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.render import lod
from sciatic_atlas.render.apply import default_state
from sciatic_atlas.render.view import AtlasView


def _frames(plotter, n: int) -> list[float]:
    """Time ``n`` frames; reading one pixel back waits until the CPU renderer has finished."""
    window = plotter.render_window
    out = []
    for _ in range(n):
        t = time.perf_counter()
        window.Render()
        window.GetPixelData(0, 0, 0, 0, 0, vtkUnsignedCharArray(), 0)
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--size", default="968x848")
    args = parser.parse_args()
    size = [int(v) for v in args.size.split("x")]
    model = load_model()
    with AtlasView(pv.Plotter(off_screen=True, window_size=size), model) as view:
        view.apply_state(default_state(model))
        textured = {sid: item.actor.texture for sid, item in view.actors.items() if item.actor.texture is not None}
        print(f"{len(textured)} striated muscles, window {size[0]}x{size[1]}")
        for moving in (False, True):
            if moving:
                lod.prepare(model, view.actors)
            lod.set_moving(view.actors, moving)
            times = {"on": [], "off": []}
            _frames(view.plotter, 3)  # warm up
            for _ in range(args.rounds):
                for mode in ("off", "on"):
                    for sid, tex in textured.items():
                        view.actors[sid].actor.texture = tex if mode == "on" else None
                    _frames(view.plotter, 1)  # the first frame after a change uploads
                    times[mode] += _frames(view.plotter, args.frames)
            on, off = statistics.median(times["on"]), statistics.median(times["off"])
            label = "coarse (moving)" if moving else "full meshes"
            print(f"{label}: without {off * 1000:.1f} ms, with {on * 1000:.1f} ms, "
                  f"cost {(on - off) * 1000:+.1f} ms ({(on / off - 1) * 100:+.1f} %), "
                  f"{len(times['on'])} frames each")


if __name__ == "__main__":
    main()
