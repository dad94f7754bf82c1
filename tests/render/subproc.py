"""Run a fresh interpreter on the source tree under test (not whatever is installed)."""

from __future__ import annotations

import os

import sciatic_atlas

SOURCE_ROOT = os.path.dirname(os.path.dirname(sciatic_atlas.__file__))


def source_env(**extra: str) -> dict[str, str]:
    """Return ``os.environ`` with the tested package first on ``PYTHONPATH``, plus ``extra``."""
    path = os.pathsep.join(filter(None, [SOURCE_ROOT, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}
