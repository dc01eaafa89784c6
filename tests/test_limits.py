"""Bounded cost: every check stays linear in its input, whatever the input.

Timings belong in bench/worst_cases.py; these tests count work instead (characters compared,
parser calls avoided), so they fail when a bound is lost and never on a slow machine.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY
from playbook import markup, problems
from playbook.load import MAX_PROBLEMS_PER_FILE, check_library
from playbook.problems import HINT_BUDGET, Hints


def test_hints_suggest_once_per_word_and_stop_when_the_budget_is_spent():
    ids = ["rollout-staged", "rollout-checked", "launch-approved", "metrics-set"]
    hints = Hints(budget=10_000)
    assert hints("rollout-stage", ids) == " Did you mean 'rollout-staged'?"
    spent = 10_000 - hints.left
    assert 0 < spent < 10_000
    assert hints("rollout-stage", ids) == " Did you mean 'rollout-staged'?"  # the same word: no new cost
    assert hints.left == 10_000 - spent
    while hints.left > 0:
        hints(f"launch-aproved-{hints.left}", ids)
    assert hints("launch-aproved", ids) == ""  # spent: no suggestion, the message is still complete
    assert Hints()("launch-aproved", ids) == " Did you mean 'launch-approved'?"


def test_thousands_of_misspelt_references_cost_a_bounded_amount_of_work(tmp_path: Path, monkeypatch):
    """Many files, each with the most items and related entries the schema allows, all misspelt:
    without the budget, every one is compared with every id (2,000 x 100 per file)."""
    root = tmp_path / "playbook_data"
    shutil.copytree(FIXTURE_LIBRARY, root)
    for n in range(5):
        items = "".join(
            f"  - id: item-{i}\n    text: Check part {i}.\n    related: [{', '.join(f'itme-{j}' for j in range(20))}]\n"
            for i in range(100))
        (root / "strategy" / f"many-{n}.yaml").write_text(
            f"id: many-{n}\ntitle: Many\ncategory: strategy\nsummary: Many items.\nitems:\n{items}", encoding="utf-8")
    work = []
    real = problems._closest
    monkeypatch.setattr(problems, "_closest", lambda *args, **kwargs: (found := real(*args, **kwargs),
                                                                       work.append(found[1]))[0])
    checked = check_library(root)
    misspelt = [p for p in checked.problems if "related item 'itme-" in p.message]
    more = [p.message for p in checked.problems if p.message.startswith("and ")]
    # Every problem is found; each file lists the first 200 and says how many more there are...
    assert len(misspelt) == 5 * MAX_PROBLEMS_PER_FILE
    assert more == ["and 1,800 more problem(s) in this file from here on, not listed: fix the ones above and "
                    "validate again"] * 5
    assert sum(work) <= HINT_BUDGET + 2 * (1000 + 129 * 129)  # ...at a bounded cost (one comparison may pass it)
    assert "Did you mean 'item-" in misspelt[0].message  # the first ones still get a suggestion


@pytest.mark.parametrize("text", ["[" * 4_000, "[a](b " * 2_000, "![" * 2_000])
def test_markdown_with_too_many_brackets_is_shown_as_plain_text_without_parsing(text: str, monkeypatch):
    markup.block.cache_clear()
    monkeypatch.setattr(markup, "_parser", lambda: pytest.fail("the Markdown parser ran"))
    assert str(markup.block(text)) == "<p>" + text.strip().replace("&", "&amp;") + "</p>"


def test_markdown_with_a_few_links_is_still_markdown():
    markup.block.cache_clear()
    text = " ".join(f"[source {n}](https://example.org/{n})" for n in range(markup.MAX_BRACKETS))
    assert str(markup.block(text)).count('<a href="https://example.org/') == markup.MAX_BRACKETS
