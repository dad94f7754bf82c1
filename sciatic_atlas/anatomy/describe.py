"""The model as data: the dict behind ``sciatic-atlas describe --json``.

This module owns the shape documented in ``docs/describe-json.md``: the world frame, every
structure with its build record and (when the knowledge base is present) its sourced facts,
nerve and muscle centrelines as point lists (mm), the named landmarks with their side, and
the anatomical variants. Pure data: NumPy and the standard library only.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from sciatic_atlas.anatomy.model import AnatomyModel

log = logging.getLogger(__name__)

FORMAT = 1
NERVE_KINDS = ("root", "nerve", "branch", "variant")


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready data (dataclasses, tuples and sets become dicts/lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def knowledge_records() -> dict[str, dict]:
    """Return the knowledge base as ``structure id -> plain dict``, or ``{}`` if it is absent.

    Reads ``load_knowledge().structures`` (:mod:`sciatic_atlas.anatomy.knowledge`) when that
    module exists: structure ids to :class:`~sciatic_atlas.anatomy.structures.Structure` records.
    """
    try:
        from sciatic_atlas.anatomy.knowledge import load_knowledge
    except ImportError:
        log.info("no knowledge base module; describing geometry only")
        return {}
    structures = load_knowledge().structures  # structure id -> Structure
    return {sid: _plain(rec) for sid, rec in structures.items()}


def _kind(info: dict, knowledge: dict | None) -> str:
    if knowledge and knowledge.get("kind"):
        return knowledge["kind"]
    return info.get("kind") or info.get("layer_kind") or "unknown"


def describe_poses(model: AnatomyModel) -> dict:
    """Return the named poses (``data/poses.yaml``): joints, placement, what each stretches, sources."""
    from sciatic_atlas.anatomy.poses import named_poses, resolve_pose

    out = {}
    for pid, pose in named_poses().items():
        out[pid] = {"label": pose.label, "placement": pose.placement, "start": pose.start, "full": pose.full,
                    "stretches": list(pose.stretches), "nerve_beds": list(pose.nerve_beds), "hold_s": pose.hold_s,
                    "limits": list(resolve_pose(model, pid).limits), "text": pose.text,
                    "source": {"id": pose.source, "locator": pose.locator},
                    "figures": [_plain(f) for f in pose.figures]}
    return out


def _posed_geometry(model: AnatomyModel, name: str, nerves: dict, muscles: dict, other: dict, landmarks: dict) -> dict:
    """Replace centrelines and landmark positions by the posed ones (in place); return the pose's summary."""
    import numpy as np

    from sciatic_atlas.anatomy.posed import posed_model
    from sciatic_atlas.anatomy.poses import named_poses, resolve_pose

    resolved = resolve_pose(model, name)
    posed = posed_model(model, resolved)
    for group in (nerves, muscles, other):
        for sid in group:
            group[sid] = np.round(posed.centreline(sid), 2).tolist()
    for lm_name, entry in landmarks.items():
        entry["position"] = np.round(posed.landmark(lm_name), 2).tolist()
    beds = named_poses()[name].nerve_beds or ("sciatic_nerve_r", "tibial_nerve_r")
    return {"name": name, "joints_degrees": dict(resolved.joints), "placement": resolved.placement,
            "limits": list(resolved.limits), "floor_mm": round(posed.floor_height(resolved.rests_on), 2),
            "muscle_length_change_percent": {k: round(v, 2) for k, v in posed.length_changes().items()},
            "nerve_bed_change_percent": {sid: round(posed.bed_change((sid,)), 2) for sid in beds},
            "note": "Bed length is the model's path length along the nerve, not nerve strain."}


def describe_model(model: AnatomyModel, knowledge: dict[str, dict] | None = None, pose: str | None = None) -> dict:
    """Return the model as a JSON-ready dict (see ``docs/describe-json.md``).

    Parameters
    ----------
    model : AnatomyModel
        The built model (``assets/model.json`` and meshes).
    knowledge : dict, optional
        ``structure id -> facts record``; by default read with :func:`knowledge_records`.

    Returns
    -------
    dict
        Keys ``format``, ``frame``, ``source``, ``structures``, ``landmarks``,
        ``centrelines`` (``nerves``, ``muscles``), ``variants``; and ``overlay_summaries``
        (:func:`~sciatic_atlas.anatomy.overlays.overlay_summaries`) when the model has a skin;
        ``poses`` (the named poses). With ``pose`` (a named pose), centrelines and landmarks
        are where that pose puts them, and ``pose`` summarises it (joints, limits, lengths).
    """
    record = model.record
    knowledge = knowledge_records() if knowledge is None else knowledge
    structures = {}
    for sid in sorted(set(record["structures"]) | set(knowledge)):
        info = record["structures"].get(sid)
        facts = knowledge.get(sid)
        entry = {"id": sid, "has_mesh": info is not None, "kind": _kind(info or {}, facts)}
        if info is not None:
            entry["build"] = {k: v for k, v in info.items() if k != "mesh"}
            entry["mesh"] = info["mesh"]
            entry["has_centreline"] = sid in record.get("centrelines", {})
        if facts is not None:
            entry["knowledge"] = facts
        structures[sid] = entry
    nerves, muscles, other = {}, {}, {}
    for sid, pts in sorted(record.get("centrelines", {}).items()):
        kind = structures.get(sid, {}).get("kind", "")
        target = nerves if kind in NERVE_KINDS else muscles if kind == "muscle" else other
        target[sid] = pts
    landmarks = {name: {"position": lm["position"], "side": lm["side"], "structure": lm["structure"],
                        "how": lm["how"]} for name, lm in sorted(record.get("landmarks", {}).items())}
    out = {
        "format": FORMAT,
        "units": "mm",
        "frame": record.get("frame", {}),
        "source": record.get("source", {}),
        "structures": structures,
        "landmarks": landmarks,
        "centrelines": {"nerves": nerves, "muscles": muscles, "other": other},
        "variants": record.get("variants", {}),
        "poses": describe_poses(model),
    }
    if pose:
        out["pose"] = _posed_geometry(model, pose, nerves, muscles, other, landmarks)
    if model.has_mesh("skin"):  # every skin overlay, its source and the regions it covers
        from sciatic_atlas.anatomy.overlays import overlay_summaries

        out["overlay_summaries"] = overlay_summaries(model)
    return out


def summary_lines(described: dict) -> list[str]:
    """Return a readable summary of a :func:`describe_model` dict, one line per item."""
    structures = described["structures"]
    kinds: dict[str, int] = {}
    for entry in structures.values():
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    lines = [f"Sciatic Atlas model ({described['units']}, {described['frame'].get('pose', 'neutral pose')})",
             f"{len(structures)} structures: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))]
    for axis, meaning in described["frame"].get("axes", {}).items():
        lines.append(f"  {axis:>3}: {meaning}")
    cl = described["centrelines"]
    lines.append(f"centrelines: {len(cl['nerves'])} nerves, {len(cl['muscles'])} muscles")
    lines.append(f"{len(described['landmarks'])} landmarks:")
    for name, lm in described["landmarks"].items():
        x, y, z = lm["position"]
        lines.append(f"  {name:<36} {lm['side']:<8} ({x:7.1f}, {y:7.1f}, {z:7.1f}) on {lm['structure']}")
    for group, var in described["variants"].items():
        lines.append(f"variant '{group}' (default {var.get('default')}):")
        for key, opt in var.get("options", {}).items():
            prev = opt.get("prevalence")
            share = f"{prev:.1%}" if isinstance(prev, (int, float)) else "rare"
            lines.append(f"  {key}: {opt.get('label', '')} [{share}]")
    return lines
