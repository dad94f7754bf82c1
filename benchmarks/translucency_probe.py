"""Depth peeling against VTK's order-independent translucency (OIT), time and image (issue 11).

``python benchmarks/translucency_probe.py WxH`` renders, offscreen at the 3D view's
size, the library step with the most translucent structures and the default
exploring state, each way: depth peeling as the atlas sets it (4 peels, stop at
10 % changed pixels), OIT (``vtkRenderer.SetUseOIT``, one pass), plain blending;
against a reference of exact peeling (64 peels, occlusion ratio 0). Prints one
``PROBE {json}`` line: median frame ms and the mean and 99th-percentile colour
difference (0-255) from the reference, for each way and state.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FRAMES = 7


def _most_translucent(session) -> tuple[str, int, int]:
    best = ("", 0, -1)
    for scene_id in session.scenes:
        for step in range(session.n_steps(scene_id)):
            state = session.base_state(scene_id, step, "both")
            n = sum(1 for s in state.styles.values() if s.visible and s.opacity is not None and s.opacity < 0.99)
            if n > best[2]:
                best = (scene_id, step, n)
    return best


def _ways():
    return {"reference": dict(peel=True, peels=64, ratio=0.0, oit=False),
            "peeling": dict(peel=True, peels=4, ratio=0.1, oit=False),
            "oit": dict(peel=False, peels=4, ratio=0.1, oit=True),
            "blend": dict(peel=False, peels=4, ratio=0.1, oit=False)}


def _frame(plotter, way: dict):
    import numpy as np

    renderer = plotter.renderer
    renderer.SetUseDepthPeeling(way["peel"])
    renderer.SetMaximumNumberOfPeels(way["peels"])
    renderer.SetOcclusionRatio(way["ratio"])
    renderer.SetUseOIT(way["oit"])
    window = plotter.render_window
    window.Render()
    times = []
    for _ in range(FRAMES):
        start = time.perf_counter()
        window.Render()
        times.append(1000.0 * (time.perf_counter() - start))
    image = np.asarray(plotter.screenshot(return_img=True), float)
    return statistics.median(times), image


def probe(size: tuple[int, int]) -> dict:
    import numpy as np
    import pyvista as pv

    from sciatic_atlas.app.session import Session
    from sciatic_atlas.render.view import AtlasView

    session = Session.load()
    scene_id, step, n = _most_translucent(session)
    out = {"worst_step": f"{scene_id} step {step}", "translucent": n}
    for label, state in (("most_translucent", session.base_state(scene_id, step, "both")),
                         ("explore", session.base_state(None, 0, "both")),
                         ("overview_step2", session.base_state("overview", 2, "both"))):
        plotter = pv.Plotter(off_screen=True, window_size=list(size))
        AtlasView(plotter, session.model).apply_state(state, render=False)
        plotter.enable_anti_aliasing("fxaa")
        results = {name: _frame(plotter, way) for name, way in _ways().items()}
        reference = results["reference"][1]
        for name, (ms, image) in results.items():
            diff = np.abs(image - reference).max(axis=2)
            out[f"{label}_{name}"] = {"ms": ms, "diff_mean": float(diff.mean()),
                                      "diff_p99": float(np.percentile(diff, 99))}
            if label == "explore":
                from PIL import Image

                Image.fromarray(image.astype("uint8")).save(f"/tmp/translucency-{name}.png")
        plotter.close()
    floor = pv.Plotter(off_screen=True, window_size=list(size))
    floor.add_mesh(pv.Sphere(radius=0.5), color="ivory", smooth_shading=True, render=False)
    floor.enable_anti_aliasing("fxaa")
    out["floor_ms"] = _frame(floor, _ways()["peeling"])[0]
    floor.close()
    return out


if __name__ == "__main__":
    width, height = (int(v) for v in sys.argv[1].split("x"))
    print("PROBE " + json.dumps(probe((width, height))))
