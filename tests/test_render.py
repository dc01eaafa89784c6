"""The renderer on its own (no MkDocs): review badges and URL helpers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup

from conftest import FIXTURE_LIBRARY
from playbook.load import load_library
from playbook.render import Renderer, entry_anchor, page_url, relative_url, root_prefix


@pytest.fixture(scope="module")
def library():
    return load_library(FIXTURE_LIBRARY)


def facts(renderer: Renderer, playbook_id: str) -> BeautifulSoup:
    page = renderer.playbook_page(renderer.library.playbook(playbook_id))
    return BeautifulSoup(page, "html.parser").select_one("dl.pb-facts")


def test_review_badge_appears_once_the_interval_has_passed(library):
    # problem-fit was last reviewed on 2026-11-01; the default interval is 365 days.
    before = facts(Renderer(library, today=dt.date(2027, 10, 31)), "problem-fit")
    after = facts(Renderer(library, today=dt.date(2027, 11, 1)), "problem-fit")
    assert before.select(".pb-review-due") == []
    assert after.select_one(".pb-review-due").get_text() == "Review due"
    assert "Next review 2027-11-01" in " ".join(after.get_text(" ", strip=True).split())


def test_site_interval_and_never_reviewed_playbooks(library):
    short = facts(Renderer(library, today=dt.date(2026, 12, 2), review_interval_days=30), "problem-fit")
    assert short.select_one(".pb-review-due") is not None
    never = facts(Renderer(library, today=dt.date(2026, 11, 2)), "injection-defence")
    assert "Last reviewed Never" in " ".join(never.get_text(" ", strip=True).split())
    assert never.select_one(".pb-review-due") is not None


def test_overview_lists_playbooks_by_review_date_most_overdue_first(library):
    page = BeautifulSoup(Renderer(library, today=dt.date(2026, 11, 26)).overview_page(), "html.parser")
    schedule = page.select("table")[-1]
    assert [row["data-playbook-id"] for row in schedule.select("tbody tr")] == [
        "injection-defence", "bias-check", "problem-fit"]
    cells = [td.get_text(" ", strip=True) for td in schedule.select_one('tr[data-playbook-id="bias-check"]').select("td")]
    assert cells[2:] == ["2026-10-01", "2027-10-01"], "last and next review"


@pytest.mark.parametrize(("target", "source", "expected"), [
    ("ethics/x/", "ethics/y/", "../x/"),
    ("", "ethics/y/", "../../"),
    ("ethics/y/#a", "ethics/y/", "./#a"),
    ("strategy/z/#b", "playbooks/", "../strategy/z/#b"),
    ("a.html", "b/c.html", "../a.html"),
])
def test_relative_urls(target, source, expected):
    assert relative_url(target, source) == expected


@pytest.mark.parametrize(("page", "expected"), [
    ("", ""), ("playbooks/", "../"), ("ethics/y/", "../../"), ("index.html", ""), ("b/c.html", "../"),
    ("guides/roles/security/", "../../../")])
def test_root_prefix_leads_from_a_page_to_the_site_root(page, expected):
    assert root_prefix(page) == expected


def test_page_urls_follow_mkdocs_rules():
    assert page_url("ethics/index.md") == "ethics/"
    assert page_url("ethics/bias.md") == "ethics/bias/"
    assert page_url("ethics/bias.md", directory_urls=False) == "ethics/bias.html"


@pytest.mark.parametrize(("entry", "anchor"), [
    ("GOVERN 1.1", "govern-1-1"), ("LLM01:2025", "llm01-2025"), ("Art. 50", "art-50"),
    ("Dangerous, Violent, or Hateful Content", "dangerous-violent-or-hateful-content")])
def test_entry_anchors(entry, anchor):
    assert entry_anchor(entry) == anchor


def test_each_item_is_rendered_once_per_build_whatever_the_pages_that_show_it(monkeypatch):
    """Items appear in full on their playbook's page and (through the macros, with a second
    renderer) on hand-written pages; the item template runs once per item."""
    library = load_library(FIXTURE_LIBRARY)  # a fresh build, as each site build has
    rendered: list[str] = []
    original = jinja2.Template.render

    def counting(self, *args, **kwargs):
        if self.name == "_item.html.j2":
            rendered.append(kwargs["item"].global_id)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    pages = Renderer(library).pages()
    macros = Renderer(library)  # what hooks/macros.py makes for the same build
    embedded = macros.checklist(library.playbook("problem-fit"), page="guides/roles/security/", embedded=True)
    assert sorted(rendered) == sorted(i.global_id for i in library.items())
    # Each page got its own ids and links, filled into the one rendering.
    own = BeautifulSoup(pages["strategy/problem-fit.md"], "html.parser")
    item = own.select_one('li[data-item-id="problem-fit/user-problem-stated"]')
    assert item.select_one("h3")["id"] == "user-problem-stated"
    assert item.select_one("a.pb-item__link")["href"] == "#user-problem-stated"
    pack = BeautifulSoup(pages["print/index.md"], "html.parser")  # takes the items from the page, in the browser
    assert not pack.select("li[data-item-id]") and pack.select_one("#pb-problem-fit [data-pb-src]")
    item = BeautifulSoup(str(embedded), "html.parser").select_one('li[data-item-id="problem-fit/user-problem-stated"]')
    assert item.select_one("h4")["id"] == "problem-fit--user-problem-stated"  # under a guide's h3
    assert item.select_one("a.pb-item__link")["href"] == "../../../strategy/problem-fit/#user-problem-stated"
    assert all("{slot:" not in text for text in pages.values())


def test_text_shaped_like_a_slot_stays_literal(tmp_path: Path):
    root = shutil.copytree(FIXTURE_LIBRARY, tmp_path / "library")
    path = root / "strategy" / "problem-fit.yaml"
    text = "Write the user problem in one paragraph that does not mention AI."
    path.write_text(path.read_text(encoding="utf-8").replace(text, "Keep {slot:x:root} and {slot:root} as typed."),
                    encoding="utf-8")
    library = load_library(root)
    page = Renderer(library).playbook_page(library.playbook("problem-fit"))
    title = BeautifulSoup(page, "html.parser").select_one("#user-problem-stated").get_text()
    assert title == "Keep {slot:x:root} and {slot:root} as typed."


def test_marked_html_blocks_pass_through_markdown_whole_with_the_rawblocks_extension():
    """What Zensical runs instead of the MkDocs hook's set-aside: the marked block is stored as raw
    HTML before Markdown reads it, the rest of the page is Markdown as usual."""
    import markdown

    from playbook.render import raw_block, set_aside

    block = '<ol class="pb-checklist">\n<li>*not emphasis* and [not a link](x)</li>\n\n    not code\n</ol>'
    page = f"# Title\n\nSome *text*.\n\n{raw_block(block)}\n\nAfter."
    html = markdown.markdown(page, extensions=["md_in_html", "playbook.rawblocks"])
    assert block in html and "<em>text</em>" in html and "<p>After.</p>" in html
    assert "pb:html" not in html and "<p><ol" not in html
    assert set_aside(page)[1] == [block], "the MkDocs hook finds the same block"
