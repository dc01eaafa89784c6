"""mkdocs-macros module: macros for hand-written pages (enable with `render_macros: true`).

    {{ checklist("problem-fit") }}                  a playbook's checklist, embedded
    {{ checklist("problem-fit", level="must") }}    only its must items (also stage=, owner=)
    {{ checklists(level="must", stage="launch") }}  matching items of every playbook, grouped
    {{ playbooks(category="ethics") }}              a table of playbooks (also tag=)

Put each call on a line of its own with blank lines around it. YAML text reaches the page as
escaped or sanitised HTML and is never rendered as a template.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from playbook import reference
from playbook.load import build, check_library_cached, last_good
from playbook.problems import did_you_mean
from playbook.render import FRAMEWORKS_DIR, Renderer, pack_uri, source_folder
from playbook.stale import DEFAULT_REVIEW_INTERVAL_DAYS
from playbook.vocab import CATEGORIES, LEVELS, ROLES, STAGES


_VOCABULARIES = {"level": LEVELS, "stage": STAGES, "owner": ROLES, "category": CATEGORIES}


def _check_filters(macro: str, **filters: str | None) -> None:
    """A misspelt filter value is an error (the build fails with a suggestion); an empty result is not."""
    for name, value in filters.items():
        if value is not None and value not in _VOCABULARIES[name]:
            hint = did_you_mean(value, _VOCABULARIES[name])
            raise ValueError(f"{macro}(): unknown {name} '{value}'; expected one of: "
                             f"{', '.join(_VOCABULARIES[name])}.{hint}")


def _source(page: Any) -> str:
    """The page's source path under docs/: MkDocs' page.file.src_uri, Zensical's page.path."""
    file = getattr(page, "file", None)
    return str(getattr(file, "src_uri", None) or page.path)


def _url(page: Any) -> str:
    """Where the page's relative links start: its URL under MkDocs ('guides/roles/legal/'), the
    folder of its source file under Zensical ('guides/roles/'), which rebases every relative link
    of a page as a link from its source file (see Renderer's `links_from`)."""
    if getattr(page, "file", None) is not None:
        return str(page.url).lstrip("/")
    return source_folder(_source(page))


def define_env(env: Any) -> None:
    config = env.conf  # MkDocs' config, or the dict Zensical's macros extension passes
    options = (config.get("extra") or {}).get("playbook") or {}
    config_file = getattr(config, "config_file_path", None) or config.get("config_file_path")
    base = Path(config_file).resolve().parent if config_file else Path.cwd()
    root = base / options.get("data", "playbook_data")

    made: list[Renderer] = []  # define_env runs once per build: read the data and compile templates once

    def renderer() -> Renderer:
        if not made:
            checked = check_library_cached(root)
            if checked.problems:  # the build hook reports them; a preview shows its last good state
                good = last_good(root)
                if good is None:
                    raise ValueError(f"the playbook data has {len(checked.problems)} problem(s); "
                                     "run `playbook validate`")
                checked = good
            interval = int(options.get("review_interval_days", DEFAULT_REVIEW_INTERVAL_DAYS))
            made.append(Renderer(build(checked), directory_urls=config.get("use_directory_urls", True),
                                 review_interval_days=interval))
        return made[0]

    @env.macro
    def checklist(playbook_id: str, level: str | None = None, stage: str | None = None,
                  owner: str | None = None) -> str:
        """Embed the checklist of one playbook, optionally only items of one level, stage or owner."""
        r = renderer()
        playbook = r.library.playbook(playbook_id)
        if playbook is None:
            hint = did_you_mean(playbook_id, [p.id for p in r.library.playbooks])
            raise ValueError(f"checklist(): no playbook with id '{playbook_id}'.{hint}")
        _check_filters("checklist", level=level, stage=stage, owner=owner)
        items = [i for i in playbook.items
                 if (level is None or i.level == level) and (stage is None or i.stage == stage)
                 and (owner is None or i.owner == owner)]
        return "\n" + str(r.checklist(playbook, page=_url(env.page), embedded=True, items=items)) + "\n"

    @env.macro
    def checklists(level: str | None = None, stage: str | None = None, owner: str | None = None,
                   category: str | None = None) -> str:
        """Items of every playbook that match the filters, grouped by playbook: a heading, then one
        line per item linking to it on its playbook page (never the items' full HTML again)."""
        r = renderer()
        parts: list[str] = []
        for group in r.library.by_category().values():
            for playbook in group:
                if category is not None and playbook.category != category:
                    continue
                items = [i for i in playbook.items
                         if (level is None or i.level == level) and (stage is None or i.stage == stage)
                         and (owner is None or i.owner == owner)]
                if items:
                    # The filters are part of the heading id, so several calls on one page never clash.
                    suffix = "-".join(v for v in (level, stage, owner) if v)
                    parts.append(str(r.item_list(playbook, items, page=_url(env.page), id_suffix=suffix)))
        _check_filters("checklists", level=level, stage=stage, owner=owner, category=category)
        if not parts:
            return '\n<p class="pb-empty">No checklist item matches these filters yet.</p>\n'
        return "\n" + "\n\n".join(parts) + "\n"

    @env.macro
    def playbooks(category: str | None = None, tag: str | None = None) -> str:
        """A table of playbooks, optionally of one category or with one tag."""
        r = renderer()
        chosen = [p for ps in r.library.by_category().values() for p in ps
                  if (category is None or p.category == category) and (tag is None or tag in p.tags)]
        _check_filters("playbooks", category=category)
        if not chosen:
            return '\n<p class="pb-empty">No playbook matches these filters yet.</p>\n'
        return "\n" + str(r.table(chosen, page=_url(env.page))) + "\n"

    @env.macro
    def places() -> SimpleNamespace:
        """Where readers go from the home page, as source files for Markdown links (MkDocs checks
        and rewrites them): `.categories` (title, description, src, playbooks, items),
        `.frameworks` (src only) and `.packs` (title, src). Titles come from the fixed vocabulary,
        never from YAML: this goes into Markdown, where text from data would be read as markup."""
        r = renderer()
        here = posixpath.dirname(_source(env.page))

        def src(uri: str) -> str:
            return posixpath.relpath(uri, here or ".")

        categories = [SimpleNamespace(title=CATEGORIES[c].title, description=CATEGORIES[c].description,
                                      src=src(f"{c}/index.md"), playbooks=len(ps), items=sum(len(p.items) for p in ps))
                      for c, ps in r.library.by_category().items() if ps]
        frameworks = [SimpleNamespace(src=src(f"{FRAMEWORKS_DIR}/{f.id}.md")) for f in r.library.frameworks]
        packs = [SimpleNamespace(title=CATEGORIES[c].title, src=src(pack_uri(c))) for c in r.packs()]
        return SimpleNamespace(categories=categories, frameworks=frameworks, packs=packs)

    @env.macro
    def limits_table() -> str:
        """Every size limit on data, from the reader, the validator and the schemas (Security page)."""
        return reference.limits_table()

    @env.macro
    def library_stats() -> SimpleNamespace:
        """Counts for prose: `.playbooks`, `.items`, `.must`, `.categories`."""
        library = renderer().library
        items = list(library.items())
        return SimpleNamespace(playbooks=len(library.playbooks), items=len(items),
                               must=sum(1 for i in items if i.level == "must"),
                               categories=len({p.category for p in library.playbooks}))
