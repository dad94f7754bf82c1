"""Headless command line speed (issue 15): ``sciatic-atlas render`` against the one-sphere floor.

Registered by ``benchmarks/run.py`` (section "Headless command line (issue 15)"); run
alone with ``python benchmarks/bench_cli.py [--repeat N]`` to print the rows.

Every timing is a whole process. Render and floor runs alternate, so a busy spell on
the shared machine slows both and the ratio stays fair. Targets (issue 15): the render
process at most 1.5x the one-sphere process, peak memory at most 450 MB.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import HEADLESS, SIZE, SOURCE_ENV, Result, alternated_render_runs, run_process  # noqa: E402

SECTION = "Headless command line (issue 15)"

IMPORTS = """
import time
t = time.perf_counter()
from sciatic_atlas.app.lazy_imports import HEAVY_AND_SELDOM_USED, defer
defer(*HEAVY_AND_SELDOM_USED)
import sciatic_atlas.render.offscreen, sciatic_atlas.render.apply
import sys
print(time.perf_counter() - t, int("matplotlib.pyplot" in sys.modules and not
      type(sys.modules["matplotlib.pyplot"]).__name__ == "_Deferred"))
"""

PNG = """
import time, numpy as np
from PIL import Image
from sciatic_atlas.render.offscreen import write_png
image = np.asarray(Image.open({src!r}).convert("RGB"))
t = time.perf_counter(); Image.fromarray(image).save({slow!r}, format="PNG"); slow = time.perf_counter() - t
t = time.perf_counter(); write_png({fast!r}, image); fast = time.perf_counter() - t
print(slow, fast)
"""

VALIDATE_60 = """
import time, yaml
from sciatic_atlas.anatomy.paths import scenes_dir
from sciatic_atlas.scenes.load import parse_scene
from sciatic_atlas.scenes.checks import hidden_label_warnings
data = yaml.safe_load((scenes_dir() / "03-piriformis.yaml").read_text())
steps = [dict(s, title=f"step {{i}}", show=["muscles", "nerves"], fade=["bones"],
              styles=[{{"structures": ["sciatic_tree"], "colour": "#ffcc00"}}], highlight=["sciatic_tree"])
         for i, s in enumerate(data["steps"] * 10)][:{n}]
for s in steps:
    s.pop("id", None)
data["steps"] = steps
scene = parse_scene(yaml.safe_dump(data))
t = time.perf_counter(); hidden_label_warnings(scene); print(time.perf_counter() - t)
"""


def _python(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, **SOURCE_ENV})
    return out.stdout.split()


def bench_cli_render(n: int) -> list[Result]:
    """The render process and the one-sphere floor, alternated; wall time and peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        runs, floors = alternated_render_runs(Path(tmp), n)
        size_kb = (Path(tmp) / "out.png").stat().st_size / 1024
    wall, floor = statistics.median(r[0] for r in runs), statistics.median(f[0] for f in floors)
    mem, floor_mem = statistics.median(r[1] for r in runs), statistics.median(f[1] for f in floors)
    return [
        Result("floor: one-sphere render process (same size, SSAA, depth peeling)", floor, "s"),
        Result(f"`sciatic-atlas render` process, {SIZE}, whole model", wall, "s", target=1.5 * floor,
               baseline=floor, note=f"target 1.5x the floor; {n} alternated pairs, medians; PNG {size_kb:.0f} KB"),
        Result("floor: one-sphere render peak memory", floor_mem, "MB"),
        Result("`sciatic-atlas render` peak resident memory", mem, "MB", target=450.0, baseline=floor_mem,
               note=f"median; max over {n} runs {max(r[1] for r in runs):.0f} MB"),
    ]


def bench_cli_parts(n: int) -> list[Result]:
    """What the render's start-up and PNG writing cost, in-process."""
    imports = [_python(IMPORTS) for _ in range(n)]
    t_import = statistics.median(float(i[0]) for i in imports)
    pyplot = "imported" if any(i[1] == "1" for i in imports) else "not imported"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src.png"
        run_process([sys.executable, "-m", "sciatic_atlas", "render", "-o", str(src), "--size", SIZE])
        pngs = [_python(PNG.format(src=str(src), slow=str(Path(tmp) / "slow.png"), fast=str(Path(tmp) / "fast.png")))
                for _ in range(n)]
    slow, fast = statistics.median(float(p[0]) for p in pngs), statistics.median(float(p[1]) for p in pngs)
    return [
        Result("imports of the render path (pyvista + render layer)", t_import, "s", note=f"matplotlib.pyplot {pyplot}"),
        Result(f"PNG encoding at {SIZE}, fast (zlib level 1)", fast, "s", baseline=slow,
               note="baseline: PIL's default level, as pyvista's screenshot writes"),
    ]


def bench_validate_steps(n: int) -> list[Result]:
    """The hidden-label check of ``validate`` on 15-, 30- and 60-step scenes (linear in the steps)."""
    rows = []
    times = {}
    for steps in (15, 30, 60):
        times[steps] = statistics.median(float(_python(VALIDATE_60.format(n=steps))[0]) for _ in range(n))
    for steps, value in times.items():
        rows.append(Result(f"hidden-label check (`validate`), {steps}-step scene", value, "s",
                           baseline=times[15] if steps != 15 else None,
                           note="ratio to 15 steps: 4x steps gives ~4x time when linear" if steps == 60 else ""))
    return rows


def bench_soak(n: int, switches: int = 300) -> list[Result]:
    """The bounded soak (``benchmarks/soak.py``): scene switches on one plotter, rendered each time."""
    import json

    out = subprocess.run([sys.executable, str(HERE / "soak.py"), "--switches", str(switches), "--render", "--json"],
                         capture_output=True, text=True, check=True, env={**os.environ, **SOURCE_ENV, **HEADLESS})
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return [Result(f"soak: memory after {r['switches']} rendered scene switches ({r['states']} states)",
                   r["rss_end"], "MB", target=r["rss_warm"] + 25.0, baseline=r["rss_warm"],
                   note=f"baseline: after one warm-up cycle; actors {r['actors_warm']} -> {r['actors_end']}, "
                        f"Python objects {r['objects_warm']} -> {r['objects_end']}; {r['seconds']:.0f} s")]


def register(registry: dict) -> None:
    """Add this file's section to ``benchmarks/run.py``."""
    registry[SECTION] = {"cli_render": bench_cli_render, "cli_parts": bench_cli_parts,
                         "validate_steps": bench_validate_steps, "soak": bench_soak}


if __name__ == "__main__":
    import argparse

    from run import table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    results = [*bench_cli_render(args.repeat), *bench_cli_parts(args.repeat), *bench_validate_steps(args.repeat),
               *bench_soak(args.repeat)]
    print("\n".join(table(results)))
    print(f"({time.perf_counter() - start:.0f} s)", file=sys.stderr)
