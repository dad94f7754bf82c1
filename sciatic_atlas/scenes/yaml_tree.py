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
from dataclasses import dataclass, field

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

log = logging.getLogger(__name__)

MAX_DEPTH = 40
MAX_NODES = 20_000

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
    if _flow_depth(text) > MAX_DEPTH:
        raise TreeError(1, 1, f"brackets nested deeper than {MAX_DEPTH} levels",
                        f"a scene needs at most {MAX_DEPTH} levels of nesting")
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        root = yaml.load(text)
    except YAMLError as exc:
        raise _yaml_error(exc, text) from None
    except RecursionError:
        raise TreeError(1, 1, "the YAML is nested too deeply to read",
                        f"a scene needs at most {MAX_DEPTH} levels of nesting") from None
    except Exception as exc:  # noqa: BLE001 - the parser's own failures on junk (e.g. 5000-digit ints)
        log.debug("YAML parser failed", exc_info=True)
        raise TreeError(1, 1, f"cannot read the YAML ({exc.__class__.__name__}: {str(exc)[:120]})",
                        "write plain YAML: text, numbers of sane size, lists and mappings") from None
    tree = Tree()
    tree.values[()] = (1, 1)
    counter = [0]
    tree.data = _convert(root, (), 0, tree, counter, (1, 1))
    return tree


def _flow_depth(text: str) -> int:
    """Return the deepest nesting of '[' and '{' (a cheap guard before the recursive parser)."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}" and depth:
            depth -= 1
    return deepest


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
    if isinstance(node, CommentedMap):
        out = {}
        for key, value in node.items():
            kline, kcol = node.lc.key(key) if key in node.lc.data else where
            vline, vcol = node.lc.value(key) if key in node.lc.data else where
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
        for index, value in enumerate(node):
            line, col = node.lc.item(index) if index in node.lc.data else (where[0] - 1, where[1] - 1)
            child = (*loc, index)
            tree.values[child] = (line + 1, col + 1)
            out.append(_convert(value, child, depth + 1, tree, counter, (line + 1, col + 1)))
        return out
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, (datetime.date, datetime.datetime)):
        return node.isoformat()
    tree.problems.append((*where, f"unsupported YAML value of type {type(node).__name__}", "write plain text or numbers"))
    return None
