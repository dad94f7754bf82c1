"""``sciatic-atlas validate [PATH...]``: check scene files and folders, listing every error."""

from __future__ import annotations

import sys
from pathlib import Path


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="check scene files (default: the scene library)",
                       description="Validate scene files or folders of them. Exit 0 when all are valid, "
                                   "1 with every error listed (file:line:column: what is wrong — the fix).")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="scene files or folders")
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.set_defaults(run=run)


def _files(paths: list[Path]) -> list[Path]:
    from sciatic_atlas.app.cli import UserError
    from sciatic_atlas.scenes.load import scene_files

    if not paths:
        files = scene_files()
        if not files:
            raise UserError("the scene library is empty or missing")
        return files
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = scene_files(path)
            if not found:
                raise UserError(f"no .yaml scene files in {path}")
            files.extend(found)
        else:
            files.append(path)  # a missing file is reported by the loader, with the others
    return files


def _id_position(path: Path) -> tuple[int, int]:
    """Return the line and column of the top-level ``id:`` value (1, 1 when not found)."""
    from sciatic_atlas.scenes.load import read_text
    from sciatic_atlas.scenes.yaml_tree import parse

    try:
        return parse(read_text(path)).position(("id",))
    except Exception:  # noqa: BLE001 - only a position for a message
        return 1, 1


def run(args) -> int:
    from sciatic_atlas.scenes.checks import hidden_label_warnings
    from sciatic_atlas.scenes.errors import SceneError
    from sciatic_atlas.scenes.load import load_scene

    files = _files(args.paths)
    bad = 0
    ids: dict[tuple[Path, str], Path] = {}  # (folder, scene id) -> the first file with it
    for path in files:
        try:
            scene = load_scene(path)
            key = (path.resolve().parent, scene.id)
            if key in ids and ids[key].resolve() != path.resolve():
                raise SceneError.single(path, f"scene id '{scene.id}' is already used by {ids[key]}",
                                        "give every scene of a folder its own id (the library keeps only the first)",
                                        *_id_position(path))
            ids.setdefault(key, path)
        except SceneError as exc:
            bad += 1
            for issue in exc.issues:
                print(issue)
            continue
        if not args.quiet:
            for warning in (*scene.warnings, *hidden_label_warnings(scene)):
                print(warning, file=sys.stderr)
            print(f"ok  {path}  ({scene.id}: {scene.step_count - 1} steps)")
    if not args.quiet or bad:
        print(f"{len(files) - bad} of {len(files)} scene files valid", file=sys.stderr)
    return 1 if bad else 0
