"""Atomic file writes: a temporary file in the same folder, flushed, then renamed over the target.

A failed write (a full disk, a killed process, a picture that could not be encoded)
never leaves the target half-written: either the old file stays as it was, or the
new one is complete. Used by every layer that writes a file (the command line,
the window's pictures, the asset build); it needs only the standard library.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


class WriteError(OSError):
    """A file could not be written; the message names the file and why, for the user as it stands."""


def _describe(path: Path, exc: OSError) -> str:
    return f"cannot write {path}: {exc.strerror or exc}"


def check_target(path: str | os.PathLike) -> Path:
    """Return ``path`` as a Path after checking it can name a file to write.

    Raises
    ------
    WriteError
        When ``path`` is an existing folder, or its parent exists but is not a folder.
    """
    path = Path(path)
    if path.exists() and not path.is_dir() and not path.is_file():
        raise WriteError(f"cannot write {path}: it is not a regular file (a device or a pipe)")
    if path.is_dir():
        raise WriteError(f"cannot write {path}: it is a folder; give a file name inside it, e.g. {path / 'out.png'}")
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise WriteError(f"cannot write {path}: {parent} is a file, not a folder")
            break
    return path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, make_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; when the block succeeds, move it onto ``path``.

    The caller writes the whole file to the yielded path (by any means, e.g. a library
    that only takes a file name). If the block raises, the temporary file is removed and
    ``path`` is untouched.

    Parameters
    ----------
    path : path-like
        The file to (re)place.
    make_parents : bool
        Create missing parent folders first.

    Raises
    ------
    WriteError
        When the folder cannot be written or the rename fails.
    """
    path = check_target(path)
    folder = path.parent
    try:
        if make_parents:
            folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp" + path.suffix, dir=folder)
        os.close(fd)
    except OSError as exc:
        raise WriteError(_describe(path, exc)) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        if not tmp.is_file():
            raise WriteError(f"cannot write {path}: nothing was written")
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _remove(tmp)
        if isinstance(exc, WriteError):
            raise
        raise WriteError(_describe(path, exc)) from None
    except BaseException:
        _remove(tmp)
        raise


def _is_special(path: Path) -> bool:
    try:
        return path.exists() and not path.is_dir() and not path.is_file()
    except OSError:
        return False


def _keep_mode(path: Path, tmp: Path) -> None:
    """Give the new file the old one's permissions, else the usual ones (mkstemp makes it 0600)."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(tmp, mode)


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def write_bytes(path: str | os.PathLike, data: bytes, make_parents: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically (flushed to disk before the rename); return the path.

    A device or pipe (``/dev/stdout``) is not replaced but written to directly.
    """
    if _is_special(Path(path)):
        try:
            with open(path, "wb") as fh:
                fh.write(data)
        except OSError as exc:
            raise WriteError(_describe(Path(path), exc)) from None
        return Path(path)
    with atomic_path(path, make_parents) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(path)


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8", make_parents: bool = False) -> Path:
    """Write ``text`` to ``path`` atomically; return the path."""
    return write_bytes(path, text.encode(encoding), make_parents)


def write_with(path: str | os.PathLike, writer: Callable[[Path], object], make_parents: bool = False) -> Path:
    """Call ``writer(tmp_path)`` to write the whole file, then move it onto ``path`` atomically.

    ``writer`` may return False to say it failed (as ``QPixmap.save`` does); the
    target is then left untouched and :class:`WriteError` is raised.
    """
    with atomic_path(path, make_parents) as tmp:
        if writer(tmp) is False:
            raise WriteError(f"cannot write {path}: the picture could not be encoded or saved")
    return Path(path)
