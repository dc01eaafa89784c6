"""The hand-written guides, checked in one real build of the shipped library.

The guides embed checklists through macros and link into the generated playbook pages, so the
only honest check is the site readers get: every must item they promise is on the page, every
role has its page, and every link and anchor lands somewhere.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup, Tag

from conftest import REPO, SiteBuild, broken_links, make_project, run_build
from playbook.load import load_library
from playbook.model import Library
from playbook.vocab import ROLES, STAGES

pytestmark = pytest.mark.slow

GUIDES = ["guides/start-here/", "guides/launch-review/", "guides/glossary/", "guides/roles/",
          *(f"guides/roles/{role}/" for role in ROLES)]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    build = run_build(make_project(tmp_path_factory.mktemp("guides-site"), REPO / "playbook_data"))
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(REPO / "playbook_data")


def article(build: SiteBuild, url: str) -> Tag:
    found = BeautifulSoup(build.page(url), "html.parser").select_one("article.md-content__inner")
    assert found is not None, url
    return found


def embedded(page: Tag) -> list[Tag]:
    return page.select("li[data-item-id]")


def test_launch_review_embeds_every_must_item_of_the_launch_stage_once(site: SiteBuild, library: Library):
    items = embedded(article(site, "guides/launch-review/"))
    ids = Counter(li["data-item-id"] for li in items)
    assert all(count == 1 for count in ids.values()), [i for i, n in ids.items() if n > 1]
    must_launch = {i.global_id for i in library.items() if i.level == "must" and i.stage == "launch"}
    assert must_launch, "the library has must items at the launch stage"
    assert {li["data-item-id"] for li in items if li["data-stage"] == "launch"} == must_launch


def test_launch_review_adds_the_must_items_of_validation_and_nothing_else(site: SiteBuild, library: Library):
    items = embedded(article(site, "guides/launch-review/"))
    assert {li["data-level"] for li in items} == {"must"}
    expected = {i.global_id for i in library.items() if i.level == "must" and i.stage in ("validate", "launch")}
    assert {li["data-item-id"] for li in items} == expected


@pytest.mark.parametrize("role", list(ROLES))
def test_every_role_has_a_page_that_embeds_exactly_its_must_items(site: SiteBuild, library: Library, role: str):
    page = article(site, f"guides/roles/{role}/")
    assert page.select_one("h1").get_text(strip=True).startswith(ROLES[role].title)
    items = embedded(page)
    if not items:  # a role may own no launch blocker; the page then says so instead of an empty list
        assert page.select_one(".pb-empty").get_text() == "No checklist item matches these filters yet."
    assert {li["data-owner"] for li in items} <= {role}
    ids = [li["data-item-id"] for li in items]
    assert len(ids) == len(set(ids))
    must = {i.global_id for i in library.items() if i.owner == role and i.level == "must"}
    assert {li["data-item-id"] for li in items if li["data-level"] == "must"} == must


def test_roles_index_links_the_page_of_every_role(site: SiteBuild):
    links = {a["href"] for a in article(site, "guides/roles/").select("a[href]")}
    assert {f"{role}/" for role in ROLES} <= links


def test_start_here_covers_every_stage_and_links_every_role_page(site: SiteBuild):
    page = article(site, "guides/start-here/")
    text = page.get_text(" ")
    assert all(stage.title in text for stage in STAGES.values())
    links = {a["href"] for a in page.select("a[href]")}
    assert {f"../roles/{role}/" for role in ROLES} <= links
    assert "../launch-review/" in links and "../glossary/" in links


def test_each_situation_in_start_here_links_to_its_plan_with_the_answers_filled_in(site: SiteBuild,
                                                                                  library: Library):
    from urllib.parse import parse_qs

    from playbook.plan import answers, select

    page = article(site, "guides/start-here/")
    situations = page.select("h3")
    assert len(situations) >= 4
    known = {t.id for t in library.traits}
    for heading in situations:
        link = heading.find_next("a", href=lambda h: h and h.startswith("../../plan/?traits="))
        assert link is not None and link.find_previous("h3") is heading, heading.get_text()
        query = parse_qs(urlsplit(link["href"]).query)
        yes, unsure = query["traits"][0].split(","), query.get("unsure", [""])[0].split(",")
        assert set(yes) <= known and set(filter(None, unsure)) <= known, heading.get_text()
        size = len(select(library, answers(library, yes, [t for t in unsure if t])))
        assert 0 < size < len(list(library.items())), heading.get_text()


@pytest.mark.parametrize("url", ["", "guides/start-here/", "guides/launch-review/"])
def test_the_ways_in_lead_to_the_plan(site: SiteBuild, url: str):
    links = {a["href"].split("?")[0] for a in article(site, url).select("a[href]")}
    assert {"plan/", "../plan/", "../../plan/"} & links, url


def test_glossary_defines_at_least_forty_terms_each_with_an_anchor_and_an_index_entry(site: SiteBuild):
    page = article(site, "guides/glossary/")
    terms = page.select("dl > dt")
    assert len(terms) >= 40
    ids = [dt.get("id") for dt in terms]
    assert None not in ids and len(ids) == len(set(ids))
    for dt in terms:
        definition = dt.find_next_sibling("dd")
        assert definition is not None and len(definition.get_text(" ", strip=True).split()) >= 12, dt.get_text()
    index = {a["href"] for a in page.select("p a[href^='#']")}
    assert {f"#{i}" for i in ids} <= index
    for term in ("token", "context-window", "rag", "prompt-injection", "llm-as-judge", "content-credentials",
                 "gpai-model", "hallucination", "lora", "rlhf", "ttft", "quantisation", "diffusion-model"):
        assert term in ids


def test_every_link_on_every_page_reaches_an_existing_page_and_anchor(site: SiteBuild):
    """Every page of the site, guides and generated pages alike: the hook hands a generated page's
    checklists and crosswalk entries to MkDocs after its link check (hooks/playbook_site.py), so
    this is where their links are checked."""
    pages, broken = broken_links(site.site)
    assert set(GUIDES) <= set(pages) and "ethics/harmful-content/" in pages and "frameworks/nist-ai-rmf/" in pages
    assert not broken, "\n".join(broken)


def test_the_contributing_guide_and_the_site_guide_give_the_same_rules_for_levels_and_conditions():
    def rules(text: str) -> list[str]:
        section = text.split("## Choosing a level and when an item applies", 1)[1].split("\n## ", 1)[0]
        return [line for line in section.splitlines() if line.startswith(("- ", "| ", "  "))]

    contributing = rules((REPO / "CONTRIBUTING.md").read_text(encoding="utf-8"))
    assert contributing and contributing == rules(
        (REPO / "docs" / "guides" / "how-to-change-a-playbook.md").read_text(encoding="utf-8"))
