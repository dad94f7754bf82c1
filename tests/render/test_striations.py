"""Fibre striations (render/striations.py): the baked fibre coordinate becomes texture
coordinates on the muscle's actor, the stripes run along the fibres in the picture, and the
coarse copy drawn while moving keeps them."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

pv = pytest.importorskip("pyvista")

from sciatic_atlas.anatomy.meshes import save_arrays, save_mesh  # noqa: E402
from sciatic_atlas.anatomy.model import read_model  # noqa: E402
from sciatic_atlas.render import lod, striations  # noqa: E402
from sciatic_atlas.render.appearance import default_look  # noqa: E402
from sciatic_atlas.render.structure_actor import FIBRE, StructureActor, surface  # noqa: E402

RADIUS = 40.0  # mm: a vertical cylindrical "muscle" at the origin, its fibres along z
SID = "semitendinosus_r"


def _folded(points: np.ndarray) -> np.ndarray:
    """The build's folded coordinate of a cylinder round z: mm round from the +x line, 0 .. pi r."""
    return (np.abs(np.arctan2(points[:, 1], points[:, 0])) * RADIUS).astype(np.float32)


def _model(toy_model, tmp_path, fibres: bool = True, extra: int = 0):
    folder = tmp_path / "assets"
    shutil.copytree(toy_model.folder, folder)
    tube = pv.Cylinder(center=(0, 0, 0), direction=(0, 0, 1), radius=RADIUS, height=300,
                       resolution=72, capping=True).triangulate().clean()
    tube = tube.subdivide_adaptive(max_edge_len=12.0).clean()
    faces = np.asarray(tube.faces).reshape(-1, 4)[:, 1:]
    save_mesh(folder / "meshes" / f"{SID}.npz", np.asarray(tube.points), faces)
    record = json.loads((folder / "model.json").read_text())
    record["structures"][SID] = {"mesh": f"meshes/{SID}.npz", "body": "", "n_triangles": len(faces),
                                 "kind": "muscle", "layer": "superficial"}
    (folder / "model.json").write_text(json.dumps(record))
    if fibres:
        points = np.round(np.asarray(tube.points), 3).astype(np.float32)
        values = _folded(points)
        save_arrays(folder / striations.FIBRES_FILE, {SID: np.concatenate([values, values[:extra]])})
    return read_model(folder)


def test_texture_coordinates_and_the_stripe_texture_reach_the_actor(plotter, toy_model, tmp_path):
    model = _model(toy_model, tmp_path)
    item = StructureActor.attach(plotter, SID, surface(model, SID), default_look(model, SID))
    tcoords = item.mesh.active_texture_coordinates
    assert tcoords is not None and item.actor.texture is not None
    spacing = striations.settings()["spacing_mm"]
    assert np.allclose(tcoords[:, 0], np.asarray(item.mesh.point_data[FIBRE]) / spacing, atol=1e-4)
    tex = item.actor.texture
    assert tex.repeat and tex.interpolate and tex.GetMipmap()


def test_without_the_option_or_the_file_a_muscle_is_drawn_plain(plotter, toy_model, tmp_path, monkeypatch):
    item = StructureActor.attach(plotter, SID, surface(_model(toy_model, tmp_path, fibres=False), SID),
                                 default_look(toy_model, "gluteus_maximus_r"))
    assert item.mesh.active_texture_coordinates is None and item.actor.texture is None
    model = _model(toy_model, tmp_path / "stale", extra=5)  # an older mesh's coordinate
    item = StructureActor.attach(plotter, SID, surface(model, SID), default_look(model, SID))
    assert FIBRE not in item.mesh.point_data and item.actor.texture is None
    monkeypatch.setattr(striations, "settings", lambda: None)
    model = _model(toy_model, tmp_path / "off")
    item = StructureActor.attach(plotter, SID, surface(model, SID), default_look(model, SID))
    assert FIBRE not in item.mesh.point_data and item.actor.texture is None


def test_tendons_are_drawn_without_stripes():
    spec = striations.settings()
    image = striations.stripe_image(32, spec["depth"], spec["sharpness"])
    tcoords = striations.texture_coordinates(np.zeros(2), np.array([0.0, 1.0]))
    rows = np.floor(tcoords[:, 1] * striations.ROWS).astype(int)
    assert np.all(image[rows[0]] == 255)  # a tendon's row: no stripe
    darkest = 1.0 - image[rows[1]].min() / 255.0
    assert 0.02 <= darkest <= 0.25  # the belly's: a faint line, a few percent, not zebra stripes


def _crop(plotter, model):
    plotter.window_size = (400, 400)
    StructureActor.attach(plotter, SID, surface(model, SID), default_look(model, SID))
    plotter.set_background("black")
    plotter.camera_position = [(0.0, -500.0, 0.0), (0.0, 0.0, 0.0), (0.0, 0.0, 1.0)]
    plotter.camera.parallel_projection = True
    plotter.camera.parallel_scale = 60.0  # 400 px over 120 mm: a 2.5 mm stripe is ~8 px
    img = plotter.screenshot(return_img=True).astype(float).mean(axis=2)
    return img[120:280, 160:240]  # the middle of the front face: rows along z, columns across


def _stripiness(crop: np.ndarray) -> tuple[float, float]:
    """Return the fine-scale variation (grey levels) across the fibres (x) and along them (z)."""
    def fine(profile):
        smooth = np.convolve(np.pad(profile, 8, mode="edge"), np.ones(17) / 17, mode="valid")
        return float(np.std(profile - smooth))
    return fine(crop.mean(axis=0)), fine(crop.mean(axis=1))


def test_a_rendered_muscle_varies_periodically_across_its_fibres_not_along_them(plotter, toy_model, tmp_path):
    crop = _crop(plotter, _model(toy_model, tmp_path))
    across, along = _stripiness(crop)
    assert across > 1.0 and across > 5.0 * along, (across, along)
    profile = crop.mean(axis=0) - crop.mean()
    spectrum = np.abs(np.fft.rfft(profile - np.convolve(profile, np.ones(9) / 9, mode="same")))
    period_px = len(profile) / max(int(np.argmax(spectrum[2:])) + 2, 1)
    expected = striations.settings()["spacing_mm"] * 400 / 120.0
    assert abs(period_px - expected) < 0.25 * expected, (period_px, expected)


def test_stripes_are_faint(plotter, toy_model, tmp_path):
    crop = _crop(plotter, _model(toy_model, tmp_path))
    across, _ = _stripiness(crop)
    assert across < 0.08 * crop.mean()  # a few percent of the muscle's brightness


def test_the_coarse_copy_keeps_the_fibre_coordinate(plotter, toy_model, tmp_path):
    model = _model(toy_model, tmp_path)
    item = StructureActor.attach(plotter, SID, surface(model, SID), default_look(model, SID))
    lod.prepare(model, {SID: item})
    assert item.coarse is not None and item.coarse.active_texture_coordinates is not None
    lod.set_moving({SID: item}, True)
    assert item.actor.GetMapper() is item.coarse_mapper
    plotter.render()
    lod.set_moving({SID: item}, False)
    assert item.actor.GetMapper() is item.mapper


def test_every_bundled_muscle_is_striated_and_nothing_else():
    """The bundled assets carry a fitting fibre coordinate for each muscle (rebuilt with the build code)."""
    from sciatic_atlas.anatomy.model import load_model
    from sciatic_atlas.render.appearance import kind_of

    model = load_model()
    for sid in model.structure_ids:
        if not model.has_mesh(sid):
            continue
        muscle = kind_of(sid, model.structure(sid)) == "muscle" and model.structure(sid).kind == "muscle"
        assert (FIBRE in surface(model, sid).point_data) == muscle, sid
