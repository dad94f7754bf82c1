"""Validation and the published JSON Schema agree: nothing the schema refuses is coerced and accepted.

Generated cases (Hypothesis) replace parts of a valid library scene with values of
every JSON kind (booleans, numbers as text, names with spaces...). Whenever the
scene model accepts the result, the JSON Schema must accept it too; when only the
schema accepts it, the model's reason must be one of its documented cross-field
rules (the schema cannot say "up must not point along the view").
"""

from __future__ import annotations

import copy

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from sciatic_atlas.scenes.load import scene_files, validate_data
from sciatic_atlas.scenes.schema import scene_schema

from robust_samples import good_scene

import yaml

VALIDATOR = jsonschema.Draft202012Validator(scene_schema())
# Rules of the model that a JSON Schema cannot express.
CROSS_FIELD = {"camera_mixed", "camera_incomplete", "camera_up", "camera_degenerate", "compression_ref",
               "compression_incomplete", "compression_where", "compression_order", "path_escape"}



def _rich_base() -> dict:
    """Return a valid scene that uses every kind of field, so one changed leaf is the only fault."""
    data = good_scene()
    data["camera"] = {"position": [0, -900, 900], "focal_point": [0, 0, 900], "up": [0, 0, 1], "zoom": 1.2}
    data["styles"] = [{"structures": ["piriformis"], "colour": "#ff8800", "opacity": 0.5, "highlight": True,
                       "visible": True}, {"structures": ["sciatic_nerve"], "colour": [1, 0.5, 0]}]
    data["isolate"] = {"structures": ["piriformis", "sciatic_nerve"], "others": "fade"}
    data["labels"] = [{"text": "Piriformis", "anchor": "piriformis"}]
    data["compressions"] = [{"id": "site", "compressor": "piriformis", "nerve": "sciatic_nerve", "at": [0.1, 0.3],
                             "explanation": "squeezed"}]
    data["metadata"]["sources"][0].update(url="https://example.org/x", locator="p. 1")
    data["metadata"].update(author="A", keywords=["nerve"])
    return data


BASE = _rich_base()

scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(-10, 10), st.integers(-(10 ** 6), 10 ** 6),
    st.floats(-2.0, 2.0, allow_nan=False), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["0.5", "1", "true", "yes", "piriformis ", " piriformis", "Piriformis", "posterior", "#ff0000",
                     "red", " red", "RED", "#FF0000 ", "", " ", "x" * 81, "student", "hide", "fade", "both",
                     "sciatic_nerve", "greater_sciatic_notch", "a/b.md", "../x", "2020-01-01"]),
    st.text(max_size=12),
)
values = st.recursive(scalars, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                      st.dictionaries(st.sampled_from(
                                                          ["view", "zoom", "up", "position", "focal_point",
                                                           "structures", "colour", "opacity", "text", "anchor",
                                                           "citation", "x"]), kids, max_size=3)), max_leaves=8)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated(draw) -> dict:
    """Return the rich scene with one to three parts (mostly single values) replaced."""
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        leaves = [p for p in paths if not isinstance(_get(data, p), (dict, list))]
        path = draw(st.sampled_from(leaves) if draw(st.integers(0, 3)) else st.sampled_from(paths))
        _get(data, path[:-1])[path[-1]] = draw(scalars if draw(st.integers(0, 3)) else values)
    return data


def _get(data, path):
    for part in path:
        data = data[part]
    return data


def _model_errors(data) -> list[dict] | None:
    try:
        validate_data(data)
    except ValidationError as exc:
        return exc.errors(include_url=False)
    return None


@pytest.mark.parametrize("path", scene_files(), ids=lambda p: p.name)
def test_every_library_scene_is_valid_under_the_published_schema(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert not list(VALIDATOR.iter_errors(data))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_what_the_model_accepts_the_schema_accepts(data):
    errors = _model_errors(data)
    schema_errors = [e.message for e in VALIDATOR.iter_errors(data)]
    if errors is None:
        assert not schema_errors, f"accepted by validation, refused by the schema: {schema_errors[:3]}"
    elif not schema_errors:
        kinds = {e["type"] for e in errors}
        assert kinds <= CROSS_FIELD, f"refused by validation only ({kinds}); the schema should say so too"
