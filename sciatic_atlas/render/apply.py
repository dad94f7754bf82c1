"""The steps of applying a scene state, each on a plotter it is handed (no per-view state).

:meth:`sciatic_atlas.render.view.AtlasView.apply_state` is the one way from a
:class:`SceneState` to pixels; it uses these: the styles a state wants (variant meshes
swapped, compressors highlighted), the camera, the overlays, and the labels' places.
:func:`default_state` is the whole model as an atlas plate.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import replace

import numpy as np

from sciatic_atlas.render import cameras, idpass, labels, marks
from sciatic_atlas.render.appearance import default_look, default_style
from sciatic_atlas.render.structure_actor import StructureActor
from sciatic_atlas.scenes import build
from sciatic_atlas.scenes.state import CameraSpec, CompressionMark, SceneState, StructureStyle

log = logging.getLogger(__name__)

SEE_THROUGH = 0.4  # a compressor a scene draws at least this opaque keeps its opacity (a fade does not)


def default_state(model, view: str = "posterior", side: str = "both") -> SceneState:
    """Return :func:`sciatic_atlas.scenes.build.default_state` with each default opacity written out.

    The state is the scene layer's (the one builder); the render layer only fills in the
    opacity each structure is drawn at by default, which the window's opacity controls
    start from. Drawn, the two states look the same.
    """
    state = build.default_state(model, view, side)
    styles = {sid: replace(style, opacity=default_look(model, sid).opacity) for sid, style in state.styles.items()}
    return replace(state, styles=styles)


def _variant_replacements(model, variants: dict[str, str]) -> dict[str, list[str]]:
    """Return ``replaced id -> replacement ids`` for the chosen variant options."""
    out: dict[str, list[str]] = {}
    for group, option in variants.items():
        known = model.variant_groups.get(group)
        options = known.options if known is not None else {}
        if option not in options:
            log.warning("unknown variant %s=%s (known: %s)", group, option, ", ".join(options) or "none")
            continue
        for sid, ids in options[option].replaces.items():
            out[sid] = list(ids)
    return out


def shown_compressions(state: SceneState) -> tuple[CompressionMark, ...]:
    """Return the compression marks of ``state`` that are drawn: those whose nerve is drawn.

    A mark belongs to its nerve (issue 11): it is drawn only while the nerve is shown
    and its compressor is not hidden, so hiding either, or isolating another structure,
    takes the mark away instead of leaving a red ring floating in the view.
    """
    def shown(sid: str, unlisted: bool) -> bool:
        style = state.styles.get(sid)
        return unlisted if style is None else style.visible

    return tuple(m for m in state.compressions if shown(m.nerve, False) and shown(m.compressor, True))


def wanted_styles(model, state: SceneState) -> tuple[dict[str, StructureStyle], dict[str, list[str]]]:
    """Return the styles to draw (variants swapped, compressors highlighted) and the swaps."""
    replaced = _variant_replacements(model, state.variants)
    styles: dict[str, StructureStyle] = {}
    for sid, style in state.styles.items():
        for target in replaced.get(sid, [sid]):
            styles[target] = style
    for mark in shown_compressions(state):
        base = styles.get(mark.compressor, default_style(model, mark.compressor))
        # drawn opaque, unless the scene makes it see-through on purpose (to show the nerve under it)
        keep = base.opacity if base.opacity is not None and base.opacity >= SEE_THROUGH else None
        styles[mark.compressor] = replace(base, visible=True, highlight=True, opacity=keep)
    missing = [sid for sid in styles if not model.has_mesh(sid)]
    if missing:
        log.warning("no mesh for %s: not drawn", ", ".join(sorted(missing)))
    return {sid: s for sid, s in styles.items() if model.has_mesh(sid)}, replaced


def _visible_points(actors: dict[str, StructureActor]) -> np.ndarray:
    pts = [a.points for a in actors.values() if a.look and a.look.visible]
    return np.vstack(pts) if pts else np.zeros((1, 3))


def place_camera(plotter, spec: CameraSpec, side: str, actors: dict[str, StructureActor],
                 bands: tuple[float, float] = (0.0, 0.0), model=None, posed: bool = False) -> None:
    """Set the camera of ``spec`` (explicit, or a named view framing the visible structures).

    ``bands`` are the fractions of the image height (top, bottom) kept free for text.
    Structures ``spec.frame`` names that are not drawn are framed from ``model``'s meshes
    when a model is given, else left out. ``posed``: the body is not standing, so a named
    view's region (a band of heights of the standing body) means nothing; the view frames
    everything drawn from its direction.
    """
    if spec.position is not None and spec.focal_point is not None:
        pose = cameras.CameraPose(tuple(spec.position), tuple(spec.focal_point),
                                  tuple(spec.up or (0.0, 0.0, 1.0)),
                                  float(cameras.view_spec("posterior")["view_angle"]))
    elif spec.frame or posed:
        width, height = plotter.window_size
        points = [actors[sid].points if sid in actors else np.asarray(model.mesh(sid).vertices)
                  for sid in spec.frame or () if sid in actors or (model is not None and model.has_mesh(sid))]
        pose = cameras.frame_pose(spec.view or "posterior", side, np.vstack(points) if points else
                                  _visible_points(actors), aspect=width / max(height, 1), top=bands[0],
                                  bottom=bands[1])
    else:
        width, height = plotter.window_size
        pose = cameras.view_pose(spec.view or "posterior", side, _visible_points(actors),
                                 aspect=width / max(height, 1), top=bands[0], bottom=bands[1])
    cameras.set_camera(plotter, pose, zoom=spec.zoom)


def apply_overlays(plotter, model, overlay_ids, actors, side: str, text_scale: float, notes=(), posed=None) -> list:
    """Paint ``overlay_ids`` on the skin (:mod:`sciatic_atlas.render.overlays`); return the legend rows.

    ``posed`` (a :class:`~sciatic_atlas.anatomy.posed.PosedModel`) puts the painted skin in that pose.
    """
    if not overlay_ids and not notes and "sciatic_atlas.render.overlays" not in sys.modules:
        return []  # nothing was ever painted in this process: no need to import the painter (0.05 s)
    try:
        module = importlib.import_module("sciatic_atlas.render.overlays")
    except ModuleNotFoundError as exc:
        if exc.name != "sciatic_atlas.render.overlays":
            raise
        if overlay_ids:
            log.warning("overlays %s not drawn: the overlay renderer is not installed", list(overlay_ids))
        return []
    return module.apply_overlays(plotter, model, tuple(overlay_ids), actors, side=side, text_scale=text_scale,
                                 notes=notes, posed=posed)


def opaque_marks(plotter) -> dict:
    """Return name -> mesh of the opaque marks on ``plotter`` (compression bands): they hide anatomy."""
    out = {}
    for name, actor in plotter.renderer.actors.items():
        if name.startswith(marks.PREFIX + "compression:") and name.endswith(":band"):
            out[name[len(marks.PREFIX):]] = actor.GetMapper().GetInput()
    return out


def place_labels(plotter, model, wanted, actors, bands, font_px: int, id_scale: int = 1) -> list[labels.PlacedLabel]:
    """Anchor each label on a visible pixel of its structure and lay the boxes out (no drawing).

    A label whose structure shows nowhere is logged and returned without a box; the
    boxes are sized for labels ``font_px`` pixels high. ``id_scale`` is the ID pass's
    reduction (:func:`sciatic_atlas.render.idpass.measure`).
    """
    frame = idpass.measure(plotter, actors, marks=opaque_marks(plotter), scale=id_scale)
    width, height = (int(v) for v in plotter.window_size)
    placed = [labels.find_anchor(frame, model, label, plotter.renderer) for label in wanted]
    for p in placed:
        if p.reason:
            log.warning("%s", p.reason)
    band = (bands[0] * height, (1.0 - bands[1]) * height)
    labels.layout(placed, (width, height), font_px, band, frame.subject_box())
    return placed
