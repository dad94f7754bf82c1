"""``sciatic-atlas build-assets``: run every build stage and write ``assets/``.

The output is reproducible: the same model and code give byte-identical files
(fixed dtypes, rounded coordinates, sorted keys, fixed zip timestamps).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np

from sciatic_atlas.anatomy.frame import describe as describe_frame
from sciatic_atlas.anatomy.meshes import save_arrays, save_mesh
from sciatic_atlas.assetbuild.parts import BuildPart
from sciatic_atlas.assetbuild.model_map import muscle_actuators
from sciatic_atlas.assetbuild.muscle_lengths import fit_lengths
from sciatic_atlas.assetbuild.skinning import joint_couplings, muscle_paths
from sciatic_atlas.fileio import write_text

log = logging.getLogger(__name__)

MODEL_FILE = "model.json"


STAGES = ("bones", "discs", "muscles", "bone_foramina", "nerves", "dura", "skin", "skinning", "occlusion")  # skinning weights every soft mesh; occlusion last: it shades whatever meshes the others made


def run_stages(raw, stages: tuple[str, ...] = STAGES) -> tuple[BuildPart, dict[str, BuildPart]]:
    """Run build stages in dependency order.

    Each stage module in :mod:`sciatic_atlas.assetbuild` has ``build(raw, part)`` (the bones
    stage ``build(raw)``) and sees everything the stages before it produced. A stage listing
    ids in ``REPLACES`` hands back its own version of those earlier meshes.

    Returns
    -------
    merged : BuildPart
        Every stage's output merged.
    by_stage : dict of str to BuildPart
        Each stage's own output, for tests that look at one stage.
    """
    import importlib

    merged, by_stage = BuildPart(), {}
    for name in stages:
        stage = importlib.import_module(f"sciatic_atlas.assetbuild.{name}")
        part = stage.build(raw) if name == "bones" else stage.build(raw, merged)
        log.info("stage %s: %d meshes", name, len(part.meshes))
        by_stage[name] = part
        for sid in getattr(stage, "REPLACES", ()):  # a stage that reworks an earlier stage's mesh
            merged.meshes.pop(sid, None)
        merged.merge(part)
    return merged, by_stage


def _round(a) -> list:
    return np.round(np.asarray(a, dtype=float), 2).tolist()


def write_assets(part: BuildPart, raw, out_dir: Path) -> dict:
    """Write meshes and ``model.json`` into ``out_dir``; return the model record."""
    meshes_dir = out_dir / "meshes"
    if meshes_dir.exists():
        shutil.rmtree(meshes_dir)
    meshes_dir.mkdir(parents=True)
    structures = {}
    for sid in sorted(part.meshes):
        mesh = part.meshes[sid]
        save_mesh(meshes_dir / f"{sid}.npz", mesh.vertices, mesh.faces)
        structures[sid] = {"mesh": f"meshes/{sid}.npz", "body": mesh.body,
                           "n_triangles": int(len(mesh.faces)), **mesh.extra}
    for name in sorted(part.arrays):  # per-vertex data beside the meshes, e.g. skin_coords.npz
        save_arrays(out_dir / name, part.arrays[name])
    record = {
        "format": 1,
        "frame": describe_frame(),
        "source": raw.source,
        "structures": structures,
        "bodies": {name: {"pos": _round(b["pos"]), "rot": np.round(b["rot"], 6).tolist(),
                          "parent": b["parent"]} for name, b in sorted(raw.bodies.items())},
        "joints": {name: {"body": j["body"], "type": j["type"], "order": j["order"],
                          "range": np.round(j["range"], 4).tolist(), "axis": np.round(j["axis"], 6).tolist(),
                          "anchor": _round(j["anchor"])} for name, j in sorted(raw.joints.items())},
        "landmarks": {name: {"position": _round(lm.position), "side": lm.side,
                             "structure": lm.structure, "how": lm.how}
                      for name, lm in sorted(part.landmarks.items())},
        "centrelines": {name: _round(pts) for name, pts in sorted(part.centrelines.items())},
        "variants": part.variants,
        "muscle_paths": muscle_paths(raw),
        "muscle_length_fits": fit_lengths(raw, muscle_actuators(raw.muscles)),
        "couplings": joint_couplings(raw),
        "info": part.info,
    }
    write_text(out_dir / MODEL_FILE, json.dumps(record, indent=1, sort_keys=True) + "\n")  # atomic
    return record


def build_assets(out_dir: Path, model_name: str = "myofullbody") -> dict:
    """Build every asset from the musculoskeletal model into ``out_dir``."""
    from sciatic_atlas.assetbuild.extract import load_raw_model

    raw = load_raw_model(model_name)
    part, _ = run_stages(raw)
    record = write_assets(part, raw, out_dir)
    log.info("wrote %d meshes to %s", len(record["structures"]), out_dir)
    return record
