"""Print packs and PDF links in the built site, and `playbook pdf` failing cleanly (issue 4).

What a printout looks like is checked with real Chromium in tests/browser/test_print.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_LIBRARY, SiteBuild
from playbook.load import load_library
from playbook.render import Renderer, pack_uri

pytestmark = pytest.mark.slow


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def run_pdf(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "playbook.cli", "pdf", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_print_packs_hold_a_place_for_every_playbook_of_their_category_and_no_item_html(fixture_site: SiteBuild):
    """A pack names each playbook's page (print.js takes the checklist from there, see
    tests/browser/test_print.py); it repeats no item, so a pack costs little however large the library."""
    packs = {"print/": ["problem-fit", "bias-check", "injection-defence"], "print/strategy/": ["problem-fit"],
             "print/ethics/": ["bias-check"], "print/feasibility/": ["injection-defence"]}
    pages = {"problem-fit": "strategy/problem-fit/", "bias-check": "ethics/bias-check/",
             "injection-defence": "feasibility/injection-defence/"}
    for url, playbooks in packs.items():
        page = soup(fixture_site.page(url))
        sections = page.select("section.pb-pack__playbook")
        assert [s["data-playbook-id"] for s in sections] == playbooks, url
        up = "../" * url.count("/")
        for section in sections:
            place = section.select_one("[data-pb-src]")
            assert place["data-pb-src"] == up + pages[section["data-playbook-id"]], url
            assert place.select_one("a")["href"] == place["data-pb-src"], "without JavaScript: a link to the page"
            assert (fixture_site.site / pages[section["data-playbook-id"]] / "index.html").is_file()
        assert not page.select("li[data-item-id], ol.pb-checklist"), url
        ids = Counter(el["id"] for el in page.select("[id]"))
        assert [i for i, n in ids.items() if n > 1] == [], url
    assert not (fixture_site.site / "print" / "value").exists(), "no pack for a category without playbooks"


def test_pack_contents_link_every_section_with_its_item_count_and_headings_skip_no_level(fixture_site: SiteBuild):
    library = load_library(FIXTURE_LIBRARY)
    for url in ("print/", "print/strategy/", "print/ethics/"):
        page = soup(fixture_site.page(url)).select_one("article")
        sections = page.select("section.pb-pack__playbook")
        links = page.select("nav.pb-pack__contents a")
        assert [a["href"] for a in links] == [f"#{s['id']}" for s in sections], url
        for a, section in zip(links, sections):
            assert a.get_text() == section.h2.get_text()
            count = len(library.playbook(section["data-playbook-id"]).items)
            assert a.find_next_sibling("span", class_="pb-count").get_text() == f"{count} item{'' if count == 1 else 's'}"
            assert not a.has_attr("data-pb-pdf"), "`playbook pdf` reads data-pb-pdf links as pages to print"
        levels = [int(h.name[1]) for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]
        assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])) and max(levels) == 2, url
        assert len(page.select("[data-pb-print]")) == 1, "one set of print controls"
    grouped = soup(fixture_site.page("print/")).select(".pb-pack__groups > li")
    assert [g.select_one(".pb-pack__group").get_text() for g in grouped] == [
        "Strategy", "Ethics safeguards", "Feasibility"]


def test_items_show_no_global_id_but_search_still_finds_it(fixture_site: SiteBuild):
    item = soup(fixture_site.page("strategy/problem-fit/")).select_one('li[data-item-id="problem-fit/user-problem-stated"]')
    assert not item.select("code"), "no id shown as code"
    key = item.select_one(".pb-item__key")
    assert key.has_attr("hidden") and key.get_text() == "problem-fit/user-problem-stated"
    link = item.select_one("a.pb-item__link")
    assert link["aria-label"] == "Link to: Write the user problem in one paragraph that does not mention AI."
    index = json.loads((fixture_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    found = [d["location"] for d in index["docs"] if "problem-fit/user-problem-stated" in d["text"]]
    assert "strategy/problem-fit/#user-problem-stated" in found


def test_search_results_read_as_sentences(fixture_site: SiteBuild):
    """A result shows its title and the start of its text: the item's sentence, then its words
    (when it applies, why, how), not a run of labels and ids; a playbook's facts stay out."""
    index = json.loads((fixture_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = {d["location"]: d for d in index["docs"]}
    item = docs["strategy/problem-fit/#user-problem-stated"]
    assert item["title"] == "Write the user problem in one paragraph that does not mention AI."
    text = BeautifulSoup(item["text"], "html.parser").get_text(" ", strip=True)
    assert text.startswith("Why it matters Teams that start from the technology"), text[:120]
    assert text.endswith("problem-fit/user-problem-stated"), "the id last, for searches by id"
    assert "Owner:" not in text and "Stage:" not in text
    page = BeautifulSoup(docs["strategy/problem-fit/"]["text"], "html.parser").get_text(" ", strip=True)
    assert "Last reviewed" not in page and "Category" not in page, page[:200]
    framework = docs["frameworks/demo-framework/"]["text"]
    assert "Publisher" not in framework and "Edition" not in framework


def test_packs_are_linked_from_category_pages_and_the_overview_but_stay_out_of_nav_and_search(
        fixture_site: SiteBuild):
    category = soup(fixture_site.page("strategy/")).select_one("article")
    assert category.select_one(".pb-pack-link a")["href"] == "../print/strategy/"
    overview = soup(fixture_site.page("playbooks/")).select_one("article")
    assert overview.select_one(".pb-pack-link a")["href"] == "../print/"
    for url in ("playbooks/", "strategy/", "strategy/problem-fit/", "print/"):
        nav = soup(fixture_site.page(url)).select_one("nav.md-nav--primary")
        assert not [a["href"] for a in nav.select("a[href]") if "print/" in a["href"]], url
    index = json.loads((fixture_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if d["location"].startswith("print/")]


def test_default_build_links_no_pdf_and_publishes_none(fixture_site: SiteBuild):
    for url in ("strategy/problem-fit/", "strategy/", "playbooks/", "print/"):
        assert not soup(fixture_site.page(url)).select('a[href$=".pdf"]'), url
    assert not (fixture_site.site / "pdf").exists()


def test_playbook_page_has_a_place_for_print_choices_and_a_paper_footer(fixture_site: SiteBuild):
    page = soup(fixture_site.page("strategy/problem-fit/")).select_one("article")
    controls = page.select_one("[data-pb-print]")
    assert controls is not None and controls.has_attr("hidden"), "print.js fills and shows it"
    assert page.select_one(".pb-print-foot")["data-url"] == ""
    assert soup(fixture_site.page("strategy/problem-fit/")).select_one('script[src$="assets/print.js"]')


def test_pdf_option_renders_download_links_for_playbooks_and_packs():
    pages = Renderer(load_library(FIXTURE_LIBRARY), pdf=True).pages()
    assert 'href="../../pdf/problem-fit.pdf"' in pages["strategy/problem-fit.md"]
    assert 'href="../pdf/pack-strategy.pdf"' in pages["strategy/index.md"]
    assert 'href="../pdf/pack-all.pdf"' in pages["playbooks/index.md"]
    assert 'href="../../pdf/pack-ethics.pdf"' in pages[pack_uri("ethics")]
    assert 'href="../pdf/pack-all.pdf"' in pages[pack_uri()]
    assert ".pdf" not in Renderer(load_library(FIXTURE_LIBRARY)).pages()["strategy/problem-fit.md"]


def test_pdf_command_without_a_built_site_exits_1_with_a_message(tmp_path: Path):
    result = run_pdf("--site", "nowhere", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("playbook pdf: no built site at nowhere: build it first (`./dev build`)")
    assert "Traceback" not in result.stderr
    (tmp_path / "other").mkdir()
    result = run_pdf("--site", "other", cwd=tmp_path)
    assert result.returncode == 1 and "holds no print pack (print/index.html)" in result.stderr


def test_pdf_command_without_chromium_exits_1_with_a_message(fixture_site: SiteBuild, tmp_path: Path):
    result = run_pdf("--site", str(fixture_site.site), "--output", str(tmp_path / "out"), cwd=tmp_path,
                     CHROMIUM=str(tmp_path / "no-chromium"))
    assert result.returncode == 1
    assert result.stderr.strip() == (f"playbook pdf: Chromium not found at {tmp_path / 'no-chromium'}: install it "
                                     "(Debian/Ubuntu: apt-get install chromium) or set CHROMIUM to the path of a "
                                     "Chromium or Chrome executable")
    assert not (tmp_path / "out").exists()


def test_pdf_command_rejects_an_unknown_paper_size_as_a_usage_error(tmp_path: Path):
    result = run_pdf("--paper", "A5", cwd=tmp_path)
    assert result.returncode == 2 and "invalid choice: 'A5'" in result.stderr
