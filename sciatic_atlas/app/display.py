"""Whether the window can open: a display to draw on, checked before Qt is loaded.

Qt aborts the whole process (with a core dump) when its xcb platform finds no X
server, so the window command asks first, the way Qt itself would connect, and
turns a missing display into one line for the user.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

#: What the user can do instead; printed with every "no display" message.
HEADLESS_HINT = "`sciatic-atlas render -o out.png` draws pictures without one"


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Return why no window can be opened here, or None when a display is reachable.

    Parameters
    ----------
    environ : dict, optional
        The environment to read (default: ``os.environ``).

    Returns
    -------
    str or None
        A sentence naming the missing display, or None.
    """
    env = os.environ if environ is None else environ
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if platform and platform != "xcb":
        return None  # offscreen, wayland, eglfs, ...: Qt reports its own problems
    if not sys.platform.startswith("linux"):
        return None  # Windows and macOS always have their native platform
    display = env.get("DISPLAY", "")
    if not display:
        return "there is no display to open the window on (DISPLAY is not set)"
    if not _x_server_answers(display):
        return f"there is no display to open the window on (no X server answers at DISPLAY={display})"
    return None


def _x_server_answers(display: str) -> bool:
    """Connect to the X server ``display`` with libxcb, as Qt would; True if it answers."""
    name = ctypes.util.find_library("xcb")
    if name is None:
        return True  # cannot probe: let Qt try (its own error names the missing library)
    try:
        xcb = ctypes.CDLL(name)
    except OSError:
        return True
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    conn = xcb.xcb_connect(display.encode(), None)
    try:
        return conn is not None and xcb.xcb_connection_has_error(conn) == 0
    finally:
        if conn is not None:
            xcb.xcb_disconnect(conn)
