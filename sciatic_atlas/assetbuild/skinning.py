"""Skinning weights: which bodies each vertex of a soft structure moves with, for posing.

Bones are rigid: each moves with its one body. Everything else (muscles, nerves,
discs, the spinal canal, the skin) bends at the joints by linear blend skinning: a
vertex moves with a weighted mix of up to :data:`SLOTS` bodies.

- The skin takes MakeHuman's own weights (thigh, leg, foot, toes of each side, as
  painted by the MakeHuman artists, CC0). What MakeHuman gives to its pelvis and spine
  bones is shared here among the model's trunk bodies by nearness, so that the lower
  back bends with the lumbar vertebrae.
- Every other soft vertex is weighted by how near it lies to each body's bones: with
  ``d`` the distance to a body's bone surface and ``d0`` the nearest, the weight is
  ``exp(-(d - d0) / FALLOFF_MM)``. A muscle belly lying on the femur moves with the
  femur; near a joint, where two bones are about as near, it blends between them, so
  the surface bends instead of tearing.

Centrelines and landmarks get weights the same way, so that labels, marks and the
nerve-bed lengths follow the pose.

Written to ``assets/skinning.npz``: for each mesh id ``<id>:bodies`` ((N, SLOTS)
uint8, indices into ``model.json``'s ``skinning.bodies``) and ``<id>:weights``
((N, SLOTS) float32, rows summing to 1); ``centreline:<id>:...`` likewise;
``landmarks:...`` in the order of the sorted landmark names.
"""

from __future__ import annotations

import logging

import numpy as np
from scipy.spatial import cKDTree

from sciatic_atlas.assetbuild.parts import BuildPart

log = logging.getLogger(__name__)

SKINNING_FILE = "skinning.npz"
SLOTS = 4  # bodies per vertex
FALLOFF_MM = 20.0  # how fast a farther bone's share falls off (wider: smoother bends, fewer stretched edges)
TRUNK_BODIES = ("pelvis", "sacrum", "lumbar5", "lumbar4", "lumbar3", "lumbar2", "lumbar1")
# MakeHuman weight channels (skin_makehuman.npz) -> model body, per side.
MAKEHUMAN_BODIES = {"thigh": "femur", "leg": "tibia", "foot": "calcn",
                    "toe1": "toes", "toe2": "toes", "toe3": "toes", "toe4": "toes", "toe5": "toes"}


def model_body(name: str, bodies) -> str:
    """Return the model body a bone mesh's ``body`` names (``pelvis_r`` is the model's ``pelvis``)."""
    if name in bodies:
        return name
    base = name.rsplit("_", 1)[0]
    if base in bodies:
        return base
    raise ValueError(f"bone body {name!r} is not a body of the model")


def bone_trees(part: BuildPart, bodies) -> tuple[list[str], list[cKDTree]]:
    """Return the bodies that carry bone, and a search tree over each one's bone vertices."""
    points: dict[str, list[np.ndarray]] = {}
    for sid, mesh in sorted(part.meshes.items()):
        if mesh.extra.get("kind") == "bone":
            points.setdefault(model_body(mesh.body, bodies), []).append(np.asarray(mesh.vertices, float))
    names = sorted(points)
    return names, [cKDTree(np.vstack(points[n])) for n in names]


def nearness_weights(points: np.ndarray, trees: list[cKDTree], allowed: np.ndarray | None = None) -> np.ndarray:
    """Return (N, B) weights from nearness to each body's bones (rows sum to 1)."""
    points = np.asarray(points, float).reshape(-1, 3)
    dist = np.column_stack([tree.query(points, k=1)[0] for tree in trees])
    if allowed is not None:
        dist = np.where(allowed[None, :], dist, np.inf)
    w = np.exp(-(dist - dist.min(axis=1, keepdims=True)) / FALLOFF_MM)
    return w / w.sum(axis=1, keepdims=True)


def top_slots(dense: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keep each row's :data:`SLOTS` largest weights, renormalised: (indices uint8, weights float32)."""
    order = np.argsort(-dense, axis=1, kind="stable")[:, :SLOTS]
    w = np.take_along_axis(dense, order, axis=1)
    w = np.where(w < 1e-3, 0.0, w)
    w = w / w.sum(axis=1, keepdims=True)
    return order.astype(np.uint8), np.round(w, 4).astype(np.float32)


def side_bodies(names: list[str], side: str) -> np.ndarray | None:
    """Return which bodies a structure of ``side`` ('_r', '_l' or '') may follow: its own side and the midline.

    The thighs touch at the midline: without this, a vertex of the left gracilis lying
    against the right thigh would follow the right femur.
    """
    other = {"_r": "_l", "_l": "_r"}.get(side)
    return None if other is None else np.array([not n.endswith(other) for n in names])


def _side(name: str) -> str:
    return name[-2:] if name[-2:] in ("_r", "_l") else ""


def _skin_dense(points, makehuman: dict[str, np.ndarray], names: list[str], trees) -> np.ndarray:
    dense = np.zeros((len(points), len(names)))
    for channel, values in makehuman.items():
        side, part = channel.split("_", 1)
        dense[:, names.index(f"{MAKEHUMAN_BODIES[part]}_{side}")] += np.clip(values, 0.0, 1.0)
    legs = np.clip(dense.sum(axis=1), 0.0, 1.0)
    dense /= np.maximum(dense.sum(axis=1, keepdims=True), 1.0)
    trunk = np.array([n in TRUNK_BODIES for n in names])
    dense += (1.0 - legs)[:, None] * nearness_weights(points, trees, allowed=trunk)
    return dense / dense.sum(axis=1, keepdims=True)


def build(raw, part: BuildPart) -> BuildPart:
    """Compute the weights of every soft mesh, centreline and landmark built so far."""
    names, trees = bone_trees(part, raw.bodies)
    arrays: dict[str, np.ndarray] = {}

    def put(key: str, dense: np.ndarray) -> None:
        arrays[f"{key}:bodies"], arrays[f"{key}:weights"] = top_slots(dense)

    for sid, mesh in sorted(part.meshes.items()):
        if mesh.extra.get("kind") == "bone":
            continue
        if sid in part.vertex_weights:
            put(sid, _skin_dense(mesh.vertices, part.vertex_weights[sid], names, trees))
        else:
            put(sid, nearness_weights(mesh.vertices, trees, side_bodies(names, _side(sid))))
    for name, points in sorted(part.centrelines.items()):
        put(f"centreline:{name}", nearness_weights(points, trees, side_bodies(names, _side(name))))
    landmarks = sorted(part.landmarks)
    if landmarks:
        sides = {"right": "_r", "left": "_l"}
        put("landmarks", np.vstack([
            nearness_weights(part.landmarks[n].position, trees, side_bodies(names, sides.get(part.landmarks[n].side, "")))
            for n in landmarks]))
    out = BuildPart()
    out.arrays[SKINNING_FILE] = arrays
    out.info["skinning"] = {"file": SKINNING_FILE, "bodies": names, "slots": SLOTS, "falloff_mm": FALLOFF_MM,
                            "skin": "MakeHuman weights (legs); trunk share by nearness to the trunk bones"}
    log.info("skinning: %d meshes, %d centrelines weighted over %d bodies",
             sum(1 for k in arrays if k.endswith(":bodies") and ":" not in k[:-7]), len(part.centrelines), len(names))
    return out


def muscle_paths(raw) -> dict[str, list[dict]]:
    """Return each muscle's actuator paths: points (mm, neutral pose) and the body each moves with.

    A muscle's length in a pose is the mean length of its paths, each point carried by
    its body (MuJoCo's sites; wrapping tangent points are carried by the wrapping geom's
    body, so wrapping is followed only as far as the neutral pose's tangent points).
    """
    from sciatic_atlas.assetbuild.model_map import muscle_actuators

    out = {}
    for sid, actuators in sorted(muscle_actuators(raw.muscles).items()):
        paths = [raw.muscles[a] for a in actuators if a in raw.muscles]
        if paths:
            out[sid] = [{"actuator": m.name, "points": np.round(m.path, 2).tolist(), "bodies": list(m.path_bodies)}
                        for m in paths]
    return out


def joint_couplings(raw) -> dict[str, dict]:
    """Return the joints the model drives from another: ``{joint: {driver, coef}}`` (MuJoCo polynomials).

    ``q - q0 = sum_k coef[k] (driver - driver0)^k``, in radians or metres; only couplings
    whose joints sit on the bodies this program shows.
    """
    from sciatic_atlas.assetbuild.extract import REGION_BODIES

    return {name: {"driver": c["driver"], "coef": [round(float(x), 6) for x in c["coef"]]}
            for name, c in sorted(raw.couplings.items())
            if raw.joints[name]["body"] in REGION_BODIES}
