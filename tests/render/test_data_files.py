"""views.yaml and appearance.yaml are complete, and reading them needs no VTK."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from subproc import source_env

from sciatic_atlas.anatomy.model_types import StructureInfo

from sciatic_atlas.render import cameras
from sciatic_atlas.render.appearance import Look, appearance, default_look, kind_of, styled_look
from sciatic_atlas.scenes.state import StructureStyle


@pytest.mark.parametrize("view", cameras.view_names())
def test_every_view_is_complete(view):
    spec = cameras.view_spec(view)
    assert len(spec["direction"]) == 3 and np.linalg.norm(spec["direction"]) > 0
    assert len(spec["up"]) == 3
    z0, z1 = spec["z"]
    assert z0 < z1
    assert spec["label"]
    assert 0 < spec["view_angle"] < 90


def test_every_kind_has_a_full_material():
    for kind, spec in appearance()["kinds"].items():
        assert set(spec) >= {"colour", "opacity", "ambient", "diffuse", "specular", "specular_power"}, kind
        assert all(0 <= c <= 1 for c in spec["colour"]) and 0 < spec["opacity"] <= 1


@pytest.mark.parametrize(("sid", "kind"), [
    ("femur_r", "bone"), ("vertebra_l5", "bone"), ("disc_l4_l5", "disc"), ("sciatic_nerve_l", "nerve"),
    ("sciatic_nerve_r__ba_b", "nerve"), ("l5_ventral_ramus_r", "root"), ("lumbosacral_trunk_l", "root"),
    ("branch_tibial_nerve__soleus_r", "branch"), ("piriformis_r", "muscle"), ("skin", "skin"),
    ("spinal_canal", "canal"),
])
def test_kind_from_the_id_when_the_model_does_not_say(sid, kind):
    assert kind_of(sid, None) == kind


def test_bones_ivory_nerves_yellow_every_muscle_layer_opaque():
    class Model:
        @staticmethod
        def structure(sid):
            layer = {"gluteus_maximus_r": "superficial", "piriformis_r": "deep"}[sid]
            return StructureInfo(sid, f"meshes/{sid}.npz", kind="muscle", layer=layer)

    bone, nerve = default_look(None, "femur_r"), default_look(None, "sciatic_nerve_r")
    assert min(bone.colour) > 0.7  # ivory: light, warm
    assert nerve.colour[0] > 0.9 and nerve.colour[1] > 0.7 and nerve.colour[2] < 0.3  # yellow
    superficial, deep = default_look(Model, "gluteus_maximus_r"), default_look(Model, "piriformis_r")
    # issue 12: opaque, layered: a scene peels what covers the nerve instead of ghosting it
    assert superficial.opacity == deep.opacity == default_look(None, "skin").opacity == 1.0
    assert sum(deep.colour) < sum(superficial.colour)  # the deep layer is darker


def test_matte_bone_glossy_nerve_and_vessels_pearly_tendon():
    bone, nerve = default_look(None, "femur_r"), default_look(None, "sciatic_nerve_r")
    vessel, muscle = default_look(None, "popliteal_artery_r"), default_look(None, "piriformis_r")
    # a highlight on bone is a faint, broad one; on a nerve or a vessel a strong, tight one
    assert bone.specular * 4 <= min(nerve.specular, vessel.specular)
    assert bone.specular_power * 4 <= min(nerve.specular_power, vessel.specular_power)
    assert bone.specular < muscle.specular < nerve.specular
    tendon = appearance()["tendon"]["colour"]
    assert min(tendon) > 0.88 and sum(tendon) > sum(bone.colour)  # pearly: lighter than bone


def test_style_overrides_and_defaults():
    base = Look((0.5, 0.5, 0.5), 0.4, 0.2, 0.8, 0.2, 20)
    assert styled_look(base, StructureStyle()).opacity == 0.4  # None keeps the default
    assert styled_look(base, StructureStyle(opacity=1.0, colour=(1, 0, 0))).colour == (1.0, 0.0, 0.0)
    assert not styled_look(base, StructureStyle(visible=False)).visible
    assert styled_look(base, StructureStyle(highlight=True)).opacity >= 0.9


def test_reading_views_and_colours_does_not_import_vtk():
    code = ("import sys\nfrom sciatic_atlas.render.cameras import view_names\n"
            "from sciatic_atlas.render.appearance import default_look\nview_names(); default_look(None, 'femur_r')\n"
            "print(any(m.startswith(('vtk', 'pyvista')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=source_env())
    assert out.stdout.strip() == "False"
