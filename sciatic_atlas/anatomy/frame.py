"""The world frame every coordinate in the program uses.

Millimetres, at the model's neutral standing pose (all joint angles zero):

- ``+z`` is superior (up); the soles are near z = 60 mm, the L1 vertebra near z = 1200 mm.
- ``-y`` is anterior (the body faces -y); ``+y`` is posterior.
- ``-x`` is the body's right side; ``+x`` its left.

This is the frame of the musculoskeletal model (MuJoCo, z up) scaled from metres to
millimetres, so its numbers can be checked against the model directly.
"""

from __future__ import annotations

import numpy as np

UNITS = "mm"
SUPERIOR = np.array([0.0, 0.0, 1.0])
ANTERIOR = np.array([0.0, -1.0, 0.0])
POSTERIOR = -ANTERIOR
RIGHT = np.array([-1.0, 0.0, 0.0])  # the body's (patient's) right
LEFT = -RIGHT
SIDES = {"l": "left", "r": "right"}


def lateral(side: str) -> np.ndarray:
    """Return the unit vector pointing away from the midline on ``side`` ('l' or 'r')."""
    return LEFT if side == "l" else RIGHT


def describe() -> dict:
    """Return the frame as data, for ``sciatic-atlas describe --json``."""
    return {
        "units": UNITS,
        "pose": "neutral standing pose of the model (all joint angles zero)",
        "axes": {"+x": "body's left", "-x": "body's right", "+y": "posterior",
                 "-y": "anterior", "+z": "superior", "-z": "inferior"},
    }
