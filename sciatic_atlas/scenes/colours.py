"""Colours a scene file may write: ``#rrggbb``, ``[r, g, b]`` in 0..1, or a palette name.

The named palette is Okabe & Ito's colour-blind-safe set (Okabe M, Ito K. Color
Universal Design, 2008, https://jfly.uni-koeln.de/color/) plus a few anatomy
colours, so scene authors pick distinguishable colours by name.
"""

from __future__ import annotations

import re

from pydantic_core import PydanticCustomError

NAMED_COLOURS: dict[str, str] = {
    # Okabe-Ito
    "black": "#000000",
    "orange": "#e69f00",
    "sky_blue": "#56b4e9",
    "bluish_green": "#009e73",
    "yellow": "#f0e442",
    "blue": "#0072b2",
    "vermillion": "#d55e00",
    "reddish_purple": "#cc79a7",
    # anatomy plates
    "white": "#ffffff",
    "grey": "#8c8c8c",
    "bone": "#e8dcc0",
    "muscle": "#b04a3c",
    "nerve": "#f2d23c",
    "alert": "#e0301e",
    "disc": "#9fc5d8",
}

_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def parse_colour(value):
    """Return ``value`` as an ``(r, g, b)`` tuple in 0..1.

    Raises
    ------
    PydanticCustomError
        If ``value`` is not a hex string, a palette name or three numbers in 0..1.
    """
    if isinstance(value, str):
        text = NAMED_COLOURS.get(value.strip().lower(), value.strip())
        match = _HEX.match(text)
        if match:
            digits = match.group(1)
            return tuple(int(digits[i:i + 2], 16) / 255.0 for i in (0, 2, 4))
        raise PydanticCustomError("colour", "'{value}' is not a colour",
                                  {"value": value[:40], "fix": "write '#rrggbb', [r, g, b] in 0..1, or one of "
                                                               + ", ".join(sorted(NAMED_COLOURS))})
    if isinstance(value, (list, tuple)) and len(value) == 3 and all(
            isinstance(c, (int, float)) and not isinstance(c, bool) and 0.0 <= c <= 1.0 for c in value):
        return tuple(float(c) for c in value)
    raise PydanticCustomError("colour", "not a colour",
                              {"fix": "write '#rrggbb', [r, g, b] with each number in 0..1, or a palette name"})
