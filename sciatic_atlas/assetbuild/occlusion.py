"""Ambient occlusion baked per vertex: a depth cue the CPU renderer gets for free (issue 12).

VTK's screen-space ambient occlusion pass costs 1.1-1.6 s a frame on Mesa llvmpipe (two
cores), ten times a whole frame's budget, so the occlusion is computed once here instead,
for the standing body, and the renderer multiplies it into each vertex's colour
(``sciatic_atlas/render/occlusion.py``): the crevices between muscles and around bones
darken, as on a printed atlas plate.

Scenes peel muscles away (issue 12), so what may shade a surface is only what stays drawn
over it: the skeleton (bones, discs, ligaments: :data:`SKELETON`) shades everything, and a
muscle is shaded by the muscles of its own layer and the deeper ones (:data:`LAYERS`;
peeling goes from the surface down, so those stay drawn while it is). Nerves, vessels and
the skin shade nothing, and a bone or a nerve is not darkened by the muscles that lay over
it before they were peeled. Each set's surfaces are marked in a voxel grid
(:data:`VOXEL_MM`).
From each vertex, :data:`DIRECTIONS` directions spread evenly over the sphere are kept
where they leave the surface (more than :data:`MIN_COS` along the normal) and marched
through the grid up to :data:`REACH_MM`; a direction that meets a marked voxel (a
surface, or inside one: the grid is filled) is blocked. The openness is the cosine-weighted share of unblocked directions, smoothed
over each vertex's mesh neighbours: 1 in the open, lower in a crevice. The march starts
far enough off the surface (:data:`CLEAR_VOXELS` voxels along the normal) not to meet
the vertex's own voxels. Posed bodies keep the standing occlusion.

Written to ``assets/occlusion.npz``: one uint8 array per mesh id (openness x 255, one
value per vertex). It is the build's last stage, so it runs on whatever meshes the
stages before it made; a missing or stale array is drawn without occlusion.
"""

from __future__ import annotations

import logging

import numpy as np

from sciatic_atlas.assetbuild.mesh_ops import vertex_normals
from sciatic_atlas.assetbuild.parts import BuildPart

log = logging.getLogger(__name__)

OCCLUSION_FILE = "occlusion.npz"
VOXEL_MM = 3.0  # grid spacing: finer than the gaps between muscles that should read as crevices
REACH_MM = 24.0  # how far a blocker still darkens: a neighbour's wall, not the whole limb
DIRECTIONS = 48  # directions over the whole sphere; about 20 leave a surface
MIN_COS = 0.25  # grazing directions would meet the vertex's own surface
CLEAR_VOXELS = 1.6  # start a march this many voxels off the surface, along the normal
SMOOTHING = 2  # neighbour-averaging passes over the mesh (the directions are few)
SKELETON = ("bone", "disc", "ligament")  # kinds never peeled: they shade every surface
LAYERS = ("deep", "middle", "superficial")  # muscle layers, deepest first (model.json "layer")


def sphere_directions(n: int = DIRECTIONS) -> np.ndarray:
    """Return ``n`` unit vectors spread evenly over the sphere (a Fibonacci lattice)."""
    k = np.arange(n) + 0.5
    z = 1.0 - 2.0 * k / n
    phi = k * np.pi * (3.0 - np.sqrt(5.0))
    r = np.sqrt(1.0 - z * z)
    return np.column_stack([r * np.cos(phi), r * np.sin(phi), z])


class OccupancyGrid:
    """Voxels (``VOXEL_MM``) that a surface passes through, over a box around all surfaces."""

    def __init__(self, surfaces: list[tuple[np.ndarray, np.ndarray]], voxel: float = VOXEL_MM,
                 margin: float = REACH_MM + 2 * VOXEL_MM):
        points = np.vstack([v for v, _ in surfaces])
        self.voxel = voxel
        self.origin = points.min(axis=0) - margin
        self.shape = tuple(int(s) for s in np.ceil((points.max(axis=0) + margin - self.origin) / voxel) + 1)
        self.cells = np.zeros(self.shape, bool)
        for vertices, faces in surfaces:
            self._mark(np.asarray(vertices, float), np.asarray(faces))

    def _mark(self, vertices: np.ndarray, faces: np.ndarray) -> None:
        """Mark the voxels a closed surface passes through, and those it encloses."""
        from scipy.ndimage import binary_fill_holes

        # vertices, edge midpoints and face centres: the meshes' edges are shorter than a voxel
        a, b, c = (vertices[faces[:, i]] for i in range(3))
        pts = np.vstack([vertices, (a + b) / 2, (b + c) / 2, (c + a) / 2, (a + b + c) / 3])
        ijk = np.floor((pts - self.origin) / self.voxel).astype(np.intp)
        lo = ijk.min(axis=0)
        local = np.zeros(tuple(ijk.max(axis=0) - lo + 1), bool)
        local[tuple((ijk - lo).T)] = True
        # filled: a march that starts past a touching neighbour's wall is inside it, so blocked
        local = binary_fill_holes(local)
        hi = lo + np.array(local.shape)
        self.cells[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] |= local

    def blocked(self, points: np.ndarray) -> np.ndarray:
        """Return whether each point (..., 3, mm) lies in a marked voxel (outside the box: no)."""
        ijk = np.floor((points - self.origin) / self.voxel).astype(np.intp)
        inside = np.all((ijk >= 0) & (ijk < np.array(self.shape)), axis=-1)
        ijk = np.where(inside[..., None], ijk, 0)
        return inside & self.cells[ijk[..., 0], ijk[..., 1], ijk[..., 2]]


def openness(grid: OccupancyGrid, vertices: np.ndarray, normals: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """Return each vertex's cosine-weighted share of unblocked directions (0 enclosed .. 1 open)."""
    dirs = sphere_directions()
    steps = np.arange(0.0, REACH_MM + 1e-9, grid.voxel * 0.75)  # march in 3/4 voxels
    out = np.empty(len(vertices))
    for start in range(0, len(vertices), chunk):
        v, n = vertices[start:start + chunk], normals[start:start + chunk]
        cos = n @ dirs.T  # (V, D)
        weight = np.where(cos > MIN_COS, cos, 0.0)
        origin = v + n * (CLEAR_VOXELS * grid.voxel)
        hit = np.zeros(cos.shape, bool)
        for t in steps:  # (V, D, 3) points, one distance at a time
            hit |= grid.blocked(origin[:, None, :] + t * dirs[None, :, :])
        total = weight.sum(axis=1)
        out[start:start + chunk] = np.where(total > 0, (weight * ~hit).sum(axis=1) / np.maximum(total, 1e-9), 1.0)
    return out


def smooth(values: np.ndarray, faces: np.ndarray, passes: int = SMOOTHING) -> np.ndarray:
    """Return ``values`` averaged with their mesh neighbours ``passes`` times."""
    edges = np.vstack([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    edges = np.vstack([edges, edges[:, ::-1]])
    count = np.bincount(edges[:, 0], minlength=len(values)) + 1.0
    for _ in range(passes):
        total = values.copy()
        np.add.at(total, edges[:, 0], values[edges[:, 1]])
        values = total / count
    return values


def _occluder_set(mesh) -> str | None:
    """Return the set a mesh shades in: "skeleton", a muscle layer, or None (it shades nothing)."""
    kind = mesh.extra.get("kind")
    if kind in SKELETON:
        return "skeleton"
    if kind == "muscle":
        return mesh.extra.get("layer") if mesh.extra.get("layer") in LAYERS else "middle"
    return None


def build(raw, part: BuildPart) -> BuildPart:
    """Bake the standing occlusion of every mesh in ``part`` (``raw`` is not needed)."""
    import time

    t0 = time.perf_counter()
    grids, sets = {}, {}
    for sid, mesh in sorted(part.meshes.items()):
        sets.setdefault(_occluder_set(mesh), []).append((mesh.vertices, mesh.faces))
    skeleton = sets.get("skeleton", [])
    for depth, layer in enumerate(LAYERS):  # a layer's grid holds it and every deeper one
        surfaces = skeleton + [s for deeper in LAYERS[:depth + 1] for s in sets.get(deeper, [])]
        grids[layer] = OccupancyGrid(surfaces) if surfaces else None
    grids["skeleton"] = OccupancyGrid(skeleton) if skeleton else None
    arrays = {}
    for sid, mesh in sorted(part.meshes.items()):
        grid = grids.get(_occluder_set(mesh) if mesh.extra.get("kind") == "muscle" else "skeleton")
        if grid is None:
            continue
        vertices, faces = np.asarray(mesh.vertices, float), np.asarray(mesh.faces)
        value = smooth(openness(grid, vertices, vertex_normals(vertices, faces)), faces)
        arrays[sid] = np.round(np.clip(value, 0.0, 1.0) * 255).astype(np.uint8)
    out = BuildPart(arrays={OCCLUSION_FILE: arrays})
    out.info["occlusion"] = {"file": OCCLUSION_FILE, "voxel_mm": VOXEL_MM, "reach_mm": REACH_MM,
                             "directions": DIRECTIONS}
    log.info("occlusion: %d meshes baked in %.1f s", len(arrays), time.perf_counter() - t0)
    return out
