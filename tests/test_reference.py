"""The generated reference pages and published schemas: complete, exact, and in the built site."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any, Iterator

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, SiteBuild
from playbook import reference
from playbook.validate import schema

SCHEMAS = {name: json.loads((REPO / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8"))
           for name in reference.SCHEMA_NAMES}


def described_fields(node: Any) -> Iterator[tuple[str, str]]:
    """(field name, description) for every property anywhere in a schema, definitions included."""
    if isinstance(node, dict):
        for name, prop in (node.get("properties") or {}).items():
            yield name, prop.get("description", "")
        for key, value in node.items():
            if key != "if":  # a condition (`if` ... `then`), not a field a file may hold
                yield from described_fields(value)
    elif isinstance(node, list):
        for value in node:
            yield from described_fields(value)


def text_of(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


def test_every_schema_field_is_on_the_schema_page_with_its_description():
    page = reference.schema_page()
    for name, tree in SCHEMAS.items():
        for field, description in described_fields(tree):
            assert f"`{field}`\n:   " in page, (name, field)
            assert description, (name, field)


def test_schema_page_explains_form_and_limits_from_the_schema():
    page = reference.schema_page()
    assert ":   **Required.** one of `must`, `should`, `could`." not in page  # level is optional
    assert ":   Optional. one of `must`, `should`, `could`." in page
    assert ":   Optional. a whole number; from 1 to 1095." in page
    assert ":   **Required.** a list of [items](#playbook-item); 1 to 100 entries." in page
    assert ":   **Required.** a list of [entries](#framework-entries); 1 to 1,000 entries." in page
    assert ":   Optional. a list of [links](#playbook-link); at most 30 entries." in page


def test_schema_prose_is_shown_literally_not_as_html():
    page = reference.schema_page()
    assert "&lt;playbook-id&gt;/&lt;item-id&gt;" in page
    assert "<playbook-id>" not in page.split("```")[0]


def test_cli_page_is_the_help_of_every_command_as_printed_in_a_terminal():
    page = reference.cli_page()
    commands = list(reference.command_parsers())
    assert commands[0] == "playbook"
    assert {"playbook validate", "playbook export", "playbook new", "playbook diff", "playbook stale",
            "playbook links", "playbook plan", "playbook review", "playbook review new", "playbook review status",
            "playbook review export"} <= set(commands)
    env = {**os.environ, "COLUMNS": str(reference.HELP_WIDTH + 2)}  # argparse keeps two columns spare
    for name in ("FORCE_COLOR", "PYTHON_COLORS"):
        env.pop(name, None)
    for command in commands:
        printed = subprocess.run([sys.executable, "-m", "playbook.cli", *command.split()[1:], "--help"],
                                 capture_output=True, text=True, env=env, timeout=60).stdout
        assert f"## `{command}`" in page
        assert "\n".join(printed.rstrip("\n").splitlines()) in page, command


def test_published_schemas_are_the_schema_files():
    files = reference.schema_files()
    assert set(files) == {"schemas/playbook.schema.json", "schemas/framework.schema.json",
                          "schemas/traits.schema.json", "schemas/review.schema.json"}
    for name in reference.SCHEMA_NAMES:
        assert json.loads(files[f"schemas/{name}.schema.json"]) == schema(name)


@pytest.mark.slow
def test_the_built_site_serves_the_schemas_at_stable_urls(fixture_site: SiteBuild):
    for name in reference.SCHEMA_NAMES:
        published = fixture_site.site / "schemas" / f"{name}.schema.json"
        assert published.read_bytes() == (REPO / "schemas" / f"{name}.schema.json").read_bytes()


@pytest.mark.slow
def test_the_built_schema_page_shows_every_description(fixture_site: SiteBuild):
    text = text_of(fixture_site.page("reference/schema"))
    for tree in SCHEMAS.values():
        for _field, description in described_fields(tree):
            assert " ".join(description.replace("`", "").split()) in text


@pytest.mark.slow
def test_the_built_reference_pages_edit_their_sources_not_generated_files(fixture_site: SiteBuild):
    schema_page = fixture_site.page("reference/schema")
    cli_page = fixture_site.page("reference/cli")
    assert re.search(r'href="[^"]*/edit/main/schemas/playbook\.schema\.json"', schema_page)
    assert re.search(r'href="[^"]*/edit/main/src/playbook/cli\.py"', cli_page)
    assert "usage: playbook diff [-h]" in text_of(cli_page)


@pytest.mark.slow
def test_the_schema_page_links_resolve_to_the_published_files(fixture_site: SiteBuild):
    soup = BeautifulSoup(fixture_site.page("reference/schema"), "html.parser")
    targets = {a["href"] for a in soup.select("article a[href$='.schema.json']") if "://" not in a["href"]}
    assert targets == {f"../../schemas/{name}.schema.json" for name in reference.SCHEMA_NAMES}
    page_dir = fixture_site.site / "reference" / "schema"
    assert all((page_dir / target).resolve().is_file() for target in targets)


def test_generated_pages_never_run_through_the_macros_plugin():
    for content in reference.pages().values():
        front_matter = content.split("---\n")[1]
        assert "render_macros: false" in front_matter.splitlines()
