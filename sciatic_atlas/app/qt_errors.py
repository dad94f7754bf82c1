"""No traceback reaches the user: errors become a dialog with a plain message, and a log entry.

:func:`install_excepthook` replaces ``sys.excepthook`` while the window runs. Errors
the user can fix (a broken data or scene file) show their message as it is; any
other error says what failed and where the details were logged.
"""

from __future__ import annotations

import logging
import sys

from sciatic_atlas.app.log_file import log_path, log_to_file

log = logging.getLogger(__name__)


def user_message(exc: BaseException) -> str:
    """Return what to tell the user about ``exc`` (no traceback)."""
    from sciatic_atlas.app.cli import _user_error_types

    if isinstance(exc, _user_error_types()):
        return str(exc)
    return (f"Something went wrong: {type(exc).__name__}: {exc}\n\n"
            f"The program carries on. The details were written to {log_path()}; "
            "please attach that file to a bug report.")


def show_error(parent, exc: BaseException, title: str = "Sciatic Atlas") -> None:
    """Show ``exc`` to the user in a dialog (never its traceback)."""
    from PyQt5 import QtWidgets

    box = QtWidgets.QMessageBox(QtWidgets.QMessageBox.Warning, title, user_message(exc),
                                QtWidgets.QMessageBox.Ok, parent)
    box.open()  # not exec_(): the window keeps running, and tests are not blocked


def install_excepthook(parent_getter=lambda: None):
    """Route uncaught exceptions to the log and a dialog; return the previous hook.

    Parameters
    ----------
    parent_getter : callable
        Returns the widget to parent the dialog to (the main window), or None.
    """
    previous = sys.excepthook
    log_to_file()

    def hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        log.error("uncaught error", exc_info=(exc_type, exc, tb))
        try:
            show_error(parent_getter(), exc)
        except Exception:  # the dialog itself failed (no QApplication): the log has it
            log.exception("could not show the error dialog")

    sys.excepthook = hook
    return previous
