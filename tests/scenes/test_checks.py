"""hidden_label_warnings: a label whose anchor is hidden, faded out or under the painted skin is reported."""

from __future__ import annotations

from sciatic_atlas.scenes.checks import hidden_label_warnings
from sciatic_atlas.scenes.load import load_scene


def _warnings(write, text, catalog, knowledge, model):
    scene = load_scene(write(text), catalog)
    return hidden_label_warnings(scene, knowledge=knowledge, model=model)


def test_a_label_carried_into_an_overlay_step_is_a_warning_at_that_step(write, good_text, catalog, knowledge, model):
    found = _warnings(write, good_text, catalog, knowledge, model)
    # steps 2 and 3 paint piriformis_referral on the skin and keep the base label on piriformis
    assert [(w.severity, w.line) for w in found] == [("warning", 22), ("warning", 27)]
    assert all("'Piriformis'" in w.message and "under the opaque skin" in w.message for w in found)
    assert found[0].message.startswith("step 2:")


def test_a_step_with_its_own_empty_labels_is_clean(write, good_text, catalog, knowledge, model):
    text = good_text.replace("    overlays: [piriformis_referral]\n",
                             "    overlays: [piriformis_referral]\n    labels: []\n")
    assert _warnings(write, text, catalog, knowledge, model) == []


def test_hidden_and_faded_anchors_are_warnings(write, good_text, catalog, knowledge, model):
    text = good_text.replace("    fade: [gluteus_maximus]\n    highlight: [piriformis]\n",
                             "    fade: [piriformis]\n").replace(
        "    overlays: [piriformis_referral]\n", "    hide: [piriformis]\n")
    messages = [w.message for w in _warnings(write, text, catalog, knowledge, model)]
    assert messages[0].startswith("step 1:") and "piriformis_r is faded out" in messages[0]
    assert "piriformis_r is not shown" in messages[1] and len(messages) == 2  # step 3 marks piriformis: shown again
