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
