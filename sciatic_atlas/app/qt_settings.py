"""What the window remembers between runs: layout, last scene and step, preferences (QSettings)."""

from __future__ import annotations

from PyQt5 import QtCore

ORGANISATION = "SciaticAtlas"
APPLICATION = "sciatic-atlas"


class Settings:
    """Typed access to the window's :class:`QSettings`.

    Parameters
    ----------
    qsettings : QSettings, optional
        Where to store; tests pass an ini file of their own. Default: the user's
        settings for this application.
    """

    def __init__(self, qsettings: QtCore.QSettings | None = None):
        self.q = qsettings if qsettings is not None else QtCore.QSettings(ORGANISATION, APPLICATION)

    def _get(self, key: str, default, kind):
        value = self.q.value(key, default)
        try:
            return kind(value) if value is not None else default
        except (TypeError, ValueError):
            return default

    # -- layout ----------------------------------------------------------------------------
    def save_window(self, window) -> None:
        """Store the window's geometry and the placement of its panels."""
        self.q.setValue("window/geometry", window.saveGeometry())
        self.q.setValue("window/state", window.saveState())

    def restore_window(self, window) -> bool:
        """Restore geometry and panels; return False when nothing was stored."""
        geometry = self.q.value("window/geometry")
        state = self.q.value("window/state")
        if geometry is None:
            return False
        window.restoreGeometry(geometry)
        if state is not None:
            window.restoreState(state)
        return True

    # -- session and preferences -------------------------------------------------------------
    @property
    def last_scene(self) -> str | None:
        return self._get("session/scene", "", str) or None

    @property
    def last_step(self) -> int:
        return self._get("session/step", 0, int)

    def save_position(self, scene_id: str | None, step: int) -> None:
        """Remember the open scene and step."""
        self.q.setValue("session/scene", scene_id or "")
        self.q.setValue("session/step", int(step))

    @property
    def side(self) -> str:
        side = self._get("prefs/side", "both", str)
        return side if side in ("both", "left", "right") else "both"

    @property
    def background(self) -> str:
        background = self._get("prefs/background", "light", str)
        return background if background in ("light", "dark") else "light"

    def save_preferences(self, side: str, background: str) -> None:
        """Remember the side shown and the background."""
        self.q.setValue("prefs/side", side)
        self.q.setValue("prefs/background", background)

    @property
    def user_scene_paths(self) -> list[str]:
        """The user's own scene files and folders, opened from the window."""
        value = self.q.value("session/user_scenes", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [str(v) for v in (value or [])]

    def save_user_scene_paths(self, paths) -> None:
        """Remember the user's own scene files and folders."""
        self.q.setValue("session/user_scenes", [str(p) for p in paths])

    def sync(self) -> None:
        """Write everything to storage now."""
        self.q.sync()
