"""Editing support: schema lines in data files, the VS Code mapping, draft-07 keywords, valid examples."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from conftest import REPO
from playbook.load import check_library
from playbook.vocab import CATEGORIES

DATA = REPO / "playbook_data"
SCHEMA_FILES = sorted((REPO / "schemas").glob("*.schema.json"))
MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")

# Every keyword of JSON Schema draft-07 (core, validation, metadata, hyper-schema-free). Newer
# keywords ($defs, dependentRequired, unevaluatedProperties, prefixItems ...) are not understood
# by the VS Code YAML extension, which implements draft-07 and earlier.
DRAFT_07_KEYWORDS = frozenset({
    "$schema", "$id", "$ref", "$comment", "title", "description", "default", "readOnly", "writeOnly",
    "examples", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "maxLength",
    "minLength", "pattern", "additionalItems", "items", "maxItems", "minItems", "uniqueItems", "contains",
    "maxProperties", "minProperties", "required", "additionalProperties", "definitions", "properties",
    "patternProperties", "dependencies", "propertyNames", "const", "enum", "type", "format",
    "contentMediaType", "contentEncoding", "if", "then", "else", "allOf", "anyOf", "oneOf", "not",
})


def keywords(node: Any, where: str = "#") -> Iterator[tuple[str, str]]:
    """(keyword, location) for every keyword of every subschema, names of properties excluded."""
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        yield key, where
        if key in ("properties", "patternProperties", "definitions", "dependencies") and isinstance(value, dict):
            for name, child in value.items():
                yield from keywords(child, f"{where}/{key}/{name}")
        elif key in ("items", "allOf", "anyOf", "oneOf") and isinstance(value, list):
            for index, child in enumerate(value):
                yield from keywords(child, f"{where}/{key}/{index}")
        elif key in ("items", "additionalItems", "additionalProperties", "contains", "propertyNames", "if", "then",
                     "else", "not"):
            yield from keywords(value, f"{where}/{key}")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[p.name for p in SCHEMA_FILES])
def test_schemas_use_only_draft_07_keywords(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    unknown = sorted({f"{where}: {key}" for key, where in keywords(data) if key not in DRAFT_07_KEYWORDS})
    assert unknown == []


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=[p.name for p in SCHEMA_FILES])
def test_schema_references_are_local_definitions_editors_can_resolve(path: Path):
    data = json.loads(path.read_text(encoding="utf-8"))
    for ref in re.findall(r'"\$ref":\s*"([^"]*)"', path.read_text(encoding="utf-8")):
        assert ref.startswith("#/definitions/"), ref
        assert ref.removeprefix("#/definitions/") in data["definitions"], ref


def data_files() -> list[Path]:
    return sorted(DATA.rglob("*.yaml"))


@pytest.mark.parametrize("path", data_files(), ids=lambda p: p.relative_to(DATA).as_posix())
def test_every_data_file_names_its_schema_on_its_first_line(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.match(first)
    assert match, f"{path.relative_to(REPO)}:1: expected '# yaml-language-server: $schema=...'"
    expected = "traits" if path == DATA / "traits.yaml" else "framework" if path.parent.name == "frameworks" else "playbook"
    target = (path.parent / match.group(1)).resolve()
    assert target == (REPO / "schemas" / f"{expected}.schema.json").resolve()


def test_vscode_settings_map_every_data_folder_to_its_schema():
    settings = json.loads((REPO / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping: dict[str, list[str]] = settings["yaml.schemas"]
    for schema_path in mapping:
        assert (REPO / schema_path).is_file(), schema_path
    assert sorted(mapping["./schemas/playbook.schema.json"]) == sorted(f"playbook_data/{c}/*.yaml" for c in CATEGORIES)
    assert mapping["./schemas/framework.schema.json"] == ["playbook_data/frameworks/*.yaml"]
    folders = {p.name for p in DATA.iterdir() if p.is_dir()}
    mapped = {glob.split("/")[1] for globs in mapping.values() for glob in globs}
    assert folders <= mapped


def yaml_examples(path: Path) -> list[str]:
    """The ```yaml blocks of a Markdown file, dedented to their fence."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"^( *)```yaml\n(.*?)^\1```", text, re.M | re.S):
        indent = len(match.group(1))
        blocks.append("".join(line[indent:] for line in match.group(2).splitlines(keepends=True)))
    return blocks


@pytest.mark.parametrize("doc", ["CONTRIBUTING.md", "docs/guides/how-to-change-a-playbook.md"])
def test_the_yaml_examples_in_the_contributing_guides_are_valid(doc: str, tmp_path: Path):
    items = []
    for block in yaml_examples(REPO / doc):
        if block.startswith("  - id:"):
            items.append(block)
        elif block.startswith("    refs:"):
            items.append(f"  - id: refs-example-{len(items)}\n    text: Cite the frameworks.\n{block}")
    assert items, f"{doc} has no item example"
    root = tmp_path / "playbook_data"
    shutil.copytree(DATA, root)
    (root / "operations" / "guide-examples.yaml").write_text(
        "id: guide-examples\ntitle: Guide examples\ncategory: operations\nsummary: The examples of the guide.\n"
        "items:\n" + "".join(items), encoding="utf-8")
    problems = [p.format(tmp_path) for p in check_library(root).problems]
    assert problems == []
