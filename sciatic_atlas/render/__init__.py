"""Turns the anatomy and a resolved scene state into a PyVista plotter state. No Qt.

Public entry points: :class:`AtlasView` (one view: its plotter and what is drawn on it;
``AtlasView.apply_state`` is the one way from a
:class:`~sciatic_atlas.scenes.state.SceneState` to pixels), :func:`default_state`
(the whole model as an atlas plate), :class:`StructureActor`, and
:func:`render_png` (offscreen image of a state).

The names are imported on first use (PEP 562), so reading camera presets or colours
(``render.cameras``, ``render.appearance``) does not import PyVista and VTK.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "AtlasView": "sciatic_atlas.render.view",
    "default_state": "sciatic_atlas.render.apply",
    "render_png": "sciatic_atlas.render.offscreen",
    "StructureActor": "sciatic_atlas.render.structure_actor",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
