"""The schemas: valid draft-07, described for editors, and in step with the vocabularies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from playbook.validate import schema
from playbook.vocab import CATEGORIES, LEVELS, ROLES, STAGES

SCHEMAS = sorted((Path(__file__).resolve().parents[1] / "schemas").glob("*.schema.json"))


def _properties(node, path="$"):
    """Every (path, property schema) pair in a schema, following local definitions once."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield f"{path}.{name}", prop
            yield from _properties(prop, f"{path}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                yield from _properties(node[key], f"{path}[]")
        for name, definition in (node.get("definitions") or {}).items():
            yield from _properties(definition, f"#{name}")


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_schema_is_valid_draft_07(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(data)


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_every_property_has_a_description_for_editors(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    missing = [where for where, prop in _properties(data) if not prop.get("description")]
    assert missing == []


@pytest.mark.parametrize("path", SCHEMAS, ids=[p.name for p in SCHEMAS])
def test_objects_reject_unknown_fields(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    objects = [data] + [d for d in data.get("definitions", {}).values() if d.get("type") == "object"]
    objects += [p for _, p in _properties(data) if p.get("type") == "object" and "properties" in p]
    assert all(o.get("additionalProperties") is False for o in objects)


def test_schema_enums_match_the_vocabularies():
    playbook = schema("playbook")
    item = playbook["definitions"]["item"]["properties"]
    assert playbook["properties"]["category"]["enum"] == list(CATEGORIES)
    assert item["level"]["enum"] == list(LEVELS)
    assert item["stage"]["enum"] == list(STAGES)
    assert playbook["definitions"]["role"]["enum"] == list(ROLES)
