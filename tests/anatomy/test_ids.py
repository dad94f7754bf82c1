"""The side of a structure id, read the same way by every layer."""

import pytest

from sciatic_atlas.anatomy.ids import side_of


@pytest.mark.parametrize(("sid", "side"), [
    ("piriformis_r", "right"), ("femur_l", "left"), ("sacrum", "midline"),
    ("disc_l4_l5", "midline"), ("vertebra_l5", "midline"), ("l5_root_r", "right"),
    ("sciatic_nerve_r__ba_b", "right"), ("branch_tibial_nerve__semitendinosus_l", "left"),
])
def test_side_of_reads_suffixes_variants_and_branches(sid, side):
    assert side_of(sid) == side


def test_every_built_structure_has_the_side_its_knowledge_entry_gives():
    from sciatic_atlas.anatomy.knowledge import load_knowledge
    from sciatic_atlas.anatomy.model import load_model

    kb, model = load_knowledge(), load_model()
    checked = [sid for sid in model.structure_ids if sid in kb.structures]
    assert len(checked) > 150
    assert [sid for sid in checked if side_of(sid) != kb.structures[sid].side] == []
