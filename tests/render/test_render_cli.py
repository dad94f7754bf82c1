"""``sciatic-atlas render`` end to end, in a subprocess, on the synthetic model."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from PIL import Image
from subproc import source_env


def _render(args, assets, tmp_path):
    env = source_env(SCIATIC_ATLAS_ASSETS=str(assets))
    return subprocess.run([sys.executable, "-m", "sciatic_atlas", "render", *args], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)


def test_render_writes_a_png_of_the_requested_size(toy_model, tmp_path):
    out = tmp_path / "plates" / "glute.png"
    proc = _render(["-o", str(out), "--view", "gluteal", "--side", "left", "--size", "160x120"],
                   toy_model.folder, tmp_path)
    assert proc.returncode == 0, proc.stderr
    with Image.open(out) as img:
        assert img.size == (160, 120)
        colours = img.convert("RGB").getcolors(maxcolors=160 * 120)
    assert len(colours) > 20  # shaded geometry, not a blank image


@pytest.mark.parametrize(("args", "message"), [
    (["--view", "upside"], "unknown view 'upside'; valid views: posterior, anterior, lateral"),
    (["--side", "middle"], "unknown side 'middle'; valid sides: left, right, both"),
    (["--size", "big"], "bad --size 'big'"),
])
def test_bad_options_give_one_clear_line(toy_model, tmp_path, args, message):
    proc = _render(["-o", str(tmp_path / "x.png"), *args], toy_model.folder, tmp_path)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.png").exists()


@pytest.mark.parametrize("damage", ["missing", "corrupt"])
def test_missing_or_corrupt_mesh_names_the_file_and_the_fix(toy_model, tmp_path, damage):
    assets = tmp_path / "assets"
    shutil.copytree(toy_model.folder, assets)
    mesh = assets / "meshes" / "femur_r.npz"
    if damage == "missing":
        mesh.unlink()
    else:
        mesh.write_bytes(b"not a zip file")
    proc = _render(["-o", str(tmp_path / "x.png"), "--size", "64x64"], assets, tmp_path)
    # A missing or damaged mesh leaves a hole and a warning naming the file (issue 15).
    assert proc.returncode == 0
    assert (tmp_path / "x.png").stat().st_size > 0
    assert f"{damage} mesh file" in proc.stderr and "femur_r.npz" in proc.stderr
    assert "build-assets" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("cores, preset, expected", [(2, None, "0"), (1, None, "0"), (8, None, None), (2, "4", "4")])
def test_the_cpu_rasteriser_runs_in_the_calling_thread_on_a_small_machine(monkeypatch, cores, preset, expected):
    from sciatic_atlas.app.commands import render

    monkeypatch.setattr(render.os, "cpu_count", lambda: cores)
    monkeypatch.delenv("LP_NUM_THREADS", raising=False)
    if preset is not None:
        monkeypatch.setenv("LP_NUM_THREADS", preset)  # the user's own setting wins
    render._headless_window()
    assert render.os.environ.get("LP_NUM_THREADS") == expected
