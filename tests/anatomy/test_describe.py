"""``describe --json``: the model as data, its documented shape, and the command line."""

from __future__ import annotations

import json

import numpy as np

from sciatic_atlas.anatomy.describe import describe_model, summary_lines
from sciatic_atlas.app.cli import main
from tests.anatomy.built_model import nerve_model


def test_shape_matches_the_documented_keys():
    model = nerve_model()
    out = json.loads(json.dumps(describe_model(model, knowledge={})))
    assert set(out) - {"overlay_summaries"} == {"format", "units", "frame", "source", "structures", "landmarks",
                                                "centrelines", "variants", "poses"}  # overlays: with a skin
    assert out["units"] == "mm" and out["frame"]["axes"]["-y"] == "anterior"
    sciatic = out["structures"]["sciatic_nerve_r"]
    assert sciatic["has_mesh"] and sciatic["kind"] == "nerve" and sciatic["has_centreline"]
    assert set(out["centrelines"]) == {"nerves", "muscles", "other"}
    line = np.asarray(out["centrelines"]["nerves"]["sciatic_nerve_r"])
    assert line.shape[1] == 3 and np.allclose(line, model.centreline("sciatic_nerve_r"))
    assert "piriformis_r" in out["centrelines"]["muscles"]
    lm = out["landmarks"]["ischial_tuberosity_l"]
    assert lm["side"] == "left" and len(lm["position"]) == 3 and lm["how"]
    options = out["variants"]["sciatic_path"]["options"]
    assert out["variants"]["sciatic_path"]["default"] == "a" and set(options) == {"a", "b", "c", "d"}
    for key, option in options.items():
        assert option["source"] and option["label"]
        for replaced, ids in option["replaces"].items():
            assert model.has_mesh(replaced) and all(model.has_mesh(i) for i in ids), key


def test_knowledge_facts_are_merged_by_id():
    model = nerve_model()
    facts = {"sciatic_nerve_r": {"kind": "nerve", "summary": "The largest nerve."},
             "saphenous_nerve_r": {"kind": "nerve", "summary": "Not built."}}
    out = describe_model(model, knowledge=facts)
    assert out["structures"]["sciatic_nerve_r"]["knowledge"]["summary"] == "The largest nerve."
    assert out["structures"]["saphenous_nerve_r"]["has_mesh"] is False
    assert "knowledge" not in out["structures"]["piriformis_r"]


def test_summary_names_landmarks_and_variants():
    text = "\n".join(summary_lines(describe_model(nerve_model(), knowledge={})))
    assert "greater_sciatic_notch_r" in text and "Type B" in text and "+z: superior" in text


def test_cli_writes_json(tmp_path, monkeypatch, capsys):
    from sciatic_atlas.anatomy.paths import assets_dir

    monkeypatch.setenv("SCIATIC_ATLAS_ASSETS", str(assets_dir()))
    nerve_model()
    out = tmp_path / "model.json"
    assert main(["describe", "--json", "--no-knowledge", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert "sciatic_nerve_l" in data["centrelines"]["nerves"]


def test_cli_missing_assets_is_one_clean_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SCIATIC_ATLAS_ASSETS", str(tmp_path))
    assert main(["describe", "--json"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "model.json" in err and "build-assets" in err


def test_the_named_poses_are_listed_and_one_can_be_described_posed():
    from sciatic_atlas.anatomy.model import load_model

    model = load_model()
    plain = describe_model(model, knowledge={})
    assert {"glute-stretch", "hamstring-stretch", "childs-pose", "spinal-twist", "straight-leg-raise",
            "slump"} <= set(plain["poses"])
    assert plain["poses"]["childs-pose"]["limits"] and plain["poses"]["glute-stretch"]["hold_s"] == 30
    posed = json.loads(json.dumps(describe_model(model, knowledge={}, pose="straight-leg-raise")))
    # the same shape as the neutral description, with the posed positions
    assert set(posed["centrelines"]["nerves"]) == set(plain["centrelines"]["nerves"])
    before = np.asarray(plain["centrelines"]["nerves"]["tibial_nerve_r"])
    after = np.asarray(posed["centrelines"]["nerves"]["tibial_nerve_r"])
    assert before.shape == after.shape and np.abs(after - before).max() > 200  # the leg is raised
    assert set(posed["landmarks"]) == set(plain["landmarks"])
    assert posed["pose"]["nerve_bed_change_percent"]["sciatic_nerve_r"] > 5
    assert posed["pose"]["muscle_length_change_percent"]["semitendinosus_r"] > 5


def test_cli_describe_with_an_unknown_pose_is_one_clean_line(capsys):
    assert main(["describe", "--json", "--pose", "lotus"]) == 2
    err = capsys.readouterr().err
    assert "no pose 'lotus'" in err and "glute-stretch" in err and "Traceback" not in err


def test_describe_lists_every_nerve_of_a_muscle():
    """Adductor magnus: the tibial division (hamstring part) and the obturator nerve (adductor part)."""
    from sciatic_atlas.anatomy.describe import knowledge_records

    record = knowledge_records()["adductor_magnus_r"]
    supply = json.loads(json.dumps(record))["supply"]
    assert [(s["nerve"], s["roots"]) for s in supply] == [("sciatic_nerve_r", ["L4"]),
                                                           ("obturator_nerve_r", ["L2", "L3", "L4"])]
    assert all(s["part"] and s["branch"] for s in supply)
