"""Run the benchmarks and write ``benchmarks/RESULTS.md``: ``python benchmarks/run.py``.

Each benchmark is one function that returns a list of :class:`Result` rows; it is
registered in :data:`REGISTRY` under a section name. Other files add their own
section: a module ``benchmarks/bench_<name>.py`` that defines
``register(registry)`` is found and called (the window benchmarks live in
``bench_window.py``). Every timing is a whole separate process, so it includes
interpreter start-up and imports, and is reported with a baseline measured in the
same run (``python -c "import pyvista"``, a one-sphere render) and the ratio to it.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
# Every process runs the source tree these benchmarks live in, whatever is installed.
SOURCE_ENV = {"PYTHONPATH": os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))}
RESULTS = HERE / "RESULTS.md"
SIZE = "800x1040"  # the default size of `sciatic-atlas render`


@dataclass
class Result:
    """One measured number, its target and the baseline it is compared with."""

    name: str
    value: float
    unit: str
    target: float | None = None  # the value must be <= target
    baseline: float | None = None
    note: str = ""

    @property
    def ok(self) -> str:
        return "" if self.target is None else ("yes" if self.value <= self.target else "**no**")


def run_process(argv: list[str], env: dict | None = None) -> tuple[float, float]:
    """Run ``argv``; return (wall seconds, peak resident memory in MB) of that process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **SOURCE_ENV, **(env or {})})
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    proc.stderr and proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def repeat_process(argv: list[str], n: int, env: dict | None = None) -> tuple[float, float, float]:
    """Return the median wall time, the median and the largest peak memory of ``n`` runs.

    One warm-up run comes first (file cache). The peak memory of the same command varies
    between runs by about 25 MB (Mesa allocates in large chunks), hence median and max.
    """
    run_process(argv, env)  # warm the file cache
    runs = [run_process(argv, env) for _ in range(n)]
    return (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs),
            max(r[1] for r in runs))


HEADLESS = {"VTK_DEFAULT_OPENGL_WINDOW": "vtkEGLRenderWindow"} if not os.environ.get("DISPLAY") else {}
# The floor runs with the rasteriser settings `sciatic-atlas render` picks for itself on this
# machine (app/commands/render.py: no llvmpipe threads on 2 cores), so the ratio measures only
# the atlas's own work.
if (os.cpu_count() or 1) <= 2:
    HEADLESS = {**HEADLESS, "LP_NUM_THREADS": os.environ.get("LP_NUM_THREADS", "0")}

SPHERE = f"""
import pyvista as pv
w, h = {SIZE.split('x')[0]}, {SIZE.split('x')[1]}
p = pv.Plotter(off_screen=True, window_size=[w, h])
p.add_mesh(pv.Sphere(), color='ivory', smooth_shading=True)
p.enable_depth_peeling(4); p.enable_anti_aliasing('ssaa')
p.screenshot({{out!r}}); p.close()
"""

LOAD_MODEL = """
import time
t = time.perf_counter()
from sciatic_atlas.anatomy.model import load_model
m = load_model()
n = sum(m.mesh(s).n_triangles for s in m.structure_ids)
print(time.perf_counter() - t, len(m.structure_ids), n)
"""


def bench_baselines(n: int) -> list[Result]:
    """Baselines: importing PyVista, and rendering one sphere the way the atlas renders."""
    imp, _, _ = repeat_process([sys.executable, "-c", "import pyvista"], n)
    with tempfile.TemporaryDirectory() as tmp:
        code = SPHERE.format(out=str(Path(tmp) / "sphere.png"))
        sphere, sphere_mem, sphere_max = repeat_process([sys.executable, "-c", code], n, HEADLESS)
    return [Result("baseline: `python -c \"import pyvista\"` process", imp, "s"),
            Result("baseline: one-sphere render process (same size, SSAA, depth peeling)", sphere, "s"),
            Result("baseline: one-sphere render peak memory (median)", sphere_mem, "MB",
                   note=f"max {sphere_max:.0f} MB")]


def bench_model_load(n: int) -> list[Result]:
    """Model load: ``load_model()`` plus every mesh, timed inside a fresh process."""
    times, info = [], ""
    for _ in range(n + 1):
        out = subprocess.run([sys.executable, "-c", LOAD_MODEL], capture_output=True, text=True, check=True,
                             env={**os.environ, **SOURCE_ENV})
        t, n_structures, n_triangles = out.stdout.split()
        times.append(float(t))
        info = f"{n_structures} structures, {int(n_triangles):,} triangles"
    return [Result("model load (model.json + all meshes, in-process)", statistics.median(times[1:]), "s",
                   target=0.5, note=info), triangle_budget()]


def triangle_budget() -> Result:
    """The built model's triangles against the budget of ``data/mesh_detail.yaml`` (a count, not a time)."""
    from sciatic_atlas.anatomy.data_files import read_yaml
    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.anatomy.paths import DATA_DIR

    budget = read_yaml(DATA_DIR / "mesh_detail.yaml")["budget"]
    kinds = load_model().triangles_by_kind()
    note = ", ".join(f"{k} {v / 1000:.1f}k" for k, v in kinds.items())
    return Result("triangles, every built structure (data/mesh_detail.yaml budget)", sum(kinds.values()) / 1000,
                  "k", target=budget["total"] / 1000, note=note)


def alternated_render_runs(tmp: Path, n: int) -> tuple[list, list]:
    """Run `sciatic-atlas render` (into ``tmp/out.png``) and the one-sphere floor ``n`` times each, alternated.

    Returns the render runs and the floor runs, each a list of :func:`run_process` results,
    after one warm-up of each (the file cache).
    """
    render = [sys.executable, "-m", "sciatic_atlas", "render", "-o", str(tmp / "out.png"), "--size", SIZE]
    sphere = [sys.executable, "-c", SPHERE.format(out=str(tmp / "s.png"))]
    run_process(render), run_process(sphere, HEADLESS)  # warm the file cache
    runs, floors = [], []
    for _ in range(n):
        runs.append(run_process(render))
        floors.append(run_process(sphere, HEADLESS))
    return runs, floors


def bench_headless_render(n: int) -> list[Result]:
    """`python -m sciatic_atlas render` as a whole process: wall time and peak memory.

    Render and one-sphere baseline runs alternate, so a busy spell on the shared
    machine slows both and the ratio stays fair.
    """
    with tempfile.TemporaryDirectory() as tmp:
        runs, floors = alternated_render_runs(Path(tmp), n)
    wall, floor = statistics.median(r[0] for r in runs), statistics.median(f[0] for f in floors)
    mem, floor_mem = statistics.median(r[1] for r in runs), statistics.median(f[1] for f in floors)
    return [Result(f"headless render process (`sciatic-atlas render`, {SIZE}, whole model)", wall, "s",
                   target=3.0, baseline=floor, note="baseline: one-sphere render, runs alternated"),
            Result("headless render peak resident memory (median of runs)", mem, "MB", target=500.0,
                   baseline=floor_mem, note=f"max over {n} runs {max(r[1] for r in runs):.0f} MB")]


Benchmark = Callable[[int], list[Result]]
REGISTRY: dict[str, dict[str, Benchmark]] = {
    "Model and headless render": {
        "baselines": bench_baselines,
        "model_load": bench_model_load,
        "headless_render": bench_headless_render,
    },
}


def discover(registry: dict[str, dict[str, Benchmark]]) -> None:
    """Let every ``benchmarks/bench_*.py`` add its section through ``register(registry)``."""
    for path in sorted(HERE.glob("bench_*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        if hasattr(module, "register"):
            module.register(registry)


def _fmt(v: float | None) -> str:
    return "" if v is None else (f"{v:.0f}" if v >= 100 else f"{v:.2f}")


def table(results: list[Result]) -> list[str]:
    lines = ["| measurement | value | target | met | baseline | ratio | note |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        ratio = f"{r.value / r.baseline:.1f}x" if r.baseline else ""
        target = f"≤ {_fmt(r.target)} {r.unit}" if r.target is not None else ""
        lines.append(f"| {r.name} | {_fmt(r.value)} {r.unit} | {target} | {r.ok} | "
                     f"{_fmt(r.baseline)} | {ratio} | {r.note} |")
    return lines


def kept_sections(ran: set[str]) -> dict[str, list[str]]:
    """Return the sections of the existing RESULTS.md that this run did not measure."""
    if not RESULTS.is_file():
        return {}
    sections: dict[str, list[str]] = {}
    current = None
    for line in RESULTS.read_text().splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {name: lines for name, lines in sections.items() if name not in ran}


def machine() -> str:
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown CPU"
    return f"{platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (median; default 5)")
    parser.add_argument("--only", nargs="*", help="benchmark names to run (default all)")
    parser.add_argument("--no-write", action="store_true", help="print the table, do not write RESULTS.md")
    args = parser.parse_args(argv)
    registry = {section: dict(items) for section, items in REGISTRY.items()}
    discover(registry)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    out = ["# Benchmark results", "",
           "Written by `python benchmarks/run.py` (`--only NAME...` re-measures some and keeps the rest).", "",
           f"Machine: {machine()}; CPU rendering (Mesa llvmpipe, EGL). The machine is shared:",
           "the load average says how busy it was; timings on a busy 2-core machine run long.",
           "Times are medians of separate processes after one warm-up run; memory is the peak",
           "resident set size of the process. A ratio compares with the baseline measured in the same run.", ""]
    ran: dict[str, list[str]] = {}
    for section, items in registry.items():
        results: list[Result] = []
        for name, bench in items.items():
            if args.only and name not in args.only:
                continue
            print(f"running {name}...", file=sys.stderr)
            results += bench(args.repeat)
        if results:
            ran[section] = ["", f"Measured {datetime.date.today().isoformat()}, load average {load:.1f} at start.",
                            "", *table(results), ""]
    # Sections not measured this time (e.g. --only) keep their last results.
    sections = {**kept_sections(set(ran)), **ran}
    for section in registry:
        if section in sections:
            out += [f"## {section}", *sections.pop(section)]
    for section, lines in sections.items():
        out += [f"## {section}", *lines]
    text = "\n".join(out).rstrip() + "\n"
    print(text)
    if not args.no_write:
        RESULTS.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
