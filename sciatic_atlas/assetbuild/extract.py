"""Read the musculoskeletal model (myo-sim ``myofullbody``) at its neutral pose.

Everything is returned in the program's world frame (see
:mod:`sciatic_atlas.anatomy.frame`), in millimetres: MuJoCo's metres are scaled by
1000 and the axes are kept (z up, -y anterior, the body's right side at -x).
"""

from __future__ import annotations

import functools
import warnings
from dataclasses import dataclass, field

import numpy as np

MM = 1000.0

# Bodies of the region this program shows; thorax, arms and head stay out.
REGION_BODIES = (
    "sacrum", "lumbar5", "lumbar4", "lumbar3", "lumbar2", "lumbar1", "pelvis",
    "femur_r", "tibia_r", "talus_r", "calcn_r", "toes_r", "patella_r",
    "femur_l", "tibia_l", "talus_l", "calcn_l", "toes_l", "patella_l",
)


@dataclass
class RawBone:
    """One bone mesh geom of the model, in world millimetres."""

    geom: str
    mesh: str
    body: str
    vertices: np.ndarray
    faces: np.ndarray
    model_vertices: np.ndarray | None = None  # as the model has them, where the atlas warps them (iliac_wing)


@dataclass
class RawMuscle:
    """One actuator (muscle or fascicle): its tendon path and parameters."""

    name: str  # actuator name, e.g. "piri_r", "MF_m1s_r"
    path: np.ndarray  # (K, 3) mm, origin to insertion, wrap points included
    path_bodies: list[str]  # body each path point moves with
    site_names: list[str]
    max_force: float  # N
    optimal_fibre_length: float  # mm (from the length range and the force-length range)
    tendon_length0: float  # mm, tendon path length at the neutral pose


@dataclass
class RawModel:
    """What the build needs from the model, at the neutral pose."""

    bones: dict[str, RawBone] = field(default_factory=dict)
    muscles: dict[str, RawMuscle] = field(default_factory=dict)
    sites: dict[str, tuple[np.ndarray, str]] = field(default_factory=dict)
    bodies: dict[str, dict] = field(default_factory=dict)  # name -> {pos, rot, parent}
    joints: dict[str, dict] = field(default_factory=dict)
    wrap_geoms: dict[str, dict] = field(default_factory=dict)
    couplings: dict[str, dict] = field(default_factory=dict)  # joint -> {driver, coef} (equality polynomials)
    source: dict = field(default_factory=dict)
    wing_warp: object = None  # the iliac wing warp applied to the pelvis (iliac_wing.WingWarp)


@functools.cache
def compiled_model(model_name: str = "myofullbody"):
    """Return the compiled MuJoCo model (once)."""
    from myo_sim.build.compose import build_spec

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_spec(model_name).compile()


@functools.cache
def load_raw_model(model_name: str = "myofullbody") -> RawModel:
    """Compile the model, run forward kinematics at qpos0 and collect its geometry."""
    import mujoco

    m = compiled_model(model_name)
    d = mujoco.MjData(m)
    raw = RawModel()
    raw.couplings = satisfy_joint_couplings(m, d)
    mujoco.mj_forward(m, d)
    raw.source = {
        "model": model_name,
        "mujoco": mujoco.__version__,
        "myo_sim": _version("myo-sim"),
    }
    for b in range(m.nbody):
        raw.bodies[m.body(b).name] = {
            "pos": d.xpos[b] * MM,
            "rot": d.xmat[b].reshape(3, 3).copy(),
            "parent": m.body(int(m.body_parentid[b])).name,
        }
    for g in range(m.ngeom):
        body = m.body(int(m.geom_bodyid[g])).name
        gtype = m.geom_type[g]
        if gtype == mujoco.mjtGeom.mjGEOM_MESH:
            if body not in REGION_BODIES:
                continue
            mid = int(m.geom_dataid[g])
            va, vn = m.mesh_vertadr[mid], m.mesh_vertnum[mid]
            fa, fn = m.mesh_faceadr[mid], m.mesh_facenum[mid]
            v = m.mesh_vert[va : va + vn].astype(np.float64)
            world = (d.geom_xpos[g] + v @ d.geom_xmat[g].reshape(3, 3).T) * MM
            raw.bones[m.geom(g).name] = RawBone(
                geom=m.geom(g).name, mesh=m.mesh(mid).name, body=body,
                vertices=world, faces=m.mesh_face[fa : fa + fn].astype(np.int64).copy(),
            )
        elif body in REGION_BODIES and int(gtype) in {
            int(mujoco.mjtGeom.mjGEOM_CYLINDER), int(mujoco.mjtGeom.mjGEOM_SPHERE),
            int(mujoco.mjtGeom.mjGEOM_ELLIPSOID), int(mujoco.mjtGeom.mjGEOM_CAPSULE),
        }:
            raw.wrap_geoms[m.geom(g).name] = {
                "type": int(gtype), "body": body, "pos": d.geom_xpos[g] * MM,
                "rot": d.geom_xmat[g].reshape(3, 3).copy(), "size": m.geom_size[g] * MM,
            }
    for s in range(m.nsite):
        raw.sites[m.site(s).name] = (d.site_xpos[s] * MM, m.body(int(m.site_bodyid[s])).name)
    for j in range(m.njnt):
        raw.joints[m.joint(j).name] = {
            "type": int(m.jnt_type[j]), "body": m.body(int(m.jnt_bodyid[j])).name, "order": j,
            "range": m.jnt_range[j].copy(), "limited": bool(m.jnt_limited[j]),
            "axis": d.xaxis[j].copy(), "anchor": d.xanchor[j] * MM,
        }
    wrap_xpos = d.wrap_xpos.reshape(-1, 3)
    for a in range(m.nu):
        if m.actuator_trntype[a] != mujoco.mjtTrn.mjTRN_TENDON:
            continue
        t = int(m.actuator_trnid[a, 0])
        adr, num = d.ten_wrapadr[t], d.ten_wrapnum[t]
        pts = wrap_xpos[adr : adr + num] * MM
        objs = d.wrap_obj.reshape(-1)[adr : adr + num]  # one entry per path point
        bodies, sites = [], []
        for p, o in zip(pts, objs):
            if o == -1:  # a site: find which by position
                k = int(np.argmin(np.linalg.norm(d.site_xpos * MM - p, axis=1)))
                bodies.append(m.body(int(m.site_bodyid[k])).name)
                sites.append(m.site(k).name)
            else:  # a tangent point on a wrapping geom
                bodies.append(m.body(int(m.geom_bodyid[int(o)])).name)
                sites.append(f"wrap:{m.geom(int(o)).name}")
        gain = m.actuator_gainprm[a]
        lr = m.actuator_lengthrange[a]
        span = float(gain[1] - gain[0]) or 1.0
        raw.muscles[m.actuator(a).name] = RawMuscle(
            name=m.actuator(a).name, path=pts, path_bodies=bodies, site_names=sites,
            max_force=float(abs(gain[2])), optimal_fibre_length=float((lr[1] - lr[0]) / span * MM),
            tendon_length0=float(m.tendon_length0[t] * MM),
        )
    from sciatic_atlas.assetbuild.iliac_wing import raise_iliac_wings

    raise_iliac_wings(raw)  # the crests up to L4/L5 (data/iliac_wing.yaml)
    return raw


def satisfy_joint_couplings(m, d) -> dict[str, dict]:
    """Give joints driven by joint-equality polynomials their coupled values.

    ``mj_forward`` at ``qpos0`` does not enforce equality constraints, and the
    patella's translations follow the knee angle with a constant term (52 mm at
    full extension): without this the patella sits inside the knee, behind the
    femur. MuJoCo's joint coupling: ``q1 - q1_0 = sum_k c_k (q2 - q2_0)^k``.
    """
    import mujoco

    couplings = {}
    for e in range(m.neq):
        if m.eq_type[e] != mujoco.mjtEq.mjEQ_JOINT or not m.eq_active0[e]:
            continue
        a1 = m.jnt_qposadr[m.eq_obj1id[e]]
        x = 0.0
        if m.eq_obj2id[e] >= 0:
            a2 = m.jnt_qposadr[m.eq_obj2id[e]]
            x = d.qpos[a2] - m.qpos0[a2]
            couplings[m.joint(m.eq_obj1id[e]).name] = {"driver": m.joint(m.eq_obj2id[e]).name,
                                                       "coef": m.eq_data[e][:5].copy()}
        d.qpos[a1] = m.qpos0[a1] + sum(c * x**k for k, c in enumerate(m.eq_data[e][:5]))
    return couplings


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "unknown"
