"""Lay the user's choices over a scene's state: what the window draws (no Qt).

A scene (or the free-exploring default) gives a
:class:`~sciatic_atlas.scenes.state.SceneState`; the user then hides, shows,
fades, isolates and peels structures, selects one, picks a named view and a
background. :func:`compose` returns the state with those choices applied; the
scene's own state is never changed.
"""

from __future__ import annotations

from dataclasses import replace

from sciatic_atlas.scenes.state import CameraSpec, SceneState

# The user's background choice -> a background name of data/appearance.yaml.
BACKGROUND_NAMES = {"light": "atlas", "dark": "dark"}
# The selected structure: a colour no tissue has (muscles red, nerves yellow, bone ivory).
SELECTION_RGB = (0.0, 0.78, 1.0)
COVER_OPACITY = 0.15  # what covers the selection fades to this
_DEPTH = {"superficial": 0, "middle": 1, "deep": 2}


def covering(selected: str, catalog, styles: dict) -> set[str]:
    """Return the drawn structures that hide ``selected``: the skin and the muscles over it.

    A muscle is covered by the skin and by the more superficial muscles of its
    region; a nerve, root or branch by the skin and every muscle (nerves run
    under and between them); a bone or disc by the skin and the muscles of its
    region. Nothing covers the skin.
    """
    entry = catalog.entries.get(selected)
    if entry is None or entry.kind == "skin":
        return set()

    def covers(other) -> bool:
        if other.id == selected:
            return False
        if other.kind == "skin":
            return True
        if other.kind != "muscle":
            return False
        if entry.kind == "muscle":
            return other.region == entry.region and _DEPTH.get(other.layer, 0) < _DEPTH.get(entry.layer, 0)
        return entry.kind not in ("bone", "disc") or other.region == entry.region

    return {sid for sid, style in styles.items()
            if style.visible and sid in catalog and covers(catalog[sid])}


def compose(base: SceneState, view_state, catalog, default_style) -> SceneState:
    """Return ``base`` with the user's overrides from ``view_state`` applied.

    Parameters
    ----------
    base : SceneState
        The scene's state at the current step (or the default state).
    view_state : ViewState
        The user's visibility, opacity, isolation, peel, selection, view and background.
    catalog : Catalog
        Names the structures and the peel layers.
    default_style : callable
        ``default_style(structure_id) -> StructureStyle`` for a structure the user shows
        that the scene does not.

    Returns
    -------
    SceneState
        A new state; ``base`` is left as it is.
    """
    styles = dict(base.styles)
    wanted_visible: dict[str, bool] = {}
    if view_state.isolated is not None:
        for sid in set(styles) | set(view_state.isolated):
            wanted_visible[sid] = sid in view_state.isolated
    wanted_visible.update(view_state.visibility)
    for sid in catalog.peeled(view_state.peel):  # the peel slider wins: it hides whole layers
        wanted_visible[sid] = False
    for sid, visible in wanted_visible.items():
        style = styles.get(sid)
        if style is None:
            if not visible or sid not in catalog:
                continue
            style = default_style(sid)
        styles[sid] = replace(style, visible=visible)
    for sid, opacity in view_state.opacity.items():
        style = styles.get(sid) or (default_style(sid) if sid in catalog else None)
        if style is not None:
            styles[sid] = replace(style, opacity=opacity)
    # The selection is drawn in the selection colour, nearly opaque, and what covers it
    # fades; one the user has faded (or set the opacity of) keeps the user's choice.
    selected = view_state.selected
    if selected in styles and styles[selected].visible:
        if selected not in view_state.opacity:
            styles[selected] = replace(styles[selected], colour=SELECTION_RGB, highlight=True)
        for sid in covering(selected, catalog, styles) - set(view_state.opacity):
            current = styles[sid].opacity
            if current is None or current > COVER_OPACITY:
                styles[sid] = replace(styles[sid], opacity=COVER_OPACITY)
    camera = CameraSpec(view=view_state.view) if view_state.view else base.camera
    return replace(base, styles=styles, camera=camera,
                   background=BACKGROUND_NAMES.get(view_state.background, base.background))


def visible_ids(state: SceneState) -> set[str]:
    """Return the ids drawn (present and visible) in ``state``."""
    return {sid for sid, style in state.styles.items() if style.visible}

