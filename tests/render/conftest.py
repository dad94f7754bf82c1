"""A small synthetic model (a bone, a muscle, a nerve with a centreline, a variant).

Built in a temporary folder with the real asset format (``save_mesh`` + ``model.json``),
so render tests know exactly where each structure is and do not depend on the
bundled assets being rebuilt.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sciatic_atlas.anatomy.meshes import save_mesh
from sciatic_atlas.anatomy.model import read_model


def _write(folder, sid, poly, structures, **extra):
    tri = poly.triangulate().clean()
    faces = np.asarray(tri.faces).reshape(-1, 4)[:, 1:]
    save_mesh(folder / "meshes" / f"{sid}.npz", np.asarray(tri.points), faces)
    structures[sid] = {"mesh": f"meshes/{sid}.npz", "body": "", "n_triangles": len(faces), **extra}


@pytest.fixture(scope="session")
def toy_model(tmp_path_factory):
    """Return an AnatomyModel: femur_r (box at x=-100), gluteus_maximus_r (sphere at x=+100),
    sciatic_nerve_r (vertical tube at the origin, z -150..150, in front of the others at
    y=+60 so a posterior camera sees it), a Beaton-Anson variant replacing the nerve by
    ``sciatic_nerve_r__ba_b`` (a tube at x=+40), and skin (hidden by default)."""
    import pyvista as pv

    folder = tmp_path_factory.mktemp("toy_assets")
    structures: dict = {}
    _write(folder, "femur_r", pv.Box((-140, -60, -40, 40, -150, 150), level=4), structures)
    _write(folder, "gluteus_maximus_r", pv.Sphere(radius=50, center=(100, 0, 0), theta_resolution=40,
                                                  phi_resolution=40), structures, kind="muscle",
           layer="superficial")
    _write(folder, "femur_l", pv.Box((60, 140, -40, 40, -150, 150), level=2), structures)
    for sid, x in (("sciatic_nerve_r", 0.0), ("sciatic_nerve_r__ba_b", 40.0)):
        # a tube with rings along its length, like the built nerves
        tube = pv.Line((x, 60, 150), (x, 60, -150), resolution=60).tube(radius=12, n_sides=48, capping=True)
        _write(folder, sid, tube, structures, kind="nerve")
    _write(folder, "skin", pv.Sphere(radius=400, theta_resolution=20, phi_resolution=20), structures)
    record = {
        "structures": structures,
        "landmarks": {"ischial_tuberosity_r": {"position": [0.0, 60.0, 100.0], "side": "right",
                                               "structure": "hip_bone_r", "how": "toy"}},
        "centrelines": {"sciatic_nerve_r": [[0.0, 60.0, 150.0], [0.0, 60.0, 0.0], [0.0, 60.0, -150.0]]},
        "variants": {"sciatic_path": {"default": "a", "options": {
            "a": {"label": "normal", "replaces": {}},
            "b": {"label": "through piriformis", "replaces": {"sciatic_nerve_r": ["sciatic_nerve_r__ba_b"]}},
        }}},
    }
    (folder / "model.json").write_text(json.dumps(record))
    return read_model(folder)
