"""``sciatic-atlas describe``: the model as data (``--json``) or as a readable summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="describe the model: structures, facts, centrelines, landmarks, variants",
                       description="Print the built model as data. With --json the output follows "
                                   "docs/describe-json.md (millimetres, world frame); without it a "
                                   "readable summary.")
    p.add_argument("--json", action="store_true", help="print the whole model as JSON")
    p.add_argument("-o", "--out", type=Path, default=None, help="write to this file instead of standard output")
    p.add_argument("--no-knowledge", action="store_true", help="leave out the knowledge-base facts")
    p.add_argument("--pose", metavar="NAME", default=None,
                   help="give centrelines and landmarks in this named pose (the names are listed under 'poses')")
    p.set_defaults(run=run)


def run(args) -> int:
    from sciatic_atlas.anatomy.describe import describe_model, summary_lines
    from sciatic_atlas.anatomy.model import read_model
    from sciatic_atlas.anatomy.paths import assets_dir

    model = read_model(assets_dir())
    if args.pose:
        from sciatic_atlas.anatomy.poses import named_poses

        if args.pose not in named_poses():
            from sciatic_atlas.app.cli import UserError

            raise UserError(f"there is no pose '{args.pose}'; the named poses are {', '.join(sorted(named_poses()))}")
    described = describe_model(model, knowledge={} if args.no_knowledge else None, pose=args.pose)
    text = (json.dumps(described, indent=1, sort_keys=True) if args.json
            else "\n".join(summary_lines(described))) + "\n"
    if args.out is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except OSError as exc:
            from sciatic_atlas.app.cli import UserError

            raise UserError(f"cannot write to standard output: {exc.strerror or exc}") from None
    else:
        from sciatic_atlas.fileio import write_text

        write_text(args.out, text)
    return 0
