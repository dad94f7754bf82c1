"""``sciatic-atlas sources PAINMAP.json``: rank what to examine next for a patient's pain map."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="rank dermatomes, referral patterns and nerve territories for a pain map",
                       description="Compare a pain map (docs/painmap-format.md) with the skin overlays and "
                                   "print them best first, with score, overlap and a plain reason. "
                                   "A teaching aid, not a diagnosis.")
    p.add_argument("painmap", type=Path, metavar="PAINMAP.json", help="the pain-map file")
    p.add_argument("--json", action="store_true",
                   help='print a JSON list, best first, of {"id", "kind", "score", "reason", "overlap", "name"}')
    p.add_argument("--top", type=int, default=None, help="print only this many (default: all)")
    p.set_defaults(run=run)


def text_lines(explanations, disclaimer: list[str]) -> list[str]:
    """Return the readable ranking: the disclaimer, then one block per explanation."""
    kinds = {"dermatome": "dermatome", "referral": "referral", "cutaneous_nerve": "nerve"}
    lines = [textwrap.fill(d, 100) for d in disclaimer] + [""]
    lines.append(f"{'#':>2}  {'score':>5}  {'overlap':>7}  {'kind':<9}  id")
    for i, e in enumerate(explanations, 1):
        lines.append(f"{i:>2}  {e.score:5.2f}  {e.overlap:7.2f}  {kinds.get(e.kind, e.kind):<9}  {e.overlay_id}")
        lines.extend(textwrap.wrap(e.reason, 96, initial_indent="    ", subsequent_indent="    "))
    lines.append("")
    lines.append("score: share of the drawing in the overlay's zones (spillover counts less); "
                 "overlap: share of its essential zone that is drawn.")
    return lines


def run(args) -> int:
    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.anatomy.painmap import PainMapError, load_painmap
    from sciatic_atlas.anatomy.sources_rank import disclaimer, rank_sources

    painmap = load_painmap(args.painmap)
    try:
        ranked = rank_sources(load_model(), painmap)
    except PainMapError as exc:  # a point off the skin: name the file too
        raise PainMapError([f"{args.painmap}: {issue}" for issue in exc.issues]) from None
    if args.top is not None:
        ranked = ranked[: max(args.top, 0)]
    if args.json:
        sys.stdout.write(json.dumps([e.to_dict() for e in ranked], indent=1, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write("\n".join(text_lines(ranked, disclaimer())) + "\n")
    return 0
