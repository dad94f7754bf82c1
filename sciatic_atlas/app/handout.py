"""The take-home sheet: a two-page PDF of a pain map, its likely explanations and the stretches.

Page 1 holds the pain map painted on the skin from the views that show it
(:mod:`sciatic_atlas.render.painmap_view`), the date and the clinician's note, and the
likely explanations in plain words with the teaching-aid disclaimer
(:mod:`sciatic_atlas.anatomy.sources_rank`). Page 2 holds the clinic's four stretches
(``data/clinical.yaml`` and ``data/consult.yaml``): how to do each, the 30-second hold,
and the muscles each lengthens, pictured from the stretches scene of the library.

Everything is made on this machine with fpdf2; nothing is sent anywhere. The PDF is
written atomically.
"""

from __future__ import annotations

import datetime as _dt
import logging
import tempfile
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from sciatic_atlas import __version__
from sciatic_atlas.anatomy.painmap import PainMap, write_atomic

log = logging.getLogger(__name__)

STRETCH_SCENE = "stretches"
KIND_PLAIN = {
    "dermatome": "skin supplied by one nerve root from the lower back (a dermatome)",
    "referral": "pain referred from tight spots (trigger points) in a muscle",
    "cutaneous_nerve": "skin supplied by one nerve of the leg",
}
MAX_EXPLANATIONS = 5
MIN_SCORE = 0.25  # explanations below this are not printed (unless fewer than three would be)
INK, GREY = (30, 30, 30), (95, 95, 95)
_ASCII = {"\u2013": "-", "\u2014": " - ", "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
          "\u2264": "<=", "\u2265": ">=", "\u00d7": "x", "\u2026": "..."}


@dataclass(frozen=True)
class Picture:
    """A picture for the sheet: a caption and an RGB image (H, W, 3, uint8)."""

    caption: str
    image: np.ndarray


def plain(text: str) -> str:
    """Return ``text`` in the Latin-1 characters of the PDF's built-in fonts (dashes, quotes folded)."""
    out = "".join(_ASCII.get(ch, ch) for ch in " ".join(str(text).split()))
    folded = unicodedata.normalize("NFKD", out)
    return "".join(ch if ord(ch) < 256 else ("" if unicodedata.combining(ch) else "?")
                   for ch in (out if all(ord(c) < 256 for c in out) else folded))


def stretch_pictures(model, side: str, size: tuple[int, int] = (420, 460)) -> dict[str, Path]:
    """Render each stretch step of the library's stretches scene to a PNG; return ``{stretch id: path}``.

    The stretch ids are those of ``data/clinical.yaml`` (``glute_stretch``); the scene's
    steps are the same with hyphens. Missing steps are left out.
    """
    from sciatic_atlas.render import render_png
    from sciatic_atlas.scenes.load import load_library
    from sciatic_atlas.scenes.resolve import resolve_state

    scenes, _ = load_library()
    scene = scenes.get(STRETCH_SCENE)
    if scene is None:
        log.warning("no '%s' scene in the library: the sheet shows the stretches without pictures", STRETCH_SCENE)
        return {}
    folder = Path(tempfile.mkdtemp(prefix="sciatic-handout-"))
    out = {}
    for step in scene.steps:
        sid = step.id.replace("-", "_")
        # The sheet prints its own words: leave out the scene's title and narration.
        state = replace(resolve_state(scene, step=step.id, side=side, model=model), title="", text="")
        out[sid] = render_png(state, model, folder / f"{sid}.png", size)
    return out


def _likely(ranked) -> list:
    keep = [e for e in ranked if e.score >= MIN_SCORE][:MAX_EXPLANATIONS]
    return keep if len(keep) >= 3 else ranked[:3]


class _Sheet:
    """The PDF being laid out (A4 portrait, millimetres)."""

    def __init__(self):
        from fpdf import FPDF

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(auto=True, margin=14)
        pdf.set_margins(14, 14, 14)
        pdf.set_creator(f"Sciatic Atlas {__version__} (offline)")
        pdf.set_title("Take-home sheet")
        self.pdf = pdf
        self.width = pdf.w - pdf.l_margin - pdf.r_margin

    def heading(self, text: str, size: float = 13) -> None:
        self.pdf.set_font("helvetica", "B", size)
        self.pdf.set_text_color(*INK)
        self.pdf.multi_cell(self.width, size * 0.5, plain(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    def para(self, text: str, size: float = 10, style: str = "", colour=INK, width: float | None = None,
             x: float | None = None) -> None:
        self.pdf.set_font("helvetica", style, size)
        self.pdf.set_text_color(*colour)
        if x is not None:
            self.pdf.set_x(x)
        self.pdf.multi_cell(width or self.width, size * 0.45, plain(text), new_x="LMARGIN", new_y="NEXT")

    def swatch(self, rgb, text: str) -> None:
        pdf = self.pdf
        pdf.set_fill_color(*[round(255 * c) for c in rgb])
        y = pdf.get_y()
        pdf.rect(pdf.l_margin, y + 0.6, 4, 4, style="F")
        pdf.set_xy(pdf.l_margin + 6, y)
        self.para(text, 9.5, width=self.width - 6, x=pdf.l_margin + 6)

    def pictures(self, pictures: list[Picture], max_height: float = 92.0) -> None:
        """Lay pictures side by side, each captioned below."""
        from PIL import Image

        pdf = self.pdf
        gap = 4.0
        n = len(pictures)
        w = min((self.width - gap * (n - 1)) / n, 62.0)
        y0 = pdf.get_y()
        x = pdf.l_margin + (self.width - (w * n + gap * (n - 1))) / 2
        tallest = 0.0
        for pic in pictures:
            h_img, w_img = pic.image.shape[:2]
            h = min(w * h_img / w_img, max_height)
            ww = h * w_img / h_img
            pdf.image(Image.fromarray(pic.image), x=x + (w - ww) / 2, y=y0, w=ww, h=h)
            pdf.rect(x + (w - ww) / 2, y0, ww, h)
            pdf.set_xy(x, y0 + h + 1)
            pdf.set_font("helvetica", "I", 8.5)
            pdf.set_text_color(*GREY)
            pdf.cell(w, 4, plain(pic.caption), align="C")
            tallest = max(tallest, h)
            x += w + gap
        pdf.set_xy(pdf.l_margin, y0 + tallest + 7)


def _page_map(sheet: _Sheet, painmap: PainMap, pictures: list[Picture], ranked, disclaimer: list[str]) -> None:
    from sciatic_atlas.render.painmap_view import NUMBNESS_RGB, PAIN_RGB

    pdf = sheet.pdf
    pdf.add_page()
    sheet.heading("Your pain map - take-home sheet", 17)
    date = painmap.date or _dt.date.today().isoformat()
    sheet.para(f"Date: {date}  |  Side drawn: {painmap.side}  |  Marks: {len(painmap.marks)}", 9.5, colour=GREY)
    pdf.ln(2)
    if painmap.note:
        sheet.para("Note from your clinician", 10.5, "B")
        sheet.para(painmap.note, 10)
        pdf.ln(2)
    if pictures:
        sheet.pictures(pictures)
    else:
        sheet.para("Nothing is drawn on this map.", 10, "I")
    sheet.swatch(PAIN_RGB, "Pain (aching); a stronger colour means a stronger pain (0-10).")
    sheet.swatch(NUMBNESS_RGB, "Numbness or pins and needles; a stronger colour means stronger.")
    pdf.ln(3)
    sheet.heading("What could explain it - things to examine next", 12.5)
    for i, e in enumerate(_likely(ranked), 1):
        sheet.para(f"{i}. {e.name}: {KIND_PLAIN.get(e.kind, e.kind)}. Match {round(100 * e.score)}%.", 10, "B")
        sheet.para(e.reason, 9.5)
        pdf.ln(1)
    pdf.ln(1.5)
    for line in disclaimer:
        sheet.para(line, 8, "I", GREY)


def _page_stretches(sheet: _Sheet, stretches, steps: dict[str, str], safety: str, pictures: dict[str, Path]) -> None:
    pdf = sheet.pdf
    pdf.add_page()
    sheet.heading("Four stretches - hold each for 30 seconds", 15)
    sheet.para(safety, 9.5, colour=GREY)
    pdf.ln(3)
    pic_w, pic_h = 46.0, 50.0
    for item in stretches:
        y0 = pdf.get_y()
        if pdf.will_page_break(pic_h + 2):
            pdf.add_page()
            y0 = pdf.get_y()
        text_x = pdf.l_margin
        if item.id in pictures:
            pdf.image(str(pictures[item.id]), x=pdf.l_margin, y=y0, h=pic_h)
            pdf.rect(pdf.l_margin, y0, pic_h * 420 / 460, pic_h)
            text_x = pdf.l_margin + pic_w + 4
        width = sheet.width - (text_x - pdf.l_margin)
        pdf.set_xy(text_x, y0)
        hold = item.hold_seconds or 30
        sheet.para(f"{item.name} - hold {hold} seconds", 11.5, "B", width=width, x=text_x)
        sheet.para(steps.get(item.id, ""), 9.5, width=width, x=text_x)
        pdf.ln(1)
        lengthens = item.facts[0].text if item.facts else ""
        sheet.para(f"What it lengthens (highlighted in the picture): {lengthens}", 8.5, "I", GREY, width=width, x=text_x)
        pdf.set_y(max(pdf.get_y(), y0 + pic_h) + 4)
    pdf.ln(2)
    sheet.para(f"Made offline with Sciatic Atlas {__version__}. A teaching aid, not a diagnosis. Stretches: the "
               "clinic's home programme; muscles from their actions (Moore, Clinically Oriented Anatomy, 9th ed.); "
               "30 s holds: Bandy & Irion 1994.", 7.5, "I", GREY)


def handout_pdf(model, painmap: PainMap, views: list[Picture] | None = None,
                stretch_images: dict[str, Path] | None = None) -> bytes:
    """Return the take-home sheet of ``painmap`` as PDF bytes (two A4 pages).

    Parameters
    ----------
    model : AnatomyModel
        The built model.
    painmap : PainMap
        The drawing, its date and note.
    views : list of Picture, optional
        The pain-map pictures; by default rendered offscreen from the views that show it.
    stretch_images : dict, optional
        ``{stretch id: PNG path}``; by default rendered from the library's stretches scene.
    """
    from sciatic_atlas.anatomy.knowledge import load_knowledge
    from sciatic_atlas.anatomy.sources_rank import consult_data, rank_sources, short_disclaimer

    if views is None:
        from sciatic_atlas.render.painmap_view import render_painmap_views

        views = [Picture(label, img) for label, img in render_painmap_views(model, painmap)]
    if stretch_images is None:
        stretch_images = stretch_pictures(model, painmap.side)
    data = consult_data()
    steps = {k: v["steps"] for k, v in data["stretches"].items()}
    stretches = load_knowledge().clinical["stretches"].items
    sheet = _Sheet()
    _page_map(sheet, painmap, views, rank_sources(model, painmap), short_disclaimer())
    _page_stretches(sheet, stretches, steps, " ".join(data["stretch_safety"].split()), stretch_images)
    return bytes(sheet.pdf.output())


def write_handout(model, painmap: PainMap, path: Path | str) -> Path:
    """Write the take-home sheet of ``painmap`` to ``path`` (PDF, atomically)."""
    path = Path(path)
    pdf = handout_pdf(model, painmap)
    write_atomic(path, pdf)
    log.info("wrote %s (%d bytes)", path, len(pdf))
    return path
