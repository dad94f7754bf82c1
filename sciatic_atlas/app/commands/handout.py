"""``sciatic-atlas handout PAINMAP.json -o sheet.pdf``: the patient's take-home sheet, made offline."""

from __future__ import annotations

import os
from pathlib import Path


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="print a take-home sheet (PDF) for a pain map",
                       description="Write a one- or two-page PDF: the pain map on the skin from the views "
                                   "that show it, the likely explanations in plain words, the clinic's four "
                                   "stretches and the clinician's note. Made on this machine; nothing is sent.")
    p.add_argument("painmap", type=Path, metavar="PAINMAP.json", help="the pain-map file (docs/painmap-format.md)")
    p.add_argument("-o", "--out", type=Path, required=True, help="the PDF file to write")
    p.set_defaults(run=run)


def run(args) -> int:
    from sciatic_atlas.app.cli import UserError

    if args.out.suffix.lower() != ".pdf":
        raise UserError(f"'{args.out}': the sheet is a PDF; name the file with .pdf, e.g. sheet.pdf")
    if not args.out.parent.is_dir() and str(args.out.parent):
        raise UserError(f"'{args.out.parent}' is not a folder: create it or write the sheet elsewhere")
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")  # offscreen, no X warning
    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.anatomy.painmap import PainMapError, load_painmap
    from sciatic_atlas.app.handout import write_handout

    painmap = load_painmap(args.painmap)
    try:
        write_handout(load_model(), painmap, args.out)
    except PainMapError as exc:  # a point off the skin: name the file too
        raise PainMapError([f"{args.painmap}: {issue}" for issue in exc.issues]) from None
    except OSError as exc:
        raise UserError(f"'{args.out}' cannot be written ({exc.strerror}); any earlier file there is unchanged") from None
    print(f"wrote {args.out}")
    return 0
