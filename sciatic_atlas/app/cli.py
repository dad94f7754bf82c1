"""The ``sciatic-atlas`` command line: one sub-command module each in ``commands/``.

Every sub-command module has ``add_parser(subparsers)`` and ``run(args) -> int``.
Errors that a user can fix (a broken scene, a missing asset, a wrong name) are
printed as one clear message and exit with status 2; no traceback reaches them.
With no sub-command the window opens.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from sciatic_atlas import __version__

# Sub-command name -> module in sciatic_atlas.app.commands; imported only when used.
COMMANDS = {
    "build-assets": "build_assets",
    "render": "render",
    "describe": "describe",
    "validate": "validate",
    "schema": "schema",
    "scenes": "scenes",
    "window": "window",
    "sources": "sources",
    "handout": "handout",
}


class UserError(Exception):
    """An error whose message is meant for the user as it stands."""


def _user_error_types() -> tuple[type[BaseException], ...]:
    from sciatic_atlas.anatomy.errors import AtlasDataError, UnknownStructureError
    from sciatic_atlas.fileio import WriteError

    types: list[type[BaseException]] = [UserError, AtlasDataError, UnknownStructureError, WriteError]
    try:
        from sciatic_atlas.scenes.errors import SceneError
    except ImportError:  # the scenes layer is optional until it exists
        pass
    else:
        types.append(SceneError)
    return tuple(types)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="sciatic-atlas",
        description="Interactive 3D teaching atlas of the sciatic nerve. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in COMMANDS.items():
        try:
            mod = importlib.import_module(f"sciatic_atlas.app.commands.{module}")
        except ModuleNotFoundError as exc:
            if exc.name != f"sciatic_atlas.app.commands.{module}":
                raise
            continue
        mod.add_parser(sub, name)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # No sub-command (only window options, if any): open the window.
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version", "-v", "--verbose"):
        if "window" in parser._subparsers._group_actions[0].choices:  # type: ignore[union-attr]
            argv = ["window", *argv]
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except _user_error_types() as exc:
        print(f"sciatic-atlas {args.command}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the last guard: a bug, said in one line, details in the log
        return _internal_error(args.command, exc)


def _internal_error(command: str, exc: Exception) -> int:
    """Log the traceback of an unexpected error to the log file and tell the user in one line."""
    from sciatic_atlas.app.log_file import log_exception_to_file

    path = log_exception_to_file(f"sciatic-atlas {command} failed", exc)
    where = (f"the details were written to {path}; please attach that file to a bug report" if path is not None
             else "run it again with -v for details")
    print(f"sciatic-atlas {command}: internal error ({type(exc).__name__}: {str(exc)[:200]}); {where}.",
          file=sys.stderr)
    return 3
