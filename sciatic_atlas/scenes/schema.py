"""The published JSON Schema of scene files (``sciatic-atlas schema``)."""

from __future__ import annotations

from sciatic_atlas.scenes.model import Scene

SCHEMA_ID = "https://sciatic-atlas.invalid/schema/scene.json"


def scene_schema() -> dict:
    """Return the JSON Schema (draft 2020-12) of one scene file."""
    schema = Scene.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}
