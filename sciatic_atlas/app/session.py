"""Everything the window works on, loaded once, and the frame it should draw (no Qt).

:class:`Session` holds the built model, the knowledge base, the scene library
(with the files that failed to load, and why), the structure catalog and the
search index. :meth:`Session.frame_state` turns the user's
:class:`~sciatic_atlas.app.view_state.ViewState` into the
:class:`~sciatic_atlas.scenes.state.SceneState` the renderer draws.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sciatic_atlas.app.catalog import Catalog
from sciatic_atlas.app.compose import compose
from sciatic_atlas.app.search import SearchEntry, SearchIndex, load_terms
from sciatic_atlas.scenes.state import SceneState

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]  # (percent 0..100, what is being done)


@dataclass(frozen=True)
class SceneSummary:
    """A scene as the browser lists it."""

    id: str
    title: str
    audience: tuple[str, ...]
    n_steps: int  # positions to step through: the opening view plus each step
    summary: str = ""
    own: bool = False  # from the user's own scene file or folder, not the shipped library


def _quiet(_percent: int, _what: str) -> None:
    return None


def _load_knowledge():
    """Return the knowledge base, or None (names from ids) if this install has none."""
    try:
        from sciatic_atlas.anatomy.knowledge import load_knowledge
    except ModuleNotFoundError as exc:
        if exc.name != "sciatic_atlas.anatomy.knowledge":
            raise
        log.warning("no knowledge base in this install: structures are named from their ids")
        return None
    return load_knowledge()


class Session:
    """The model, knowledge and scenes of one window, and what to draw for a view state.

    Parameters
    ----------
    model : AnatomyModel
        The built model.
    knowledge : Knowledge or None
        The knowledge base (names, facts); ``None`` names structures from their ids.
    scenes : dict of str to Scene, optional
        The scene library, by id. ``None`` reads it from ``scenes_folder`` when first
        needed (the window draws its first frame before parsing the library).
    broken : list of SceneError, optional
        Scene files that failed to load, each with every issue found.
    scenes_folder : Path, optional
        Where a deferred library is read from (default: the shipped scenes).
    """

    def __init__(self, model, knowledge, scenes: dict | None = None, broken: list | None = None,
                 scenes_folder: Path | None = None):
        self.model = model
        self.knowledge = knowledge
        self._scenes_folder = scenes_folder
        self._library = None if scenes is None else (dict(scenes), list(broken or []))
        self.catalog = Catalog(model, knowledge)
        self._base: dict[tuple, SceneState] = {}
        self._search: SearchIndex | None = None
        self.user_paths: list[Path] = []  # the user's own scene files and folders, read after the library
        self.user_scene_ids: set[str] = set()

    # -- loading ------------------------------------------------------------------------------
    @classmethod
    def load(cls, progress: Progress = _quiet, scenes_folder: Path | None = None,
             defer_scenes: bool = False) -> Session:
        """Load the model, the knowledge base and the scene library, reporting progress.

        ``defer_scenes`` leaves the scene library (about half a second of YAML parsing)
        to its first use: the window opens on free exploring and lists the scenes
        after its first frame.

        Raises
        ------
        AtlasDataError
            If the model or the knowledge base cannot be read (the message names the fix).
        """
        from sciatic_atlas.anatomy.model import load_model

        progress(5, "Reading the model")
        model = load_model()
        progress(15, "Reading the knowledge base")
        session = cls(model, _load_knowledge(), scenes_folder=scenes_folder)
        if not defer_scenes:
            progress(25, "Reading the scene library")
            session.scenes  # noqa: B018 - reads the library now
        return session

    @property
    def scenes(self) -> dict:
        """The scene library, by id (read on first use)."""
        return self._scene_library()[0]

    @property
    def broken(self) -> list:
        """Scene files that failed to load (read on first use)."""
        return self._scene_library()[1]

    @property
    def scenes_loaded(self) -> bool:
        """True once the scene library has been read."""
        return self._library is not None

    def _scene_library(self) -> tuple[dict, list]:
        if self._library is None:
            self.reload_scenes(self._scenes_folder)
        return self._library

    def reload_scenes(self, scenes_folder: Path | None = None) -> None:
        """Read the scene library again (after a file was fixed)."""
        from sciatic_atlas.scenes.load import load_library

        self._scenes_folder = scenes_folder or self._scenes_folder
        scenes, broken = load_library(self._scenes_folder)
        self.user_scene_ids = set()
        for path in self.user_paths:
            self._read_user_scenes(path, scenes, broken)
        for error in broken:
            log.warning("scene file not loaded: %s", error)
        self._library = (scenes, broken)
        self._base.clear()
        self._search = None

    def open_user_scenes(self, path: Path) -> list[str]:
        """Add a user's own scene file or folder to the library; return the ids it brought.

        The user's scenes are listed after the shipped ones and read again on reload.
        A broken file is listed with its errors, like a broken library file.

        Raises
        ------
        FileNotFoundError
            If ``path`` is neither a scene file nor a folder.
        """
        path = Path(path).expanduser().resolve()
        if not (path.is_dir() or path.is_file()):
            raise FileNotFoundError(f"no scene file or folder '{path}'")
        scenes, broken = self._scene_library()
        if path not in self.user_paths:
            self.user_paths.append(path)
        ids = self._read_user_scenes(path, scenes, broken)
        self._base.clear()
        self._search = None
        return ids

    def _read_user_scenes(self, path: Path, scenes: dict, broken: list) -> list[str]:
        from sciatic_atlas.scenes.errors import SceneError
        from sciatic_atlas.scenes.load import load_library, load_scene

        if path.is_dir():
            found, errors = load_library(path)
        else:
            try:
                scene = load_scene(path)
            except SceneError as exc:
                found, errors = {}, [exc]
            else:
                found, errors = {scene.id: scene}, []
        broken[:] = [e for e in broken if Path(getattr(e, "file", "") or "").resolve().parent != path
                     and Path(getattr(e, "file", "") or "").resolve() != path] + errors
        for sid, scene in found.items():
            if sid in scenes and sid not in self.user_scene_ids:
                log.warning("%s: scene id '%s' is also a library scene; the file's scene is shown", path, sid)
            scenes[sid] = scene
            self.user_scene_ids.add(sid)
        return list(found)

    # -- scenes -------------------------------------------------------------------------------
    def scene_summaries(self) -> list[SceneSummary]:
        """Return every loaded scene, in library order."""
        return [SceneSummary(sid, scene.title, tuple(scene.audience), self.n_steps(sid),
                             getattr(scene, "summary", "") or "", sid in self.user_scene_ids)
                for sid, scene in self.scenes.items()]

    def n_steps(self, scene_id: str | None) -> int:
        """Return how many positions scene ``scene_id`` steps through (1 without steps)."""
        if scene_id is None:
            return 1
        return 1 + len(self.scenes[scene_id].steps)

    def base_state(self, scene_id: str | None, step: int, side: str, view: str = "posterior",
                   pose_amount: float | None = None) -> SceneState:
        """Return the scene's state at ``step`` for ``side`` (cached), or the default state.

        ``pose_amount`` (the pose slider) re-resolves the step that far into its named pose
        (0..1): its length colours and narration follow the amount. Not cached: a slider
        asks for many amounts, each about 5 ms.
        """
        if pose_amount is not None and scene_id is not None:
            from sciatic_atlas.scenes.resolve import resolve_state

            return resolve_state(self.scenes[scene_id], step=step, side=side, knowledge=self.knowledge,
                                 model=self.model, pose_amount=pose_amount)
        key = (scene_id, step, side, None if scene_id else view)
        if key not in self._base:
            if scene_id is None:
                from sciatic_atlas.render.apply import default_state

                self._base[key] = default_state(self.model, view, side)
            else:
                from sciatic_atlas.scenes.resolve import resolve_state

                self._base[key] = resolve_state(self.scenes[scene_id], step=step, side=side,
                                                knowledge=self.knowledge, model=self.model)
        return self._base[key]

    def frame_state(self, view_state) -> SceneState:
        """Return what to draw for ``view_state``: the scene's state with the user's changes."""
        from sciatic_atlas.render.appearance import default_style

        step = min(view_state.step, self.n_steps(view_state.scene_id) - 1)
        base = self.base_state(view_state.scene_id, step, view_state.side, pose_amount=view_state.pose_amount)
        return compose(base, view_state, self.catalog, lambda sid: default_style(self.model, sid))

    def pose_at(self, view_state, amount: float):
        """Return the pose the open step shows ``amount`` (0..1) of the way into its named pose.

        Taken from the step resolved at that amount, so a one-sided scene shown on the
        other side gets its pose mirrored exactly as the final frame does. None when
        the step has no pose.
        """
        step = min(view_state.step, self.n_steps(view_state.scene_id) - 1)
        if view_state.scene_id is None:
            return None
        from sciatic_atlas.scenes.resolve import resolve_pose_at

        return resolve_pose_at(self.scenes[view_state.scene_id], step, view_state.side, knowledge=self.knowledge,
                               model=self.model, pose_amount=amount)

    # -- search -------------------------------------------------------------------------------
    def search_index(self) -> SearchIndex:
        """Return the index of structures, groups and scenes (built once)."""
        if self._search is None:
            terms = load_terms()
            entries = [SearchEntry("structure", sid, entry.label,
                                   (entry.kind, entry.region, *terms.get(("structure", sid), ())))
                       for sid, entry in self.catalog.entries.items() if sid not in self.catalog.variants]
            for gid, group in (getattr(self.knowledge, "groups", None) or {}).items():
                entries.append(SearchEntry("group", gid, getattr(group, "name", gid) or gid))
            for summary in self.scene_summaries():
                entries.append(SearchEntry("scene", summary.id, summary.title,
                                           (*summary.audience, *terms.get(("scene", summary.id), ()))))
            self._search = SearchIndex(entries)
        return self._search

    def group_members(self, group_id: str, side: str = "both") -> list[str]:
        """Return the structures of a knowledge-base group that have meshes."""
        return [sid for sid in self.knowledge.expand(group_id, side) if sid in self.catalog]
