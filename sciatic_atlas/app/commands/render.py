"""``sciatic-atlas render``: draw the model or a scene step to a PNG, offscreen."""

from __future__ import annotations

import os
import re
from pathlib import Path

SIDES = ("left", "right", "both")
# A side of 8000 px or more fails inside VTK's offscreen framebuffer (Mesa llvmpipe:
# FRAMEBUFFER_INCOMPLETE_ATTACHMENT); 6144 was measured to work. At most a 4096 x 4096 poster.
MIN_SIDE, MAX_SIDE = 16, 6144
MAX_PIXELS = 4096 * 4096


def _views() -> list[str]:
    """Return the camera preset names in file order (without importing VTK).

    Raises AtlasDataError, naming views.yaml and the fix, when it is broken.
    """
    from sciatic_atlas.render.cameras import view_names

    return view_names()


def _views_help() -> str:
    # The help text must not depend on views.yaml being readable: every other command needs the parser.
    try:
        return ", ".join(_views())
    except Exception:  # noqa: BLE001 - any failure here is reported when --view is used
        return "see data/views.yaml"


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="render the model or a scene to a PNG (offscreen, no display needed)",
                       description="Render the whole model (or a scene file at one step) to a PNG "
                                   "without opening a window.")
    p.add_argument("scene", nargs="?", type=Path, default=None, metavar="SCENE",
                   help="a scene file (.yaml) or a scene id from the library; default: the whole model")
    p.add_argument("-o", "--out", type=Path, required=True, help="PNG file to write")
    p.add_argument("--view", default=None,
                   help=f"camera preset: {_views_help()} (default: posterior, or the scene's camera)")
    p.add_argument("--side", default=None, help="left, right or both (default: both, or the scene's side)")
    p.add_argument("--size", default="800x1040", help="image size WIDTHxHEIGHT in pixels (default 800x1040)")
    p.add_argument("--step", default="0", help="scene step to render: a number (0 = the scene itself) or a step id")
    p.add_argument("--report", type=Path, default=None, metavar="FILE.json",
                   help="also write what the picture holds (labels, visible structures) as JSON; "
                        "format in docs/frame-report.md")
    p.set_defaults(run=run)


def _parse_size(text: str) -> tuple[int, int]:
    from sciatic_atlas.app.cli import UserError

    match = re.fullmatch(r"\s*(\d+)\s*[xX×]\s*(\d+)\s*", text)
    if not match:
        raise UserError(f"bad --size '{text}': write it as WIDTHxHEIGHT, e.g. 1200x1600")
    w, h = int(match.group(1)), int(match.group(2))
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE):
        raise UserError(f"bad --size '{text}': width and height must be between {MIN_SIDE} and {MAX_SIDE} pixels")
    if w * h > MAX_PIXELS:
        raise UserError(f"bad --size '{text}': at most {MAX_PIXELS:,} pixels in all (e.g. 4096x4096)")
    return w, h


def _parse_step(text: str) -> int | str:
    """Return ``--step`` as a step number or a step id; refuse other digits and huge numbers."""
    from sciatic_atlas.app.cli import UserError

    if re.fullmatch(r"[0-9]+", text):
        if len(text) > 4:
            raise UserError(f"bad --step '{text[:20]}{'...' if len(text) > 20 else ''}': "
                            "a scene has at most 60 steps")
        return int(text)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_\-]{0,79}", text):
        raise UserError(f"bad --step {text[:40]!r}: give a step number (0 = the scene itself) or a step id "
                        "(lowercase letters, digits, '_' and '-')")
    return text


def _out_path(out: Path) -> Path:
    """Return the PNG to write: ``.png`` is added when there is no suffix; other suffixes are refused."""
    from sciatic_atlas.app.cli import UserError
    from sciatic_atlas.fileio import check_target

    out = check_target(out)  # an existing folder, or a file where a folder should be
    if out.suffix == "" and out.name not in ("", ".", ".."):
        out = out.with_name(out.name + ".png")
    if out.suffix.lower() != ".png":
        raise UserError(f"cannot write {out}: render writes PNG pictures; name the file *.png")
    return check_target(out)


def _check_choices(view: str | None, side: str | None) -> None:
    from sciatic_atlas.app.cli import UserError

    views = _views()
    if view is not None and view not in views:
        raise UserError(f"unknown view '{view}'; valid views: {', '.join(views)}")
    if side is not None and side not in SIDES:
        raise UserError(f"unknown side '{side}'; valid sides: {', '.join(SIDES)}")


def _scene_state(path: Path, step: str, side: str | None, model):
    """Load a scene file (or a library scene id) and resolve it at ``step``."""
    from sciatic_atlas.app.cli import UserError
    from sciatic_atlas.scenes.load import load_library, load_scene
    from sciatic_atlas.scenes.resolve import resolve_state

    if path.is_file():
        scene = load_scene(path)
    else:
        scenes, broken = load_library()
        if str(path) not in scenes:
            unread = f"; {len(broken)} broken scene file(s) not read: {', '.join(e.file for e in broken)}" if broken else ""
            raise UserError(f"no scene file '{path}' and no library scene with that id "
                            f"(library: {', '.join(scenes) or 'empty'}{unread}; check them with `sciatic-atlas validate`)")
        scene = scenes[str(path)]
    return resolve_state(scene, step=_parse_step(step), side=side, model=model)


SMALL_MACHINE_CORES = 2


def _headless_window() -> None:
    """Set up the offscreen window before VTK makes one.

    With no display, ask VTK for its EGL window directly (otherwise VTK tries X first and
    prints a "bad X server connection" warning before falling back to EGL); on a machine of
    two cores or fewer, rasterise in the calling thread.
    """
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")
    if (os.cpu_count() or 1) <= SMALL_MACHINE_CORES:
        # Mesa's CPU rasteriser (llvmpipe) bins each frame's triangles into "scenes" and, with
        # rasteriser threads, queues several while the threads catch up. On 2 cores those threads
        # compete with the one feeding them: rasterising in the calling thread (0 threads) took
        # the same time here and 37 MB less peak memory (benchmarks/RESULTS.md, issue 15).
        # A user's own setting wins; GPU drivers ignore the variable.
        os.environ.setdefault("LP_NUM_THREADS", "0")


def run(args) -> int:
    from sciatic_atlas.fileio import atomic_path

    _check_choices(args.view, args.side)
    size = _parse_size(args.size)
    out = _out_path(args.out)
    if args.scene is not None:
        _parse_step(args.step)
    _headless_window()
    from sciatic_atlas.app.lazy_imports import HEAVY_AND_SELDOM_USED, defer

    defer(*HEAVY_AND_SELDOM_USED)  # start-up speed: pyplot is imported by pyvista, not used here
    from dataclasses import replace

    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.render import default_state, render_png
    from sciatic_atlas.scenes.state import CameraSpec

    model = load_model()
    if args.scene is None:
        state = default_state(model, args.view or "posterior", args.side or "both")
    else:
        state = _scene_state(args.scene, args.step, args.side, model)
        if args.view:
            state = replace(state, camera=CameraSpec(view=args.view))
    with atomic_path(out, make_parents=True) as tmp:
        render_png(state, model, tmp, size, report=args.report)
    print(f"wrote {out} ({size[0]}x{size[1]})" + (f" and {args.report}" if args.report else ""))
    return 0
