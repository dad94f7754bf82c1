"""Shared material of the robustness tests: a valid library scene to mutate, and copies of data/assets."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from sciatic_atlas.anatomy.paths import DATA_DIR, assets_dir, scenes_dir

SOURCE_ROOT = Path(__file__).resolve().parents[2]
PIRIFORMIS = scenes_dir() / "03-piriformis.yaml"


def good_scene() -> dict:
    """Return the data of a valid library scene (it uses groups, landmarks, compressions, labels)."""
    return yaml.safe_load(PIRIFORMIS.read_text(encoding="utf-8"))


def dump(data: dict) -> str:
    """Return ``data`` as YAML text."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def copy_data(tmp: Path) -> Path:
    """Copy the bundled data folder into ``tmp``; return the copy (the real files are never touched)."""
    return Path(shutil.copytree(DATA_DIR, tmp / "data"))


def copy_assets(tmp: Path, meshes: tuple[str, ...] | None = None) -> Path:
    """Copy ``model.json``, ``skin_coords.npz`` and the meshes (all, or only ``meshes``) into ``tmp``."""
    src = assets_dir()
    out = tmp / "assets"
    (out / "meshes").mkdir(parents=True)
    for name in ("model.json", "skin_coords.npz"):
        shutil.copy2(src / name, out / name)
    for mesh in (src / "meshes").iterdir():
        if meshes is None or mesh.stem in meshes:
            shutil.copy2(mesh, out / "meshes" / mesh.name)
    return out


def run_cli(*args: str, data: Path | None = None, assets: Path | None = None, cwd: Path | None = None,
            log_dir: Path | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """Run ``sciatic-atlas ARGS`` in a fresh interpreter on the source tree, optionally on copied data/assets."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SOURCE_ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("SCIATIC_ATLAS_DATA", None)
    if data is not None:
        env["SCIATIC_ATLAS_DATA"] = str(data)
    if assets is not None:
        env["SCIATIC_ATLAS_ASSETS"] = str(assets)
    if log_dir is not None:
        env["SCIATIC_ATLAS_LOG_DIR"] = str(log_dir)
    return subprocess.run([sys.executable, "-m", "sciatic_atlas.app", *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=timeout)


def no_traceback(result: subprocess.CompletedProcess) -> None:
    """Assert that a command ended without a traceback or an internal error."""
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "internal error" not in result.stderr, result.stderr[-2000:]
