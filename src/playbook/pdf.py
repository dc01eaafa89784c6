"""PDF files of a built site: every playbook page and every print pack, printed by headless Chromium.

`export(site, output)` serves the built site (MkDocs' `site/`) on 127.0.0.1, opens the print pack
of all playbooks to learn what to print (its links to playbook pages and category packs carry
`data-pb-pdf`, the file name of the linked page's PDF), then prints each page with the site's
print stylesheet, a pack once it has taken in each playbook's checklist: `<playbook-id>.pdf`,
`pack-<category>.pdf` and `pack-all.pdf`, blank checklists without the why/how text unless
`details` is set. Pages may only load from that local server (web
fonts and the like are refused), so an export never reaches the network.

Playwright drives the system's Chromium (`/usr/bin/chromium`, or the path in `$CHROMIUM`); it
never downloads a browser of its own.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .render import PRINT_DIR, pdf_name

PAPERS = ("A4", "Letter")
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run")
TIMEOUT_MS = 30_000
_FILE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.pdf")
# The classes print.css reads (see docs/assets/print.js): set before printing, whatever a page had.
_SET_CLASSES = """classes => {
  const root = document.documentElement;
  root.classList.remove("pb-print-blank", "pb-print-progress", "pb-print-details");
  classes.forEach(c => root.classList.add(c));
  return document.fonts.ready.then(() => true);
}"""


class PdfError(Exception):
    """A problem the user can act on (no site, no browser, a page that failed); the message says it all."""


@dataclass(frozen=True, kw_only=True)
class Job:
    name: str  # the file name, e.g. problem-fit.pdf
    url: str  # the page on the local server


def chromium() -> Path:
    """The Chromium executable: `$CHROMIUM`, else Debian's /usr/bin/chromium."""
    path = Path(os.environ.get("CHROMIUM") or DEFAULT_CHROMIUM)
    if not path.is_file() or not os.access(path, os.X_OK):
        raise PdfError(f"Chromium not found at {path}: install it (Debian/Ubuntu: apt-get install chromium) "
                       "or set CHROMIUM to the path of a Chromium or Chrome executable")
    return path


def pack_entry(site: Path) -> str:
    """The print pack of all playbooks in the built `site`, as a path relative to it."""
    if not site.is_dir():
        raise PdfError(f"no built site at {site}: build it first (`./dev build`), or pass --site DIR")
    for candidate in (f"{PRINT_DIR}/index.html", f"{PRINT_DIR}.html"):
        if (site / candidate).is_file():
            return candidate
    raise PdfError(f"{site} holds no print pack ({PRINT_DIR}/index.html): it is not a built playbook site, "
                   "or it was built before print packs existed; build it again (`./dev build`)")


class _QuietHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve the folder `site` on 127.0.0.1 at a free port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, name="pdf-site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


_PAGE_PARTS = frozenset({"document", "stylesheet", "script", "font", "image"})
# A print pack fetches each playbook's page for its checklist (print.js); wait for every section.
_ASSEMBLED = """() => !document.querySelector("[data-pb-src]:not([data-pb-state])")"""
_FAILED = """() => [...document.querySelectorAll('[data-pb-state="failed"]')].map(e => e.dataset.pbSrc)"""


def _local_only(route: Any) -> None:
    """Let a page load its own parts from the local server, and a print pack the playbook pages it
    takes its checklists from; refuse the rest (web fonts, GitHub statistics, the search index and
    sitemap that a printout has no use for)."""
    request = route.request
    url = urlsplit(request.url)
    page = request.resource_type == "fetch" and (url.path.endswith("/") or url.path.endswith(".html"))
    if url.hostname == "127.0.0.1" and (request.resource_type in _PAGE_PARTS or page):
        route.continue_()
    else:
        route.abort()


def jobs(page: Any, base: str, entry: str) -> list[Job]:
    """What the pack of all playbooks (`entry` on the server at `base`) links with `data-pb-pdf`,
    then that pack itself; only pages of that server, under names of the form `<id>.pdf`."""
    pack_url = base + entry
    response = page.goto(pack_url, wait_until="load")
    if response is None or not response.ok:
        raise PdfError(f"{pack_url}: the print pack did not load (HTTP {response.status if response else '?'})")
    links = page.eval_on_selector_all("a[data-pb-pdf]", "els => els.map(e => [e.dataset.pbPdf, e.href])")
    found: dict[str, Job] = {}
    for name, url in [*links, [pdf_name(), pack_url]]:
        if _FILE_NAME.fullmatch(name or "") and str(url).startswith(base):
            found.setdefault(name, Job(name=name, url=str(url).split("#")[0]))
    return list(found.values())


def export(site: Path, output: Path, *, paper: str = "A4", details: bool = False,
           report: Callable[[Path], None] | None = None) -> list[Path]:
    """Print every playbook page and print pack of the built `site` into `output`; the files written.

    Raises PdfError, with a message meant for the user, when the site, Chromium or Playwright is
    missing or when pages fail (the others are still written).
    """
    if paper not in PAPERS:
        raise PdfError(f"unknown paper size '{paper}'; expected one of: {', '.join(PAPERS)}")
    entry = pack_entry(site)
    executable = chromium()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PdfError("Playwright for Python is not installed: pip install playwright "
                       "(it drives the system's Chromium; no browser download is needed)") from None
    classes = ["pb-print-blank", *(["pb-print-details"] if details else [])]
    output.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    failed: list[str] = []
    with serve(site) as base, sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
        except PlaywrightError as error:
            raise PdfError(f"Chromium at {executable} did not start: {_first_line(error)}") from None
        try:
            context = browser.new_context(viewport={"width": 1024, "height": 1400})
            context.set_default_timeout(TIMEOUT_MS)
            context.route("**/*", _local_only)
            page = context.new_page()
            for job in jobs(page, base, entry):
                target = output / job.name
                partial = target.with_name(target.name + ".part")
                try:
                    response = page.goto(job.url, wait_until="load")
                    if response is None or not response.ok:
                        failed.append(f"{job.url}: HTTP {response.status if response else '?'}")
                        continue
                    page.wait_for_function(_ASSEMBLED)
                    missing = page.evaluate(_FAILED)
                    if missing:
                        failed.append(f"{job.url}: the checklists of {', '.join(missing)} did not load")
                        continue
                    page.evaluate(_SET_CLASSES, classes)
                    page.pdf(path=str(partial), format=paper, print_background=True)
                except PlaywrightError as error:
                    failed.append(f"{job.url}: {_first_line(error)}")
                    continue
                os.replace(partial, target)
                written.append(target)
                if report:
                    report(target)
        finally:
            browser.close()
    if failed:
        raise PdfError(f"{len(failed)} page(s) could not be printed ({len(written)} written):\n" + "\n".join(failed))
    return written


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
