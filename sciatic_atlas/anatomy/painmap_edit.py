"""Editing a pain map with a brush: strokes of dabs, an eraser, undo and redo (no Qt).

The window's drawing tool drives a :class:`PainMapEditor`: each brush stroke on the
skin (a list of picked skin points, mm) becomes point marks of the current kind,
intensity and brush radius; an eraser stroke removes the point marks it touches.
Each stroke is one undo step. The result is an ordinary
:class:`~sciatic_atlas.anatomy.painmap.PainMap`, saved and ranked like any other.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from sciatic_atlas.anatomy.painmap import KINDS, RADIUS_MM, SIDES, Mark, PainMap

MAX_UNDO = 200
DAB_SPACING = 0.5  # a stroke leaves a dab every half brush radius along its path


class PainMapEditor:
    """A pain map being drawn, with the brush settings and the undo/redo history."""

    def __init__(self, painmap: PainMap | None = None):
        self.painmap = painmap or PainMap()
        self.kind = "pain"
        self.intensity = 5.0
        self.radius = 20.0
        self._undo: list[PainMap] = []
        self._redo: list[PainMap] = []

    # ---- brush settings
    def set_kind(self, kind: str) -> None:
        """Choose ``pain`` or ``numbness`` for the next strokes."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.kind = kind

    def set_intensity(self, value: float) -> None:
        """Set the intensity (0..10) of the next strokes."""
        self.intensity = float(np.clip(value, 0.0, 10.0))

    def set_radius(self, mm: float) -> None:
        """Set the brush radius (mm along the skin)."""
        self.radius = float(np.clip(mm, *RADIUS_MM))

    # ---- edits
    def _commit(self, new: PainMap) -> None:
        if new == self.painmap:
            return
        self._undo.append(self.painmap)
        del self._undo[:-MAX_UNDO]
        self._redo.clear()
        self.painmap = new

    @staticmethod
    def dabs(points, spacing: float) -> np.ndarray:
        """Return points along the polyline ``points`` (mm) no further apart than ``spacing``."""
        pts = np.asarray(points, dtype=float).reshape(-1, 3)
        if len(pts) < 2:
            return pts
        out = [pts[0]]
        for a, b in zip(pts[:-1], pts[1:]):
            n = int(np.ceil(np.linalg.norm(b - a) / max(spacing, 1e-6)))
            out.extend(a + (b - a) * t for t in np.linspace(0, 1, n + 1)[1:])
        return np.asarray(out)

    def stroke(self, points) -> int:
        """Paint a stroke through skin ``points`` (mm) with the current brush; return the dabs added."""
        dabs = self.dabs(points, DAB_SPACING * self.radius)
        marks = tuple(Mark(self.kind, self.intensity, point=tuple(round(float(c), 2) for c in p), radius=self.radius)
                      for p in dabs)
        self._commit(replace(self.painmap, marks=self.painmap.marks + marks))
        return len(marks)

    def erase(self, points) -> int:
        """Remove the point marks whose centre lies within the brush of the stroke ``points``; return how many."""
        dabs = self.dabs(points, DAB_SPACING * self.radius)
        keep, gone = [], 0
        for mark in self.painmap.marks:
            if mark.point is not None and len(dabs) and \
                    np.min(np.linalg.norm(dabs - np.asarray(mark.point), axis=1)) <= self.radius:
                gone += 1
            else:
                keep.append(mark)
        self._commit(replace(self.painmap, marks=tuple(keep)))
        return gone

    def set_side(self, side: str) -> None:
        """Set the patient's side the map is drawn on (one undo step)."""
        if side not in SIDES:
            raise ValueError(f"side must be one of {SIDES}, got {side!r}")
        self._commit(replace(self.painmap, side=side))

    def set_note(self, note: str) -> None:
        """Set the clinician's note (one undo step)."""
        self._commit(replace(self.painmap, note=note))

    # ---- history
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> bool:
        """Go back one edit; return whether there was one."""
        if not self._undo:
            return False
        self._redo.append(self.painmap)
        self.painmap = self._undo.pop()
        return True

    def redo(self) -> bool:
        """Redo the last undone edit; return whether there was one."""
        if not self._redo:
            return False
        self._undo.append(self.painmap)
        self.painmap = self._redo.pop()
        return True

    def load(self, painmap: PainMap) -> None:
        """Replace the map (an opened file); the history starts again."""
        self.painmap = painmap
        self._undo.clear()
        self._redo.clear()
