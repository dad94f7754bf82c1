"""One 3D view of the atlas: a plotter and everything drawn on it, kept per view (no Qt).

:class:`AtlasView` is the one way from a scene state to pixels. The headless
``render`` command (:func:`sciatic_atlas.render.offscreen.render_png`) and the window
(:class:`sciatic_atlas.app.qt_viewport.QtViewport`) each draw through one. A view owns
what belongs to it alone: the plotter it was handed (and closes), the
:class:`~sciatic_atlas.render.structure_actor.StructureActor` dict keyed by structure
id, the text scale, the overlay legend's rows, the labels waiting for a camera and the
frame quality. None of this lives in module globals or on VTK objects, so two views
never share a setting (issue 10, item 8).
"""

from __future__ import annotations

from dataclasses import dataclass

from sciatic_atlas.render import labels, marks, posing, quality
from sciatic_atlas.render.apply import apply_overlays, place_camera, place_labels, shown_compressions, wanted_styles
from sciatic_atlas.render.appearance import default_look, styled_look
from sciatic_atlas.render.structure_actor import StructureActor, surface
from sciatic_atlas.scenes.state import CameraSpec, SceneState


@dataclass(frozen=True)
class _Labelled:
    """The state's labels, and the camera and picture size they were placed for (None: not placed yet)."""

    wanted: tuple
    bands: tuple[float, float]  # fractions of the image height (top, bottom) kept free for text
    camera: tuple | None


def _camera_key(plotter) -> tuple:
    camera = plotter.renderer.GetActiveCamera()
    values = (*camera.GetPosition(), *camera.GetFocalPoint(), *camera.GetViewUp(), camera.GetViewAngle(),
              camera.GetParallelScale(), *plotter.window_size)
    return tuple(round(float(v), 3) for v in values)


LABEL_PREFIX = marks.PREFIX + "label:"


class AtlasView:
    """Draw scene states on one plotter and keep what was drawn there.

    Parameters
    ----------
    plotter : pyvista.Plotter or pyvistaqt.QtInteractor
        A plotter this class did not create: an offscreen ``pv.Plotter`` (tests, the
        command line) or the window's ``QtInteractor``. The view closes it
        (:meth:`close`).
    model : AnatomyModel
        The built model providing meshes, centrelines, landmarks and variants.
    """

    def __init__(self, plotter, model):
        self.plotter = plotter
        self.model = model
        self.actors: dict[str, StructureActor] = {}
        self.text_scale = 1.0  # text drawn in the view: 1 normal, larger when presenting
        self.quality = quality.FrameQuality(plotter, self.actors)
        self._prepared = False  # depth peeling, anti-aliasing and lights set (once: it replaces the lights)
        self._legend_rows: list = []  # the overlay legend now drawn, drawn again at a new size
        self._labelled: _Labelled | None = None
        self.placed_labels: list = []  # the labels drawn now, with their anchor pixels and boxes
        self.mark_owners: dict[str, str] = {}  # decoration actor name -> the structure a click on it picks
        # The labels' ID pass is drawn this many times smaller (the window: 2, a quarter of the
        # pixels; saved pictures, reports and the audit measure at full size).
        self.id_scale = 1
        self.posed = None  # the PosedModel drawn (None: standing)
        self.geometry = model  # the model as the pose shows it: what marks, labels and framing read
        self._pose_extras: tuple = (None, None)  # (rests_on or None without a floor, colour key) drawn

    @property
    def closed(self) -> bool:
        """True once the plotter is closed (by :meth:`close`, or by its Qt widget on quit)."""
        return self.plotter._closed  # PyVista's own flag; it has no public one

    def __enter__(self) -> "AtlasView":
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def apply_state(self, state: SceneState, *, camera: bool = True, render: bool = True,
                    labels_now: bool = True) -> list:
        """Make the view show ``state``: compare, remove, add, restyle, decorate, render once.

        Parameters
        ----------
        state : SceneState
            What to draw (styles by structure id, camera, side, marks, labels, overlays...).
        camera : bool
            Set the camera from ``state.camera`` (False keeps the user's camera; the
            labels are then placed again by the next :meth:`apply_camera`).
        render : bool
            Render once at the end.
        labels_now : bool
            Place the labels for the camera as it is. False when the caller sets the camera
            next (:meth:`apply_camera` places them then): one ID pass per change, not two
            (issue 11: about 0.1 s of each scene step in the window).

        Returns
        -------
        list of PlacedLabel
            The state's labels with their anchor pixels and boxes (a label whose structure
            is not visible has none, and a reason).
        """
        plotter, model, actors = self.plotter, self.model, self.actors
        if not self._prepared:
            quality.prepare_plotter(plotter)
            self._prepared = True
        self._set_posed(state.pose)
        geometry = self.geometry
        styles, replaced = wanted_styles(model, state)
        for sid in actors.keys() - styles.keys():
            actors.pop(sid).detach(plotter)
        present = set(plotter.renderer.actors)  # once, not once per added actor
        for sid, style in styles.items():
            look = styled_look(default_look(model, sid), style)
            if sid in actors:
                actors[sid].set_look(look)
            elif look.visible:  # hidden structures get an actor only once they are shown
                actors[sid] = StructureActor.attach(plotter, sid, surface(model, sid), look,
                                                    replace_existing=sid in present)
        posing.pose_actors(model, actors, self.posed)
        quality.set_background(plotter, state.background)
        old = marks.decoration_names(plotter)
        compressions = shown_compressions(state)
        drawn = marks.draw_compressions(plotter, geometry, compressions, replaced)
        self._pose_extras = (self._floor_bodies(state.pose), state.colour_key)
        drawn |= self._draw_pose_extras(quality.is_dark(state.background))
        self.mark_owners = {name: sid for name, sid in marks.band_owners(compressions).items() if name in drawn}
        drawn |= marks.draw_text(plotter, state.title, state.text, quality.is_dark(state.background),
                                 self.text_scale)
        drawn |= marks.draw_outlines(plotter, actors)
        self._legend_rows = apply_overlays(plotter, model, state.overlays, actors, state.side, self.text_scale,
                                           marks.compression_legend(compressions), self.posed)
        bands = marks.text_bands(plotter, state.title, state.text, self.text_scale)
        self._labelled, self.placed_labels = None, []
        if camera:
            place_camera(plotter, state.camera, state.side, actors, bands, geometry, posed=self.is_posed)
        placed = []
        if state.labels:
            if labels_now or camera:
                placed = self._place_labels(tuple(state.labels), bands)
                drawn |= labels.draw(plotter, placed, self.label_font_px, marks.PREFIX)
            else:  # placed by the apply_camera the caller makes next
                self._labelled = _Labelled(tuple(state.labels), bands, None)
        marks.remove_decorations(plotter, old - drawn)
        if render:
            plotter.render()
        return placed

    @property
    def is_posed(self) -> bool:
        """True when the drawn body is not standing."""
        return self.posed is not None and not self.posed.is_neutral

    def _set_posed(self, resolved) -> None:
        from sciatic_atlas.anatomy.posed import posed_model

        self.posed = None if resolved is None else posed_model(self.model, resolved)
        self.geometry = self.model if self.posed is None else self.posed.as_model()

    @staticmethod
    def _floor_bodies(resolved):
        """Return what the floor rests on: None for no floor, () for the whole body."""
        if resolved is None or not resolved.floor:
            return None
        return tuple(resolved.rests_on)

    def _draw_pose_extras(self, dark: bool) -> set[str]:
        drawn = set()
        rests_on, key = self._pose_extras
        floor, colour_key = marks.PREFIX + posing.FLOOR, marks.PREFIX + posing.COLOUR_KEY
        if rests_on is not None and posing.draw_floor(self.plotter, self.posed, rests_on, self.actors, floor):
            drawn.add(floor)
        if posing.draw_colour_key(self.plotter, key, colour_key, self.label_font_px, dark):
            drawn.add(colour_key)
        return drawn

    def set_pose(self, resolved, coarse_only: bool = False, render: bool = True) -> None:
        """Move the drawn structures into ``resolved`` (a pose slider): no restyle, no new camera.

        ``coarse_only`` poses just the coarse copies (a drag: the caller draws them); the
        labels are not placed again (call :meth:`refresh_labels` when the drag ends).
        """
        self._set_posed(resolved)
        posing.pose_actors(self.model, self.actors, self.posed, coarse_only)
        rests_on, key = self._pose_extras
        self._pose_extras = (self._floor_bodies(resolved) if resolved is not None else rests_on, key)
        if self._pose_extras[0] is not None and self.posed is not None:
            posing.draw_floor(self.plotter, self.posed, self._pose_extras[0], self.actors,
                              marks.PREFIX + posing.FLOOR, quick=coarse_only)
        if self._labelled is not None:  # the structures moved under the labels
            self._labelled = _Labelled(self._labelled.wanted, self._labelled.bands, None)
        if render:
            self.plotter.render()

    def apply_camera(self, spec: CameraSpec, side: str) -> None:
        """Set the camera of ``spec`` framing what is drawn, and place the labels for it (no render).

        Labels of a state applied with ``camera=False`` were placed for the camera before
        this one (or not yet): they are placed for this one (:meth:`refresh_labels`).
        """
        place_camera(self.plotter, spec, side, self.actors, model=self.geometry, posed=self.is_posed)
        self.refresh_labels()

    def _place_labels(self, wanted: tuple, bands: tuple[float, float]) -> list:
        placed = place_labels(self.plotter, self.geometry, wanted, self.actors, bands, self.label_font_px,
                              self.id_scale)
        self._labelled, self.placed_labels = _Labelled(wanted, bands, _camera_key(self.plotter)), placed
        return placed

    def _draw_labels(self, wanted: tuple, bands: tuple[float, float]) -> None:
        plotter = self.plotter
        marks.remove_decorations(plotter, [n for n in plotter.renderer.actors if n.startswith(LABEL_PREFIX)])
        labels.draw(plotter, self._place_labels(wanted, bands), self.label_font_px, marks.PREFIX)

    def labels_fit_camera(self) -> bool:
        """True unless the camera or the picture size changed since the labels were placed."""
        return self._labelled is None or self._labelled.camera == _camera_key(self.plotter)

    def show_labels(self, shown: bool) -> None:
        """Show or hide the structure labels (hidden while the camera moves: they point at where things were)."""
        for name, actor in self.plotter.renderer.actors.items():
            if name.startswith(LABEL_PREFIX):
                actor.SetVisibility(shown)

    def refresh_labels(self) -> bool:
        """Place the labels again if the camera moved since they were placed (no render); True if it did.

        The user's orbit, zoom or a flight to a structure moves what lies under each
        label's anchor: its leader line would point at something else.
        """
        if self.labels_fit_camera():
            return False
        self._draw_labels(self._labelled.wanted, self._labelled.bands)
        return True

    @property
    def label_font_px(self) -> int:
        """Return the label text height in pixels for the view's size and text scale."""
        return marks.font_sizes(self.plotter, self.text_scale)[2]

    def set_text_scale(self, scale: float) -> None:
        """Scale the text drawn in this view (1 normal; larger when presenting).

        The overlay legend is drawn again now; title, narration and labels take it at the
        next :meth:`apply_state`.
        """
        self.text_scale = float(scale)
        self.place_legend()

    def place_legend(self) -> None:
        """Draw the overlay legend again for the view's current pixel size (call on resize; no render)."""
        if self._legend_rows:
            from sciatic_atlas.render.overlays import draw_legend

            draw_legend(self.plotter, self._legend_rows, self.text_scale)

    def screenshot(self):
        """Return the picture now drawn as an RGB(A) array (H, W, 3 or 4; uint8)."""
        return self.plotter.screenshot(None, return_img=True)

    def close(self) -> None:
        """Forget the drawn structures and close the plotter."""
        self.actors.clear()
        self._legend_rows = []
        self._labelled, self.placed_labels = None, []
        self.plotter.close()
