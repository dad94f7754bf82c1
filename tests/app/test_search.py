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
