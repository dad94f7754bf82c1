"""Shared fixtures: an offscreen plotter that always closes, and a leak check."""

from __future__ import annotations

import gc
import os

import pytest

# With no display, ask VTK for its EGL window directly rather than trying X first
# (which prints a warning on every plotter).
if not os.environ.get("DISPLAY"):
    os.environ.setdefault("VTK_DEFAULT_OPENGL_WINDOW", "vtkEGLRenderWindow")


def _plotting_objects() -> dict[int, object]:
    from pyvista.plotting.plotter import BasePlotter
    from pyvista.plotting.renderer import Renderer

    return {id(o): o for o in gc.get_objects() if isinstance(o, (BasePlotter, Renderer))}


@pytest.fixture
def check_gc(request):
    """Fail when a plotter or renderer made during the test outlives it.

    Follows pyvistaqt's ``check_gc`` (tests/conftest.py), narrowed to plotters and
    renderers: meshes the render layer caches on purpose (normals) are not leaks.
    """
    gc.collect()
    before = set(_plotting_objects())
    yield
    # The test's own argument dict still holds its fixtures' values until pytest drops it.
    request.node.funcargs.clear()
    gc.collect()
    leaked = [type(o).__name__ for i, o in _plotting_objects().items() if i not in before]
    assert not leaked, f"still referenced after the test: {leaked} (a leak in the render code)"


def _offscreen_plotter():
    import pyvista as pv

    plotter = pv.Plotter(off_screen=True, window_size=[200, 200])
    try:
        yield plotter
    finally:
        plotter.close()


@pytest.fixture
def plotter(check_gc):
    """Yield a 200x200 offscreen plotter and always close it (then ``check_gc`` runs)."""
    yield from _offscreen_plotter()


@pytest.fixture
def second_plotter(check_gc):
    """Yield another 200x200 offscreen plotter (two views side by side), closed like ``plotter``."""
    yield from _offscreen_plotter()


@pytest.fixture(scope="session")
def x_display():
    """Draw the window on the X display that pytest-xvfb provides, not into EGL.

    This file asks VTK for EGL windows (above) when the interpreter started without a
    display; pytest-xvfb sets ``DISPLAY`` only after that, and a Qt window needs an X
    OpenGL window. VTK reads the variable at each window creation.
    """
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs a display: install pytest-xvfb or run under xvfb-run")
    saved = os.environ.pop("VTK_DEFAULT_OPENGL_WINDOW", None)
    yield os.environ["DISPLAY"]
    if saved is not None:
        os.environ["VTK_DEFAULT_OPENGL_WINDOW"] = saved
