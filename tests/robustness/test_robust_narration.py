"""Scene text is shown as it is written: markup in a scene file is never rendered."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_title_and_narration_are_plain_text(qtbot):
    from PyQt5 import QtCore

    from sciatic_atlas.app.panels.qt_narration import NarrationPanel

    panel = NarrationPanel(view_state=None)
    qtbot.addWidget(panel)
    markup = "<img src='http://example.invalid/x.png'><b>bold</b>"
    panel.show_step(markup, "", markup, 0, 1)
    for label in (panel.title, panel.text):
        assert label.textFormat() == QtCore.Qt.PlainText
        assert label.text() == markup
