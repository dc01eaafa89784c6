"""The "Plan my review" page (docs/assets/plan.js with checklist.js and print.js) in real Chromium.

Two sites are built once for this module: the fixture library with the conditions of
`test_plan.conditioned_library` (six items, four traits) for the questionnaire, the URL, shared
progress, the record and printing; and the shipped library, to show that the page and
`playbook plan` select the same items in the same order.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import playbook
from conftest import REPO, make_project, run_build
from playbook.cli import main
from playbook.load import load_library
from playbook.plan import select
from test_plan import EVERY_PRODUCT, conditioned_library

from .conftest import CHROMIUM, SiteServer, unavailable

try:
    from playwright.sync_api import expect
except ImportError:  # the fixtures skip these tests, or fail them under CI
    pass

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PLAN = "plan/"
STATED = "problem-fit/user-problem-stated"
SIMPLER = "problem-fit/simpler-alternative-tried"
METRIC = "problem-fit/success-metric-set"
UNTRUSTED = "injection-defence/untrusted-inputs-listed"
PREFIX = "genai-playbook:v1:"


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


def open_plan(page: Page, query: str = "") -> None:
    page.goto(PLAN + query)
    page.locator("[data-pb-plan-actions]:not([hidden])").wait_for()  # plan.js has bound the page


def shown(page: Page) -> list[str]:
    return page.locator("ol[data-pb-plan] > li[data-item-id]").evaluate_all(
        "els => els.filter(e => !e.hidden && e.offsetParent !== null).map(e => e.dataset.itemId)")


def question(page: Page, trait: str) -> Any:
    return page.locator(f'input[name="trait"][value="{trait}"]')


def box(page: Page, global_id: str) -> Any:
    return page.locator(f'li[data-item-id="{global_id}"] input.pb-item__check')


def expected(library: Path, traits: set[str]) -> list[str]:
    return [i.global_id for i in select(load_library(library), traits)]


def download(page: Page, button: str) -> tuple[str, str]:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return info.value.suggested_filename, Path(info.value.path()).read_text(encoding="utf-8")


# -- the questionnaire ------------------------------------------------------------------------------


def test_answers_hide_what_does_not_apply_and_update_the_counts_at_once(page: Page, library: Path) -> None:
    open_plan(page)
    assert shown(page) == EVERY_PRODUCT == expected(library, set())
    total = page.locator("[data-pb-plan-total]")
    expect(total).to_have_text("2 items from 1 playbook apply to this product, 1 of them must items. "
                               "Done: 0 of 2; must items: 0 of 1.")
    expect(page.locator("#stage-build")).to_be_hidden()  # no item of the stage applies

    question(page, "tool-use").check()
    assert shown(page) == expected(library, {"tool-use"}) == [STATED, METRIC, SIMPLER, UNTRUSTED]
    expect(total).to_contain_text("4 items from 2 playbooks apply to this product, 2 of them must items.")
    expect(page.locator("#stage-define [data-pb-plan-count]").first).to_have_text("(2 items, 0 must)")
    expect(page.locator("#stage-build")).to_be_visible()

    question(page, "eu-users").check()  # success-metric-set is skipped for EU users
    assert shown(page) == expected(library, {"tool-use", "eu-users"}) == [STATED, SIMPLER, UNTRUSTED]
    question(page, "tool-use").uncheck()
    assert shown(page) == [STATED]
    page.get_by_role("button", name="Clear answers").click()
    assert shown(page) == EVERY_PRODUCT


def test_answers_round_trip_through_the_url_and_this_browsers_storage(
        page: Page, new_page: Callable[..., Page], plan_url: str, library: Path) -> None:
    open_plan(page)
    question(page, "personal-data").check()
    question(page, "private-retrieval").check()
    page.get_by_label("Product name, for the record (optional)").fill("Support bot")
    link = re.compile(r"/plan/\?traits=personal-data,private-retrieval&product=Support%20bot$")
    expect(page).to_have_url(link)
    wanted = expected(library, {"personal-data", "private-retrieval"})
    assert shown(page) == wanted

    other = new_page(plan_url)  # someone else opens the shared link: a fresh browser, nothing saved
    open_plan(other, page.url.split("/plan/", 1)[1])
    expect(question(other, "personal-data")).to_be_checked()
    expect(question(other, "tool-use")).not_to_be_checked()
    expect(other.get_by_label("Product name, for the record (optional)")).to_have_value("Support bot")
    assert shown(other) == wanted

    page.goto("")  # away, then back to the bare address: the answers come from local storage
    open_plan(page)
    expect(question(page, "private-retrieval")).to_be_checked()
    assert shown(page) == wanted
    expect(page).to_have_url(link)


def test_a_tick_on_the_plan_shows_on_the_playbook_page_and_the_other_way_round(page: Page) -> None:
    open_plan(page, "?traits=tool-use")
    box(page, STATED).check()
    expect(page.locator("[data-pb-plan-total]")).to_contain_text("Done: 1 of 4; must items: 1 of 2.")
    page.get_by_role("link", name="Is generative AI the right tool?").first.click()  # instant navigation
    page.locator(".pb-tools").first.wait_for()
    expect(box(page, STATED)).to_be_checked()
    box(page, SIMPLER).check()
    page.go_back()
    page.locator("[data-pb-plan-actions]:not([hidden])").wait_for()
    expect(box(page, SIMPLER)).to_be_checked()
    expect(page.locator("[data-pb-plan-total]")).to_contain_text("Done: 2 of 4; must items: 1 of 2.")
    assert json.loads(page.evaluate(f"localStorage.getItem('{PREFIX}{SIMPLER}')"))["done"] is True


def test_the_review_record_downloads_as_markdown_and_json(page: Page) -> None:
    open_plan(page, "?traits=tool-use,eu-users&product=Agent%20desk")
    box(page, STATED).check()
    item = page.locator(f'li[data-item-id="{UNTRUSTED}"]')
    item.get_by_role("button", name="Add note").click()
    item.get_by_role("textbox").fill("Mail connector\nstill open")

    name, text = download(page, "Download record (Markdown)")
    assert re.fullmatch(r"review-record-\d{4}-\d{2}-\d{2}\.md", name)
    lines = text.splitlines()
    assert lines[0] == "# Review record: Agent desk"
    assert f"- Site version: {playbook.__version__}" in lines
    assert "- Progress: 1 of 3 items done; must items: 1 of 2 done" in lines
    assert "- Yes: Can the model call tools or take actions on its own? (`tool-use`)" in lines
    assert "- No: Can personal data reach the model, its logs or its training data? (`personal-data`)" in lines
    assert "## Discover: 1 item, 1 must" in lines and "### Product manager: 1 item, 1 must" in lines
    assert re.search(r"^- \[x\] Write the user problem .* \(`problem-fit/user-problem-stated`\) \*\*must\*\*: "
                     r"done \d{4}-\d{2}-\d{2}$", text, re.M)
    assert "- [ ] List every source of untrusted text that reaches the prompt. " \
           "(`injection-defence/untrusted-inputs-listed`) **must**: not done" in lines
    assert "  - Note: Mail connector still open" in lines
    assert METRIC not in text  # skipped for EU users

    name, text = download(page, "Download record (JSON)")
    record = json.loads(text)
    assert name.endswith(".json") and record["format"] == "genai-playbook-review"
    assert (record["product"], record["traits"], record["site_version"]) == ("Agent desk", ["tool-use", "eu-users"],
                                                                             playbook.__version__)
    assert [i["id"] for i in record["items"]] == [STATED, SIMPLER, UNTRUSTED]
    assert record["counts"] == {"items": 3, "must": 2, "playbooks": 2, "done": 1, "must_done": 1}
    untrusted = record["items"][2]
    assert (untrusted["done"], untrusted["note"], untrusted["owner"], untrusted["applies_when"]) == (
        False, "Mail connector\nstill open", "security", [["private-retrieval", "tool-use"]])
    assert untrusted["url"].endswith("/feasibility/injection-defence/")
    assert [(a["id"], a["answer"]) for a in record["answers"]] == [
        ("personal-data", False), ("private-retrieval", False), ("tool-use", True), ("eu-users", True)]


def test_printing_the_plan_leaves_out_what_does_not_apply(page: Page) -> None:
    from pypdf import PdfReader

    open_plan(page, "?traits=eu-users")
    box(page, STATED).check()
    page.evaluate("document.documentElement.classList.add('pb-print-progress')")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # what the browser's Print does first
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages).split())
    assert "Write the user problem in one paragraph" in text
    assert "Product: (no name given). Answered yes: eu-users." in text
    assert "Progress saved in this browser: 1 of 1 done" in text
    for hidden in ("Compare the generative approach", "Agree on one success metric", "List every source of untrusted"):
        assert hidden not in text
    assert "Answer yes" not in text  # the questions stay on screen


def test_without_javascript_every_item_is_listed_with_its_conditions(new_page: Callable[..., Page],
                                                                     plan_url: str) -> None:
    page = new_page(plan_url, java_script_enabled=False)
    page.goto(PLAN)
    assert len(shown(page)) == 6
    when = page.locator(f'li[data-item-id="{UNTRUSTED}"] .pb-item__when')
    expect(when).to_have_text("From Prompt injection defence. "
                              "Applies when the product has private-retrieval or tool-use.")
    expect(page.locator("[data-pb-plan-total]")).to_contain_text("All 6 items of 3 playbooks")


def test_the_questions_and_the_list_have_no_axe_violations(page: Page, axe: Any) -> None:
    open_plan(page, "?traits=tool-use")
    box(page, STATED).check()
    results = axe.run(page, context=".md-content")
    assert results.violations_count == 0, results.generate_report()


# -- the page and the command agree -------------------------------------------------------------------

PRODUCTS = {
    "internal-text-assistant": ["modality-text"],
    "public-eu-chat-over-company-documents": ["modality-text", "private-retrieval", "personal-data", "public-launch",
                                              "eu-users", "third-party-model"],
    "agent-on-a-third-party-api": ["tool-use", "third-party-model", "modality-text", "modality-code"],
    "image-app-for-teenagers": ["modality-image", "public-launch", "minors", "personal-data"],
}


def test_the_page_shows_exactly_what_playbook_plan_prints(new_page: Callable[..., Page], real_url: str,
                                                         capsys) -> None:
    """For four products, the shipped library's items visible on the page, in order, are the ids of
    `playbook plan --format json`. The page is loaded once (it holds all 500 items) with the first
    product's link; the others are answered on the questionnaire."""
    page = new_page(real_url)
    for number, (product, traits) in enumerate(PRODUCTS.items()):
        assert main(["plan", "--root", str(REPO / "playbook_data"), "--format", "json",
                     *[arg for t in traits for arg in ("--trait", t)]]) == 0
        command = [i["id"] for i in json.loads(capsys.readouterr().out)["items"]]
        if number == 0:
            open_plan(page, "?traits=" + ",".join(traits))
        else:  # one change event for all answers: Playwright's clicks wait long on a page this size
            page.evaluate("""traits => {
                const boxes = [...document.querySelectorAll('input[name="trait"]')];
                boxes.forEach(b => { b.checked = traits.includes(b.value); });
                boxes[0].dispatchEvent(new Event("change", {bubbles: true}));
            }""", traits)
        assert shown(page) == command, product
        assert page.locator("[data-pb-plan-total]").text_content().startswith(f"{len(command)} items from "), product
