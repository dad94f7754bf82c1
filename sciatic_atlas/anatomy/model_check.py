"""Check the shape of ``assets/model.json`` before anything uses it.

A damaged or hand-edited ``model.json`` is reported here, naming the file, the entry
and the rebuild command, instead of failing later somewhere unrelated (in the
renderer, or blamed on a valid scene file). A structure whose mesh file is missing,
or whose ``mesh`` path leaves the meshes folder, is dropped with a warning: the
picture has a hole there and the rest of the program keeps working.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.paths import REBUILD_HINT

log = logging.getLogger(__name__)

MESH_FOLDER = "meshes"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _is_point(value) -> bool:
    return isinstance(value, list) and len(value) == 3 and all(_is_number(c) for c in value)


def _fail(path: Path, what: str) -> AtlasDataError:
    return AtlasDataError(f"corrupt model file {path} ({what}): {REBUILD_HINT}")


def check_record(record, path: Path) -> dict:
    """Return ``record`` (the parsed ``model.json``) once its shape is right.

    Structures with an unusable mesh entry are removed from ``record["structures"]``
    (each with a warning); every other defect raises.

    Raises
    ------
    AtlasDataError
        Naming ``path``, the entry and the rebuild command.
    """
    if not isinstance(record, dict):
        raise _fail(path, "it does not hold a mapping")
    if not isinstance(record.get("structures"), dict):
        raise _fail(path, "'structures' is not a mapping")
    for key in ("landmarks", "centrelines", "variants", "bodies", "joints"):
        if not isinstance(record.get(key, {}), dict):
            raise _fail(path, f"'{key}' is not a mapping")
    record["structures"] = _usable_structures(record["structures"], path)
    for name, entry in record.get("landmarks", {}).items():
        if not isinstance(entry, dict) or not _is_point(entry.get("position")):
            raise _fail(path, f"landmark '{name}' has no position of three numbers")
        for key in ("side", "structure", "how"):
            if not isinstance(entry.get(key), str):
                raise _fail(path, f"landmark '{name}' has no text '{key}'")
    for sid, points in record.get("centrelines", {}).items():
        if not isinstance(points, list) or not all(_is_point(p) for p in points):
            raise _fail(path, f"the centreline of '{sid}' is not a list of points of three numbers")
    for group, entry in record.get("variants", {}).items():
        _check_variant(group, entry, path)
    _check_kinematics(record, path)
    return record


def _check_kinematics(record: dict, path: Path) -> None:
    """Bodies: a parent name, a position and a 3 x 3 rotation; joints: a body, a type, anchor, axis, range."""
    for name, body in record.get("bodies", {}).items():
        if not (isinstance(body, dict) and isinstance(body.get("parent", ""), str) and _is_point(body.get("pos"))
                and isinstance(body.get("rot"), list) and len(body["rot"]) == 3
                and all(_is_point(row) for row in body["rot"])):
            raise _fail(path, f"body '{name}' needs a parent name, a position 'pos' and a 3 x 3 rotation 'rot'")
    for name, joint in record.get("joints", {}).items():
        rng = joint.get("range") if isinstance(joint, dict) else None
        if not (isinstance(joint, dict) and isinstance(joint.get("body"), str)
                and isinstance(joint.get("type"), int) and not isinstance(joint.get("type"), bool)
                and _is_point(joint.get("anchor")) and _is_point(joint.get("axis"))
                and isinstance(rng, list) and len(rng) == 2 and all(_is_number(v) for v in rng)):
            raise _fail(path, f"joint '{name}' needs a body, an integer type, an anchor, an axis and a range of two numbers")


def _usable_structures(structures: dict, path: Path) -> dict:
    folder = path.parent
    meshes = (folder / MESH_FOLDER).resolve()
    kept = {}
    for sid, info in structures.items():
        if not isinstance(info, dict):
            raise _fail(path, f"structure '{sid}' is not a mapping")
        mesh = info.get("mesh")
        if not isinstance(mesh, str) or not mesh:
            log.warning("%s: structure '%s' has no mesh entry; it is left out of the picture: %s",
                        path, sid, REBUILD_HINT)
            continue
        target = (folder / mesh).resolve()
        if not target.is_relative_to(meshes) or target.suffix != ".npz":
            log.warning("%s: the mesh of '%s' (%s) is not a .npz file in %s; it is left out: %s",
                        path, sid, mesh[:80], meshes, REBUILD_HINT)
            continue
        if not target.is_file():
            log.warning("missing mesh file %s: '%s' is left out of the picture: %s", target, sid, REBUILD_HINT)
            continue
        kept[sid] = info
    return kept


def _check_variant(group: str, entry, path: Path) -> None:
    if not isinstance(entry, dict) or not isinstance(entry.get("options"), dict) or not entry["options"]:
        raise _fail(path, f"variant '{group}' has no 'options' mapping")
    for option, record in entry["options"].items():
        if not isinstance(record, dict):
            raise _fail(path, f"option '{option}' of variant '{group}' is not a mapping")
        replaces = record.get("replaces", {})
        if not isinstance(replaces, dict) or not all(
                isinstance(ids, list) and all(isinstance(i, str) for i in ids) for ids in replaces.values()):
            raise _fail(path, f"'replaces' of option '{option}' of variant '{group}' is not "
                              "a mapping of structure ids to lists of ids")
