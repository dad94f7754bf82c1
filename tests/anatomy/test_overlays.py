"""Overlays cover the skin where their sources say, and only there (needs the built skin)."""

import numpy as np
import pytest

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.model import load_model
from sciatic_atlas.anatomy.overlays import (
    get_overlay,
    load_overlays,
    overlay_ids,
    overlay_summaries,
    zone_weights,
)
from sciatic_atlas.anatomy.skin_regions import region_coverage, region_weights, skin_surface, validate_region_spec
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def surface(skin_model):
    return skin_surface(skin_model)


def coverage(surface, overlay_id, zone="essential", side="right"):
    essential, spill = zone_weights(surface, get_overlay(overlay_id), side)
    return region_coverage(surface, essential if zone == "essential" else spill, side)


def test_catalogue_has_every_required_overlay_with_a_source():
    ids = set(overlay_ids())
    required = {"dermatome_l4", "dermatome_l5", "dermatome_s1", "dermatome_s2",
                "referral_gluteus_minimus_anterior", "referral_gluteus_minimus_posterior",
                "referral_piriformis", "referral_gluteus_medius", "referral_biceps_femoris",
                "referral_semitendinosus_semimembranosus", "referral_gastrocnemius", "referral_soleus",
                "skin_common_fibular", "skin_superficial_fibular", "skin_deep_fibular", "skin_tibial",
                "skin_sural", "skin_posterior_femoral_cutaneous"}
    assert required <= ids
    for overlay in load_overlays().values():
        assert len(overlay.source) > 20
        if overlay.kind == "referral":
            assert overlay.spillover and overlay.trigger_points


def test_bad_region_specs_are_rejected_with_the_reason():
    with pytest.raises(ValueError, match="unknown region keys"):
        validate_region_spec({"segments": ["leg"], "colour": "red"})
    with pytest.raises(ValueError, match="pair of numbers"):
        validate_region_spec({"segments": ["leg"], "aspect": [10]})
    with pytest.raises(ValueError, match="needs 'segments'"):
        validate_region_spec({"aspect": [0, 90]})


def test_l5_covers_the_dorsum_and_great_toe(surface):
    cover = coverage(surface, "dermatome_l5")
    assert cover["foot_dorsum"] > 0.6
    assert cover["great_toe"] > 0.8
    assert cover["leg_lateral"] > 0.5
    assert cover.get("sole", 0.0) < 0.1


def test_s1_covers_the_lateral_foot_and_sole(surface):
    cover = coverage(surface, "dermatome_s1")
    assert cover["foot_lateral_border"] > 0.6
    assert cover["sole"] > 0.6
    assert cover["heel"] > 0.6
    assert cover.get("foot_dorsum", 0.0) < 0.2


def test_gluteus_minimus_posterior_spillover_reaches_the_calf(surface):
    assert coverage(surface, "referral_gluteus_minimus_posterior", "spillover")["calf"] > 0.2
    assert coverage(surface, "referral_gluteus_minimus_posterior")["thigh_posterior"] > 0.5


def test_tibial_territory_is_the_sole_and_deep_fibular_the_first_web(surface):
    assert coverage(surface, "skin_tibial")["sole"] > 0.8
    web = coverage(surface, "skin_deep_fibular")
    assert web["first_web_space"] > 0.5
    assert web.get("foot_lateral_border", 0.0) < 0.05


@pytest.mark.parametrize("overlay_id", ["dermatome_l4", "dermatome_l5", "dermatome_s1", "skin_sural",
                                        "referral_gastrocnemius", "referral_soleus"])
def test_nothing_outside_its_segments_or_side(surface, overlay_id):
    essential, spill = zone_weights(surface, get_overlay(overlay_id), "right")
    painted = np.maximum(essential, spill)
    trunk = surface.segment_mask(["lower_back", "abdomen", "groin", "buttock"])
    assert painted[trunk].max() < 0.05
    assert painted[surface.coords["side"] == 1].max() == 0.0  # the left side stays clean
    assert painted.max() > 0.9


def test_custom_region_has_soft_edges(surface):
    w = region_weights(surface, {"segments": ["thigh"], "aspect": [135, 225], "along": [0.2, 0.6]}, "left")
    assert w.max() > 0.99
    assert ((w > 0.05) & (w < 0.95)).sum() > 50  # a soft border, not a hard cut
    assert w[surface.coords["side"] == -1].max() == 0.0


def test_summaries_name_regions_from_the_painted_mesh(surface):
    summaries = {s["id"]: s for s in overlay_summaries(load_model())}
    assert set(summaries) == set(overlay_ids())
    l5 = {r["region"]: r["fraction"] for r in summaries["dermatome_l5"]["essential"]}
    assert "foot_dorsum" in l5 and "lower_back" not in l5
    spill = {r["region"] for r in summaries["referral_gluteus_minimus_posterior"]["spillover"]}
    assert "calf" in spill
    assert summaries["referral_piriformis"]["source"].startswith("Travell")


def test_missing_skin_is_a_clear_error(tmp_path):
    from sciatic_atlas.anatomy.model import read_model

    (tmp_path / "model.json").write_text('{"structures": {}}')
    with pytest.raises(AtlasDataError, match="no skin"):
        skin_surface(read_model(tmp_path))


def test_describe_lists_the_overlays(skin_model):
    from sciatic_atlas.anatomy.describe import describe_model

    described = describe_model(skin_model, knowledge={})
    ids = [entry["id"] for entry in described["overlay_summaries"]]
    assert ids == overlay_ids()
    assert all(entry["source"] for entry in described["overlay_summaries"])



def test_overlapping_overlays_mix_and_a_lone_one_keeps_its_colour(skin_model, surface):
    from sciatic_atlas.anatomy.overlay_paint import mix_weights
    from sciatic_atlas.anatomy.overlays import layers, paint

    ids = ["dermatome_l5", "skin_superficial_fibular"]
    found = layers(skin_model, ids, "right")
    shares, alpha = mix_weights(surface.vertices, found)
    both = (found[0].essential > 0.95) & (found[1].essential > 0.95)
    only_l5 = (found[0].essential > 0.95) & (found[1].essential + found[1].spillover < 1e-6)
    assert both.sum() > 100 and only_l5.sum() > 20
    assert (shares[both] > 0.1).all()  # both colours take part everywhere they overlap
    assert (shares[both].argmax(axis=1) == 0).any() and (shares[both].argmax(axis=1) == 1).any()  # bands of each
    mixed = paint(skin_model, ids, "right")
    alone = [paint(skin_model, [oid], "right") for oid in ids]
    for single in alone:
        assert np.abs(mixed[both] - single[both]).max(axis=1).mean() > 0.05  # not just one of them on top
    np.testing.assert_allclose(mixed[only_l5], alone[0][only_l5], atol=1e-9)


def test_spillover_is_a_lighter_tint_with_coarse_stripes(skin_model, surface):
    from sciatic_atlas.anatomy.overlay_paint import SPILL_PERIOD_MM
    from sciatic_atlas.anatomy.overlays import layers, paint

    (layer,) = layers(skin_model, ["referral_gluteus_minimus_posterior"], "right")
    rgb = paint(skin_model, ["referral_gluteus_minimus_posterior"], "right")
    spill = layer.spillover > 0.95
    full = np.asarray(layer.colour)
    lightness = rgb[spill].sum(axis=1)
    assert lightness.max() - lightness.min() > 0.3  # stripes of full colour on a pale tint
    pale = rgb[spill][lightness > np.percentile(lightness, 75)].mean(axis=0)
    assert pale.sum() > 0.88 * full.sum() + 0.12 * 3 * 0.9  # lighter than the essential colour
    assert SPILL_PERIOD_MM >= 4 * np.median(np.linalg.norm(
        surface.vertices[surface.edges[:, 0]] - surface.vertices[surface.edges[:, 1]], axis=1))  # no moiré


def _patch(segment="thigh"):
    """A fine synthetic skin patch: aspect 90..270 deg by along 0..1 of one right-side segment."""
    from sciatic_atlas.anatomy.skin_regions import SkinSurface

    aspect, along = (g.ravel() for g in np.meshgrid(np.arange(90.0, 270.5, 1.0), np.linspace(0, 1, 201)))
    n = len(aspect)
    names = np.array(["lower_back", "abdomen", "groin", "buttock", "thigh", "knee", "leg", "ankle", "foot"])
    coords = {"aspect": aspect, "along": along, "side": -np.ones(n), "segment_names": names,
              "segment": np.full(n, list(names).index(segment)), "foot_part_names": np.array(["none"]),
              "foot_part": np.zeros(n, int)}
    vertices = np.c_[aspect, along * 400.0, np.zeros(n)]
    return SkinSurface(vertices, np.zeros((0, 3), int), coords, np.zeros((0, 2), int), np.zeros(n, int), np.ones(n))


def test_zone_outline_corners_are_rounded():
    patch = _patch()
    w = region_weights(patch, {"segments": ["thigh"], "aspect": [135, 225], "along": [0.3, 0.7],
                               "feather": {"blur": 0}}, "right")
    a, t = patch.coords["aspect"], patch.coords["along"]

    def at(aspect, along):
        return w[np.argmin(np.abs(a - aspect) + np.abs(t - along) * 100)]

    assert at(180, 0.5) == 1.0 and at(180, 0.31) > 0.9 and at(140, 0.5) > 0.9  # edges stay put
    assert at(136, 0.31) < 0.5  # the corner is cut round
    assert at(180, 0.2) == 0.0 and at(120, 0.5) == 0.0  # and nothing outside spreads


def test_a_zone_fades_out_inside_the_segment_where_it_stops():
    from sciatic_atlas.anatomy.skin_regions import union

    patch = _patch("buttock")
    alone = union(patch, [{"segments": ["buttock"], "aspect": [135, 225], "feather": {"blur": 0}}], "right")
    carried_on = union(patch, [{"segments": ["buttock"], "aspect": [135, 225], "feather": {"blur": 0}},
                               {"segments": ["lower_back"], "aspect": [135, 225]}], "right")
    top = patch.coords["along"] == 0.0
    middle = top & (np.abs(patch.coords["aspect"] - 180) < 5)
    assert alone[middle].max() < 0.1  # no lower-back part: the zone fades before the segment's top edge
    assert carried_on[middle].min() == 1.0  # carried on above: no seam at the joint


def test_a_pain_map_step_shows_the_skin_in_the_scene_state(skin_model):
    from pathlib import Path

    from sciatic_atlas.scenes.load import load_scene
    from sciatic_atlas.scenes.resolve import resolve_state

    scene = load_scene(Path(__file__).parents[2] / "scenes" / "06-calves.yaml")
    steps = [i for i, step in enumerate(scene.steps, start=1) if step.overlays]
    assert steps
    for index in [0, *steps]:
        state = resolve_state(scene, index, model=skin_model)
        assert state.styles["skin"].visible == bool(state.overlays)  # the layers tree ticks Skin with a pain map
