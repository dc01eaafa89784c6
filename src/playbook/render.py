"""Markdown pages for MkDocs from the library: one per playbook, per category, and an overview.

Renderers take model objects and return Markdown text (with HTML blocks where the checklist
needs exact markup). Text from YAML is escaped by Jinja's autoescape or passed through
`markup` (sanitised HTML); it is never used as template source.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import posixpath
import re
import secrets
from collections.abc import Iterable, Mapping
from functools import lru_cache

import jinja2
import yaml
from markupsafe import Markup

from . import __version__, collector, markup
from . import plan as planning
from . import review as reviews
from .model import Framework, Item, Library, Playbook, Reference
from .stale import DEFAULT_REVIEW_INTERVAL_DAYS, Review, review
from .vocab import CATEGORIES, LEVELS, ROLES, STAGES, entry_anchor

OVERVIEW_URI = "playbooks/index.md"
PLAN_URI = "plan/index.md"  # "Plan my review": the checklist tailored to one product
PLAN_ITEMS = "plan/plan-items.json"  # the plan page's items and conditions (see plan.page_data)
REVIEWS_DIR = "reviews"  # published reviews: reviews/index.md and reviews/<id>.md
REVIEWS_INDEX = f"{REVIEWS_DIR}/index.md"
FRAMEWORKS_DIR = "frameworks"
PRINT_DIR = "print"  # print packs: print/ holds every playbook, print/<category>/ one category's
PDF_DIR = "pdf"  # where a build with the PDF option publishes the files of `playbook pdf`


def pack_uri(category: str | None = None) -> str:
    """The generated Markdown file of the print pack of `category` (None: every playbook): an
    index.md, so that its links mean the same to every builder (see Renderer's `links_from`)."""
    return f"{PRINT_DIR}/{category}/index.md" if category else f"{PRINT_DIR}/index.md"


def pdf_name(*, playbook: str | None = None, category: str | None = None) -> str:
    """The PDF file of a playbook (`<id>.pdf`), a category pack (`pack-<category>.pdf`) or of all
    playbooks (`pack-all.pdf`)."""
    return f"{playbook}.pdf" if playbook else f"pack-{category or 'all'}.pdf"


@lru_cache(maxsize=65536)
def page_url(src_uri: str, *, directory_urls: bool = True) -> str:
    """The URL MkDocs gives a Markdown file, relative to the site root."""
    stem, _ = posixpath.splitext(src_uri)
    if not directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) == "index":
        parent = posixpath.dirname(stem)
        return parent + "/" if parent else ""
    return stem + "/"


@lru_cache(maxsize=262144)
def relative_url(target: str, source: str) -> str:
    """`target` as seen from the page at `source` (both relative to the site root)."""
    base = source if source.endswith("/") or not source else posixpath.dirname(source) + "/"
    path, _, fragment = target.partition("#")
    rel = posixpath.relpath("/" + path, "/" + base)
    if (path.endswith("/") or not path) and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


def source_folder(src_uri: str) -> str:
    """The folder of a page's Markdown file under docs/, as a link base ('' at the top): where a
    builder that rebases links from source files (Zensical) starts the page's relative links."""
    folder = posixpath.dirname(src_uri)
    return folder + "/" if folder else ""


@lru_cache(maxsize=4096)
def root_prefix(page: str) -> str:
    """The way up from the page at `page` to the site root: '' for the root, '../../' for 'a/b/'."""
    directory = page if page.endswith("/") else posixpath.dirname(page)
    return "../" * sum(1 for part in directory.split("/") if part)


# What an item's HTML needs from the page that shows it (see _item.html.j2).
SLOTS = ("root", "own", "anchor", "heading")


def _item_slots(page: str, *, own: str, anchor: str, heading: int) -> dict[str, str]:
    """The values of SLOTS for an item shown on the page at `page`."""
    return {"root": root_prefix(page), "own": own, "anchor": anchor, "heading": str(heading)}


class Fragment:
    """HTML rendered once, with named slots for what depends on the page that shows it.

    A library's items appear on several pages (the playbook's own page, the print packs, the plan
    page, hand-written pages through the macros); rendering each item once per build and filling
    in a few short strings per page costs a join instead of a template run per page.
    """

    __slots__ = ("_parts",)

    def __init__(self, text: str, marker: re.Pattern[str]):
        self._parts = marker.split(text)  # literal, slot name, literal, ..., literal

    def fill(self, values: Mapping[str, str]) -> str:
        parts = list(self._parts)
        parts[1::2] = [values[name] for name in parts[1::2]]
        return "".join(parts)


_FRAGMENTS: list[tuple[Library, bool, dict[str, Fragment]]] = []


def _shared_fragments(library: Library, directory_urls: bool) -> dict[str, Fragment]:
    """Item fragments depend only on the library and the URL style, so the renderers of one build
    (the build hook's and the macros') share them. Only the last library's are kept."""
    if not (_FRAGMENTS and _FRAGMENTS[0][0] is library and _FRAGMENTS[0][1] == directory_urls):
        _FRAGMENTS[:] = [(library, directory_urls, {})]
    return _FRAGMENTS[0][2]


class Renderer:
    """Renders pages of one library for one site configuration."""

    def __init__(self, library: Library, *, directory_urls: bool = True, pdf: bool = False,
                 today: dt.date | None = None, review_interval_days: int = DEFAULT_REVIEW_INTERVAL_DAYS,
                 links_from: str = "url"):
        """`links_from` says what the builder takes a page's relative links to start from: "url",
        the page's address (MkDocs and ProperDocs leave the links of raw HTML as written), or
        "source", the folder of the page's Markdown file in docs/ (Zensical rebases every relative
        link of a page as a link from its source file). The two differ only for pages that are not
        an index.md; links in data attributes, which no builder rewrites, are only written on index
        pages (the print packs, the plan)."""
        if links_from not in ("url", "source"):
            raise ValueError(f"links_from: expected 'url' or 'source', received {links_from!r}")
        self.links_from = links_from
        self.library = library
        self.directory_urls = directory_urls
        self.today = today or dt.date.today()
        self.review_interval_days = review_interval_days
        self.pdf = pdf  # link the PDFs that a build with the PDF option publishes under pdf/
        self.env = jinja2.Environment(
            loader=jinja2.PackageLoader("playbook", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            auto_reload=False,  # package templates do not change while a build runs
        )
        self.env.filters.update(block=markup.block, inline=markup.inline, plain=markup.plain,
                                prefix=lambda value, p: p + value, raw_block=raw_block)
        self.env.globals.update(levels=LEVELS, roles=ROLES, stages=STAGES, categories=CATEGORIES,
                                library=library, site_version=__version__, today=self.today,
                                review=self.review)
        self._frameworks = {f.id: f for f in library.frameworks}
        # Slot markers are random per renderer, so no text from YAML can contain one.
        token = secrets.token_hex(12)
        self._slot_markers = {name: Markup(f"{{slot:{token}:{name}}}") for name in SLOTS}
        self._slot_pattern = re.compile(rf"\{{slot:{token}:(\w+)\}}")
        self._fragments = _shared_fragments(library, directory_urls)

    def review(self, playbook: Playbook) -> Review:
        """The playbook's review schedule under this site's default interval."""
        return review(playbook, default_interval=self.review_interval_days)

    # -- URLs -------------------------------------------------------------------------------

    def url_of(self, src_uri: str) -> str:
        return page_url(src_uri, directory_urls=self.directory_urls)

    def base_of(self, src_uri: str) -> str:
        """Where the relative links of the page made from `src_uri` start (see `links_from`)."""
        return self.url_of(src_uri) if self.links_from == "url" else source_folder(src_uri)

    def playbook_url(self, playbook: Playbook) -> str:
        return self.url_of(playbook.src_uri)

    def category_url(self, category: str) -> str:
        return self.url_of(f"{category}/index.md")

    def pack_url(self, category: str | None = None) -> str:
        return self.url_of(pack_uri(category))

    def pdf_url(self, page: str, **which: str | None) -> str | None:
        """The published PDF (see `pdf_name`) as seen from `page`, or None without the PDF option."""
        return relative_url(f"{PDF_DIR}/{pdf_name(**which)}", page) if self.pdf else None

    def packs(self) -> dict[str, tuple[Playbook, ...]]:
        """The categories that have playbooks, each with its playbooks: one print pack each."""
        return {c: ps for c, ps in self.library.by_category().items() if ps}

    # -- fragments ----------------------------------------------------------------------------

    def item_fragment(self, item: Item) -> Fragment:
        """The item's HTML with slots for the page (see SLOTS), rendered once per library and URL style."""
        fragment = self._fragments.get(item.global_id)
        if fragment is None:
            playbook = self.library.playbook(item.playbook_id)
            assert playbook is not None
            when = planning.condition(item, playbook)
            text = self.env.get_template("_item.html.j2").render(
                item=item, slot=self._slot_markers, when=planning.describe(when, self.library) if when else "", ref_target=self._ref_target, item_target=self._item_target,
                ref_title=self._ref_title, ref_name=self._ref_name)
            fragment = self._fragments[item.global_id] = Fragment(text, self._slot_pattern)
        return fragment

    def checklist(self, playbook: Playbook, *, page: str, embedded: bool = False,
                  items: Iterable[Item] | None = None) -> Markup:
        """The checklist of `playbook` as HTML, for the page whose URL is `page`. Embedded (in a
        hand-written page, under an h3) its element ids carry the playbook id as a prefix, its item
        titles are h4, and links to the playbook's own items lead to its page."""
        chosen = tuple(items) if items is not None else playbook.items
        own = self.playbook_url(playbook)
        here = not embedded and page in (own, self.base_of(playbook.src_uri))  # on the playbook's own page
        slots = _item_slots(page, own="" if here else relative_url(own, page),
                            anchor=f"{playbook.id}--" if embedded else "",
                            heading=4 if embedded else 3)
        html_text = self.env.get_template("checklist.html.j2").render(
            playbook=playbook, entries=[Markup(self.item_fragment(item).fill(slots)) for item in chosen])
        return Markup(html_text.strip())

    def item_list(self, playbook: Playbook, items: Iterable[Item], *, page: str, id_suffix: str = "") -> Markup:
        """Some items of a playbook, compactly: a heading that links to the playbook, then one line
        per item (its level and its sentence, linking to the item on the playbook's page). Guides
        that gather items from many playbooks use this instead of repeating each item's full HTML."""
        chosen = tuple(items)
        html_text = self.env.get_template("item_list.html.j2").render(
            playbook=playbook, items=chosen,
            heading=self.playbook_heading(playbook, page=page, count=len(chosen), id_suffix=id_suffix),
            target=lambda item: relative_url(self._item_target(item), page))
        return Markup(html_text.strip())

    def playbook_heading(self, playbook: Playbook, *, page: str, count: int | None = None,
                         id_suffix: str = "") -> Markup:
        """An h3 linking to a playbook, above an embedded checklist of some of its items."""
        url = relative_url(self.playbook_url(playbook), page)
        note = f' <span class="pb-count">({count} of {len(playbook.items)} items)</span>' if count is not None else ""
        return Markup('<h3 class="pb-embed-title" id="{id}"><a href="{url}">{title}</a>{note}</h3>').format(
            # '_' joins the parts: no id holds one, so this id can equal no item's or playbook's.
            id=f"pb_{playbook.id}" + (f"_{id_suffix}" if id_suffix else ""), url=url, title=playbook.title,
            note=Markup(note))

    def table(self, playbooks: Iterable[Playbook], *, page: str, label: str = "Playbooks") -> Markup:
        """A table of playbooks in a box that scrolls on its own on narrow screens. `label` names the
        box for screen readers; tables on one page need different labels."""
        html_text = self.env.get_template("table.html.j2").render(
            playbooks=tuple(playbooks),
            playbook_url=lambda p: relative_url(self.playbook_url(p), page),
            label=label,
        )
        return Markup(html_text.strip())

    def framework_url(self, framework: Framework) -> str:
        return self.url_of(f"{FRAMEWORKS_DIR}/{framework.id}.md")

    def _ref_target(self, ref: Reference) -> str:
        """The entry on our crosswalk page, which lists every item covering it and links the source
        (from the site root)."""
        framework = self._frameworks[ref.framework]
        return f"{self.framework_url(framework)}#{entry_anchor(ref.entry)}"

    def _item_target(self, item: Item) -> str:
        """The item on its playbook's page (from the site root)."""
        playbook = self.library.playbook(item.playbook_id)
        assert playbook is not None  # validation guarantees every item's playbook and related ids
        return f"{self.playbook_url(playbook)}#{item.id}"

    def _ref_title(self, ref: Reference) -> str:
        framework = self._frameworks[ref.framework]
        entry = framework.entry(ref.entry)
        # The entry's own title as a tooltip; the edition is on the crosswalk page the link leads to.
        return entry.title if entry else f"{framework.name} {ref.entry}"

    def _ref_name(self, ref: Reference) -> str:
        return self._frameworks[ref.framework].name

    # -- pages --------------------------------------------------------------------------------

    def playbook_page(self, playbook: Playbook) -> str:
        page = self.base_of(playbook.src_uri)
        return self.env.get_template("playbook.md.j2").render(
            front_matter=front_matter(title=playbook.title, tags=playbook.tags),
            playbook=playbook,
            category_url=relative_url(self.category_url(playbook.category), page),
            checklist=raw_block(self.checklist(playbook, page=page)),
            pdf_url=self.pdf_url(page, playbook=playbook.id),
        )

    def pack_page(self, category: str | None = None) -> str:
        """One page for one print job of every playbook of `category` (None: of all), each starting
        on a new sheet: a contents list, then per playbook its title, summary, facts and paper
        footer, and a place (`data-pb-src`, the playbook's page) where print.js puts the checklist it
        takes from that page. The checklists are not repeated here: the playbook pages are the one
        copy of each item, and a pack costs a few hundred bytes per playbook. print.js prefixes the
        item anchors with the playbook id, so no two elements share an id; `data-item-id` stays the
        item's global id, so ticks made here are the same saved progress as on the playbook's page.
        Headings go h1 (the pack), h2 (a playbook), h3 (an item). Without JavaScript each section
        links to the playbook's page, which prints on its own."""
        page = self.url_of(pack_uri(category))
        packs = self.packs()
        playbooks = packs.get(category, ()) if category else tuple(p for ps in packs.values() for p in ps)
        sections = [{
            "playbook": playbook,
            "url": relative_url(self.playbook_url(playbook), page),
            "category_url": relative_url(self.category_url(playbook.category), page),
            "pdf": pdf_name(playbook=playbook.id),
        } for playbook in playbooks]
        # The contents: one list for a category's pack; the pack of all, by category, in pack order.
        contents = [(None, sections)] if category else [
            (CATEGORIES[c], [s for s in sections if s["playbook"].category == c]) for c in packs]
        title = f"Print pack: {CATEGORIES[category].title}" if category else "Print pack: all playbooks"
        return self.env.get_template("pack.md.j2").render(
            front_matter=front_matter(title=title, hide=("navigation", "toc"), search_exclude=True),
            title=title,
            category=CATEGORIES[category] if category else None,
            sections=sections,
            contents=contents,
            item_count=sum(len(p.items) for p in playbooks),
            packs=[] if category else [(CATEGORIES[c], relative_url(self.pack_url(c), page), len(ps), pdf_name(category=c))
                                       for c, ps in packs.items()],
            overview_url=relative_url(self.url_of(OVERVIEW_URI), page),
            pdf_url=self.pdf_url(page, category=category),
        )

    def category_page(self, category: str) -> str:
        page = self.category_url(category)
        term = CATEGORIES[category]
        playbooks = self.library.by_category().get(category, ())
        return self.env.get_template("category.md.j2").render(
            front_matter=front_matter(title=term.title),
            category=term,
            table=self.table(playbooks, page=page, label=f"{term.title} playbooks") if playbooks else Markup(
                "<p>No playbooks in this category yet.</p>"),
            pack_url=relative_url(self.pack_url(category), page) if playbooks else None,
            pdf_url=self.pdf_url(page, category=category) if playbooks else None,
        )

    def overview_page(self) -> str:
        page = self.url_of(OVERVIEW_URI)
        groups = [(CATEGORIES[c], ps) for c, ps in self.library.by_category().items() if ps]
        items = list(self.library.items())
        return self.env.get_template("overview.md.j2").render(
            front_matter=front_matter(title="All playbooks"),
            groups=groups,
            playbook_count=len(self.library.playbooks),
            item_count=len(items),
            must_count=sum(1 for i in items if i.level == "must"),
            category_count=len(groups),
            category_url=lambda c: relative_url(self.category_url(c), page),
            table=lambda term, ps: self.table(ps, page=page, label=f"{term.title} playbooks"),
            pack_url=relative_url(self.pack_url(), page) if groups else None,
            pdf_url=self.pdf_url(page) if groups else None,
            review_interval=self.review_interval_days,
            review_table=Markup(self.env.get_template("review_table.html.j2").render(
                playbooks=sorted(self.library.playbooks, key=lambda p: (self.review(p).due or dt.date.min,
                                                                         p.title.casefold())),
                playbook_url=lambda p: relative_url(self.playbook_url(p), page)).strip()) if groups else None,
        )

    def coverage(self, framework: Framework) -> dict[str, list[Item]]:
        """Entry id -> the items that reference it, in library order."""
        covering: dict[str, list[Item]] = {e.id: [] for e in framework.entries}
        for item in self.library.items():
            for ref in item.refs:
                if ref.framework == framework.id and ref.entry in covering:
                    covering[ref.entry].append(item)
        return covering

    def framework_page(self, framework: Framework) -> str:
        page = self.base_of(f"{FRAMEWORKS_DIR}/{framework.id}.md")
        covering = self.coverage(framework)
        rows = []
        for entry in framework.entries:
            items = []
            for item in covering[entry.id]:
                playbook = self.library.playbook(item.playbook_id)
                assert playbook is not None
                items.append((item, relative_url(f"{self.playbook_url(playbook)}#{item.id}", page), playbook.title))
            status = "covered" if items else ("gap" if entry.gap else "uncovered")
            rows.append({"entry": entry, "anchor": entry_anchor(entry.id), "covering": items, "status": status})
        return self.env.get_template("framework.md.j2").render(
            # No table of contents: the coverage view at the top leads to every part and entry.
            front_matter=front_matter(title=framework.name, hide=("toc",)),
            framework=framework,
            entries=rows,
            sections=self._crosswalk_sections(rows),
            covered=sum(1 for r in rows if r["status"] == "covered"),
            gaps=sum(1 for r in rows if r["status"] == "gap"),
            uncovered=sum(1 for r in rows if r["status"] == "uncovered"),
            item_count=len({i.global_id for items in covering.values() for i in items}),
        )

    @staticmethod
    def _crosswalk_sections(rows: list[dict]) -> list[dict]:
        """A crosswalk page's rows (see `framework_page`) in the framework's own structure: a list of
        sections (an h2 each), each with its groups (an h3 each when the section holds several).

        Entries are grouped by their `group`, groups kept in the order they first appear. When
        several groups begin with the same word ("GOVERN 1", "GOVERN 2", ..., "MAP 1", ...), that
        word is the section and the groups sit inside it; when every group begins with the same word
        ("Chapter I", "Chapter II") or none shares one, each group is a section. Entries without a
        group come last. Ids get a prefix with '--', which no entry anchor has (see `entry_anchor`).
        """
        groups: dict[str | None, list[dict]] = {}
        for row in rows:
            groups.setdefault(row["entry"].group, []).append(row)
        named = [g for g in groups if g is not None]
        heads = {g: (g.split() or [g])[0] for g in named}
        nested = 1 < len(set(heads.values())) < len(named)
        parts: dict[str, list[str]] = {}
        for g in named:
            parts.setdefault(heads[g] if nested else g, []).append(g)
        used: set[str] = set()

        def unique(prefix: str, name: str) -> str:
            base = f"{prefix}--{entry_anchor(name)}"
            found, n = base, 1
            while found in used:
                n += 1
                found = f"{base}--{n}"
            used.add(found)
            return found

        sections = []
        for title, names in parts.items():
            if len(names) == 1:
                sections.append({"title": names[0], "id": unique("group", names[0]),
                                 "groups": [{"title": None, "id": None, "rows": groups[names[0]]}]})
            else:
                sections.append({"title": title, "id": unique("part", title),
                                 "groups": [{"title": g, "id": unique("group", g), "rows": groups[g]} for g in names]})
        if None in groups:
            title = "Other entries" if named else "Entries"
            sections.append({"title": title, "id": unique("group", title),
                             "groups": [{"title": None, "id": None, "rows": groups[None]}]})
        for section in sections:
            section["rows"] = [row for group in section["groups"] for row in group["rows"]]
        return sections

    def frameworks_page(self) -> str:
        page = self.url_of(f"{FRAMEWORKS_DIR}/index.md")
        rows = []
        for framework in self.library.frameworks:
            covering = self.coverage(framework)
            rows.append((framework, relative_url(self.framework_url(framework), page),
                         sum(1 for items in covering.values() if items),
                         sum(1 for e in framework.entries if e.gap and not covering[e.id])))
        return self.env.get_template("frameworks.md.j2").render(
            front_matter=front_matter(title="Framework crosswalk"), rows=rows)

    def plan_page(self) -> str:
        """The "Plan my review" page: a question per product trait (yes, no, not sure), then the plan.
        plan.js builds the plan's rows from the data files of `plan_data_files`, so the page stays
        light whatever the size of the library; without JavaScript the page says how else to plan."""
        page = self.url_of(PLAN_URI)
        items = list(self.library.items())
        questions: dict[str | None, list] = {}
        for trait in self.library.traits:
            questions.setdefault(trait.group, []).append(trait)
        return self.env.get_template("plan.md.j2").render(
            # Out of search, like the print packs: every item is found on its playbook's page.
            front_matter=front_matter(title="Plan my review", hide=("toc",), search_exclude=True),
            questions=list(questions.items()),
            answer_choices=(("yes", "Yes"), ("no", "No"), ("unsure", "Not sure")),
            question_count=len(self.library.traits),
            items_url=relative_url(PLAN_ITEMS, page),
            pack_url=relative_url(self.pack_url(), page),
            item_count=len(items),
            playbook_count=len(self.library.playbooks),
            universal_count=len(planning.universal(self.library)),
        )

    def plan_data_files(self) -> dict[str, str]:
        """The plan page's data (site-relative file name -> JSON text): the items with their
        conditions, loaded with the page (their details come from the playbook pages)."""
        page = self.url_of(PLAN_URI)
        head = planning.page_data(self.library, url=lambda p: relative_url(self.playbook_url(p), page))
        return {PLAN_ITEMS: _compact_json(head)}

    # -- reviews --------------------------------------------------------------------------------

    def review_url(self, review_id: str) -> str:
        return self.url_of(f"{REVIEWS_DIR}/{review_id}.md")

    def review_page(self, found: reviews.Status) -> str:
        """A review's page: its facts, the answers, what changed in the playbooks since, and every
        check with its status, owner, due date, evidence and note. Text from the review file is data:
        escaped, never rendered as Markdown or a template."""
        review, page = found.review, self.base_of(f"{REVIEWS_DIR}/{found.review.id}.md")

        def url(item: Item) -> str:
            return relative_url(self._item_target(item), page)

        labels = {t.id: t.label for t in self.library.traits}
        given = dict(reviews.review_answers(review, self.library).values)
        answers = [(a, [labels[t] for t, v in given.items() if v == a])
                   for a in (planning.YES, planning.UNSURE, planning.UNANSWERED, planning.NO)]
        rows = [dict(entry=r.entry, item=r.item, owner=r.owner, overdue=r.overdue, changed=r.changed,
                     url=url(r.item) if r.item else None) for r in found.rows]
        stages = [{"key": k or "none", "title": v,
                   "rows": [r for r in rows if (r["item"].stage if r["item"] else None) == k]}
                  for k, v in [*((k, t.title) for k, t in STAGES.items()), (None, "Not in the playbooks")]]
        data = reviews.status_data(found)
        return self.env.get_template("review.md.j2").render(
            front_matter=front_matter(title=f"Review: {review.product}", hide=("toc",), search_exclude=True),
            review=review, counts=data["counts"], overdue=len(found.overdue),
            answers=[(a, ls) for a, ls in answers if ls], status_titles=reviews.STATUS_TITLES,
            drift={"added": [(i, url(i)) for i in found.added],
                   "changed": [(r, url(r.item)) for r in found.changed if r.item],
                   "removed": list(found.removed),
                   "no_longer_applies": [(r, url(r.item)) for r in found.no_longer_applies if r.item],
                   "unanswered": [self.library.trait(t).question for t in found.unanswered if self.library.trait(t)]},
            stages_shown=[s for s in stages if s["rows"]])

    def reviews_page(self, found: Iterable[reviews.Status], *, published: bool = True) -> str:
        page = self.url_of(REVIEWS_INDEX)
        rows = []
        for status in found:
            drift = [f"{len(status.added)} added" if status.added else "", f"{len(status.changed)} reworded"
                     if status.changed else "", f"{len(status.removed)} removed" if status.removed else ""]
            rows.append((status, relative_url(self.review_url(status.review.id), page),
                         ", ".join(d for d in drift if d) or "nothing"))
        return self.env.get_template("reviews.md.j2").render(
            front_matter=front_matter(title="Reviews"), rows=rows, published=published,
            plan_url=relative_url(self.url_of(PLAN_URI), page))

    def review_pages(self, found: Iterable[reviews.Status], *, published: bool = True) -> dict[str, str]:
        """The Reviews section: an index, and a page per review when the site publishes them."""
        found = list(found) if published else []
        result = {REVIEWS_INDEX: self.reviews_page(found, published=published)}
        for status in found:
            result[f"{REVIEWS_DIR}/{status.review.id}.md"] = self.review_page(status)
        return result

    def pages(self) -> dict[str, str]:
        """Every generated page: docs-relative Markdown file name -> content."""
        with collector.held_off():
            return self._pages()

    def _pages(self) -> dict[str, str]:
        result = {OVERVIEW_URI: self.overview_page(), f"{FRAMEWORKS_DIR}/index.md": self.frameworks_page(),
                  PLAN_URI: self.plan_page()}
        for category in CATEGORIES:
            result[f"{category}/index.md"] = self.category_page(category)
        for playbook in self.library.playbooks:
            result[playbook.src_uri] = self.playbook_page(playbook)
        for framework in self.library.frameworks:
            result[f"{FRAMEWORKS_DIR}/{framework.id}.md"] = self.framework_page(framework)
        packs = self.packs()
        if packs:
            result[pack_uri()] = self.pack_page()
        for category in packs:
            result[pack_uri(category)] = self.pack_page(category)
        return result


# Generated pages mark the large HTML blocks they hold (a checklist, a crosswalk's entries) so that
# a builder can set them aside while it turns the page's Markdown into HTML, and put them back
# after: the MkDocs hook does (hooks/playbook_site.py), which saves parsing every item's HTML three
# times. For any other builder the markers are HTML comments around an ordinary raw HTML block.
# Nothing from YAML can hold a marker: item text is escaped ('<' becomes '&lt;').
RAW_START, RAW_END = "<!-- pb:html -->", "<!-- /pb:html -->"
_RAW_BLOCK = re.compile(rf"^{re.escape(RAW_START)}\n(.*?)\n{re.escape(RAW_END)}$", re.S | re.M)
_RAW_SLOT = re.compile(r'<div data-pb-html="(\d+)"></div>')


def raw_block(html: str) -> Markup:
    """`html` as one marked block of a generated page (see RAW_START)."""
    return Markup(f"{RAW_START}\n{html}\n{RAW_END}")


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """A generated page's Markdown with each marked block replaced by an empty placeholder element,
    and the blocks in order: what `put_back` needs once the Markdown has become HTML."""
    blocks: list[str] = []

    def slot(match: re.Match[str]) -> str:
        blocks.append(match.group(1))
        return f'<div data-pb-html="{len(blocks) - 1}"></div>'

    return _RAW_BLOCK.sub(slot, markdown), blocks


def put_back(html: str, blocks: list[str]) -> str:
    """The page's HTML with each placeholder of `set_aside` replaced by its block again."""
    if not blocks:
        return html
    return _RAW_SLOT.sub(lambda m: blocks[int(m.group(1))] if int(m.group(1)) < len(blocks) else m.group(0), html)


_ID = re.compile(r'\sid="([^"<>]+)"')


def element_ids(blocks: Iterable[str]) -> set[str]:
    """The element ids in blocks of HTML this renderer wrote (double-quoted, escaped attributes)."""
    return {html.unescape(m.group(1)) for block in blocks for m in _ID.finditer(block)}


def _compact_json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


_SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter when PyYAML has it


def front_matter(*, title: str, tags: Iterable[str] = (), hide: Iterable[str] = (),
                 search_exclude: bool = False) -> Markup:
    """YAML front matter for a generated page. The title is HTML-escaped because MkDocs themes
    print `page.title` without escaping; macros are off so no YAML text is ever a template.
    `hide` lists Material's parts to leave out (navigation, toc); `search_exclude` keeps the page
    out of the search index (print packs repeat the playbook pages)."""
    meta: dict[str, object] = {"title": html.escape(title), "render_macros": False}
    if tags:
        meta["tags"] = list(tags)
    if hide:
        meta["hide"] = list(hide)
    if search_exclude:
        meta["search"] = {"exclude": True}
    # safe_dump quotes whatever needs quoting; Markup keeps Jinja from HTML-escaping the YAML.
    return Markup(yaml.dump(meta, Dumper=_SAFE_DUMPER, sort_keys=False, allow_unicode=True, width=1000).strip())
