"""Property-based fuzzing of the scene loader (hypothesis).

Thousands of generated and mutated scene files — wrong types, unknown names, huge
numbers, deep nesting, binary junk, very long strings, broken YAML — must each end in
a validated :class:`Scene` or a :class:`SceneError`: never another exception, never a
hang. A timer guard fails the test instead of letting a hang stall the suite.
"""

from __future__ import annotations

import signal
import string

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sciatic_atlas.scenes.errors import SceneError
from sciatic_atlas.scenes.load import parse_scene
from sciatic_atlas.scenes.model import Scene

from scene_samples import GOOD

GUARD_SECONDS = 120  # a hang guard, far above the normal run time; not a speed assertion
FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                      HealthCheck.data_too_large])
BASE = yaml.safe_load(GOOD)

junk_scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=30),  # name-like: unknown names
    st.sampled_from(["piriformis", "piriformis_r", "hamstrings", "posterior", "sciatic_nerve", "../x", "/etc/passwd",
                     "#ff0000", "nan", "1e999", "~", "yes", "2020-01-01"]),
    st.integers(min_value=1000, max_value=20_000).map(lambda n: "x" * n),  # very long strings
)
junk = st.recursive(junk_scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=5), st.dictionaries(st.text(max_size=12), kids, max_size=5)), max_leaves=30)


def _deep(depth: int) -> object:
    value: object = "x"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


@st.composite
def mutated_scenes(draw) -> dict:
    """Return the good scene with a few subtrees replaced, removed or added."""
    scene = yaml.safe_load(yaml.safe_dump(BASE))
    for _ in range(draw(st.integers(1, 4))):
        node = scene
        for _ in range(draw(st.integers(0, 4))):  # walk down a random path of containers
            keys = sorted(node, key=str) if isinstance(node, dict) else list(range(len(node)))
            inner = [k for k in keys if isinstance(node[k], (dict, list)) and node[k]]
            if not inner:
                break
            node = node[draw(st.sampled_from(inner))]
        keys = sorted(node, key=str) if isinstance(node, dict) else list(range(len(node)))
        action = draw(st.sampled_from(["replace", "delete", "add", "deep"]))
        if action == "add" or not keys:
            if isinstance(node, dict):
                node[draw(st.text(max_size=12))] = draw(junk)
            else:
                node.append(draw(junk))
            continue
        target = draw(st.sampled_from(keys))
        if action == "replace":
            node[target] = draw(junk)
        elif action == "delete":
            del node[target]
        else:
            node[target] = _deep(draw(st.integers(30, 90)))
    return scene


def _load(text: str) -> None:
    try:
        scene = parse_scene(text, "fuzz.yaml")
    except SceneError as exc:
        assert exc.issues and all(i.message and i.line >= 0 for i in exc.issues)
        str(exc)
    else:
        assert isinstance(scene, Scene)


@pytest.fixture(autouse=True)
def hang_guard():
    def _timeout(signum, frame):
        raise TimeoutError(f"the fuzz test ran past {GUARD_SECONDS} s: the loader may hang")

    old = signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(GUARD_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@settings(FUZZ, max_examples=800)
@given(mutated_scenes())
def test_mutated_scenes_end_in_a_scene_or_a_scene_error(scene):
    _load(yaml.safe_dump(scene, allow_unicode=True, width=10 ** 6))


@settings(FUZZ, max_examples=600)
@given(st.text(max_size=400))
def test_random_text_ends_in_a_scene_error(text):
    _load(text)


@settings(FUZZ, max_examples=500)
@given(st.data())
def test_text_edits_of_a_good_scene(data):
    """Delete, duplicate or corrupt characters and lines of the good scene's text."""
    lines = GOOD.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(lines) - 1))
        op = data.draw(st.sampled_from(["drop", "dup", "char", "indent", "binary"]))
        if op == "drop" and len(lines) > 1:
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "char":
            j = data.draw(st.integers(0, max(len(lines[i]) - 1, 0)))
            lines[i] = lines[i][:j] + data.draw(st.characters()) + lines[i][j + 1:]
        elif op == "indent":
            lines[i] = " " * data.draw(st.integers(1, 7)) + lines[i]
        else:
            lines[i] = data.draw(st.binary(max_size=30)).decode("latin-1")
    _load("".join(lines))


@settings(FUZZ, max_examples=300)
@given(st.binary(max_size=600))
def test_binary_junk_ends_in_a_scene_error(tmp_path_factory, blob):
    from sciatic_atlas.scenes.load import load_scene

    path = tmp_path_factory.mktemp("fuzz") / "junk.yaml"
    path.write_bytes(blob)
    with pytest.raises(SceneError):
        load_scene(path)


@pytest.mark.parametrize("text", [
    "[" * 5000, "{a: " * 3000, "a:\n" + "".join(" " * i + "- \n" for i in range(1, 400)),
    "a: &x [*x]\n", "- &a [*a, *a]\n", "id: " + "9" * 5000 + "\n", "title: 1e400\n", "\ufeffid: x\n",
], ids=["open-brackets", "open-braces", "deep-block-list", "self-alias", "alias-loop", "huge-int", "huge-float", "bom"])
def test_pathological_inputs(text):
    _load(text)
