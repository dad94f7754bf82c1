"""Read ``data/model_map.yaml``: which model parts make each atlas structure."""

from __future__ import annotations

import re

from sciatic_atlas.assetbuild.data import build_data

SIDES = ("r", "l")


def model_map() -> dict:
    """Return the parsed model map (bones and muscles sections)."""
    return build_data("model_map.yaml")


def bone_geoms() -> dict[str, tuple[list[str], str]]:
    """Return ``structure_id -> (model geom names, body name)`` for every bone."""
    out = {}
    for base, spec in model_map()["bones"].items():
        if spec.get("bilateral"):
            for s in SIDES:
                out[f"{base}_{s}"] = ([f"{g}_{s}" for g in spec["geoms"]], f"{spec['body']}_{s}")
        else:
            out[base] = (list(spec["geoms"]), spec["body"])
    return out


def muscle_actuators(all_actuators) -> dict[str, list[str]]:
    """Return ``structure_id -> model actuator names`` for every muscle, both sides."""
    out = {}
    names = list(all_actuators)
    for base, spec in model_map()["muscles"].items():
        for s in SIDES:
            acts = [f"{a}_{s}" for a in spec.get("actuators", [])]
            for pattern in spec.get("fascicles", []):
                rx = re.compile(pattern)
                acts += [n for n in names if rx.search(n) and n.endswith(f"_{s}") and n not in acts]
            out[f"{base}_{s}"] = acts
    return out
