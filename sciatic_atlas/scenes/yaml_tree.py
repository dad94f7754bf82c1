"""Safe YAML reading that remembers where every key and value came from.

The text is parsed with ruamel.yaml's round-trip loader (built on its safe
constructor: no Python objects are ever constructed) and turned into plain
dicts, lists and scalars plus a map from each location path (as pydantic
reports it, e.g. ``("steps", 2, "title")``) to its 1-based line and column.
Explicit tags, non-text keys, runaway nesting and alias bombs are refused.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedOrderedMap, CommentedSeq, CommentedSet
from ruamel.yaml.error import MarkedYAMLError, YAMLError

log = logging.getLogger(__name__)

MAX_DEPTH = 40
MAX_NODES = 20_000
MAX_INT = 10**15  # larger integers are refused where they stand (a hex number may have thousands of digits)

Loc = tuple


@dataclass
class Tree:
    """Plain data of one YAML document with positions (1-based line, column)."""

    data: object = None
    keys: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    values: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    problems: list[tuple[int, int, str, str]] = field(default_factory=list)  # line, col, message, fix

    def position(self, loc: Loc, key: bool = False) -> tuple[int, int]:
        """Return the position of ``loc`` (its key when ``key``), else of its nearest parent."""
        loc = tuple(loc)
        while loc:
            table = self.keys if key else self.values
            if loc in table:
                return table[loc]
            if loc in self.keys:
                return self.keys[loc]
            loc = loc[:-1]
        return self.values.get((), (1, 1))


class TreeError(Exception):
    """The text is not YAML this loader accepts; ``line``/``column`` are 1-based."""

    def __init__(self, line: int, column: int, message: str, fix: str):
        super().__init__(message)
        self.line, self.column, self.message, self.fix = line, column, message, fix


def _yaml_error(exc: YAMLError, text: str) -> TreeError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    position = getattr(exc, "position", None)  # ReaderError: a bad character, by offset
    if mark is None and isinstance(position, int) and 0 <= position <= len(text):
        line = text.count("\n", 0, position) + 1
        column = position - (text.rfind("\n", 0, position) + 1) + 1
    if isinstance(exc, MarkedYAMLError):
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    else:
        what = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    if "duplicate key" in what:
        return TreeError(line, column, f"YAML error: {what}", "each key may appear once in a mapping; remove one")
    return TreeError(line, column, f"YAML error: {what.strip() or exc.__class__.__name__}",
                     "fix the YAML syntax here (indentation, ':' after keys, matching quotes and brackets)")


def parse(text: str) -> Tree:
    """Parse ``text`` into a :class:`Tree`.

    Raises
    ------
    TreeError
        On a YAML syntax error, nesting or size beyond the limits.
    """
    deep = _too_deep_bracket(text)
    if deep is not None:
        raise TreeError(*deep, f"brackets nested deeper than {MAX_DEPTH} levels",
                        f"a scene needs at most {MAX_DEPTH} levels of nesting")
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        root = yaml.load(text)
    except YAMLError as exc:
        raise _yaml_error(exc, text) from None
    except RecursionError:
        raise TreeError(*_deepest_line(text), "the YAML is nested too deeply to read",
                        f"a scene needs at most {MAX_DEPTH} levels of nesting") from None
    except ValueError as exc:
        if "integer string conversion" not in str(exc):
            log.debug("YAML parser failed", exc_info=True)
            raise TreeError(1, 1, "cannot read the YAML: a value is not valid",
                            "write plain YAML: text, numbers of sane size, lists and mappings") from None
        raise TreeError(*_long_number(text), "a number with thousands of digits",
                        "write a number of sane size (at most 15 significant digits), or quote it as text") from None
    except Exception:  # noqa: BLE001 - the parser's own failures on junk: one clear message, never a traceback
        log.debug("YAML parser failed", exc_info=True)
        raise TreeError(1, 1, "cannot read the YAML",
                        "write plain YAML: text, numbers of sane size, lists and mappings") from None
    tree = Tree()
    tree.values[()] = (1, 1)
    counter = [0]
    tree.data = _convert(root, (), 0, tree, counter, (1, 1))
    return tree


def _position(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based (line, column) of character ``offset`` of ``text``."""
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _too_deep_bracket(text: str) -> tuple[int, int] | None:
    """Return where '[' and '{' first nest deeper than MAX_DEPTH, else None.

    A cheap guard before the recursive parser. Brackets inside comments and text do
    not count: a quote or a bracket opens something only where a value can start.
    """
    depth = 0
    quote = ""
    previous = "\n"  # the last character that was not a space
    index, end = 0, len(text)
    while index < end:
        char = text[index]
        if quote:
            if char == quote:
                if quote == "'" and text.startswith("''", index):
                    index += 1  # '' is a quote inside single-quoted text
                else:
                    quote = ""
            elif char == "\\" and quote == '"':
                index += 1
        elif char == "#" and (index == 0 or text[index - 1] in " \t\n"):
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
            previous = "\n"
            continue
        elif char in "'\"" and previous in "\n:[{,-?":
            quote = char
        elif char in "[{" and (depth or previous in "\n:[{,-?"):  # not inside plain text like "a[1]"
            depth += 1
            if depth > MAX_DEPTH:
                return _position(text, index)
        elif char in "]}" and depth:
            depth -= 1
        if char not in " \t":
            previous = char
        index += 1
    return None


def _deepest_line(text: str) -> tuple[int, int]:
    """Return the position of the most indented line (where block nesting runs away)."""
    best, where = -1, (1, 1)
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" -")
        if stripped and not stripped.startswith("#") and len(line) - len(stripped) > best:
            best, where = len(line) - len(stripped), (number, len(line) - len(stripped) + 1)
    return where


def _long_number(text: str) -> tuple[int, int]:
    """Return the position of the first run of thousands of digits."""
    match = re.search(r"[0-9][0-9_]{4000,}", text)
    return _position(text, match.start()) if match else (1, 1)


def _tag_of(node) -> str | None:
    tag = getattr(node, "tag", None)
    value = getattr(tag, "value", tag) if tag is not None else None
    return value if isinstance(value, str) and value else None


def _convert(node, loc: Loc, depth: int, tree: Tree, counter: list[int], where: tuple[int, int]):
    counter[0] += 1
    if counter[0] > MAX_NODES:
        raise TreeError(*where, f"the file holds more than {MAX_NODES} values (or an alias that repeats itself)",
                        "a scene is a few hundred values; remove repeated anchors/aliases")
    if depth > MAX_DEPTH:
        raise TreeError(*where, f"nesting deeper than {MAX_DEPTH} levels", "flatten the structure")
    tag = _tag_of(node)
    if tag is not None:
        tree.problems.append((*where, f"YAML tag '{tag[:60]}' is not allowed", "remove the tag; scenes are plain YAML"))
        return None
    special = _special_kind(node)
    if special is not None:
        tree.problems.append((*where, f"{special} is not allowed", "write a plain mapping (key: value) or list"))
        return None
    if isinstance(node, CommentedMap):
        out = {}
        marks = _marks(node)
        for key, value in node.items():
            kline, kcol, vline, vcol = marks.get(key) or (where[0] - 1, where[1] - 1) * 2
            kpos, vpos = (kline + 1, kcol + 1), (vline + 1, vcol + 1)
            if not isinstance(key, str) or _tag_of(key) is not None:
                tree.problems.append((*kpos, f"key {str(key)[:40]!r} is not text", "write keys as plain words"))
                continue
            child = (*loc, key)
            tree.keys[child] = kpos
            tree.values[child] = vpos
            out[key] = _convert(value, child, depth + 1, tree, counter, vpos)
        return out
    if isinstance(node, CommentedSeq):
        out = []
        marks = _marks(node)
        for index, value in enumerate(node):
            line, col = (marks.get(index) or (where[0] - 1, where[1] - 1))[:2]
            child = (*loc, index)
            tree.values[child] = (line + 1, col + 1)
            out.append(_convert(value, child, depth + 1, tree, counter, (line + 1, col + 1)))
        return out
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        if abs(node) > MAX_INT:
            tree.problems.append((*where, "the number is far too large",
                                  "scene numbers are millimetres, fractions and counts: write a number of sane size"))
            return None
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    tree.problems.append((*where, "this kind of YAML value is not allowed", "write plain text, numbers, lists or mappings"))
    return None


def _special_kind(node) -> str | None:
    """Name, in words, a YAML collection of an explicit kind (``!!omap``, ``!!set``, ``!!binary``)."""
    if isinstance(node, CommentedOrderedMap):
        return "an ordered map (!!omap)"
    if isinstance(node, (CommentedSet, set, frozenset)):
        return "a set (!!set or '? key' entries)"
    if isinstance(node, (bytes, bytearray)):
        return "binary data (!!binary)"
    return None


def _marks(node) -> dict:
    """Return ruamel's 0-based positions of a mapping's keys/values or a list's items ({} when it kept none)."""
    data = getattr(getattr(node, "lc", None), "data", None)
    return data if isinstance(data, dict) else {}
