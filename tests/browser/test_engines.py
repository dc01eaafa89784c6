"""The site built by each supported engine, in real Chromium: MkDocs 1.6 and ProperDocs (the
MkDocs hooks run in process) and Zensical (no hooks: it builds what `playbook generate` writes).

For each engine the shipped library is built as `./dev build --engine ENGINE` builds it, and the
checklist's everyday path is walked: tick an item, reload, navigate away and back, print; a print
pack takes in its checklists; the plan page opens an item's details.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import REPO, broken_links, make_project

from .conftest import CHROMIUM, SiteServer, unavailable

try:
    from playwright.sync_api import expect
except ImportError:  # the fixture skips these tests, or fails them under CI
    pass

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ENGINES = ("mkdocs", "properdocs", "zensical")
ARTIFACTS = REPO / "test-artifacts" / "engines"
PAGE = "strategy/problem-fit/"
ITEM = "problem-fit/user-problem-stated"


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    if not found.exists():
        unavailable(f"{name} is not installed (pip install -e '.[test]' installs every engine)")
    return str(found)


def build(engine: str, root: Path, url: str) -> Path:
    """The site of the project at `root`, built by `engine` for `url`; the folder it is in."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url}
    if engine in ("mkdocs", "properdocs"):
        result = subprocess.run([_tool(engine), "build", "--strict"], cwd=root, env=env, capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-4000:]
        return root / "site"
    generated = subprocess.run([sys.executable, "-m", "playbook.cli", "generate", "--out", "build/zensical"], cwd=root,
                               env=env, capture_output=True, text=True, timeout=600)
    assert generated.returncode == 0, generated.stderr[-4000:]
    result = subprocess.run([_tool("zensical"), "build", "--strict", "--config-file", "build/zensical/mkdocs.yml"],
                            cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return root / "build" / "zensical" / "site"


@pytest.fixture(scope="module", params=ENGINES)
def engine_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    root = make_project(tmp_path_factory.mktemp(f"engine-{request.param}"), REPO / "playbook_data")
    served = root / "served"
    server = SiteServer(served)
    site = build(request.param, root, server.url)
    assert (site / "strategy" / "problem-fit" / "index.html").is_file()
    shutil.move(str(site), served)
    server.start()
    try:
        yield served, server.url
    finally:
        server.close()


@pytest.fixture
def engine_url(engine_site: tuple[Path, str]) -> str:
    return engine_site[1]


def test_every_link_on_every_page_reaches_a_page_and_an_anchor(engine_site: tuple[Path, str]) -> None:
    """Builders differ in what a relative link starts from (Renderer's `links_from`)."""
    pages, broken = broken_links(engine_site[0])
    assert len(pages) > 80 and "strategy/problem-fit/" in pages and "guides/roles/legal/" in pages
    assert not broken, "\n".join(broken[:40])


def box(page: Page):
    return page.locator(f'li[data-item-id="{ITEM}"] input.pb-item__check')


def test_the_page_keeps_materials_layout(new_page: Callable[..., Page], engine_site: tuple[Path, str],
                                         request: pytest.FixtureRequest) -> None:
    """One header bar (a theme partial that does not fit the engine stacks the search form in it),
    no sideways scrolling on a phone; a screenshot per engine in test-artifacts/engines/."""
    engine = request.node.callspec.params["engine_site"]
    for name, viewport in (("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})):
        page = new_page(engine_site[1], viewport=viewport)
        page.goto(PAGE)
        page.locator(".pb-tools").wait_for()
        assert page.locator("header.md-header").bounding_box()["height"] <= 64, f"{engine}, {name}"
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], f"{engine}, {name}"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{engine}-playbook-{name}.png"))


def test_a_tick_survives_a_reload_and_a_visit_elsewhere(new_page: Callable[..., Page], engine_url: str) -> None:
    page = new_page(engine_url)
    page.goto(PAGE)
    page.locator(".pb-tools").wait_for()
    box(page).check()
    page.reload()
    page.locator(".pb-tools").wait_for()
    expect(box(page)).to_be_checked()
    expect(page.locator(".pb-progress")).to_contain_text("1 of")
    page.locator(".pb-facts a").first.click()  # the playbook's category page
    page.wait_for_url("**/strategy/")
    page.go_back()
    page.locator(".pb-tools").wait_for()
    expect(box(page)).to_be_checked()


def test_printing_blank_sets_the_print_classes_for_the_print_only(new_page: Callable[..., Page],
                                                                  engine_url: str) -> None:
    page = new_page(engine_url)
    page.goto(PAGE)
    page.locator(".pb-tools").wait_for()
    box(page).check()
    page.evaluate("window.print = () => { window.printedWith = document.documentElement.className; }")
    page.get_by_text("Save, load, share or print").click()
    page.get_by_role("button", name="Print blank").click()
    assert "pb-print-blank" in page.evaluate("window.printedWith")
    assert "pb-print-blank" not in page.evaluate("document.documentElement.className")


def test_a_print_pack_takes_in_each_checklist_and_the_plan_opens_details(new_page: Callable[..., Page],
                                                                           engine_url: str) -> None:
    page = new_page(engine_url)
    page.goto("print/strategy/")
    page.wait_for_function("() => !document.querySelector('[data-pb-src]:not([data-pb-state])')")
    assert page.locator('[data-pb-state="failed"]').count() == 0
    expect(page.locator(f'li[data-item-id="{ITEM}"]')).to_have_count(1)
    page.goto("plan/?traits=tool-use")  # rows appear once a question is answered
    page.locator("form[data-pb-ready]").wait_for(state="attached")
    row = page.locator(f'li[data-item-id="{ITEM}"]')
    row.locator("summary").click()
    expect(row.locator(".pb-row__more")).to_contain_text("Why it matters")
