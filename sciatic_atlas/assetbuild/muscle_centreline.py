"""Muscle centrelines kept out of bone, recomputed from the finished mesh (issue 12).

A muscle's centreline is laid while its belly is shaped; the belly is then pushed out of
bone (and out of deeper muscles), and the centreline is not moved with it. The extensors
of the leg lie against the tibia and fibula, so their centrelines were left up to 9.9 mm
inside the tibia (extensor digitorum longus), though the meshes were clear of it. (Moving
the ends too moved obturator internus's origin 29.5 mm off the pelvis: they are kept.) The
centreline places labels, picking and the tendon colour, so it must lie in the muscle.

:func:`recentre` works from the final mesh and the bones only, whatever shaped them: every
centreline point in bone (its two ends, the attachments, just step
out of the bone, 1 mm) moves to the centroid of the mesh's own
cross-section there (the vertices in a slab across the centreline) that lies outside bone;
where that centroid is in bone too, or outside the muscle, it moves to the deepest point of
the muscle on the line out of the nearest bone surface along its normal.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.assetbuild.mesh_ops import SignedDistance

# mm: the most a centreline point may lie in bone before it is moved. Not 0.5: a toe tendon's
# centreline lay 0.05 mm inside the phalanges (by the bone obstacles' sampled distance 0.48 mm),
# a difference the obstacles' tie-breaking between equidistant samples decides.
CLEARANCE = 0.0
SLAB = 4.0  # mm: half-thickness of the cross-section slab across the centreline
RAY = np.arange(1.0, 30.0, 0.5)  # mm out of the bone surface where the muscle's deepest point is looked for


def recentre(centre: np.ndarray, verts: np.ndarray, faces: np.ndarray, bone) -> np.ndarray:
    """Return ``centre`` with every point in bone moved into the muscle's section outside bone.

    Parameters
    ----------
    centre : (K, 3) array
        The centreline (mm).
    verts, faces : arrays
        The finished muscle mesh (mm).
    bone : Obstacles
        The bones (``signed_distance``, ``nearest``).
    """
    centre = np.array(centre, float)
    verts = np.asarray(verts, float)
    deep = np.flatnonzero(bone.signed_distance(centre) < -CLEARANCE)
    if not len(deep):
        return centre
    # The two ends are the attachments: they only step out of the bone they are fixed to.
    ends = deep[(deep == 0) | (deep == len(centre) - 1)]
    if len(ends):
        centre[ends] = bone.push_out(centre[ends], 1.0)[0]
    deep = np.setdiff1d(deep, ends)
    if not len(deep):
        return centre
    free = verts[bone.signed_distance(verts) > 0.0]
    tangent = np.gradient(centre, axis=0)
    tangent /= np.maximum(np.linalg.norm(tangent, axis=1, keepdims=True), 1e-9)
    for i in deep:
        along = (free - centre[i]) @ tangent[i]
        section = free[np.abs(along) <= SLAB]
        if len(section):
            centre[i] = section.mean(axis=0)
    own = SignedDistance(verts, faces)
    bad = deep[(bone.signed_distance(centre[deep]) < 0.0) | (own(centre[deep]) > 0.0)]
    if len(bad):
        _, q, n = bone.nearest(centre[bad])
        for i, qi, ni in zip(bad, q, n):
            ray = qi + RAY[:, None] * ni
            centre[i] = ray[int(np.argmin(own(ray)))]
    return centre


def recentre_all(centrelines: dict, meshes: dict, bone) -> None:
    """Recentre, in place, the centreline of every muscle in ``meshes`` (both sides)."""
    for sid, mesh in meshes.items():
        if sid in centrelines and mesh.extra.get("kind") == "muscle":
            centrelines[sid] = recentre(centrelines[sid], mesh.vertices, mesh.faces, bone)
