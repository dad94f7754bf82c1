"""Find the structure under a screen point: a ray cast on cached cell locators (no Qt).

VTK's hardware pickers re-render the scene to a selection buffer, which on a CPU
renderer (Mesa llvmpipe) costs a whole frame. Instead the click becomes a ray,
each visible actor whose bounds the ray crosses is tested with a static cell
locator built once per mesh, and the hits are ordered by depth. Translucent
structures that the user looks *through* (opacity below
:data:`SEE_THROUGH`) lose to an opaque one behind them: clicking the sciatic
nerve seen through gluteus maximus picks the nerve.
"""

from __future__ import annotations

import logging
import weakref

import numpy as np
from vtkmodules.vtkCommonCore import reference
from vtkmodules.vtkCommonDataModel import vtkStaticCellLocator

log = logging.getLogger(__name__)

SEE_THROUGH = 0.5  # opacity below which a structure is looked through when picking


class RayPicker:
    """Pick structures drawn by :class:`sciatic_atlas.render.view.AtlasView`.

    Parameters
    ----------
    plotter : pyvista.Plotter or QtInteractor
        The plotter whose renderer and camera define the ray.
    actors : dict of str to StructureActor
        The drawn structures, keyed by id (the dict the view keeps).
    owners : callable, optional
        Returns ``{decoration actor name: structure id}``: marks drawn on a structure
        that a click picks as that structure (a compression band picks its nerve).
    """

    def __init__(self, plotter, actors: dict, owners=None):
        self._plotter = weakref.proxy(plotter)
        self._actors = actors
        self._owners = owners or dict
        # structure id or actor name -> (locator, the mesh's modification time it was built for)
        self._locators: dict[str, tuple[vtkStaticCellLocator, int]] = {}

    def _locator(self, key: str, actor=None) -> vtkStaticCellLocator:
        """Return the locator of a drawn mesh (rebuilt only if the mesh changed: another mesh, or posed)."""
        dataset = (actor if actor is not None else self._actors[key].actor).GetMapper().GetInput()
        locator, built_for = self._locators.get(key, (None, -1))
        if locator is None or locator.GetDataSet() is not dataset or built_for != dataset.GetMTime():
            locator = vtkStaticCellLocator()
            locator.SetDataSet(dataset)
            locator.BuildLocator()
            self._locators[key] = (locator, dataset.GetMTime())
        return locator

    def warm(self) -> None:
        """Build the locators of every drawn structure now (so the first pick is fast)."""
        for sid in list(self._actors):
            self._locator(sid)

    def ray(self, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
        """Return the ray (near point, far point; mm) through display pixel ``(x, y)``.

        ``(x, y)`` are VTK display coordinates: pixels from the bottom-left corner.
        """
        renderer = self._plotter.renderer
        ends = []
        for depth in (0.0, 1.0):
            renderer.SetDisplayPoint(float(x), float(y), depth)
            renderer.DisplayToWorld()
            w = np.array(renderer.GetWorldPoint(), float)
            ends.append(w[:3] / (w[3] if w[3] else 1.0))
        return ends[0], ends[1]

    def hits(self, x: float, y: float) -> list[tuple[float, str]]:
        """Return ``(distance along the ray 0..1, key)`` of every visible hit, nearest first.

        A key is a structure id, or the name of a mark drawn on one (see ``owners``).
        """
        p0, p1 = self.ray(x, y)
        found = []
        t, point, pcoords = reference(0.0), [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]
        sub_id, cell_id = reference(0), reference(0)
        drawn = self._plotter.renderer.actors
        candidates = [(sid, sid, item.actor) for sid, item in self._actors.items()]
        candidates += [(name, sid, drawn[name]) for name, sid in self._owners().items() if name in drawn]
        for key, sid, actor in candidates:
            if not actor.visibility or actor.prop.opacity <= 0.02:
                continue
            if not _ray_meets_box(p0, p1, actor.GetBounds()):
                continue
            locator = self._locator(key, actor)
            if locator.IntersectWithLine(p0, p1, 1e-6, t, point, pcoords, sub_id, cell_id):
                found.append((float(t), key))
        return sorted(found)

    def _structure(self, key: str) -> str:
        return key if key in self._actors else self._owners().get(key, key)

    def _opacity(self, key: str) -> float:
        actor = self._actors[key].actor if key in self._actors else self._plotter.renderer.actors[key]
        return actor.prop.opacity

    def pick(self, x: float, y: float) -> str | None:
        """Return the id of the structure seen at display pixel ``(x, y)``, or None."""
        hits = self.hits(x, y)
        for _t, key in hits:
            if self._opacity(key) >= SEE_THROUGH:
                return self._structure(key)
        return self._structure(hits[0][1]) if hits else None


def _ray_meets_box(p0: np.ndarray, p1: np.ndarray, bounds) -> bool:
    """Return True if the segment p0-p1 crosses the axis-aligned box ``bounds`` (slab test)."""
    lo, hi = np.array(bounds[0::2], float), np.array(bounds[1::2], float)
    d = p1 - p0
    t0, t1 = 0.0, 1.0
    for axis in range(3):
        if abs(d[axis]) < 1e-12:
            if p0[axis] < lo[axis] or p0[axis] > hi[axis]:
                return False
            continue
        a, b = (lo[axis] - p0[axis]) / d[axis], (hi[axis] - p0[axis]) / d[axis]
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 > t1:
            return False
    return True
