"""``sciatic-atlas schema``: print (or write) the JSON Schema of scene files, for editors."""

from __future__ import annotations

import json
from pathlib import Path


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="print the JSON Schema of scene files",
                       description="Print the JSON Schema of the scene format, so editors can check and "
                                   "autocomplete scene files (e.g. a yaml-language-server modeline).")
    p.add_argument("-o", "--out", type=Path, default=None, help="write to this file instead of stdout")
    p.set_defaults(run=run)


def run(args) -> int:
    from sciatic_atlas.scenes.schema import scene_schema

    text = json.dumps(scene_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.out is None:
        print(text, end="")
        return 0
    from sciatic_atlas.fileio import write_text

    write_text(args.out, text)
    print(f"wrote the scene JSON Schema to {args.out}")
    return 0
