"""``sciatic-atlas render``: draw the model or a scene step to a PNG, offscreen."""

from __future__ import annotations

import os
import re
from pathlib import Path

SIDES = ("left", "right", "both")


def _views() -> list[str]:
    # Read the preset names from the data file without importing VTK (keeps --help fast).
    import yaml

    from sciatic_atlas.anatomy.paths import DATA_DIR

    with open(DATA_DIR / "views.yaml", encoding="utf-8") as fh:
        return list(yaml.safe_load(fh)["views"])


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="render the model or a scene to a PNG (offscreen, no display needed)",
                       description="Render the whole model (or a scene file at one step) to a PNG "
                                   "without opening a window.")
    p.add_argument("scene", nargs="?", type=Path, default=None, metavar="SCENE",
                   help="a scene file (.yaml) or a scene id from the library; default: the whole model")
    p.add_argument("-o", "--out", type=Path, required=True, help="PNG file to write")
    p.add_argument("--view", default=None,
                   help=f"camera preset: {', '.join(_views())} (default: posterior, or the scene's camera)")
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
    if not (16 <= w <= 8192 and 16 <= h <= 8192):
        raise UserError(f"bad --size '{text}': width and height must be between 16 and 8192 pixels")
    return w, h


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
        scenes, _ = load_library()
        if str(path) not in scenes:
            raise UserError(f"no scene file '{path}' and no library scene with that id "
                            f"(library: {', '.join(scenes) or 'empty'})")
        scene = scenes[str(path)]
    return resolve_state(scene, step=int(step) if step.isdigit() else step, side=side, model=model)


def _headless_window() -> None:
    """With no display, ask VTK for its EGL window directly.

    Otherwise VTK tries X first and prints a "bad X server connection" warning before
    falling back to EGL.
    """
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def run(args) -> int:
    _check_choices(args.view, args.side)
    size = _parse_size(args.size)
    _headless_window()
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
    render_png(state, model, args.out, size, report=args.report)
    print(f"wrote {args.out} ({size[0]}x{size[1]})" + (f" and {args.report}" if args.report else ""))
    return 0
