"""Defer heavy modules that are imported at start-up but seldom used.

PyVista imports ``matplotlib.pyplot`` when it starts (for colour maps and colour
cycles); the headless render uses neither, yet pyplot's import is the largest part of
the command's start-up. :func:`defer` registers a stand-in module: ``import`` statements
find it at once, and the first attribute anyone reads from it imports the real module
and hands that attribute over, so code that does use it works unchanged.

(``importlib.util.LazyLoader`` does not help here: the ``import`` statement itself
reads ``__spec__`` of a module found in ``sys.modules``, which loads a lazy module.)
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import types

log = logging.getLogger(__name__)

# Imported by pyvista.plotting at start-up, used only for colour maps and themes.
HEAVY_AND_SELDOM_USED = ("matplotlib.pyplot",)


class _Deferred(types.ModuleType):
    """A stand-in that imports the real module on the first attribute it is asked for."""

    def __getattr__(self, attr: str):
        return getattr(_load(self.__name__), attr)


def _load(name: str) -> types.ModuleType:
    module = sys.modules.get(name)
    if isinstance(module, _Deferred):
        del sys.modules[name]
        log.debug("importing deferred module %s", name)
        module = importlib.import_module(name)
    return module


def defer(*names: str) -> list[str]:
    """Register a stand-in for each module in ``names``; return those deferred.

    Modules already imported, or not installed, are left alone.
    """
    deferred = []
    for name in names:
        if name in sys.modules:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            continue
        stand_in = _Deferred(name)
        stand_in.__spec__ = spec  # what the import statement reads: found, and not being initialised
        stand_in.__file__ = spec.origin
        sys.modules[name] = stand_in
        parent, _, child = name.rpartition(".")
        if parent and parent in sys.modules:
            setattr(sys.modules[parent], child, stand_in)
        deferred.append(name)
    return deferred


def loaded(name: str) -> bool:
    """Return whether the real module ``name`` has been imported (not only its stand-in)."""
    return name in sys.modules and not isinstance(sys.modules[name], _Deferred)
