"""Shared fixtures: the fixture library, and real MkDocs builds in a temporary folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest_plugins = ["corpus_report"]  # prints the bad-input corpus as a table at the end of the run
REPO = Path(__file__).resolve().parents[1]
FIXTURE_LIBRARY = REPO / "tests" / "fixtures" / "library"
SITE_PARTS = ("mkdocs.yml", "docs", "hooks", "overrides", "schemas")
LENIENT_LINKS = """
validation:
  links:
    not_found: info
    anchors: info
"""


@dataclass
class SiteBuild:
    root: Path
    returncode: int
    stdout: str
    stderr: str

    @property
    def site(self) -> Path:
        return self.root / "site"

    def page(self, url: str) -> str:
        return (self.site / url / "index.html").read_text(encoding="utf-8")


def make_project(target: Path, library: Path = FIXTURE_LIBRARY) -> Path:
    """A copy of the site project (config, docs, hooks, schemas) around the given library."""
    target.mkdir(parents=True, exist_ok=True)
    for part in SITE_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part, dirs_exist_ok=True)
        else:
            shutil.copy2(source, target / part)
    # `watch:` names src/playbook; an empty folder satisfies it (the package is imported installed).
    (target / "src" / "playbook").mkdir(parents=True, exist_ok=True)
    if (target / "playbook_data").exists():
        shutil.rmtree(target / "playbook_data")
    shutil.copytree(library, target / "playbook_data")
    if library.resolve() == (REPO / "playbook_data").resolve() and (REPO / "reviews").is_dir():
        shutil.copytree(REPO / "reviews", target / "reviews", dirs_exist_ok=True)  # the example review, published
    if library.resolve() != (REPO / "playbook_data").resolve():
        # Hand-written guides link to the real playbooks; with the small fixture library those links
        # have no target. The build of the real data keeps link checking strict.
        config = target / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8") + LENIENT_LINKS, encoding="utf-8")
    return target


def run_build(root: Path, *extra: str) -> SiteBuild:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "http://127.0.0.1:8000/"}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", *extra], cwd=root, env=env,
                            capture_output=True, text=True, timeout=600)
    return SiteBuild(root=root, returncode=result.returncode, stdout=result.stdout, stderr=result.stderr)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    """The fixture library built once per session with the real config, hooks and theme."""
    root = make_project(tmp_path_factory.mktemp("fixture-site"))
    build = run_build(root)
    assert build.returncode == 0, build.stderr
    return build


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh, writable copy of the site project around the fixture library."""
    return make_project(tmp_path / "project")


def broken_links(site: Path) -> tuple[list[str], list[str]]:
    """The pages of a built site (URLs) and every link in their articles that reaches no page of
    it, no element with its anchor, or climbs above the site root: 'url: href (why)'."""
    import posixpath
    from functools import cache
    from urllib.parse import unquote, urlsplit

    from bs4 import BeautifulSoup

    @cache
    def parsed(path: Path) -> BeautifulSoup:
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    @cache
    def anchors(path: Path) -> frozenset[str]:
        return frozenset(str(e["id"]) for e in parsed(path).select("[id]"))

    pages = sorted(p.parent.relative_to(site).as_posix() + "/" for p in site.rglob("index.html")
                   if p.relative_to(site).parts[0] not in ("assets", "search", "pdf"))
    pages = [("" if url == "./" else url) for url in pages]
    broken = []
    for url in pages:
        article = parsed(site / url / "index.html").select_one("article.md-content__inner")
        for a in article.select("a[href]") if article else ():
            href = str(a["href"])
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                continue
            joined = posixpath.join(url, unquote(parts.path))
            depth = 0
            for part in joined.split("/"):  # a link that climbs above the site root misses on a host's subpath
                depth += -1 if part == ".." else 0 if part in ("", ".") else 1
                if depth < 0:
                    break
            if depth < 0:
                broken.append(f"{url}: {href} (above the site root)")
                continue
            target = posixpath.normpath("/" + joined) if parts.path else "/" + url
            path = site / target.lstrip("/")
            if path.is_dir():
                path = path / "index.html"
            if not path.is_file():
                broken.append(f"{url}: {href} (no page)")
            elif parts.fragment and unquote(parts.fragment) not in anchors(path):
                broken.append(f"{url}: {href} (no anchor)")
    return pages, broken
