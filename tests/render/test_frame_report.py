"""``sciatic-atlas render ... --report FILE.json``: what the picture holds, in the documented shape."""

from __future__ import annotations

import json
import subprocess
import sys

from PIL import Image
from subproc import source_env


def test_render_writes_the_frame_report_of_the_picture(tmp_path):
    out, report = tmp_path / "supply.png", tmp_path / "out" / "supply.json"
    proc = subprocess.run([sys.executable, "-m", "sciatic_atlas", "render", "hamstrings", "--step", "supply",
                           "--size", "300x360", "-o", str(out), "--report", str(report)],
                          capture_output=True, text=True, env=source_env(), cwd=tmp_path, timeout=180)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text())
    with Image.open(out) as img:
        assert list(img.size) == data["size"] == [300, 360]
    # the shape other tools read (docs/frame-report.md)
    assert {"labels", "structures"} <= set(data)
    texts = [label["text"] for label in data["labels"]]
    assert texts == ["Short head: common fibular division", "Long head: tibial division"]
    for label in data["labels"]:
        assert set(label) >= {"text", "anchor", "anchor_pixel", "box"}
        x, y = label["anchor_pixel"]
        x0, y0, x1, y1 = label["box"]
        assert 0 <= x < 300 and 0 <= y < 360 and 0 <= x0 < x1 <= 300 and 0 <= y0 < y1 <= 360
        assert label["on_structure"], label  # the anchor pixel is a visible pixel of its structure
        assert data["structures"][label["anchor"]]["visible_pixels"] > 0
    assert all(isinstance(v["visible_pixels"], int) for v in data["structures"].values())
    assert data["structures"]["biceps_femoris_short_head_r"]["visible_pixels"] > 100
    assert data["warnings"] == []
    assert not list(report.parent.glob("*.tmp"))  # written atomically, nothing left behind
