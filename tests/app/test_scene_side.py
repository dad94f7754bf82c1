"""A scene opens on the side it is written for; the saved side preference is for free exploring."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def _one_sided_scene(session) -> str:
    return next(sid for sid, scene in session.scenes.items() if scene.side == "right")


def _open(window, qtbot, scene_id, **kwargs):
    with qtbot.waitSignal(window.frame_shown, timeout=10000):
        window.open(scene_id, **kwargs)
    window.viewport.finish_glide()


def test_a_scene_shows_its_own_side_and_the_buttons_still_change_it(window, session, qtbot):
    scene_id = _one_sided_scene(session)
    assert window.view_state.side == "both" and window.preferred_side == "both"
    _open(window, qtbot, scene_id)
    assert window.view_state.side == "right"
    assert window.viewport.state.side == "right"  # what is drawn, not only the setting
    assert window.display_bar.side_buttons["right"].isChecked()
    with qtbot.waitSignal(window.frame_shown, timeout=10000):
        window.display_bar.side_buttons["left"].click()
    assert window.view_state.side == "left" and window.viewport.state.side == "left"
    assert window.preferred_side == "both"  # a change inside a scene is not the exploring preference
    _open(window, qtbot, None)
    assert window.view_state.side == "both" and window.display_bar.side_buttons["both"].isChecked()


def test_the_preference_returns_on_free_exploring_and_an_asked_side_wins(window, session, qtbot):
    scene_id = _one_sided_scene(session)
    with qtbot.waitSignal(window.frame_shown, timeout=10000):
        window.display_bar.side_buttons["left"].click()
    assert window.preferred_side == "left"
    _open(window, qtbot, scene_id)
    assert window.view_state.side == "right"
    _open(window, qtbot, None)
    assert window.view_state.side == "left"
    _open(window, qtbot, scene_id, side="both")  # e.g. `sciatic-atlas window --side both --scene ...`
    assert window.view_state.side == "both" and window.viewport.state.side == "both"
