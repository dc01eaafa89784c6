"""Real MkDocs builds in a temporary folder, asserting on the HTML that readers get."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import REPO, SiteBuild, make_project, run_build
from playbook.load import load_library

pytestmark = pytest.mark.slow


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def article(build: SiteBuild, url: str) -> BeautifulSoup:
    return soup(build.page(url)).select_one("article.md-content__inner")


_ID = re.compile(r"""<[a-zA-Z][^>]*?\sid=(?:"([^"]*)"|'([^']*)'|([^\s>]+))""")


def duplicate_ids(site: Path) -> dict[str, list[str]]:
    """Element ids used more than once on one page, for every built page (links, labels and
    aria references all need an id to name one element)."""
    found = {}
    for page in sorted(site.rglob("*.html")):
        ids = [next(g for g in m.groups() if g is not None) for m in _ID.finditer(page.read_text(encoding="utf-8"))]
        twice = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) != len(set(ids)) else []
        if twice:
            found[page.relative_to(site).as_posix()] = twice
    return found


def test_every_item_is_rendered_with_its_id_checkbox_and_text(fixture_site: SiteBuild):
    library = load_library(fixture_site.root / "playbook_data")
    for playbook in library.playbooks:
        page = article(fixture_site, playbook.url)
        for item in playbook.items:
            element = page.select_one(f'[data-item-id="{item.global_id}"]')
            assert element is not None, item.global_id
            box = element.select_one("input[type=checkbox]")
            assert box is not None
            label = element.select_one(f'label[for="{box["id"]}"]')
            assert label is not None and label.get_text(" ", strip=True) == item.text
        assert len(page.select("[data-item-id]")) == len(playbook.items)


def test_item_details_are_on_the_page(fixture_site: SiteBuild):
    item = article(fixture_site, "strategy/problem-fit/").select_one('[data-item-id="problem-fit/user-problem-stated"]')
    text = item.get_text(" ", strip=True)
    assert "Must" in text and "Owner: Product manager" in text and "Stage: Discover" in text
    assert "Teams that start from the technology ship features nobody asked for." in text
    assert "The product brief contains the paragraph." in text
    ref = item.select_one("a.pb-ref")
    assert ref.get_text(strip=True) == "Demo MAP 1.1"
    assert ref["href"] == "../../frameworks/demo-framework/#map-1-1"
    assert ref["title"] == "Intended purposes and context are understood"
    related = [a["href"] for a in item.select(".pb-item__related a")]
    assert related == ["#simpler-alternative-tried", "../../ethics/bias-check/#groups-listed"]


def test_crosswalk_lists_each_entry_with_the_items_that_cover_it(fixture_site: SiteBuild):
    page = article(fixture_site, "frameworks/demo-framework/")
    assert "3 of 4 entries are covered by at least one checklist item (3 items in all); 1 is a deliberate gap" \
        in " ".join(page.get_text(" ", strip=True).split())
    rows = {row["data-entry-id"]: row for row in page.select("[data-entry-id]")}
    assert list(rows) == ["GOVERN 1.1", "MAP 1.1", "LLM01:2025", "Art. 50"]
    assert [a["href"] for a in rows["MAP 1.1"].select("a")] == ["../../strategy/problem-fit/#user-problem-stated"]
    assert rows["LLM01:2025"]["id"] == "llm01-2025"
    assert rows["Art. 50"]["data-status"] == "gap"
    assert "Kept as a deliberate gap in the fixture." in rows["Art. 50"].get_text()
    index = article(fixture_site, "frameworks/")
    assert [a["href"] for a in index.select("table a")] == ["demo-framework/"]


def test_edit_link_opens_the_yaml_file(fixture_site: SiteBuild):
    page = soup(fixture_site.page("strategy/problem-fit/"))
    edit = page.select_one('a.md-content__button[rel="edit"]')
    assert edit["href"].endswith("/edit/main/playbook_data/strategy/problem-fit.yaml")


def test_search_index_holds_item_text_with_deep_links(fixture_site: SiteBuild):
    index = json.loads((fixture_site.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    by_location = {doc["location"]: doc for doc in index["docs"]}
    doc = by_location["strategy/problem-fit/#user-problem-stated"]
    assert doc["title"] == "Write the user problem in one paragraph that does not mention AI."
    assert "The product brief contains the paragraph." in doc["text"]
    assert "bias-check/groups-listed" in by_location["ethics/bias-check/#groups-listed"]["text"]


def test_category_and_overview_pages_list_the_playbooks(fixture_site: SiteBuild):
    category = article(fixture_site, "strategy/")
    assert [a["href"] for a in category.select("table.pb-table a")] == ["problem-fit/"]
    overview = article(fixture_site, "playbooks/")
    links = {a.get_text(strip=True): a["href"] for a in overview.select("table.pb-table a")}
    assert links == {"Is generative AI the right tool?": "../strategy/problem-fit/",
                     "Bias check": "../ethics/bias-check/", "Prompt injection defence": "../feasibility/injection-defence/"}
    assert "3 playbooks with 6 checklist items (3 must)" in overview.get_text(" ", strip=True)


def test_navigation_lists_a_playbook_under_its_category_and_prunes_other_sections(fixture_site: SiteBuild):
    nav = soup(fixture_site.page("strategy/problem-fit/")).select_one("nav.md-nav--primary")
    hrefs = [a.get("href") for a in nav.select("a[href]")]
    assert "./" in hrefs or "#" in hrefs or any(h.endswith("problem-fit/") for h in hrefs)
    assert not any("bias-check" in h for h in hrefs), "navigation.prune keeps other sections' pages out"
    active = nav.select_one("li.md-nav__item--active > a, li.md-nav__item--active label")
    assert active is not None


def test_macros_embed_a_filtered_checklist_in_a_hand_written_page(fixture_site: SiteBuild):
    page = article(fixture_site, "guides/using-the-playbooks/")
    items = page.select("[data-item-id]")
    assert [i["data-item-id"] for i in items] == ["problem-fit/user-problem-stated"]
    assert items[0].select_one("a.pb-item__link")["href"] == "../../strategy/problem-fit/#user-problem-stated"


def test_home_page_shows_counts_from_the_data(fixture_site: SiteBuild):
    text = " ".join(article(fixture_site, "").get_text(" ", strip=True).split())
    assert "3 playbooks with 6 checklist items, 3 of them marked must , in 3 categories" in text
    cards = article(fixture_site, "").select(".pb-home__cards li")
    assert [c.select_one("a").get_text() for c in cards[:3]] == ["Strategy", "Ethics safeguards", "Feasibility"]
    assert "1 playbook, 3 items" in cards[0].get_text(" ", strip=True)
    links = {a["href"] for a in article(fixture_site, "").select("a")}
    assert {"plan/", "frameworks/", "print/", "print/strategy/", "guides/launch-review/"} <= links


def test_navigation_section_toggles_are_named_by_text_not_by_a_prohibited_aria_label(fixture_site: SiteBuild):
    """Material's toggle of a section with an index page holds only an icon and names the section's
    navigation (aria-labelledby); our override (overrides/partials/nav-item.html) gives it the
    section's title as hidden text. ARIA does not allow aria-label on a label element."""
    html = BeautifulSoup(fixture_site.page("strategy/problem-fit/"), "html.parser")
    toggles = html.select("nav.md-nav--primary .md-nav__container > label.md-nav__link[for]")
    assert toggles, "the fixture site has sections with index pages"
    for label in toggles:
        assert not label.has_attr("aria-label"), label
        assert label.select_one(".pb-visually-hidden").get_text(strip=True), label
        named = html.select_one(f'nav[aria-labelledby="{label["id"]}"]')
        assert named is not None and label.get_text(strip=True)
    assert "Strategy" in [label.get_text(strip=True) for label in toggles]


def test_every_page_of_the_fixture_site_has_unique_element_ids(fixture_site: SiteBuild):
    assert duplicate_ids(fixture_site.site) == {}


def test_ids_that_look_like_the_sites_own_never_share_an_element_id(project: Path):
    """Item ids next to ids the site derives from them (a checkbox, the details line), and a
    playbook whose id starts like the print pack's section ids: every page keeps unique ids."""
    path = project / "playbook_data" / "strategy" / "problem-fit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    first = data["items"][0]["id"]
    data["items"] += [dict(data["items"][0], id=f"check-{first}", related=[]),
                      dict(data["items"][0], id=f"meta-{first}", related=[]),
                      dict(data["items"][0], id=f"{first}-check", related=[])]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    other = dict(data, id="pb-problem-fit", items=[dict(i, related=[]) for i in data["items"]])
    (path.parent / "pb-problem-fit.yaml").write_text(yaml.safe_dump(other, sort_keys=False), encoding="utf-8")
    # Embedded-list headings against embedded items (the role pages list must items by owner), and
    # the plan page's question ids against its help ids.
    pair = {"id": "ab", "title": "Ab", "category": "feasibility", "summary": "Ab.",
            "items": [{"id": "x1", "text": "Check x.", "level": "must", "owner": "security", "stage": "launch"}]}
    (project / "playbook_data" / "feasibility" / "ab.yaml").write_text(yaml.safe_dump(pair), encoding="utf-8")
    pair = dict(pair, id="pb-ab", title="Pb ab", items=[
        {"id": "must-security", "text": "Check y.", "level": "must", "owner": "security", "stage": "launch"},
        {"id": "must-launch", "text": "Check z.", "level": "must", "owner": "engineering", "stage": "launch"}])
    (project / "playbook_data" / "feasibility" / "pb-ab.yaml").write_text(yaml.safe_dump(pair), encoding="utf-8")
    traits = project / "playbook_data" / "traits.yaml"
    listed = yaml.safe_load(traits.read_text(encoding="utf-8"))
    first = listed["traits"][0]
    listed["traits"].append(dict(first, id=f"help-{first['id']}"))
    traits.write_text(yaml.safe_dump(listed, sort_keys=False), encoding="utf-8")
    build = run_build(project)
    assert build.returncode == 0, build.stderr
    assert duplicate_ids(build.site) == {}


def test_build_leaves_docs_untouched(fixture_site: SiteBuild):
    generated = ["playbooks", "strategy", "ethics", "feasibility"]
    assert not any((fixture_site.root / "docs" / name).exists() for name in generated)


def _write_playbook(project: Path, **fields: str) -> None:
    path = project / "playbook_data" / "strategy" / "problem-fit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    item = data["items"][0]
    for key, value in fields.items():
        if key.startswith("item_"):
            item[key[5:]] = value
        else:
            data[key] = value
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


JINJA = ["{{ 7*7 }}", "{% raw %}x{% endraw %}", "{{ config }}", "{{ ''.__class__.__mro__ }}"]


def test_template_syntax_in_yaml_stays_literal_in_every_text_field(project: Path):
    _write_playbook(project, title=f"Title {JINJA[0]}", summary=f"Summary {JINJA[1]}", intro=f"Intro {JINJA[2]}",
                    item_text=f"Text {JINJA[0]} and {JINJA[3]}", item_why=f"Why {JINJA[1]}", item_how=f"How {JINJA[2]}")
    build = run_build(project)
    assert build.returncode == 0, build.stderr
    page = article(build, "strategy/problem-fit/").get_text("")
    # `__class__` is Markdown for bold "class": the text is formatted, never executed.
    for fragment in ("Title {{ 7*7 }}", "Summary {% raw %}x{% endraw %}", "Intro {{ config }}",
                     "Text {{ 7*7 }} and {{ ''.class.mro }}", "Why {% raw %}x{% endraw %}", "How {{ config }}"):
        assert fragment in page
    assert "49" not in page and "<class" not in build.page("strategy/problem-fit/")
    embedded = article(build, "guides/using-the-playbooks/").get_text("")
    assert "Text {{ 7*7 }} and {{ ''.class.mro }}" in embedded


def test_raw_html_and_script_urls_in_yaml_never_become_markup(project: Path):
    # Markdown links with these schemes fail validation (tests/test_hostile.py); raw HTML links pass it.
    _write_playbook(project, title="<img src=x onerror=alert(1)>", summary="<script>alert(1)</script>",
                    item_text='<a href="javascript:alert(1)">click</a> <b onmouseover=alert(1)>bold</b>',
                    item_why="<iframe src=https://example.org></iframe> <a href=data:text/html,x>data</a>")
    build = run_build(project)
    assert build.returncode == 0, build.stderr
    html = build.page("strategy/problem-fit/")
    page = soup(html)
    assert not page.select("article script, article iframe, article img[onerror], article b[onmouseover]")
    assert not [a for a in page.select("article a[href]") if a["href"].startswith(("javascript:", "data:"))]
    text = page.select_one("article").get_text(" ")
    assert "<script>alert(1)</script>" in text and "<b onmouseover=alert(1)>bold</b>" in text
    assert "<img src=x onerror=alert(1)>" in page.select_one("title").get_text()


def test_invalid_data_fails_the_build_with_located_problems_and_keeps_the_old_site(project: Path):
    first = run_build(project)
    assert first.returncode == 0, first.stderr
    before = {p.relative_to(first.site): p.read_bytes() for p in first.site.rglob("*") if p.is_file()}

    path = project / "playbook_data" / "strategy" / "problem-fit.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("level: should", "level: shuld").replace("tags: [business-case]",
                                                                           "tags: business-case"), encoding="utf-8")
    failed = run_build(project)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr + failed.stdout
    assert "2 problem(s) in the playbook data:" in failed.stderr
    assert "playbook_data/strategy/problem-fit.yaml:10:7: $.tags: expected a list, received text " \
           "'business-case'; write a list, e.g. [business-case]" in failed.stderr
    assert "playbook_data/strategy/problem-fit.yaml:27:12: $.items[1].level: expected one of: must, should, " \
           "could; received text 'shuld'. Did you mean 'should'?" in failed.stderr
    after = {p.relative_to(failed.site): p.read_bytes() for p in failed.site.rglob("*") if p.is_file()}
    assert after == before


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def _site_files(site: Path) -> dict[Path, bytes]:
    return {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}


@pytest.mark.parametrize("break_it, says", [
    # A strict-mode warning (a nav entry without a page); MkDocs fails only after every page was written.
    (lambda project: (project / "mkdocs.yml").write_text((project / "mkdocs.yml").read_text(encoding="utf-8")
     .replace("  - Tags: tags.md\n", "  - Tags: tags.md\n  - Gone: no-such-page.md\n"), encoding="utf-8"),
     "Aborted with 1 warnings in strict mode!"),
    # A crash while pages are written: a macro that does not exist on a hand-written page.
    (lambda project: _append(project / "docs" / "guides" / "using-the-playbooks.md", "\n{{ no_such_macro() }}\n"),
     "no_such_macro"),
], ids=["strict-warning", "crash-while-writing"])
def test_a_build_that_fails_late_keeps_the_last_good_site_whole(project: Path, break_it, says: str):
    first = run_build(project)
    before = _site_files(first.site)
    assert before, first.stderr
    break_it(project)
    failed = run_build(project)
    assert failed.returncode != 0  # MkDocs exits 1; the macros plugin exits the process with 100
    assert says in failed.stderr + failed.stdout
    assert _site_files(failed.site) == before  # not emptied, not half-written
    assert not list(project.glob(".site.*"))  # the failed build's folder is gone


def test_a_build_clears_what_a_killed_build_left_behind(project: Path):
    leftover = project / ".site.building-4242"
    (leftover / "assets").mkdir(parents=True)
    (leftover / "index.html").write_text("half a page", encoding="utf-8")
    build = run_build(project)
    assert build.returncode == 0, build.stderr
    assert not leftover.exists() and (build.site / "index.html").is_file()


def test_unknown_playbook_in_a_macro_fails_the_build_with_a_suggestion(project: Path):
    page = project / "docs" / "guides" / "using-the-playbooks.md"
    page.write_text(page.read_text(encoding="utf-8").replace('checklist("problem-fit"', 'checklist("problem-fits"'),
                    encoding="utf-8")
    build = run_build(project)
    assert build.returncode != 0
    assert "no playbook with id 'problem-fits'. Did you mean 'problem-fit'?" in build.stderr + build.stdout


def test_the_repository_site_builds_strictly_with_the_shipped_content(tmp_path: Path):
    project = make_project(tmp_path / "repo-site", REPO / "playbook_data")
    build = run_build(project)
    assert build.returncode == 0, build.stderr
    library = load_library(REPO / "playbook_data")
    for playbook in library.playbooks:
        page = soup(build.page(playbook.url))
        ids = {e["data-item-id"] for e in page.select("[data-item-id]")}
        assert ids == {i.global_id for i in playbook.items}
    # The plan page of the real library stays light: its HTML and the data it loads, gzipped as
    # static hosts serve them, within 250 kB (bench/plan_page.py measures the whole load).
    plan = build.site / "plan"
    light = sum(len(gzip.compress((plan / name).read_bytes(), 6)) for name in ("index.html", "plan-items.json"))
    assert light <= 250_000, f"/plan/ HTML + data: {light:,} bytes gzipped"
    assert not soup(build.page("plan")).select("[data-item-id]")  # no item is embedded in the page
    assert duplicate_ids(build.site) == {}
    example = soup(build.page("reviews/example-support-assistant")).select("li.pb-review__check")
    assert example and {li["data-status"] for li in example} == {"open", "done", "not-applicable", "risk-accepted"}


def test_the_review_schedule_lists_each_playbook_once_by_next_review_with_owner_and_dates(fixture_site: SiteBuild):
    table = article(fixture_site, "playbooks/").select_one('[aria-label="Review schedule"] table')
    assert [th.get_text() for th in table.select("thead th")] == ["Playbook", "Owner", "Last reviewed", "Next review"]
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in table.select("tbody tr")]
    assert len(rows) == 3 and not table.select(".pb-table__summary"), "no summaries repeated from the tables above"
    due = [row[3].split()[0].replace("Now", "0000-00-00") for row in rows]  # never reviewed: due now
    assert due == sorted(due), "the next review first"
    assert all(len(row) == 4 and row[2] and row[3] for row in rows)


def test_the_not_found_page_says_what_happened_and_offers_the_ways_on(fixture_site: SiteBuild):
    page = BeautifulSoup((fixture_site.site / "404.html").read_text(encoding="utf-8"), "html.parser")
    article = page.select_one("article")
    assert article.h1.get_text() == "Page not found"
    links = {a.get_text(): a["href"] for a in article.select("a[href]")}
    assert links["Plan my review"].endswith("/plan/") and links["All playbooks"].endswith("/playbooks/")
    assert links["Home"] == "http://127.0.0.1:8000/"
