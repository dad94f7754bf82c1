"""The patient's pain map: marks of pain or numbness on the skin, read and written as JSON.

This module owns the file format documented in ``docs/painmap-format.md``: the
:class:`PainMap` and :class:`Mark` records, strict validation of files that may come
from other tools (every problem named with its file, place and fix), and atomic
saving. Pure data: the standard library only; where a mark lies on the skin is
worked out in :mod:`sciatic_atlas.anatomy.painmap_skin`.

A mark is either a named skin region (``data/skin_regions.yaml``, the region names of
``describe --json``) or a point on the skin in world millimetres with a radius.
Nothing here needs or stores a patient identifier; the optional clinician ``note`` is
whatever the user types.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sciatic_atlas.anatomy.errors import AtlasDataError

FORMAT = 1
KINDS = ("pain", "numbness")
SIDES = ("left", "right")
MAX_BYTES = 4 * 1024 * 1024  # a hand-drawn map is a few kB; a brush session a few hundred kB
MAX_MARKS = 20000
MAX_DEPTH = 16  # nesting of arrays/objects anywhere in the file
MAX_TEXT = 4000  # characters in a note
MAX_COORD_MM = 5000.0  # |x|, |y|, |z|: the body is about 2 m tall
RADIUS_MM = (1.0, 300.0)
DEFAULT_RADIUS_MM = 20.0
MAX_INT_DIGITS = 12
FIX_DOC = "see docs/painmap-format.md"


class PainMapError(AtlasDataError):
    """A pain-map file that cannot be read; the message lists every problem with its fix.

    Attributes
    ----------
    issues : list of str
        One line per problem: ``FILE: PLACE: what is wrong — fix``.
    """

    def __init__(self, issues: list[str]):
        self.issues = list(issues)
        super().__init__("\n".join(self.issues))


@dataclass(frozen=True)
class Mark:
    """One mark: a named region or a point (mm, world frame) with a radius (mm).

    Exactly one of ``region`` and ``point`` is set. ``intensity`` is 0..10.
    """

    kind: str
    intensity: float
    region: str | None = None
    point: tuple[float, float, float] | None = None
    radius: float = DEFAULT_RADIUS_MM
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict:
        """Return the mark as it is written to the file."""
        out: dict = dict(self.extra)
        if self.region is not None:
            out["region"] = self.region
        else:
            out["point"] = [round(float(c), 2) for c in self.point]
            out["radius"] = round(float(self.radius), 2)
        out["kind"] = self.kind
        out["intensity"] = int(self.intensity) if float(self.intensity).is_integer() else float(self.intensity)
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class PainMap:
    """A pain map: the side drawn on, the marks, and the clinician's optional date and note."""

    side: str = "right"
    marks: tuple[Mark, ...] = ()
    date: str | None = None  # ISO date, YYYY-MM-DD
    note: str = ""
    extra: dict = field(default_factory=dict, compare=False)  # other tools' fields, kept on save

    def to_dict(self) -> dict:
        """Return the map as it is written to the file (``format`` first)."""
        out: dict = {"format": FORMAT, "side": self.side}
        if self.date:
            out["date"] = self.date
        if self.note:
            out["note"] = self.note
        out.update({k: v for k, v in self.extra.items() if k not in out and k != "marks"})
        out["marks"] = [m.to_dict() for m in self.marks]
        return out


# ---------------------------------------------------------------- reading


def _no_constant(name: str):
    raise ValueError(f"'{name}' is not a number JSON allows; write a finite number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too large; write a finite number")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"the number {text[:20]}... has more than {MAX_INT_DIGITS} digits")
    return int(text)


def _unique_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key '{key[:40]}' appears twice in one object; keep one")
        out[key] = value
    return out


def _depth(value, limit: int) -> int:
    """Return the nesting depth of ``value`` (iteratively; stops counting past ``limit``)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, d + 1) for c in children)
    return deepest


def parse_json(text: str, where: str):
    """Parse JSON text strictly: finite numbers, short integers, unique keys, bounded nesting.

    Raises
    ------
    PainMapError
        Naming ``where`` and the line and column of a syntax error.
    """
    try:
        data = json.loads(text, parse_float=_float, parse_int=_int, parse_constant=_no_constant,
                          object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as exc:
        raise PainMapError([f"{where}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}) — "
                            f"fix the syntax there or save the map again from the atlas"]) from None
    except RecursionError:
        raise PainMapError([f"{where}: arrays or objects nested too deeply — a pain map nests at most "
                            f"{MAX_DEPTH} levels; {FIX_DOC}"]) from None
    except ValueError as exc:
        raise PainMapError([f"{where}: {exc}"]) from None
    if _depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise PainMapError([f"{where}: arrays or objects nested more than {MAX_DEPTH} levels deep — "
                            f"a pain map is flat; {FIX_DOC}"])
    return data


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value, place: str, issues: list[str], where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        issues.append(f"{where}: {place}: must be text, got {type(value).__name__} — write it in quotes")
        return ""
    if len(value) > MAX_TEXT:
        issues.append(f"{where}: {place}: {len(value)} characters, more than {MAX_TEXT} — shorten it")
        return ""
    return value


def _mark(raw, i: int, regions, issues: list[str], where: str) -> Mark | None:
    place = f"marks[{i}]"
    if not isinstance(raw, dict):
        issues.append(f"{where}: {place}: must be an object like "
                      f'{{"region": "foot_dorsum", "kind": "pain", "intensity": 5}}, got {type(raw).__name__}')
        return None
    n = len(issues)
    kind = raw.get("kind")
    if kind not in KINDS:
        issues.append(f"{where}: {place}.kind: must be one of {', '.join(KINDS)}, got {str(kind)[:40]!r}")
    intensity = raw.get("intensity")
    if not _number(intensity) or not 0 <= intensity <= 10:
        issues.append(f"{where}: {place}.intensity: must be a number from 0 to 10, got {str(intensity)[:40]!r}")
    has_region, has_point = "region" in raw, "point" in raw
    region = point = None
    radius = DEFAULT_RADIUS_MM
    if has_region == has_point:
        issues.append(f"{where}: {place}: give either 'region' (a named skin region) or 'point' [x, y, z] "
                      f"in mm, not {'both' if has_region else 'neither'}")
    elif has_region:
        region = raw["region"]
        if not isinstance(region, str) or region not in regions:
            near = sorted(r for r in regions if isinstance(region, str) and region[:4].lower() in r)[:4]
            hint = f"did you mean {', '.join(near)}?" if near else f"known regions: {', '.join(sorted(regions))}"
            issues.append(f"{where}: {place}.region: unknown skin region {str(region)[:40]!r} — {hint}")
        if "radius" in raw:
            issues.append(f"{where}: {place}.radius: only a point mark has a radius — remove it")
    else:
        pt = raw["point"]
        if not (isinstance(pt, list) and len(pt) == 3 and all(_number(c) for c in pt)):
            issues.append(f"{where}: {place}.point: must be three numbers [x, y, z] in mm, got {str(pt)[:60]}")
        elif any(abs(c) > MAX_COORD_MM for c in pt):
            issues.append(f"{where}: {place}.point: a coordinate is beyond ±{MAX_COORD_MM:.0f} mm — "
                          f"points are in world millimetres on the skin")
        else:
            point = tuple(float(c) for c in pt)
        radius = raw.get("radius", DEFAULT_RADIUS_MM)
        if not _number(radius) or not RADIUS_MM[0] <= radius <= RADIUS_MM[1]:
            issues.append(f"{where}: {place}.radius: must be a number of mm from {RADIUS_MM[0]:.0f} to "
                          f"{RADIUS_MM[1]:.0f}, got {str(radius)[:40]!r}")
    note = _text(raw.get("note"), f"{place}.note", issues, where)
    if len(issues) > n:
        return None
    extra = {k: v for k, v in raw.items() if k not in ("kind", "intensity", "region", "point", "radius", "note")}
    return Mark(kind, float(intensity), region, point, float(radius), note, extra)


def painmap_from_data(data, where: str, regions) -> PainMap:
    """Validate parsed JSON and return the :class:`PainMap`.

    Parameters
    ----------
    data : object
        The parsed file.
    where : str
        The file name, for messages.
    regions : collection of str
        The named skin regions a ``region`` mark may use.

    Raises
    ------
    PainMapError
        Listing every problem found.
    """
    if not isinstance(data, dict):
        raise PainMapError([f"{where}: the file must hold one JSON object "
                            f'{{"format": 1, "side": "right", "marks": [...]}}, got {type(data).__name__}'])
    issues: list[str] = []
    fmt = data.get("format")
    if fmt != FORMAT or isinstance(fmt, bool):
        issues.append(f"{where}: format: must be {FORMAT}, got {str(fmt)[:20]!r} — "
                      f"this atlas reads pain-map format {FORMAT}")
    side = data.get("side", "right")
    if side not in SIDES:
        issues.append(f"{where}: side: must be 'left' or 'right' (the patient's side), got {str(side)[:20]!r}")
    date = data.get("date")
    if date is not None:
        try:
            if not isinstance(date, str):
                raise ValueError
            _dt.date.fromisoformat(date)
        except ValueError:
            issues.append(f"{where}: date: must be a date written YYYY-MM-DD, got {str(date)[:30]!r}")
            date = None
    note = _text(data.get("note"), "note", issues, where)
    raw_marks = data.get("marks")
    marks: list[Mark] = []
    if not isinstance(raw_marks, list):
        issues.append(f"{where}: marks: must be a list of marks (it may be empty []), "
                      f"got {type(raw_marks).__name__ if 'marks' in data else 'nothing'}")
    elif len(raw_marks) > MAX_MARKS:
        issues.append(f"{where}: marks: {len(raw_marks)} marks, more than {MAX_MARKS} — "
                      f"merge small marks into regions or larger points")
    else:
        for i, raw in enumerate(raw_marks):
            mark = _mark(raw, i, regions, issues, where)
            if mark is not None:
                marks.append(mark)
            if len(issues) >= 20:
                issues.append(f"{where}: more problems not listed; fix these first")
                break
    if issues:
        raise PainMapError(issues)
    extra = {k: v for k, v in data.items() if k not in ("format", "side", "date", "note", "marks")}
    return PainMap(side, tuple(marks), date, note, extra)


def skin_region_names() -> list[str]:
    """Return the named skin regions a ``region`` mark may use (``data/skin_regions.yaml``)."""
    from sciatic_atlas.anatomy.skin_regions import named_regions

    return list(named_regions())


def load_painmap(path: Path | str) -> PainMap:
    """Read and validate a pain-map file.

    Raises
    ------
    PainMapError
        When the file is missing, too large, not UTF-8, not JSON or not a valid pain map;
        the message names the file, the place and the fix. The file is never changed.
    """
    path = Path(path)
    where = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PainMapError([f"{where}: no such file — check the name"]) from None
    except IsADirectoryError:
        raise PainMapError([f"{where}: is a folder — give a pain-map .json file"]) from None
    except OSError as exc:
        raise PainMapError([f"{where}: cannot be read ({exc.strerror})"]) from None
    if len(raw) > MAX_BYTES:
        raise PainMapError([f"{where}: larger than {MAX_BYTES // (1024 * 1024)} MiB — not a pain map; "
                            f"a pain map holds at most {MAX_MARKS} marks"])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PainMapError([f"{where}: byte {exc.start} is not UTF-8 text — save the file as UTF-8"]) from None
    return painmap_from_data(parse_json(text, where), where, set(skin_region_names()))


# ---------------------------------------------------------------- writing


def write_atomic(path: Path | str, text: str | bytes) -> Path:
    """Write ``text`` (str as UTF-8, or bytes) so that ``path`` holds either its old or its new content, never a part.

    The text goes to a temporary file in the same folder, is flushed to disk, and then
    replaces ``path`` in one step (``os.replace``); the folder is synced so the rename
    survives a crash. On any error the temporary file is removed and ``path`` is unchanged.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:  # some file systems cannot open a folder; the data is already synced
        return path
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return path


def save_painmap(painmap: PainMap, path: Path | str) -> Path:
    """Write ``painmap`` to ``path`` atomically (see :func:`write_atomic`).

    Raises
    ------
    PainMapError
        When the folder does not exist or cannot be written; the old file is kept.
    """
    path = Path(path)
    text = json.dumps(painmap.to_dict(), indent=1, ensure_ascii=False) + "\n"
    try:
        return write_atomic(path, text)
    except OSError as exc:
        raise PainMapError([f"{path}: cannot be written ({exc.strerror}) — choose a folder you can write to; "
                            f"any earlier file there is unchanged"]) from None
