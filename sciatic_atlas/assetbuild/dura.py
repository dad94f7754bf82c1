"""Dura stage: the dural (thecal) sac in the vertebral canal, its root sleeves, and the cauda equina.

Anatomy (Moore KL et al., Clinically Oriented Anatomy 9e, 2023, Back: "Spinal cord", "Spinal
meninges"; Standring S, Gray's Anatomy 42e, 2020, "Spinal cord and spinal nerves"): the spinal
dura mater forms a tube, the dural sac, that lies free in the vertebral canal (separated from the
bone by the fat of the epidural space) and ends at about the S2 vertebral level; it holds the
cerebrospinal fluid of the subarachnoid space (below the cord: the lumbar cistern). The cord ends
at about the L1/L2 disc in its conus medullaris; the roots below it descend in the sac as the
cauda equina, each leaving the sac through its own dural root sleeve about one level above the
foramen it exits through (:mod:`~sciatic_atlas.assetbuild.nerve_roots`). The filum terminale runs
on from the tip of the conus to the end of the sac (and beyond, to the coccyx: not built, the
model's sacrum is solid).

The sac is the built ``spinal_canal`` (:mod:`~sciatic_atlas.assetbuild.bone_canal`) shrunk about
its own axis (the epidural space between them), tapering in the sacral canal to a closed end at
the canal's S2 section. Where a root has left the sac and runs on in the lateral recess, the
sac's wall is dented so the root stays outside it. The strands themselves are laid in
:mod:`~sciatic_atlas.assetbuild.cauda`. Runs after the nerves stage (it joins the roots that
stage built) and before skinning (which weights these soft meshes for posing). World frame, mm.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from sciatic_atlas.assetbuild import cauda
from sciatic_atlas.assetbuild.bone_canal import N_AROUND, SACRAL_STEPS
from sciatic_atlas.assetbuild.mesh_ops import SignedDistance, loft_closed
from sciatic_atlas.assetbuild.nerve_geometry import Section, detailed_tube, resample
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh

log = logging.getLogger(__name__)

SAC_SCALE = 0.78  # sac section / canal section: the rest is the epidural space (modelling choice)
TAPER_FROM = SACRAL_STEPS[0]  # mm down the canal from the L5/S1 disc's height (about S1): the sac starts to narrow
END_SCALE = 0.12  # size of the last ring, relative to the full sac, before its closed end
SLEEVE_BACK, SLEEVE_OUT = 3.0, 9.0  # mm of a root sleeve inside and outside the sac's wall
SLEEVE_OVER = (1.4, 0.7)  # mm a sleeve's diameter exceeds its root's: at the sac, at its end
ROOT_SLEEVE = 8.0  # mm along an L4, L5 or S1 root (it starts where it leaves the sac) to its sleeve's wall
DENT_GAP = 0.8  # mm kept between the sac's wall and a root that has left it
EPIDURAL = 1.2  # mm kept between the sac and the lumbar bones and discs (the canal is an ellipse, the bone is not)
CLEAR_OF = ("vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4", "vertebra_l5",
            "disc_l1_l2", "disc_l2_l3", "disc_l3_l4", "disc_l4_l5", "disc_l5_s1")


@dataclass
class Sac:
    """Rings of the sac (R, K, 3) from top to bottom with their centres, lateral and AP axes."""

    rings: np.ndarray
    centres: np.ndarray
    ex: np.ndarray  # unit lateral (+x) direction in each ring's plane
    ey: np.ndarray  # unit posterior (+y) direction in each ring's plane
    hw: np.ndarray  # half-width (mm) of each ring
    hd: np.ndarray  # half-depth (mm) of each ring
    taper_z: float  # height (mm) where the sac starts to narrow to its end

    def measure(self) -> None:
        """Set ``hw`` and ``hd`` from the rings (after they have been reshaped)."""
        rel = self.rings - self.centres[:, None, :]
        self.hw = np.abs(np.einsum("rkc,rc->rk", rel, self.ex)).max(axis=1)
        self.hd = np.abs(np.einsum("rkc,rc->rk", rel, self.ey)).max(axis=1)

    def mesh(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the closed sac surface: a flat top where the model's canal starts, a blunt end."""
        axis = self.centres[-1] - self.centres[-2]
        end = self.centres[-1] + 0.5 * np.linalg.norm(axis) * axis / np.linalg.norm(axis)
        return loft_closed(self.rings, self.centres[0], end)

    def at(self, z: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, float]:
        """Return ``(centre, ex, ey, half_width, half_depth)`` at height ``z`` (interpolated)."""
        zs = self.centres[::-1, 2]

        def f(a):
            a = a[::-1]
            return np.array([np.interp(z, zs, a[:, k]) for k in range(a.shape[1])]) if a.ndim > 1 else float(np.interp(z, zs, a))
        return f(self.centres), f(self.ex), f(self.ey), f(self.hw), f(self.hd)

    def point(self, z: float, lateral: float, back: float, sign: float) -> np.ndarray:
        """Return the point at height ``z``, ``lateral`` x half-width to side ``sign``, ``back`` x half-depth."""
        c, ex, ey, hw, hd = self.at(z)
        return c + sign * lateral * hw * ex + back * hd * ey


def canal_rings(vertices: np.ndarray) -> np.ndarray:
    """Return the rings (R, K, 3) the canal was lofted from (:func:`bone_canal.loft_canal` layout)."""
    v = np.asarray(vertices, float)[1:-1]
    if len(v) % N_AROUND:
        raise ValueError("spinal_canal is not a loft of rings of N_AROUND points")
    return v.reshape(-1, N_AROUND, 3)


def shape_sac(canal_vertices: np.ndarray, l5_s1_z: float) -> Sac:
    """Shrink the canal's rings (doubled along it) about their centres; taper below the L5/S1 disc (height ``l5_s1_z``)."""
    rings = canal_rings(canal_vertices)
    mid = (rings[:-1] + rings[1:]) / 2
    rings = np.vstack([np.stack([a, b]) for a, b in zip(rings[:-1], mid)] + [rings[-1:]])
    centres = rings.mean(axis=1)
    # the canal's sacral sections step along its axis; below the S1 section the sac narrows to its end
    depth = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(centres, axis=0), axis=1))]
    start = np.interp(l5_s1_z, centres[::-1, 2], depth[::-1]) + TAPER_FROM
    k = np.clip((depth - start) / max(depth[-1] - start, 1e-6), 0.0, 1.0)
    scale = SAC_SCALE * (1.0 - (1.0 - END_SCALE) * k ** 1.5)
    rings = centres[:, None, :] + scale[:, None, None] * (rings - centres[:, None, :])
    tang = np.gradient(centres, axis=0)
    tang /= np.linalg.norm(tang, axis=1, keepdims=True)
    ex = np.array([1.0, 0.0, 0.0]) - tang[:, :1] * tang
    ex /= np.linalg.norm(ex, axis=1, keepdims=True)
    ey = np.cross(tang, ex)
    ey *= np.sign(ey[:, 1:2])  # posterior
    sac = Sac(rings, centres, ex, ey, np.zeros(len(rings)), np.zeros(len(rings)), float(np.interp(start, depth, centres[:, 2])))
    sac.measure()
    return sac


class BoneDistance:
    """Signed distance (mm) to the nearest of several closed surfaces, with the sign by ray parity.

    (:class:`~sciatic_atlas.assetbuild.nerve_geometry.BoneField` takes its sign from the nearest
    surface normal, which flips in places inside a vertebra's foramen.)
    """

    def __init__(self, meshes):
        self._parts = [(SignedDistance(v, f), np.min(v, axis=0) - 15.0, np.max(v, axis=0) + 15.0) for v, f in meshes]

    def distance(self, points: np.ndarray) -> tuple[np.ndarray, None]:
        points = np.atleast_2d(np.asarray(points, float))
        out = np.full(len(points), np.inf)
        for sd, lo, hi in self._parts:
            near = np.all((points > lo) & (points < hi), axis=1)
            if near.any():
                out[near] = np.minimum(out[near], sd(points[near]))
        return out, None


def clear_bone(sac: Sac, field: BoneDistance, gap: float = EPIDURAL) -> None:
    """Pull ring points towards their ring's centre until they are ``gap`` mm clear of ``field`` (in place)."""
    rel = sac.rings - sac.centres[:, None, :]
    radius = np.linalg.norm(rel, axis=2)
    u = rel / radius[..., None]
    r = radius.copy()
    for _ in range(8):
        d, _grad = field.distance((sac.centres[:, None, :] + u * r[..., None]).reshape(-1, 3))
        short = np.maximum(gap - d.reshape(r.shape), 0.0)
        if not short.any():
            break
        r = np.maximum(r - short - 0.2 * (short > 0), 0.3 * radius)
    r = np.minimum(r, (np.roll(r, 1, axis=1) + r + np.roll(r, -1, axis=1)) / 3)
    sac.rings = sac.centres[:, None, :] + u * r[..., None]
    # the ellipse each ring still holds (the strands are laid in it), never widening suddenly
    held = (r / radius).min(axis=1)
    held = np.min([np.roll(held, k) for k in (-2, -1, 0, 1, 2)], axis=0)
    held[[0, 1, -2, -1]] = (r / radius).min(axis=1)[[0, 1, -2, -1]]
    sac.hw, sac.hd = sac.hw * held, sac.hd * held


def crossing(path: np.ndarray, inside: SignedDistance) -> float | None:
    """Return the arc length (mm) where ``path`` leaves the sac for good, or None if it never does."""
    d = inside(path)
    into = np.nonzero((d[:-1] <= 0) & (d[1:] > 0))[0]  # the last step from inside to outside
    if not len(into):
        return None
    i = into[-1] + 1
    t = d[i - 1] / (d[i - 1] - d[i])  # linear between the last point inside and the first outside
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    return float(arc[i - 1] + t * (arc[i] - arc[i - 1]))


def _piece(path: np.ndarray, a: float, b: float) -> np.ndarray:
    """Return the part of ``path`` between arc lengths ``a`` and ``b`` (mm), resampled every 0.5 mm."""
    dense = resample(path, 0.5)
    arc = np.arange(len(dense)) * np.linalg.norm(np.diff(dense, axis=0), axis=1).mean()
    keep = dense[(arc >= a) & (arc <= b)]
    return keep if len(keep) >= 2 else dense[-2:]


def sleeve(path: np.ndarray, diameter: float, at: float) -> tuple[np.ndarray, np.ndarray]:
    """Return a root sleeve: a short dural tube round ``path`` where it leaves the sac at arc ``at``."""
    piece = resample(_piece(path, max(at - SLEEVE_BACK, 0.0), at + SLEEVE_OUT), 2.0)
    d0, d1 = diameter + SLEEVE_OVER[0], diameter + SLEEVE_OVER[1]
    return detailed_tube(piece, [Section(0.0, d0, d0), Section(1.0, d1, d1)], "sleeve")


def dent(sac: Sac, outside: list[tuple[np.ndarray, float]]) -> None:
    """Pull the sac's wall in where a root that has left it runs alongside (in place).

    ``outside``: (points every 0.5 mm, radius + gap) of each root beyond its sleeve. Each ring
    point's distance from the ring centre is capped where its ray from the centre meets the
    root's cross-section (a circle in the ring's plane), then smoothed round the ring.
    """
    tang = np.cross(sac.ex, sac.ey)
    for r, c in enumerate(sac.centres):
        rel = sac.rings[r] - c
        dist = np.linalg.norm(rel, axis=1)
        u = rel / dist[:, None]
        cap = dist.copy()
        for pts, radius in outside:
            dz = (pts - c) @ tang[r]
            near = np.abs(dz) < radius
            for q, h in zip(pts[near] - c - dz[near, None] * tang[r], dz[near]):
                rr = np.sqrt(radius ** 2 - h ** 2)
                along = u @ q
                miss2 = q @ q - along ** 2
                hit = (along > 0) & (miss2 < rr ** 2)
                entry = along - np.sqrt(np.maximum(rr ** 2 - miss2, 0.0))
                cap = np.where(hit, np.minimum(cap, np.maximum(entry, 0.25 * dist)), cap)
        if np.all(cap == dist):
            continue
        smooth = np.minimum(cap, (np.roll(cap, 1) + cap + np.roll(cap, -1)) / 3)
        sac.rings[r] = c + u * smooth[:, None]


def keep_inside(sac: Sac, strand, inside: SignedDistance, margin: float = 0.5) -> None:
    """Move a strand's points in the sac towards its axis until they are ``margin`` mm inside (in place).

    Only the course before the strand's own sleeve; a strand that joins a root keeps its end.
    """
    path = strand.path
    arc = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
    own = strand.exit_path is strand.path and strand.sleeve_at is not None
    todo = np.nonzero(arc < (strand.sleeve_at - SLEEVE_BACK if own else arc[-1] - 3.0))[0]
    radius = strand.sections[0].width / 2
    for _ in range(6):
        d = inside(path[todo])
        bad = d > -(radius + margin)
        if not bad.any():
            break
        for i, di in zip(todo[bad], d[bad]):
            c = sac.at(path[i, 2])[0]
            step = c - path[i]
            step[2] = 0.0
            path[i] += step / max(np.linalg.norm(step), 1e-6) * min(di + radius + margin + 0.2, np.linalg.norm(step))
    strand.path = path


def merge(meshes: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """Return the closed components in ``meshes`` as one mesh."""
    vs, fs, off = [], [], 0
    for v, f in meshes:
        vs.append(np.asarray(v, float))
        fs.append(np.asarray(f, np.int64) + off)
        off += len(v)
    return np.vstack(vs), np.vstack(fs)


def build(raw, part: BuildPart) -> BuildPart:
    """Build ``dural_sac`` (with its root sleeves), ``conus_medullaris`` and ``cauda_equina`` (both sides)."""
    out = BuildPart()
    if "spinal_canal" not in part.meshes:
        return out
    s1_disc = part.landmarks["disc_l5_s1"].position
    sac = shape_sac(part.meshes["spinal_canal"].vertices, float(s1_disc[2]))
    clear_bone(sac, BoneDistance([(part.meshes[b].vertices, part.meshes[b].faces) for b in CLEAR_OF if b in part.meshes]))
    inside = SignedDistance(*sac.mesh())
    sleeves, dents, strands_by_side = [], [], {}
    for s, sign in cauda.SIDES.items():
        if f"l5_root_{s}" not in part.centrelines:
            continue
        strands = cauda.strands(sac, part, s, sign)
        strands_by_side[s] = strands
        for strand in strands:
            path, d = strand.exit_path, strand.exit_diameter
            if path is None:
                continue
            at = crossing(path, inside)
            if at is None:
                raise ValueError(f"{strand.level} root ({s}) never leaves the dural sac")
            if strand.exit_path is not strand.path:  # a root of nerve_roots leaves where it starts
                at = min(at, ROOT_SLEEVE)
            strand.sleeve_at = float(np.round(at, 2))
            sleeves.append(sleeve(path, d, at))
            dents.append((_piece(path, at + d / 2 + 1.0, np.inf), d / 2 + DENT_GAP))
    dent(sac, dents)
    inside = SignedDistance(*sac.mesh())
    for strands in strands_by_side.values():
        for strand in strands:
            keep_inside(sac, strand, inside)
    v, f = merge([sac.mesh(), *sleeves])
    out.meshes["dural_sac"] = BuiltMesh(v, f, "", extra={"kind": "dura", "ends_at": "S2",
                                                          "sleeves": len(sleeves)})
    out.centrelines["dural_sac"] = sac.centres
    conus_path, conus_mesh = cauda.conus(sac, part)
    out.meshes["conus_medullaris"] = BuiltMesh(*conus_mesh, "", extra={"kind": "cauda", "ends_at": "L1/L2"})
    out.centrelines["conus_medullaris"] = conus_path
    # one midline structure, both sides' roots: a one-sided scene still shows the whole bundle
    v, f = merge([st.mesh() for strands in strands_by_side.values() for st in strands])
    out.meshes["cauda_equina"] = BuiltMesh(v, f, "", extra={
        "kind": "cauda",
        "strands": {s: {st.level: np.round(st.path, 1).tolist() for st in strands} for s, strands in strands_by_side.items()},
        "joins": {s: {st.level: st.joins for st in strands if st.joins} for s, strands in strands_by_side.items()},
        "sleeve_at_mm": {s: {st.level: st.sleeve_at for st in strands if st.sleeve_at is not None}
                         for s, strands in strands_by_side.items()}})
    out.info["dura"] = {"sac_scale": SAC_SCALE, "sleeves": len(sleeves),
                        "triangles": int(sum(len(m.faces) for m in out.meshes.values()))}
    log.info("dura: sac, %d sleeves, %d triangles", len(sleeves), out.info["dura"]["triangles"])
    return out
