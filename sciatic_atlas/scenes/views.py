"""The named camera views of ``data/views.yaml``, read once, for the scenes and render layers.

Only the records are read here (no camera maths): the scene layer needs a view's label and
which structures its default state shows; :mod:`sciatic_atlas.render.cameras` turns a view
into a camera.
"""

from __future__ import annotations

import functools

from sciatic_atlas.anatomy.data_files import read_yaml_mapping
from sciatic_atlas.anatomy.paths import DATA_DIR

VIEWS_FILE = DATA_DIR / "views.yaml"
SIDES = ("left", "right", "both")


class UnknownViewError(ValueError):
    """A view or side name that ``data/views.yaml`` does not define; names the valid ones."""


@functools.cache
def views_file() -> dict:
    """Return the parsed views file (read once); a broken file names itself and the fix."""
    return read_yaml_mapping(VIEWS_FILE, required={"views": dict, "defaults": dict})


def view_names() -> list[str]:
    """Return the names of every camera preset, in file order."""
    return list(views_file()["views"])


def view_spec(name: str) -> dict:
    """Return a preset's record (with the file's defaults), raising :class:`UnknownViewError`."""
    views = views_file()["views"]
    if name not in views:
        raise UnknownViewError(f"unknown view '{name}'; valid views: {', '.join(views)}")
    return {**views_file()["defaults"], **views[name]}


def check_side(side: str) -> str:
    """Return ``side`` if it is left, right or both; else raise :class:`UnknownViewError`."""
    if side not in SIDES:
        raise UnknownViewError(f"unknown side '{side}'; valid sides: {', '.join(SIDES)}")
    return side
