"""The one way to a frame's state: :func:`build_state` for a scene step, or the whole model.

Both the window (through ``app/session.py``) and ``sciatic-atlas render`` get what they draw
from here, so they draw the same thing: a library scene resolved at a step and side
(:func:`~sciatic_atlas.scenes.resolve.resolve_state`), or, with no scene, the whole model
as an atlas plate (:func:`default_state`). What is hidden by default is one rule
(:func:`~sciatic_atlas.scenes.state.hidden_by_default`), and the background is the state's
default (:data:`~sciatic_atlas.scenes.state.BACKGROUND`), which only the window's dark
mode overrides.
"""

from __future__ import annotations

import re

from sciatic_atlas.anatomy.ids import side_of
from sciatic_atlas.scenes.names import variant_options
from sciatic_atlas.scenes.state import CameraSpec, SceneState, StructureStyle, hidden_by_default
from sciatic_atlas.scenes.views import check_side, view_spec


def default_state(model, view: str = "posterior", side: str = "both") -> SceneState:
    """Return a state showing the whole model as an atlas plate.

    Every structure in its default look (``opacity=None``: the look of its kind and layer);
    skin and spinal canal are present but hidden. With ``side`` left or right only that
    side (and the midline) is shown; a view flagged ``hides_other_limb`` shows the right
    limb when ``side`` is both; a view's ``default_show``/``default_hide`` narrow it.

    Parameters
    ----------
    model : AnatomyModel
        The built model.
    view : str
        A camera preset from ``data/views.yaml``.
    side : str
        'left', 'right' or 'both'.

    Raises
    ------
    UnknownViewError
        For a view or side that does not exist (the message names the valid ones).
    """
    spec = view_spec(view)
    check_side(side)
    shown = "right" if side == "both" and spec.get("hides_other_limb") else side
    only = re.compile(spec["default_show"]) if spec.get("default_show") else None
    drop = re.compile(spec["default_hide"]) if spec.get("default_hide") else None
    _, variant_only, _ = variant_options(model)
    styles = {}
    for sid in model.structure_ids:
        if sid in variant_only:
            continue
        visible = (shown == "both" or side_of(sid) in ("midline", shown)) and not hidden_by_default(sid) and \
            (only is None or only.search(sid) is not None) and (drop is None or drop.search(sid) is None)
        styles[sid] = StructureStyle(visible=visible)
    where = "" if side == "both" else f" ({side})"
    return SceneState(styles=styles, camera=CameraSpec(view=view), side=side,
                      title=f"Sciatic nerve: {spec['label'].lower()} view{where}")


def build_state(model, scene=None, step: int | str = 0, side: str | None = None, view: str | None = None,
                knowledge=None) -> SceneState:
    """Return what a frame draws: ``scene`` at ``step`` and ``side``, or the whole model.

    Parameters
    ----------
    model : AnatomyModel
        The built model.
    scene : Scene, optional
        A validated scene; None for the whole model.
    step : int or str
        The scene's step (0: the scene itself) or step id.
    side : str, optional
        'left', 'right' or 'both' (default: the scene's side, or both).
    view : str, optional
        A named view: with no scene, the plate's view (default posterior); with a scene,
        it replaces the scene's camera.
    knowledge : Knowledge, optional
        Expands group names (default: the bundled knowledge base).
    """
    if scene is None:
        return default_state(model, view or "posterior", side or "both")
    from dataclasses import replace

    from sciatic_atlas.scenes.resolve import resolve_state

    state = resolve_state(scene, step=step, side=side, knowledge=knowledge, model=model)
    return replace(state, camera=CameraSpec(view=view)) if view else state
