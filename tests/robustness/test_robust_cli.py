"""The command line never prints a traceback: every mistake is one line naming what to do, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from sciatic_atlas.app.cli import main

from robust_samples import copy_data, no_traceback, run_cli


def _fails(args: list[str], capsys) -> str:
    status = main(args)
    err = capsys.readouterr().err
    assert status == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize("step, words", [("²", "bad --step"), ("٣", "bad --step"), ("9" * 5000, "at most 60 steps"),
                                         ("Step One", "bad --step")])
def test_render_refuses_odd_steps_before_rendering(tmp_path, capsys, step, words):
    err = _fails(["render", "piriformis", "--step", step, "-o", str(tmp_path / "x.png")], capsys)
    assert words in err and len(err) < 400
    assert not (tmp_path / "x.png").exists()


def test_render_into_a_path_under_a_file_says_so(tmp_path, capsys):
    blocker = tmp_path / "hostname"
    blocker.write_text("not a folder")
    err = _fails(["render", "-o", str(blocker / "x.png")], capsys)
    assert f"{blocker} is a file, not a folder" in err


def test_render_onto_an_existing_folder_says_so(tmp_path, capsys):
    err = _fails(["render", "-o", str(tmp_path)], capsys)
    assert "it is a folder" in err and not list(tmp_path.iterdir())


def test_render_refuses_other_picture_formats(tmp_path, capsys):
    err = _fails(["render", "-o", str(tmp_path / "x.jpg")], capsys)
    assert "name the file *.png" in err


def test_render_names_the_file_it_writes_when_png_is_added():
    from sciatic_atlas.app.commands.render import _out_path

    assert _out_path(Path("out/picture")) == Path("out/picture.png")
    assert _out_path(Path("picture.PNG")) == Path("picture.PNG")


@pytest.mark.parametrize("size", ["16x8192", "8192x16", "6145x100", "5000x5000", "15x100", "0x0", "12x"])
def test_render_refuses_sizes_the_offscreen_buffer_cannot_hold(tmp_path, capsys, size):
    err = _fails(["render", "-o", str(tmp_path / "x.png"), "--size", size], capsys)
    assert "bad --size" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", [["describe", "--json"], ["schema"]])
def test_a_full_disk_is_one_line(capsys, command):
    err = _fails([*command, "-o", "/dev/full"], capsys)
    assert "No space left on device" in err


def test_an_unexpected_error_is_one_line_and_a_log_entry(tmp_path, capsys, monkeypatch):
    from sciatic_atlas.app.commands import schema

    monkeypatch.setenv("SCIATIC_ATLAS_LOG_DIR", str(tmp_path / "logs"))

    def broken(args):
        raise RuntimeError("boom inside a command")

    monkeypatch.setattr(schema, "run", broken)
    status = main(["schema"])
    err = capsys.readouterr().err
    assert status == 3 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    log = tmp_path / "logs" / "sciatic-atlas.log"
    assert str(log) in err and "boom inside a command" in log.read_text() and "Traceback" in log.read_text()


def test_a_broken_views_file_does_not_break_the_other_commands(tmp_path):
    data = copy_data(tmp_path)
    (data / "views.yaml").write_text("views: [unclosed\n")
    for args in (["validate", "-q"], ["render", "--help"], ["describe", "--help"], ["--help"]):
        result = run_cli(*args, data=data)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr[-800:])
    result = run_cli("render", "--view", "posterior", "-o", str(tmp_path / "x.png"), data=data)
    no_traceback(result)
    assert result.returncode == 2 and "views.yaml" in result.stderr and "git checkout" in result.stderr
