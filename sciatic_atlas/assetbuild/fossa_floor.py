"""The floor the popliteal vessels are laid on: the bones, and popliteus where it was built.

The popliteal artery runs on the femur, the knee capsule and then popliteus (Moore 9th ed.,
Lower Limb: popliteal fossa); :mod:`~sciatic_atlas.assetbuild.vessel_paths` lays it "as deep
as the floor lets it", so popliteus must be part of that floor or the artery runs through it
(issue 12). The muscle's distance is taken unsigned, to dense samples of its surface: the
vessels approach it from behind and its half-thickness (a few mm) is below their bone gap, so
a point inside it reads as too near, as it should; ``vtkImplicitPolyDataDistance`` flipped the
sign 30 mm off the built band's tendon end.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from sciatic_atlas.assetbuild.nerve_geometry import BoneField

# Barycentric weights of the samples taken on each triangle (its corners, edge midpoints, centre).
_W = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0], [0, 0.5, 0.5], [0.5, 0, 0.5],
               [1 / 3, 1 / 3, 1 / 3], [2 / 3, 1 / 6, 1 / 6], [1 / 6, 2 / 3, 1 / 6], [1 / 6, 1 / 6, 2 / 3]])


class FossaFloor:
    """Distance (mm) to the bones or to soft structures lying on them, whichever is nearer.

    Parameters
    ----------
    bones : BoneField
        Every bone's signed distance.
    soft : list of (vertices, faces)
        Closed meshes (mm) the vessels lie on.
    """

    def __init__(self, bones: BoneField, soft: list):
        self._bones = bones
        samples = [np.einsum("kj,fjd->fkd", _W, np.asarray(v, float)[np.asarray(f)]).reshape(-1, 3)
                   for v, f in soft]
        self._tree = cKDTree(np.vstack(samples)) if samples else None

    def distance(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the distance (mm) of each point and the bones' unit gradient (as ``BoneField``)."""
        points = np.atleast_2d(np.asarray(points, float))
        dist, grad = self._bones.distance(points)
        if self._tree is not None:
            dist = np.minimum(dist, self._tree.query(points)[0])
        return dist, grad
