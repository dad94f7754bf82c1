"""The data files the asset build reads (``sciatic_atlas/data/*.yaml``), each parsed once."""

from __future__ import annotations

import functools

from sciatic_atlas.anatomy.data_files import read_yaml
from sciatic_atlas.anatomy.paths import DATA_DIR


@functools.cache
def build_data(name: str) -> dict:
    """Return the parsed data file ``name`` (e.g. ``"vessels.yaml"``); errors name the file and the fix."""
    return read_yaml(DATA_DIR / name)
