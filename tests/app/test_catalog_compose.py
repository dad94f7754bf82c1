"""The catalog (names, tree, peel, nerve supply) and composing user choices over a scene state."""

from dataclasses import replace

import pytest

from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.app.catalog import Catalog, name_from_id, side_of
from sciatic_atlas.app.compose import compose, visible_ids
from sciatic_atlas.app.view_state import ViewState
from sciatic_atlas.render.apply import default_state
from sciatic_atlas.render.appearance import default_style
from sciatic_atlas.scenes.state import SceneState, StructureStyle


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def catalog(model):
    return Catalog(model, knowledge=None)


def test_names_and_sides_from_ids():
    assert side_of("piriformis_r") == "right"
    assert side_of("femur_l") == "left"
    assert side_of("sacrum") == "midline"
    assert side_of("disc_l4_l5") == "midline"
    assert name_from_id("biceps_femoris_long_head_r") == "Biceps femoris long head"
    assert name_from_id("branch_tibial_nerve__semitendinosus_r") == "Branch of tibial nerve to semitendinosus"


def test_every_structure_with_a_mesh_is_in_the_tree_once(model, catalog):
    listed = [sid for _, subs in catalog.tree() for _, ids in subs for sid in ids]
    assert sorted(listed) == sorted(set(model.structure_ids) - set(catalog.variants))
    groups = [group for group, _ in catalog.tree()]
    assert "Bones and discs" in groups
    assert catalog.label("femur_r") == "Femur (right)"


def test_peeling_goes_from_skin_to_bone_and_never_peels_bone(catalog):
    labels = catalog.peel_labels()
    first = "skin off" if "skin" in catalog else "superficial muscles off"
    assert labels[0] == "everything" and labels[1] == first and labels[-1] == "nerves off"
    assert catalog.peeled(0) == set()
    deepest = catalog.peeled(len(labels) - 1)
    assert not any(catalog[sid].kind in ("bone", "disc") for sid in deepest)
    for depth in range(1, len(labels)):
        assert catalog.peeled(depth - 1) <= catalog.peeled(depth)
    kinds_left = {catalog[sid].kind for sid in set(catalog.entries) - deepest}
    assert kinds_left <= {"bone", "disc"}


class _ModelWithout:
    """The real model with some structures left out (as assets built without them)."""

    def __init__(self, model, left_out):
        self._model = model
        self.structure_ids = [sid for sid in model.structure_ids if sid not in left_out]

    def structure(self, sid):
        return self._model.structure(sid)


def test_without_skin_the_peel_has_no_skin_step(model):
    catalog = Catalog(_ModelWithout(model, {"skin"}), knowledge=None)
    labels = catalog.peel_labels()
    assert "skin off" not in labels and labels[1] == "superficial muscles off"
    assert {catalog[sid].kind for sid in catalog.peeled(1)} == {"muscle"}  # the first step changes something
    assert len(labels) == len(Catalog(_ModelWithout(model, set()), knowledge=None).peel_labels()) - (
        "skin" in model.structure_ids)


def test_nerve_supply_keeps_the_bones_for_context(catalog):
    bones = {sid for sid, e in catalog.entries.items() if e.kind == "bone"}
    assert bones <= catalog.supplied_by("sciatic_nerve_r")


@pytest.fixture
def base(model):
    return default_state(model, "posterior", "both")


def styler(model):
    return lambda sid: default_style(model, sid)


def test_composing_nothing_keeps_the_scene_and_never_changes_it(model, catalog, base):
    before = dict(base.styles)
    frame = compose(base, ViewState(), catalog, styler(model))
    assert visible_ids(frame) == visible_ids(base)
    assert base.styles == before
    assert frame.background == "atlas"


def test_hiding_isolating_and_peeling(model, catalog, base):
    state = ViewState()
    state.set_visible(["femur_r"], False)
    assert "femur_r" not in visible_ids(compose(base, state, catalog, styler(model)))
    state.isolate(["femur_l", "tibia_l"])
    assert visible_ids(compose(base, state, catalog, styler(model))) == {"femur_l", "tibia_l"}
    state.isolate(None)
    state.set_peel(len(catalog.peel_labels()) - 1)
    shown = visible_ids(compose(base, state, catalog, styler(model)))
    assert shown and all(catalog[sid].kind in ("bone", "disc") for sid in shown)


def test_showing_a_structure_the_scene_leaves_out_adds_it(model, catalog):
    empty = SceneState(styles={})
    state = ViewState()
    state.set_visible(["sacrum"], True)
    frame = compose(empty, state, catalog, styler(model))
    assert visible_ids(frame) == {"sacrum"}


def test_opacity_selection_view_and_background(model, catalog, base):
    state = ViewState()
    state.set_opacity(["femur_r"], 0.25)
    state.select("femur_l")
    state.set_view("thigh")
    state.set_background("dark")
    frame = compose(base, state, catalog, styler(model))
    assert frame.styles["femur_r"].opacity == 0.25
    assert frame.styles["femur_l"].highlight and not frame.styles["femur_r"].highlight
    assert frame.camera.view == "thigh"
    assert frame.background == "dark"


def test_hidden_style_from_the_scene_can_be_shown(model, catalog, base):
    hidden = replace(base, styles={**base.styles, "sacrum": StructureStyle(visible=False)})
    state = ViewState()
    assert "sacrum" not in visible_ids(compose(hidden, state, catalog, styler(model)))
    state.set_visible(["sacrum"], True)
    assert "sacrum" in visible_ids(compose(hidden, state, catalog, styler(model)))


def test_selecting_a_deep_muscle_fades_what_covers_it_and_colours_it(model, catalog, base):
    from sciatic_atlas.app.compose import COVER_OPACITY, SELECTION_RGB

    state = ViewState()
    state.select("piriformis_r")
    frame = compose(base, state, catalog, styler(model))
    assert frame.styles["piriformis_r"].colour == SELECTION_RGB and frame.styles["piriformis_r"].highlight
    if frame.styles.get("gluteus_maximus_r") and frame.styles["gluteus_maximus_r"].visible:
        assert frame.styles["gluteus_maximus_r"].opacity == COVER_OPACITY  # it lies over piriformis
    faded = {sid for sid, st in frame.styles.items() if st.opacity != base.styles.get(sid, st).opacity}
    assert faded, "selecting piriformis changed nothing around it"
    for sid in faded:  # only superficial or middle gluteal muscles (or the skin) fade
        entry = catalog[sid]
        assert entry.kind == "skin" or (entry.region == "gluteal" and entry.layer in ("superficial", "middle"))
    assert frame.styles["femur_r"] == base.styles["femur_r"]  # bone is not over a muscle


def test_selecting_a_nerve_fades_the_muscles_but_not_a_users_own_opacity(model, catalog, base):
    state = ViewState()
    state.set_opacity(["semitendinosus_r"], 0.6)
    state.select("sciatic_nerve_r")
    frame = compose(base, state, catalog, styler(model))
    muscles = [sid for sid, st in frame.styles.items() if st.visible and catalog[sid].kind == "muscle"]
    assert muscles
    assert frame.styles["semitendinosus_r"].opacity == 0.6
    assert all(frame.styles[sid].opacity <= 0.6 for sid in muscles)
    assert frame.styles["sciatic_nerve_r"].highlight
    assert compose(base, ViewState(), catalog, styler(model)).styles["gluteus_maximus_r"].opacity > 0.15


def test_tree_reads_like_an_atlas(model):
    from sciatic_atlas.app.session import _load_knowledge

    catalog = Catalog(model, _load_knowledge())
    listed = [sid for _, subs in catalog.tree() for _, ids in subs for sid in ids]
    assert not set(listed) & set(catalog.variants)  # variant meshes only in their scenes
    for sid in catalog.variants:
        assert "variant" in catalog.label(sid) and "  " not in catalog.label(sid)
        assert catalog[sid].side in ("left", "right")
    bones = dict(dict(catalog.tree())["Bones and discs"])
    spine = [sid for sid in bones.get("lower_back", []) if sid.startswith("vertebra_")]
    assert spine == sorted(spine)  # L1..L5, top to bottom
    branches = dict(catalog.tree()).get("Muscular branches", [])
    for nerve, ids in branches:
        assert nerve != "Nerve"
        for sid in ids:
            assert catalog.short_label(sid).startswith("Branch to ")


def test_lay_words_find_the_scenes(model):
    from sciatic_atlas.app.session import Session
    from sciatic_atlas.scenes.load import load_library

    scenes, broken = load_library(None)
    session = Session(model, None, scenes, broken)
    hits = session.search_index().query("sciatica")
    kinds = {h.kind for h in hits}
    assert "scene" in kinds
    assert not any("__" in h.id for h in hits)  # no variant meshes, no internal ids
    # a lay word matches whole (keywords rank just under names: KEYWORD_WEIGHT)
    assert all(h.score >= 95 for h in hits if h.kind == "scene")
