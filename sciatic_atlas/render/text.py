"""Text measured with the font VTK draws it in: sizes and wrapping by real glyph metrics.

VTK's text renderer (FreeType) gives the pixel box of a string in a text property, so
narration, titles and labels are wrapped to the width they really take and never run
past the picture's edge, whatever its size.
"""

from __future__ import annotations

import functools

DPI = 72  # VTK's default: a font size of N is N pixels high


def style(prop, size_px: int, bold: bool = False) -> None:
    """Set a VTK text property to the atlas font at ``size_px`` pixels."""
    prop.SetFontFamilyToArial()
    prop.SetFontSize(int(size_px))
    prop.SetBold(bool(bold))
    prop.SetItalic(False)
    prop.SetShadow(False)
    prop.SetLineSpacing(1.15)


@functools.lru_cache(maxsize=4096)
def text_size(text: str, size_px: int, bold: bool = False) -> tuple[int, int]:
    """Return the (width, height) in pixels that ``text`` takes when drawn at ``size_px``."""
    from vtkmodules.vtkRenderingCore import vtkTextProperty, vtkTextRenderer
    import vtkmodules.vtkRenderingFreeType  # noqa: F401 - registers the FreeType text renderer

    prop = vtkTextProperty()
    style(prop, size_px, bold)
    box = [0, 0, 0, 0]
    renderer = vtkTextRenderer.GetInstance()
    if not text or not renderer.GetBoundingBox(prop, text, box, DPI):
        return (0, int(size_px)) if not text else (int(0.6 * size_px * len(text)), int(1.2 * size_px))
    return box[1] - box[0] + 1, box[3] - box[2] + 1


def wrap(text: str, size_px: int, width_px: int, bold: bool = False) -> str:
    """Return ``text`` with line breaks so that no line is wider than ``width_px`` when drawn.

    Words are kept whole; a single word wider than the line is broken at the characters
    that still fit (so nothing is ever clipped).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}" if line else word
            if text_size(trial, size_px, bold)[0] <= width_px:
                line = trial
                continue
            if line:
                lines.append(line)
            while text_size(word, size_px, bold)[0] > width_px and len(word) > 1:
                cut = len(word) - 1
                while cut > 1 and text_size(word[:cut], size_px, bold)[0] > width_px:
                    cut -= 1
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return "\n".join(lines)
