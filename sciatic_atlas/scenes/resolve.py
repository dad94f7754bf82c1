"""Resolve a validated scene at one step into the :class:`SceneState` the renderer draws.

The base scene is applied first, then steps 1..N in order, each a change on top
(see :class:`~sciatic_atlas.scenes.model.Changes` for which changes accumulate and
which replace). Group and base names are expanded to sided structure ids through
the knowledge base (``kb.expand(name, side)``), landmarks named by ``between`` are
projected onto the nerve centreline to give fractions, and the side not chosen is
hidden, faded or kept as the scene says. A muscle is never drawn without the bones its
tendons reach: those the step hides are shown faded (:func:`attached_bones`, issue 12).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np

from sciatic_atlas.scenes.errors import SceneError
from sciatic_atlas.scenes.model import Changes, Compression, Scene
from sciatic_atlas.anatomy.ids import side_of
from sciatic_atlas.scenes.names import SIDE_SUFFIXES, variant_options
from sciatic_atlas.scenes.state import (CameraSpec, CompressionMark, Label, SceneState, StructureStyle,
                                         hidden_by_default)

log = logging.getLogger(__name__)

# A compression placed at one landmark is drawn this long along the nerve (mm): long enough
# to see on a root 4 mm thick, short enough to stay at the level it names.
MIN_MARK_MM = 14.0

FADE_OPACITY = 0.12
SIDES = ("left", "right", "both")


class Expander:
    """Turn a structure, base or group name into sided structure ids that have meshes."""

    def __init__(self, knowledge, model):
        self._kb = knowledge
        self._ids = set(model.structure_ids)

    def __call__(self, name: str, side: str) -> list[str]:
        """Return the ids ``name`` stands for on ``side`` ('left', 'right' or 'both'), mesh-bearing only."""
        ids: list[str] = []
        if self._kb is not None:
            try:
                ids = list(self._kb.expand(name, side))
            except KeyError:
                ids = []
        if not ids:
            ids = [name] if name in self._ids else [
                f"{name}{suffix}" for suffix, own in SIDE_SUFFIXES.items() if side in (own, "both")]
        return [sid for sid in dict.fromkeys(ids) if sid in self._ids]


def _load_defaults(knowledge, model):
    if model is None:
        from sciatic_atlas.anatomy.model import load_model

        model = load_model()
    if knowledge is None:
        try:
            from sciatic_atlas.anatomy.knowledge import load_knowledge
        except ImportError:
            knowledge = None
        else:
            knowledge = load_knowledge()
    return knowledge, model


def _mirror(name: str) -> str:
    if name[-2:] == "_r":
        return name[:-2] + "_l"
    if name[-2:] == "_l":
        return name[:-2] + "_r"
    return name


@dataclass
class _Work:
    """The mutable state while layers are applied."""

    visible: dict[str, bool]
    opacity: dict[str, float | None] = field(default_factory=dict)
    colour: dict[str, tuple | None] = field(default_factory=dict)
    sticky: dict[str, bool] = field(default_factory=dict)  # highlight set by style rules
    highlight: set[str] = field(default_factory=set)
    compressions: list[CompressionMark] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    overlays: tuple[str, ...] = ()
    variants: dict[str, str] = field(default_factory=dict)
    camera: CameraSpec = field(default_factory=CameraSpec)
    pose: object = None  # the last PoseSpec given (poses carry from step to step until replaced)

    def bring_forward(self, ids) -> None:
        """Show ``ids`` at full opacity (what a step points at must be seen; a later hide wins)."""
        for sid in ids:
            if sid in self.visible:
                self.visible[sid] = True
                if self.opacity.get(sid) == FADE_OPACITY:
                    self.opacity.pop(sid)


# A bone brought in for a tendon brings the bone that joins it to the rest of the limb: the
# talus sits between the leg bones and the foot (no muscle attaches to it in the model).
_BRIDGES = {"calcn": "talus", "toes": "talus"}


def attached_bones(model) -> dict[str, tuple[str, ...]]:
    """Return, for each muscle of ``model``, the bones its path attaches to (by the bodies it spans).

    A muscle's ``bodies`` are the skeleton bodies its path is fixed to; the bones are the
    structures of kind ``bone`` on those bodies (the talus comes with the foot). Cached on
    the model.
    """
    cached = getattr(model, "_attached_bones", None)
    if cached is not None:
        return cached
    on_body: dict[str, list[str]] = {}
    for sid in model.structure_ids:
        info = model.structure(sid)
        if info.kind == "bone" and info.body:
            on_body.setdefault(info.body, []).append(sid)
    out = {}
    for sid in model.structure_ids:
        info = model.structure(sid)
        if info.kind != "muscle":
            continue
        bodies = list(info.bodies)
        for body in info.bodies:
            base, _, suffix = body.rpartition("_")
            if base in _BRIDGES:
                bodies.append(f"{_BRIDGES[base]}_{suffix}")
        out[sid] = tuple(dict.fromkeys(b for body in bodies for b in on_body.get(body, ())))
    try:
        model._attached_bones = out
    except AttributeError:  # a frozen or slotted model: compute each time
        pass
    return out


def _bring_tendon_bones(work: _Work, model) -> None:
    """Show, faded, the hidden bones that a shown muscle's tendons attach to (issue 12).

    Without them the long tendons (the toe flexors and extensors, tibialis posterior, the
    fibulares, the Achilles tendon, the hamstrings below the knee) hang in space.
    """
    attached = attached_bones(model)
    for sid in [s for s, shown in work.visible.items() if shown and s in attached]:
        for bone in attached[sid]:
            if bone in work.visible and not work.visible[bone]:
                work.visible[bone] = True
                work.opacity[bone] = FADE_OPACITY


class _Resolver:
    def __init__(self, scene: Scene, side: str, expand: Expander, model, mirror: bool):
        self.scene, self.side, self.expand, self.model, self.mirror = scene, side, expand, model, mirror
        self.defined: dict[str, Compression] = {}

    def ids(self, names) -> list[str]:
        out: list[str] = []
        for name in names or ():
            out.extend(self.expand(_mirror(name) if self.mirror else name, self.side))
        return list(dict.fromkeys(out))

    def sides(self) -> tuple[str, ...]:
        return ("right", "left") if self.side == "both" else (self.side,)

    def landmark_name(self, name: str, side: str) -> str | None:
        """Return the model's landmark for ``name`` on ``side`` (sided first), or None."""
        name = _mirror(name) if self.mirror else name
        candidates = [name] if name[-2:] in SIDE_SUFFIXES else [f"{name}_{side[0]}", name]
        return next((c for c in candidates if self.model.find_landmark(c) is not None), None)

    def marks(self, comp: Compression) -> list[CompressionMark]:
        if comp.ref is not None:
            comp = self.defined[comp.ref]
        elif comp.id is not None:
            self.defined[comp.id] = comp
        out = []
        for side in self.sides():
            nerves = self.expand(_mirror(comp.nerve) if self.mirror else comp.nerve, side)
            compressors = self.expand(_mirror(comp.compressor) if self.mirror else comp.compressor, side)
            for nerve in nerves[:1]:
                span = comp.at if comp.at is not None else self.project(nerve, comp.between, side)
                if span is None:
                    continue
                out.extend(CompressionMark(c, nerve, span[0], span[1], comp.explanation) for c in compressors)
        return out

    def project(self, nerve: str, between: tuple[str, str], side: str) -> tuple[float, float] | None:
        """Return the fractions along ``nerve`` nearest to the two landmarks."""
        try:
            path = self.model.centreline(nerve)
        except KeyError:
            log.warning("no centreline for %s: compression between %s not drawn", nerve, between)
            return None
        names = [self.landmark_name(name, side) for name in between]
        if len(path) < 2 or None in names:
            log.warning("landmarks %s not in the model: compression on %s not drawn", between, nerve)
            return None
        points = [self.model.landmark(name) for name in names]
        seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
        length = max(float(seg.sum()), 1e-9)
        arc = np.concatenate([[0.0], np.cumsum(seg)]) / length
        fractions = sorted(float(arc[np.argmin(np.linalg.norm(path - p, axis=1))]) for p in points)
        half = MIN_MARK_MM / 2.0 / length
        if fractions[1] - fractions[0] < 2 * half:  # landmarks project to about one spot: mark a short span
            mid = (fractions[0] + fractions[1]) / 2.0
            fractions = [max(0.0, mid - half), min(1.0, mid + half)]
        return fractions[0], fractions[1]

    def apply(self, work: _Work, layer: Changes, base: bool) -> None:
        if layer.show is not None:
            shown = self.ids(layer.show)
            if base:
                work.visible = dict.fromkeys(work.visible, False)
            for sid in shown:
                work.visible[sid] = True
                work.opacity.pop(sid, None)
        if layer.isolate is not None:
            keep = set(self.ids(layer.isolate.structures))
            for sid in work.visible:
                if sid in keep:
                    work.visible[sid] = True
                elif layer.isolate.others == "hide":
                    work.visible[sid] = False
                elif work.visible[sid]:
                    work.opacity[sid] = FADE_OPACITY
        for sid in self.ids(layer.hide):
            work.visible[sid] = False
        for sid in self.ids(layer.fade):
            work.visible[sid] = True
            work.opacity[sid] = FADE_OPACITY
        for rule in layer.styles or ():
            for sid in self.ids(rule.structures):
                if rule.colour is not None:
                    work.colour[sid] = rule.colour
                if rule.opacity is not None:
                    work.opacity[sid] = rule.opacity
                if rule.highlight is not None:
                    work.sticky[sid] = rule.highlight
                if rule.visible is not None:
                    work.visible[sid] = rule.visible
        if layer.highlight is not None:
            work.highlight = set(self.ids(layer.highlight))
            work.bring_forward(work.highlight)
        if layer.compressions is not None:
            work.compressions = [m for comp in layer.compressions for m in self.marks(comp)]
            work.bring_forward({sid for m in work.compressions for sid in (m.compressor, m.nerve)})
        if layer.labels is not None:
            work.labels = [lab for label in layer.labels if (lab := self.label(label.text, label.anchor))]
        if layer.overlays is not None:
            work.overlays = tuple(layer.overlays)
        if layer.variants is not None:
            work.variants.update(layer.variants)
        if getattr(layer, "pose", None) is not None:
            work.pose = layer.pose
        if layer.camera is not None:
            cam = layer.camera
            frame = tuple(self.ids(getattr(cam, "frame", None) or ()))
            flip = (lambda v: None if v is None else (-v[0], v[1], v[2])) if self.mirror else (lambda v: v)
            # an explicit camera of a one-sided scene shown on the other side is mirrored with it
            work.camera = CameraSpec(view=cam.view, position=flip(cam.position), focal_point=flip(cam.focal_point),
                                     up=flip(cam.up), zoom=cam.zoom, frame=frame)

    def label(self, text: str, anchor: str) -> Label | None:
        side = "right" if self.side == "both" else self.side
        ids = self.ids([anchor])
        landmark = self.landmark_name(anchor, side)
        if landmark is not None and not ids:  # a name that is a structure too labels the structure
            return Label(text, landmark)
        preferred = [sid for sid in ids if side_of(sid) in (side, "midline")] or ids
        if not preferred:
            log.warning("label '%s': anchor %s has no mesh in the model", text, anchor)
            return None
        return Label(text, preferred[0])


def _step_index(scene: Scene, step: int | str) -> int:
    ids = [s.id for s in scene.steps]
    if isinstance(step, str) and not step.isdigit():
        if step in ids:
            return ids.index(step) + 1
        known = ", ".join(i for i in ids if i) or "none (steps have no ids)"
        raise SceneError.single(scene.path or scene.id, f"scene '{scene.id}' has no step '{step}'",
                                f"use a step number 0..{len(scene.steps)} or a step id: {known}")
    index = int(step)
    if not 0 <= index <= len(scene.steps):
        raise SceneError.single(scene.path or scene.id, f"scene '{scene.id}' has no step {index}",
                                f"use a step from 0 (the scene itself) to {len(scene.steps)}")
    return index


def resolve_state(scene: Scene, step: int | str = 0, side: str | None = None,
                  knowledge=None, model=None, pose_amount: float | None = None) -> SceneState:
    """Return what to draw for ``scene`` at ``step``.

    Parameters
    ----------
    scene : Scene
        A validated scene.
    step : int or str
        0 for the scene itself, ``k`` for the state after steps 1..k, or a step id.
    side : {'left', 'right', 'both'}, optional
        Overrides the scene's side; a one-sided scene shown on the other side is
        mirrored (``piriformis_r`` becomes ``piriformis_l``).
    knowledge : Knowledge, optional
        Expands group and base names (default: the bundled knowledge base).
    model : AnatomyModel, optional
        Meshes, centrelines, landmarks, variants (default: the bundled model).
    pose_amount : float, optional
        How far into the step's named pose (0 start .. 1 full), overriding the scene's
        ``amount`` (the window's pose slider).

    Raises
    ------
    SceneError
        When ``step`` or ``side`` do not exist.
    """
    if side is not None and side not in SIDES:
        raise SceneError.single(scene.path or scene.id, f"unknown side '{side}'", "use left, right or both")
    index = _step_index(scene, step)
    resolver, work, side = _work_at(scene, index, side, knowledge, model, pose_amount)
    return _finish(scene, index, work, side, resolver)


def resolve_pose_at(scene: Scene, step: int | str, side: str | None = None, knowledge=None, model=None,
                    pose_amount: float | None = None):
    """Return only the pose of ``scene`` at ``step`` (a ResolvedPose, or None): what a slider drag draws.

    The same pose :func:`resolve_state` puts in its state (mirrored alike), without the
    length colours and narration (a few ms of each drag frame).
    """
    from sciatic_atlas.scenes.pose_state import resolve_spec

    resolver, work, _ = _work_at(scene, _step_index(scene, step), side, knowledge, model, pose_amount)
    return None if work.pose is None else resolve_spec(resolver.model, work.pose, resolver.mirror)


def _work_at(scene: Scene, index: int, side: str | None, knowledge, model, pose_amount: float | None):
    """Return the resolver, the work state after steps 1..``index`` and the side (the pose at ``pose_amount``)."""
    resolver, work, side = _start(scene, side, knowledge, model)
    look = _base_look(work)
    for layer in scene.steps[:index]:
        _apply_step(resolver, work, layer, look)
    if pose_amount is not None and work.pose is not None:
        work.pose = work.pose.model_copy(update={"amount": min(max(float(pose_amount), 0.0), 1.0)})
    return resolver, work, side


def resolve_states(scene: Scene, side: str | None = None, knowledge=None, model=None):
    """Yield the state of ``scene`` at every step, 0..N, in one pass (linear in the step count).

    Each yielded state equals ``resolve_state(scene, k, side, ...)``.
    """
    if side is not None and side not in SIDES:
        raise SceneError.single(scene.path or scene.id, f"unknown side '{side}'", "use left, right or both")
    resolver, work, side = _start(scene, side, knowledge, model)
    look = _base_look(work)
    yield _finish(scene, 0, _snapshot(work), side, resolver)
    for index, layer in enumerate(scene.steps, 1):
        _apply_step(resolver, work, layer, look)
        yield _finish(scene, index, _snapshot(work), side, resolver)


def _snapshot(work: _Work) -> _Work:
    """Return a copy of ``work`` that :func:`_finish` may change (it changes visibility and opacity)."""
    return replace(work, visible=dict(work.visible), opacity=dict(work.opacity))


def _start(scene: Scene, side: str | None, knowledge, model) -> tuple[_Resolver, _Work, str]:
    """Return the resolver and the work state after the base scene."""
    knowledge, model = _load_defaults(knowledge, model)
    side = side or scene.side
    mirror = {scene.side, side} == {"left", "right"}
    resolver = _Resolver(scene, side, Expander(knowledge, model), model, mirror)
    _, variant_only, _ = variant_options(model)
    universe = [sid for sid in model.structure_ids if sid not in variant_only]
    work = _Work(visible={sid: not hidden_by_default(sid) for sid in universe})
    resolver.apply(work, scene, base=True)
    return resolver, work, side


def _base_look(work: _Work) -> tuple[dict, dict, dict]:
    """Return the base scene's opacity, colour and style-rule highlights (copied)."""
    return dict(work.opacity), dict(work.colour), dict(work.sticky)


def _apply_step(resolver: _Resolver, work: _Work, layer, look: tuple[dict, dict, dict]) -> None:
    """Apply one step: what is shown accumulates, but its look starts from the base scene's.

    Each step states its full look: opacity, colour and style-rule highlights are the base
    scene's plus this step's own, never a carried-over fade of an earlier step.
    """
    work.opacity, work.colour, work.sticky = (dict(part) for part in look)
    resolver.apply(work, layer, base=False)


def _finish(scene: Scene, index: int, work: _Work, side: str, resolver: _Resolver | None = None) -> SceneState:
    """Turn the work state after step ``index`` into the state drawn (changes ``work``)."""
    current = scene.steps[index - 1] if index else None
    if work.overlays and current is not None:
        # A step that paints the skin shows the skin, which covers everything under it: the
        # highlights and marks of earlier steps are not carried into it (a carried label is
        # reported by scenes.checks.hidden_label_warnings, and by the frame report).
        if current.highlight is None:
            work.highlight = set()
        if current.compressions is None:
            work.compressions = []
    if resolver is not None:
        _bring_tendon_bones(work, resolver.model)
    highlighted = {sid for sid, shown in work.visible.items()
                   if shown and (sid in work.highlight or work.sticky.get(sid))}
    if side != "both" and scene.other_side != "show":
        for sid in work.visible:
            if side_of(sid) not in ("midline", side):
                if scene.other_side == "hide":
                    work.visible[sid] = False
                else:
                    work.opacity[sid] = FADE_OPACITY
    if work.overlays and "skin" in work.visible:
        work.visible["skin"] = True  # a pain map is painted on the skin: it is shown with it
    text = scene.narration if current is None else current.text
    pose, key, pose_colours = None, None, {}
    if work.pose is not None and resolver is not None:
        pose, key, pose_colours, text = _posed(resolver, work, text)
    styles = {sid: StructureStyle(colour=work.colour.get(sid) or pose_colours.get(sid), opacity=work.opacity.get(sid),
                                  visible=visible, highlight=sid in highlighted)
              for sid, visible in work.visible.items()}
    return SceneState(
        styles=styles, camera=work.camera, side=side, overlays=work.overlays,
        compressions=tuple(work.compressions), labels=tuple(work.labels), variants=dict(work.variants),
        title=scene.title if current is None else f"{scene.title} — {current.title}",
        text=text, pose=pose, colour_key=key,
    )


def _posed(resolver: _Resolver, work: _Work, text: str):
    """Return the pose, colour key, length colours and narration of a posed step."""
    from sciatic_atlas.anatomy.errors import AtlasDataError
    from sciatic_atlas.scenes.pose_state import pose_result, resolve_spec

    scene = resolver.scene
    try:
        resolved = resolve_spec(resolver.model, work.pose, resolver.mirror)
    except AtlasDataError as exc:
        raise SceneError.single(scene.path or scene.id, f"pose: {exc}",
                                "name joints as sciatic_atlas/data/poses.yaml does (e.g. hip_flexion_r)") from None
    if resolved is None:
        return None, None, {}, text
    visible = {sid for sid, shown in work.visible.items() if shown}
    result = pose_result(resolver.model, resolved, visible, work.pose.colour_by_length, resolver.mirror)
    return resolved, result.key, result.colours, " ".join(t for t in (text, result.text) if t)
