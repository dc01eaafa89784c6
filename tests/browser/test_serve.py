"""`./dev serve` while a playbook is edited, in real Chromium: bad data shows in the page, over the
last good site, and the page recovers by itself when the file is fixed.

A real `mkdocs serve` runs on the fixture library; the test edits a YAML file as an author would
and waits for the live reload.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from conftest import FIXTURE_LIBRARY, REPO, make_project

from .conftest import CHROMIUM, unavailable

try:
    from playwright.sync_api import expect
except ImportError:  # the fixture skips these tests, or fails them under CI
    pass

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts" / "serve"
RELOAD_MS = 60_000  # a rebuild of the fixture site takes a few seconds; a busy CI machine, more


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serving(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (tmp_path / "serve.log").open("w", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=root, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url})
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "strategy/problem-fit/", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, (tmp_path / "serve.log").read_text(encoding="utf-8")
            assert time.monotonic() < deadline, "mkdocs serve did not start"
            time.sleep(0.3)
        yield root, url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_bad_data_shows_in_the_page_and_the_page_recovers_when_it_is_fixed(
        new_page: Callable[..., Page], serving: tuple[Path, str]) -> None:
    root, url = serving
    page = new_page(url)
    page.goto("strategy/problem-fit/")
    page.locator(".pb-tools").wait_for()
    banner = page.locator(".pb-preview-problems")
    expect(banner).to_have_count(0)

    path = root / "playbook_data" / "strategy" / "problem-fit.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("level: must", "level: mandatory", 1), encoding="utf-8")

    expect(banner).to_be_visible(timeout=RELOAD_MS)  # the live reload brought the next build in
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text("1 problem")
    expect(banner).to_contain_text("strategy/problem-fit.yaml:")
    expect(banner).to_contain_text("'mandatory'")
    expect(page.locator('li[data-item-id="problem-fit/user-problem-stated"]')).to_have_count(1)  # the last good site
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "problems-in-the-page.png"))

    path.write_text(good, encoding="utf-8")
    expect(banner).to_have_count(0, timeout=RELOAD_MS)
    expect(page.locator('li[data-item-id="problem-fit/user-problem-stated"]')).to_have_count(1)
