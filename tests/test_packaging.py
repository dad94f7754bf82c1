"""A non-editable install finds its bundled data, assets and scenes."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build a wheel of the checkout and install it (without dependencies) into a folder."""
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp), str(ROOT)],
        check=True, capture_output=True,
    )
    wheel = next(tmp.glob("sciatic_atlas-*.whl"))
    target = tmp / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True, capture_output=True,
    )
    return target


def test_installed_package_reads_its_own_assets(installed, tmp_path):
    code = (
        "from sciatic_atlas.anatomy.paths import assets_dir, DATA_DIR\n"
        "from sciatic_atlas.anatomy.model import load_model\n"
        "m = load_model()\n"
        "sid = m.structure_ids[0]\n"
        "print(assets_dir())\n"
        "print(len(m.structure_ids), m.mesh(sid).n_triangles)\n"
        "print((DATA_DIR / 'model_map.yaml').is_file())\n"
    )
    env = {"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True)
    where, counts, has_data = out.stdout.split("\n")[:3]
    assert Path(where).is_relative_to(installed), where
    n_structures, n_triangles = map(int, counts.split())
    assert n_structures >= 22 and n_triangles > 0
    assert has_data == "True"
