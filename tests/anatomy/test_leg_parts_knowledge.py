"""Popliteus, plantaris, the flexor retinaculum and abductor hallucis in the knowledge base (issue 12).

Each has its facts with sources; the clinical notes the scenes narrate (plantaris absent in
about one leg in ten and its rupture mimicking a calf tear; tarsal tunnel syndrome under the
retinaculum) are sourced to a paper or textbook, and the tarsal tunnel compression site names
the retinaculum. Innervation is checked with the other muscles in test_knowledge.py.
"""

from __future__ import annotations

import pytest

from sciatic_atlas.anatomy.knowledge import load_knowledge

PARTS = ("popliteus", "plantaris", "flexor_retinaculum", "abductor_hallucis")


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def _all_facts(s):
    return (s.facts or ()) + (s.clinical or ())


@pytest.mark.parametrize("base", PARTS)
@pytest.mark.parametrize("side", ["l", "r"])
def test_each_part_has_sourced_facts(kb, base, side):
    s = kb.structure(f"{base}_{side}")
    assert s.summary
    facts = _all_facts(s)
    assert facts, f"{s.id} has no facts"
    for fact in facts:
        assert fact.source in kb.sources and fact.locator, (s.id, fact.text)


def test_plantaris_absence_and_rupture_are_sourced(kb):
    s = kb.structure("plantaris_r")
    assert any(f.source == "lee2025" and "absent" in f.text for f in s.facts)
    assert any(f.source == "gopinath2012" and "gastrocnemius" in f.text for f in s.clinical)


def test_flexor_retinaculum_is_a_ligament_over_the_tarsal_tunnel(kb):
    s = kb.structure("flexor_retinaculum_r")
    assert s.kind == "ligament"
    assert any("tarsal tunnel syndrome" in f.text.lower() for f in s.clinical)
    site = kb.clinical["compression_sites"].item("tarsal_tunnel")
    assert "flexor_retinaculum_r" in site.structures


def test_groups(kb):
    assert set(kb.expand("popliteal_floor", "right")) == {"popliteus_r", "plantaris_r"}
    assert {"flexor_retinaculum_r", "abductor_hallucis_r"} <= set(kb.expand("tarsal_tunnel", "right"))
    # supply is derived from the muscles' innervation
    assert {"popliteus_r", "plantaris_r"} <= set(kb.expand("supplied_by_tibial_nerve", "right"))
