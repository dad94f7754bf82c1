"""The search index: typo-tolerant, over structures, groups and scenes."""

from sciatic_atlas.app.search import SearchEntry, SearchIndex

ENTRIES = [
    SearchEntry("structure", "piriformis_r", "Piriformis (right)", ("muscle",)),
    SearchEntry("structure", "nerve_to_piriformis_r", "Nerve to piriformis (right)", ("nerve",)),
    SearchEntry("structure", "gluteus_minimus_r", "Gluteus minimus (right)", ("muscle",)),
    SearchEntry("structure", "semitendinosus_l", "Semitendinosus (left)", ("muscle",)),
    SearchEntry("group", "hamstrings", "Hamstrings"),
    SearchEntry("scene", "03-piriformis", "Piriformis: when a muscle squeezes the nerve", ("consult",)),
]


def ids(hits):
    return [h.id for h in hits]


def test_a_prefix_finds_the_structure_first():
    assert ids(SearchIndex(ENTRIES).query("piri"))[0] == "piriformis_r"


def test_typos_are_forgiven():
    index = SearchIndex(ENTRIES)
    assert "piriformis_r" in ids(index.query("pirifromis"))
    assert ids(index.query("gluteus minimis"))[0] == "gluteus_minimus_r"
    assert ids(index.query("semitendonosus"))[0] == "semitendinosus_l"


def test_word_prefixes_in_any_order_match():
    assert ids(SearchIndex(ENTRIES).query("min glut")) == ["gluteus_minimus_r"]


def test_scenes_and_groups_are_found_and_kinds_can_be_filtered():
    index = SearchIndex(ENTRIES)
    assert "03-piriformis" in ids(index.query("squeezes"))
    assert ids(index.query("hamstr"))[0] == "hamstrings"
    assert {h.kind for h in index.query("piriformis", kinds=("scene",))} == {"scene"}
    assert "03-piriformis" in ids(index.query("consult"))


def test_nonsense_and_empty_queries_find_nothing():
    index = SearchIndex(ENTRIES)
    assert index.query("") == []
    assert index.query("   ") == []
    assert index.query("xqzw") == []


def test_hits_are_ranked_best_first_and_limited():
    hits = SearchIndex(ENTRIES).query("piriformis", limit=2)
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score


def test_a_phrase_is_not_answered_by_one_of_its_words_and_names_rank_over_keywords():
    index = SearchIndex([
        SearchEntry("structure", "femur_l", "Femur (left)", ("bone", "thigh")),
        SearchEntry("structure", "semitendinosus_l", "Semitendinosus (left)", ("muscle", "thigh", "back of thigh")),
        SearchEntry("scene", "spine", "The spine", ("sciatica",)),
        SearchEntry("structure", "sciatic_nerve_l", "Sciatic nerve (left)", ("nerve",)),
    ])
    assert ids(index.query("back of thigh")) == ["semitendinosus_l"]  # not the femur, by "thigh"
    assert ids(index.query("sciatic"))[0] == "sciatic_nerve_l"  # its name, before a scene's keyword


def test_the_library_search_ranks_the_hamstrings_and_the_sciatic_nerve_first():
    from sciatic_atlas.app.session import Session

    index = Session.load().search_index()
    hits = index.query("back of thigh")[:6]
    assert "hamstrings" in ids(hits)
    assert not {"femur_l", "femur_r", "gracilis_l", "sartorius_l"} & set(ids(hits))
    assert ids(index.query("sciatic"))[0].startswith("sciatic_nerve")
