"""Turns the anatomy and a resolved scene state into a PyVista plotter state. No Qt.

Public entry points: :func:`apply_state` (the one way from a
:class:`~sciatic_atlas.scenes.state.SceneState` to a plotter), :func:`default_state`
(the whole model as an atlas plate), :class:`StructureActor`, and
:func:`render_png` (offscreen image of a state).
"""

from sciatic_atlas.render.apply import apply_state, default_state
from sciatic_atlas.render.offscreen import render_png
from sciatic_atlas.render.structure_actor import StructureActor

__all__ = ["StructureActor", "apply_state", "default_state", "render_png"]
