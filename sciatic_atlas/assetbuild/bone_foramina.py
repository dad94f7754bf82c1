"""Anterior sacral foramina: the S1-S4 openings carved into the pelvic surface of the sacrum.

The fitted sacrum template is a solid shell without them, so the sacral ventral rami came out
of plain bone. Gray's 42e (sacrum, pelvic surface): four pairs of anterior sacral foramina lie
at the lateral ends of the transverse ridges, lateral of the fused vertebral bodies, get
smaller from above down and are directed laterally and forwards; they transmit the ventral
rami of S1-S4. Their level, distance from the median plane, size and depth are in
``data/nerve_figures.yaml`` (``anterior_sacral_foramina``, with sources; S1 and S2 sizes from
Saluja et al. 2018).

It runs as its own stage after the discs and muscles (``REPLACES`` the bones stage's sacrum),
so the S1 end plate the L5/S1 disc is built on and the muscles built round the pelvis see the
sacrum they always did; the nerves and the skin see the carved one.

Each foramen is a funnel: the surface round it is subdivided once (midpoints), then the vertices of
the pelvic surface round its mouth are moved into the bone along the surface's inward normal,
a flat floor ``depth_mm`` deep inside 0.45 x the radius and steep walls out to the rim; only
vertices move, so the sacrum stays the closed 2-manifold it was. Only the faces round the
mouths are subdivided (red-green, so no cracks): subdividing the whole bone had quadrupled
its triangles for the sake of eight funnels. Each foramen is found on the
right and mirrored to the left about the median plane (as the nerves are). The stage records
two landmarks per foramen and side: the mouth (``anterior_sacral_foramen_s1_r``, on the
surface before carving) and a point in its canal, 0.6 of the depth in
(``sacral_foramen_canal_s1_r``), where a ventral ramus starts.
"""

from __future__ import annotations

import numpy as np

from sciatic_atlas.anatomy.easing import smoothstep
from sciatic_atlas.anatomy.frame import ANTERIOR, SIDES
from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.data import build_data
from sciatic_atlas.assetbuild.landmarks import lateral_sign, midline_x
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh, Landmark

REPLACES = ("sacrum",)  # the bones stage's sacrum, handed back with its foramina

CANAL_FRACTION = 0.6  # of the depth: where the canal landmark (a ramus' start) lies
FLOOR = 0.45  # of the radius: the funnel's flat floor
RIM = 1.1  # of the radius: where the wall meets the untouched surface


def foramen_figures() -> dict[str, dict]:
    """Return ``{"s1": {level, lateral_mm, diameter_mm, depth_mm, ...}, ...}`` (data/nerve_figures.yaml)."""
    return build_data("nerve_figures.yaml")["anterior_sacral_foramina"]


def _mouth(v: np.ndarray, normals: np.ndarray, x: float, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the pelvic-surface point at ``(x, z)`` and its outward unit normal."""
    for half in (3.0, 5.0, 8.0):
        col = np.flatnonzero((np.abs(v[:, 0] - x) < half) & (np.abs(v[:, 2] - z) < half))
        if len(col) >= 3:
            break
    front = col[np.argmin(v[col, 1])]
    mouth = np.array([x, v[front, 1], z])
    near = np.linalg.norm(v - mouth, axis=1) < 8.0
    facing = near & (normals @ -ANTERIOR < 0)  # the pelvic surface faces forward
    n = normals[facing].sum(axis=0) if facing.any() else ANTERIOR.astype(float)
    return mouth, n / np.linalg.norm(n)


def _profile(r: np.ndarray, radius: float) -> np.ndarray:
    """Return the funnel's depth fraction at distance ``r`` from its axis (1 floor, 0 rim)."""
    return 1.0 - smoothstep((r - FLOOR * radius) / ((RIM - FLOOR) * radius))


def _mouths(v: np.ndarray, faces: np.ndarray, x0: float, top: float, bottom: float) -> list[tuple]:
    """Return (level, figures, side, mouth, outward normal) of each foramen on the surface ``v, faces``.

    Found on the right, mirrored to the left: the nerve tree's left side is the right one
    mirrored, and the two sides of the fitted sacrum differ by a few mm.
    """
    normals = mesh_ops.vertex_normals(v, faces)
    out = []
    for level, fig in foramen_figures().items():
        z = top - float(fig["level"]) * (top - bottom)
        right, out_r = _mouth(v, normals, x0 + lateral_sign("r") * float(fig["lateral_mm"]), z)
        for s in SIDES:
            flip = np.array([-1.0 if s == "l" else 1.0, 1.0, 1.0])
            out.append((level, fig, s, right * flip + [2.0 * x0 if s == "l" else 0.0, 0.0, 0.0], out_r * flip))
    return out


def carve(vertices: np.ndarray, faces: np.ndarray, x0: float) -> tuple[np.ndarray, np.ndarray, dict[str, Landmark]]:
    """Carve the anterior sacral foramina into the sacrum; return vertices, faces and landmarks.

    Parameters
    ----------
    vertices, faces : arrays
        The fitted sacrum (world mm), a closed surface; it is subdivided once (midpoints)
        round the foramina.
    x0 : float
        x (mm) of the median plane.
    """
    v, faces = np.asarray(vertices, float), np.asarray(faces, np.int64)
    top, bottom = v[:, 2].max(), v[:, 2].min()
    # Midpoint subdivision round each mouth only (edges ~2.5 -> ~1.2 mm): a funnel 8-13 mm
    # across needs vertices; the rest of the bone keeps its triangles (the triangle budget).
    # The mouths are found on the fitted surface, then again on the subdivided one.
    near = np.zeros(len(v), bool)
    margin = float(build_data("mesh_detail.yaml")["sacrum_refine_margin_mm"])  # beyond the rim
    for _level, fig, _s, mouth, _out in _mouths(v, faces, x0, top, bottom):
        near |= np.linalg.norm(v - mouth, axis=1) < RIM * 0.5 * float(fig["diameter_mm"]) + margin
    v, faces = mesh_ops.split_faces(v, faces, near[faces].any(axis=1))
    mouths = _mouths(v, faces, x0, top, bottom)
    landmarks: dict[str, Landmark] = {}
    moves = []
    for level, fig, s, mouth, out in mouths:
        radius, depth = 0.5 * float(fig["diameter_mm"]), float(fig["depth_mm"])
        rel = v - mouth
        along = rel @ -out
        r = np.linalg.norm(rel + np.outer(along, out), axis=1)
        sel = (r < RIM * radius) & (np.abs(along) < 6.0)
        moves.append((sel, -out * depth * _profile(r[sel], radius)[:, None]))
        how = (f"{fig['lateral_mm']} mm from the median plane at {fig['level']:.0%} of the sacrum's height "
               "below its top, on the pelvic surface")
        landmarks[f"anterior_sacral_foramen_{level}_{s}"] = Landmark(mouth, SIDES[s], "sacrum", how)
        landmarks[f"sacral_foramen_canal_{level}_{s}"] = Landmark(
            mouth - out * CANAL_FRACTION * depth, SIDES[s], "sacrum",
            f"{CANAL_FRACTION:.0%} of the way down the foramen's funnel ({depth} mm deep)")
    for sel, d in moves:  # every mouth found on the uncarved surface first
        v[sel] += d
    return v, faces, landmarks


def build(raw, part: BuildPart) -> BuildPart:
    """Return the sacrum with its anterior foramina carved, and the foramina's landmarks."""
    sacrum = part.meshes["sacrum"]
    v, f, landmarks = carve(sacrum.vertices, sacrum.faces, midline_x(raw))
    out = BuildPart(landmarks=landmarks)
    out.meshes["sacrum"] = BuiltMesh(v, f, sacrum.body, dict(sacrum.extra))
    return out
