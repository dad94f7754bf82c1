"""Checks of a valid scene that need the model: labels whose anchor cannot be seen.

A label names what the reader should look at; if, in the step that shows it, its
anchor is hidden, faded out or under an opaque skin, the text floats over the wrong
thing. :func:`hidden_label_warnings` resolves every step and reports such labels as
warnings (the scene is still accepted). The skin counts as opaque when the step paints
an overlay on it (a pain map is drawn near-opaque to be read) or when a style makes it
at least :data:`OPAQUE_SKIN` opaque.
"""

from __future__ import annotations

from sciatic_atlas.scenes.errors import SceneIssue
from sciatic_atlas.scenes.names import base_id
from sciatic_atlas.scenes.resolve import FADE_OPACITY, resolve_states
from sciatic_atlas.scenes.yaml_tree import TreeError, parse

OPAQUE_SKIN = 0.6  # from this opacity up, what lies under the skin cannot be read


def _skin_is_opaque(state) -> bool:
    style = state.styles.get("skin")
    if style is None or not style.visible:
        return False
    return bool(state.overlays) or (style.opacity is not None and style.opacity >= OPAQUE_SKIN)


def why_hidden(state, anchor: str) -> str | None:
    """Return why the label ``anchor`` cannot be seen in ``state``, or None when it can.

    Parameters
    ----------
    state : SceneState
        A resolved scene step.
    anchor : str
        A structure id or a landmark name (landmarks lie on bones, under the skin).
    """
    style = state.styles.get(anchor)
    if style is not None and base_id(anchor) == "skin":
        return None if style.visible else "the skin is not shown"
    if style is not None and not style.visible:
        return f"{anchor} is not shown"
    if style is not None and style.opacity is not None and style.opacity <= FADE_OPACITY:
        return f"{anchor} is faded out"
    if _skin_is_opaque(state):
        return f"{anchor} is under the opaque skin" + (" (an overlay is painted on it)" if state.overlays else "")
    return None


def hidden_label_warnings(scene, knowledge=None, model=None) -> list[SceneIssue]:
    """Return a warning for each label whose anchor is hidden in a step that shows it.

    Parameters
    ----------
    scene : Scene
        A validated scene (``scene.path`` gives the file and the line of each step).
    knowledge, model : optional
        As for :func:`~sciatic_atlas.scenes.resolve.resolve_state`.

    Returns
    -------
    list of SceneIssue
        Severity ``"warning"``, one per (step, label), in step order.
    """
    file = str(scene.path or scene.id)
    tree = None
    if scene.path is not None:
        try:
            tree = parse(scene.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TreeError):  # ValueError: the file changed and is no longer UTF-8
            tree = None
    out = []
    for index, state in enumerate(resolve_states(scene, knowledge=knowledge, model=model)):  # one pass: linear
        loc = ("labels",) if index == 0 else ("steps", index - 1)
        line, column = tree.position(loc) if tree is not None else (1, 1)
        where = "the scene" if index == 0 else f"step {index}"
        for label in state.labels:
            why = why_hidden(state, label.anchor)
            if why is not None:
                out.append(SceneIssue(file, line, column, f"{where}: label '{label.text}' cannot be seen: {why}",
                                      "anchor it to a visible structure, show or fade what covers it, "
                                      "or give the step its own labels", "warning"))
    return out
