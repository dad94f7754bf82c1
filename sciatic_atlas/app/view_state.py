"""What the user has chosen in the window: a plain observable object, no Qt.

:class:`ViewState` holds the open scene and step, the patient's side, the
selected structure, the user's own visibility/opacity changes, the peel depth,
the named view and the presentation settings. Widgets bind to it in both
directions (STYLE.md section 3): a widget calls a setter; the state emits
``<name>`` with the new value and every bound widget updates itself.

The state does no drawing and no loading; :mod:`sciatic_atlas.app.session`
turns it into a :class:`~sciatic_atlas.scenes.state.SceneState` for the renderer.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

SIDES = ("both", "right", "left")
BACKGROUNDS = ("light", "dark")

# Events a ViewState emits, with the payload each carries.
EVENTS = {
    "scene": "scene id or None",
    "step": "step index (int)",
    "side": "'both' | 'right' | 'left'",
    "selected": "structure id or None",
    "hovered": "structure id or None",
    "overrides": "None: visibility / opacity / isolation changed",
    "peel": "peel depth (int)",
    "view": "named view or None",
    "present": "bool",
    "background": "'light' | 'dark'",
    "pose_amount": "how far into the step's named pose (0..1), or None: the scene's own",
}


class ViewState:
    """The user's choices in the window, observable by name.

    Examples
    --------
    >>> state = ViewState()
    >>> seen = []
    >>> state.connect("side", seen.append)
    >>> state.set_side("left")
    >>> seen
    ['left']
    """

    def __init__(self) -> None:
        self._callbacks: dict[str, list[Callable]] = defaultdict(list)
        self.scene_id: str | None = None
        self.step = 0
        self.side = "both"
        self.selected: str | None = None
        self.hovered: str | None = None
        self.visibility: dict[str, bool] = {}  # the user's show/hide, over the scene's
        self.opacity: dict[str, float] = {}
        self.isolated: frozenset[str] | None = None
        self.peel = 0
        self.view: str | None = None
        self.present = False
        self.background = "light"
        self.pose_amount: float | None = None  # the pose slider's amount (None: the step's own)

    # -- observer ---------------------------------------------------------------------------
    def connect(self, name: str, callback: Callable) -> None:
        """Call ``callback(value)`` whenever event ``name`` is emitted."""
        if name not in EVENTS:
            raise KeyError(f"unknown ViewState event '{name}' (valid: {', '.join(EVENTS)})")
        self._callbacks[name].append(callback)

    def disconnect(self, name: str, callback: Callable) -> None:
        """Stop calling ``callback`` for event ``name``."""
        self._callbacks[name].remove(callback)

    def _emit(self, name: str, value) -> None:
        for callback in list(self._callbacks[name]):
            callback(value)

    # -- scene and step -----------------------------------------------------------------------
    def open_scene(self, scene_id: str | None, step: int = 0) -> None:
        """Open a scene (``None``: free exploring) at ``step``; start clean.

        The user's overrides and the selection are dropped without events of their
        own: listeners of ``scene`` read :attr:`selected` (now None) with the rest.
        """
        self.scene_id = scene_id
        self.step = max(0, int(step))
        self.view = None
        self._clear_overrides()
        self.selected = None
        self.pose_amount = None
        self._emit("scene", scene_id)

    def set_step(self, step: int) -> None:
        """Go to ``step`` of the open scene; the scene's own styling takes over again.

        The selection's highlight would override the step's styles: it is dropped too
        (quietly, as in :meth:`open_scene`).
        """
        step = max(0, int(step))
        if step == self.step:
            return
        self.step = step
        self.view = None
        self._clear_overrides()
        self.selected = None
        self.pose_amount = None  # each step starts at its own pose
        self._emit("step", step)

    def set_pose_amount(self, amount: float | None) -> None:
        """Show the step's named pose ``amount`` (0 start .. 1 full) of the way; None: the step's own."""
        amount = None if amount is None else min(1.0, max(0.0, float(amount)))
        if amount != self.pose_amount:
            self.pose_amount = amount
            self._emit("pose_amount", amount)

    # -- side, view, peel -------------------------------------------------------------------------
    def set_side(self, side: str) -> None:
        """Show the patient's ``'left'``, ``'right'`` or ``'both'`` sides."""
        if side not in SIDES:
            raise ValueError(f"unknown side '{side}' (valid: {', '.join(SIDES)})")
        if side != self.side:
            self.side = side
            self._emit("side", side)

    def set_view(self, view: str | None) -> None:
        """Look from the named view (``None``: the scene's own camera)."""
        self.view = view
        self._emit("view", view)

    def set_peel(self, depth: int) -> None:
        """Peel away the outer ``depth`` layers (0 shows everything)."""
        depth = max(0, int(depth))
        if depth != self.peel:
            self.peel = depth
            self._emit("peel", depth)

    # -- selection ------------------------------------------------------------------------------
    def select(self, structure_id: str | None) -> None:
        """Select (highlight and describe) one structure, or nothing."""
        if structure_id != self.selected:
            self.selected = structure_id
            self._emit("selected", structure_id)

    def hover(self, structure_id: str | None) -> None:
        """Note the structure under the mouse pointer (shown by name only)."""
        if structure_id != self.hovered:
            self.hovered = structure_id
            self._emit("hovered", structure_id)

    # -- the user's visibility and opacity ------------------------------------------------------------
    def set_visible(self, structure_ids: Iterable[str], visible: bool) -> None:
        """Show or hide structures, whatever the scene says about them."""
        for sid in structure_ids:
            self.visibility[sid] = bool(visible)
        self._emit("overrides", None)

    def set_opacity(self, structure_ids: Iterable[str], opacity: float) -> None:
        """Set the opacity (0..1) of structures, overriding the scene's."""
        opacity = min(1.0, max(0.0, float(opacity)))
        for sid in structure_ids:
            self.opacity[sid] = opacity
        self._emit("overrides", None)

    def isolate(self, structure_ids: Iterable[str] | None) -> None:
        """Show only ``structure_ids`` (``None`` ends isolation)."""
        self.isolated = None if structure_ids is None else frozenset(structure_ids)
        if self.isolated is not None:
            self.visibility = {sid: v for sid, v in self.visibility.items() if sid not in self.isolated}
        self._emit("overrides", None)

    def reset_overrides(self) -> None:
        """Drop every user change of visibility, opacity, isolation and peel.

        Emits one event, so listeners that redraw on both do it once: ``peel`` when the
        peel depth changed (its listeners also redraw), else ``overrides``.
        """
        peeled = self.peel != 0
        self._clear_overrides()
        if peeled:
            self._emit("peel", 0)
        else:
            self._emit("overrides", None)

    def _clear_overrides(self) -> None:
        self.visibility = {}
        self.opacity = {}
        self.isolated = None
        self.peel = 0

    # -- presentation -----------------------------------------------------------------------------
    def set_present(self, present: bool) -> None:
        """Enter or leave presentation mode (full screen, panels hidden, large type)."""
        present = bool(present)
        if present != self.present:
            self.present = present
            self._emit("present", present)

    def set_background(self, background: str) -> None:
        """Use a ``'light'`` or ``'dark'`` background."""
        if background not in BACKGROUNDS:
            raise ValueError(f"unknown background '{background}' (valid: {', '.join(BACKGROUNDS)})")
        if background != self.background:
            self.background = background
            self._emit("background", background)
