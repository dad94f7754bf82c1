"""Starting the window with no display: one clear line and exit status 2, never a Qt abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from sciatic_atlas.app.display import display_problem

CMD = [sys.executable, "-m", "sciatic_atlas.app"]


def _env(**changes):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(changes)
    return env


@pytest.mark.parametrize("extra", [{}, {"DISPLAY": ":231"}], ids=["unset", "no-server"])
def test_window_without_a_display_says_so_in_one_line_and_exits_2(extra):
    done = subprocess.run(CMD, env=_env(**extra), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "no display" in lines[0] and "sciatic-atlas render" in lines[0]
    assert "Traceback" not in done.stderr + done.stdout


def test_a_reachable_display_or_another_platform_is_no_problem():
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"DISPLAY": os.environ["DISPLAY"]}) is None  # pytest-xvfb's server
    assert display_problem({}) is not None
