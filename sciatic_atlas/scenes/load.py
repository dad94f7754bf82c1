"""Read scene files: safe YAML, pydantic validation, every error with file, line, column and fix.

``load_scene(path)`` returns a validated :class:`~sciatic_atlas.scenes.model.Scene`
or raises :class:`~sciatic_atlas.scenes.errors.SceneError` listing every problem
of the file at once. ``load_library()`` reads a folder of scenes; a broken file
is reported and does not stop the others.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import fuzz, process

from sciatic_atlas.anatomy.errors import AtlasDataError
from sciatic_atlas.anatomy.paths import scenes_dir
from sciatic_atlas.scenes import model as scene_model
from sciatic_atlas.scenes.errors import SceneError, SceneIssue
from sciatic_atlas.scenes.names import Catalog, default_catalog
from sciatic_atlas.scenes.yaml_tree import Tree, TreeError, parse

log = logging.getLogger(__name__)

MAX_BYTES = 256 * 1024
SUFFIXES = (".yaml", ".yml")


def _all_field_names() -> list[str]:
    names: set[str] = set()
    for obj in vars(scene_model).values():
        if isinstance(obj, type) and issubclass(obj, scene_model.BaseModel) and obj is not scene_model.BaseModel:
            names.update(obj.model_fields)
    return sorted(names)


_FIELDS = _all_field_names()


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "scene"


def _fix_for(err: dict) -> str:
    ctx = err.get("ctx") or {}
    if "fix" in ctx:
        return str(ctx["fix"])
    kind = err["type"]
    loc = err["loc"]
    if kind == "missing":
        return f"add '{loc[-1]}:'" if loc and isinstance(loc[-1], str) else "add the missing value"
    if kind == "extra_forbidden":
        hits = process.extract(str(loc[-1]), _FIELDS, scorer=fuzz.ratio, limit=2, score_cutoff=60)
        hint = f"; did you mean {' or '.join(repr(h[0]) for h in hits)}?" if hits else ""
        return f"remove it{hint}"
    if kind == "string_pattern_mismatch":
        return "use lowercase letters, digits, '_' and '-' only (e.g. piriformis_r)"
    if kind in ("string_too_long", "too_long"):
        return f"shorten it to at most {ctx.get('max_length')} {'characters' if kind.startswith('string') else 'items'}"
    if kind == "string_too_short":
        return "it may not be empty"
    if kind == "too_short":
        return "add the missing entries (see docs/scene-format.md)"
    if kind.startswith(("greater", "less")) or kind == "finite_number":
        return "use a number within the range"
    if kind == "literal_error":
        return f"write one of {ctx.get('expected', 'the allowed values')}"
    if kind.endswith(("_type", "_parsing")):
        what = kind.split("_")[0].replace("dict", "mapping (key: value)").replace("tuple", "list").replace("model", "mapping")
        return f"write a {what} here" + (" (quote text that looks like a number or date)" if what == "string" else "")
    return ""


def _shown(value, how) -> str:
    """Return ``how(value)`` for a message, or words when it cannot be written (a number too long to show)."""
    try:
        return how(value)
    except ValueError:
        return "a value too large to show"


def _message_for(err: dict) -> str:
    loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        msg = f"unknown key '{loc[-1]}'" if loc else msg
        loc = loc[:-1]
    elif err["type"] in ("too_short", "too_long"):
        bound = (err.get("ctx") or {}).get("min_length" if err["type"] == "too_short" else "max_length")
        msg = f"needs {'at least' if err['type'] == 'too_short' else 'at most'} {bound} item(s)"
    elif err["type"] == "string_pattern_mismatch":
        msg = f"{_shown(err.get('input'), str)[:40]!r} is not a valid name"
    elif err["type"] == "literal_error":
        msg = f"{_shown(err.get('input'), str)[:40]!r} is not allowed here"
    elif err["type"].endswith(("_type", "_parsing")):
        shown = _shown(err.get("input"), repr)
        msg = f"{msg}, got {shown[:40]}{'...' if len(shown) > 40 else ''}"
    return f"{_dotted(loc)}: {msg[:1].lower()}{msg[1:]}"


def _issues_from_validation(exc: ValidationError, tree: Tree, file: str) -> list[SceneIssue]:
    issues = []
    errors = exc.errors(include_url=False)
    item_errors = {tuple(e["loc"][:-1]) for e in errors if e["loc"] and isinstance(e["loc"][-1], int)}
    for err in errors:
        loc = tuple(p for p in err["loc"] if isinstance(p, (str, int)))
        if err["type"] == "too_short" and tuple(err["loc"]) in item_errors:
            continue  # "no valid items left": the item errors say why
        line, col = tree.position(loc, key=err["type"] == "extra_forbidden")
        issues.append(SceneIssue(file, line, col, _message_for(err), _fix_for(err)))
    return issues


def _cross_check(scene: scene_model.Scene, tree: Tree, file: str, folder: Path) -> list[SceneIssue]:
    """Check references between parts of a valid scene (step ids, compression refs, notes file)."""
    issues = []

    def issue(loc, message, fix):
        issues.append(SceneIssue(file, *tree.position(loc), message, fix))

    seen_steps: dict[str, int] = {}
    for index, step in enumerate(scene.steps):
        if step.id is not None:
            if step.id in seen_steps:
                issue(("steps", index, "id"), f"step id '{step.id}' is used twice (also step {seen_steps[step.id] + 1})",
                      "give every step its own id")
            seen_steps.setdefault(step.id, index)
    defined: dict[str, tuple] = {}
    layers = [((), scene)] + [(("steps", i), s) for i, s in enumerate(scene.steps)]
    for prefix, layer in layers:
        for j, comp in enumerate(layer.compressions or ()):
            loc = (*prefix, "compressions", j)
            if comp.ref is not None and comp.ref not in defined:
                known = ", ".join(sorted(defined)) or "none yet"
                issue(loc, f"compression '{comp.ref}' is not defined before this point",
                      f"define it (with an id) in the scene or an earlier step; defined: {known}")
            elif comp.id is not None:
                if comp.id in defined:
                    issue((*loc, "id"), f"compression id '{comp.id}' is defined twice", "refer to it by its id instead")
                defined.setdefault(comp.id, loc)
    notes = scene.metadata.notes_file
    if notes is not None:
        target = (folder / notes).resolve()
        if not target.is_relative_to(folder.resolve()):
            issue(("metadata", "notes_file"), f"notes file '{notes}' leaves the scene folder", "keep it inside the folder")
        elif not target.is_file():
            issue(("metadata", "notes_file"), f"notes file '{notes}' does not exist", f"create it in {folder}")
    return issues


def read_text(path: Path) -> str:
    """Return the text of a scene file, refusing missing, huge or non-UTF-8 files."""
    file = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise SceneError.single(file, "not a file", "give the path of a .yaml scene file")
        if size > MAX_BYTES:
            raise SceneError.single(file, f"file is {size // 1024} KB; scene files are limited to {MAX_BYTES // 1024} KB",
                                    "split it into several scenes", 1, 1)
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise SceneError.single(file, f"cannot read the file ({exc.strerror or exc})", "check the path") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SceneError.single(file, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                                "save the file as UTF-8 text", line, column) from None


def validate_data(data: dict, context: dict | None = None) -> scene_model.Scene:
    """Validate plain YAML/JSON data exactly as the published JSON Schema reads it.

    The model's numbers and switches are strict (``true`` is not a number, ``'0.5'`` is
    not a zoom, ``'yes'`` is not a switch), so what validates is what the schema allows.

    Raises
    ------
    pydantic.ValidationError
    """
    return scene_model.Scene.model_validate(data, context=context)


def parse_scene(text: str, file: str = "<scene>", catalog: Catalog | None = None,
                folder: Path | None = None) -> scene_model.Scene:
    """Validate the YAML ``text`` of one scene; raise :class:`SceneError` with all issues."""
    catalog = catalog if catalog is not None else default_catalog()
    try:
        tree = parse(text)
    except TreeError as exc:
        raise SceneError([SceneIssue(file, exc.line, exc.column, exc.message, exc.fix)]) from None
    issues = [SceneIssue(file, line, col, msg, fix) for line, col, msg, fix in tree.problems]
    if not isinstance(tree.data, dict):
        got = "an empty file" if tree.data is None else f"a {type(tree.data).__name__}"
        issues.append(SceneIssue(file, 1, 1, f"a scene file holds one mapping (id: ..., title: ...), got {got}",
                                 "start from a scene in the library (sciatic-atlas scenes)"))
        raise SceneError(issues)
    context: dict = {"catalog": catalog}
    scene = None
    try:
        scene = validate_data(tree.data, context)
    except ValidationError as exc:
        issues.extend(_issues_from_validation(exc, tree, file))
    if scene is not None:
        issues.extend(_cross_check(scene, tree, file, folder or scenes_dir()))
    if issues:
        issues.sort(key=lambda i: (i.line, i.column))
        raise SceneError(issues)
    warnings = tuple(SceneIssue(file, 1, 1, f"{kind} names not checked: {why}", "", "warning")
                     for kind, why in sorted(context.get("unchecked", {}).items()))
    scene._warnings = warnings  # noqa: SLF001 - set once, right after validation
    return scene


def load_scene(path: str | Path, catalog: Catalog | None = None) -> scene_model.Scene:
    """Read and validate one scene file.

    Parameters
    ----------
    path : str or Path
        A ``.yaml`` scene file.
    catalog : Catalog, optional
        Valid names (default: the bundled knowledge base, model and data).

    Returns
    -------
    Scene
        The validated scene; ``scene.path`` is the file, ``scene.warnings`` lists
        names that could not be checked.

    Raises
    ------
    SceneError
        With every problem of the file, each with line, column and fix.
    """
    path = Path(path)
    scene = parse_scene(read_text(path), str(path), catalog, path.parent)
    scene._path = path  # noqa: SLF001
    for warning in scene.warnings:
        log.info("%s", warning)
    return scene


def scene_files(folder: str | Path | None = None) -> list[Path]:
    """Return the scene files of ``folder`` (default: the library), sorted by name (lecture order)."""
    folder = Path(folder) if folder is not None else scenes_dir()
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())


def load_library(folder: str | Path | None = None,
                 catalog: Catalog | None = None) -> tuple[dict[str, scene_model.Scene], list[SceneError]]:
    """Read every scene of ``folder``; broken files are returned as errors, not raised.

    Returns
    -------
    scenes : dict
        Scene id -> scene, in file (lecture) order.
    errors : list of SceneError
        One per broken file (including a second file reusing an id).

    Raises
    ------
    AtlasDataError
        When the bundled knowledge base cannot be read (no scene can be checked).
    """
    scenes: dict[str, scene_model.Scene] = {}
    errors: list[SceneError] = []
    for path in scene_files(folder):
        try:
            scene = load_scene(path, catalog)
        except SceneError as exc:
            errors.append(exc)
            continue
        except AtlasDataError:
            raise  # the bundled data is broken, not this scene: said once, by the caller
        except Exception as exc:  # noqa: BLE001 - one file must never hide the others, whatever goes wrong
            log.error("reading the scene %s failed", path, exc_info=True)
            errors.append(SceneError.single(path, f"cannot read this scene ({type(exc).__name__}: {str(exc)[:120]})",
                                            "check the file with `sciatic-atlas validate`; if it looks right, "
                                            "report this as a bug", 1, 1))
            continue
        if scene.id in scenes:
            errors.append(SceneError.single(path, f"scene id '{scene.id}' is already used by {scenes[scene.id].path.name}",
                                            "give each scene its own id", 1, 1))
            continue
        scenes[scene.id] = scene
    return scenes, errors
