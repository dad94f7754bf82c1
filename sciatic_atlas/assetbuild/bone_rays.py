"""Ray casting against bone surfaces (VTK OBB tree), used to measure the spine.

The disc and spinal-canal builders probe the vertebrae with short rays: the
gap between two end plates, the back wall of a vertebral body, the lamina.
"""

from __future__ import annotations

import numpy as np


class RayCaster:
    """First-hit ray queries against one closed triangle surface (mm)."""

    def __init__(self, vertices: np.ndarray, faces: np.ndarray):
        import vtk

        from sciatic_atlas.assetbuild.mesh_ops import _to_polydata

        self._poly = _to_polydata(vertices, faces)
        self._tree = vtk.vtkOBBTree()
        self._tree.SetDataSet(self._poly)
        self._tree.BuildLocator()

    def hits(self, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Return the distances (mm) from ``start`` of every crossing on the segment, sorted."""
        import vtk

        pts = vtk.vtkPoints()
        self._tree.IntersectWithLine(np.asarray(start, float), np.asarray(end, float), pts, None)
        if pts.GetNumberOfPoints() == 0:
            return np.empty(0)
        p = np.array([pts.GetPoint(i) for i in range(pts.GetNumberOfPoints())])
        return np.sort(np.linalg.norm(p - np.asarray(start, float), axis=1))

    def first_hit(self, start: np.ndarray, direction: np.ndarray, length: float) -> float | None:
        """Return the distance (mm) to the first crossing along ``direction``, or None."""
        d = np.asarray(direction, float) / np.linalg.norm(direction)
        h = self.hits(start, np.asarray(start, float) + length * d)
        h = h[h > 1e-6]
        return float(h[0]) if len(h) else None
