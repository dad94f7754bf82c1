"""Errors raised while reading, validating or resolving scene files.

A :class:`SceneError` carries every :class:`SceneIssue` found in one file, each
naming the file, the line and column (1-based), what is wrong and how to fix it,
so the command line and the window can list them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SceneIssue:
    """One problem in a scene file.

    Parameters
    ----------
    file : str
        The scene file (as given by the caller).
    line, column : int
        1-based position of the offending key or value; 0 when not known.
    message : str
        What is wrong.
    fix : str
        How to fix it (may be empty).
    severity : str
        ``"error"`` (the scene is refused) or ``"warning"`` (accepted, reported).
    """

    file: str
    line: int
    column: int
    message: str
    fix: str = ""
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        kind = "" if self.severity == "error" else f"{self.severity}: "
        fix = f" — {self.fix}" if self.fix else ""
        return f"{where}: {kind}{self.message}{fix}"


class SceneError(Exception):
    """A scene file (or a request on a scene) is invalid; holds every issue found.

    Parameters
    ----------
    issues : list of SceneIssue
        All problems of one file, in file order.
    """

    def __init__(self, issues: list[SceneIssue]):
        self.issues = list(issues)
        super().__init__(str(self))

    @classmethod
    def single(cls, file: str | Path, message: str, fix: str = "", line: int = 0, column: int = 0) -> SceneError:
        """Return an error holding one issue."""
        return cls([SceneIssue(str(file), line, column, message, fix)])

    @property
    def file(self) -> str:
        """Return the file of the first issue ('' when empty)."""
        return self.issues[0].file if self.issues else ""

    def __str__(self) -> str:
        if not self.issues:
            return "invalid scene"
        if len(self.issues) == 1:
            return str(self.issues[0])
        return f"{len(self.issues)} problems:\n" + "\n".join(f"  {issue}" for issue in self.issues)
