"""A bounded soak: switch scenes and steps many times on one offscreen plotter; memory must not grow.

The window switches scenes by resolving a state and applying it to the plotter it
keeps (``AtlasView.apply_state``, the view keeping its actor dict); this does the same without Qt, cycling
through every library scene, step and side. After a warm-up cycle (every mesh,
overlay and text drawn once) the resident memory, the plotter's actor count and
Python's object count are sampled; a leak shows as growth from cycle to cycle.

Run: ``python benchmarks/soak.py [--switches 300] [--render]``; ``benchmarks/run.py``
includes it through ``bench_cli.py``. Issue 15's unbounded soak did 1,000 switches.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def soak(switches: int, render: bool) -> dict:
    """Return memory and actor counts after warm-up and at the end of ``switches`` scene switches."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    import pyvista as pv

    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.render.view import AtlasView
    from sciatic_atlas.scenes.load import load_library
    from sciatic_atlas.scenes.resolve import resolve_states

    model = load_model()
    scenes, _ = load_library()
    states = [state for scene in scenes.values() for side in (None, "left")
              for state in resolve_states(scene, side=side, model=model)]
    start = time.perf_counter()
    with AtlasView(pv.Plotter(off_screen=True, window_size=[400, 520]), model) as view:
        renderer = view.plotter.renderer
        for state in states:  # warm-up: everything drawn once
            view.apply_state(state, render=render)
        gc.collect()
        warm = (_rss_mb(), len(renderer.actors), len(gc.get_objects()))
        samples = []
        for i in range(switches):
            view.apply_state(states[i % len(states)], render=render)
            if (i + 1) % len(states) == 0 or i + 1 == switches:
                gc.collect()
                samples.append((i + 1, _rss_mb(), len(renderer.actors), len(gc.get_objects())))
    elapsed = time.perf_counter() - start
    end = samples[-1]
    return {"states": len(states), "switches": switches, "seconds": elapsed,
            "rss_warm": warm[0], "rss_end": end[1], "actors_warm": warm[1], "actors_end": end[2],
            "objects_warm": warm[2], "objects_end": end[3], "samples": samples}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--switches", type=int, default=300, help="scene switches after warm-up (default 300)")
    parser.add_argument("--render", action="store_true", help="render every switch (slower; closer to the window)")
    parser.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = parser.parse_args(argv)
    result = soak(args.switches, args.render)
    if args.json:
        print(json.dumps(result))
        return 0
    for n, rss, n_actors, objects in result["samples"]:
        print(f"after {n:5d} switches: {rss:7.1f} MB, {n_actors} actors, {objects} Python objects")
    print(f"{result['switches']} switches over {result['states']} states in {result['seconds']:.0f} s; "
          f"memory {result['rss_warm']:.0f} -> {result['rss_end']:.0f} MB, "
          f"actors {result['actors_warm']} -> {result['actors_end']}, "
          f"objects {result['objects_warm']} -> {result['objects_end']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
