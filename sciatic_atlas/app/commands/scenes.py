"""``sciatic-atlas scenes``: list the scene library (id, title, audience, steps)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="list the scene library",
                       description="List the scenes of the library in lecture order: id, title, audience, steps.")
    p.add_argument("folder", nargs="?", type=Path, default=None, help="a folder of scenes (default: the library)")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from sciatic_atlas.scenes.load import load_library

    scenes, errors = load_library(args.folder)
    rows = [{"id": s.id, "title": s.title, "audience": list(s.audience), "steps": len(s.steps),
             "file": s.path.name if s.path else ""} for s in scenes.values()]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        width = max((len(r["id"]) for r in rows), default=2)
        print(f"{'id':<{width}}  steps  audience                   title")
        for r in rows:
            print(f"{r['id']:<{width}}  {r['steps']:>5}  {', '.join(r['audience']):<26} {r['title']}")
    for error in errors:
        print(f"broken scene file, not listed: {error}", file=sys.stderr)
    return 1 if errors else 0
