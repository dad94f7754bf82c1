"""Where the package finds its bundled data, assets and scene library.

An installed wheel carries ``assets/`` as ``sciatic_atlas/_assets`` and ``scenes/``
as ``sciatic_atlas/_scenes``; a source checkout (editable install) reads the
top-level folders of the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_ENV = "SCIATIC_ATLAS_DATA"
# ``$SCIATIC_ATLAS_DATA`` names another data folder (read once, at import): for tests that
# corrupt a copy of the data, and for trying edited data without touching the package.
DATA_DIR = Path(os.environ.get(DATA_ENV) or PACKAGE_DIR / "data")


def _first_existing(*candidates: Path) -> Path:
    for path in candidates:
        if path.is_dir():
            return path
    return candidates[-1]


ASSETS_ENV = "SCIATIC_ATLAS_ASSETS"


def assets_dir() -> Path:
    """Return the folder holding ``meshes/`` and ``model.json``.

    ``$SCIATIC_ATLAS_ASSETS`` overrides it (a freshly built folder, for development).
    """
    override = os.environ.get(ASSETS_ENV)
    if override:
        return Path(override)
    return _first_existing(PACKAGE_DIR / "_assets", PACKAGE_DIR.parent / "assets")


def meshes_dir() -> Path:
    """Return the folder of built meshes, one ``<structure_id>.npz`` each."""
    return assets_dir() / "meshes"


def scenes_dir() -> Path:
    """Return the folder of the bundled scene library."""
    return _first_existing(PACKAGE_DIR / "_scenes", PACKAGE_DIR.parent / "scenes")


REBUILD_HINT = "rebuild it with `pip install -e .[build] && sciatic-atlas build-assets`"
DATA_HINT = ("it is a bundled data file: restore it from the source (`git checkout sciatic_atlas/data`) "
             "or reinstall the package (`pip install --force-reinstall sciatic-atlas`)")
