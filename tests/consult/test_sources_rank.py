"""Ranking the overlays for a pain map: known patterns rank first, unrelated ones stay low."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sciatic_atlas.anatomy.overlays import overlay_ids
from sciatic_atlas.anatomy.painmap import Mark, PainMap, PainMapError, save_painmap
from sciatic_atlas.anatomy.painmap_skin import mark_weights, point_weights
from sciatic_atlas.anatomy.skin_regions import named_regions, region_weights, skin_surface
from sciatic_atlas.anatomy.sources_rank import consult_data, disclaimer, rank_sources
from sciatic_atlas.app.cli import main
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)


def regions_map(kind: str, *regions: str, side: str = "right") -> PainMap:
    return PainMap(side, tuple(Mark(kind, 6, region=r) for r in regions))


def ids(ranked) -> list[str]:
    return [e.overlay_id for e in ranked]


def test_lateral_foot_and_sole_rank_s1_first(skin_model):
    ranked = rank_sources(skin_model, regions_map("numbness", "foot_lateral_border", "sole"))
    assert ranked[0].overlay_id == "dermatome_s1"
    assert ranked[0].score > 0.8
    assert "sole" in ranked[0].reason and "lateral border of the foot" in ranked[0].reason
    assert ranked[0].score > ranked[1].score  # no tie here
    low = {e.overlay_id: e.score for e in ranked}
    for unrelated in ("dermatome_l4", "dermatome_s2", "referral_piriformis", "referral_gluteus_medius",
                      "skin_posterior_femoral_cutaneous", "skin_common_fibular"):
        assert low[unrelated] < 0.1


def test_dorsum_and_great_toe_rank_l5_and_the_superficial_fibular_first(skin_model):
    ranked = rank_sources(skin_model, regions_map("numbness", "foot_dorsum", "great_toe"))
    # The superficial fibular territory covers the same skin (data/overlays.yaml): it is shown
    # beside L5 with a near-equal score, as the competing explanation, never hidden. Which of
    # the two comes first is a matter of a few vertices: 0.884 and 0.888 on the skin built
    # around the issue-12 muscles; 0.92 (L5) and 0.90 once zones are no longer paler where
    # their specs meet at a segment boundary (L5 runs on over the ankle onto the great toe),
    # so the test asks for the pair, not an order. With the sculpted muscles of stop 19 the
    # skin moved by a fraction of a millimetre and the pair scored 0.92 and 0.89.
    top = {e.overlay_id: e for e in ranked[:2]}
    assert set(top) == {"dermatome_l5", "skin_superficial_fibular"}
    l5 = top["dermatome_l5"]
    assert l5.reason.startswith("Numbness on the great toe, top of the foot")
    assert "matches L5" in l5.reason
    assert top["skin_superficial_fibular"].score == pytest.approx(l5.score, abs=0.04)
    scores = {e.overlay_id: e.score for e in ranked}
    for unrelated in ("dermatome_s1", "dermatome_s2", "referral_piriformis", "referral_gluteus_minimus_posterior",
                      "skin_tibial", "skin_sural"):
        assert scores[unrelated] < 0.1


def test_buttock_back_of_thigh_and_calf_rank_a_posterior_gluteal_pattern_first(skin_model):
    ranked = rank_sources(skin_model, regions_map("pain", "buttock_upper", "buttock_lower",
                                                  "thigh_posterior", "calf"))
    assert ranked[0].overlay_id in ("referral_gluteus_minimus_posterior", "referral_piriformis")
    assert ranked[0].reason.startswith("Pain on the")
    scores = {e.overlay_id: e.score for e in ranked}
    for unrelated in ("dermatome_l4", "dermatome_l5", "skin_superficial_fibular", "skin_deep_fibular",
                      "skin_tibial", "referral_gastrocnemius"):
        assert scores[unrelated] < 0.15


def test_every_overlay_is_ranked_once_with_a_reason(skin_model):
    ranked = rank_sources(skin_model, regions_map("pain", "calf"))
    assert sorted(ids(ranked)) == sorted(overlay_ids())
    assert all(0.0 <= e.score <= 1.0 and 0.0 <= e.overlap <= 1.0 and e.reason for e in ranked)
    assert [e.score for e in ranked] == sorted((e.score for e in ranked), reverse=True)


def test_spillover_weighs_less_than_the_essential_zone(skin_model):
    # Posterior gluteus minimus: the back of the thigh is its essential zone, the calf its spillover.
    oid = "referral_gluteus_minimus_posterior"
    thigh = {e.overlay_id: e.score for e in rank_sources(skin_model, regions_map("pain", "thigh_posterior"))}[oid]
    calf = {e.overlay_id: e.score for e in rank_sources(skin_model, regions_map("pain", "calf"))}[oid]
    weight = consult_data()["ranking"]["spillover_weight"]
    assert thigh > 0.7
    assert 0.05 < calf <= weight + 0.01


def test_numbness_counts_less_towards_a_pain_referral_pattern(skin_model):
    pain = {e.overlay_id: e.score for e in rank_sources(skin_model, regions_map("pain", "heel"))}
    numb = {e.overlay_id: e.score for e in rank_sources(skin_model, regions_map("numbness", "heel"))}
    assert numb["skin_tibial"] == pain["skin_tibial"]
    assert numb["referral_soleus"] == pain["referral_soleus"]  # only the soleus zone is drawn: still all of it
    mixed = PainMap("right", (Mark("pain", 6, region="heel"), Mark("numbness", 6, region="great_toe")))
    soleus = {e.overlay_id: e.score for e in rank_sources(skin_model, mixed)}["referral_soleus"]
    assert soleus > pain["referral_soleus"] * 0.5


def test_a_point_mark_follows_the_skin_and_scores_like_the_region_it_covers(skin_model):
    surface = skin_surface(skin_model)
    sole = region_weights(surface, named_regions()["sole"]["spec"], "right") > 0.5
    centre = surface.vertices[sole].mean(axis=0)
    w = point_weights(surface, centre, 30.0)
    covered = w > 0.5
    assert covered.any()
    # Along the skin, not through the foot: nothing on the dorsum of the foot is reached.
    dorsum = region_weights(surface, named_regions()["foot_dorsum"]["spec"], "right") > 0.5
    assert not (covered & dorsum).any()
    assert not (covered & (surface.coords["side"] == 1)).any()  # nor the other foot
    by_point = rank_sources(skin_model, PainMap("right", (Mark("numbness", 6, point=tuple(centre), radius=30.0),)))
    assert by_point[0].overlay_id in ("dermatome_s1", "skin_tibial")
    assert {e.overlay_id: e.score for e in by_point}["skin_tibial"] > 0.8


def test_a_point_far_off_the_skin_names_the_mark(skin_model):
    surface = skin_surface(skin_model)
    with pytest.raises(PainMapError, match=r"marks\[3\].point: \d+ mm from the skin"):
        mark_weights(surface, Mark("pain", 2, point=(0.0, 0.0, 3000.0)), "right", 3)


def test_the_left_side_mirrors_the_right(skin_model):
    right = rank_sources(skin_model, regions_map("numbness", "foot_lateral_border", "sole"))
    left = rank_sources(skin_model, regions_map("numbness", "foot_lateral_border", "sole", side="left"))
    assert ids(left)[:2] == ids(right)[:2]
    assert np.allclose([e.score for e in left[:4]], [e.score for e in right[:4]], atol=0.05)


def test_nothing_drawn_scores_nothing(skin_model):
    ranked = rank_sources(skin_model, PainMap("right", ()))
    assert all(e.score == 0 for e in ranked)


def test_the_disclaimer_cites_the_figures():
    text = " ".join(disclaimer())
    assert "not a diagnosis" in text and "examine next" in text
    assert "50-80%" in text and "Albert" in text and "2019" in text
    assert "kappa 0.11" in text and "Bernhoff" in text and "2016" in text


def test_sources_json_prints_the_ranking_best_first(skin_model, tmp_path, capsys):
    path = save_painmap(regions_map("numbness", "foot_lateral_border", "sole"), tmp_path / "s1.json")
    assert main(["sources", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out[0]["id"] == "dermatome_s1" and out[0]["kind"] == "dermatome"
    assert {"id", "kind", "score", "reason"} <= set(out[0])
    assert [r["score"] for r in out] == sorted((r["score"] for r in out), reverse=True)
    assert {r["id"] for r in out} == set(overlay_ids())


def test_sources_text_shows_the_disclaimer_and_the_scores_side_by_side(skin_model, tmp_path, capsys):
    path = save_painmap(regions_map("numbness", "foot_dorsum", "great_toe"), tmp_path / "l5.json")
    assert main(["sources", str(path), "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "not a diagnosis" in out and "Albert" in out
    rows = [line.split() for line in out.splitlines() if line[:2].strip().isdigit()]
    # L5 and the superficial fibular territory tie (see test_dorsum_and_great_toe_rank_...)
    assert {r[4] for r in rows[:2]} == {"dermatome_l5", "skin_superficial_fibular"} and len(rows) == 3


def test_sources_with_a_broken_file_exits_2_with_one_clear_message(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text('{"format": 1, "marks": [{"region": "sole", "kind": "ache", "intensity": 3}]}')
    assert main(["sources", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: marks[0].kind" in err and "Traceback" not in err


def test_a_strokes_dabs_spread_together_as_each_would_alone(skin_model):
    from sciatic_atlas.anatomy.painmap_skin import drawing

    surface = skin_surface(skin_model)
    calf = region_weights(surface, named_regions()["calf"]["spec"], "right") > 0.5
    dabs = surface.vertices[calf][::40][:6]
    pm = PainMap("right", tuple(Mark("pain", 5, point=tuple(p), radius=25.0) for p in dabs))
    alone = np.max([point_weights(surface, p, 25.0) for p in dabs], axis=0)
    assert np.allclose(drawing(surface, pm).pain, alone)
    with pytest.raises(PainMapError, match=r"marks\[1\].point"):
        drawing(surface, PainMap("right", pm.marks[:1] + (Mark("pain", 5, point=(0.0, 0.0, 3000.0), radius=25.0),)))


def test_sources_names_the_file_and_mark_of_a_point_off_the_skin(skin_model, tmp_path, capsys):
    path = tmp_path / "far.json"
    path.write_text('{"format": 1, "marks": [{"point": [0, 0, 3000], "kind": "pain", "intensity": 3}]}')
    assert main(["sources", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}: marks[0].point:" in err and "from the skin" in err and "Traceback" not in err


def test_a_small_patch_inside_a_zone_is_not_called_little_overlap(skin_model):
    # Review of stop 17: one small stroke on the sole scored 0.93 for S1 and was explained as
    # "Little overlap: 93% of the drawing lies in the zones": a high score is never "little".
    surface = skin_surface(skin_model)
    sole = region_weights(surface, named_regions()["sole"]["spec"], "right") > 0.5
    centre = surface.vertices[sole].mean(axis=0)
    ranked = rank_sources(skin_model, PainMap("right", (Mark("pain", 6, point=tuple(centre), radius=8.0),)))
    for e in ranked:
        assert ("Little overlap" in e.reason) == (e.score < consult_data()["ranking"]["low_score"]), (e.score, e.reason)
    assert ranked[0].score > 0.5
