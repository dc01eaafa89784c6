"""Printing (issue 4) with real Chromium: PDFs checked with pdftotext and pypdf.

One site is built for the module: the fixture library plus `launch-readiness`, a ten-item strategy
playbook with long item texts like the shipped ones, with the build's PDF option on, so the build
itself prints every playbook page and pack into site/pdf/ (A4). Tests print more pages themselves
with `page.pdf()`, as the browser's Print does, after setting the classes print.js sets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from conftest import REPO, make_project, run_build

from .conftest import CHROMIUM, SiteServer, unavailable

try:
    from playwright.sync_api import expect
except ImportError:  # the `print_site` fixture skips these tests, or fails them under CI
    pass

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "print"
PAGE = "strategy/launch-readiness/"
ITEMS = {  # item id -> text, in order
    "launch-owner-named": "Name the one person who makes the launch decision and record who they consult before it.",
    "eval-thresholds-met": "Show that the launch evaluation met every agreed quality and safety threshold on the "
                           "frozen test set, with the report attached.",
    "red-team-closed": "Close or accept in writing every high-severity finding from the red-team exercise, with "
                       "the owner of each accepted risk named.",
    "rollback-plan": "Write the rollback plan: the switch that turns the feature off, who may use it, and how "
                     "long it takes to take effect.",
    "disclosure-shipped": "Tell users in the interface that the answers are generated and may be wrong, and link "
                          "to how to report a bad answer.",
    "support-briefed": "Brief the support team with known failure modes, canned replies and the route to "
                       "escalate a harmful output.",
    "cost-alert-set": "Set a spending alert at the daily budget and a hard cap that stops requests before the "
                      "monthly budget is spent.",
    "monitoring-live": "Turn on dashboards for error rate, latency, refusals and user reports, and agree who "
                       "watches them in the first week.",
    "staged-rollout": "Roll out to a small share of users first, with a written rule for widening, pausing or "
                      "stopping the rollout.",
    "post-launch-review": "Book the review thirty days after launch that compares outcomes with the success "
                          "metric and decides what to change.",
}
LEVELS = ["must", "must", "must", "must", "should", "should", "should", "should", "could", "could"]
STAGES = ["launch", "validate", "validate", "launch", "launch", "launch", "operate", "operate", "launch", "operate"]
WHY = "The {id} check exists because launches that skip it end up explaining the gap to users after the fact."
HOW = "A reviewer finds the evidence for {id} linked from the launch document and signed off by its owner."
OTHER_TITLES = ["Is generative AI the right tool?", "Bias check", "Prompt injection defence"]
SCREEN_ONLY = ["Print blank", "Print with my progress", "Download", "Hide done", "Save, load, share or print",
               "Clear my ticks", "Copy link", "Add note", "Skip to content", "Sources and further reading",
               "Table of contents"]
PAPER_SIZES = {"A4": (595, 842), "Letter": (612, 792)}  # points, rounded down
TICK = "\u2713"
PREFIX = "genai-playbook:v1:"


def playbook_yaml() -> str:
    data = {"id": "launch-readiness", "title": "Launch readiness review", "category": "strategy",
            "summary": "Decide, with evidence, whether the generative feature is ready to reach users.",
            "owner": "product-manager", "version": "2.1", "last_reviewed": "2026-09-15",
            "links": [{"title": "Demonstration launch source", "url": "https://example.org/launch"}],
            "items": [{"id": item_id, "text": text, "level": level, "owner": "product-manager", "stage": stage,
                       "why": WHY.format(id=item_id), "how": HOW.format(id=item_id)}
                      for (item_id, text), level, stage in zip(ITEMS.items(), LEVELS, STAGES)]}
    return yaml.safe_dump(data, sort_keys=False, width=1000)


@dataclass
class PrintSite:
    root: Path
    url: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def html(self, url: str) -> str:
        return (self.site / url / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def print_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrintSite]:
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        unavailable("pdftotext/pdftoppm are missing (apt-get install poppler-utils)")
    root = make_project(tmp_path_factory.mktemp("print-site"))
    (root / "playbook_data" / "strategy" / "launch-readiness.yaml").write_text(playbook_yaml(), encoding="utf-8")
    server = SiteServer(root / "site")
    (root / "mkdocs.print.yml").write_text(
        f"INHERIT: mkdocs.yml\nsite_url: {server.url}\nextra:\n  playbook:\n    pdf: true\n", encoding="utf-8")
    build = run_build(root, "--config-file", "mkdocs.print.yml")
    try:
        assert build.returncode == 0, build.stderr
        server.start()
        yield PrintSite(root, server.url)
    finally:
        server.close()


# -- reading PDFs ---------------------------------------------------------------------------------


def pdf_pages(pdf: Path) -> list[str]:
    """The text of each page, as pdftotext extracts it."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True, encoding="utf-8").stdout
    return text.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


def first_line(page_text: str) -> str:
    return next((line.strip() for line in page_text.splitlines() if line.strip()), "")


def page_sizes(pdf: Path) -> set[tuple[int, int]]:
    from pypdf import PdfReader
    return {(int(p.mediabox.width), int(p.mediabox.height)) for p in PdfReader(pdf).pages}


def words_off_the_text_area(pdf: Path, margin: float = 28.0) -> list[str]:
    """Words closer than `margin` points to a page edge: text that overflows the printable area."""
    box = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                         encoding="utf-8").stdout
    off = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', box, re.S):
        width, height = float(page[1]), float(page[2])
        for word in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                                page[3]):
            x0, y0, x1, y1 = map(float, word.groups()[:4])
            if x0 < margin or y0 < margin or x1 > width - margin or y1 > height - margin / 2:
                off.append(word[5])
    return off


def print_to_pdf(page: Page, path: Path, *classes: str, paper: str = "A4") -> list[str]:
    """Print the open page as the browser's Print does after a print button set `classes`."""
    page.evaluate("""classes => {
        document.documentElement.classList.remove("pb-print-blank", "pb-print-progress", "pb-print-details");
        classes.forEach(c => document.documentElement.classList.add(c));
    }""", list(classes))
    page.pdf(path=str(path), format=paper, print_background=True)
    return pdf_pages(path)


def save(page: Page, saved: dict[str, dict]) -> None:
    """Put progress into localStorage as checklist.js writes it, then reload the page."""
    page.evaluate("([prefix, saved]) => { for (const [k, v] of Object.entries(saved)) "
                  "localStorage.setItem(prefix + k, v); }",
                  [PREFIX, {f"launch-readiness/{k}": json.dumps(v) for k, v in saved.items()}])
    page.reload()
    page.locator(".pb-tools").first.wait_for()


def open_playbook(new_page: Callable[..., Page], print_site: PrintSite) -> Page:
    page = new_page(print_site.url)
    page.goto(PAGE)
    page.locator(".pb-tools").first.wait_for()
    return page


# -- the published PDFs -----------------------------------------------------------------------------


def test_build_option_publishes_a_pdf_per_playbook_and_pack_and_links_each(print_site: PrintSite):
    names = sorted(p.name for p in (print_site.site / "pdf").iterdir())
    assert names == ["bias-check.pdf", "injection-defence.pdf", "launch-readiness.pdf", "pack-all.pdf",
                     "pack-ethics.pdf", "pack-feasibility.pdf", "pack-strategy.pdf", "problem-fit.pdf"]
    assert 'href="../../pdf/launch-readiness.pdf"' in print_site.html(PAGE)
    assert 'href="../pdf/pack-strategy.pdf"' in print_site.html("strategy/")
    assert 'href="../pdf/pack-all.pdf"' in print_site.html("playbooks/")
    assert all(page_sizes(print_site.site / "pdf" / name) == {PAPER_SIZES["A4"]} for name in names)


def test_playbook_pdf_is_a_one_or_two_page_blank_checklist_without_site_chrome(print_site: PrintSite):
    pages = pdf_pages(print_site.site / "pdf" / "launch-readiness.pdf")
    text = flat(" ".join(pages))
    assert 1 <= len(pages) <= 2, f"{len(pages)} pages for ten items"
    for item_id, item_text in ITEMS.items():
        assert item_text in text
        assert f"launch-readiness/{item_id}" not in text, "ids stay off paper"
    assert text.count("MUST") == 4 and text.count("Owner: Product manager") == 10 and "Stage: Validate" in text
    assert first_line(pages[0]) == "Launch readiness review"
    assert "Version 2.1" in text and "Last reviewed 2026-09-15" in text
    assert f"Printed {dt.date.today().isoformat()} from {print_site.url}{PAGE}" in text
    assert "Reviewed by:" in text
    for other in OTHER_TITLES + SCREEN_ONLY:
        assert other not in text, f"{other!r} is on paper"
    assert TICK not in text
    assert "exists because launches" not in text, "checklist only: no why/how"
    assert "Demonstration launch source" not in text


def test_each_pack_starts_every_playbook_of_its_category_on_a_new_page(print_site: PrintSite):
    def starts(name: str) -> list[str]:
        return [first_line(p) for p in pdf_pages(print_site.site / "pdf" / name)]

    strategy = starts("pack-strategy.pdf")
    assert [s for s in strategy if s in ("Is generative AI the right tool?", "Launch readiness review")] == [
        "Is generative AI the right tool?", "Launch readiness review"]
    assert "Bias check" not in flat(" ".join(pdf_pages(print_site.site / "pdf" / "pack-strategy.pdf")))
    everything = starts("pack-all.pdf")
    titles = ["Is generative AI the right tool?", "Launch readiness review", "Bias check", "Prompt injection defence"]
    assert [s for s in everything if s in titles] == titles
    assert everything[0] == titles[0], "the pack's first sheet is its first playbook: no contents or controls"
    text = flat(" ".join(pdf_pages(print_site.site / "pdf" / "pack-all.pdf")))
    assert all(item_text in text for item_text in ITEMS.values())
    assert "Print pack" not in text and "Packs by category" not in text and "Contents" not in text


# -- a print pack on screen ---------------------------------------------------------------------------


def open_pack(new_page: Callable[..., Page], print_site: PrintSite, url: str = "print/") -> Page:
    page = new_page(print_site.url)
    page.goto(url)
    page.locator("[data-pb-print]:not([hidden])").wait_for()  # print.js has run
    page.locator(".pb-note").first.wait_for()  # and checklist.js
    return page


def test_a_pack_has_a_contents_list_linking_every_playbook_section_with_its_item_count(
        new_page: Callable[..., Page], print_site: PrintSite):
    page = open_pack(new_page, print_site)
    contents = page.get_by_role("navigation", name="Contents of this pack")
    sections = page.locator("section.pb-pack__playbook").evaluate_all(
        "els => els.map(s => [s.id, s.querySelector('h2').textContent, s.querySelectorAll('li[data-item-id]').length])")
    links = contents.locator("a").evaluate_all(
        "els => els.map(a => [new URL(a.href).hash, a.textContent, a.nextElementSibling.textContent])")
    assert [(href, title) for href, title, _ in links] == [(f"#{id_}", title) for id_, title, _ in sections]
    assert [count for _, _, count in links] == [f"{n} item" + ("" if n == 1 else "s") for _, _, n in sections]
    assert len(links) == 4 and ["#pb-launch-readiness", "Launch readiness review", "10 items"] in links
    contents.get_by_role("link", name="Bias check").click()
    assert page.url.endswith("print/#pb-bias-check")
    expect(page.locator("#pb-bias-check h2")).to_be_in_viewport()
    strategy = open_pack(new_page, print_site, "print/strategy/")
    assert strategy.get_by_role("navigation", name="Contents of this pack").locator("a").all_text_contents() == [
        "Is generative AI the right tool?", "Launch readiness review"]


def test_a_pack_takes_each_checklist_from_the_playbooks_page_with_ids_and_links_that_work_here(
        new_page: Callable[..., Page], print_site: PrintSite):
    page = open_pack(new_page, print_site)
    for section in page.locator("section.pb-pack__playbook").all():
        pid = section.get_attribute("data-playbook-id")
        ids = section.locator("li[data-item-id]").evaluate_all("els => els.map(e => e.dataset.itemId)")
        assert ids and all(i.startswith(pid + "/") for i in ids), pid
        assert section.locator("[data-pb-src]").get_attribute("data-pb-state") == "ready"
    assert page.evaluate("""() => { const seen = new Set(), twice = [];
        document.querySelectorAll("[id]").forEach(e => seen.has(e.id) ? twice.push(e.id) : seen.add(e.id));
        return twice; }""") == []
    item = page.locator('li[data-item-id="launch-readiness/rollback-plan"]')
    title = item.locator("h3")
    assert title.get_attribute("id") == "launch-readiness--rollback-plan"
    box = item.locator("input.pb-item__check")
    assert box.get_attribute("id") == "launch-readiness--rollback-plan--check"
    assert box.get_attribute("aria-describedby") == "launch-readiness--rollback-plan--meta"
    expect(page.get_by_role("checkbox", name=ITEMS["rollback-plan"])).to_have_count(1)  # the label still names it
    hrefs = page.locator("section.pb-pack__playbook a[href]").evaluate_all("els => els.map(a => a.href)")
    assert hrefs and all(h.startswith(print_site.url) or not h.startswith("http://127.0.0.1") for h in hrefs)
    for href in {h.split("#")[0] for h in hrefs if h.startswith(print_site.url)}:
        relative = href[len(print_site.url):]
        assert (print_site.site / relative / "index.html").is_file() or (print_site.site / relative).is_file(), href


def test_a_pack_says_which_checklist_did_not_load_and_still_offers_the_rest(
        new_page: Callable[..., Page], print_site: PrintSite):
    page = new_page(print_site.url)
    page.route("**/ethics/bias-check/", lambda route: route.fulfill(status=404, body="gone"))
    page.goto("print/")
    page.locator("[data-pb-print]:not([hidden])").wait_for()
    failed = page.locator("#pb-bias-check [data-pb-src]")
    assert failed.get_attribute("data-pb-state") == "failed"
    expect(failed).to_contain_text("This checklist could not be loaded here.")
    assert failed.get_by_role("link", name="its page").evaluate("a => a.href") == print_site.url + "ethics/bias-check/"
    expect(page.locator("#pb-launch-readiness li[data-item-id]")).to_have_count(len(ITEMS))


def test_a_pack_has_one_set_of_print_controls_and_no_toolbar_per_playbook(
        new_page: Callable[..., Page], print_site: PrintSite):
    page = open_pack(new_page, print_site)
    expect(page.get_by_role("group", name="Print")).to_have_count(1)
    expect(page.get_by_role("button", name="Print blank")).to_have_count(1)
    expect(page.locator(".pb-tools, details.pb-menu")).to_have_count(0)
    assert page.locator("[data-pb-print]").evaluate(
        "e => e.compareDocumentPosition(document.querySelector('section.pb-pack__playbook')) & 4") == 4, "at the top"
    page.evaluate("window.print = () => { window.printedWith = document.documentElement.className; }")
    page.get_by_role("button", name="Print blank").click()
    assert "pb-print-blank" in page.evaluate("window.printedWith")


def test_a_packs_headings_go_h1_h2_h3_without_skipping_a_level(
        new_page: Callable[..., Page], print_site: PrintSite, axe):
    page = open_pack(new_page, print_site)
    levels = page.locator("article").evaluate(
        "a => [...a.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1]))")
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert max(levels) == 3
    for section in page.locator("section.pb-pack__playbook").all():
        assert section.locator("h2").count() == 1
        assert section.locator("h3.pb-item__title").count() == section.locator("li[data-item-id]").count()
    results = axe.run(page, context=".md-content")
    assert results.violations_count == 0, results.generate_report()


def test_a_pack_printed_from_the_browser_starts_each_playbook_on_a_new_sheet(
        new_page: Callable[..., Page], print_site: PrintSite, tmp_path: Path):
    page = open_pack(new_page, print_site, "print/strategy/")
    pages = print_to_pdf(page, tmp_path / "pack.pdf", "pb-print-blank")
    assert [first_line(p) for p in pages if first_line(p) in OTHER_TITLES + ["Launch readiness review"]] == [
        "Is generative AI the right tool?", "Launch readiness review"]
    assert first_line(pages[0]) == "Is generative AI the right tool?"
    text = flat(" ".join(pages))
    assert "Contents" not in text and "Copy link" not in text and "launch-readiness/launch-owner-named" not in text


# -- printing from the browser ----------------------------------------------------------------------


def test_progress_print_ticks_the_saved_items_with_their_dates_and_blank_print_ticks_none(
        new_page: Callable[..., Page], print_site: PrintSite, tmp_path: Path):
    page = open_playbook(new_page, print_site)
    save(page, {"launch-owner-named": {"done": True, "time": "2026-03-02T10:00:00.000Z"},
                "rollback-plan": {"done": True, "time": "2026-03-04T09:30:00.000Z", "note": "Switch tested in staging"},
                "staged-rollout": {"done": True, "time": "2026-03-05T16:00:00.000Z"},
                "support-briefed": {"done": False, "time": "2026-03-06T08:00:00.000Z", "note": "Waiting on FAQ"}})

    progress = flat(" ".join(print_to_pdf(page, tmp_path / "progress.pdf", "pb-print-progress")))
    assert progress.count(TICK) == 3
    for item_id in ("launch-owner-named", "rollback-plan", "staged-rollout"):  # the tick is at its item
        assert f"{TICK} {ITEMS[item_id]}" in progress
    assert "Done 2026-03-04. Note: Switch tested in staging" in progress
    assert "Note: Waiting on FAQ" in progress and "Done 2026-03-06" not in progress
    assert "Progress saved in this browser: 3 of 10 done; must items: 2 of 4." in progress

    blank = flat(" ".join(print_to_pdf(page, tmp_path / "blank.pdf", "pb-print-blank")))
    assert TICK not in blank
    assert "Done 2026" not in blank and "Switch tested" not in blank and "Progress saved" not in blank
    assert all(text in blank for text in ITEMS.values())
    assert page.locator("input.pb-item__check:checked").count() == 3, "printing changes no saved state"

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    image = ARTIFACTS / "launch-readiness-progress-a4"
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "progress.pdf"),
                    str(image)], check=True)
    print(f"\nprinted page for a person to look at: {image.with_suffix('.png')}", file=sys.stderr)


def test_browser_print_without_a_choice_shows_the_ticks_on_screen(
        new_page: Callable[..., Page], print_site: PrintSite, tmp_path: Path):
    page = open_playbook(new_page, print_site)
    page.locator(f'li[data-item-id="launch-readiness/cost-alert-set"] input').check()
    text = flat(" ".join(print_to_pdf(page, tmp_path / "default.pdf")))
    assert text.count(TICK) == 1 and f"{TICK} {ITEMS['cost-alert-set']}" in text
    assert "Progress saved in this browser: 1 of 10 done" in text
    assert "exists because launches" not in text


def test_details_print_adds_why_and_how_and_never_splits_an_item_across_pages(
        new_page: Callable[..., Page], print_site: PrintSite, tmp_path: Path):
    page = open_playbook(new_page, print_site)
    for paper in PAPER_SIZES:
        pdf = tmp_path / f"details-{paper}.pdf"
        pages = [flat(p) for p in print_to_pdf(page, pdf, "pb-print-blank", "pb-print-details", paper=paper)]
        text = " ".join(pages)
        assert page_sizes(pdf) == {PAPER_SIZES[paper]}
        for item_id in ITEMS:
            assert WHY.format(id=item_id) in text and HOW.format(id=item_id) in text
            on = [n for n, p in enumerate(pages) if ITEMS[item_id] in p]
            assert len(on) == 1 and WHY.format(id=item_id) in pages[on[0]] \
                and HOW.format(id=item_id) in pages[on[0]], f"{item_id} is split across pages ({paper})"
        assert "Demonstration launch source" in text, "sources come with the details"
        assert words_off_the_text_area(pdf) == [], paper


def test_print_buttons_set_the_print_classes_only_while_printing(
        new_page: Callable[..., Page], print_site: PrintSite):
    page = open_playbook(new_page, print_site)
    page.evaluate("window.print = () => { window.printedWith = document.documentElement.className; }")
    menu = page.locator("details.pb-menu")  # on a playbook page the print choices are in the toolbar's menu
    controls = menu.get_by_role("group", name="Print")
    menu.locator("summary").click()
    controls.get_by_role("button", name="Print blank").click()
    assert [c for c in page.evaluate("window.printedWith").split() if c.startswith("pb-print")] == ["pb-print-blank"]
    expect(menu).not_to_have_attribute("open", "")  # closed after printing
    menu.locator("summary").click()
    controls.get_by_label("With details").check()
    controls.get_by_role("button", name="Print with my progress").click()
    printed = page.evaluate("window.printedWith").split()
    assert "pb-print-progress" in printed and "pb-print-details" in printed and "pb-print-blank" not in printed
    assert not [c for c in page.evaluate("document.documentElement.className").split() if c.startswith("pb-print")]


def test_print_choices_are_not_offered_without_javascript(new_page: Callable[..., Page], print_site: PrintSite):
    page = new_page(print_site.url, java_script_enabled=False)
    page.goto(PAGE)
    assert page.locator("[data-pb-print]").is_hidden()
    assert page.locator("input.pb-item__check").count() == len(ITEMS)


def test_pack_page_ticks_are_the_same_saved_progress_as_the_playbook_page(
        new_page: Callable[..., Page], print_site: PrintSite):
    page = new_page(print_site.url)
    page.goto("print/strategy/")
    page.locator(".pb-note").first.wait_for()  # the script has bound the pack's lists
    page.locator('li[data-item-id="launch-readiness/rollback-plan"] input').check()
    page.goto(PAGE)
    page.locator(".pb-tools").first.wait_for()
    assert page.locator('li[data-item-id="launch-readiness/rollback-plan"] input').is_checked()


# -- the command ------------------------------------------------------------------------------------


def test_playbook_pdf_writes_letter_pdfs_named_by_playbook_id_that_fit_the_page(print_site: PrintSite, tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "playbook.cli", "pdf", "--paper", "Letter", "--site",
                             str(print_site.site), "--output", str(tmp_path / "out")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted(p.name for p in (print_site.site / "pdf").iterdir())
    assert result.stderr.strip().endswith(f"8 PDF file(s) written to {tmp_path / 'out'} (Letter).")
    for name in names:
        assert page_sizes(tmp_path / "out" / name) == {PAPER_SIZES["Letter"]}, name
        assert words_off_the_text_area(tmp_path / "out" / name) == [], name
        assert words_off_the_text_area(print_site.site / "pdf" / name) == [], f"{name} (A4)"
    assert 1 <= len(pdf_pages(tmp_path / "out" / "launch-readiness.pdf")) <= 2

