"""The info panel's nerve supply for a muscle of two nerves (adductor magnus), no Qt needed."""

from __future__ import annotations


class _Catalog:
    """Labels are the ids; every structure is known."""

    entries: dict = {}

    def label(self, structure_id: str) -> str:
        return structure_id

    def __contains__(self, structure_id: str) -> bool:
        return True


def test_info_panel_lists_both_nerves_of_adductor_magnus():
    from sciatic_atlas.anatomy.knowledge import load_knowledge
    from sciatic_atlas.app.info_text import structure_html

    text = structure_html("adductor_magnus_r", _Catalog(), load_knowledge())
    supply = text[text.index("Nerve supply"):]
    assert "sciatic_nerve_r" in supply and "obturator_nerve_r" in supply
    assert "roots L4" in supply and "roots L2\u2013L4" in supply
    assert "Hamstring" in supply and "Adductor part" in supply


def test_info_panel_keeps_one_line_for_one_nerve():
    from sciatic_atlas.anatomy.knowledge import load_knowledge
    from sciatic_atlas.app.info_text import structure_html

    text = structure_html("soleus_r", _Catalog(), load_knowledge())
    assert "<b>Nerve supply:</b> tibial_nerve_r" in text and "Nerve supply:</b></p><ul>" not in text
