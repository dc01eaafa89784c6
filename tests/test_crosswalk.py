"""Crosswalk pages and tables, as readers get them from real builds.

A crosswalk page shows a coverage view first (every entry once, with how many items cover it),
then the entries grouped under the framework's own headings. The fixture library's registry has
one entry per group; a variant library adds a registry shaped like the NIST AI RMF (groups
"GOVERN 1", "GOVERN 2", "MAP 1", ... under their function) and one shaped like the EU AI Act
(every group a "Chapter"). Tables of playbooks and frameworks sit in boxes that scroll on their own.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from conftest import FIXTURE_LIBRARY, SiteBuild, make_project, run_build

pytestmark = pytest.mark.slow


def article(build: SiteBuild, url: str) -> Tag:
    return BeautifulSoup(build.page(url), "html.parser").select_one("article.md-content__inner")


def heading_text(heading: Tag) -> str:
    """A heading's own text, without its permalink sign."""
    return "".join(heading.find_all(string=True, recursive=False)).strip()


def details(page: Tag) -> list[tuple[str, str]]:
    """The entries part of a crosswalk page in reading order: ("h2", text), ("h3", text) and
    ("entry", entry id)."""
    found = []
    for el in page.select_one("#entries").find_all(["h2", "h3", "li"]):
        if el.name != "li":
            found.append((el.name, heading_text(el)))
        elif el.has_attr("data-entry-id"):
            found.append(("entry", el["data-entry-id"]))
    return found


def coverage_view(page: Tag) -> list[tuple[str, str, str]]:
    """The coverage view's cells in order: (entry id shown, what the cell says, status)."""
    cells = []
    for cell in page.select(".pb-cov .pb-cov__cell"):
        status = next(c.removeprefix("pb-cov__cell--") for c in cell["class"] if c.startswith("pb-cov__cell--"))
        cells.append((cell.select_one(".pb-cov__id").get_text(), cell.select_one(".pb-cov__state").get_text(), status))
    return cells


def coverage_parts(page: Tag) -> list[tuple[str, str]]:
    """The coverage view's parts: (title, the count beside it)."""
    return [(p.a.get_text(), p.select_one(".pb-cov__sum").get_text()) for p in page.select(".pb-cov__title")]


# -- the fixture library ------------------------------------------------------------------------

def test_entries_are_grouped_under_their_group_headings_in_framework_order(fixture_site: SiteBuild):
    page = article(fixture_site, "frameworks/demo-framework/")
    # Four groups whose first words differ ("GOVERN 1", "MAP 1", "Top 10", "Chapter IV"): one h2 each.
    assert details(page) == [
        ("h2", "GOVERN 1"), ("entry", "GOVERN 1.1"),
        ("h2", "MAP 1"), ("entry", "MAP 1.1"),
        ("h2", "Top 10"), ("entry", "LLM01:2025"),
        ("h2", "Chapter IV"), ("entry", "Art. 50"),
    ]


def test_coverage_view_lists_every_entry_once_with_its_count_and_status(fixture_site: SiteBuild):
    page = article(fixture_site, "frameworks/demo-framework/")
    assert coverage_view(page) == [
        ("GOVERN 1.1", "1 item", "covered"),
        ("MAP 1.1", "1 item", "covered"),
        ("LLM01:2025", "1 item", "covered"),
        ("Art. 50", "Deliberate gap", "gap"),
    ]
    assert coverage_parts(page) == [("GOVERN 1", "1 of 1 covered"), ("MAP 1", "1 of 1 covered"),
                                    ("Top 10", "1 of 1 covered"), ("Chapter IV", "0 of 1 covered")]
    coverage = page.select_one("p.pb-coverage")
    assert (coverage["data-covered"], coverage["data-entries"]) == ("3", "4")


def test_each_coverage_cell_links_to_the_details_of_its_entry(fixture_site: SiteBuild):
    page = article(fixture_site, "frameworks/demo-framework/")
    for cell in page.select(".pb-cov__cell"):
        href = cell.a["href"]
        assert href.startswith("#")
        target = page.find(id=href[1:])
        assert target is not None and target["data-entry-id"] == cell.select_one(".pb-cov__id").get_text()
        assert f"pb-cov__cell--{target['data-status']}" in cell["class"]
        assert cell.a["title"] == target.select_one(".pb-entry__title").get_text()  # the title on hover
    for part in page.select(".pb-cov__title a"):
        heading = page.find(id=part["href"][1:])
        assert heading is not None and heading.name == "h2" and heading_text(heading) == part.get_text()
    # The anchors that playbook pages link to are unchanged.
    assert page.select_one('[data-entry-id="LLM01:2025"]')["id"] == "llm01-2025"
    assert page.find(id="coverage").name == "h2" and page.find(id="entries") is not None


def test_an_entry_lists_the_sentences_of_the_items_that_cover_it_as_links(fixture_site: SiteBuild):
    page = article(fixture_site, "frameworks/demo-framework/")
    entry = page.select_one('[data-entry-id="MAP 1.1"]')
    assert "Intended purposes and context are understood" in entry.select_one(".pb-entry__head").get_text()
    links = [(a.get_text(), a["href"]) for a in entry.select("ul.pb-covering a")]
    assert links == [("Write the user problem in one paragraph that does not mention AI.",
                      "../../strategy/problem-fit/#user-problem-stated")]
    assert "(Is generative AI the right tool?)" in entry.get_text(" ", strip=True)
    # Compact: the sentence only, never the item's checklist markup.
    assert page.select("[data-item-id], input[type=checkbox]") == []
    gap = page.select_one('[data-entry-id="Art. 50"]')
    assert gap["data-status"] == "gap" and gap.select("ul.pb-covering") == []
    assert "Deliberate gap Kept as a deliberate gap in the fixture." in gap.get_text(" ", strip=True)


@pytest.mark.parametrize("url", ["playbooks/", "strategy/", "frameworks/"])
def test_every_table_sits_in_a_named_box_that_scrolls_and_takes_the_focus(fixture_site: SiteBuild, url: str):
    page = article(fixture_site, url)
    tables = page.select("table")
    assert tables
    labels = []
    for table in tables:
        box = table.parent
        assert box.name == "div" and "pb-scroll" in box["class"], url
        assert (box["role"], box["tabindex"]) == ("region", "0")
        assert box["aria-label"].strip()
        labels.append(box["aria-label"])
    assert len(labels) == len(set(labels)), f"two boxes on {url} share a name: {labels}"


def test_tables_name_their_boxes_after_what_they_list(fixture_site: SiteBuild):
    labels = [box["aria-label"] for box in article(fixture_site, "playbooks/").select(".pb-scroll")]
    assert labels == ["Strategy playbooks", "Ethics safeguards playbooks", "Feasibility playbooks", "Review schedule"]
    assert [box["aria-label"] for box in article(fixture_site, "strategy/").select(".pb-scroll")] == ["Strategy playbooks"]


def test_frameworks_overview_gives_each_framework_its_counts(fixture_site: SiteBuild):
    page = article(fixture_site, "frameworks/")
    assert [th.get_text() for th in page.select("thead th")] == ["Framework", "Entries covered", "Deliberate gaps",
                                                                 "Not covered"]
    row = page.select_one('tr[data-framework-id="demo-framework"]')
    assert [td.get_text(" ", strip=True) for td in row.select("td")] == ["Demo 1.0 (test fixture)", "3 of 4", "1", "0"]
    assert row.a["href"] == "demo-framework/"


# -- registries shaped like the NIST AI RMF and the EU AI Act --------------------------------------

SHAPED = {
    "id": "shaped-framework", "title": "A framework with functions and categories", "short_title": "Shaped",
    "edition": "1.0", "publisher": "The test suite", "url": "https://example.org/shaped",
    "entries": [
        {"id": "GOVERN 1.1", "title": "Policies are in place", "group": "GOVERN 1"},
        {"id": "GOVERN 1.2", "title": "Roles are clear", "group": "GOVERN 1"},
        {"id": "GOVERN 2.1", "title": "Training is given", "group": "GOVERN 2", "gap": "Organisation-wide, not per product."},
        {"id": "MAP 1.1", "title": "Context is understood", "group": "MAP 1"},
        {"id": "MAP 2.1", "title": "The task is defined", "group": "MAP 2"},
        {"id": "GOVERN 1.3", "title": "Risk tolerance is set", "group": "GOVERN 1"},
        {"id": "LLM01:2025", "title": "Prompt Injection", "group": "Top 10"},
        {"id": "Annex note", "title": "An entry outside every group"},
    ],
}
CHAPTERS = {
    "id": "chapter-framework", "title": "A regulation in chapters", "short_title": "Chapters",
    "edition": "1.0", "publisher": "The test suite", "url": "https://example.org/chapters",
    "entries": [
        {"id": "Art. 4", "title": "Literacy", "group": "Chapter I"},
        {"id": "Art. 5", "title": "Prohibited practices", "group": "Chapter II"},
        {"id": "Art. 3", "title": "Definitions", "group": "Chapter I", "gap": "Definitions only."},
    ],
}


@pytest.fixture(scope="module")
def shaped_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    tmp = tmp_path_factory.mktemp("shaped")
    library = tmp / "library"
    shutil.copytree(FIXTURE_LIBRARY, library)
    for registry in (SHAPED, CHAPTERS):
        (library / "frameworks" / f"{registry['id']}.yaml").write_text(
            yaml.safe_dump(registry, sort_keys=False, allow_unicode=True), encoding="utf-8")
    for name, cites in (("ethics/bias-check.yaml", {"shaped-framework": ["GOVERN 1.1", "MAP 1.1"],
                                                    "chapter-framework": ["Art. 4"]}),
                        ("strategy/problem-fit.yaml", {"shaped-framework": ["GOVERN 1.1"]})):
        path = library / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["items"][0]["refs"] = {**data["items"][0].get("refs", {}), **cites}
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    build = run_build(make_project(tmp / "project", library=library))
    assert build.returncode == 0, build.stderr
    return build


def test_groups_that_share_a_first_word_sit_under_it(shaped_site: SiteBuild):
    page = article(shaped_site, "frameworks/shaped-framework/")
    assert details(page) == [
        ("h2", "GOVERN"),
        ("h3", "GOVERN 1"), ("entry", "GOVERN 1.1"), ("entry", "GOVERN 1.2"), ("entry", "GOVERN 1.3"),
        ("h3", "GOVERN 2"), ("entry", "GOVERN 2.1"),
        ("h2", "MAP"),
        ("h3", "MAP 1"), ("entry", "MAP 1.1"),
        ("h3", "MAP 2"), ("entry", "MAP 2.1"),
        ("h2", "Top 10"), ("entry", "LLM01:2025"),  # a word no other group starts with: no level above it
        ("h2", "Other entries"), ("entry", "Annex note"),
    ]


def test_the_coverage_view_follows_the_same_structure(shaped_site: SiteBuild):
    page = article(shaped_site, "frameworks/shaped-framework/")
    assert coverage_parts(page) == [("GOVERN", "1 of 4 covered"), ("MAP", "1 of 2 covered"),
                                    ("Top 10", "0 of 1 covered"), ("Other entries", "0 of 1 covered")]
    assert coverage_view(page) == [
        ("GOVERN 1.1", "2 items", "covered"), ("GOVERN 1.2", "Not covered", "uncovered"),
        ("GOVERN 1.3", "Not covered", "uncovered"), ("GOVERN 2.1", "Deliberate gap", "gap"),
        ("MAP 1.1", "1 item", "covered"), ("MAP 2.1", "Not covered", "uncovered"),
        ("LLM01:2025", "Not covered", "uncovered"), ("Annex note", "Not covered", "uncovered"),
    ]
    counts = Counter(cell[0] for cell in coverage_view(page))
    assert set(counts.values()) == {1}
    assert [e["data-status"] for e in page.select("[data-entry-id]")].count("uncovered") == 5


def test_groups_that_all_start_alike_are_each_a_section(shaped_site: SiteBuild):
    page = article(shaped_site, "frameworks/chapter-framework/")
    assert details(page) == [("h2", "Chapter I"), ("entry", "Art. 4"), ("entry", "Art. 3"),
                             ("h2", "Chapter II"), ("entry", "Art. 5")]


def test_heading_ids_never_clash_with_entry_anchors_or_the_page_s_own(shaped_site: SiteBuild):
    for url in ("frameworks/shaped-framework/", "frameworks/chapter-framework/"):
        soup = BeautifulSoup(shaped_site.page(url), "html.parser")
        ids = [el["id"] for el in soup.find_all(id=True)]
        assert len(ids) == len(set(ids)), url
        headings = [h["id"] for h in soup.select("#entries h2, #entries h3")]
        assert headings and all("--" in i for i in headings)
    page = article(shaped_site, "frameworks/shaped-framework/")
    assert [h["id"] for h in page.select("#entries h2")] == ["part--govern", "part--map", "group--top-10",
                                                              "group--other-entries"]
    for part in page.select(".pb-cov__title a"):
        assert page.find(id=part["href"][1:]).name == "h2"
