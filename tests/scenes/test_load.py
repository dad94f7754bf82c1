"""The loader: valid scenes load; broken ones list every error with line, column and fix."""

from __future__ import annotations

import pytest

from sciatic_atlas.scenes.errors import SceneError
from sciatic_atlas.scenes.load import MAX_BYTES, load_library, load_scene


def _errors(path, catalog) -> list:
    with pytest.raises(SceneError) as info:
        load_scene(path, catalog)
    return info.value.issues


def test_good_scene_loads(write, good_text, catalog):
    scene = load_scene(write(good_text), catalog)
    assert scene.id == "test-scene"
    assert scene.step_count == 4
    assert scene.camera.view == "posterior"
    assert scene.compressions[0].between == ("greater_sciatic_notch", "ischial_tuberosity")
    assert scene.steps[2].compressions[0].ref == "piri"
    assert scene.warnings == ()
    assert scene.path.name == "scene.yaml"


def test_unknown_name_suggests_nearest_with_line_and_column(write, good_text, catalog):
    path = write(good_text.replace("fade: [gluteus_maximus]", "fade: [gluteus_maximas_r]"))
    (issue,) = _errors(path, catalog)
    assert (issue.line, issue.column) == (20, 12)
    assert "unknown structure or group 'gluteus_maximas_r'" in issue.message
    assert "gluteus_maximus_r" in issue.fix.split("?")[0].split(" or ")[0]
    assert str(issue).startswith(f"{path}:20:12: steps[0].fade[0]: unknown")


def test_all_errors_of_a_file_at_once(write, good_text, catalog):
    text = (good_text.replace("side: right", "side: up")
            .replace("camera: posterior", "camera: postrior")
            .replace("  - title: Hamstrings", "  - title: Hamstrings\n    hilight: [hamstrings]")
            .replace("overlays: [piriformis_referral]", "overlays: [piriformis_referal]")
            .replace("audience: [student]", "audience: student"))
    issues = _errors(write(text), catalog)
    found = {(i.line, i.message.split(":")[0]) for i in issues}
    assert found == {(4, "audience"), (5, "side"), (6, "camera.view"), (23, "steps[1]"), (27, "steps[1].overlays[0]")}
    by_line = {i.line: i for i in issues}
    assert "did you mean 'highlight'" in by_line[23].fix
    assert "posterior" in by_line[6].fix
    assert "piriformis_referral" in by_line[27].fix
    assert "'left'" in by_line[5].fix
    assert [i.line for i in issues] == sorted(i.line for i in issues)


@pytest.mark.parametrize(("text", "line", "column", "words"), [
    ("id: a\ntitle: [unclosed\n", 3, 1, "YAML error"),
    ("id: a\n  title: b\n", 2, 8, "YAML error"),
    ("id: a\nid: b\n", 2, 1, "duplicate key"),
    ("- just\n- a list\n", 1, 1, "one mapping"),
    ("", 1, 1, "empty file"),
    ("id: !!python/object/apply:os.system [ls]\n", 1, 5, "tag"),
    ("id: a\ntitle: \x07bell\n", 2, 8, "YAML error"),
])
def test_broken_yaml_names_the_place(write, catalog, text, line, column, words):
    issue = next(i for i in _errors(write(text), catalog) if words in i.message)
    assert (issue.line, issue.column) == (line, column)
    assert issue.fix


def test_wrong_types_are_reported_with_the_fix(write, good_text, catalog):
    text = good_text.replace("narration: Plain words.", "narration: [not, text]").replace(
        "between: [greater_sciatic_notch, ischial_tuberosity]", "at: [0.9, 1.5]")
    issues = _errors(write(text), catalog)
    assert [(i.line, i.message.split(":")[0]) for i in issues] == [(3, "narration"), (12, "compressions[0].at[1]")]
    assert "write a string" in issues[0].fix
    assert "less than or equal to 1" in issues[1].message


def test_bad_step_references(write, good_text, catalog):
    text = good_text.replace("compressions: [piri]", "compressions: [piri, pirri]").replace(
        "  - title: Hamstrings", "  - id: fade-max\n    title: Hamstrings")
    issues = _errors(write(text), catalog)
    assert [(i.line, i.column) for i in issues] == [(22, 9), (29, 26)]
    assert "step id 'fade-max' is used twice" in issues[0].message
    assert "compression 'pirri' is not defined" in issues[1].message
    assert "defined: piri" in issues[1].fix


def test_reference_to_a_later_compression_is_refused(write, good_text, catalog):
    text = good_text.replace("compressions: []", "compressions: [later]").replace(
        "compressions: [piri]", "compressions:\n      - {id: later, compressor: piriformis, nerve: sciatic_nerve, at: [0.1, 0.2]}")
    (issue,) = _errors(write(text), catalog)
    assert issue.line == 25 and "'later' is not defined before this point" in issue.message


@pytest.mark.parametrize("path", ["../outside.md", "/etc/passwd", "notes/../../x.md", "C:/x.md", "~/x.md", "a\\b.md"])
def test_paths_cannot_leave_the_scene_folder(write, good_text, catalog, path):
    text = good_text.replace("metadata:\n", f"metadata:\n  notes_file: '{path}'\n")
    (issue,) = _errors(write(text), catalog)
    assert issue.line == 31 and "leaves the scene folder" in issue.message


def test_notes_file_must_exist_inside_the_folder(write, good_text, catalog, tmp_path):
    text = good_text.replace("metadata:\n", "metadata:\n  notes_file: notes/piri.md\n")
    (issue,) = _errors(write(text), catalog)
    assert "does not exist" in issue.message
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "piri.md").write_text("notes")
    assert load_scene(tmp_path / "scene.yaml", catalog).metadata.notes_file == "notes/piri.md"


def test_huge_binary_and_missing_files_are_refused(write, catalog, tmp_path):
    (issue,) = _errors(write("#" * (MAX_BYTES + 1)), catalog)
    assert "limited to 256 KB" in issue.message
    (issue,) = _errors(write(b"id: a\ntitle: \xff\xfe\n"), catalog)
    assert (issue.line, issue.column) == (2, 8) and "UTF-8" in issue.message
    (issue,) = _errors(tmp_path / "nope.yaml", catalog)
    assert "cannot read" in issue.message


def test_alias_bomb_and_deep_nesting_are_refused(write, catalog):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefg", "bcdefgh"))
    (issue,) = _errors(write(bomb), catalog)
    assert "more than" in issue.message
    (issue,) = _errors(write("id: " + "[" * 60 + "]" * 60 + "\n"), catalog)
    assert "nest" in issue.message


def test_unchecked_names_become_warnings(write, good_text, catalog):
    from dataclasses import replace

    from sciatic_atlas.scenes.names import NameSet

    partial = replace(catalog, overlays=NameSet("overlay", None, "no overlay catalogue yet"))
    scene = load_scene(write(good_text.replace("piriformis_referral", "anything_goes")), partial)
    (warning,) = scene.warnings
    assert warning.severity == "warning" and "overlay names not checked: no overlay catalogue yet" in str(warning)


def test_library_reports_broken_files_and_keeps_the_rest(write, good_text, catalog, tmp_path):
    write(good_text, "01-good.yaml")
    write("id: [broken\n", "02-broken.yaml")
    write(good_text, "03-same-id.yaml")
    write("not a scene", "notes.txt")
    scenes, errors = load_library(tmp_path, catalog)
    assert list(scenes) == ["test-scene"]
    assert [e.file.rsplit("/", 1)[-1] for e in errors] == ["02-broken.yaml", "03-same-id.yaml"]
    assert "already used by 01-good.yaml" in str(errors[1])
