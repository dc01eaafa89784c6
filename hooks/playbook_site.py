"""MkDocs hooks: validate the playbook data, generate its pages, and place them in the nav.

A thin adapter over the `playbook` package; it keeps no state between builds (MkDocs does not
reload hook modules under `mkdocs serve`): the package caches by file signature instead. The only
state is the command this process runs (set once by on_startup) and the folder of the build in
progress, which `mkdocs build` writes beside site/ and puts in place only when it succeeded
(`playbook.atomic`).
"""

from __future__ import annotations

import atexit
import logging
from html import escape
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from playbook import atomic, site
from playbook.load import ProblemsFound, build, check_for_preview, check_library_cached
from playbook.pdf import PdfError, export as export_pdf
from playbook.render import FRAMEWORKS_DIR, PDF_DIR, REVIEWS_DIR, element_ids, put_back, set_aside
from playbook.vocab import CATEGORIES

log = get_plugin_logger("playbook")


def _site(config: MkDocsConfig) -> site.Settings:
    try:
        return site.Settings.of(config, config.config_file_path)
    except site.SiteError as error:
        raise PluginError(str(error)) from None


def _checked(config: MkDocsConfig):
    if _PROCESS["command"] == "serve":  # a preview keeps its last good state and says what is wrong
        try:
            checked, problems = check_for_preview(_site(config).data)
        except ProblemsFound as error:
            problems, checked = error.problems, None
        if checked is not None:
            _PROCESS["problems"] = ["the playbook data", *(p.format() for p in problems)] if problems else []
            return checked
    else:
        checked = check_library_cached(_site(config).data)
        problems = checked.problems
    if problems:
        lines = "\n".join(problem.format() for problem in problems)
        raise PluginError(f"{len(problems)} problem(s) in the playbook data:\n{lines}\n"
                          "Fix them and build again (`playbook validate` checks without building).")
    return checked


def _reviewed(config: MkDocsConfig, library) -> list:
    """The status of every review file, or a PluginError listing every problem in them (a preview
    publishes no review then, and says why in every page)."""
    try:
        return site.reviewed(_site(config), library)
    except site.SiteError as error:
        if _PROCESS["command"] != "serve":
            raise PluginError(str(error)) from None
        lines = str(error).splitlines()
        _PROCESS["review_problems"] = ["the review files", *lines[1:-1]]
        return []


_PROCESS = {"command": None, "dirty": False}  # what this process runs, from on_startup (once per process)
_BUILDING: dict[str, object] = {}  # the build in progress: its folder, the site it replaces, its warnings


class _WarningCount(logging.Handler):
    """Counts what `--strict` counts (warnings of the mkdocs.* loggers), to tell before MkDocs does
    whether the build is about to fail in strict mode."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def on_startup(command: str, dirty: bool) -> None:
    _PROCESS.update(command=command, dirty=dirty)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """`mkdocs build` writes into a fresh folder beside site/; on_post_build swaps it in."""
    if _PROCESS["command"] not in ("build", "gh-deploy") or _PROCESS["dirty"]:
        return config  # `mkdocs serve` builds into a folder of its own
    final = Path(config.site_dir)
    building = atomic.begin(final)
    warnings = _WarningCount()
    if config.strict:
        logging.getLogger("mkdocs").addHandler(warnings)
    _BUILDING.update(final=final, building=building, warnings=warnings, strict=config.strict)
    atexit.register(_abandon_at_exit)  # a plugin that exits the process skips on_build_error
    config.site_dir = str(building)
    return config


def _abandon_at_exit() -> None:
    if _BUILDING:
        atomic.abandon(Path(str(_BUILDING["building"])))


def _stop_counting() -> None:
    warnings = _BUILDING.get("warnings")
    if isinstance(warnings, logging.Handler):
        logging.getLogger("mkdocs").removeHandler(warnings)


def on_build_error(error: Exception) -> None:
    """A failed build: delete its folder; the last site stays as it was."""
    if _BUILDING:
        _stop_counting()
        atomic.abandon(Path(str(_BUILDING["building"])))
        _BUILDING.clear()


def on_pre_build(config: MkDocsConfig) -> None:
    """Validate before MkDocs cleans site/: a failed build leaves the last good site as it was."""
    _PROCESS.update(problems=[], review_problems=[])
    _reviewed(config, build(_checked(config)))
    for lines in (_PROCESS["problems"], _PROCESS["review_problems"]):
        if lines:  # a preview: the terminal says it too, and the pages show it (on_page_content)
            log.warning("%d problem(s) in %s; the preview shows the last good version:\n%s",
                        len(lines) - 1, lines[0], "\n".join(lines[1:]))


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add every generated file (site.generated: the same list `playbook generate` writes)."""
    library = build(_checked(config))
    docs_dir = Path(config.docs_dir).resolve()
    for made in site.generated(library, _site(config), _reviewed(config, library)):
        if files.get_file_from_path(made.src_uri) is not None:
            raise PluginError(f"docs/{made.src_uri} conflicts with a page generated from {made.source}; "
                              "rename or remove the hand-written page")
        file = File.generated(config, made.src_uri, content=made.content,
                              inclusion=InclusionLevel.INCLUDED if made.in_nav else InclusionLevel.NOT_IN_NAV)
        if made.edit is not None:  # "edit this page" opens the YAML file, schema or code it comes from
            file.edit_uri = Path(os.path.relpath(made.edit.resolve(), docs_dir)).as_posix()
        elif made.src_uri.endswith(".md"):
            file.edit_uri = None  # a generated page has no file of its own in docs/ to edit
        files.append(file)
    return files


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    """Put each category's playbook pages (and the framework crosswalks) under their section, up to
    the nav limit.

    With `navigation.prune` every page renders only its own section's links, so a category with
    more playbooks than the limit lists them on its index page instead: the HTML written per page
    stays bounded and the site grows linearly with the library.
    """
    limit = _site(config).nav_limit
    by_category: dict[str, list[Page]] = {c: [] for c in (*CATEGORIES, FRAMEWORKS_DIR, REVIEWS_DIR)}
    for file in files.documentation_pages():
        category, _, name = file.src_uri.partition("/")
        if category in by_category and name.endswith(".md") and name != "index.md" and "/" not in name \
                and file.generated_by is not None and file.page is not None:
            by_category[category].append(file.page)

    for section in _sections(nav.items):
        index = next((c for c in section.children if isinstance(c, Page) and c.file.src_uri.endswith("/index.md")),
                     None)
        category = index.file.src_uri.split("/")[0] if index else None
        pages = by_category.get(category or "", [])
        if not pages or len(pages) > limit:
            continue
        pages.sort(key=lambda p: (p.file.src_uri,))
        for page in pages:
            page.parent = section
            section.children.append(page)

    ordered = [item for item in _walk(nav.items) if isinstance(item, Page)]
    ordered += [p for p in nav.pages if p not in ordered]
    nav.pages = ordered
    in_nav = [p for p in ordered if _in_tree(p, nav.items)]
    for previous, current in zip([None, *in_nav], in_nav):
        current.previous_page = previous
        if previous is not None:
            previous.next_page = current
    if in_nav:
        in_nav[-1].next_page = None
    return nav


def on_page_markdown(markdown: str, page: Page, **_) -> str:
    """A generated page's large HTML blocks (checklists, crosswalk entries) wait outside Markdown:
    they are finished HTML, and Python-Markdown would parse each one twice more for nothing."""
    if page.file.generated_by is None:  # hand-written pages are Markdown throughout
        return markdown
    markdown, page.pb_html = set_aside(markdown)  # type: ignore[attr-defined]
    return markdown


def on_page_content(html: str, page: Page, **_) -> str:
    """Put the blocks back, and tell MkDocs which anchors they hold, so that links to an item
    (`playbook/#item-id`) from other pages are checked as before. In a preview whose data has
    problems, every page starts with them."""
    notice = _notice()
    blocks = getattr(page, "pb_html", None)
    if not blocks:
        return notice + html
    page.pb_html = None  # type: ignore[attr-defined]
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= element_ids(blocks)
    return notice + put_back(html, blocks)


_SHOWN = 50  # problems listed in the page; the terminal has them all


def _notice() -> str:
    """The problems of a preview's data, as an alert at the top of the page ('' when none)."""
    parts = []
    for group in (_PROCESS.get("problems") or [], _PROCESS.get("review_problems") or []):
        if len(group) < 2:
            continue
        where, *lines = group
        shown = "".join(f"<li><code>{escape(line)}</code></li>" for line in lines[:_SHOWN])
        more = f"<li>and {len(lines) - _SHOWN} more: see the terminal</li>" if len(lines) > _SHOWN else ""
        parts.append(f"<p><strong>{len(lines)} problem{'s' if len(lines) != 1 else ''} in {escape(where)}.</strong> "
                     "This preview shows the last version without problems. Fix them and save: the page "
                     f"reloads by itself.</p><ul>{shown}{more}</ul>")
    return f'<div class="pb-preview-problems" role="alert">{"".join(parts)}</div>' if parts else ""


def on_serve(server, config: MkDocsConfig, builder):  # noqa: ANN001 - livereload's types
    """Rebuild when a review file changes too; `watch:` cannot name reviews/, which may not exist."""
    folder = _site(config).reviews
    if folder.is_dir():
        server.watch(str(folder))
    return server


def on_post_build(config: MkDocsConfig) -> None:
    """With the PDF option on, print the fresh site's playbook pages and packs into site/pdf/; then
    put the finished site in place, unless strict mode is about to fail the build."""
    settings = _site(config)
    enabled, paper = settings.pdf, settings.pdf_paper
    if enabled:
        site = Path(config.site_dir)
        try:
            written = export_pdf(site, site / PDF_DIR, paper=paper)
        except PdfError as error:
            raise PluginError(f"PDF export (PLAYBOOK_PDF / extra.playbook.pdf) failed: {error}") from None
        log.info("%d PDF file(s) written to %s", len(written), site / PDF_DIR)
    if not _BUILDING:
        return
    warnings = _BUILDING["warnings"]
    if _BUILDING["strict"] and isinstance(warnings, _WarningCount) and warnings.count:
        return  # MkDocs aborts next; on_build_error deletes the folder
    _stop_counting()
    final = Path(str(_BUILDING["final"]))
    atomic.commit(Path(str(_BUILDING["building"])), final)
    config.site_dir = str(final)
    _BUILDING.clear()


def _sections(items: list) -> list[Section]:
    found = []
    for item in items:
        if isinstance(item, Section):
            found.append(item)
            found.extend(_sections(item.children))
    return found


def _walk(items: list):
    for item in items:
        yield item
        if isinstance(item, Section):
            yield from _walk(item.children)


def _in_tree(page: Page, items: list) -> bool:
    return any(item is page for item in _walk(items))
