"""The wrapping part of muscle lengths, fitted to MuJoCo's own tendon lengths.

The program poses the model without MuJoCo (``anatomy/pose.py`` reproduces its forward
kinematics to 0.02 mm) and measures a muscle along its stored path points, each carried
rigidly by its body. That misses how a path wraps round bone (the iliopsoas over the pelvic
brim, gracilis and the hamstrings round the knee): iliacus shortens 37% in child's pose in
MuJoCo and not at all along its rigid path.

So the build samples the model: random joint angles over the ranges of the joints a side's
muscles cross (hip, knee, ankle, subtalar, toes and the lumbar spine), each with the model's
coupled joints set. At each sample MuJoCo gives every tendon's length with its wrapping, and
the rigid path length is measured as the program measures it. Their difference, the
wrapping correction, is fitted for each muscle (the mean of its actuators) by least squares
with a polynomial of the joint angles: linear, square and cubic terms of each joint and the
products of pairs. Where a muscle does not wrap the correction is about zero and the rigid
path is exact; where it wraps the polynomial carries the wrap. The fit's error on samples it
was not fitted to is recorded with it.
"""

from __future__ import annotations

import itertools
import logging

import numpy as np

from sciatic_atlas.assetbuild.extract import MM, compiled_model, satisfy_joint_couplings

log = logging.getLogger(__name__)

SIDE_JOINTS = ("hip_flexion", "hip_adduction", "hip_rotation", "knee_angle", "ankle_angle", "subtalar_angle",
               "mtp_angle")
TRUNK_JOINTS = ("flex_extension", "lat_bending", "axial_rotation")
SAMPLES = 1500  # fitted
CHECKS = 300  # held out, to measure the fit
SEED = 13


def joints_for(side: str) -> tuple[str, ...]:
    """Return the joints a muscle of ``side`` ('r' or 'l') may cross, in fit order."""
    return tuple(f"{j}_{side}" for j in SIDE_JOINTS) + TRUNK_JOINTS


def features(q: np.ndarray) -> np.ndarray:
    """Return the fit's terms of joint angles ``q`` ((S, J) radians): 1, q, q^2, q^3, and q_i q_j."""
    q = np.atleast_2d(q)
    pairs = [q[:, i] * q[:, j] for i, j in itertools.combinations(range(q.shape[1]), 2)]
    return np.column_stack([np.ones(len(q)), q, q**2, q**3, *pairs])


def _sample(m, d, names: tuple[str, ...], rng, count: int):
    """Return ``count`` random joint configurations (radians), every tendon's length (mm) there,
    and every body's placement (positions mm, rotations)."""
    import mujoco

    ids = [m.joint(n).id for n in names]
    low, high = m.jnt_range[ids, 0], m.jnt_range[ids, 1]
    q = rng.uniform(low, high, size=(count, len(ids)))
    q[0] = 0.0  # standing is always a sample
    lengths = np.empty((count, m.ntendon))
    positions, rotations = np.empty((count, m.nbody, 3)), np.empty((count, m.nbody, 3, 3))
    for k in range(count):
        d.qpos[:] = m.qpos0
        d.qpos[m.jnt_qposadr[ids]] = m.qpos0[m.jnt_qposadr[ids]] + q[k]
        satisfy_joint_couplings(m, d)
        mujoco.mj_fwdPosition(m, d)
        lengths[k] = d.ten_length * MM
        positions[k], rotations[k] = d.xpos * MM, d.xmat.reshape(-1, 3, 3)
    return q, lengths, positions, rotations


def rigid_length(m, raw, actuator: str, positions: np.ndarray, rotations: np.ndarray) -> np.ndarray:
    """Return an actuator's path length (mm) at each sample, its points carried rigidly by their bodies."""
    muscle = raw.muscles[actuator]
    points = []
    for point, body in zip(muscle.path, muscle.path_bodies):
        b = m.body(body).id
        local = np.asarray(raw.bodies[body]["rot"]).T @ (np.asarray(point) - np.asarray(raw.bodies[body]["pos"]))
        points.append(np.einsum("sij,j->si", rotations[:, b], local) + positions[:, b])
    points = np.stack(points, axis=1)  # (S, K, 3)
    return np.linalg.norm(np.diff(points, axis=1), axis=2).sum(axis=1)


def fit_lengths(raw, muscle_actuators: dict[str, list[str]], model_name: str = "myofullbody") -> dict:
    """Return ``{muscle id: {joints, coef, rms_mm, max_mm}}`` for every muscle with actuators.

    ``coef`` multiplies :func:`features` of the joint angles in radians (``joints`` order)
    and gives the wrapping correction in mm: MuJoCo's length (the mean of the muscle's
    actuators) minus the rigid path length. ``rms_mm`` and ``max_mm`` are its misses on
    held-out samples.
    """
    import mujoco

    m = compiled_model(model_name)
    d = mujoco.MjData(m)
    rng = np.random.default_rng(SEED)
    out = {}
    for side in ("r", "l"):
        names = joints_for(side)
        q, lengths, positions, rotations = _sample(m, d, names, rng, SAMPLES + CHECKS)
        terms = features(q)
        for sid, actuators in sorted(muscle_actuators.items()):
            if not sid.endswith(f"_{side}") or not actuators:
                continue
            tendons = [int(m.actuator_trnid[m.actuator(a).id, 0]) for a in actuators]
            rigid = np.mean([rigid_length(m, raw, a, positions, rotations) for a in actuators], axis=0)
            target = lengths[:, tendons].mean(axis=1) - rigid
            coef, *_ = np.linalg.lstsq(terms[:SAMPLES], target[:SAMPLES], rcond=None)
            miss = terms[SAMPLES:] @ coef - target[SAMPLES:]
            out[sid] = {"joints": list(names), "coef": np.round(coef, 5).tolist(),
                        "rms_mm": round(float(np.sqrt(np.mean(miss**2))), 2),
                        "max_mm": round(float(np.abs(miss).max()), 2)}
    worst = sorted(out.items(), key=lambda kv: -kv[1]["max_mm"])[:3]
    log.info("muscle length fits: worst held-out misses %s",
             ", ".join(f"{sid} {v['max_mm']} mm" for sid, v in worst))
    return out
