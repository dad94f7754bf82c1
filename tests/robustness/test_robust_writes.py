"""Every file the program writes is written atomically, and the log lives in the user's own folder.

A failed write (a full disk, simulated by making the write raise) leaves the old file
exactly as it was and no temporary file behind.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from sciatic_atlas import fileio
from sciatic_atlas.app.cli import main
from sciatic_atlas.fileio import WriteError, atomic_path, write_bytes, write_text, write_with

OLD = b"\x89PNG old picture " * 9000  # an existing 156 KB file


@pytest.fixture
def old_file(tmp_path) -> Path:
    path = tmp_path / "picture.png"
    path.write_bytes(OLD)
    return path


def _disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _only(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_a_write_replaces_the_whole_file(old_file):
    write_text(old_file, "new")
    assert old_file.read_text() == "new" and _only(old_file) == ["picture.png"]


def test_a_full_disk_in_the_middle_of_a_write_leaves_the_old_file(old_file, monkeypatch):
    monkeypatch.setattr(os, "fsync", _disk_full)
    with pytest.raises(WriteError, match="No space left on device"):
        write_bytes(old_file, b"new" * 100_000)
    assert old_file.read_bytes() == OLD and _only(old_file) == ["picture.png"]


def test_a_failing_rename_leaves_the_old_file(old_file, monkeypatch):
    monkeypatch.setattr(fileio.os, "replace", _disk_full)
    with pytest.raises(WriteError):
        write_text(old_file, "new")
    assert old_file.read_bytes() == OLD and _only(old_file) == ["picture.png"]


def test_a_writer_that_fails_or_raises_leaves_the_old_file(old_file):
    def half_then_fail(tmp: Path):
        tmp.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(WriteError):
        write_with(old_file, half_then_fail)
    with pytest.raises(WriteError, match="could not be encoded"):
        write_with(old_file, lambda tmp: False)  # QPixmap.save's way of failing
    with pytest.raises(KeyboardInterrupt):
        with atomic_path(old_file) as tmp:
            tmp.write_bytes(b"half")
            raise KeyboardInterrupt
    assert old_file.read_bytes() == OLD and _only(old_file) == ["picture.png"]


def test_a_new_file_gets_the_usual_permissions_and_an_old_one_keeps_its_own(tmp_path, old_file):
    os.chmod(old_file, 0o640)
    write_text(old_file, "new")
    assert old_file.stat().st_mode & 0o777 == 0o640
    umask = os.umask(0o022)
    os.umask(umask)
    fresh = write_text(tmp_path / "fresh.txt", "x")
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="needs the /dev/full device")
def test_writing_to_a_device_writes_through_it_and_never_replaces_it():
    with pytest.raises(WriteError, match="No space left on device"):  # written through: the device answers
        write_text("/dev/full", "x")
    assert Path("/dev/full").is_char_device()


@pytest.mark.parametrize("command", [["schema"], ["describe", "--json"]])
def test_command_outputs_survive_a_full_disk(old_file, monkeypatch, capsys, command):
    monkeypatch.setattr(os, "fsync", _disk_full)
    assert main([*command, "-o", str(old_file)]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert old_file.read_bytes() == OLD and _only(old_file) == ["picture.png"]


def test_render_keeps_the_old_picture_when_the_disk_fills(old_file, monkeypatch, capsys):
    import sciatic_atlas.render as render

    def render_half(state, model, path, size, report=None):
        Path(path).write_bytes(b"\x89PNG half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(render, "render_png", render_half, raising=False)
    assert main(["render", "-o", str(old_file), "--size", "64x64"]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert old_file.read_bytes() == OLD and _only(old_file) == ["picture.png"]


def test_the_log_is_in_the_users_state_folder_never_a_shared_fixed_path(tmp_path, monkeypatch):
    from sciatic_atlas.app import log_file

    monkeypatch.delenv(log_file.LOG_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert log_file.log_path() == tmp_path / "state" / "sciatic-atlas" / "sciatic-atlas.log"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert log_file.log_path() == tmp_path / "home" / ".local" / "state" / "sciatic-atlas" / "sciatic-atlas.log"
    assert not str(log_file.log_path()).startswith("/tmp/sciatic-atlas")


def test_a_log_file_that_is_a_symlink_is_not_followed(tmp_path, monkeypatch):
    import logging

    from sciatic_atlas.app import log_file

    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    folder = tmp_path / "logs"
    folder.mkdir()
    (folder / "sciatic-atlas.log").symlink_to(target)
    monkeypatch.setenv(log_file.LOG_DIR_ENV, str(folder))
    assert log_file.log_to_file() is None
    logging.getLogger("sciatic_atlas.test").error("must not reach the victim")
    assert target.read_text() == "keep me"


def test_the_log_folder_is_private(tmp_path, monkeypatch):
    from sciatic_atlas.app import log_file

    monkeypatch.setenv(log_file.LOG_DIR_ENV, str(tmp_path / "new" / "logs"))
    path = log_file.log_to_file()
    assert path is not None and path.parent.stat().st_mode & 0o777 == 0o700
    assert path.stat().st_mode & 0o777 == 0o600
