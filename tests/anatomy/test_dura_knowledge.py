"""The dural sac, conus medullaris and cauda equina in the knowledge base, the tree and the build order."""

from __future__ import annotations

import pytest

from sciatic_atlas.anatomy.knowledge import load_knowledge

IDS = {"dural_sac": "dura", "conus_medullaris": "cauda", "cauda_equina": "cauda"}


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def _texts(kb, sid: str) -> str:
    return " ".join(f.text for f in kb.facts(sid)).lower()


def test_entries_have_their_kind_and_sourced_facts(kb):
    for sid, kind in IDS.items():
        s = kb.structure(sid)
        assert s.kind == kind and s.side == "midline", sid
        assert s.facts and all(f.source in kb.sources and f.locator for f in s.facts), sid


def test_the_sac_says_where_it_ends_what_it_holds_and_what_presses_on_it(kb):
    text = _texts(kb, "dural_sac")
    assert "s2" in text and "cerebrospinal fluid" in text and "epidural" in text and "sleeve" in text
    assert "stenosis" in text and "disc" in text
    assert "l1/l2" in _texts(kb, "conus_medullaris")


def test_cauda_equina_syndrome_is_a_sourced_red_flag_with_urgent_advice(kb):
    red = [f for f in kb.structure("dural_sac").clinical if "cauda equina syndrome" in f.text.lower()]
    assert red, "no cauda equina syndrome red flag"
    text = red[0].text.lower()
    assert "saddle" in text and "bladder" in text and "both legs" in text and "urgent" in text
    assert red[0].source == "nice_cks_sciatica" and "nice" in kb.sources["nice_cks_sciatica"].citation.lower()


def test_the_structure_tree_has_a_group_for_them(kb):
    assert kb.expand("dural_sac_contents") == ["dural_sac", "conus_medullaris", "cauda_equina"]


def test_they_draw_as_a_pale_sac_with_yellow_roots():
    from sciatic_atlas.render.appearance import appearance, kind_of

    kinds = appearance()["kinds"]
    assert {kind_of(sid) for sid in IDS} == {"dura", "cauda"}
    assert kinds["dura"]["opacity"] < 0.5 and min(kinds["dura"]["colour"]) > 0.7  # pale, see-through
    assert kinds["cauda"]["colour"] == kinds["nerve"]["colour"] or kinds["cauda"]["colour"][2] < 0.3  # yellow


def test_dura_stage_runs_after_the_nerves_and_before_skinning():
    from sciatic_atlas.assetbuild.assets import STAGES

    assert STAGES.index("nerves") < STAGES.index("dura") < STAGES.index("skinning")
    # Only the occlusion bake may follow skinning: it adds no mesh that would need weights.
    assert set(STAGES[STAGES.index("skinning") + 1:]) <= {"occlusion"}


def test_the_built_sac_and_roots_have_skinning_weights():
    import numpy as np

    from sciatic_atlas.anatomy.paths import assets_dir

    with np.load(assets_dir() / "skinning.npz") as weights:
        for sid in IDS:
            assert f"{sid}:bodies" in weights.files, sid
