"""Check that a frame shows what its scene step asks for, from the frame report.

Every highlighted, labelled or compressed structure must cover a visible share of the
frame, nothing is drawn that the step does not ask for, every overlay must show in its own colour, and every label's anchor pixel must lie on its own
structure. A structure seen only through a translucent one counts as seen only where the step
asked for that translucency (a fade or a style's opacity): layers are opaque by default and
peeled, not ghosted (issue 12). :func:`audit_state` returns the problems as sentences (empty: the frame is
right); the library audit in ``tests/render/test_audit.py`` runs it on every step.
"""

from __future__ import annotations

from sciatic_atlas.render import frame_report
from sciatic_atlas.render.idpass import MARK_ID
from sciatic_atlas.scenes.views import view_spec

MIN_SHARE = 0.0003  # of the frame's pixels: about 58 pixels at 400x480, 620 at 1920x1080
MIN_OVERLAY_SHARE = 0.0015  # a zone is a patch of skin (the smallest, the first web space, about 0.17%)
MIN_FILL = 0.5  # a one-limb step's subject spans at least half the width or the free height (issue 10)


def fill_problems(state, report: dict) -> list[str]:
    """Return a sentence when a one-limb step's subject is a speck in the frame (empty otherwise).

    One-limb steps are those drawn for one side with a named view that is not a midline
    one (the spine views are centred); a camera the scene places by hand is its author's.
    The subject and its fill are the report's ``focus`` (:func:`frame_report.focus`).
    """
    camera = state.camera
    if state.side not in ("left", "right") or camera.position is not None or not camera.view:
        return []
    if view_spec(camera.view).get("centred"):
        return []
    fill = report["focus"]["fill"]
    if fill >= MIN_FILL:
        return []
    return [f"the subject ({', '.join(report['focus']['ids']) or 'everything drawn'}) fills {fill:.0%} of the "
            f"frame (at least {MIN_FILL:.0%}): frame it (camera: {{view: {camera.view}, frame: [...]}})"]


def problems(state, report: dict) -> list[str]:
    """Return what ``report`` shows that ``state`` does not ask for, or lacks of what it asks for."""
    out = []
    structures = report["structures"]

    stands_for = {r: sid for sid, entry in structures.items() for r in entry.get("drawn_as", ())}

    def asked_translucent(cover: str) -> bool:
        style = state.styles.get(stands_for.get(cover, cover))
        return cover.startswith(MARK_ID) or (style is not None and style.opacity is not None)
    total = report["size"][0] * report["size"][1]

    def check(sid: str, why: str) -> None:
        entry = structures.get(sid, {})
        # Seen through a structure left translucent by default is not seen: layers are opaque
        # unless the step itself asks for a see-through one (issue 12: no ghosted "pink fog").
        n = entry.get("visible_pixels", 0) - sum(
            k for cover, k in entry.get("seen_through", {}).items() if not asked_translucent(cover))
        if n < MIN_SHARE * total:
            out.append(f"{why} {sid} covers {n} pixels ({n / total:.4%} of the frame)")

    for sid in report["highlighted"]:
        check(sid, "highlighted")
    for mark in report["compressions"]:
        check(mark["nerve"], "compressed nerve")
        check(mark["compressor"], "compressing")
    for oid in state.overlays:
        n = report["overlays"].get(oid, {}).get("visible_pixels", 0)
        if n < MIN_OVERLAY_SHARE * total:
            out.append(f"overlay {oid} covers {n} pixels ({n / total:.3%} of the frame)")
    for label in report["labels"]:
        if not label["drawn"]:
            out.append(f"label '{label['text']}' not drawn: {label.get('warning', '')}")
        elif not label.get("on_structure"):
            out.append(f"label '{label['text']}' points at {label.get('pixel_owner')}, not {label['structure']}")
        else:
            check(label["structure"], f"label '{label['text']}' on")
    asked = {sid for sid, style in state.styles.items() if style.visible}
    asked |= {m.compressor for m in state.compressions} | ({"skin"} if state.overlays else set())
    for sid, entry in structures.items():
        stand_in_for = [k for k, v in structures.items() if sid in v.get("drawn_as", ())]
        if entry["visible_pixels"] and sid not in asked and not (set(stand_in_for) & asked):
            out.append(f"{sid} is drawn ({entry['visible_pixels']} pixels) but the step does not ask for it")
    if len(state.overlays) > 1:
        from sciatic_atlas.anatomy.overlays import get_overlay

        colours: dict = {}
        for oid in state.overlays:
            colours.setdefault(tuple(get_overlay(oid).colour), []).append(oid)
        out += [f"overlays {' and '.join(ids)} share one colour" for ids in colours.values() if len(ids) > 1]
    boxes = [lab["box"] for lab in report["labels"] if lab["box"]]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]:
                out.append(f"label boxes {a} and {b} overlap")
    return out


def audit_state(view, state) -> tuple[list[str], dict]:
    """Apply ``state`` to ``view`` (an :class:`~sciatic_atlas.render.view.AtlasView`; no beauty
    render) and return its problems and its report."""
    placed = view.apply_state(state, render=False)
    report = frame_report.build(view.plotter, state, view.model, view.actors, placed)
    return problems(state, report), report
