"""Fixtures of the robustness tests."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(autouse=True)
def _no_lasting_log_file():
    """Close any log file a test opened (the command line's last guard opens one)."""
    root = logging.getLogger("sciatic_atlas")
    before = list(root.handlers)
    yield
    for handler in [h for h in root.handlers if h not in before]:
        root.removeHandler(handler)
        handler.close()
