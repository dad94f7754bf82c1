"""Fixtures for the consult-mode window tests: the X display of pytest-xvfb."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def x_display():
    """Draw into the X display pytest-xvfb provides (not EGL); skip without one.

    As in ``tests/app/conftest.py``: VTK reads ``VTK_DEFAULT_OPENGL_WINDOW`` at each
    window creation, and a Qt window needs an X OpenGL window.
    """
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display: install pytest-xvfb or run under xvfb-run")
    saved = os.environ.pop("VTK_DEFAULT_OPENGL_WINDOW", None)
    yield os.environ["DISPLAY"]
    if saved is not None:
        os.environ["VTK_DEFAULT_OPENGL_WINDOW"] = saved
