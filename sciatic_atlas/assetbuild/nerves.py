"""Nerves stage: landmarks, the nerve tree and popliteal vessels as closed tubes, the Beaton-Anson variants.

Runs after the bones, discs and muscles stages. It finds the landmarks
(:mod:`~sciatic_atlas.assetbuild.landmarks`), lays every nerve's control points from them
(:mod:`~sciatic_atlas.assetbuild.nerve_plexus`, :mod:`~sciatic_atlas.assetbuild.nerve_paths`,
:mod:`~sciatic_atlas.assetbuild.nerve_lumbar`,
:mod:`~sciatic_atlas.assetbuild.nerve_branches`, :mod:`~sciatic_atlas.assetbuild.nerve_variants`),
smooths each path, pushes it out of bone and sweeps it into a tube
(:mod:`~sciatic_atlas.assetbuild.nerve_geometry`). Centrelines run proximal to distal (mm).
The popliteal artery and vein (:mod:`~sciatic_atlas.assetbuild.vessel_paths`, kind
``vessel``) are laid here too, right after the tibial nerve they must stay deep to.

Like the muscles stage, it builds the right side and mirrors it for the left about the
model's sagittal mirror plane (:func:`sciatic_atlas.assetbuild.muscles.mirror_plane`), so the
two sides match; when the model's sides differ both are built.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from sciatic_atlas.anatomy.frame import SIDES
from sciatic_atlas.assetbuild import (nerve_branches, nerve_lumbar, nerve_paths, nerve_plexus, nerve_roots,
                                     nerve_variants, vessel_paths)
from sciatic_atlas.assetbuild.fossa_floor import FossaFloor
from sciatic_atlas.assetbuild.landmarks import bone_vertices, find_landmarks
from sciatic_atlas.assetbuild.model_map import bone_geoms, muscle_actuators
from sciatic_atlas.assetbuild.muscles import mirror_plane
from sciatic_atlas.assetbuild.nerve_context import NerveContext, NerveSpec
from sciatic_atlas.assetbuild.nerve_fairing import fair
from sciatic_atlas.assetbuild.nerve_geometry import BoneField, detailed_tube, smooth_path
from sciatic_atlas.assetbuild.nerve_planes import TissueProbe, steer
from sciatic_atlas.assetbuild.parts import BuildPart, BuiltMesh, Landmark

log = logging.getLogger(__name__)

CLEARANCE = 1.0  # mm kept between a nerve's surface and bone
PUSH_ROUNDS = 2  # a muscular branch is pushed out of bone, then faired, this many times


def bone_field(raw, part) -> BoneField:
    """Return the signed-distance field of every bone (built meshes preferred)."""
    meshes = []
    for sid, (geoms, _body) in bone_geoms().items():
        if sid in part.meshes:
            meshes.append((part.meshes[sid].vertices, part.meshes[sid].faces))
        else:
            off, fs = 0, []
            for g in geoms:
                fs.append(raw.bones[g].faces + off)
                off += len(raw.bones[g].vertices)
            meshes.append((bone_vertices(raw, None, sid), np.vstack(fs)))
    return BoneField(meshes)


def build_path(spec: NerveSpec, field: BoneField, probe: TissueProbe | None = None) -> np.ndarray:
    """Return the smoothed centreline (mm) of ``spec``, steered into its tissue planes, out of bone."""
    path = smooth_path(np.array(spec.control, float), step=3.0)
    if probe is not None and spec.planes:
        s = np.linspace(0.0, 1.0, len(path))
        thick = np.interp(s, [sec.at for sec in spec.sections], [sec.thickness for sec in spec.sections])
        path = steer(path, spec.control, spec.planes, probe, thick / 2, pin=spec.pin)
    # Only the root's first point, in its canal, stays put for the fairing: a ramus leaving
    # a sacral foramen must round its exit (it turned 79 degrees there when the fixed
    # stretch was held).
    head = max(1, spec.fixed)
    path = fair(path, head=head)
    if not spec.pushed:
        return path
    half = min(min(sec.width, sec.thickness) for sec in spec.sections) / 2
    # Fairing straightens a turn round a bone's edge back into the bone (the deep fibular
    # branch to extensor digitorum longus crossed the tibia's edge by 1.5 mm): a muscular
    # branch is pushed and faired again. A path already clear is left as it is (push_out and
    # fair then change nothing). Not the trunks: a second push drew the lumbosacral trunk's
    # end out of the sciatic nerve it joins.
    for _ in range(PUSH_ROUNDS if spec.kind == "branch" else 1):
        path = fair(field.push_out(path, half + CLEARANCE, fixed=spec.fixed * 2), head=head)
    return path


def _spine_landmarks(c: NerveContext, part: BuildPart) -> dict[str, Landmark]:
    """Return disc and foramen landmarks the discs stage did not provide (computed here)."""
    out = {}
    for upper, lower in (("l3", "l4"), ("l4", "l5"), ("l5", "s1")):
        name = f"disc_{upper}_{lower}"
        if name not in part.landmarks:
            out[name] = Landmark(c.disc(upper, lower), "midline", name,
                                 "halfway between the end plates of the adjacent vertebral bodies")
        fname = f"foramen_{upper}_{lower}_{c.s}"
        if fname not in part.landmarks:
            out[fname] = Landmark(c.foramen(upper, lower), SIDES[c.s], f"vertebra_{upper}",
                                  "behind the vertebral body at disc level, 95% of the body's half width lateral")
    return out


def _side_specs(c: NerveContext, field: BoneField, probe: TissueProbe,
                paths: dict[str, np.ndarray], floor: FossaFloor | None = None) -> list[NerveSpec]:
    """Build this side's paths in dependency order; return the specs (paths filled in ``paths``)."""
    specs: list[NerveSpec] = []

    def add(spec: NerveSpec) -> np.ndarray:
        paths[spec.sid] = build_path(spec, field, probe)
        specs.append(spec)
        return paths[spec.sid]

    for spec in [*nerve_roots.roots(c), *nerve_plexus.roots(c)]:
        add(spec)
    division = add(nerve_plexus.with_sheet(c, nerve_paths.sciatic(c)))[-1]
    tib = add(nerve_paths.tibial(c, division))
    # The popliteal vessels are laid deep to the tibial nerve, so they follow it (issue 12).
    for spec, path in vessel_paths.popliteal(c, floor or field, np.vstack([paths[f"sciatic_nerve_{c.s}"], tib])):
        paths[spec.sid] = path
        specs.append(spec)
    for spec in nerve_paths.plantar(c, tib[-1]):
        add(spec)
    cfn = add(nerve_paths.common_fibular(c, division))
    for spec in nerve_paths.fibular_branches(c, cfn[-1]):
        add(spec)
    sur = add(nerve_paths.sural(c, tib))
    add(nerve_paths.sural_communicating(c, cfn, sur))
    for spec in nerve_plexus.gluteal_branches(c):
        add(spec)
    for spec in nerve_lumbar.nerves(c):  # femoral and obturator (L2-L4), for contrast
        add(spec)
    for spec in nerve_branches.muscular_branches(c, paths):
        add(spec)
    add(nerve_lumbar.adductor_magnus_branch(c, paths[f"obturator_nerve_{c.s}"]))  # its second nerve
    return specs


def build(raw, part: BuildPart) -> BuildPart:
    """Build landmarks, nerve tubes (both sides), centrelines and the Beaton-Anson variants.

    Parameters
    ----------
    raw : RawModel
        The model at its neutral pose.
    part : BuildPart
        The merged output of the bones, discs and muscles stages.

    Returns
    -------
    BuildPart
        Nerve meshes (``extra["kind"]`` root / nerve / branch / variant), their centrelines,
        the landmarks and ``variants["sciatic_path"]``.
    """
    out = BuildPart()
    out.landmarks.update({k: v for k, v in find_landmarks(raw, part).items() if k not in part.landmarks})
    view = BuildPart(meshes=part.meshes, landmarks={**part.landmarks, **out.landmarks},
                     centrelines=part.centrelines)
    field = bone_field(raw, part)
    mid_x = mirror_plane(raw.muscles, muscle_actuators(raw.muscles))
    variant_specs = {}
    for s in ("r", "l") if mid_x is None else ("r",):
        c = NerveContext(raw, view, s)
        spine = {k: v for k, v in _spine_landmarks(c, view).items() if k not in view.landmarks}
        out.landmarks.update(spine)
        view.landmarks.update(spine)
        paths: dict[str, np.ndarray] = {}
        probe = c.probe
        # The popliteal vessels lie on popliteus in the floor of the fossa (issue 12).
        soft = [(part.meshes[sid].vertices, part.meshes[sid].faces) for sid in (f"popliteus_{s}",)
                if sid in part.meshes]
        specs = _side_specs(c, field, probe, paths, FossaFloor(field, soft))
        variant_specs[s] = nerve_variants.variant_specs(c)
        for option in variant_specs[s].values():
            for spec in option:
                paths[spec.sid] = build_path(spec, field, probe)
                specs.append(spec)
        for spec in specs:
            verts, faces = detailed_tube(paths[spec.sid], spec.sections, spec.kind)
            extra = {"kind": spec.kind, **({"parent": spec.parent} if spec.parent else {}), **spec.extra}
            out.meshes[spec.sid] = BuiltMesh(verts, faces, "", extra)
            out.centrelines[spec.sid] = paths[spec.sid]
    if mid_x is not None:
        variant_specs["l"] = {option: [replace(spec, sid=left_id(spec.sid)) for spec in specs]
                              for option, specs in variant_specs["r"].items()}
        _mirror_left(out, mid_x)
    out.variants.update(nerve_variants.variants_record(variant_specs))
    out.info["nerves"] = {"count": len(out.meshes), "clearance_mm": CLEARANCE,
                          "left": "built" if mid_x is None else f"mirrored from the right about x = {mid_x:.2f} mm"}
    log.info("built %d nerve meshes", len(out.meshes))
    return out


def left_id(sid: str) -> str:
    """Return the left-side id of right-side structure id ``sid`` (``_r`` or ``_r__...`` suffix)."""
    head, sep, tail = sid.partition("__ba_")
    if not head.endswith("_r"):
        return sid
    return head[:-2] + "_l" + sep + tail


def mirrored(points: np.ndarray, mid_x: float) -> np.ndarray:
    """Reflect points (mm) across the sagittal plane x = ``mid_x``."""
    out = np.array(points, dtype=float, copy=True)
    out[..., 0] = 2.0 * mid_x - out[..., 0]
    return out


def _left_value(value):
    """Return a right-side extra value (id, list of ids) renamed for the left side."""
    if isinstance(value, str):
        return left_id(value)
    if isinstance(value, list):
        return [_left_value(v) for v in value]
    return value


def _mirror_left(out: BuildPart, mid_x: float) -> None:
    """Add the left side to ``out``: the right side's meshes, centrelines and landmarks mirrored.

    Meshes are reflected with their winding flipped (so they stay outward facing); ids in
    ``extra`` (parent, supplies) are renamed; landmarks this stage found on the right replace
    the left ones found the same way (the bones mirror each other to ~1 mm).
    """
    for sid in [k for k in out.meshes if left_id(k) != k]:
        m = out.meshes[sid]
        extra = {k: _left_value(v) for k, v in m.extra.items()}
        out.meshes[left_id(sid)] = BuiltMesh(mirrored(m.vertices, mid_x), np.asarray(m.faces)[:, ::-1].copy(),
                                             m.body, extra)
        out.centrelines[left_id(sid)] = mirrored(out.centrelines[sid], mid_x)
    for name in [k for k in out.landmarks if k.endswith("_r")]:
        lm = out.landmarks[name]
        out.landmarks[name[:-2] + "_l"] = Landmark(mirrored(lm.position, mid_x), "left", _left_value(lm.structure),
                                                   f"{lm.how} (right side's, mirrored)")
