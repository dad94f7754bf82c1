"""The posable model in the real window (issue 13): stepping to a posed step, dragging the pose slider.

Used by ``window_probe.py pose``. Input is real X input from ``xdotool`` (see
window_feel.py); frames are timed by the render window itself (:class:`FrameClock`).
The library has no posed scene yet, so a scene of the five named stretches is written
to a temporary file and opened as a user's own scene.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from window_feel import FrameClock, at, xdotool

POSED_SCENE = """\
id: bench-poses
title: Stretches (benchmark)
narration: The clinic's stretches, one per step.
audience: [student]
side: right
show: [bones, muscles, sciatic_tree]
camera: {view: lateral, frame: [bones]}
steps:
  - {title: Glute stretch, pose: glute-stretch}
  - {title: Child's pose, pose: childs-pose}
  - {title: Hamstring stretch, pose: hamstring-stretch}
  - {title: Straight-leg raise, pose: straight-leg-raise}
  - {title: Spinal twist, pose: spinal-twist}
metadata:
  sources:
    - citation: benchmark scene
"""
UNPOSED_SCENE = "piriformis"  # library steps measured in the same run, for comparison
DRAG_S, DRAG_HZ = 2.0, 60


def _steps(app, clock, window, n: int) -> list[dict]:
    window.scenes.list.setFocus()
    return [clock.measure(app, lambda: xdotool("key", "Next"), input_s=0.05) for _ in range(n)]


def _handle(slider):
    from PyQt5 import QtWidgets

    option = QtWidgets.QStyleOptionSlider()
    slider.initStyleOption(option)
    return slider.style().subControlRect(QtWidgets.QStyle.CC_Slider, option, QtWidgets.QStyle.SC_SliderHandle,
                                         slider).center()


def pose_feel(app, window) -> dict:
    """Measure a posed step switch and a slider drag in an open window; return the numbers."""
    from PyQt5 import QtCore

    viewport = window.viewport
    clock = FrameClock(viewport)
    window.activateWindow()
    out: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-poses.yaml"
        path.write_text(POSED_SCENE, encoding="utf-8")
        window.open_user_scenes(path)
        clock.settle(app, time.perf_counter())
        out["posed_steps"] = _steps(app, clock, window, 5)
        out["posed_step"] = window.view_state.step
        out["pose_frame_ms"] = viewport.pose_frame_ms  # posing the coarse copies + render, as measured
        window.open("bench-poses", 1)
        clock.settle(app, time.perf_counter())
        # The slider's handle (at 100 %: the step's own amount) dragged left then back, with the
        # button held, at DRAG_HZ for DRAG_S.
        slider = window.pose_slider.slider
        start = _handle(slider)
        n = int(DRAG_S * DRAG_HZ)
        span = slider.width() // 3
        moves = []
        for i in range(1, n + 1):
            phase = i / n
            dx = -round(span * (2 * phase if phase < 0.5 else 2 - 2 * phase))
            moves += ["mousemove", *at(slider, start + QtCore.QPoint(dx, 0)), "sleep", f"{1 / DRAG_HZ:.4f}"]
        xdotool("mousemove", *at(slider, start)).wait()
        clock.settle(app, time.perf_counter())
        mark = len(clock.frames)
        out["drag"] = clock.measure(app, lambda: xdotool("mousedown", "1", *moves), input_s=DRAG_S + 0.3)
        drag_frames = [f for f in clock.frames[mark:] if f[2]]
        span_s = (drag_frames[-1][1] - drag_frames[0][0]) if len(drag_frames) > 1 else float("nan")
        out["drag_fps"] = len(drag_frames) / span_s if span_s == span_s and span_s > 0 else 0.0
        out["drag_moves"] = n
        out["release"] = clock.measure(app, lambda: xdotool("mouseup", "1"), input_s=0.05)
        out["release_amount"] = window.view_state.pose_amount
        window.open(None)
        clock.settle(app, time.perf_counter())
    window.open(UNPOSED_SCENE)
    clock.settle(app, time.perf_counter())
    out["unposed_steps"] = _steps(app, clock, window, min(5, window.session.n_steps(UNPOSED_SCENE) - 1))
    return out


def summary(steps: list[dict]) -> dict:
    """Return the median input-to-final-frame time, the first frame's and the frame counts of steps."""
    return {"settle_ms": statistics.median(r["settle_ms"] for r in steps),
            "first_ms": statistics.median(r["first_ms"] for r in steps),
            "full": max(r["full"] for r in steps), "moving": statistics.median(r["moving"] for r in steps),
            "full_frame_ms": statistics.median(r["full_frame_ms"] for r in steps),
            "moving_frame_ms": statistics.median(r["moving_frame_ms"] for r in steps if r["moving"]) if any(
                r["moving"] for r in steps) else 0.0}
