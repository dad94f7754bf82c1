"""Coarse copies drawn while the camera moves (render/lod.py) on the synthetic model."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from pixels import GREEN, RED, pixel, same_hue

from sciatic_atlas.render import AtlasView, lod
from sciatic_atlas.render.structure_actor import surface
from sciatic_atlas.scenes.state import CameraSpec, SceneState, StructureStyle

CAMERA = CameraSpec(view=None, position=(0.0, 900.0, 0.0), focal_point=(0.0, 0.0, 0.0), up=(0.0, 0.0, 1.0))


def _state(styles) -> SceneState:
    return SceneState(styles=styles, camera=CAMERA, background="black")


def test_coarse_copy_has_a_quarter_of_the_triangles_on_the_same_surface(toy_model):
    full = surface(toy_model, "gluteus_maximus_r")  # a sphere of radius 50 at x=+100
    coarse = lod.coarse_surface(toy_model, "gluteus_maximus_r")
    assert full.n_cells >= lod.MIN_TRIANGLES
    assert 0.15 * full.n_cells <= coarse.n_cells <= 0.35 * full.n_cells
    radius = np.linalg.norm(np.asarray(coarse.points) - (100.0, 0.0, 0.0), axis=1)
    assert np.all(np.abs(radius - 50.0) < 2.0)
    normals = np.asarray(coarse.point_data["Normals"])
    assert np.allclose(np.linalg.norm(normals, axis=1), 1.0, atol=1e-3)
    outward = (np.asarray(coarse.points) - (100.0, 0.0, 0.0)) / radius[:, None]
    assert np.median(np.sum(normals * outward, axis=1)) > 0.95  # the full mesh's smooth normals
    assert lod.coarse_surface(toy_model, "gluteus_maximus_r") is coarse  # made once


def test_small_meshes_have_no_coarse_copy(toy_model):
    assert surface(toy_model, "femur_l").n_cells < lod.MIN_TRIANGLES
    assert lod.coarse_surface(toy_model, "femur_l") is None


def test_moving_draws_the_coarse_copy_in_the_same_colour_and_stopping_restores_the_mesh(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    styles = {"gluteus_maximus_r": StructureStyle(colour=GREEN, opacity=1.0),
              "femur_l": StructureStyle(colour=RED, opacity=1.0)}
    view.apply_state(_state(styles))
    assert lod.prepare(toy_model, actors)
    item = actors["gluteus_maximus_r"]
    lod.set_moving(actors, True)
    assert item.actor.GetMapper().GetInput() is item.coarse
    assert actors["femur_l"].actor.GetMapper().GetInput() is actors["femur_l"].mesh  # small: kept
    plotter.render()
    assert same_hue(pixel(plotter, (100.0, 50.0, 0.0)), GREEN)
    # restyling while moving reaches the coarse copy too
    view.apply_state(_state({**styles, "gluteus_maximus_r": StructureStyle(colour=RED, opacity=1.0)}))
    assert same_hue(pixel(plotter, (100.0, 50.0, 0.0)), RED)
    lod.set_moving(actors, False)
    assert item.actor.GetMapper().GetInput() is item.mesh


def test_prepare_with_a_budget_prepares_visible_structures_first(plotter, toy_model):
    view = AtlasView(plotter, toy_model)
    actors = view.actors
    styles = {"gluteus_maximus_r": StructureStyle(colour=GREEN, opacity=1.0),
              "sciatic_nerve_r": StructureStyle(colour=RED, opacity=1.0)}
    view.apply_state(_state(styles), render=False)
    nerve = actors["sciatic_nerve_r"]
    nerve.set_look(replace(nerve.look, visible=False))
    assert not lod.prepare(toy_model, actors, budget=1)
    assert actors["gluteus_maximus_r"].has_coarse_state and not actors["sciatic_nerve_r"].has_coarse_state
    assert lod.prepare(toy_model, actors, budget=1)
