"""Pose a scene's posed steps in idle time, so that stepping to one does not wait for it.

Posing a step the first time costs its structures' skinning, the push out of bone and, the
first time a structure meets a bone, the standing gaps to it (about 0.7 s for a whole stretch
on this machine's CPU). When a scene opens, :class:`PoseWarmer` does that work for each of its
posed steps a few structures per event-loop turn (about 15 ms at a time), so the window keeps
answering input; the results stay in the posed models' caches (``anatomy/posed.py``).
"""

from __future__ import annotations

import time

from PyQt5 import QtCore

TICK_MS = 15.0  # work per turn of the event loop


def pose_jobs(model, states):
    """Yield ``(posed model, structure id)`` for every visible structure of every posed state."""
    from sciatic_atlas.anatomy.posed import posed_model

    for state in states:
        if state is None or state.pose is None:
            continue
        posed = posed_model(model, state.pose)
        for sid, style in state.styles.items():
            if style.visible and model.has_mesh(sid):
                yield posed, sid


class PoseWarmer(QtCore.QObject):
    """Run :func:`pose_jobs` in idle time; a new scene replaces the work left."""

    def __init__(self, model, parent: QtCore.QObject):
        super().__init__(parent)
        self._model = model
        self._jobs = iter(())
        self._timer = QtCore.QTimer(self, interval=0)
        self._timer.timeout.connect(self._tick)

    @property
    def busy(self) -> bool:
        return self._timer.isActive()

    def warm(self, states) -> None:
        """Pose these states' structures in idle time (the work left for another scene is dropped)."""
        self._jobs = pose_jobs(self._model, list(states))
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._jobs = iter(())

    def _tick(self) -> None:
        end = time.perf_counter() + TICK_MS / 1000.0
        while time.perf_counter() < end:
            job = next(self._jobs, None)
            if job is None:
                self._timer.stop()
                return
            posed, sid = job
            posed.vertices(sid)
            posed.normals(sid)
