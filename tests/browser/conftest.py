"""Browser fixtures: a built site served on 127.0.0.1, and Playwright driving Debian's Chromium.

Playwright cannot download its own browser here, so the tests launch `/usr/bin/chromium`. When it
or Playwright is missing the tests are skipped, except under CI (env `CI` set), where that fails.
Pages may only reach 127.0.0.1: every other request (web fonts, for instance) is aborted.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urlsplit

import pytest

from conftest import make_project, run_build  # tests/conftest.py (this folder is a package)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def unavailable(what: str) -> NoReturn:
    """Skip for a missing browser dependency, or fail when running in CI."""
    if os.environ.get("CI"):
        pytest.fail(f"{what}; CI is set, so the browser tests cannot be skipped", pytrace=False)
    pytest.skip(what)


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a page's two dozen requests share connections

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


class SiteServer:
    """Serves the folder `root` on 127.0.0.1 at a free port. The port is bound at once, so a site
    can be built for `url` before `start()`; `root` may be rebuilt while it is served."""

    def __init__(self, root: Path):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, name="site-server", daemon=True)

    def start(self) -> SiteServer:
        self.thread.start()
        return self

    def close(self) -> None:
        if self.thread.is_alive():
            self.server.shutdown()
            self.thread.join(timeout=10)
        self.server.server_close()


def build_for(root: Path, url: str) -> None:
    """Build the project at `root` with `site_url` = `url`. Material's instant navigation only
    takes over links to pages listed in sitemap.xml, whose URLs must match the served host and port."""
    (root / "mkdocs.browser.yml").write_text(f"INHERIT: mkdocs.yml\nsite_url: {url}\n", encoding="utf-8")
    build = run_build(root, "--config-file", "mkdocs.browser.yml")
    assert build.returncode == 0, build.stderr


@dataclass
class ServedProject:
    root: Path
    url: str

    def rebuild(self) -> None:
        build_for(self.root, self.url)


@contextmanager
def served_project(root: Path) -> Iterator[ServedProject]:
    """A project copy at `root` around the fixture library, built for and served at a free port."""
    make_project(root)
    server = SiteServer(root / "site")
    try:
        build_for(root, server.url)
        server.start()
        yield ServedProject(root, server.url)
    finally:
        server.close()


def _local_only(route: Any) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright for Python is not installed (pip install playwright)")
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def site_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The fixture library built once per session for, and served at, a local URL."""
    with served_project(tmp_path_factory.mktemp("browser-site")) as served:
        yield served.url


@pytest.fixture
def own_site(tmp_path: Path) -> Iterator[ServedProject]:
    """A writable project of this test's own, served: edit its playbook_data, then `rebuild()`."""
    with served_project(tmp_path / "project") as served:
        yield served


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Make pages in fresh browser contexts (own localStorage). Fails the test on any uncaught
    page error or any error the checklist script reports on the console."""
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def make(base_url: str, **options: Any) -> Page:
        options = {"viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(base_url=base_url, accept_downloads=True, **options)
        context.set_default_timeout(10_000)
        context.route("**/*", _local_only)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
        page.on("console", lambda msg: errors.append(f"console: {msg.text}")
                if msg.type == "error" and msg.text.startswith("checklist:") else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, "\n".join(errors)


@pytest.fixture
def page(new_page: Callable[..., Page], site_url: str) -> Page:
    """A page of the fixture site in a fresh context (empty localStorage)."""
    return new_page(site_url)


@pytest.fixture(scope="session")
def axe() -> Any:
    """axe-core, as bundled by the PyPI package axe-playwright-python."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        unavailable("axe-playwright-python is not installed (pip install axe-playwright-python)")
    return Axe()
