"""Read ``data/model_map.yaml``: which model parts make each atlas structure."""

from __future__ import annotations

import functools
import re

import yaml

from sciatic_atlas.anatomy.paths import DATA_DIR

SIDES = ("r", "l")


@functools.cache
def model_map() -> dict:
    """Return the parsed model map (bones and muscles sections)."""
    with open(DATA_DIR / "model_map.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


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
