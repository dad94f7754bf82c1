"""The frame report: what a rendered picture holds, measured from its pixels.

``sciatic-atlas render ... --report FILE.json`` writes it (format: ``docs/frame-report.md``):
each label with its anchor pixel and box, each structure on stage with the pixels it
covers (visible: in front, or seen through a translucent layer), each overlay zone's
pixels, and warnings for what the scene asks for but the picture does not show.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import numpy as np

from sciatic_atlas.render import marks
from sciatic_atlas.render.idpass import MARK_ID, OVERLAY_ID, measure

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
OVERLAY_ALPHA = 0.3  # a skin cell belongs to an overlay zone where its paint is at least this strong


def overlay_cells(model, overlay_ids, side: str) -> dict | None:
    """Return the painted skin with each cell's overlay (1-based index into ``overlay_ids``; 0 none)."""
    if not overlay_ids:
        return None
    from sciatic_atlas.anatomy.overlay_paint import mix_weights
    from sciatic_atlas.anatomy.overlays import refined_layers, refined_skin
    from sciatic_atlas.render.overlays import skin_canvas

    fine = refined_skin(model)
    shares, alpha = mix_weights(fine.vertices, refined_layers(model, overlay_ids, side))
    zone = np.where(alpha >= OVERLAY_ALPHA, shares.argmax(axis=1) + 1, 0)
    faces = np.asarray(fine.faces)
    # a cell takes the zone most of its corners are in (the first corner breaks ties)
    corner = zone[faces]
    cells = np.where(corner[:, 1] == corner[:, 2], corner[:, 1], corner[:, 0])
    return {"mesh": skin_canvas(model), "cells": cells, "ids": list(overlay_ids)}


def focus(frame, ids: list[str], bands: tuple[float, float]) -> dict:
    """Return how much of the picture the step's subject takes: its box and its fill.

    The subject (``ids``) is the overlay zones and what the step's camera frames, or else
    what it asks to stand out: highlighted, labelled and compressed structures (where none
    of them shows: everything drawn). ``fill`` is the larger of the box's share of the
    picture's width and of the height left between the text bands (``bands``,
    fractions of the height at the top and bottom): 1 when the subject spans the frame
    one way, small when it is a speck in a wide frame (issue 10).
    """
    width, height = frame.size
    box = frame.subject_box(ids) or frame.subject_box()
    if box is None:
        return {"ids": ids, "box": None, "fill": 0.0}
    x0, y0, x1, y1 = box
    free = max(1.0, height * (1.0 - bands[0] - bands[1]))
    fill = max((x1 - x0 + 1) / width, min(1.0, (y1 - y0 + 1) / free))
    return {"ids": ids, "box": list(box), "fill": round(fill, 3)}


def build(plotter, state, model, actors: dict, placed: list) -> dict:
    """Return the report of what ``plotter`` shows for ``state``.

    Parameters
    ----------
    plotter : pyvista.Plotter
        The plotter ``state`` was applied to.
    state : SceneState
        The state drawn.
    model : AnatomyModel
        The model drawn.
    actors : dict of str to StructureActor
        The structures on ``plotter``.
    placed : list of PlacedLabel
        The labels as :meth:`~sciatic_atlas.render.view.AtlasView.apply_state` placed them.
    """
    cells = overlay_cells(model, state.overlays, state.side) if "skin" in actors else None
    from sciatic_atlas.render.apply import opaque_marks, shown_compressions, wanted_styles

    frame = measure(plotter, actors, cells, marks=opaque_marks(plotter))
    counts = frame.visible_pixels()
    width, height = frame.size
    structures = {sid: {"visible_pixels": n, "share": round(n / (width * height), 6)}
                  for sid, n in sorted(counts.items()) if not sid.startswith((OVERLAY_ID, MARK_ID))}
    for sid, covers in frame.seen_through().items():  # visible only through these translucent ones
        if sid in structures:
            structures[sid]["seen_through"] = dict(sorted(covers.items()))
    overlays = {sid[len(OVERLAY_ID):]: {"visible_pixels": n, "share": round(n / (width * height), 6)}
                for sid, n in counts.items() if sid.startswith(OVERLAY_ID)}
    warnings = [p.reason for p in placed if p.reason]
    labels = []
    for p in placed:
        entry = p.as_report()
        if p.pixel is not None:
            x, y = p.pixel
            entry["on_structure"] = bool(frame.mask(p.host)[y, x]) if 0 <= x < width and 0 <= y < height else False
            entry["pixel_owner"] = frame.owner(x, y)
        labels.append(entry)
    _, replaced = wanted_styles(model, state)
    for sid, stand_ins in replaced.items():  # a variant mesh drawn in place of a structure counts for it
        if sid not in structures and stand_ins:
            n = sum(structures.get(r, {}).get("visible_pixels", 0) for r in stand_ins)
            structures[sid] = {"visible_pixels": n, "share": round(n / (width * height), 6), "drawn_as": stand_ins}
    compressions = shown_compressions(state)
    wanted = {m.compressor for m in compressions} | {m.nerve for m in compressions} | \
        {sid for sid, s in state.styles.items() if s.visible and s.highlight}
    for sid in sorted(wanted):
        if sid in structures and structures[sid]["visible_pixels"] == 0:
            warnings.append(f"{sid} is asked for but hidden behind other structures in this view")
    for oid in state.overlays:
        if overlays.get(oid, {}).get("visible_pixels", 0) == 0:
            warnings.append(f"overlay {oid} is painted but not visible in this view")
    subject = {OVERLAY_ID + o for o in state.overlays}
    if state.camera.frame:  # the structures the step's camera frames are its declared subject
        subject |= set(state.camera.frame)
    else:
        subject |= wanted | {p.host for p in placed if p.box is not None}
    focus_ids = sorted({r for sid in subject for r in replaced.get(sid) or [sid]})
    return {
        "format": FORMAT_VERSION,
        "size": [width, height],
        "title": state.title,
        "labels": labels,
        "structures": structures,
        "overlays": overlays,
        "highlighted": sorted(sid for sid, s in state.styles.items() if s.visible and s.highlight),
        "compressions": [{"nerve": m.nerve, "compressor": m.compressor} for m in compressions],
        "focus": focus(frame, focus_ids, marks.text_bands(plotter, state.title, state.text)),
        "warnings": warnings,
    }


def write(report: dict, path: Path) -> Path:
    """Write ``report`` as JSON to ``path`` atomically (a temporary file renamed into place)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(report, fh, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log.info("wrote the frame report %s", path)
    return path
