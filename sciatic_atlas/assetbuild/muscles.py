"""Muscles stage: one closed belly mesh per muscle structure id, both sides.

Reads which actuators make each muscle and how it is shaped (layer, region, tendon
fractions, aspect, sheet or bundle) from ``data/model_map.yaml``; the geometry lives
in :mod:`~sciatic_atlas.assetbuild.muscle_shape` (spindles and sheets) and
:mod:`~sciatic_atlas.assetbuild.muscle_bundle` (merged lumbar fascicles), the push out of
bone and deeper muscles in :mod:`~sciatic_atlas.assetbuild.muscle_clearance`. Muscles are
built deep layers first, so each superficial muscle wraps over the deeper ones of its
region. Besides meshes the stage records each belly's centreline and its origin and
insertion landmarks (``<base>_origin_<side>``, ``<base>_insertion_<side>``).
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
from scipy.ndimage import gaussian_filter1d

from sciatic_atlas.anatomy.easing import smoothstep
from sciatic_atlas.assetbuild import attachments, mesh_ops
from sciatic_atlas.assetbuild import muscle_fibres as fibres
from sciatic_atlas.assetbuild import muscle_implicit as implicit
from sciatic_atlas.assetbuild import muscle_shape as shape
from sciatic_atlas.assetbuild.model_map import SIDES, model_map, muscle_actuators
from sciatic_atlas.assetbuild.muscle_centreline import recentre_all
from sciatic_atlas.assetbuild.muscle_bundle import bundle_surface, clip_below
from sciatic_atlas.assetbuild.muscle_clearance import Obstacles, clear_of, held, lift, polydata, squash
from sciatic_atlas.assetbuild.muscle_fan import fan_lines, fan_mesh
from sciatic_atlas.assetbuild.muscle_wrap import wrap_lines
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh, Landmark

log = logging.getLogger(__name__)

LAYERS = ("deep", "middle", "superficial")
BONE_CLEARANCE = 1.0  # mm
MUSCLE_CLEARANCE = 0.5  # mm
SCULPT_TRIANGLES = 1.0  # the re-skinned belly keeps its lofted triangle count (the budget)
SCULPT_MIN = 1000
SIDE_NAMES = {"r": "right", "l": "left"}
FIBRES_FILE = "fibres.npz"  # per muscle vertex: the fibre coordinate (mm, muscle_fibres.py)
SOURCE = ("Volume = PCSA x optimal fibre length, PCSA = max force / 60 N/cm^2 (Rajagopal et "
          "al. 2016, IEEE TBME 63(10):2068-79, doi:10.1109/TBME.2016.2586891); area spread "
          "over the belly (path minus tendon fractions in data/model_map.yaml).")


def build(raw, part: BuildPart) -> BuildPart:
    """Build every muscle belly of both sides around the bones already in ``part``.

    Parameters
    ----------
    raw : RawModel
        The musculoskeletal model at its neutral pose (mm).
    part : BuildPart
        Holds the bone meshes (whatever the bones stage produced).

    Returns
    -------
    BuildPart
        Meshes (``extra`` has ``kind``, ``layer``, ``region``), centrelines, landmarks
        and ``info["muscles"]`` (method, source, volumes in ml).
    """
    specs = attachments.ordered(model_map()["muscles"])
    attached = attachments.attachment_specs()
    acts = muscle_actuators(raw.muscles)
    bone_surfaces = [polydata(m.vertices, m.faces) for sid, m in sorted(part.meshes.items())
                     if m.extra.get("kind", "bone") == "bone"]
    bone = Obstacles(bone_surfaces)
    order = sorted(specs, key=lambda base: LAYERS.index(specs[base]["layer"]))
    out = BuildPart()
    volumes, fibre = {}, {}
    mid_x = mirror_plane(raw.muscles, acts)
    log.info("muscles: %s", "right side built, left mirrored about x = %.2f mm" % mid_x
             if mid_x is not None else "model sides differ: both sides built")
    for side in SIDES if mid_x is None else SIDES[:1]:
        done: list[tuple[str, set, object]] = []  # (layer, regions, surface)
        points = attachments.attachment_points(raw, part.meshes, side)
        for base in order:
            spec, sid = specs[base], f"{base}_{side}"
            if base in attached:
                built = _attached(spec, base, side, points, bone, done, mid_x)
                done.append((spec["layer"], set(spec["region"]), polydata(*built[sid][:2])))
                for key, (verts, faces, centre, volume) in built.items():
                    out.meshes[key] = _built_attached(verts, faces, spec, key[-1])
                    if spec["kind"] == "muscle":
                        fibre[key] = fibres.fibre_coordinate(verts, faces, centre, lofted=True)
                    out.centrelines[key] = centre
                    volumes[key] = round(volume / 1000.0, 1)
                    _add_attachment_landmarks(out, base, key[-1], key, spec, centre)
                continue
            muscles = [_extended(raw.muscles[a], spec, raw) for a in acts[sid]]
            if not muscles:
                raise ValueError(f"no model actuators found for {sid}")
            regions = set(spec["region"])
            deeper = [surf for layer, regs, surf in done
                      if regs & regions and LAYERS.index(layer) < LAYERS.index(spec["layer"])]
            obstacles = [(bone, BONE_CLEARANCE)]
            if deeper:
                obstacles.append((Obstacles(deeper), MUSCLE_CLEARANCE))
            verts, faces, anchors, centre, volume = _shape(
                spec, muscles, bone, [obs for obs, _ in obstacles], raw.bodies, side, part.meshes)
            if anchors is not None:
                verts, _ = squash(verts, anchors, obstacles)
            verts, moved = clear_of(verts, faces, [(bone, BONE_CLEARANCE)])
            log.debug("%s: %d vertices pushed out of bone/deeper muscles", sid, moved)
            # Only a spindle's path runs inside it to its tendon; a fan's, a slab's or a
            # bundle's middle line can leave the thin parts of the sheet.
            spindle = not any(spec.get(k) for k in ("fan", "wrap", "sheet", "bundle"))
            fibre[sid] = fibres.fibre_coordinate(verts, faces, centre, lofted=not spec.get("bundle"))
            lofted_surface = verts, faces
            verts, faces = _sculpted(verts, faces, obstacles, spec, centre if spindle else None)
            if faces is not lofted_surface[1]:  # re-skinned: the value of the closest lofted point
                fibre[sid] = fibres.transferred(verts, *lofted_surface, fibre[sid])
            done.append((spec["layer"], regions, polydata(verts, faces)))
            out.meshes[sid] = _built(verts, faces, spec, muscles)
            out.centrelines[sid] = centre
            _add_landmarks(out, base, side, sid, muscles)
            volumes[sid] = round(volume / 1000.0, 1)
            if mid_x is not None:  # the left side: the mirror image (winding flipped)
                lid = f"{base}_l"
                out.meshes[lid] = _built(_mirrored(verts, mid_x), faces[:, ::-1], spec,
                                         [raw.muscles[a] for a in acts[lid]])
                out.centrelines[lid] = _mirrored(centre, mid_x)
                fibre[lid] = fibre[sid]  # same vertex order, mirrored
                _add_landmarks(out, base, "l", lid,
                               [_extended(raw.muscles[a], spec, raw) for a in acts[lid]])
                volumes[lid] = volumes[sid]
    recentre_all(out.centrelines, out.meshes, bone)  # centrelines out of bone, from the final meshes
    out.arrays[FIBRES_FILE] = {sid: fibres.stored(values) for sid, values in sorted(fibre.items())}
    out.info["muscles"] = {"method": SOURCE, "specific_tension_N_per_cm2": 60.0,
                           "volume_ml": volumes}
    return out


def _sculpted(verts: np.ndarray, faces: np.ndarray, obstacles: list, spec: dict,
              centre: np.ndarray | None):
    """Re-skin a built belly as a smooth implicit surface lying on what is under it.

    See :mod:`~sciatic_atlas.assetbuild.muscle_implicit`; the volume is kept, and the
    triangle budget is the lofted count times ``SCULPT_TRIANGLES`` (at least
    ``SCULPT_MIN``).
    """
    if not spec.get("sculpt", False):
        return verts, faces
    target = max(SCULPT_MIN, int(SCULPT_TRIANGLES * len(faces)))
    return implicit.reskin(verts, faces, obstacles, target,
                           sigma=float(spec.get("smooth", implicit.SIGMA)), voxel=spec.get("voxel"),
                           centreline=centre, drape=float(spec.get("drape", 0.0)))


def _attached(spec: dict, base: str, side: str, points: dict, bone: Obstacles, done: list,
              mid_x: float | None) -> dict:
    """Return ``{sid: (vertices, faces, centreline, volume)}`` of one attached structure.

    The band (:func:`~sciatic_atlas.assetbuild.attachments.band`) is squashed against the
    deep structures of its region built before it (piriformis, the rotators above it) and
    pushed out of bone; a band with ``lift`` is first laid off them and the bone. With a
    mirror plane the left side is its mirror image.
    """
    before = [surf for layer, regs, surf in done if regs & set(spec["region"])]
    rings, centre, volume = attachments.band(spec, points, side,
                                             [bone] + ([Obstacles(before)] if before else []), BONE_CLEARANCE)
    verts, faces = _loft(rings)
    anchors = _anchors(np.repeat(centre, rings.shape[1], axis=0), verts)
    obstacles = [(bone, BONE_CLEARANCE)] + ([(Obstacles(before), MUSCLE_CLEARANCE)] if before else [])
    verts, _ = squash(verts, anchors, obstacles)
    verts, _ = clear_of(verts, faces, [(bone, BONE_CLEARANCE)])
    sid = f"{base}_{side}"
    out = {sid: (verts, faces, centre, volume)}
    if mid_x is not None:
        out[f"{base}_l"] = (_mirrored(verts, mid_x), faces[:, ::-1], _mirrored(centre, mid_x), volume)
    return out


def _built_attached(verts: np.ndarray, faces: np.ndarray, spec: dict, side: str) -> BuiltMesh:
    # The model's bodies these structures span (its actuators' paths name "pelvis"); the leg's
    # name theirs in the spec (``bodies``, side added).
    if "bodies" in spec:
        bodies = sorted(f"{b}_{side}" for b in spec["bodies"])
    else:
        bodies = ["pelvis", "sacrum"] if spec["kind"] == "ligament" else [f"femur_{side}", "pelvis"]
    return BuiltMesh(
        vertices=verts.astype(np.float64), faces=np.ascontiguousarray(faces, dtype=np.int64), body="",
        extra={"kind": spec["kind"], "layer": spec["layer"], "region": sorted(spec["region"]),
               "bodies": bodies})


def _add_attachment_landmarks(out: BuildPart, base: str, side: str, sid: str, spec: dict,
                              centre: np.ndarray) -> None:
    ends = (("origin", 0), ("insertion", -1)) if spec["kind"] == "muscle" else ()
    for end, idx in ends:
        out.landmarks[f"{base}_{end}_{side}"] = Landmark(
            position=np.asarray(centre[idx], float), side=SIDE_NAMES[side], structure=sid,
            how=f"attachment point '{spec['path'][idx]}' found on the bone meshes "
                f"(data/attachments.yaml, assetbuild/attachments.py)")


def mirror_plane(muscles: dict, acts: dict, tol: float = 1.0,
                 min_share: float = 0.95) -> float | None:
    """Return the x (mm) of the model's sagittal mirror plane, or None if the sides differ.

    The model's left muscles are mirror images of its right ones about x = -25 mm (not
    x = 0), apart from a few lumbar fascicles (``LTpT_T12_l`` reuses the right side's
    sites): the plane is returned when at least ``min_share`` of the paired paths
    mirror within ``tol`` mm (either direction); the others are logged.
    """
    pairs = [(muscles[a], muscles[b]) for sid, names in acts.items() if sid.endswith("_r")
             for a, b in zip(sorted(names), sorted(acts[sid[:-2] + "_l"]))]
    pairs = [(r, l) for r, l in pairs if len(r.path) == len(l.path)]
    if not pairs:
        return None
    mid_x = float(np.median([np.mean(r.path[:, 0] + l.path[:, 0]) / 2.0 for r, l in pairs]))
    off = {r.name: min(np.abs(_mirrored(l.path, mid_x) - r.path).max(),
                       np.abs(_mirrored(l.path[::-1], mid_x) - r.path).max())
           for r, l in pairs}
    bad = sorted(name for name, mm in off.items() if mm > tol)
    if bad:
        log.warning("model paths not mirrored left/right (left side taken as the mirrored "
                    "right): %s", ", ".join(bad))
    return mid_x if 1.0 - len(bad) / len(pairs) >= min_share else None


def _mirrored(points: np.ndarray, mid_x: float) -> np.ndarray:
    """Reflect points across the sagittal plane x = ``mid_x``."""
    out = np.array(points, dtype=float, copy=True)
    out[:, 0] = 2.0 * mid_x - out[:, 0]
    return out


def _built(verts: np.ndarray, faces: np.ndarray, spec: dict, muscles) -> BuiltMesh:
    bodies = sorted({b for m in muscles for b in m.path_bodies})
    return BuiltMesh(
        vertices=verts.astype(np.float64), faces=np.ascontiguousarray(faces, dtype=np.int64),
        body=bodies[0] if len(bodies) == 1 else "",
        extra={"kind": "muscle", "layer": spec["layer"], "region": sorted(spec["region"]),
               "bodies": bodies},
    )


def _bundle_paths(spec: dict, muscles, raw_bodies: dict):
    """Return the fascicle paths, weights and volume (mm^3) a bundle is built from.

    ``clip_above: [body, mm]`` keeps only what lies below that body's origin + mm
    (the erector spinae's thoracic fascicles run far above this program's region);
    each clipped fascicle keeps the share of its volume that lies below.
    """
    paths, weights, volume = [], [], 0.0
    z_max = np.inf
    if "clip_above" in spec:
        body, mm = spec["clip_above"]
        z_max = float(raw_bodies[body]["pos"][2]) + float(mm)
    for m in muscles:
        full = shape.path_length(m.path)
        kept = clip_below(m.path, z_max)
        if len(kept) < 2:
            continue
        share = shape.path_length(kept) / full
        paths.append(kept)
        weights.append(m.max_force)
        volume += share * shape.belly_volume(
            m.max_force, spec.get("fibre_length", m.optimal_fibre_length), full)
    return paths, np.asarray(weights), volume


def _extended(muscle, spec: dict, raw):
    """Return ``muscle`` with its origin moved ``extend_origin`` mm up its body's long axis.

    The model's vasti start at mid-thigh, where the real muscles arise from the
    upper femur; their bellies would balloon over the distal half otherwise.
    """
    mm = float(spec.get("extend_origin", 0.0))
    if mm <= 0:
        return muscle
    axis = np.asarray(raw.bodies[muscle.path_bodies[0]]["rot"])[:, 1]  # segment long axis
    path = np.vstack([muscle.path[0] + mm * axis, muscle.path])
    return replace(muscle, path=path, path_bodies=muscle.path_bodies[:1] + muscle.path_bodies,
                   site_names=[f"{muscle.site_names[0]} + {mm:g} mm up the "
                               f"{muscle.path_bodies[0]} axis"] + muscle.site_names)


def _add_landmarks(out: BuildPart, base: str, side: str, sid: str, muscles) -> None:
    for end, idx in (("origin", 0), ("insertion", -1)):
        pos = np.mean([m.path[idx] for m in muscles], axis=0)
        names = sorted({m.site_names[idx] for m in muscles})
        how = (f"{'mean of ' if len(muscles) > 1 else ''}{end} site"
               f"{'s' if len(names) > 1 else ''} of model actuator"
               f"{'s' if len(muscles) > 1 else ''} {', '.join(m.name for m in muscles[:4])}"
               f"{' ...' if len(muscles) > 4 else ''}")
        out.landmarks[f"{base}_{end}_{side}"] = Landmark(
            position=pos, side=SIDE_NAMES[side], structure=sid, how=how)


def _shape(spec: dict, muscles, bone: Obstacles, below: list[Obstacles], raw_bodies: dict,
           side: str = "r", meshes: dict | None = None):
    """Return (vertices, faces, anchors, centreline, volume mm^3) of one muscle.

    The surface is lifted off ``below`` but not yet cleared of it; ``anchors`` (or
    None for bundles) gives each vertex the skeleton point it was built around.

    ``below`` holds the bone and the deeper muscles the belly is lifted off; ``meshes``
    (the bones built so far) gives fans (``fan`` in the spec) their origin lines.
    """
    volume = sum(shape.belly_volume(m.max_force, spec.get("fibre_length", m.optimal_fibre_length),
                                    shape.path_length(m.path)) for m in muscles)
    if spec.get("fan") or spec.get("wrap"):
        start = None
        if spec.get("wrap"):
            origin, insertion, start, out_dir = wrap_lines(spec, meshes, side)
            fan = spec["wrap"]
        else:
            origin, insertion, out_dir = fan_lines(spec, meshes, muscles, side)
            fan = spec["fan"]
        verts, faces, centre = fan_mesh(
            origin, insertion, below, volume, clearance=float(fan.get("clearance", 1.0)),
            pull=bool(fan.get("pull", True)), tendon=float(spec.get("tendon", (0, 0.12))[1]),
            peak=float(spec.get("peak", 0.45)), thickness_max=float(spec.get("thickness_max", 40)),
            bow=float(fan.get("bow", 0.0)), out_dir=out_dir,
            origin_thickness=float(fan.get("origin_thickness", 0.2)), start=start,
            across_peak=float(fan.get("across_peak", 0.5)))
        return verts, faces, None, centre, volume
    if spec.get("bundle"):
        paths, weights, volume = _bundle_paths(spec, muscles, raw_bodies)
        surf = bundle_surface(paths, weights, volume, bone)
        faces = np.asarray(surf.faces).reshape(-1, 4)[:, 1:]
        verts = np.asarray(surf.points, dtype=float)
        if not mesh_ops.is_closed_manifold(faces):  # decimation can pinch an edge
            verts, faces = mesh_ops.repair(verts, faces)
        verts, faces = mesh_ops.orient_outward(verts, faces)
        return verts, faces, None, _principal_centreline(verts), volume
    tendon = tuple(spec.get("tendon", (0.08, 0.12)))
    peak = float(spec.get("peak", 0.5))
    force = sum(m.max_force for m in muscles)
    if spec.get("sheet"):
        verts, faces, anchors, centre = _sheet(muscles, bone, below, spec, tendon, peak,
                                               volume, force)
        return verts, faces, anchors, centre, volume
    m = muscles[0]
    length = shape.path_length(m.path)
    s = shape.stations(tendon, length)
    centre = shape.smooth_curve(m.path, s)
    area = shape.area_profile(s, tendon, length, volume, force, peak)
    # One aspect, or [at the origin, at the insertion]: a fan-shaped belly (piriformis) is
    # wide and flat where it arises and rounds off toward its tendon.
    aspect = np.interp(s, [0.0, 1.0], np.broadcast_to(np.asarray(spec.get("aspect", 1.3), float), 2))
    if "tendon_band" in spec:  # a flat distal tendon (calcaneal tendon): width x thickness mm
        area, aspect = _tendon_band(s, tendon[1], area, aspect, *spec["tendon_band"])
    if "origin_band" in spec:  # a flat proximal tendon (semimembranosus's membranous one)
        area, aspect = _tendon_band(1.0 - s, tendon[0], area, aspect, *spec["origin_band"])
    tang = shape.tangents(centre)
    if "thickness_axis" in spec:
        axis = np.asarray(spec["thickness_axis"], dtype=float)  # given for the right side
        if side == "l":
            axis = axis * [-1.0, 1.0, 1.0]
        toward = np.tile(axis, (len(centre), 1))
    else:
        toward = bone.nearest(centre)[2]
    normal = shape.thickness_dirs(tang, toward)
    half_thick = np.sqrt(area / np.pi / aspect)
    centre = _smooth_lift(centre, normal, half_thick + BONE_CLEARANCE, below)
    if "retinaculum" in spec:  # held against the ankle bones (extensor/flexor/fibular retinacula)
        talus = meshes[f"talus_{side}"].vertices[:, 2]
        lo, hi = spec["retinaculum"]
        centre = held(centre, half_thick + BONE_CLEARANCE, bone, (talus.min() - lo, talus.max() + hi))
        # A long tendon glides over the bones it crosses and ends on a bone's surface: the
        # lift's low-pass left a toe tendon inside its phalanges, and clearing the belly of
        # the bone then spread it into a thin blade far from its centreline, drawn red
        # (issue 12, "slivers on the toes").
        distal = np.arange(1, len(centre))
        inside = distal[bone.signed_distance(centre[distal]) < 0.0]
        centre[inside] = lift(centre[inside], normal[inside], half_thick[inside] + BONE_CLEARANCE, [bone])
    if "join_below" in spec and len(below) > 1:  # the tendon ends on a deeper muscle's back
        centre = _join(centre, below[-1], float(spec["join_below"]), half_thick)
    tang = shape.tangents(centre)
    normal = shape.thickness_dirs(tang, normal)
    rings = shape.spindle_rings(centre, tang, normal, area, aspect)
    verts, faces = _loft(rings)
    return verts, faces, _anchors(np.repeat(centre, rings.shape[1], axis=0), verts), centre, volume


def _join(centre: np.ndarray, onto: Obstacles, z_join: float, half_thick: np.ndarray,
          ramp: float = 80.0) -> np.ndarray:
    """Lay the centreline below ``z_join`` (mm) onto the surface of ``onto``.

    Over ``ramp`` mm below ``z_join`` the centre moves sideways (x) to its insertion's
    x and onto the nearest surface point plus half its own thickness, so the tendon
    ends fused on the deeper muscle's superficial face, beside the other heads that
    share the insertion (the gastrocnemius heads on the soleus: one calcaneal tendon).
    """
    w = smoothstep((z_join - centre[:, 2]) / ramp)
    w[-1] = 0.0  # the insertion stays on the calcaneus
    moved = centre.copy()
    moved[:, 0] += 0.7 * w * (centre[-1, 0] - centre[:, 0])
    _, q, n = onto.nearest(moved)
    target = q + n * half_thick[:, None]
    return moved + w[:, None] * (target - moved)


def _tendon_band(s: np.ndarray, distal: float, area: np.ndarray, aspect: np.ndarray,
                 width: float, thick: float, width_end: float):
    """Flatten the distal tendon into a band ``width`` x ``thick`` mm, ``width_end`` at its end.

    Over the distal tendon fraction the band's width goes linearly to ``width_end``.
    The section keeps the larger of the band's and the profile's area (the belly blends
    into the band) and is made at least the band's width: a flat tendon, not a cord.
    """
    t = np.clip((s - (1.0 - distal)) / max(distal, 1e-6), 0.0, 1.0)
    w = np.where(s >= 1.0 - distal, width + (width_end - width) * t, 0.0)
    area = np.maximum(area, np.pi / 4.0 * w * thick)
    flat = np.pi * w**2 / (4.0 * area)  # the aspect of an ellipse of that area and width w
    aspect = np.where(w > 0, np.maximum(aspect, flat), aspect)
    return area, aspect


def _loft(rings: np.ndarray):
    """Close rings into a tube capped at the rings' centres (mesh_ops vertex order)."""
    return mesh_ops.loft_closed(rings, rings[0].mean(axis=0), rings[-1].mean(axis=0))


def _anchors(ring_anchors: np.ndarray, verts: np.ndarray) -> np.ndarray:
    """Return one anchor per lofted vertex: the poles anchor to themselves."""
    return np.vstack([verts[:1], ring_anchors, verts[-1:]])


def _smooth_lift(points: np.ndarray, normal: np.ndarray, required: np.ndarray,
                 below: list[Obstacles]) -> np.ndarray:
    """Lift centreline points off bone, then low-pass the lift so the belly stays smooth.

    The two ends (origin and insertion on bone) stay where the model puts them.
    """
    lifted = lift(points, normal, required, below)
    delta = gaussian_filter1d(lifted - points, 2.5, axis=0, mode="nearest")
    ramp = np.minimum(1.0, np.minimum(np.arange(len(points)), np.arange(len(points))[::-1]) / 2.0)
    return points + delta * ramp[:, None]


def _sheet(muscles, bone: Obstacles, below: list[Obstacles], spec: dict, tendon, peak,
           volume, force):
    """Loft one slab across the fascicle paths of a flat muscle."""
    length = float(np.mean([shape.path_length(m.path) for m in muscles]))
    s = shape.stations(tendon, length)
    across = np.stack([shape.smooth_curve(m.path, s) for m in muscles], axis=1)  # (K, F, 3)
    mid = across[len(s) // 2]
    axis = np.linalg.svd(mid - mid.mean(axis=0))[2][0]
    across = across[:, np.argsort((mid - mid.mean(axis=0)) @ axis)]
    centre = across.mean(axis=1)
    tang = shape.tangents(centre)
    span = across[:, -1] - across[:, 0]
    normal = np.cross(tang, span)
    away = bone.nearest(centre)[2]
    if np.sum(normal * away) < 0:  # point the slab's normal away from bone (superficially)
        normal = -normal
    normal = shape.thickness_dirs(tang, normal)
    area = shape.area_profile(s, tendon, length, volume, force, peak)
    offsets = across - centre[:, None, :]
    flat = np.linalg.norm(span, axis=1) < 1e-3
    if flat.any():  # fascicles meet: spread them across the sheet's width direction
        side_dir = np.cross(normal[flat], tang[flat])
        offsets[flat] = np.linspace(-0.5, 0.5, across.shape[1])[None, :, None] * side_dir[:, None]
    n_f = across.shape[1]  # the sheet reaches `margin` fascicle spacings beyond the outer ones
    margin = float(spec.get("margin", 0.5))
    width = np.linalg.norm(offsets[:, -1] - offsets[:, 0], axis=1) * (1.0 + 2 * margin / (n_f - 1))
    min_width = np.sqrt(area)
    grow = np.maximum(min_width / width, 1.0)  # converging fascicles: widen into a strap
    across = centre[:, None, :] + offsets * grow[:, None, None]
    width = width * grow
    thickness = np.clip(area / (0.85 * width), 2.0, float(spec.get("thickness_max", 30.0)))
    rings, anchors = shape.sheet_rings(across, normal, thickness,
                                       margin=float(spec.get("margin", 0.5)))
    # Lift every line of the mid-surface (edges included) off bone and deeper muscles.
    required = 0.5 * thickness + BONE_CLEARANCE
    lifted = np.stack([_smooth_lift(anchors[:, j], normal, required, below)
                       for j in range(anchors.shape[1])], axis=1)
    rings, anchors = rings + (lifted - anchors), lifted
    verts, faces = _loft(rings)
    return verts, faces, _anchors(anchors.reshape(-1, 3), verts), rings.mean(axis=1)


def _principal_centreline(verts: np.ndarray, n_bins: int = 14) -> np.ndarray:
    """Return a centreline through a blob: centroids of slabs along its principal axis."""
    c = verts.mean(axis=0)
    axis = np.linalg.svd(verts - c, full_matrices=False)[2][0]
    if axis[2] < 0:  # run from top to bottom, like the paths
        axis = -axis
    t = (verts - c) @ axis
    edges = np.linspace(t.min(), t.max(), n_bins + 1)
    pts = [verts[(t >= lo) & (t <= hi)].mean(axis=0) for lo, hi in zip(edges[:-1], edges[1:])
           if np.any((t >= lo) & (t <= hi))]
    return np.asarray(pts[::-1])
