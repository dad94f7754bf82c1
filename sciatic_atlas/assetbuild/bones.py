"""Bone stage: one refined, closed surface per bone structure id.

Two routes, chosen per bone in :data:`ATLAS_FITS`:

* **template fit** (hip bones, sacrum, femur, patella, tibia, fibula): the CT-based
  mean shapes of ``musculoskeletal-models`` (:mod:`~sciatic_atlas.assetbuild.bone_atlas`)
  are fitted onto the model's coarse bones (similarity ICP, then a smooth warp;
  :mod:`~sciatic_atlas.assetbuild.bone_register`), so the greater sciatic notch,
  ischial spine, trochanters, fibular head and neck and malleoli are real
  anatomical shapes, yet the bones sit where the model's muscles attach;
* **refinement** (lumbar vertebrae, talus, foot, toes): the model's mesh is
  repaired part by part, butterfly-subdivided and Taubin-smoothed
  (:func:`~sciatic_atlas.assetbuild.mesh_ops.refine`).

Every mesh keeps the model body (segment) it moves with.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sciatic_atlas.assetbuild import mesh_ops
from sciatic_atlas.assetbuild.bone_register import best_similarity, icp_similarity, smooth_warp, subsample
from sciatic_atlas.assetbuild.model_map import SIDES, bone_geoms
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AtlasFit:
    """Which template parts replace which model bones.

    ``structures`` lists the structure ids fitted together, in the order of the
    template's parts (largest first) as matched to them by distance.
    """

    atlas: str  # key of bone_atlas.ATLAS_FILES
    structures: tuple[str, ...]
    k: int  # template divisions per element edge (sets the triangle count)


def atlas_fits() -> list[AtlasFit]:
    """Return the template fits for both sides."""
    fits = [AtlasFit("pelvis", ("sacrum", "hip_bone_r", "hip_bone_l"), 7)]
    for s in SIDES:
        fits += [
            AtlasFit(f"femur_{s}", (f"femur_{s}",), 10),
            AtlasFit(f"tibia_fibula_{s}", (f"tibia_{s}", f"fibula_{s}"), 9),
            AtlasFit(f"patella_{s}", (f"patella_{s}",), 8),
        ]
    return fits


# Warp scales (mm, coarse to fine) per fitted structure. The sacrum goes finer:
# its S1 end plate must meet the L5/S1 disc the model's spine was built with.
DEFAULT_WARP_SIGMAS = (30.0, 18.0, 10.0)
WARP_SIGMAS = {"sacrum": (30.0, 18.0, 10.0, 6.0, 4.0)}

# Butterfly levels for bones refined from the model mesh, and triangle caps
# (quadric decimation) where the subdivided model mesh would exceed the budget.
REFINE_LEVELS = {"talus": 2, "foot_bones": 1, "toe_bones": 1}
DEFAULT_REFINE_LEVELS = 2
TRIANGLE_CAPS = {"foot_bones": 6000, "toe_bones": 4000}


def _raw_mesh(raw, geoms: list[str], model: bool = False) -> mesh_ops.Mesh:
    """The joined geoms; ``model``: the model's own vertices where the atlas warps them."""
    vs, fs, off = [], [], 0
    for g in geoms:
        b = raw.bones[g]
        vs.append(b.model_vertices if model and b.model_vertices is not None else b.vertices)
        fs.append(b.faces + off)
        off += len(b.vertices)
    return np.vstack(vs), np.vstack(fs)


def refine_raw(vertices: np.ndarray, faces: np.ndarray, levels: int) -> mesh_ops.Mesh:
    """Repair each connected part, subdivide and smooth; return the joined closed mesh."""
    vs, fs, off = [], [], 0
    for v, f in mesh_ops.connected_parts(vertices, faces):
        v, f = mesh_ops.refine(v, f, levels=levels, smooth=6)
        vs.append(v)
        fs.append(f + off)
        off += len(v)
    return np.vstack(vs), np.vstack(fs)


def _dense_target(vertices: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Points densely covering a model bone's surface (vertices of its refined mesh)."""
    v, f = mesh_ops.repair(vertices, faces)
    v, _ = mesh_ops.butterfly(v, f, 2)
    return v


def fit_template(fit: AtlasFit, raw_meshes: dict[str, mesh_ops.Mesh]) -> dict[str, mesh_ops.Mesh]:
    """Fit one template (all its parts) onto the model bones it replaces.

    Parameters
    ----------
    fit : AtlasFit
        The template and the structure ids it stands for.
    raw_meshes : dict
        ``structure_id -> (vertices, faces)`` of the model's bones (mm).

    Returns
    -------
    dict
        ``structure_id -> (vertices, faces)``: the fitted template parts (mm).
    """
    from sciatic_atlas.assetbuild.bone_atlas import atlas_parts

    parts = atlas_parts(fit.atlas, fit.k)[: len(fit.structures)]
    targets = {sid: _dense_target(*raw_meshes[sid]) for sid in fit.structures}
    src = np.vstack([p.vertices for p in parts])
    dst = np.vstack([targets[sid] for sid in fit.structures])
    joint, rms = best_similarity(src, dst)
    log.debug("%s: joint similarity rms %.2f mm, scale %.3f", fit.atlas, rms, joint.scale)
    out = {}
    free = list(fit.structures)
    for part in parts:
        moved = joint.apply(part.vertices)
        # the part belongs to the nearest remaining model bone (mean closest-point distance)
        sid = min(free, key=lambda s: float(np.mean(_nearest(moved[::7], targets[s]))))
        free.remove(sid)
        own, rms = icp_similarity(subsample(part.vertices), subsample(targets[sid]), init=joint, iterations=30)
        v = smooth_warp(own.apply(part.vertices), targets[sid], WARP_SIGMAS.get(sid, DEFAULT_WARP_SIGMAS))
        v = mesh_ops.taubin(v, part.faces, iterations=3)
        out[sid] = mesh_ops.orient_outward(v, part.faces.copy())
        log.debug("%s -> %s: rms %.2f mm", fit.atlas, sid, rms)
    return out


def _nearest(points: np.ndarray, target: np.ndarray) -> np.ndarray:
    from scipy.spatial import cKDTree

    return cKDTree(target).query(points)[0]


def build(raw) -> BuildPart:
    """Build every bone mesh of the atlas from the model ``raw`` (world mm)."""
    part = BuildPart()
    geoms = bone_geoms()
    raw_meshes = {sid: _raw_mesh(raw, g) for sid, (g, _) in geoms.items()}
    fitted: dict[str, mesh_ops.Mesh] = {}
    for fit in atlas_fits():
        fitted.update(fit_template(fit, {sid: _raw_mesh(raw, geoms[sid][0], model=True) for sid in fit.structures}))
    if raw.wing_warp is not None:  # fitted to the model's pelvis, then warped as the model was
        for s in SIDES:
            v, f = fitted[f"hip_bone_{s}"]
            fitted[f"hip_bone_{s}"] = (raw.wing_warp.apply(v), f)
    for sid, (_, body) in sorted(geoms.items()):
        if sid in fitted:
            v, f = fitted[sid]
            how = "template"
        else:
            base = sid[:-2] if sid[-2:] in ("_l", "_r") else sid
            v, f = refine_raw(*raw_meshes[sid], REFINE_LEVELS.get(base, DEFAULT_REFINE_LEVELS))
            if base in TRIANGLE_CAPS:
                v, f = mesh_ops.decimate(v, f, TRIANGLE_CAPS[base])
            how = "refined"
        part.meshes[sid] = BuiltMesh(v, f, body, extra={"kind": "bone", "geometry": how})
    part.info["bones"] = {"template": "musculoskeletal-models 0.2.4 (LLP26 mean shapes)"}
    return part
