"""``sciatic-atlas`` (no command) / ``sciatic-atlas window``: open the window.

``--screenshot out.png`` opens the real window, applies ``--scene``/``--step``,
writes a picture of the whole window (panels and 3D view) and exits: for
documentation, bug reports and tests.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="open the window (the default when no command is given)",
                       description="Open the Sciatic Atlas window.")
    p.add_argument("--scene", metavar="ID", help="open this scene (see `sciatic-atlas scenes`)")
    p.add_argument("--step", type=int, default=None, metavar="N", help="go to step N (0 = the scene's opening view, as in `render --step`)")
    p.add_argument("--side", choices=("both", "left", "right"), default=None, help="the patient's side to show")
    p.add_argument("--present", action="store_true", help="start presenting (full screen, large type)")
    p.add_argument("--dark", action="store_true", help="dark background")
    p.add_argument("--size", default="1600x1000", metavar="WxH", help="window size (default 1600x1000)")
    p.add_argument("--screenshot", type=Path, metavar="PNG",
                   help="write a picture of the whole window to PNG and exit")
    p.add_argument("--settings", type=Path, metavar="INI",
                   help="keep settings in this ini file (default: the user's settings)")
    p.set_defaults(run=run)


def _size(text: str) -> tuple[int, int]:
    from sciatic_atlas.app.cli import UserError

    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UserError(f"bad --size '{text}': write it as WIDTHxHEIGHT, e.g. 1600x1000") from None
    return width, height


def run(args) -> int:
    from sciatic_atlas.app.cli import UserError
    from sciatic_atlas.app.display import HEADLESS_HINT, display_problem

    problem = display_problem()
    if problem is not None:
        raise UserError(f"{problem}; {HEADLESS_HINT}")
    from sciatic_atlas.app.qt_launch import launch

    if args.step is not None and args.step < 0:
        raise UserError(f"bad --step {args.step}: 0 is the opening view, then steps 1, 2, ...")
    status = launch(scene=args.scene, step=args.step, side=args.side,
                    present=args.present, dark=args.dark, size=_size(args.size),
                    screenshot=args.screenshot, settings_file=args.settings, argv=sys.argv[:1])
    if args.screenshot is not None and status == 0:
        print(f"wrote {args.screenshot}")
    return status
