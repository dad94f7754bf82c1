"""Typed parts of the built model: structures, bodies, joints and anatomical variants.

``model.json`` is a record of plain JSON. These frozen types are what the rest of the
program reads instead, so that only :mod:`sciatic_atlas.anatomy` knows the record's
layout. Bodies and joints are the musculoskeletal model's kinematic tree (MuJoCo
conventions, read by ``assetbuild/extract.py``): a pose is one more input over them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# MuJoCo's joint types (mjtJoint): the model's spine and limbs use hinges and slides.
JOINT_KINDS = {0: "free", 1: "ball", 2: "slide", 3: "hinge"}


@dataclass(frozen=True)
class StructureInfo:
    """What the build recorded about one structure, besides its mesh.

    ``kind`` is bone, muscle, nerve, branch, root, disc, variant, space, dura, cauda or "" (skin).
    ``body`` is the one model body a rigid structure moves with ("" when it spans
    several); ``bodies`` are those a muscle spans. Nerve entries carry ``parent`` (the
    nerve it comes off) and, for a muscular branch, ``supplies``; a variant mesh names
    its ``variant`` option.
    """

    id: str
    mesh: str
    kind: str = ""
    body: str = ""
    bodies: tuple[str, ...] = ()
    layer: str = ""
    region: tuple[str, ...] = ()
    parent: str = ""
    supplies: str = ""
    variant: str = ""
    n_triangles: int = 0
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # other keys (roots, passes...)

    @classmethod
    def from_record(cls, sid: str, record: dict) -> "StructureInfo":
        known = {"mesh", "kind", "body", "bodies", "layer", "region", "parent", "supplies", "variant",
                 "n_triangles"}
        return cls(id=sid, mesh=str(record.get("mesh", "")), kind=str(record.get("kind") or ""),
                   body=str(record.get("body") or ""), bodies=tuple(record.get("bodies") or ()),
                   layer=str(record.get("layer") or ""), region=tuple(record.get("region") or ()),
                   parent=str(record.get("parent") or ""), supplies=str(record.get("supplies") or ""),
                   variant=str(record.get("variant") or ""), n_triangles=int(record.get("n_triangles") or 0),
                   extra={k: v for k, v in record.items() if k not in known})


@dataclass(frozen=True)
class Body:
    """A rigid segment of the model: its place in the kinematic tree and its frame at the neutral pose.

    ``position`` (mm) and ``rotation`` (3 x 3, body axes as columns) are in the world frame.
    """

    name: str
    parent: str
    position: np.ndarray = field(compare=False)
    rotation: np.ndarray = field(compare=False)


@dataclass(frozen=True)
class Joint:
    """One degree of freedom between a body and its parent.

    ``kind`` is hinge (rotation about ``axis`` through ``anchor``, ``range`` in radians)
    or slide (translation along ``axis``, ``range`` in the model's metres).
    """

    name: str
    body: str
    kind: str
    anchor: np.ndarray = field(compare=False)
    axis: np.ndarray = field(compare=False)
    range: tuple[float, float] = (0.0, 0.0)

    @property
    def range_degrees(self) -> tuple[float, float]:
        """Return a hinge's range in degrees."""
        return float(np.degrees(self.range[0])), float(np.degrees(self.range[1]))


@dataclass(frozen=True)
class Coupling:
    """A joint the model drives from another (MuJoCo joint equality): ``q = sum coef[k] * driver**k``.

    Values in the model's units (radians, metres), measured from the neutral pose.
    """

    joint: str
    driver: str
    coef: tuple[float, ...]

    def value(self, driver_value: float) -> float:
        """Return the driven joint's change for the driver's change (the constant term is in the neutral pose)."""
        return float(sum(c * driver_value**k for k, c in enumerate(self.coef) if k))


@dataclass(frozen=True)
class MusclePath:
    """One actuator path of a muscle: points (mm, neutral pose) and the body each point moves with."""

    actuator: str
    points: np.ndarray = field(compare=False)
    bodies: tuple[str, ...] = ()


@dataclass(frozen=True)
class LengthFit:
    """A muscle's wrapping correction (mm) as a polynomial of joint angles (``assetbuild/muscle_lengths.py``)."""

    joints: tuple[str, ...]
    coef: np.ndarray = field(compare=False)
    rms_mm: float = 0.0
    max_mm: float = 0.0

    def value(self, degrees: dict[str, float]) -> float:
        """Return the correction (mm) at joint angles in degrees (absent joints at 0)."""
        import itertools

        q = np.radians([degrees.get(j, 0.0) for j in self.joints])
        pairs = [q[i] * q[j] for i, j in itertools.combinations(range(len(q)), 2)]
        terms = np.concatenate([[1.0], q, q**2, q**3, pairs])
        return float(terms @ self.coef)


@dataclass(frozen=True)
class VariantOption:
    """One option of an anatomical variant: which meshes stand in for which, how common, and the source."""

    id: str
    label: str
    replaces: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    prevalence: float | None = None
    source: str = ""


@dataclass(frozen=True)
class VariantGroup:
    """A set of mutually exclusive variants of one structure (e.g. the sciatic nerve's path)."""

    id: str
    default: str
    options: dict[str, VariantOption] = field(default_factory=dict, compare=False, hash=False)

    def replacement_ids(self) -> set[str]:
        """Return every mesh id that stands in for a structure in some option."""
        return {sid for option in self.options.values() for ids in option.replaces.values() for sid in ids}


def bodies_from(record: dict) -> dict[str, Body]:
    return {name: Body(name, str(b.get("parent") or ""), np.asarray(b["pos"], float), np.asarray(b["rot"], float))
            for name, b in record.items()}


def joints_from(record: dict) -> dict[str, Joint]:
    """Return the joints in the model's own order (a body's joints compose in that order)."""
    ordered = sorted(record.items(), key=lambda kv: (kv[1].get("order", 0), kv[0]))
    return {name: Joint(name, str(j["body"]), JOINT_KINDS.get(int(j["type"]), "unknown"),
                        np.asarray(j["anchor"], float), np.asarray(j["axis"], float),
                        (float(j["range"][0]), float(j["range"][1])))
            for name, j in ordered}


def couplings_from(record: dict) -> dict[str, Coupling]:
    return {name: Coupling(name, str(c["driver"]), tuple(float(x) for x in c["coef"])) for name, c in record.items()}


def muscle_paths_from(record: dict) -> dict[str, tuple[MusclePath, ...]]:
    return {sid: tuple(MusclePath(str(p.get("actuator", "")), np.asarray(p["points"], float), tuple(p["bodies"]))
                       for p in paths) for sid, paths in record.items()}


def length_fits_from(record: dict) -> dict[str, LengthFit]:
    return {sid: LengthFit(tuple(f["joints"]), np.asarray(f["coef"], float), float(f.get("rms_mm", 0.0)),
                           float(f.get("max_mm", 0.0))) for sid, f in record.items()}


def variants_from(record: dict) -> dict[str, VariantGroup]:
    groups = {}
    for gid, entry in record.items():
        options = {oid: VariantOption(oid, str(o.get("label", "")),
                                      {sid: tuple(ids) for sid, ids in (o.get("replaces") or {}).items()},
                                      o.get("prevalence"), str(o.get("source", "")))
                   for oid, o in entry["options"].items()}
        groups[gid] = VariantGroup(gid, str(entry.get("default") or next(iter(options))), options)
    return groups
