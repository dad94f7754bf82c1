"""The layers import only downwards: checked in fresh interpreters."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("sciatic_atlas.anatomy", ("vtk", "pyvista", "PyQt5", "pyvistaqt")),
        ("sciatic_atlas.scenes", ("vtk", "pyvista", "PyQt5", "pyvistaqt")),
        ("sciatic_atlas.render", ("PyQt5", "pyvistaqt")),
    ],
)
def test_layer_imports_nothing_from_above(module, forbidden):
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        f"bad = [m for m in {forbidden!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"{module} pulls in {out.stdout.strip()}"


def test_import_linter_contracts_hold():
    from importlinter.cli import lint_imports

    assert lint_imports(no_cache=True) == 0


def test_the_view_and_its_qt_free_helpers_import_no_qt():
    # AtlasView and the helpers that moved down from app/ (picking, side labels, camera path)
    # are render code: the window uses them, they never pull Qt in.
    modules = ("sciatic_atlas.render.view", "sciatic_atlas.render.picking",
               "sciatic_atlas.render.viewport_decor", "sciatic_atlas.render.camera_path")
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(','.join(m for m in ('PyQt5', 'pyvistaqt') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"the view helpers pull in {out.stdout.strip()}"
