"""Keep the skin outside the deep structures: push skin vertices out of bones and muscles.

Each deep structure (bone or muscle mesh from the earlier build stages) is turned into
a signed distance (VTK's implicit poly-data distance, negative inside). A skin vertex
closer than ``margin`` to, or inside, a structure is moved along the distance gradient
until it clears it; the push is then spread over the neighbouring skin by a few
Laplacian passes, so the surface bulges smoothly instead of denting into spikes.
"""

from __future__ import annotations

import logging

import numpy as np

from sciatic_atlas.build.mesh_ops import SignedDistance, _to_polydata, taubin

log = logging.getLogger(__name__)


class _DistanceField(SignedDistance):
    """:class:`~sciatic_atlas.build.mesh_ops.SignedDistance` that also says which way is out."""

    def gradients(self, points: np.ndarray) -> np.ndarray:
        """Return the unit direction that leads each point out of (or away from) the surface."""
        import vtk

        pts = np.atleast_2d(np.asarray(points, dtype=np.float64))
        loc = vtk.vtkCellLocator()
        loc.SetDataSet(_to_polydata(self._vertices, self._faces))
        loc.BuildLocator()
        closest = [0.0, 0.0, 0.0]
        cell, sub, d2 = vtk.reference(0), vtk.reference(0), vtk.reference(0.0)
        away = np.empty_like(pts)
        for i, p in enumerate(pts):
            loc.FindClosestPoint(p, closest, cell, sub, d2)
            away[i] = p - np.asarray(closest)
        away[self.inside(pts)] *= -1.0  # inside: towards the nearest surface point
        norm = np.linalg.norm(away, axis=1, keepdims=True)
        return away / np.where(norm > 0, norm, 1.0)


def push_outside(points: np.ndarray, faces: np.ndarray, deep: dict[str, tuple[np.ndarray, np.ndarray]],
                 margin: float, rounds: int = 6) -> tuple[np.ndarray, dict[str, float]]:
    """Move skin vertices so each lies at least ``margin`` mm outside every deep structure.

    Parameters
    ----------
    points, faces : ndarray
        The skin (N, 3) mm and its triangles.
    deep : dict
        Structure id -> (vertices, faces) of the bones and muscles the skin must cover.
    margin : float
        Smallest allowed skin-to-structure distance (mm).
    rounds : int
        Push-and-spread rounds; a last push without spreading guarantees the margin.

    Returns
    -------
    points : ndarray
        The moved vertices.
    moved : dict
        Structure id -> the largest push it caused (mm), for the build log.
    """
    pts = np.asarray(points, dtype=float).copy()
    moved: dict[str, float] = {}
    fields = {sid: _DistanceField(v, f) for sid, (v, f) in deep.items() if len(f) >= 4}
    for round_ in range(rounds + 1):
        push = np.zeros_like(pts)
        for sid, field in fields.items():
            v = deep[sid][0]
            lo, hi = v.min(axis=0) - margin, v.max(axis=0) + margin
            near = np.flatnonzero(((pts >= lo) & (pts <= hi)).all(axis=1))
            if not len(near):
                continue
            dist = fields[sid](pts[near])
            short = dist < margin
            if not short.any():
                continue
            idx = near[short]
            amount = (margin - dist[short])[:, None] * field.gradients(pts[idx])
            bigger = np.linalg.norm(amount, axis=1) > np.linalg.norm(push[idx], axis=1)
            push[idx[bigger]] = amount[bigger]
            moved[sid] = max(moved.get(sid, 0.0), float(np.linalg.norm(amount, axis=1).max()))
        if not push.any():
            break
        if round_ < rounds:
            # Spread the push so neighbours follow, keeping at least the vertex's own push.
            spread = taubin(push, faces, iterations=80, lam=0.5, mu=0.0)
            keep = np.linalg.norm(push, axis=1) > np.linalg.norm(spread, axis=1)
            spread[keep] = push[keep]
            pts += spread
        else:
            pts += push
    return pts, moved
