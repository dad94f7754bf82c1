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
    # The highlight keeps a structure nearly opaque; one the user has faded stays faded.
    if view_state.selected in styles and view_state.selected not in view_state.opacity:
        styles[view_state.selected] = replace(styles[view_state.selected], highlight=True)
    camera = CameraSpec(view=view_state.view) if view_state.view else base.camera
    return replace(base, styles=styles, camera=camera,
                   background=BACKGROUND_NAMES.get(view_state.background, base.background))


def visible_ids(state: SceneState) -> set[str]:
    """Return the ids drawn (present and visible) in ``state``."""
    return {sid for sid, style in state.styles.items() if style.visible}

