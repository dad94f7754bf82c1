"""Label placement from an ID frame: anchors on visible pixels, boxes that never overlap."""

from __future__ import annotations

import numpy as np

from sciatic_atlas.render.idpass import IdFrame
from sciatic_atlas.render.labels import MIN_LABEL_PIXELS, find_anchor, layout
from sciatic_atlas.scenes.state import Label


class _Model:
    record = {"landmarks": {}}

    @staticmethod
    def has_mesh(sid):
        return sid.startswith("s")


def _frame(width=400, height=300, n=8):
    """Eight thin vertical structures side by side in the middle, a hidden ninth drawn nowhere."""
    front = np.zeros((height, width), int)
    for k in range(1, n + 1):
        front[40:260, 150 + 10 * k:154 + 10 * k] = k
    ids = ["", *[f"s{k}" for k in range(1, n + 1)], "s_hidden"]
    return IdFrame(ids=ids, front=front, solid=front.copy())


def test_anchor_lies_on_its_own_visible_structure_and_hidden_ones_are_reported():
    frame = _frame()
    for k in range(1, 9):
        placed = find_anchor(frame, _Model, Label(f"S{k}", f"s{k}"), renderer=None)
        x, y = placed.pixel
        assert frame.owner(x, y) == f"s{k}" and not placed.reason
    hidden = find_anchor(frame, _Model, Label("Hidden", "s_hidden"), renderer=None)
    assert hidden.pixel is None and "not drawn" in hidden.reason
    assert frame.mask("s_hidden").sum() < MIN_LABEL_PIXELS


def test_crowded_labels_all_get_boxes_that_never_overlap():
    frame = _frame()
    placed = [find_anchor(frame, _Model, Label(f"Structure number {k} with a long name", f"s{k}"), None)
              for k in range(1, 9)]
    layout(placed, frame.size, 12, (20.0, 280.0), frame.subject_box())
    boxes = [p.box for p in placed]
    assert all(b is not None for b in boxes)  # none dropped
    for i, a in enumerate(boxes):
        assert 0 <= a[0] < a[2] <= 400  # inside the picture
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)


def test_labels_sit_beside_the_subject_on_the_side_of_their_anchor():
    frame = _frame(width=1200)
    placed = [find_anchor(frame, _Model, Label(f"Structure {k}", f"s{k}"), None) for k in range(1, 9)]
    layout(placed, frame.size, 12, (20.0, 280.0), frame.subject_box())
    x0, _, x1, _ = frame.subject_box()
    for p in placed:
        if p.pixel[0] < (x0 + x1) / 2:
            assert p.box[2] <= x0  # left of the subject, its leader running right to the anchor
        else:
            assert p.box[0] >= x1
