"""Baked ambient occlusion in the renderer: it darkens vertex colours where it fits its mesh,
and a missing, damaged or stale file draws the structure as before (issue 12)."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from sciatic_atlas.anatomy.meshes import save_arrays  # noqa: E402
from sciatic_atlas.anatomy.model import read_model  # noqa: E402
from sciatic_atlas.render.appearance import appearance, default_look  # noqa: E402
from sciatic_atlas.render.occlusion import OCCLUSION_FILE  # noqa: E402
from sciatic_atlas.render.structure_actor import OPENNESS, RGB_ARRAY, StructureActor, surface  # noqa: E402


def _model(toy_model, tmp_path, occlusion=None, raw: bytes | None = None):
    folder = tmp_path / "assets"
    shutil.copytree(toy_model.folder, folder)
    if occlusion is not None:
        save_arrays(folder / OCCLUSION_FILE, occlusion)
    if raw is not None:
        (folder / OCCLUSION_FILE).write_bytes(raw)
    return read_model(folder)


def _attach(plotter, model, sid):
    item = StructureActor.attach(plotter, sid, surface(model, sid), default_look(model, sid))
    return item, bool(item.mapper.GetScalarVisibility())


def test_occluded_vertices_are_drawn_darker(plotter, toy_model, tmp_path):
    n = toy_model.mesh("femur_r").vertices.shape[0]
    shade = np.where(np.arange(n) % 2 == 0, 0, 255).astype(np.uint8)
    model = _model(toy_model, tmp_path, {"femur_r": shade})
    item, coloured = _attach(plotter, model, "femur_r")
    assert coloured and OPENNESS in item.mesh.point_data
    rgb = np.asarray(item.mesh.point_data[RGB_ARRAY], float) / 255
    colour = np.asarray(default_look(model, "femur_r").colour)
    strength = appearance()["occlusion"]["strength"]
    assert np.allclose(rgb[1::2], colour, atol=0.01)  # open: its own colour
    assert np.allclose(rgb[0::2], colour * (1 - strength), atol=0.01)  # enclosed: darker by the strength


@pytest.mark.parametrize("case", ["missing", "cut short", "another mesh's length"])
def test_without_a_fitting_occlusion_a_structure_is_drawn_as_before(plotter, toy_model, tmp_path, case):
    n = toy_model.mesh("femur_r").vertices.shape[0]
    if case == "missing":
        model = _model(toy_model, tmp_path)
    elif case == "cut short":
        good = tmp_path / "good.npz"
        save_arrays(good, {"femur_r": np.zeros(n, np.uint8)})
        model = _model(toy_model, tmp_path, raw=good.read_bytes()[:60])
    else:
        model = _model(toy_model, tmp_path, {"femur_r": np.zeros(n + 7, np.uint8)})
    item, coloured = _attach(plotter, model, "femur_r")
    assert OPENNESS not in item.mesh.point_data and not coloured  # the plain colour of the actor
    assert tuple(item.actor.prop.color)[:3] == pytest.approx(default_look(model, "femur_r").colour, abs=0.01)
