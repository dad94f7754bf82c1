"""Where the program writes its log: the platform's per-user log folder, never a shared fixed path.

Linux: ``$XDG_STATE_HOME/sciatic-atlas`` (default ``~/.local/state/sciatic-atlas``);
macOS: ``~/Library/Logs/sciatic-atlas``; Windows: ``%LOCALAPPDATA%/sciatic-atlas/logs``.
``$SCIATIC_ATLAS_LOG_DIR`` overrides it. The folder is created private to the user
(mode 0700), and a log file that is a symbolic link is not followed. Computed without
Qt, so the command line and the window log to the same file and the command line
starts fast.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

LOG_DIR_ENV = "SCIATIC_ATLAS_LOG_DIR"
LOG_NAME = "sciatic-atlas.log"

log = logging.getLogger(__name__)


def log_dir() -> Path:
    """Return the per-user folder for the log file (not created)."""
    override = os.environ.get(LOG_DIR_ENV)
    if override:
        return Path(override)
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else home / "AppData" / "Local") / "sciatic-atlas" / "logs"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / "sciatic-atlas"
    state = os.environ.get("XDG_STATE_HOME")
    return (Path(state) if state and Path(state).is_absolute() else home / ".local" / "state") / "sciatic-atlas"


def log_path() -> Path:
    """Return the log file's path."""
    return log_dir() / LOG_NAME


def _file_handler(path: Path) -> logging.Handler | None:
    for handler in logging.getLogger("sciatic_atlas").handlers:
        if getattr(handler, "baseFilename", None) == str(path.absolute()):
            return handler
    return None


def log_exception_to_file(message: str, exc: BaseException) -> Path | None:
    """Write ``message`` and the traceback of ``exc`` to the log file only (not to the terminal).

    Returns
    -------
    Path or None
        The log file, or None when it cannot be written.
    """
    path = log_to_file()
    handler = _file_handler(path) if path is not None else None
    if handler is None:
        return None
    record = logging.getLogger("sciatic_atlas").makeRecord(
        "sciatic_atlas", logging.ERROR, __file__, 0, message, (), (type(exc), exc, exc.__traceback__))
    handler.handle(record)
    return path


def log_to_file(path: Path | None = None) -> Path | None:
    """Also write warnings and errors of the program to the log file; return it (None if impossible).

    Parameters
    ----------
    path : Path, optional
        The log file (default: :func:`log_path`).
    """
    path = Path(path) if path is not None else log_path()
    root = logging.getLogger("sciatic_atlas")
    if _file_handler(path) is not None:
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.is_symlink():
            log.warning("not logging to %s: it is a symbolic link", path)
            return None
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        os.close(os.open(path, flags, 0o600))  # create it private; refuse a link swapped in meanwhile
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        log.debug("cannot open the log file %s: %s", path, exc)
        return None
    handler.setLevel(logging.WARNING)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return path
