"""The pain-map file: the documented shape loads, saves round-trip atomically, bad files fail clearly."""

from __future__ import annotations

import json
import os

import pytest

from sciatic_atlas.anatomy.painmap import (
    MAX_BYTES,
    Mark,
    PainMap,
    PainMapError,
    load_painmap,
    save_painmap,
)

ISSUE_SHAPE = {"format": 1, "side": "right", "marks": [
    {"region": "foot_dorsum", "kind": "numbness", "intensity": 6},
    {"point": [-110.0, 230.0, 330.0], "radius": 20, "kind": "pain", "intensity": 4}]}


def write(tmp_path, data, name="map.json") -> os.PathLike:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def error_of(path) -> str:
    with pytest.raises(PainMapError) as info:
        load_painmap(path)
    return str(info.value)


def test_the_issue_shape_loads(tmp_path):
    pm = load_painmap(write(tmp_path, ISSUE_SHAPE))
    assert pm.side == "right"
    assert pm.marks[0] == Mark("numbness", 6.0, region="foot_dorsum")
    assert pm.marks[1].point == (-110.0, 230.0, 330.0) and pm.marks[1].radius == 20.0
    assert pm.marks[1].kind == "pain" and pm.marks[1].intensity == 4.0
    assert pm.date is None and pm.note == ""  # nothing about the patient is required


def test_save_and_load_round_trip_keeping_other_tools_fields(tmp_path):
    pm = PainMap("left", (Mark("pain", 7.5, point=(1.0, 2.0, 3.0), radius=15.0, note="worse sitting"),
                          Mark("numbness", 0, region="sole")),
                 date="2026-12-03", note="Review in two weeks.", extra={"tool": {"name": "other", "v": 2}})
    path = save_painmap(pm, tmp_path / "saved.json")
    again = load_painmap(path)
    assert again == pm
    assert again.extra == {"tool": {"name": "other", "v": 2}}
    assert json.loads(path.read_text())["format"] == 1
    assert save_painmap(again, tmp_path / "again.json").read_text() == path.read_text()


def test_a_failed_save_keeps_the_previous_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = save_painmap(PainMap("right", (Mark("pain", 3, region="calf"),)), tmp_path / "map.json")
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(PainMapError, match="unchanged"):
        save_painmap(PainMap("right", ()), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.json"]


def test_a_save_into_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(PainMapError, match="cannot be written"):
        save_painmap(PainMap(), tmp_path / "no" / "such" / "map.json")


@pytest.mark.parametrize("data, words", [
    ("{not json", ["map.json:1:2", "not valid JSON"]),
    ([1, 2], ["one JSON object"]),
    ({"format": 2, "side": "right", "marks": []}, ["format: must be 1"]),
    ({"format": 1, "side": "up", "marks": []}, ["side: must be 'left' or 'right'"]),
    ({"format": 1, "marks": "lots"}, ["marks: must be a list"]),
    ({"format": 1, "marks": [{"region": "foot_dorsum", "kind": "itch", "intensity": 3}]},
     ["marks[0].kind", "pain, numbness"]),
    ({"format": 1, "marks": [{"region": "foot_dorsum", "kind": "pain", "intensity": 11}]},
     ["marks[0].intensity", "0 to 10"]),
    ({"format": 1, "marks": [{"region": "foot_dorsum", "kind": "pain", "intensity": True}]},
     ["marks[0].intensity"]),
    ({"format": 1, "marks": [{"region": "foot_top", "kind": "pain", "intensity": 3}]},
     ["marks[0].region", "unknown skin region", "foot_dorsum"]),
    ({"format": 1, "marks": [{"kind": "pain", "intensity": 3}]}, ["marks[0]", "either 'region'"]),
    ({"format": 1, "marks": [{"point": [1, 2], "kind": "pain", "intensity": 3}]}, ["marks[0].point", "three numbers"]),
    ({"format": 1, "marks": [{"point": [1e300, 2, 3], "kind": "pain", "intensity": 3}]}, ["marks[0].point", "beyond"]),
    ({"format": 1, "marks": [{"point": [1, 2, 3], "radius": -4, "kind": "pain", "intensity": 3}]},
     ["marks[0].radius"]),
    ({"format": 1, "date": "yesterday", "marks": []}, ["date", "YYYY-MM-DD"]),
    ({"format": 1, "note": "x" * 5000, "marks": []}, ["note", "shorten"]),
    ('{"format": 1, "marks": [{"point": [1e999, 0, 0], "kind": "pain", "intensity": 1}]}', ["finite"]),
    ('{"format": 1, "marks": [], "x": NaN}', ["NaN"]),
    ('{"format": 1, "marks": [], "x": ' + "9" * 5000 + "}", ["digits"]),
    ('{"format": 1, "format": 1, "marks": []}', ["appears twice"]),
    ('{"format": 1, "marks": [], "x": ' + "[" * 100000 + "]" * 100000 + "}", ["nested"]),
    ('{"format": 1, "marks": [], "x": ' + "[" * 40 + "]" * 40 + "}", ["nested more than"]),
])
def test_corrupt_or_hostile_files_name_the_file_the_place_and_the_fix(tmp_path, data, words):
    path = write(tmp_path, data)
    before = path.read_bytes()
    message = error_of(path)
    assert str(path) in message
    for word in words:
        assert word in message
    assert path.read_bytes() == before  # reading never changes the file


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    message = error_of(write(tmp_path, {"format": 1, "side": "up", "marks": [
        {"region": "nowhere", "kind": "pain", "intensity": 2},
        {"region": "sole", "kind": "pain", "intensity": -1}]}))
    assert "side:" in message and "marks[0].region" in message and "marks[1].intensity" in message


def test_huge_binary_and_missing_files_are_refused_without_reading_them_whole(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(MAX_BYTES * 50)
    assert "larger than" in error_of(big)
    binary = tmp_path / "bin.json"
    binary.write_bytes(b'{"format": 1, "note": "\xff"}')
    assert "not UTF-8" in error_of(binary)
    assert "no such file" in error_of(tmp_path / "absent.json")
    assert "is a folder" in error_of(tmp_path)
