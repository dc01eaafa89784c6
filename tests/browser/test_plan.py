"""The "Plan my review" page (docs/assets/plan.js with checklist.js and print.js) in real Chromium.

Two sites are built once for this module: the fixture library with the conditions of
`test_plan.conditioned_library` (six items, five traits, one of them a follow-up) for the
questionnaire, the URL, shared progress, filters, details, the record and printing; and the
shipped library, to show that the page and `playbook plan` select the same items in the same
order for four products.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

import playbook
from conftest import REPO, make_project, run_build
from playbook.cli import main
from playbook.load import load_library
from playbook.plan import answers, select
from test_plan import EVERY_PRODUCT, GROUPS, METRIC, SIMPLER, SLICES, STATED, UNTRUSTED, conditioned_library

from .conftest import CHROMIUM, SiteServer, unavailable

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip these tests, or fail them under CI
    pass

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PLAN = "plan/"
PREFIX = "genai-playbook:v1:"
TRAITS = ["personal-data", "private-retrieval", "tool-use", "acts-alone", "eu-users"]


def _serve(root: Path, library: Path) -> Iterator[str]:
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    make_project(root, library)
    server = SiteServer(root / "site")
    (root / "mkdocs.browser.yml").write_text(f"INHERIT: mkdocs.yml\nsite_url: {server.url}\n", encoding="utf-8")
    build = run_build(root, "--config-file", "mkdocs.browser.yml")
    try:
        assert build.returncode == 0, build.stderr
        server.start()
        yield server.url
    finally:
        server.close()


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return conditioned_library(tmp_path_factory.mktemp("plan-library") / "playbook_data")


@pytest.fixture(scope="module")
def plan_url(tmp_path_factory: pytest.TempPathFactory, library: Path) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("plan-site"), library)


@pytest.fixture(scope="module")
def real_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("real-site"), REPO / "playbook_data")


@pytest.fixture
def page(new_page: Callable[..., Page], plan_url: str) -> Page:
    return new_page(plan_url)


def open_plan(page: Page, query: str = "", levels: str | None = "") -> None:
    """Open the plan page and wait for its items; `levels` sets the level filter ("" shows every
    level, as `playbook plan` lists them; None keeps the page's default, must and should)."""
    page.goto(PLAN + query)
    page.locator("form[data-pb-ready]").wait_for(state="attached")  # plan.js has loaded the items
    if levels is not None:
        page.evaluate("""levels => {
            const select = document.querySelector('[data-pb-plan-filters] select[name="level"]');
            select.value = levels;
            select.dispatchEvent(new Event("change", {bubbles: true}));
        }""", levels)


def shown(page: Page) -> list[str]:
    return page.locator(".pb-plan__rows > li[data-item-id]").evaluate_all(
        "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.itemId)")


def answer(page: Page, trait: str, value: str) -> None:
    page.locator(f'#q-{trait} input[value="{value}"]').check()


def answer_all(page: Page, yes: list[str] = (), unsure: list[str] = ()) -> None:
    """Answer every question at once, like a person who went through the form (one change event)."""
    page.evaluate("""([yes, unsure]) => {
        document.querySelectorAll('fieldset[data-trait]').forEach(q => {
            const t = q.dataset.trait, v = yes.includes(t) ? "yes" : unsure.includes(t) ? "unsure" : "no";
            q.querySelector(`input[value="${v}"]`).checked = true;
        });
        document.querySelector('fieldset[data-trait] input').dispatchEvent(new Event("change", {bubbles: true}));
    }""", [list(yes), list(unsure)])


def box(page: Page, global_id: str) -> Any:
    return page.locator(f'li[data-item-id="{global_id}"] input.pb-item__check')


def row(page: Page, global_id: str) -> Any:
    return page.locator(f'.pb-plan__rows > li[data-item-id="{global_id}"]')


def expected(library: Path, yes: list[str], unsure: list[str] = ()) -> list[str]:
    lib = load_library(library)
    return [i.global_id for i in select(lib, answers(lib, yes, unsure))]


def download(page: Page, button: str) -> tuple[str, str]:
    page.evaluate("document.querySelector('[data-pb-plan-save]').open = true")  # 'Save, load or print this plan'
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return info.value.suggested_filename, Path(info.value.path()).read_text(encoding="utf-8")


# -- the questionnaire ------------------------------------------------------------------------------


def test_the_plan_shows_must_and_should_first_and_good_practice_on_request(page: Page, library: Path) -> None:
    open_plan(page, "?traits=tool-use", levels=None)
    assert expected(library, ["tool-use"]) == [STATED, SIMPLER, METRIC]
    assert shown(page) == [STATED, SIMPLER]  # success-metric-set is a could
    more = page.get_by_role("button", name="Show the 1 good-practice check (could) too")
    more.click()
    assert shown(page) == [STATED, SIMPLER, METRIC]
    expect(more).to_be_hidden()
    expect(page.locator('[data-pb-plan-filters] select[name="level"]')).to_have_value("")


def test_answers_build_the_plan_and_update_the_counts_at_once(page: Page, library: Path) -> None:
    open_plan(page)
    total = page.locator("[data-pb-plan-total]")
    expect(total).to_have_text("The library has 6 checks in 3 playbooks; 1 apply to every product. "
                               "Answer the questions to see the ones that apply to yours.")
    assert shown(page) == []

    answer_all(page)  # no to everything
    assert shown(page) == EVERY_PRODUCT == expected(library, [])
    expect(total).to_have_text("2 checks in your plan, 1 must. Done: 0 of 2; must: 0 of 1.")
    expect(page.locator("#stage-build")).to_have_count(0)  # no item of the stage applies

    answer(page, "tool-use", "yes")
    assert shown(page) == expected(library, ["tool-use"]) == [STATED, SIMPLER, METRIC]
    expect(page.locator("#stage-define .pb-plan__count")).to_have_text("(2 checks, 0 must)")
    answer(page, "eu-users", "yes")  # success-metric-set is skipped for EU users
    assert shown(page) == expected(library, ["tool-use", "eu-users"]) == [STATED, SIMPLER]
    answer(page, "tool-use", "no")
    assert shown(page) == [STATED]
    page.once("dialog", lambda dialog: dialog.accept())  # "Clear every answer?"
    page.evaluate("document.querySelector('[data-pb-plan-save]').open = true")
    page.get_by_role("button", name="Clear answers").click()
    assert shown(page) == []
    expect(page.locator("details[data-pb-plan-ask]")).to_have_attribute("open", "")


def test_not_sure_keeps_the_checks_it_could_bring_and_marks_them(page: Page, library: Path) -> None:
    open_plan(page)
    answer_all(page, yes=["personal-data"], unsure=["eu-users"])
    assert shown(page) == expected(library, ["personal-data"], ["eu-users"]) == [STATED, GROUPS, METRIC]
    expect(row(page, METRIC).locator(".pb-row__depends")).to_have_text(
        "Depends on: has users in the European Union (not sure)")
    expect(row(page, GROUPS).locator(".pb-row__depends")).to_have_text("")
    expect(page.locator("[data-pb-plan-total]")).to_contain_text("1 check waits on 1 answer of not sure.")


def test_a_follow_up_question_is_asked_only_after_its_parent(page: Page, library: Path) -> None:
    open_plan(page)
    follow_up = page.locator("#q-acts-alone")
    expect(follow_up).to_be_hidden()
    answer(page, "tool-use", "yes")
    expect(follow_up).to_be_visible()
    answer(page, "acts-alone", "yes")
    answer(page, "tool-use", "no")  # the follow-up is no longer asked, and its answer becomes no
    expect(follow_up).to_be_hidden()
    answer_all(page, yes=["acts-alone"])  # a yes to the follow-up brings its parent along
    expect(page.locator('#q-tool-use input[value="yes"]')).to_be_checked()
    assert shown(page) == expected(library, ["acts-alone"]) == [STATED, SIMPLER, METRIC, UNTRUSTED]


def test_answers_round_trip_through_the_url_and_this_browsers_storage(
        page: Page, new_page: Callable[..., Page], plan_url: str, library: Path) -> None:
    open_plan(page)
    answer(page, "personal-data", "yes")
    answer(page, "private-retrieval", "unsure")
    answer(page, "eu-users", "no")
    page.get_by_label("Product name, for the record (optional)").fill("Support bot")
    link = re.compile(r"/plan/\?traits=personal-data&unsure=private-retrieval&open=tool-use,acts-alone"
                      r"&product=Support%20bot$")
    expect(page).to_have_url(link)
    wanted = shown(page)
    assert wanted == [STATED, GROUPS, SIMPLER, METRIC, UNTRUSTED]  # not answered keeps tool-use's checks too

    other = new_page(plan_url)  # someone else opens the shared link: a fresh browser, nothing saved
    open_plan(other, page.url.split("/plan/", 1)[1])
    expect(other.locator('#q-personal-data input[value="yes"]')).to_be_checked()
    expect(other.locator('#q-private-retrieval input[value="unsure"]')).to_be_checked()
    expect(other.locator('#q-eu-users input[value="no"]')).to_be_checked()
    expect(other.locator("#q-tool-use input:checked")).to_have_count(0)  # still not answered
    expect(other.get_by_label("Product name, for the record (optional)")).to_have_value("Support bot")
    assert shown(other) == wanted

    page.goto("")  # away, then back to the bare address: the answers come from local storage
    open_plan(page)
    expect(page.locator('#q-private-retrieval input[value="unsure"]')).to_be_checked()
    assert shown(page) == wanted
    expect(page).to_have_url(link)


def test_a_complete_link_shows_the_plan_first_with_the_answers_one_click_away(page: Page) -> None:
    open_plan(page, "?traits=tool-use&unsure=eu-users")
    expect(page.locator("details[data-pb-plan-ask]")).not_to_have_attribute("open", "")
    expect(page.locator("[data-pb-plan-asked]")).to_have_text("(all 5 answered)")
    answers_list = page.locator("[data-pb-plan-answers]")
    expect(answers_list.locator("div")).to_have_text(["Yes (1)calls tools or takes actions",
                                                      "Not sure (1)has users in the European Union",
                                                      "No (3)handles personal data, answers from private documents, "
                                                      "acts without approval"])
    answers_list.get_by_role("button", name="has users in the European Union").click()  # "change" that answer
    expect(page.locator('#q-eu-users input[value="unsure"]')).to_be_focused()
    expect(page.locator("details[data-pb-plan-ask]")).to_have_attribute("open", "")


# -- working through the plan ------------------------------------------------------------------------


def test_filters_narrow_the_rows_and_the_contents_count_each_stage(page: Page) -> None:
    open_plan(page, "?traits=personal-data,private-retrieval,tool-use,acts-alone,eu-users")
    assert shown(page) == [STATED, GROUPS, SIMPLER, UNTRUSTED, SLICES]
    contents = page.locator("[data-pb-plan-contents] li")
    expect(contents).to_have_text(["Discover 1 check, 1 must", "Define 2 checks, 1 must", "Build 1 check, 1 must",
                                   "Validate 1 check, 0 must"])
    filters = page.locator("[data-pb-plan-filters]")
    filters.get_by_label("Level").select_option(label="Must and should")
    assert shown(page) == [STATED, GROUPS, SIMPLER, UNTRUSTED, SLICES]  # no could item in this plan
    filters.get_by_label("Level").select_option(label="Must only")
    assert shown(page) == [STATED, GROUPS, UNTRUSTED]
    filters.get_by_label("Owner").select_option(label="Security")
    assert shown(page) == [UNTRUSTED]
    expect(filters.locator(".pb-shown")).to_have_text("Showing 1 of 5")
    filters.get_by_label("Owner").select_option(label="All owners")
    filters.get_by_label("Stage").select_option(label="Define")
    assert shown(page) == [GROUPS]
    filters.get_by_label("Level").select_option(label="All levels")
    box(page, SIMPLER).check()
    filters.get_by_label("Hide done").check()
    assert shown(page) == [GROUPS]
    filters.get_by_label("Hide done").uncheck()
    assert shown(page) == [GROUPS, SIMPLER]
    expect(contents).to_have_text(["Define 2 checks, 1 must, 1 done"])  # the stages the filters show


def test_details_open_on_demand_with_why_how_references_and_a_note(page: Page) -> None:
    open_plan(page, "?traits=tool-use,acts-alone")
    item = row(page, UNTRUSTED)
    expect(item.locator(".pb-row__more")).to_have_count(0)  # nothing loaded before a reader asks
    item.locator("summary").click()
    more = item.locator(".pb-row__more")
    expect(more.locator(".pb-row__when")).to_have_text(
        "Applies when the product either answers from private documents, or acts without approval.")
    expect(more).to_contain_text("Why it matters")
    expect(more).to_contain_text("How to check")
    expect(more.get_by_role("link", name=re.compile("Demo LLM01:2025"))).to_have_attribute(
        "href", re.compile(r"^http://127\.0\.0\.1:\d+/frameworks/demo-framework/#llm01-2025$"))
    more.get_by_label("Note (saved in this browser)").fill("Mail connector still open")
    page.get_by_role("link", name="Prompt injection defence").click()  # the playbook, by instant navigation
    page.locator(".pb-tools").first.wait_for()
    saved = json.loads(page.evaluate(f"localStorage.getItem('{PREFIX}{UNTRUSTED}')"))
    assert saved["note"] == "Mail connector still open"
    expect(page.locator(f'li[data-item-id="{UNTRUSTED}"] textarea')).to_have_value("Mail connector still open")


def test_a_tick_on_the_plan_shows_on_the_playbook_page_and_the_other_way_round(page: Page) -> None:
    open_plan(page, "?traits=tool-use")
    box(page, STATED).check()
    expect(page.locator("[data-pb-plan-total]")).to_contain_text("Done: 1 of 3; must: 1 of 1.")  # every level shown
    row(page, STATED).locator("summary").click()
    row(page, STATED).get_by_role("link", name="Is generative AI the right tool?").click()  # instant navigation
    page.locator(".pb-tools").first.wait_for()
    expect(box(page, STATED)).to_be_checked()
    box(page, SIMPLER).check()
    page.go_back()
    page.locator("form[data-pb-ready]").wait_for(state="attached")
    expect(box(page, SIMPLER)).to_be_checked()
    expect(page.locator("[data-pb-plan-total]")).to_contain_text("Done: 2 of 3; must: 1 of 1.")
    assert json.loads(page.evaluate(f"localStorage.getItem('{PREFIX}{SIMPLER}')"))["done"] is True


def test_the_record_says_yes_no_not_sure_and_not_answered(page: Page) -> None:
    open_plan(page, "?traits=tool-use&unsure=eu-users&open=personal-data&product=Agent%20desk")
    box(page, STATED).check()

    name, text = download(page, "Download record (Markdown)")
    assert re.fullmatch(r"review-plan-\d{4}-\d{2}-\d{2}\.md", name)
    lines = text.splitlines()
    assert lines[0] == "# Review plan: Agent desk"
    assert "- Yes: Can the model call tools or take actions on its own?" in lines
    assert "- Not sure: Will people in the European Union use the feature?" in lines
    assert "- Not answered: Can personal data reach the model, its logs or its training data?" in lines
    assert "- No: Does the feature answer from private documents through retrieval?" in lines
    assert not [t for t in TRAITS if f"`{t}`" in text]  # answers in words, never ids
    assert "## Discover: 1 item, 1 must" in lines
    assert re.search(r"^- \[x\] Write the user problem .* \(\*\*must\*\*, Product manager; "
                     r"`problem-fit/user-problem-stated`\)\n  - Done \d{4}-\d{2}-\d{2}$", text, re.M)
    assert "  - Depends on: has users in the European Union (not sure)" in lines

    name, text = download(page, "Download record (JSON)")
    record = json.loads(text)
    assert name.endswith(".json") and record["format"] == "genai-playbook-review" and record["version"] == 2
    assert (record["product"], record["traits"], record["unsure"], record["unanswered"], record["site_version"]) == (
        "Agent desk", ["tool-use"], ["eu-users"], ["personal-data"], playbook.__version__)
    assert [(a["id"], a["answer"]) for a in record["answers"]] == [
        ("personal-data", "not answered"), ("private-retrieval", "no"), ("tool-use", "yes"), ("acts-alone", "no"),
        ("eu-users", "not sure")]
    assert [i["id"] for i in record["items"]] == [STATED, GROUPS, SIMPLER, METRIC]
    assert record["counts"] == {"items": 4, "must": 2, "depends": 2, "playbooks": 2, "done": 1, "must_done": 1}
    groups = record["items"][1]
    assert (groups["applies"], groups["depends_on"], groups["url"]) == (
        "depends", [{"id": "personal-data", "label": "handles personal data", "answer": "not answered"}],
        "ethics/bias-check/#groups-listed")

    name, text = download(page, "Download record (CSV)")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["id"], r["answer"]) for r in rows if r["record"] == "answer"] == [
        (a["id"], a["answer"]) for a in record["answers"]]
    assert [(r["id"], r["done"]) for r in rows if r["record"] == "item"] == [
        (STATED, "done"), (GROUPS, ""), (SIMPLER, ""), (METRIC, "")]


def test_the_page_record_matches_playbook_plan(page: Page, library: Path, capsys) -> None:
    open_plan(page, "?traits=personal-data,tool-use&unsure=eu-users")
    _, text = download(page, "Download record (JSON)")
    record = json.loads(text)
    assert main(["plan", "--root", str(library), "--format", "json", "--trait", "personal-data", "--trait",
                 "tool-use", "--unsure", "eu-users"]) == 0
    command = json.loads(capsys.readouterr().out)
    for key in ("traits", "unsure", "unanswered", "answers"):
        assert record[key] == command[key], key
    strip = ("done", "note", "time")
    assert [{k: v for k, v in i.items() if k not in strip} for i in record["items"]] == \
        [{k: v for k, v in i.items() if k not in strip} for i in command["items"]]


def test_printing_the_plan_shows_the_answers_and_links_back_to_them(page: Page) -> None:
    from pypdf import PdfReader

    open_plan(page, "?traits=eu-users&unsure=tool-use")
    box(page, STATED).check()
    page.evaluate("document.documentElement.classList.add('pb-print-progress')")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what the browser's Print does first
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages).split())
    assert "Write the user problem in one paragraph" in text
    assert "Yes (1) has users in the European Union" in text and "Not sure (1) calls tools or takes actions" in text
    assert "Progress saved in this browser: 1 of 2 done" in text
    assert re.search(r"from http://127\.0\.0\.1:\d+/plan/\?traits=eu-users&unsure=tool-use", text), text
    for left_out in ("Agree on one success metric", "List every source of untrusted", "Answer yes"):
        assert left_out not in text  # what does not apply, and the questions, stay off paper


def test_without_javascript_the_page_says_how_else_to_plan(new_page: Callable[..., Page], plan_url: str) -> None:
    page = new_page(plan_url, java_script_enabled=False)
    page.goto(PLAN)
    assert shown(page) == []
    expect(page.locator(".pb-plan__noscript")).to_contain_text("playbook plan --trait")
    expect(page.locator("[data-pb-plan-total]")).to_contain_text("The library has 6 checks in 3 playbooks")


def test_the_questions_and_the_plan_have_no_axe_violations(page: Page, axe: Any) -> None:
    open_plan(page)
    answer(page, "tool-use", "yes")
    answer(page, "eu-users", "unsure")
    box(page, STATED).check()
    row(page, SIMPLER).locator("summary").click()
    row(page, SIMPLER).locator(".pb-row__when").wait_for()
    results = axe.run(page, context=".md-content")
    assert results.violations_count == 0, results.generate_report()


# -- the page and the command agree -------------------------------------------------------------------

PRODUCTS = {  # four products of the closing note: (yes, not sure)
    "public support chatbot over company documents, EU users": (
        ["modality-text", "open-prompts", "interactive", "private-retrieval", "personal-data", "third-party-model",
         "public-launch", "general-public", "eu-users"], ["minors"]),
    "internal meeting summariser on a hosted model": (["modality-text", "third-party-model", "personal-data"], []),
    "coding agent sold to businesses": (
        ["modality-text", "modality-code", "open-prompts", "interactive", "tool-use", "autonomous-actions",
         "external-content", "third-party-model", "public-launch", "eu-users"], []),
    "CV screening on a self-hosted fine-tuned model": (
        ["modality-text", "personal-data", "fine-tuning", "self-hosted-model", "public-launch", "eu-users",
         "regulated-domain", "consequential-decisions"], ["private-retrieval"]),
}


def test_the_page_shows_exactly_what_playbook_plan_prints(new_page: Callable[..., Page], real_url: str,
                                                         capsys) -> None:
    """For four products, the shipped library's rows on the page, in order and with what they depend
    on, are the items of `playbook plan --format json`. The page is loaded once with the first
    product's link; the others are answered on the questionnaire."""
    page = new_page(real_url)
    for number, (product, (yes, unsure)) in enumerate(PRODUCTS.items()):
        assert main(["plan", "--root", str(REPO / "playbook_data"), "--format", "json",
                     *[arg for t in yes for arg in ("--trait", t)],
                     *[arg for t in unsure for arg in ("--unsure", t)]]) == 0
        command = json.loads(capsys.readouterr().out)["items"]
        if number == 0:
            open_plan(page, "?traits=" + ",".join(yes) + "&unsure=" + ",".join(unsure))
        else:
            answer_all(page, yes, unsure)
        assert shown(page) == [i["id"] for i in command], product
        depends = page.locator(".pb-plan__rows > li[data-item-id]").evaluate_all(
            "els => els.map(e => e.querySelector('.pb-row__depends').textContent)")
        assert depends == [("Depends on: " + "; ".join(f"{d['label']} ({d['answer']})" for d in i["depends_on"]))
                           if i["depends_on"] else "" for i in command], product
        assert page.locator("[data-pb-plan-total]").text_content().startswith(f"{len(command)} checks in your plan, "), product


# -- review files: from the page to the repository and back ------------------------------------------------


def test_a_review_file_downloaded_from_the_plan_validates_and_loads_into_a_fresh_browser(
        page: Page, new_page: Callable[..., Page], plan_url: str, library: Path, tmp_path: Path) -> None:
    open_plan(page, "?traits=tool-use,personal-data&unsure=eu-users&product=Agent%20desk")
    box(page, STATED).check()
    box(page, GROUPS).check()
    row(page, SIMPLER).locator("summary").click()
    row(page, SIMPLER).get_by_label("Note (saved in this browser)").fill("Rules engine costed: 2 days")
    name, text = download(page, "Download review file (YAML)")
    assert name == "agent-desk.yaml"
    assert text.startswith("# yaml-language-server: $schema=../schemas/review.schema.json\n")

    project = tmp_path / "repo"  # the file, committed to reviews/, passes `playbook validate`
    shutil.copytree(library, project / "playbook_data")
    (project / "reviews").mkdir()
    (project / "reviews" / name).write_text(text, encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "playbook.cli", "validate"], cwd=project, capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    data = yaml.safe_load(text)
    assert data["answers"]["eu-users"] == "not sure" and data["product"] == {"name": "Agent desk"}
    assert data["items"][STATED]["status"] == "done" and data["items"][SIMPLER]["note"] == "Rules engine costed: 2 days"
    assert data["items"][METRIC]["status"] == "open" and len(data["items"][METRIC]["seen"]) == 8
    status = subprocess.run([sys.executable, "-m", "playbook.cli", "review", "status", "--format", "json"],
                            cwd=project, capture_output=True, text=True, timeout=120)
    assert json.loads(status.stdout)["reviews"][0]["drift"]["changed"] == []  # the hashes match the library

    fresh = new_page(plan_url)  # another person, another browser: nothing saved
    open_plan(fresh)
    fresh.locator("[data-pb-review-file]").set_input_files(str(project / "reviews" / name))
    expect(fresh.locator("[data-pb-plan-message]")).to_contain_text(f"Loaded “{name}”")
    expect(fresh.locator('#q-eu-users input[value="unsure"]')).to_be_checked()
    expect(fresh.get_by_label("Product name, for the record (optional)")).to_have_value("Agent desk")
    ticked = lambda p: p.locator(".pb-plan__rows input.pb-item__check:checked").evaluate_all(  # noqa: E731
        "els => els.map(e => e.closest('li').dataset.itemId)")
    assert ticked(fresh) == ticked(page) == [STATED, GROUPS]
    saved = json.loads(fresh.evaluate(f"localStorage.getItem('{PREFIX}{SIMPLER}')"))
    assert saved["note"] == "Rules engine costed: 2 days" and saved["done"] is False


def test_a_file_that_is_not_a_review_changes_nothing(page: Page, tmp_path: Path) -> None:
    open_plan(page, "?traits=tool-use")
    box(page, STATED).check()
    bad = tmp_path / "notes.yaml"
    bad.write_text("- just\n- a list\n", encoding="utf-8")
    page.locator("[data-pb-review-file]").set_input_files(str(bad))
    expect(page.locator("[data-pb-plan-message]")).to_have_text(
        "“notes.yaml” is not a review file of this site; nothing was changed.")
    expect(box(page, STATED)).to_be_checked()


def test_a_trait_named_like_an_object_property_is_an_answer_like_any_other(
        new_page: Callable[..., Page], tmp_path: Path) -> None:
    """Data never keys a plain object: a trait `constructor` (every JavaScript object has one) is
    neither true nor known before the product says so."""
    library = conditioned_library(tmp_path / "playbook_data")
    for path in library.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("tool-use", "constructor"), encoding="utf-8")
    for url in _serve(tmp_path / "site", library):
        page = new_page(url)
        open_plan(page)
        answer_all(page)  # no to everything
        assert shown(page) == EVERY_PRODUCT
        answer(page, "constructor", "yes")
        assert shown(page) == [STATED, SIMPLER, METRIC] == expected(library, ["constructor"])
        open_plan(page, "?traits=constructor")
        assert SIMPLER in shown(page)
        open_plan(page, "?traits=eu-users")
        assert SIMPLER not in shown(page)
