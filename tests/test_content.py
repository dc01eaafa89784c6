"""The shipped library: valid, and enough real content in the categories the site promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.cli import main
from playbook.load import load_library

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "playbook_data"


@pytest.fixture(scope="module")
def library():
    return load_library(DATA)


def test_shipped_data_validates_with_exit_0(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert main(["validate"]) == 0
    assert capsys.readouterr().err.endswith("playbook file(s) valid.\n")


@pytest.mark.parametrize("category", ["strategy", "ethics", "feasibility"])
def test_starter_categories_have_a_real_playbook_of_at_least_8_items(library, category):
    sizes = [len(p.items) for p in library.playbooks if p.category == category]
    assert sizes and max(sizes) >= 8


def test_every_item_is_complete(library):
    incomplete = [i.global_id for i in library.items()
                  if not (i.level and i.owner and i.stage and i.why and i.how)]
    assert incomplete == []


def test_every_data_file_starts_with_its_editor_schema_line():
    for path in DATA.rglob("*.yaml"):
        schema = "framework" if path.parent.name == "frameworks" else "playbook"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json", path


def test_item_texts_are_single_sentences_people_can_check(library):
    bad = [i.global_id for i in library.items() if not i.text.rstrip().endswith((".", "?"))]
    assert bad == []
