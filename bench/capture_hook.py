"""MkDocs hook used only by the benchmark: saves what Material is given to build.

Listed after the project's own hooks in a benchmark copy of the config, it runs last, so it
sees each page's Markdown after mkdocs-macros and the playbook hooks have done their work, and
the navigation after the project's `on_nav`. It writes every page (front matter re-emitted) to
$BENCH_CAPTURE/docs/ and the navigation to $BENCH_CAPTURE/nav.yml, once: later builds of the
same process (rebuilds under `mkdocs serve`) find the marker and only cost a file check.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page


def _target() -> Path | None:
    root = os.environ.get("BENCH_CAPTURE")
    if not root or (Path(root) / "done").exists():
        return None
    return Path(root)


def _nav_entry(item: Any) -> Any:
    if isinstance(item, Section):
        return {item.title: [_nav_entry(child) for child in item.children]}
    if isinstance(item, Link):
        return {item.title: item.url}
    if isinstance(item, Page):
        title = item.__dict__.get("title")  # set only when the nav config names the page
        return {title: item.file.src_uri} if title else item.file.src_uri
    raise TypeError(f"unexpected nav item {item!r}")


def on_nav(nav: Navigation, config: Any, files: Any) -> Navigation:
    target = _target()
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
        entries = [_nav_entry(item) for item in nav.items]
        (target / "nav.yml").write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return nav


def on_page_markdown(markdown: str, page: Page, config: Any, files: Any) -> str:
    target = _target()
    if target is not None:
        meta = {key: value for key, value in page.meta.items() if key != "render_macros"}
        head = f"---\n{yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)}---\n\n" if meta else ""
        path = target / "docs" / page.file.src_uri
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(head + markdown, encoding="utf-8")
    return markdown


def on_post_build(config: Any) -> None:
    target = _target()
    if target is not None:
        (target / "done").write_text("", encoding="utf-8")
