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


def test_only_the_anatomy_layer_reads_the_raw_model_record():
    # Everything above anatomy/ reads the typed model (structure(), bodies, joints,
    # variant_groups, find_landmark, has_centreline): model.json's layout stays in anatomy/.
    import ast
    from pathlib import Path

    import sciatic_atlas

    root = Path(sciatic_atlas.__file__).parent
    readers = []
    for layer in ("scenes", "render", "app"):
        for path in sorted((root / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr in ("record", "structure_info", "_record") \
                        and "model" in ast.unparse(node.value):
                    readers.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    assert not readers, readers
