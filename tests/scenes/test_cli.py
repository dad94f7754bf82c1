"""The scene commands: validate (exit 0/1, every error listed), schema, scenes."""

from __future__ import annotations

import json

from sciatic_atlas.app.cli import main
from sciatic_atlas.scenes.schema import scene_schema


def test_validate_library_exits_0(capsys):
    assert main(["validate", "-q"]) == 0
    assert "valid" not in capsys.readouterr().out


def test_validate_lists_every_error_and_exits_1(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(_library_text("01-overview.yaml"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: Bad Id\ntitle: t\nnarration: n\naudience: [students]\nmetadata: {sources: []}\n"
                   "highlight: [piriformus]\n")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr()
    lines = [line for line in out.out.splitlines() if line.startswith(str(bad))]
    assert [line.split(":")[1] for line in lines] == ["1", "4", "5", "6"]
    assert "did you mean piriformis" in lines[-1]
    assert f"ok  {good}" in out.out
    assert "1 of 2 scene files valid" in out.err


def test_validate_missing_path_is_an_error_line(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 1
    assert "cannot read the file" in capsys.readouterr().out


def test_schema_is_json_schema_of_the_scene_model(tmp_path, capsys):
    assert main(["schema"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == scene_schema()
    assert {"id", "title", "narration", "steps", "metadata"} <= set(printed["properties"])
    assert set(printed["required"]) == {"id", "title", "narration", "audience", "metadata"}
    out = tmp_path / "scene.schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == printed


def test_scenes_lists_the_library(capsys):
    assert main(["scenes", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == "overview" and rows[0]["steps"] >= 3
    assert all(set(r) == {"id", "title", "audience", "steps", "file"} for r in rows)


def _library_text(name: str) -> str:
    from sciatic_atlas.anatomy.paths import scenes_dir

    return (scenes_dir() / name).read_text()


def test_published_schema_file_is_current():
    from sciatic_atlas.anatomy.paths import PACKAGE_DIR

    published = PACKAGE_DIR.parent / "docs" / "scene.schema.json"
    assert json.loads(published.read_text()) == scene_schema(), "run: sciatic-atlas schema -o docs/scene.schema.json"
