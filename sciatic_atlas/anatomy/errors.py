"""Errors raised by the anatomy layer; each message names the file and the fix."""

from __future__ import annotations


class AtlasDataError(Exception):
    """A bundled data or asset file is missing or unreadable.

    The message names the file, what is wrong with it and how to fix it, so the
    command line and the window can show it to a user as it is.
    """


class UnknownStructureError(KeyError):
    """A structure id that the knowledge base does not hold."""

    def __init__(self, structure_id: str, suggestions: list[str] | None = None):
        self.structure_id = structure_id
        self.suggestions = list(suggestions or [])
        super().__init__(structure_id)

    def __str__(self) -> str:
        hint = f" (did you mean {', '.join(self.suggestions)}?)" if self.suggestions else ""
        return f"unknown structure '{self.structure_id}'{hint}"
