"""Plan my review: product traits, item conditions, the selection, `playbook plan` and its page.

The selection rule is tested on hand-made objects; the command on a copy of the fixture library
with conditions added (`conditioned_library`, also used by the browser tests); the page's markup
on the renderer's output and in the session's fixture build; the shipped library for order and
for the conditions its content declares.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_LIBRARY, REPO, SiteBuild
from playbook import plan
from playbook.cli import main
from playbook.load import check_library, load_library
from playbook.model import Item, Library, Playbook, Trait
from playbook.plan import Condition, applies, condition, groups, ordered_items, plan_record, select
from playbook.render import PLAN_URI, Renderer
from playbook.vocab import LEVELS, ROLES, STAGES

# Conditions laid over the fixture library: (file, line after which to insert, the new line).
CONDITIONS = [
    ("strategy/problem-fit.yaml", "    stage: define\n    why: A rules engine", "    applies_when: [tool-use]\n"),
    ("strategy/problem-fit.yaml", "  - id: success-metric-set\n", "    skip_when: [eu-users]\n"),
    ("ethics/bias-check.yaml", "last_reviewed: 2026-10-01\n", "applies_when: [personal-data]\n"),
    ("ethics/bias-check.yaml", "    stage: validate\n", "    applies_when: [private-retrieval]\n"),
    ("feasibility/injection-defence.yaml", "    stage: build\n", "    applies_when: [private-retrieval, tool-use]\n"),
]
# What applies, for the conditions above, in plan order (stage, then owner, then level).
EVERY_PRODUCT = ["problem-fit/user-problem-stated", "problem-fit/success-metric-set"]


def conditioned_library(target: Path) -> Path:
    """A copy of the fixture library (which has traits.yaml) whose playbooks declare conditions:
    problem-fit/simpler-alternative-tried needs tool-use; problem-fit/success-metric-set is skipped
    for eu-users; all of bias-check needs personal-data, and its slice-metrics private-retrieval too;
    injection-defence/untrusted-inputs-listed needs private-retrieval or tool-use."""
    shutil.copytree(FIXTURE_LIBRARY, target)
    for name, anchor, line in CONDITIONS:
        path = target / name
        text = path.read_text(encoding="utf-8")
        assert text.count(anchor) == 1, (name, anchor)
        at = text.index(anchor) + len(anchor)
        if not anchor.endswith("\n"):  # insert before the anchor's last line instead
            at = text.index(anchor) + anchor.index("\n") + 1
        path.write_text(text[:at] + line + text[at:], encoding="utf-8")
    return target


@pytest.fixture
def library_root(tmp_path: Path) -> Path:
    return conditioned_library(tmp_path / "playbook_data")


# -- the rule -------------------------------------------------------------------------------------


def _playbook(*items: Item, applies_when: tuple[str, ...] = (), skip_when: tuple[str, ...] = ()) -> Playbook:
    return Playbook(id="p", title="P", category="strategy", summary="S", items=items, applies_when=applies_when,
                    skip_when=skip_when)


def _item(item_id: str = "i", **fields) -> Item:
    return Item(playbook_id="p", id=item_id, text="Do it.", **fields)


def test_an_item_without_conditions_applies_to_every_product():
    item = _item()
    playbook = _playbook(item)
    assert applies(item, playbook, set()) and applies(item, playbook, {"tool-use", "eu-users"})
    assert not condition(item, playbook)


def test_applies_when_needs_any_one_of_its_traits():
    item = _item(applies_when=("tool-use", "private-retrieval"))
    playbook = _playbook(item)
    assert not applies(item, playbook, set())
    assert not applies(item, playbook, {"eu-users"})
    assert applies(item, playbook, {"private-retrieval"})
    assert applies(item, playbook, {"tool-use", "private-retrieval", "eu-users"})


def test_skip_when_rules_an_item_out_whatever_else_the_product_has():
    item = _item(applies_when=("tool-use",), skip_when=("minors", "eu-users"))
    playbook = _playbook(item)
    assert applies(item, playbook, {"tool-use"})
    assert not applies(item, playbook, {"tool-use", "eu-users"})
    assert not applies(item, playbook, {"minors"})


def test_an_items_condition_is_its_playbooks_and_its_own_together():
    item = _item(applies_when=("private-retrieval",), skip_when=("minors",))
    playbook = _playbook(item, applies_when=("personal-data", "eu-users"), skip_when=("tool-use",))
    assert condition(item, playbook) == Condition(applies_when=(("personal-data", "eu-users"), ("private-retrieval",)),
                                                  skip_when=("tool-use", "minors"))
    assert not applies(item, playbook, {"private-retrieval"})  # the playbook's condition is not met
    assert not applies(item, playbook, {"personal-data"})  # the item's own condition is not met
    assert applies(item, playbook, {"eu-users", "private-retrieval"})
    assert not applies(item, playbook, {"eu-users", "private-retrieval", "tool-use"})  # the playbook's skip
    assert not applies(item, playbook, {"eu-users", "private-retrieval", "minors"})  # the item's skip


def test_the_page_receives_the_condition_as_data_attributes():
    both = Condition(applies_when=(("a", "b"), ("c",)), skip_when=("d", "e"))
    assert both.attributes() == {"data-applies-when": "a b;c", "data-skip-when": "d e"}
    assert Condition().attributes() == {}
    assert both.to_data() == {"applies_when": [["a", "b"], ["c"]], "skip_when": ["d", "e"]}


def test_selection_rejects_traits_the_library_does_not_define(library_root: Path):
    library = load_library(library_root)
    with pytest.raises(plan.UnknownTraits) as raised:
        select(library, {"tool-use", "tool-usage"})
    assert raised.value.unknown == ["tool-usage"]


@pytest.mark.parametrize("traits, expected", [
    (set(), EVERY_PRODUCT),
    ({"tool-use"}, ["problem-fit/user-problem-stated", "problem-fit/success-metric-set",
                    "problem-fit/simpler-alternative-tried", "injection-defence/untrusted-inputs-listed"]),
    ({"eu-users"}, ["problem-fit/user-problem-stated"]),
    ({"personal-data"}, ["problem-fit/user-problem-stated", "problem-fit/success-metric-set",
                         "bias-check/groups-listed"]),
    ({"personal-data", "private-retrieval", "eu-users"},
     ["problem-fit/user-problem-stated", "bias-check/groups-listed", "injection-defence/untrusted-inputs-listed",
      "bias-check/slice-metrics"]),
])
def test_selection_keeps_exactly_the_items_whose_conditions_hold(library_root: Path, traits: set[str],
                                                                  expected: list[str]):
    assert [i.global_id for i in select(load_library(library_root), traits)] == expected


def test_plan_order_is_stage_then_owner_then_must_should_could():
    library = load_library(REPO / "playbook_data")
    items = ordered_items(library)
    assert len(items) == sum(len(p.items) for p in library.playbooks)
    rank = {"stage": list(STAGES), "owner": list(ROLES), "level": list(LEVELS)}
    keys = [tuple(rank[f].index(getattr(i, f)) for f in ("stage", "owner", "level")) for i in items]
    assert keys == sorted(keys)
    assert [(s, [o for o, _ in owners]) for s, owners in groups(items)] == [
        (s, [o for o in ROLES if any(i.stage == s and i.owner == o for i in items)]) for s in STAGES]


def test_the_shipped_library_tailors_the_list_to_the_product():
    library = load_library(REPO / "playbook_data")
    universal = {i.global_id for i in select(library, set())}
    conditioned = {i.global_id for p in library.playbooks for i in p.items if condition(i, p)}
    assert len(conditioned) >= 40 and len([p for p in library.playbooks if p.applies_when]) >= 2
    assert universal == {i.global_id for i in library.items()} - conditioned  # no skip_when in the library yet
    everything = {t.id for t in library.traits}
    assert {i.global_id for i in select(library, everything)} == {i.global_id for i in library.items()}
    agent = {i.global_id for i in select(library, {"tool-use", "third-party-model"})}
    assert "llm-application-security/tools-least-privilege" in agent - universal
    assert "privacy-and-data-governance/dpia-completed" not in agent


def test_every_trait_question_is_a_yes_no_question_with_help():
    library = load_library(REPO / "playbook_data")
    assert 12 <= len(library.traits) <= 14
    for trait in library.traits:
        assert trait.question.endswith("?") and trait.help.strip(), trait.id
        assert trait.group, trait.id


# -- traits.yaml and the model ------------------------------------------------------------------


def test_traits_load_in_file_order_with_their_groups():
    library = load_library(FIXTURE_LIBRARY)
    assert [(t.id, t.group) for t in library.traits] == [
        ("personal-data", "Data"), ("private-retrieval", "Data"), ("tool-use", None), ("eu-users", "Users")]
    assert library.trait("tool-use") == Trait(
        id="tool-use", question="Can the model call tools or take actions on its own?",
        help="Answer yes for agents that send, buy, edit or run things for the user.")


def test_a_library_without_traits_yaml_defines_no_traits_and_rejects_every_condition(library_root: Path,
                                                                                    monkeypatch, capsys):
    (library_root / "traits.yaml").unlink()
    assert check_library(FIXTURE_LIBRARY).problems == ()
    monkeypatch.chdir(library_root.parent)
    assert main(["validate"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == ("playbook_data/ethics/bias-check.yaml:9:16: $.applies_when[0]: unknown trait 'personal-data'. "
                        "The library defines no traits: list them in traits.yaml at the library root.")
    assert lines[-1] == "6 problem(s) found in 3 playbook file(s)."


def test_export_carries_the_conditions_under_their_yaml_names(library_root: Path):
    library = load_library(library_root)
    bias = library.playbook("bias-check").to_data()
    assert bias["applies_when"] == ["personal-data"] and "skip_when" not in bias
    assert bias["items"][1]["applies_when"] == ["private-retrieval"]
    assert "applies_when" not in bias["items"][0]


# -- playbook plan --------------------------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "playbook.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_plan_without_traits_prints_what_applies_to_every_product(library_root: Path):
    result = run("plan", cwd=library_root.parent)
    assert result.returncode == 0
    assert result.stderr == "2 item(s) from 1 playbook(s) apply, 1 of them must.\n"
    text = result.stdout
    assert text.startswith("# Review plan\n\nCreated ")
    assert "- No: Can the model call tools or take actions on its own? (`tool-use`)" in text
    assert "## Discover: 1 item, 1 must\n\n### Product manager: 1 item, 1 must\n\n" \
           "- [ ] Write the user problem in one paragraph that does not mention AI. " \
           "(`problem-fit/user-problem-stated`) **must**" in text
    assert "## Define: 1 item, 0 must" in text and "success-metric-set`) **could**" in text
    assert "simpler-alternative-tried" not in text


def test_plan_json_is_a_review_record_of_the_selected_items(library_root: Path):
    result = run("plan", "--trait", "tool-use", "--trait", "eu-users", "--format", "json", cwd=library_root.parent)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["format"] == "genai-playbook-review" and data["version"] == 1
    assert data["traits"] == ["tool-use", "eu-users"]
    assert [(a["id"], a["answer"]) for a in data["answers"]] == [
        ("personal-data", False), ("private-retrieval", False), ("tool-use", True), ("eu-users", True)]
    assert [i["id"] for i in data["items"]] == [
        "problem-fit/user-problem-stated", "problem-fit/simpler-alternative-tried",
        "injection-defence/untrusted-inputs-listed"]
    assert data["counts"] == {"items": 3, "must": 2, "playbooks": 2}
    assert data["items"][2] == {
        "id": "injection-defence/untrusted-inputs-listed", "playbook_id": "injection-defence",
        "playbook_title": "Prompt injection defence", "url": "feasibility/injection-defence/#untrusted-inputs-listed",
        "text": "List every source of untrusted text that reaches the prompt.", "level": "must", "owner": "security",
        "stage": "build", "applies_when": [["private-retrieval", "tool-use"]], "skip_when": [], "done": False,
        "note": ""}


def test_plan_csv_has_a_row_per_item_with_empty_done_and_note_columns(library_root: Path, tmp_path: Path):
    out = tmp_path / "review" / "plan.csv"
    result = run("plan", "--trait", "personal-data", "--trait", "private-retrieval", "--format", "csv",
                 "--output", str(out), cwd=library_root.parent)
    assert result.returncode == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [i.global_id for i in select(load_library(library_root),
                                                                    {"personal-data", "private-retrieval"})]
    slice_row = next(r for r in rows if r["id"] == "bias-check/slice-metrics")
    assert slice_row["applies_when"] == "personal-data; private-retrieval"
    assert (slice_row["done"], slice_row["note"], slice_row["stage"], slice_row["owner"]) == \
        ("", "", "validate", "ml-engineering")


def test_plan_with_an_unknown_trait_is_a_usage_error_that_suggests_the_right_one(library_root: Path):
    result = run("plan", "--trait", "tool-usage", "--trait", "eu-users", cwd=library_root.parent)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "playbook plan: error: unknown trait 'tool-usage'. Did you mean 'tool-use'? "
        "Known traits: personal-data, private-retrieval, tool-use, eu-users.")


def test_plan_refuses_a_library_with_problems(library_root: Path):
    (library_root / "traits.yaml").write_text("traits: []\n", encoding="utf-8")
    result = run("plan", cwd=library_root.parent)
    assert result.returncode == 1 and result.stdout == ""
    assert "playbook_data/traits.yaml:1:9: $.traits: must list at least 1 entry" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_record_is_the_same_selection_in_every_format(library_root: Path):
    library = load_library(library_root)
    traits = {"tool-use", "personal-data"}
    ids = [i.global_id for i in select(library, traits)]
    day = dt.date(2026, 3, 1)
    data = json.loads(plan_record(library, traits, "json", today=day))
    assert [i["id"] for i in data["items"]] == ids and data["created"] == "2026-03-01"
    assert [r["id"] for r in csv.DictReader(io.StringIO(plan_record(library, traits, "csv")))] == ids
    markdown = plan_record(library, traits, "md", today=day)
    assert [line.rsplit("(`", 1)[1].split("`")[0] for line in markdown.splitlines() if line.startswith("- [ ]")] == ids


# -- the page -----------------------------------------------------------------------------------


def _plan_page(library: Library) -> BeautifulSoup:
    return BeautifulSoup(Renderer(library).plan_page().split("---\n", 2)[2], "html.parser")


def test_plan_page_lists_every_item_in_plan_order_with_its_condition(library_root: Path):
    library = load_library(library_root)
    page = _plan_page(library)
    items = page.select("ol[data-pb-plan] > li[data-item-id]")
    assert [li["data-item-id"] for li in items] == [i.global_id for i in ordered_items(library)]
    for li in items:
        item = library.item(li["data-item-id"])
        expected = condition(item, library.playbook(item.playbook_id)).attributes()
        assert {k: v for k, v in li.attrs.items() if k in ("data-applies-when", "data-skip-when")} == expected
    when = {li["data-item-id"]: " ".join(li.select_one(".pb-item__when").get_text().split()) for li in items}
    assert when["bias-check/slice-metrics"] == ("From Bias check. Applies when the product has personal-data, "
                                                "and private-retrieval.")
    assert when["injection-defence/untrusted-inputs-listed"].endswith(
        "Applies when the product has private-retrieval or tool-use.")
    assert when["problem-fit/success-metric-set"].endswith("Applies to every product, but not when it has eu-users.")
    assert when["problem-fit/user-problem-stated"].endswith("Applies to every product.")


def test_plan_page_groups_items_by_stage_then_owner_with_counts(library_root: Path):
    page = _plan_page(load_library(library_root))
    stages = page.select("section.pb-plan__stage")
    assert [s["data-title"] for s in stages] == ["Discover", "Define", "Build", "Validate"]
    define = stages[1]
    assert [o["data-title"] for o in define.select("section.pb-plan__owner")] == ["Product manager", "Engineering",
                                                                                 "Trust and safety"]
    assert define.select_one("[data-pb-plan-count]").get_text() == "(3 items, 1 must)"


def test_plan_page_asks_one_question_per_trait_in_a_form(library_root: Path):
    page = _plan_page(load_library(library_root))
    form = page.select_one("form[data-pb-plan-form]")
    assert not {"action", "method"} & set(form.attrs)
    assert [f.legend.get_text() for f in form.select("fieldset")] == ["Data", "Other questions", "Users"]
    boxes = form.select("input[type=checkbox][name=trait]")
    assert [b["value"] for b in boxes] == ["personal-data", "private-retrieval", "tool-use", "eu-users"]
    for box in boxes:
        label = form.select_one(f"label[for={box['id']}]")
        help_text = form.select_one(f"#{box['aria-describedby']}")
        assert label.get_text().endswith("?") and help_text.get_text().startswith("Answer yes")


@pytest.mark.slow
def test_the_built_site_has_the_plan_page_in_its_navigation(fixture_site: SiteBuild):
    assert PLAN_URI == "plan/index.md"
    html = BeautifulSoup(fixture_site.page("plan"), "html.parser")
    article = html.select_one("article")
    assert article.select_one("h1").get_text() == "Plan my review"
    assert len(article.select("li[data-item-id] input.pb-item__check")) == 6
    assert len(article.select("fieldset input[type=checkbox][name=trait]")) == 4
    assert {s["src"].rsplit("/", 1)[-1] for s in html.select("script[src]") if "assets/" in s["src"]} >= {
        "checklist.js", "print.js", "plan.js"}
    home = BeautifulSoup(fixture_site.page(""), "html.parser")
    nav = [a.get_text(" ", strip=True) for a in home.select(".md-nav--primary > .md-nav__list > li > a, "
                                                            ".md-nav--primary > .md-nav__list > li > label")]
    assert nav[nav.index("Start here") + 1] == "Plan my review", nav  # near the top
