"""Read the bundled data files (YAML) and built assets (JSON, NPZ) safely, with errors a user can act on.

Every failure (missing, unreadable, not UTF-8, not valid YAML/JSON, a zip that is
corrupt, arrays of the wrong kind) becomes :class:`AtlasDataError` whose message names
the file, what is wrong and how to get a good copy back: data files come with the
package (restore or reinstall), assets are rebuilt (``sciatic-atlas build-assets``).
No parser's internal advice (such as NumPy's ``allow_pickle``) reaches the user.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.paths import DATA_HINT, REBUILD_HINT

_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _where(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def _read_text(path: Path, hint: str, what: str) -> str:
    """Return a file's UTF-8 text, raising :class:`AtlasDataError` naming the file and ``hint``."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise AtlasDataError(f"missing {what} {path}: {hint}") from None
    except OSError as exc:
        raise AtlasDataError(f"cannot read {path} ({exc.strerror or exc}): {hint}") from None
    except UnicodeDecodeError as exc:
        raise AtlasDataError(f"{path} is not UTF-8 text (byte {exc.start}): {hint}") from None


def read_yaml(path: Path, hint: str = DATA_HINT) -> Any:
    """Return the data of one YAML file read with the safe loader.

    Raises
    ------
    AtlasDataError
        If the file is missing, unreadable, not UTF-8 or not valid YAML; the message
        names the file and ``hint`` (how to get a good copy).
    """
    text = _read_text(path, hint, "data file")
    try:
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - the safe loader
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise AtlasDataError(f"{path} is not valid YAML{_where(exc)} ({problem}): {hint}") from None
    except (RecursionError, ValueError, TypeError) as exc:
        raise AtlasDataError(f"{path} cannot be read ({exc.__class__.__name__}): {hint}") from None


def read_yaml_mapping(path: Path, key: str | None = None, hint: str = DATA_HINT,
                      required: dict[str, type] | None = None) -> dict:
    """Return a YAML file's top-level mapping (or the mapping under ``key``).

    Parameters
    ----------
    required : dict, optional
        Keys the mapping must hold, each with the type of its value (``dict``, ``list``).

    Raises
    ------
    AtlasDataError
        As :func:`read_yaml`, or when the file (or ``key``) does not hold a mapping
        with the ``required`` keys.
    """
    data = read_yaml(path, hint)
    if key is not None:
        data = data.get(key) if isinstance(data, dict) else None
    if not isinstance(data, dict):
        what = f"'{key}:' with a mapping" if key else "a mapping (key: value)"
        raise AtlasDataError(f"{path} does not hold {what}: {hint}")
    for name, kind in (required or {}).items():
        if not isinstance(data.get(name), kind):
            what = "a mapping" if kind is dict else "a list" if kind is list else kind.__name__
            raise AtlasDataError(f"{path} has no '{name}:' with {what}: {hint}")
    return data


def read_json(path: Path, hint: str = REBUILD_HINT) -> Any:
    """Return the data of a JSON file (an asset), raising :class:`AtlasDataError` naming it and the fix."""
    text = _read_text(path, hint, "file")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AtlasDataError(f"{path} is not valid JSON at line {exc.lineno}, column {exc.colno} "
                             f"({exc.msg}): {hint}") from None
    except (RecursionError, ValueError) as exc:
        raise AtlasDataError(f"{path} cannot be read ({exc.__class__.__name__}): {hint}") from None


def read_npz(path: Path, names: tuple[str, ...], hint: str = REBUILD_HINT,
             every: bool = False, kind: str = "file") -> dict[str, np.ndarray]:
    """Return the named arrays (numbers or text) of a ``.npz`` file; with ``every``, all of its arrays.

    Object arrays are refused (never unpickled), and so are missing names. ``kind``
    names the file in messages ("mesh file").

    Raises
    ------
    AtlasDataError
        If the file is missing, not a valid ``.npz``, or lacks a numeric array ``names``.
    """
    path = Path(path)
    if not path.is_file():
        raise AtlasDataError(f"missing {kind} {path}: {hint}")
    try:
        with open(path, "rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                raise AtlasDataError(f"corrupt {kind} {path} (not a .npz archive: the start is damaged): {hint}")
    except OSError as exc:
        raise AtlasDataError(f"cannot read {path} ({exc.strerror or exc}): {hint}") from None
    try:
        with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as data:  # closed even when np.load fails
            missing = [n for n in names if n not in data.files]
            if missing:
                raise AtlasDataError(f"corrupt {kind} {path} (no {', '.join(missing)} array): {hint}")
            arrays = {n: np.asarray(data[n]) for n in (data.files if every else names)}
    except AtlasDataError:
        raise
    except ValueError as exc:
        why = "it holds Python objects, not numbers" if "pickle" in str(exc) else "its arrays cannot be read"
        raise AtlasDataError(f"corrupt {kind} {path} ({why}): {hint}") from None
    except Exception:  # noqa: BLE001 - BadZipFile, EOFError, zlib.error... from damaged bytes
        raise AtlasDataError(f"corrupt {kind} {path} (the archive is damaged): {hint}") from None
    for name, array in arrays.items():
        if array.dtype.kind not in "biufU":
            raise AtlasDataError(f"corrupt {kind} {path} ('{name}' holds neither numbers nor text): {hint}")
    return arrays
