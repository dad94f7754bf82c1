"""Named groups: every group resolves to known ids, teaches the right supply, expands by side."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sciatic_atlas.anatomy.errors import AtlasDataError, UnknownStructureError
from sciatic_atlas.anatomy.knowledge import load_knowledge, read_knowledge
from sciatic_atlas.anatomy.paths import DATA_DIR

REQUIRED = (
    "gluteals deep_external_rotators hamstrings calf adductors quadriceps lower_back hip_flexors "
    "leg_anterior leg_lateral leg_posterior_deep tibial_supplied common_fibular_supplied "
    "gluteal_nerve_supplied sciatic_supplied roots sacral_plexus_branches sciatic_tree nerves muscles "
    "bones spine pelvis thigh_bones leg_bones foot_bones skin"
).split()


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def _bases(kb, ids) -> set[str]:
    return {kb.structure(sid).base_id for sid in ids}


def test_required_groups_exist_and_expand_to_known_ids(kb):
    assert set(REQUIRED) <= set(kb.groups)
    for gid, group in kb.groups.items():
        assert group.name and group.members, gid
        assert len(set(group.members)) == len(group.members), gid
        for sid in group.members:
            assert sid in kb.structures, (gid, sid)
        assert kb.expand(gid) == list(group.members)


def test_supply_groups_teach_the_divisions(kb):
    hamstrings = {"biceps_femoris_long_head", "semitendinosus", "semimembranosus"}
    tibial = _bases(kb, kb.expand("tibial_supplied"))
    fibular = _bases(kb, kb.expand("common_fibular_supplied"))
    assert hamstrings | {"adductor_magnus", "soleus", "gastrocnemius_medial_head"} <= tibial
    assert "biceps_femoris_short_head" in fibular and "biceps_femoris_short_head" not in tibial
    assert {"tibialis_anterior", "fibularis_longus", "extensor_hallucis_longus"} <= fibular
    assert not tibial & fibular
    assert _bases(kb, kb.expand("sciatic_supplied")) == tibial | fibular
    gluteal = _bases(kb, kb.expand("gluteal_nerve_supplied"))
    assert gluteal == {"gluteus_maximus", "gluteus_medius", "gluteus_minimus", "tensor_fasciae_latae"}
    assert not gluteal & (tibial | fibular)


def test_derived_supplied_by_groups_match_the_muscles(kb):
    derived = {gid for gid in kb.groups if gid.startswith("supplied_by_")}
    assert {"supplied_by_tibial_nerve", "supplied_by_superior_gluteal_nerve", "supplied_by_nerve_to_piriformis"} <= derived
    for gid in derived:
        nerve = gid[len("supplied_by_"):]
        # every nerve of a muscle counts: adductor magnus is in the obturator's group too
        expected = [m for m in kb.of_kind("muscle")
                    if {s.nerve for s in kb.structure(m).supply} & {f"{nerve}_l", f"{nerve}_r"}]
        assert sorted(kb.groups[gid].members) == sorted(expected)
    assert "adductor_magnus" in _bases(kb, kb.expand("supplied_by_obturator_nerve"))
    assert _bases(kb, kb.expand("supplied_by_superior_gluteal_nerve")) == {
        "gluteus_medius", "gluteus_minimus", "tensor_fasciae_latae"}


def test_sciatic_tree_holds_its_branches_and_not_the_gluteal_nerves(kb):
    tree = _bases(kb, kb.expand("sciatic_tree"))
    assert {"sciatic_nerve", "tibial_nerve", "common_fibular_nerve", "superficial_fibular_nerve", "deep_fibular_nerve",
            "medial_plantar_nerve", "lateral_plantar_nerve", "sural_nerve", "sural_communicating_branch",
            "branch_tibial_nerve__semitendinosus"} <= tree
    assert not tree & {"superior_gluteal_nerve", "inferior_gluteal_nerve", "nerve_to_piriformis", "l5_ventral_ramus"}
    assert _bases(kb, kb.expand("roots")) == ({f"{r}_ventral_ramus" for r in ("l4", "l5", "s1", "s2", "s3")}
                                              | {f"{r}_root" for r in ("l4", "l5", "s1")})


def test_skeleton_groups(kb):
    assert kb.expand("spine") == [
        "vertebra_l1", "vertebra_l2", "vertebra_l3", "vertebra_l4", "vertebra_l5",
        "sacrum", "disc_l1_l2", "disc_l2_l3", "disc_l3_l4", "disc_l4_l5", "disc_l5_s1"]
    assert kb.expand("pelvis", side="right") == ["hip_bone_r", "sacrum"]
    assert _bases(kb, kb.expand("foot_bones")) == {"talus", "foot_bones", "toe_bones"}
    assert kb.expand("foot_bones_l") == ["foot_bones_l"]
    assert kb.expand("skin") == ["skin"]


def test_expand_by_side(kb):
    assert kb.expand("piriformis") == ["piriformis_l", "piriformis_r"]
    assert kb.expand("piriformis", side="left") == ["piriformis_l"]
    assert kb.expand("piriformis_r", side="left") == ["piriformis_r"]  # an explicit id is kept
    right = kb.expand("hamstrings", side="right")
    assert right and all(sid.endswith("_r") for sid in right)
    assert kb.expand("calf", side="r") == kb.expand("calf", side="right")
    for sid in kb.structures:
        assert kb.expand(sid) == [sid]
    with pytest.raises(ValueError, match="both, left, right"):
        kb.expand("calf", side="middle")


def test_expand_unknown_suggests(kb):
    with pytest.raises(UnknownStructureError) as info:
        kb.expand("hamstrigs")
    assert "hamstrings" in info.value.suggestions


_KB = load_knowledge()
_NAMES = sorted({*_KB.structures, *_KB.base_ids, *_KB.groups})


@settings(max_examples=300, deadline=None)
@given(name=st.sampled_from(_NAMES), side=st.sampled_from(["both", "left", "right"]))
def test_expand_returns_known_ids_of_the_asked_side(name, side):
    ids = _KB.expand(name, side)
    assert ids and len(set(ids)) == len(ids)
    for sid in ids:
        s = _KB.structure(sid)
        assert side == "both" or s.side in (side, "midline") or sid == name


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_suggest_never_fails_and_returns_valid_names(text):
    names = set(_NAMES)
    assert set(_KB.suggest(text)) <= names


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _append_group(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


def test_unknown_member_is_rejected_with_a_suggestion(data_copy):
    _append_group(data_copy / "groups.yaml", "  broken:\n    name: Broken\n    members: [soleus, gastrocnemius_medial]\n")
    with pytest.raises(AtlasDataError, match=r"groups.yaml: group 'broken': unknown member 'gastrocnemius_medial'.*did you mean"):
        read_knowledge(data_copy)


def test_group_cycle_and_bad_select_are_rejected(data_copy):
    groups = data_copy / "groups.yaml"
    original = groups.read_text()
    _append_group(groups, "  a:\n    name: A\n    members: [b]\n  b:\n    name: B\n    members: [a]\n")
    with pytest.raises(AtlasDataError, match="cycle"):
        read_knowledge(data_copy)
    groups.write_text(original + "  c:\n    name: C\n    select: {division: tibia}\n")
    with pytest.raises(AtlasDataError, match=r"group 'c': select division: \['tibia'\] matches no structure"):
        read_knowledge(data_copy)
