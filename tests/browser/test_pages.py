"""Every kind of page of the shipped site, on a phone and on a desktop, in real Chromium.

The real library is built once for this module (with its example review published). For each
kind of page, at 390 x 844 and 1280 x 800, in the light scheme and at desktop width also the dark
one: the page is no wider than the viewport, axe-core finds no violation in the whole document
(Material's header, navigation, search and footer included, not only the article), and a
screenshot is written to test-artifacts/pages/ for people to look at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from conftest import REPO

from .test_plan import _serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "pages"
# One page of each kind, by what it is to a reader.
PAGES = {
    "home": "",
    "start-here": "guides/start-here/",
    "plan": "plan/",
    "all-playbooks": "playbooks/",
    "category": "ethics/",
    "playbook": "ethics/harmful-content/",
    "crosswalks": "frameworks/",
    "crosswalk": "frameworks/nist-ai-rmf/",
    "print-pack-category": "print/strategy/",
    "print-pack-all": "print/",
    "role": "guides/roles/legal/",
    "launch-review": "guides/launch-review/",
    "reviews": "reviews/",
    "review": "reviews/example-support-assistant/",
    "tags": "tags/",
    "schema-reference": "reference/schema/",
    "security": "security/",
    "not-found": "404.html",
}
VIEWS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture(scope="module")
def shipped_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _serve(tmp_path_factory.mktemp("pages-site"), REPO / "playbook_data")


def _violations(axe: Any, page: Page) -> list[str]:
    found = axe.run(page).response["violations"]
    return [f"{v['id']}: {n['target']} {n['failureSummary'].splitlines()[-1].strip()}" for v in found for n in v["nodes"]]


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("kind", list(PAGES))
def test_every_kind_of_page_fits_the_screen_and_passes_a_whole_page_audit(
        new_page: Callable[..., Page], shipped_url: str, axe: Any, kind: str, view: str) -> None:
    schemes = ["light", "dark"] if view == "desktop" else ["light"]
    for scheme in schemes:
        page = new_page(shipped_url, viewport=VIEWS[view], color_scheme=scheme)
        page.goto(PAGES[kind])
        page.wait_for_load_state("load")
        # A print pack is whole once print.js has put in each playbook's checklist: audit that page.
        page.wait_for_function("() => !document.querySelector('[data-pb-src]:not([data-pb-state])')")
        assert page.locator('[data-pb-state="failed"]').count() == 0
        page.evaluate("document.fonts.ready")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWS[view]["width"], f"{kind} is {width} px wide at {VIEWS[view]['width']} px"
        assert _violations(axe, page) == [], f"{kind}, {view}, {scheme} scheme"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{kind}-{view}{'-dark' if scheme == 'dark' else ''}.png"),
                        full_page=kind not in ("print-pack-all", "crosswalk", "schema-reference", "security"))
