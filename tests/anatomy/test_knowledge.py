"""The knowledge base: ids, sources, innervation that teaches the right anatomy, bad data."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
import yaml

from sciatic_atlas.anatomy.errors import AtlasDataError, UnknownStructureError
from sciatic_atlas.anatomy.knowledge import Fact, load_knowledge, read_knowledge
from sciatic_atlas.anatomy.paths import DATA_DIR

SACRAL_PLEXUS_LEVELS = {"L4", "L5", "S1", "S2", "S3"}
LUMBAR_PLEXUS = {"femoral_nerve": {"L2", "L3", "L4"}, "obturator_nerve": {"L2", "L3", "L4"}}  # Moore 9e
NERVES = (
    "l4_root l5_root s1_root l4_ventral_ramus l5_ventral_ramus s1_ventral_ramus s2_ventral_ramus s3_ventral_ramus "
    "lumbosacral_trunk sciatic_nerve tibial_nerve common_fibular_nerve superficial_fibular_nerve "
    "deep_fibular_nerve medial_plantar_nerve lateral_plantar_nerve sural_nerve sural_communicating_branch "
    "superior_gluteal_nerve "
    "inferior_gluteal_nerve nerve_to_piriformis posterior_femoral_cutaneous_nerve femoral_nerve obturator_nerve"
).split()
MIDLINE = "sacrum vertebra_l1 vertebra_l2 vertebra_l3 vertebra_l4 vertebra_l5 disc_l1_l2 disc_l2_l3 disc_l3_l4 disc_l4_l5 disc_l5_s1 spinal_canal skin dural_sac conus_medullaris cauda_equina"

# (muscle, nerve base id, division, roots): what the atlas must teach (Moore 9th ed. Lower Limb
# muscle tables; Gray's 42nd ed. for the gluteal nerves and biceps long head).
INNERVATION = [
    ("gluteus_maximus", "inferior_gluteal_nerve", "none", ("L5", "S1", "S2")),
    ("gluteus_medius", "superior_gluteal_nerve", "none", ("L4", "L5", "S1")),
    ("gluteus_minimus", "superior_gluteal_nerve", "none", ("L4", "L5", "S1")),
    ("tensor_fasciae_latae", "superior_gluteal_nerve", "none", ("L4", "L5", "S1")),
    ("piriformis", "nerve_to_piriformis", "none", ("S1", "S2")),
    ("biceps_femoris_long_head", "sciatic_nerve", "tibial", ("S1", "S2", "S3")),
    ("biceps_femoris_short_head", "sciatic_nerve", "common_fibular", ("L5", "S1", "S2")),
    ("semitendinosus", "sciatic_nerve", "tibial", ("L5", "S1", "S2")),
    ("semimembranosus", "sciatic_nerve", "tibial", ("L5", "S1", "S2")),
    ("adductor_magnus", "sciatic_nerve", "tibial", ("L2", "L3", "L4")),
    ("gastrocnemius_medial_head", "tibial_nerve", "tibial", ("S1", "S2")),
    ("gastrocnemius_lateral_head", "tibial_nerve", "tibial", ("S1", "S2")),
    ("soleus", "tibial_nerve", "tibial", ("S1", "S2")),
    ("tibialis_posterior", "tibial_nerve", "tibial", ("L4", "L5")),
    ("flexor_digitorum_longus", "tibial_nerve", "tibial", ("S2", "S3")),
    ("flexor_hallucis_longus", "tibial_nerve", "tibial", ("S2", "S3")),
    ("popliteus", "tibial_nerve", "tibial", ("L4", "L5", "S1")),
    ("plantaris", "tibial_nerve", "tibial", ("S1", "S2")),
    ("abductor_hallucis", "medial_plantar_nerve", "tibial", ("S1", "S2")),
    ("tibialis_anterior", "deep_fibular_nerve", "common_fibular", ("L4", "L5")),
    ("extensor_digitorum_longus", "deep_fibular_nerve", "common_fibular", ("L5", "S1")),
    ("extensor_hallucis_longus", "deep_fibular_nerve", "common_fibular", ("L5", "S1")),
    ("fibularis_longus", "superficial_fibular_nerve", "common_fibular", ("L5", "S1", "S2")),
    ("fibularis_brevis", "superficial_fibular_nerve", "common_fibular", ("L5", "S1", "S2")),
    ("iliacus", "femoral_nerve", "none", ("L2", "L3")),
    ("sartorius", "femoral_nerve", "none", ("L2", "L3")),
    ("rectus_femoris", "femoral_nerve", "none", ("L2", "L3", "L4")),
    ("vastus_medialis", "femoral_nerve", "none", ("L2", "L3", "L4")),
    ("adductor_longus", "obturator_nerve", "none", ("L2", "L3", "L4")),
    ("gracilis", "obturator_nerve", "none", ("L2", "L3")),
]


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def _model_map() -> dict:
    return yaml.safe_load((DATA_DIR / "model_map.yaml").read_text())


def _sided(base: str) -> list[str]:
    return [f"{base}_l", f"{base}_r"]


def test_load_is_cached_and_records_are_frozen(kb):
    assert load_knowledge() is kb
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.structures["piriformis_r"].name = "x"
    with pytest.raises(dataclasses.FrozenInstanceError):
        kb.structures["piriformis_r"].facts[0].text = "x"


def test_every_model_map_id_has_a_structure(kb):
    mapping = _model_map()
    for base, spec in mapping["bones"].items():
        ids = _sided(base) if spec.get("bilateral") else [base]
        for sid in ids:
            assert kb.structure(sid).kind == "bone"
    for base in mapping["muscles"]:
        for sid in _sided(base):
            assert kb.structure(sid).kind == "muscle"


def _attachments() -> dict:
    """The structures built from bony attachment points (data/attachments.yaml), base id -> spec."""
    from sciatic_atlas.anatomy.facts import read_yaml
    from sciatic_atlas.anatomy.paths import DATA_DIR

    return read_yaml(DATA_DIR / "attachments.yaml")["structures"]


def test_every_attached_structure_has_its_kind(kb):
    for base, spec in _attachments().items():
        for sid in _sided(base):
            assert kb.structure(sid).kind == spec["kind"]


def _vessels() -> dict:
    """The blood vessels the build lays (data/vessels.yaml), base id -> spec."""
    from sciatic_atlas.anatomy.facts import read_yaml
    from sciatic_atlas.anatomy.paths import DATA_DIR

    return read_yaml(DATA_DIR / "vessels.yaml")["vessels"]


def test_every_vessel_is_a_sourced_vessel_entry(kb):
    for base in _vessels():
        for sid in _sided(base):
            s = kb.structure(sid)
            assert s.kind == "vessel" and s.summary and all(f.source for f in s.facts)


def test_structure_ids_are_exactly_the_team_ids(kb):
    mapping = _model_map()
    expected = set(MIDLINE.split())
    for base, spec in mapping["bones"].items():
        expected.update(_sided(base) if spec.get("bilateral") else [base])
    for base in [*mapping["muscles"], *NERVES, *_attachments(), *_vessels()]:
        expected.update(_sided(base))
    non_branch = {sid for sid, s in kb.structures.items() if s.kind != "branch"}
    assert non_branch == expected


def test_sides_and_names(kb):
    for sid, s in kb.structures.items():
        suffix = {"left": "_l", "right": "_r", "midline": ""}[s.side]
        assert sid == s.base_id + suffix
        assert s.summary and s.name and s.layer and s.region
    assert kb.structure("piriformis_l").name == "Piriformis (left)"
    assert kb.structure("piriformis_l").nerve == "nerve_to_piriformis_l"
    assert kb.structure("sacrum").side == "midline"


def test_every_fact_has_a_known_source(kb):
    facts = [f for s in kb.structures.values() for f in s.facts]
    for topic in kb.clinical.values():
        facts += [topic.summary, *topic.facts, *(f for item in topic.items for f in item.facts)]
    assert len(facts) > 300
    for fact in facts:
        assert isinstance(fact, Fact)
        assert fact.text and fact.source in kb.sources, fact
    assert all(s.citation for s in kb.sources.values())


def test_muscles_have_origin_insertion_action_and_innervation(kb):
    for sid in kb.of_kind("muscle"):
        m = kb.structure(sid)
        assert m.origin and m.insertion and m.action and m.innervation, sid
        assert m.roots and m.division in ("tibial", "common_fibular", "none"), sid
        assert {f.topic for f in m.facts} >= {"summary", "origin", "insertion", "action", "innervation"}


@pytest.mark.parametrize("muscle, nerve, division, roots", INNERVATION)
def test_innervation_teaches_the_right_nerve(kb, muscle, nerve, division, roots):
    for side in ("l", "r"):
        m = kb.structure(f"{muscle}_{side}")
        assert m.nerve == f"{nerve}_{side}"
        assert m.division == division
        assert m.roots == roots
        assert m.id in kb.structure(m.nerve).supplies


def test_gluteals_are_not_supplied_by_the_sciatic_nerve(kb):
    sciatic_tree = set(kb.groups["sciatic_tree"].members)
    for sid in kb.expand("gluteals") + kb.expand("piriformis") + kb.expand("tensor_fasciae_latae"):
        m = kb.structure(sid)
        assert m.nerve not in sciatic_tree and m.division == "none"
        assert not m.innervation.lower().startswith("sciatic")


def test_muscle_roots_lie_within_their_nerve(kb):
    for sid in kb.of_kind("muscle"):
        m = kb.structure(sid)
        if m.nerve is None:
            continue
        nerve = kb.structure(m.nerve)
        assert set(nerve.roots) <= LUMBAR_PLEXUS.get(nerve.base_id, SACRAL_PLEXUS_LEVELS), nerve.id
        branch = kb.structure(m.branch)
        assert set(branch.roots) <= set(nerve.roots), (m.branch, branch.roots, nerve.roots)
        if m.base_id == "adductor_magnus":  # obturator-supplied adductor part brings L2-L3
            assert "L4" in m.roots and "obturator" in m.innervation.lower()
            continue
        assert set(m.roots) <= set(nerve.roots), (sid, m.roots, nerve.roots)


def test_adductor_magnus_gets_only_l4_through_the_sciatic_nerve(kb):
    """Its hamstring part: tibial division (L4); its adductor part: obturator (L2-L4) (Moore 9th ed.)."""
    m = kb.structure("adductor_magnus_r")
    branch = kb.structure(m.branch)
    assert m.roots == ("L2", "L3", "L4")
    assert branch.id == "branch_tibial_nerve__adductor_magnus_r" and branch.roots == ("L4",)
    assert "L2" not in branch.summary and "L4" in branch.summary
    assert "hamstring" in m.innervation.lower() and "obturator" in m.innervation.lower()


def test_sural_nerve_has_a_tibial_and_a_common_fibular_parent(kb):
    """Medial sural cutaneous (tibial) + sural communicating branch (common fibular) (Gray's 42nd ed.)."""
    sural = kb.structure("sural_nerve_r")
    assert set(sural.parents) == {"tibial_nerve_r", "sural_communicating_branch_r"}
    communicating = kb.structure("sural_communicating_branch_r")
    assert communicating.parents == ("common_fibular_nerve_r",)
    assert communicating.division == "common_fibular"
    assert "sural_communicating_branch_r" in kb.structure("common_fibular_nerve_r").branches
    assert sural.division in (None, "none")


def test_nerve_tree_links_both_ways(kb):
    for sid in kb.of_kind("root", "nerve", "branch"):
        nerve = kb.structure(sid)
        for child in nerve.branches:
            assert sid in kb.structure(child).parents
        for parent in nerve.parents:
            assert sid in kb.structure(parent).branches
    assert kb.structure("sciatic_nerve_r").branches[:2] == ("tibial_nerve_r", "common_fibular_nerve_r")
    assert set(kb.structure("sciatic_nerve_r").roots) == SACRAL_PLEXUS_LEVELS
    assert "lumbosacral_trunk_r" in kb.structure("l4_ventral_ramus_r").branches


def test_nerve_roots_come_from_their_parents(kb):
    # Levels without a root structure (L2, L3: the femoral and obturator nerves) cannot come from a parent.
    modelled = {r for sid in kb.of_kind("root") for r in kb.structure(sid).roots}
    for sid in kb.of_kind("nerve"):
        nerve = kb.structure(sid)
        from_parents = {r for p in nerve.parents for r in kb.structure(p).roots}
        assert nerve.parents and set(nerve.roots) & modelled <= from_parents, (sid, nerve.roots, from_parents)


def test_muscular_branches_follow_the_id_convention(kb):
    branches = kb.of_kind("branch")
    assert "branch_tibial_nerve__semitendinosus_r" in branches
    assert "branch_common_fibular_nerve__biceps_femoris_short_head_l" in branches
    assert "branch_superior_gluteal_nerve__gluteus_minimus_r" in branches
    for sid in branches:
        b = kb.structure(sid)
        nerve_base, muscle_side = b.base_id[len("branch_"):].split("__")
        (muscle,) = b.supplies
        # A muscle of two nerves (adductor magnus) has a branch of each: one of its supplies.
        (supply,) = [s for s in kb.structure(muscle).supply if s.branch == sid]
        assert muscle == f"{muscle_side}_{sid[-1]}" and b.roots == supply.roots
        assert b.nerve == supply.nerve and sid in kb.structure(b.nerve).branches
        assert nerve_base in (b.nerve[:-2], {"tibial": "tibial_nerve", "common_fibular": "common_fibular_nerve"}.get(b.division))
    assert not [m for m in kb.of_kind("muscle") if kb.structure(m).nerve and not kb.structure(m).branch]


def test_nerves_have_skin_territory_and_roots_facts(kb):
    assert "first web space" in kb.structure("deep_fibular_nerve_r").skin_territory
    assert "great toe" in kb.structure("l5_ventral_ramus_r").skin_territory
    for sid in kb.of_kind("root", "nerve"):
        assert kb.facts(sid, "roots"), sid


def test_unknown_structure_suggests_the_nearest(kb):
    with pytest.raises(UnknownStructureError) as info:
        kb.structure("pirifromis_r")
    assert info.value.suggestions[0] == "piriformis_r"
    assert "did you mean piriformis_r" in str(info.value)
    assert kb.suggest("hamstring")[0] == "hamstrings"
    assert kb.suggest("zzzzqqqq") == []


def test_clinical_topics(kb):
    assert {"cramps", "spasm", "spinal_causes", "treatments", "stretches"} <= set(kb.clinical)
    assert {i.id for i in kb.clinical["cramps"].items} >= {"dehydration", "low_potassium", "magnesium", "vitamin_d"}
    assert {i.id for i in kb.clinical["spasm"].items} == {"overuse", "weakness", "heavy_lifting", "lack_of_flexibility"}
    stretches = kb.clinical["stretches"].items
    assert [s.id for s in stretches] == ["spinal_twist", "childs_pose", "glute_stretch", "hamstring_stretch"]
    assert all(s.hold_seconds == 30 and s.structures for s in stretches)
    assert "piriformis_r" in kb.clinical["stretches"].item("glute_stretch").structures
    assert "semitendinosus_l" in kb.clinical["stretches"].item("hamstring_stretch").structures
    spinal = kb.clinical["spinal_causes"]
    assert {"disc_l4_l5", "l5_ventral_ramus_r"} <= set(spinal.item("bulged_disc_l4_l5").structures)
    assert {"disc_l5_s1", "s1_ventral_ramus_l"} <= set(spinal.item("bulged_disc_l5_s1").structures)
    with pytest.raises(KeyError, match="items:"):
        spinal.item("nope")


# --- broken data files -----------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    for path in DATA_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_copy_of_the_data_loads(data_copy):
    assert len(read_knowledge(data_copy).structures) == len(load_knowledge().structures)


def test_fact_without_source_names_file_entry_and_fix(data_copy):
    _edit(data_copy / "muscles.yaml", 'Superior border of the greater trochanter of the femur.", source: moore9,', 'Superior border of the greater trochanter of the femur.",')
    with pytest.raises(AtlasDataError) as info:
        read_knowledge(data_copy)
    message = str(info.value)
    assert "muscles.yaml" in message and "'piriformis'" in message and "insertion" in message
    assert "has no source" in message and "sources.yaml" in message


BROKEN = [
    pytest.param("nerves.yaml", "source: lee2008", "source: lee2009",
                 r"nerves.yaml: entry 'l4_ventral_ramus'.*unknown source 'lee2009'", id="unknown-source"),
    pytest.param("muscles.yaml", "nerve: nerve_to_piriformis", "nerve: nerve_to_pirifomis",
                 r"muscles.yaml: entry 'piriformis'.*unknown nerve 'nerve_to_pirifomis'", id="unknown-nerve"),
    pytest.param("muscles.yaml", "nerve: sciatic_nerve, division: common_fibular", "nerve: sciatic_nerve, division: none",
                 "biceps_femoris_short_head.*division tibial or common_fibular", id="sciatic-without-division"),
    pytest.param("muscles.yaml", "nerve: tibial_nerve, division: tibial", "nerve: tibial_nerve, division: common_fibular",
                 "gastrocnemius_medial_head.*contradicts tibial_nerve's division", id="contradictory-division"),
    pytest.param("clinical.yaml", "structures: [calf, hamstrings]", "structures: [calfs, hamstrings]",
                 r"clinical.yaml: topic 'cramps', item 'dehydration'.*'calfs'.*did you mean calf", id="unknown-clinical-ref"),
    pytest.param("nerves.yaml", "branches: [tibial_nerve, common_fibular_nerve]", "branches: [tibial_nerve, fibular_nerve]",
                 r"nerves.yaml: entry 'sciatic_nerve': branch 'fibular_nerve' is not a nerve", id="unknown-branch"),
    pytest.param("muscles.yaml", "    layer: deep\n    region: gluteal", "    layer: deeper\n    region: gluteal",
                 r"muscles.yaml: entry 'gluteus_minimus': layer 'deeper' is not one of", id="bad-layer"),
]


@pytest.mark.parametrize("name, old, new, pattern", BROKEN)
def test_inconsistent_data_is_rejected_naming_file_and_entry(data_copy, name, old, new, pattern):
    _edit(data_copy / name, old, new)
    with pytest.raises(AtlasDataError, match=pattern):
        read_knowledge(data_copy)


def test_invalid_yaml_and_missing_file_name_the_file(data_copy):
    (data_copy / "groups.yaml").write_text("groups: [unclosed\n")
    with pytest.raises(AtlasDataError, match="groups.yaml.* not valid YAML"):
        read_knowledge(data_copy)
    (data_copy / "sources.yaml").unlink()
    with pytest.raises(AtlasDataError, match="missing .*sources.yaml"):
        read_knowledge(data_copy)


LANDMARKS = (
    "ischial_tuberosity ischial_spine greater_trochanter greater_sciatic_notch piriformis_lower_border "
    "fibular_head fibular_neck medial_malleolus lateral_malleolus knee_joint_centre popliteal_fossa_apex "
    "hip_joint_centre iliac_crest posterior_superior_iliac_spine anterior_superior_iliac_spine"
).split()


def test_every_team_landmark_is_explained(kb):
    expected = {f"{name}_{s}" for name in LANDMARKS for s in "lr"} | {f"disc_{d}" for d in ("l1_l2", "l2_l3", "l3_l4", "l4_l5", "l5_s1")}
    assert set(kb.landmarks) == expected
    for lid, info in kb.landmarks.items():
        assert info.summary.source in kb.sources and info.summary.text
        assert kb.structure(info.structure).side == info.side
    assert kb.landmarks["fibular_neck_l"].structure == "fibula_l"
    assert "common fibular" in kb.landmarks["fibular_neck_l"].summary.text


def test_the_sciatic_width_taught_is_the_width_the_model_is_built_to(kb):
    """One sourced figure for the sciatic's width: the text and the built band agree."""
    import re

    import yaml as _yaml

    figures = _yaml.safe_load((DATA_DIR / "nerve_figures.yaml").read_text())["sciatic"]
    built = figures["width_at_piriformis_mm"]
    texts = [f.text for f in kb.facts("sciatic_nerve_r")]
    stated = [float(m) for t in texts for m in re.findall(r"(\d+(?:\.\d+)?) mm wide", t)]
    assert stated and all(abs(w - built["value"]) < 0.1 for w in stated), (stated, built)
    size = kb.facts("sciatic_nerve_r", "size")
    assert size and size[0].source == built["source"]
    assert not any(re.search(r"about 2 cm wide", t) for t in texts)


def test_adductor_magnus_lists_both_its_nerves_with_their_parts_and_roots(kb):
    """Two supplies, each with its part, roots and branch; both nerves know they supply it (Moore 9e)."""
    for side in ("l", "r"):
        m = kb.structure(f"adductor_magnus_{side}")
        by_nerve = {s.nerve: s for s in m.supply}
        assert set(by_nerve) == {f"sciatic_nerve_{side}", f"obturator_nerve_{side}"}
        tibial, obturator = by_nerve[f"sciatic_nerve_{side}"], by_nerve[f"obturator_nerve_{side}"]
        assert tibial.division == "tibial" and tibial.roots == ("L4",) and "hamstring" in tibial.part
        assert obturator.division == "none" and obturator.roots == ("L2", "L3", "L4") and "adductor" in obturator.part
        assert set(m.roots) == set(tibial.roots) | set(obturator.roots)
        branch = kb.structure(obturator.branch)
        assert branch.id == f"branch_obturator_nerve__adductor_magnus_{side}" and branch.roots == ("L2", "L3", "L4")
        assert branch.parents == (f"obturator_nerve_{side}",) and branch.supplies == (m.id,)
        for s in m.supply:
            assert m.id in kb.structure(s.nerve).supplies and s.branch in kb.structure(s.nerve).branches
        innervation = [f for f in m.facts if f.topic == "innervation"]
        assert len(innervation) == 2 and all(f.source == "moore9" for f in innervation)


def test_a_muscle_of_one_nerve_has_one_supply(kb):
    m = kb.structure("soleus_r")
    assert len(m.supply) == 1 and m.supply[0].nerve == m.nerve and m.supply[0].branch == m.branch
    assert m.supply[0].roots == m.roots
