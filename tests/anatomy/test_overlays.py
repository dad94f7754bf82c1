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
