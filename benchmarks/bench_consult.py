"""Consult-mode benchmarks (issue 14), found by ``benchmarks/run.py`` through :func:`register`.

In-process: a brush stroke's pain map on the skin and the ranking of every overlay for it
(what the window redoes after each stroke). As processes: ``sciatic-atlas sources`` and
``sciatic-atlas handout`` on a small map, start to exit.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAP = {"format": 1, "side": "right", "note": "benchmark", "marks": [
    {"region": "buttock_lower", "kind": "pain", "intensity": 6},
    {"region": "thigh_posterior", "kind": "pain", "intensity": 5},
    {"region": "foot_lateral_border", "kind": "numbness", "intensity": 4}]}


def _run_module():
    sys.path.insert(0, str(HERE))
    try:
        import run  # the registry's row type and process timer
    finally:
        sys.path.remove(str(HERE))
    return run


def _stroke_times(n: int, dabs: int = 1000) -> tuple[float, float]:
    import numpy as np

    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.anatomy.painmap_edit import PainMapEditor
    from sciatic_atlas.anatomy.painmap_skin import drawing
    from sciatic_atlas.anatomy.skin_regions import named_regions, region_weights, skin_surface
    from sciatic_atlas.anatomy.sources_rank import rank_sources

    model = load_model()
    surface = skin_surface(model)
    mask = region_weights(surface, named_regions()["thigh_posterior"]["spec"], "right") > 0.5
    pts = surface.vertices[mask]
    pts = pts[np.argsort(pts[:, 2])]
    editor = PainMapEditor()
    editor.set_radius(20)
    editor.stroke(pts[np.linspace(0, len(pts) - 1, dabs).astype(int)])
    rank_sources(model, editor.painmap)  # warm the caches (region masks, graph, tree)
    draw, rank = [], []
    for _ in range(n):
        t = time.perf_counter()
        drawing(surface, editor.painmap)
        draw.append(time.perf_counter() - t)
        t = time.perf_counter()
        rank_sources(model, editor.painmap)
        rank.append(time.perf_counter() - t)
    return statistics.median(draw) * 1000, statistics.median(rank) * 1000, len(editor.painmap.marks)


def bench_consult(n: int) -> list:
    """Stroke paint and ranking in-process; the sources and handout commands as processes."""
    run = _run_module()
    Result = run.Result
    draw_ms, rank_ms, marks = _stroke_times(max(n, 3))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "map.json"
        path.write_text(json.dumps(MAP))
        cli = [sys.executable, "-m", "sciatic_atlas"]
        sources = statistics.median(run.run_process(cli + ["sources", str(path), "--json"])[0] for _ in range(n))
        handout, memory = run.run_process(cli + ["handout", str(path), "-o", str(Path(tmp) / "sheet.pdf")])
    return [
        Result(f"pain map on the skin, {marks} brush dabs", draw_ms, "ms", target=50.0),
        Result("ranking all overlays for it (after each stroke in the window)", rank_ms, "ms", target=300.0),
        Result("sciatic-atlas sources --json, start to exit", sources, "s", target=3.0),
        Result("sciatic-atlas handout (2 A4 pages, offscreen pictures), start to exit", handout, "s",
               target=15.0, note=f"peak memory {memory:.0f} MB"),
    ]


def register(registry: dict) -> None:
    """Add the "Consult" section to ``benchmarks/run.py``'s registry."""
    registry["Consult (issue 14)"] = {"consult": bench_consult}
