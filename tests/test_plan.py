"""Plan my review: product traits, item conditions, three-valued answers, the selection,
`playbook plan`, its page and the library-wide targets of applicability.

The rule is tested on hand-made objects and with generated conditions; the command on a copy of
the fixture library with conditions added (`conditioned_library`, also used by the browser tests);
the page's markup and data on the renderer's output and in the session's fixture build; the
shipped library for the targets its content must meet, computed from the data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_LIBRARY, REPO, SiteBuild
from playbook import plan
from playbook.cli import main
from playbook.export import safe_cell
from playbook.load import check_library, load_library
from playbook.model import Item, Library, Playbook, Trait
from playbook.plan import (NO, UNANSWERED, UNSURE, YES, Answers, Condition, answers, applies, condition, describe,
                           entries, groups, ordered_items, plan_record, select)
from playbook.render import PLAN_ITEMS, PLAN_URI, Renderer
from playbook.vocab import LEVELS, ROLES, STAGES

# Conditions laid over the fixture library: (file, text after which to insert, the new text).
CONDITIONS = [
    ("traits.yaml", "    help: Answer yes for agents that send, buy, edit or run things for the user.\n",
     "  - id: acts-alone\n    requires: tool-use\n    question: Can it act without a person approving each action?\n"
     "    label: acts without approval\n    help: Answer yes when some actions run straight away.\n"
     "    example: An agent that refunds small orders.\n"),
    ("strategy/problem-fit.yaml", "    stage: define\n    why: A rules engine", "    applies_when: [tool-use]\n"),
    ("strategy/problem-fit.yaml", "  - id: success-metric-set\n", "    skip_when: [eu-users]\n"),
    ("ethics/bias-check.yaml", "last_reviewed: 2026-10-01\n", "applies_when: [personal-data]\n"),
    ("ethics/bias-check.yaml", "    stage: validate\n", "    applies_when_all: [private-retrieval, eu-users]\n"),
    ("feasibility/injection-defence.yaml", "    stage: build\n", "    applies_when: [private-retrieval, acts-alone]\n"),
]
STATED, SIMPLER, METRIC = "problem-fit/user-problem-stated", "problem-fit/simpler-alternative-tried", \
    "problem-fit/success-metric-set"
GROUPS, SLICES, UNTRUSTED = "bias-check/groups-listed", "bias-check/slice-metrics", \
    "injection-defence/untrusted-inputs-listed"
# What applies to a product that answers no to every question, in plan order.
EVERY_PRODUCT = [STATED, METRIC]


def conditioned_library(target: Path) -> Path:
    """A copy of the fixture library whose traits include a follow-up (acts-alone, under tool-use)
    and whose playbooks declare conditions: simpler-alternative-tried needs tool-use;
    success-metric-set is skipped for eu-users; all of bias-check needs personal-data, and its
    slice-metrics both private-retrieval and eu-users; untrusted-inputs-listed needs
    private-retrieval or acts-alone."""
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


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(REPO / "playbook_data")


# -- the rule -------------------------------------------------------------------------------------

TRAITS = ("a", "b", "c", "d", "e", "f")


def _library(*traits: Trait) -> Library:
    return Library(playbooks=(), traits=traits or tuple(_trait(t) for t in TRAITS))


def _trait(trait_id: str, requires: str | None = None) -> Trait:
    return Trait(id=trait_id, question=f"{trait_id}?", label=f"has {trait_id}", help="h", example="e",
                 requires=requires)


def _answers(**given: str) -> Answers:
    return plan.resolve(_library(), given)


def _playbook(*items: Item, applies_when: tuple[str, ...] = (), skip_when: tuple[str, ...] = (),
              applies_when_all: tuple[str, ...] = ()) -> Playbook:
    return Playbook(id="p", title="P", category="strategy", summary="S", items=items, applies_when=applies_when,
                    skip_when=skip_when, applies_when_all=applies_when_all)


def _item(item_id: str = "i", **fields) -> Item:
    return Item(playbook_id="p", id=item_id, text="Do it.", **fields)


def test_an_item_without_conditions_applies_to_every_product():
    item = _item()
    playbook = _playbook(item)
    assert applies(item, playbook, set()) and applies(item, playbook, {"tool-use", "eu-users"})
    assert not condition(item, playbook)
    assert condition(item, playbook).verdict(_answers()) is True  # even with nothing answered


def test_applies_when_needs_any_one_of_its_traits():
    item = _item(applies_when=("tool-use", "private-retrieval"))
    playbook = _playbook(item)
    assert not applies(item, playbook, set())
    assert not applies(item, playbook, {"eu-users"})
    assert applies(item, playbook, {"private-retrieval"})
    assert applies(item, playbook, {"tool-use", "private-retrieval", "eu-users"})


def test_applies_when_all_needs_every_one_of_its_traits():
    item = _item(applies_when=("modality-image", "modality-audio"), applies_when_all=("eu-users", "public-launch"))
    playbook = _playbook(item)
    assert condition(item, playbook).applies_when == (("modality-image", "modality-audio"), ("eu-users",),
                                                      ("public-launch",))
    assert not applies(item, playbook, {"modality-image", "eu-users"})
    assert not applies(item, playbook, {"eu-users", "public-launch"})
    assert applies(item, playbook, {"modality-audio", "eu-users", "public-launch"})


def test_skip_when_rules_an_item_out_whatever_else_the_product_has():
    item = _item(applies_when=("tool-use",), skip_when=("minors", "eu-users"))
    playbook = _playbook(item)
    assert applies(item, playbook, {"tool-use"})
    assert not applies(item, playbook, {"tool-use", "eu-users"})
    assert not applies(item, playbook, {"minors"})


def test_an_items_condition_is_its_playbooks_and_its_own_together():
    item = _item(applies_when=("private-retrieval",), skip_when=("minors",))
    playbook = _playbook(item, applies_when=("personal-data", "eu-users"), skip_when=("tool-use",),
                         applies_when_all=("public-launch",))
    assert condition(item, playbook) == Condition(
        applies_when=(("personal-data", "eu-users"), ("private-retrieval",), ("public-launch",)),
        skip_when=("tool-use", "minors"))
    assert not applies(item, playbook, {"private-retrieval", "public-launch"})  # the playbook's any-of fails
    assert not applies(item, playbook, {"personal-data", "public-launch"})  # the item's own condition fails
    assert not applies(item, playbook, {"eu-users", "private-retrieval"})  # the playbook's all-of fails
    assert applies(item, playbook, {"eu-users", "private-retrieval", "public-launch"})
    assert not applies(item, playbook, {"eu-users", "private-retrieval", "public-launch", "tool-use"})
    assert not applies(item, playbook, {"eu-users", "private-retrieval", "public-launch", "minors"})


def test_not_sure_and_not_answered_keep_an_item_in_and_say_what_it_depends_on():
    when = Condition(applies_when=(("a", "b"), ("c",)), skip_when=("d",))
    assert when.verdict(_answers(a=YES, c=YES, d=NO)) is True
    assert when.verdict(_answers(a=NO, b=NO, c=YES, d=NO)) is False
    unsure = _answers(a=UNSURE, b=NO, c=YES, d=NO)
    assert when.verdict(unsure) is None and when.open_traits(unsure) == ("a",)
    unanswered = _answers(a=YES)  # c and d not answered
    assert when.verdict(unanswered) is None and when.open_traits(unanswered) == ("b", "c", "d")
    assert when.verdict(_answers(a=UNSURE, c=NO)) is False  # a no that decides wins over any unknown
    assert when.verdict(_answers(a=YES, c=YES, d=YES)) is False  # so does a skip trait answered yes
    assert when.verdict(_answers(b=YES, c=YES, d=UNSURE)) is None  # a skip trait not known: depends


def test_follow_up_answers_and_their_parents_agree():
    library = _library(_trait("tool-use"), _trait("acts-alone", requires="tool-use"), _trait("eu-users"))
    lifted = plan.resolve(library, {"acts-alone": YES, "tool-use": NO})
    assert (lifted["tool-use"], lifted.implied) == (YES, ("tool-use",))
    doubt = plan.answers(library, unsure=["acts-alone"])
    assert (doubt["tool-use"], doubt["acts-alone"], doubt["eu-users"]) == (UNSURE, UNSURE, NO)
    assert plan.resolve(library, {"tool-use": NO})["acts-alone"] == NO  # never asked: no
    assert plan.resolve(library, {"tool-use": NO, "acts-alone": UNSURE})["acts-alone"] == UNSURE  # lifted first
    assert plan.resolve(library, {})["acts-alone"] == UNANSWERED


def test_answers_name_known_traits_once_and_every_other_is_no():
    library = _library()
    given_ = answers(library, ["a", "b"], ["b", "c"], ["d"])
    assert given_.values == (("a", YES), ("b", YES), ("c", UNSURE), ("d", UNANSWERED), ("e", NO), ("f", NO))
    with pytest.raises(plan.UnknownTraits) as raised:
        answers(library, ["a"], ["g"])
    assert raised.value.unknown == ["g"]


_CONDITIONS = st.builds(
    Condition,
    applies_when=st.lists(st.lists(st.sampled_from(TRAITS), min_size=1, max_size=3, unique=True).map(tuple),
                          max_size=3).map(tuple),
    skip_when=st.lists(st.sampled_from(TRAITS), max_size=2, unique=True).map(tuple))
_STATES = st.dictionaries(st.sampled_from(TRAITS), st.sampled_from([YES, NO, UNSURE, UNANSWERED]))


@settings(max_examples=300, deadline=None)
@given(when=_CONDITIONS, given_=_STATES)
def test_three_valued_verdicts_never_contradict_any_way_the_open_answers_could_go(when: Condition, given_: dict):
    answered = _answers(**given_)
    verdict = when.verdict(answered)
    unknown = [t for t in TRAITS if answered.truth(t) is None]
    outcomes = set()
    for values in itertools.product((True, False), repeat=len(unknown)):
        has = {t for t in TRAITS if answered.truth(t)} | {t for t, v in zip(unknown, values) if v}
        outcomes.add(when.holds(has))
    if verdict is not None:
        assert outcomes == {verdict}  # a decided item stays decided, whatever the open questions turn out
    else:
        assert set(when.open_traits(answered)) <= set(unknown) and when.open_traits(answered)
    read_once = len(when.traits()) == sum(len(g) for g in when.applies_when) + len(when.skip_when)
    if read_once:  # each trait once: "depends" means both outcomes are really possible
        assert (verdict is None) == (outcomes == {True, False})


@settings(max_examples=200, deadline=None)
@given(when=_CONDITIONS, has=st.sets(st.sampled_from(TRAITS)))
def test_yes_and_no_answers_give_the_two_valued_rule(when: Condition, has: set[str]):
    assert when.verdict(answers(_library(), has)) is when.holds(has)


def test_conditions_read_in_plain_words_with_labels_not_ids():
    library = _library()
    assert describe(Condition(), library) == "Applies to every product."
    assert describe(Condition(applies_when=(("a",), ("b",))), library) == "Applies when the product has a and has b."
    assert describe(Condition(applies_when=(("a", "b"),)), library) == "Applies when the product either has a, or has b."
    assert describe(Condition(applies_when=(("a", "b", "c"), ("d",))), library) == \
        "Applies to a product that has d, when at least one of these is true: it has a; it has b; it has c."
    assert describe(Condition(applies_when=(("a", "b"), ("c", "d"), ("e",))), library) == (
        "Applies to a product that has e, when each of these holds: (1) at least one of: it has a; it has b; "
        "(2) at least one of: it has c; it has d.")
    assert describe(Condition(skip_when=("e",)), library) == "Applies unless the product has e."
    assert describe(Condition(applies_when=(("a",),), skip_when=("e", "f")), library) == \
        "Applies when the product has a. Not when it has e, or has f."


def test_a_group_that_holds_another_groups_traits_adds_nothing_and_is_left_out():
    item = _item(applies_when=("a", "b"))
    playbook = _playbook(item, applies_when=("a", "b", "c"), applies_when_all=("d",))
    assert condition(item, playbook).applies_when == (("a", "b"), ("d",))
    everything = [set(c) for n in range(5) for c in itertools.combinations("abcd", n)]
    assert [applies(item, playbook, has) for has in everything] == [
        bool(has & {"a", "b"}) and bool(has & {"a", "b", "c"}) and "d" in has for has in everything]


def test_selection_rejects_traits_the_library_does_not_define(library_root: Path):
    library = load_library(library_root)
    with pytest.raises(plan.UnknownTraits) as raised:
        select(library, {"tool-use", "tool-usage"})
    assert raised.value.unknown == ["tool-usage"]


@pytest.mark.parametrize("traits, expected", [
    (set(), EVERY_PRODUCT),
    ({"tool-use"}, [STATED, SIMPLER, METRIC]),
    ({"acts-alone"}, [STATED, SIMPLER, METRIC, UNTRUSTED]),  # a follow-up brings its parent
    ({"eu-users"}, [STATED]),
    ({"personal-data"}, [STATED, GROUPS, METRIC]),
    ({"personal-data", "private-retrieval"}, [STATED, GROUPS, METRIC, UNTRUSTED]),
    ({"personal-data", "private-retrieval", "eu-users"}, [STATED, GROUPS, UNTRUSTED, SLICES]),
])
def test_selection_keeps_exactly_the_items_whose_conditions_hold(library_root: Path, traits: set[str],
                                                                  expected: list[str]):
    assert [i.global_id for i in select(load_library(library_root), traits)] == expected


@pytest.mark.parametrize("yes, unsure, expected", [
    (["personal-data"], ["eu-users"], [(STATED, ()), (GROUPS, ()), (METRIC, ("eu-users",))]),
    (["private-retrieval"], ["personal-data", "tool-use"],
     [(STATED, ()), (GROUPS, ("personal-data",)), (SIMPLER, ("tool-use",)), (METRIC, ()), (UNTRUSTED, ())]),
    ([], ["acts-alone"], [(STATED, ()), (SIMPLER, ("tool-use",)), (METRIC, ()), (UNTRUSTED, ("acts-alone",))]),
])
def test_not_sure_keeps_the_items_it_could_bring_and_names_the_answer_they_wait_for(
        library_root: Path, yes: list[str], unsure: list[str], expected: list[tuple[str, tuple[str, ...]]]):
    library = load_library(library_root)
    assert [(e.item.global_id, e.open) for e in entries(library, answers(library, yes, unsure))] == expected


def test_plan_order_is_stage_then_must_should_could_then_owner(shipped: Library):
    items = ordered_items(shipped)
    assert len(items) == sum(len(p.items) for p in shipped.playbooks)
    rank = {"stage": list(STAGES), "owner": list(ROLES), "level": list(LEVELS)}
    keys = [tuple(rank[f].index(getattr(i, f)) for f in ("stage", "level", "owner")) for i in items]
    assert keys == sorted(keys)
    assert [s for s, _ in groups(items)] == list(STAGES)


# -- the library's applicability: targets computed from the data --------------------------------

UNIVERSAL_LIMIT, MUST_LIMIT = 0.30, 0.25
FIRST_TRAITS = ("modality-text", "modality-image", "modality-audio", "modality-code", "private-retrieval",
                "personal-data", "fine-tuning", "third-party-model", "tool-use", "public-launch", "minors",
                "eu-users", "regulated-domain")


def test_at_most_30_percent_of_items_apply_to_every_product(shipped: Library):
    items = list(shipped.items())
    universal = plan.universal(shipped)
    assert [i.global_id for i in select(shipped, set())] == [i.global_id for i in ordered_items(shipped)
                                                             if i in universal]
    assert len(universal) <= UNIVERSAL_LIMIT * len(items), f"{len(universal)} of {len(items)} apply to every product"


def test_at_most_25_percent_of_items_are_must(shipped: Library):
    items = list(shipped.items())
    must = [i for i in items if i.level == "must"]
    assert len(must) <= MUST_LIMIT * len(items), f"{len(must)} of {len(items)} items are must"
    assert must, "launch blockers still exist"


def test_every_item_is_reachable_by_some_set_of_answers(shipped: Library):
    for item in shipped.items():
        witness = plan.witness(shipped, item)
        assert witness is not None, item.global_id
        assert item in select(shipped, witness), item.global_id


def test_every_trait_decides_something_and_answering_yes_to_everything_selects_everything(shipped: Library):
    named = {t for p in shipped.playbooks for i in p.items for t in condition(i, p).traits()}
    assert named == {t.id for t in shipped.traits}
    assert len(select(shipped, {t.id for t in shipped.traits})) == \
        sum(1 for p in shipped.playbooks for i in p.items if not condition(i, p).skip_when)


def _needs(library: Library, item: Item, traits: set[str]) -> bool:
    """Whether the item can apply only to a product with one of `traits` (answering yes to all else)."""
    others = {t.id for t in library.traits} - traits
    others = {t for t in others if not any(tr.id == t and tr.requires in traits for tr in library.traits)}
    return not applies(item, library.playbook(item.playbook_id), others)


@pytest.mark.parametrize("entry, traits", [
    ("LLM08:2025", {"private-retrieval", "persistent-memory"}),  # vector and embedding weaknesses
    ("LLM06:2025", {"tool-use"}),  # excessive agency
])
def test_items_on_a_trait_bound_risk_apply_only_with_that_trait(shipped: Library, entry: str, traits: set[str]):
    citing = [i for i in shipped.items() if any(r.framework == "owasp-llm-top10" and r.entry == entry for r in i.refs)]
    assert citing
    assert [i.global_id for i in citing if not _needs(shipped, i, traits)] == []


def test_items_whose_only_basis_is_the_eu_ai_act_apply_only_with_eu_users(shipped: Library):
    eu_only = [i for i in shipped.items() if i.refs and {r.framework for r in i.refs} == {"eu-ai-act"}]
    assert eu_only
    assert [i.global_id for i in eu_only if not _needs(shipped, i, {"eu-users"})] == []


def test_the_questions_keep_the_first_ids_and_each_has_help_an_example_and_a_label(shipped: Library):
    ids = [t.id for t in shipped.traits]
    assert set(FIRST_TRAITS) <= set(ids)  # an interface: shared links and review records use them
    assert len(ids) <= 28  # each trait is one more question to answer
    for position, trait in enumerate(shipped.traits):
        assert trait.question.endswith("?") and trait.help.strip() and trait.example.strip(), trait.id
        assert trait.group, trait.id
        assert trait.label[0].islower() and trait.id not in trait.label, trait.id  # "the product <label>"
        if trait.requires:
            assert trait.requires in ids[:position], trait.id
    assert {t.id: t.requires for t in shipped.traits if t.requires} == {
        "autonomous-actions": "tool-use", "code-execution": "tool-use", "general-public": "public-launch"}


# -- traits.yaml and the model ------------------------------------------------------------------


def test_traits_load_in_file_order_with_their_groups():
    library = load_library(FIXTURE_LIBRARY)
    assert [(t.id, t.group) for t in library.traits] == [
        ("personal-data", "Data"), ("private-retrieval", "Data"), ("tool-use", None), ("eu-users", "Users")]
    assert library.trait("tool-use") == Trait(
        id="tool-use", question="Can the model call tools or take actions on its own?",
        label="calls tools or takes actions", help="Answer yes for agents that send, buy, edit or run things for the user.",
        example="An assistant that books meetings.")


def test_a_library_without_traits_yaml_defines_no_traits_and_rejects_every_condition(library_root: Path,
                                                                                    monkeypatch, capsys):
    (library_root / "traits.yaml").unlink()
    assert check_library(FIXTURE_LIBRARY).problems == ()
    monkeypatch.chdir(library_root.parent)
    assert main(["validate"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == ("playbook_data/ethics/bias-check.yaml:9:16: $.applies_when[0]: unknown trait 'personal-data'. "
                        "The library defines no traits: list them in traits.yaml at the library root.")
    assert lines[-1] == "7 problem(s) found in 3 playbook file(s)."


def test_export_carries_the_conditions_under_their_yaml_names(library_root: Path):
    library = load_library(library_root)
    bias = library.playbook("bias-check").to_data()
    assert bias["applies_when"] == ["personal-data"] and "skip_when" not in bias
    assert bias["items"][1]["applies_when_all"] == ["private-retrieval", "eu-users"]
    assert "applies_when" not in bias["items"][0]


# -- playbook plan --------------------------------------------------------------------------------


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "playbook.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_plan_without_traits_prints_what_applies_to_every_product(library_root: Path):
    result = run("plan", cwd=library_root.parent)
    assert result.returncode == 0
    assert result.stderr == "2 item(s) from 1 playbook(s) in the plan, 1 of them must.\n"
    text = result.stdout
    assert text.startswith("# Review plan\n\nCreated ")
    assert "- No: Can the model call tools or take actions on its own?\n" in text
    assert "`tool-use`" not in text  # answers in words, never ids
    assert "## Discover: 1 item, 1 must\n\n- [ ] Write the user problem in one paragraph that does not mention AI. " \
           "(**must**, Product manager; `problem-fit/user-problem-stated`)" in text
    assert "## Define: 1 item, 0 must" in text and "(**could**, Product manager; `problem-fit/success-metric-set`)" in text
    assert "simpler-alternative-tried" not in text


def test_plan_records_yes_no_and_not_sure_and_marks_what_depends_on_them(library_root: Path):
    result = run("plan", "--trait", "personal-data", "--unsure", "eu-users", "--product", "Support bot",
                 "--format", "json", cwd=library_root.parent)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "3 item(s) from 2 playbook(s) in the plan, 2 of them must; 1 depend on answers that " \
                            "are not sure.\n"
    data = json.loads(result.stdout)
    assert data["format"] == "genai-playbook-review" and data["version"] == 2 and data["product"] == "Support bot"
    assert (data["traits"], data["unsure"], data["unanswered"]) == (["personal-data"], ["eu-users"], [])
    assert [(a["id"], a["answer"]) for a in data["answers"]] == [
        ("personal-data", "yes"), ("private-retrieval", "no"), ("tool-use", "no"), ("acts-alone", "no"),
        ("eu-users", "not sure")]
    assert [i["id"] for i in data["items"]] == [STATED, GROUPS, METRIC]
    assert data["counts"] == {"items": 3, "must": 2, "depends": 1, "playbooks": 2}
    assert data["items"][2] == {
        "id": METRIC, "playbook_id": "problem-fit", "playbook_title": "Is generative AI the right tool?",
        "url": "strategy/problem-fit/#success-metric-set",
        "text": "Agree on one success metric with a target before building.", "level": "could", "owner": "product-manager",
        "stage": "define", "applies_when": [], "skip_when": ["eu-users"],
        "when": "Applies unless the product has users in the European Union.", "applies": "depends",
        "depends_on": [{"id": "eu-users", "label": "has users in the European Union", "answer": "not sure"}],
        "done": False, "note": ""}
    markdown = run("plan", "--trait", "personal-data", "--unsure", "eu-users", cwd=library_root.parent).stdout
    assert "- Not sure: Will people in the European Union use the feature?\n" in markdown
    assert "- Yes: Can personal data reach the model, its logs or its training data?\n" in markdown
    assert "`problem-fit/success-metric-set`)\n  - Depends on: has users in the European Union (not sure)\n" in markdown


def test_plan_notes_that_a_follow_up_answer_implies_its_parent(library_root: Path):
    result = run("plan", "--trait", "acts-alone", "--format", "json", cwd=library_root.parent)
    assert result.returncode == 0
    assert result.stderr.splitlines()[0] == "note: acts-alone implies 'tool-use': answered yes"
    data = json.loads(result.stdout)
    assert data["traits"] == ["tool-use", "acts-alone"]


def test_plan_csv_lists_every_answer_then_every_item_with_empty_done_and_note(library_root: Path, tmp_path: Path):
    out = tmp_path / "review" / "plan.csv"
    result = run("plan", "--trait", "personal-data", "--trait", "private-retrieval", "--unsure", "eu-users",
                 "--format", "csv", "--output", str(out), cwd=library_root.parent)
    assert result.returncode == 0 and result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["id"], r["answer"]) for r in rows if r["record"] == "answer"] == [
        ("personal-data", "yes"), ("private-retrieval", "yes"), ("tool-use", "no"), ("acts-alone", "no"),
        ("eu-users", "not sure")]
    library = load_library(library_root)
    assert [r["id"] for r in rows if r["record"] == "item"] == [
        i.global_id for i in select(library, answers(library, ["personal-data", "private-retrieval"], ["eu-users"]))]
    slices = next(r for r in rows if r["id"] == SLICES)
    assert slices["when"] == "Depends on: has users in the European Union (not sure)"
    assert (slices["done"], slices["note"], slices["stage"], slices["owner"]) == ("", "", "Validate",
                                                                                  "ML engineering and data science")
    stated = next(r for r in rows if r["id"] == STATED)
    assert stated["when"] == "Applies to every product."


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_stay_text():
    assert [safe_cell(v) for v in ["=1+1", "+cmd", "-2", "@SUM(A1)", "\tx", "\rx", "plain", 3, None]] == [
        "'=1+1", "'+cmd", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "plain", 3, None]


@pytest.mark.parametrize("args, message", [
    (["--trait", "tool-usage", "--trait", "eu-users"],
     "unknown trait 'tool-usage'. Did you mean 'tool-use'? Known traits: personal-data, private-retrieval, tool-use, "
     "acts-alone, eu-users."),
    (["--unsure", "eu-user"],
     "unknown trait 'eu-user'. Did you mean 'eu-users'? Known traits: personal-data, private-retrieval, tool-use, "
     "acts-alone, eu-users."),
    (["--trait", "eu-users", "--unsure", "eu-users"],
     "trait 'eu-users' is given with both --trait and --unsure; answer it once"),
])
def test_plan_usage_errors_say_what_to_fix(library_root: Path, args: list[str], message: str):
    result = run("plan", *args, cwd=library_root.parent)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines()[-1] == f"playbook plan: error: {message}"


def test_plan_refuses_a_library_with_problems(library_root: Path):
    (library_root / "traits.yaml").write_text("traits: []\n", encoding="utf-8")
    result = run("plan", cwd=library_root.parent)
    assert result.returncode == 1 and result.stdout == ""
    assert "playbook_data/traits.yaml:1:9: $.traits: must list at least 1 entry" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_record_is_the_same_selection_in_every_format(library_root: Path):
    library = load_library(library_root)
    given_ = answers(library, ["tool-use", "personal-data"], ["private-retrieval"])
    ids = [i.global_id for i in select(library, given_)]
    day = dt.date(2026, 3, 1)
    data = json.loads(plan_record(library, given_, "json", today=day))
    assert [i["id"] for i in data["items"]] == ids and data["created"] == "2026-03-01"
    assert [r["id"] for r in csv.DictReader(io.StringIO(plan_record(library, given_, "csv")))
            if r["record"] == "item"] == ids
    markdown = plan_record(library, given_, "md", today=day)
    assert [line.rsplit("`", 2)[1] for line in markdown.splitlines() if line.startswith("- [ ]")] == ids


# -- the page -----------------------------------------------------------------------------------


def _plan_page(library: Library) -> BeautifulSoup:
    return BeautifulSoup(Renderer(library).plan_page().split("---\n", 2)[2], "html.parser")


def test_plan_page_asks_each_question_with_yes_no_and_not_sure(library_root: Path):
    library = load_library(library_root)
    page = _plan_page(library)
    form = page.select_one("form[data-pb-plan-form]")
    assert not {"action", "method"} & set(form.attrs)
    assert [f.legend.get_text() for f in form.select("fieldset.pb-plan__group")] == ["Data", "Other questions",
                                                                                      "Users"]
    questions = form.select("fieldset.pb-q")
    assert [q["data-trait"] for q in questions] == ["personal-data", "private-retrieval", "tool-use", "acts-alone",
                                                    "eu-users"]
    for question, trait in zip(questions, library.traits):
        assert question.legend.get_text() == trait.question
        assert [(r["value"], r.parent.get_text(strip=True)) for r in question.select("input[type=radio]")] == [
            ("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")]
        assert {r["name"] for r in question.select("input[type=radio]")} == {f"q-{trait.id}"}
        help_text = question.select_one(f"#{question['aria-describedby']}").get_text()
        assert help_text.startswith(trait.help) and help_text.endswith(trait.example)
        assert question.get("data-requires") == trait.requires
    text = form.get_text(" ")
    assert not [t.id for t in library.traits if f" {t.id} " in f" {text} "]  # readers never see trait ids


def test_plan_page_embeds_no_item_and_points_at_its_data_files(library_root: Path):
    page = _plan_page(load_library(library_root))
    assert not page.select("[data-item-id]")
    form = page.select_one("form[data-pb-plan-form]")
    assert form["data-items"] == "plan-items.json" and not form.has_attr("data-details")
    assert PLAN_ITEMS == "plan/plan-items.json"
    assert page.select_one("[data-pb-plan-total]").get_text() == (
        "The library has 6 checks in 3 playbooks; 1 apply to every product. "
        "Answer the questions to see the ones that apply to yours.")


def test_plan_data_holds_every_item_in_plan_order_with_its_condition_and_no_details(library_root: Path):
    library = load_library(library_root)
    files = Renderer(library).plan_data_files()
    assert list(files) == [PLAN_ITEMS], "details come from the playbook pages, not from a second copy"
    head = json.loads(files[PLAN_ITEMS])
    assert [t["id"] for t in head["traits"]] == [t.id for t in library.traits]
    assert head["traits"][3] == {"id": "acts-alone", "label": "acts without approval", "requires": "tool-use"}
    assert [i["id"] for i in head["items"]] == [i.global_id for i in ordered_items(library)]
    for row in head["items"]:
        item = library.item(row["id"])
        when = condition(item, library.playbook(item.playbook_id))
        assert (row.get("all", []), row.get("skip", [])) == ([list(g) for g in when.applies_when],
                                                             list(when.skip_when))
        assert head["playbooks"][row["book"]]["id"] == item.playbook_id
        assert not {"why", "how", "refs", "when"} & set(row)
    assert head["playbooks"][0]["url"].startswith("../")


def test_a_playbook_page_says_in_words_when_a_conditional_item_applies(library_root: Path):
    library = load_library(library_root)
    page = BeautifulSoup(Renderer(library).playbook_page(library.playbook("injection-defence")), "html.parser")
    assert page.select_one(".pb-item__when").get_text() == \
        "Applies when the product either answers from private documents, or acts without approval."
    problem_fit = BeautifulSoup(Renderer(library).playbook_page(library.playbook("problem-fit")), "html.parser")
    assert [p.get_text() for p in problem_fit.select(".pb-item__when")] == [
        "Applies when the product calls tools or takes actions.",
        "Applies unless the product has users in the European Union."]


@pytest.mark.slow
def test_the_built_site_publishes_the_plan_page_and_its_data(fixture_site: SiteBuild):
    assert PLAN_URI == "plan/index.md"
    html = BeautifulSoup(fixture_site.page("plan"), "html.parser")
    article = html.select_one("article")
    assert article.select_one("h1").get_text().rstrip("¶") == "Plan my review"  # a Markdown heading, with a permalink
    assert len(article.select("fieldset.pb-q")) == 4
    assert {s["src"].rsplit("/", 1)[-1] for s in html.select("script[src]") if "assets/" in s["src"]} >= {
        "checklist.js", "print.js", "plan.js"}
    data = json.loads((fixture_site.site / PLAN_ITEMS).read_text(encoding="utf-8"))
    assert len(data["items"]) == 6 and not (fixture_site.site / "plan" / "plan-details.json").exists()
    home = BeautifulSoup(fixture_site.page(""), "html.parser")
    nav = [a.get_text(" ", strip=True) for a in home.select(".md-nav--primary > .md-nav__list > li > a, "
                                                            ".md-nav--primary > .md-nav__list > li > label")]
    assert nav[nav.index("Start here") + 1] == "Plan my review", nav  # near the top
