"""Small Qt helpers shared by the panels."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PyQt5 import QtCore


@contextmanager
def signals_blocked(*objects: QtCore.QObject) -> Iterator[None]:
    """Block the signals of ``objects`` inside the block (no echo back to the state)."""
    previous = [obj.blockSignals(True) for obj in objects]
    try:
        yield
    finally:
        for obj, was in zip(objects, previous):
            obj.blockSignals(was)
