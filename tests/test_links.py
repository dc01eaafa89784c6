"""`playbook links` against a web server on 127.0.0.1: the network is never used."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY
from playbook.links import check_all, check_url

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass
class Server:
    base: str
    requests: Counter = field(default_factory=Counter)
    in_flight: int = 0
    most_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

        def _answer(self, status: int, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _route(self) -> None:
            path = self.path.split("?")[0]
            with server.lock:
                server.requests[(self.command, self.path)] += 1
                server.in_flight += 1
                server.most_in_flight = max(server.most_in_flight, server.in_flight)
            try:
                if path == "/hold":
                    time.sleep(0.05)
                    self._answer(200)
                elif path in ("/ok", "/framework"):
                    self._answer(200)
                elif path == "/moved":
                    self._answer(301, {"Location": "/ok?from=moved"})
                elif path == "/no-head":
                    self._answer(405 if self.command == "HEAD" else 200)
                elif path == "/forbidden":
                    self._answer(403)
                elif path == "/broken":
                    self._answer(500)
                elif path == "/slow":
                    server.release.wait(10)
                    self._answer(200)
                else:
                    self._answer(404)
            finally:
                with server.lock:
                    server.in_flight -= 1

        do_HEAD = _route
        do_GET = _route

    return Handler


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[Server]:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    state = Server(base="")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def set_links(root: Path, urls: list[str]) -> None:
    """Replace problem-fit's links with `urls`; links[k].url is then on line 13 + 2k, column 10."""
    path = root / "strategy" / "problem-fit.yaml"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("links:\n") + len("links:\n"), text.index("items:\n")
    links = "".join(f"  - title: Source {n}\n    url: {url}\n" for n, url in enumerate(urls))
    path.write_text(text[:start] + links + text[end:], encoding="utf-8")


@pytest.fixture
def library(tmp_path: Path, server: Server) -> Path:
    """The fixture library with every address moved to the local server, and links to each case."""
    root = tmp_path / "playbook_data"
    shutil.copytree(FIXTURE_LIBRARY, root)
    for path in root.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8").replace("https://example.org/demo-framework",
                                                        f"{server.base}/framework")
        path.write_text(text.replace("https://example.org", server.base), encoding="utf-8")
    cases = ["ok", "gone", "moved", "no-head", "forbidden", "broken", "ok"]
    set_links(root, [f"{server.base}/{case}" for case in cases] + [f"http://127.0.0.1:{closed_port()}/"])
    return root


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARIABLES}
    return subprocess.run([sys.executable, "-m", "playbook.cli", "links", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120, env=env)


def test_dead_links_are_reported_at_their_line_and_fail_the_run(library: Path, server: Server):
    result = run("--timeout", "5", cwd=library.parent)
    assert result.returncode == 1, result.stderr
    path = "playbook_data/strategy/problem-fit.yaml"
    lines = result.stdout.splitlines()
    assert lines[:2] == [
        f"{path}:15:10: $.links[1].url: {server.base}/gone is dead: HTTP 404 Not Found; update or remove the link",
        f"{path}:23:10: $.links[5].url: {server.base}/broken is dead: HTTP 500 Internal Server Error; "
        "update or remove the link",
    ]
    assert lines[2].startswith(f"{path}:27:10: $.links[7].url: http://127.0.0.1:")
    assert lines[2].endswith("/ is dead: connection refused; update or remove the link")
    assert lines[3:] == [
        f"{path}:21:10: $.links[4].url: {server.base}/forbidden could not be checked: HTTP 403 Forbidden; the "
        "server turns automated checks away, open it in a browser",
    ]
    assert result.stderr.strip() == "8 address(es) checked: 3 dead link(s), 1 could not be checked."


def test_redirects_and_servers_that_refuse_head_count_as_alive(server: Server):
    assert check_url(f"{server.base}/moved", timeout=5).ok
    outcome = check_url(f"{server.base}/no-head", timeout=5)
    assert outcome.ok
    assert server.requests[("HEAD", "/no-head")] == 1 and server.requests[("GET", "/no-head")] == 1


def test_only_the_blocked_statuses_pass_the_run(library: Path, server: Server):
    set_links(library, [f"{server.base}/ok", f"{server.base}/forbidden"])
    result = run(cwd=library.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "forbidden could not be checked: HTTP 403 Forbidden" in result.stdout


def test_each_address_is_requested_once_however_often_it_is_cited(library: Path, server: Server):
    run("--timeout", "5", cwd=library.parent)
    assert server.requests[("HEAD", "/ok")] == 1  # cited twice, requested once
    assert server.requests[("HEAD", "/framework")] == 1


def test_no_more_requests_run_at_once_than_workers_allow(server: Server):
    urls = [f"{server.base}/hold?{n}" for n in range(12)]
    outcomes = check_all(urls, workers=3, timeout=5)
    assert all(outcome.ok for outcome in outcomes.values())
    assert sum(server.requests.values()) == 12
    assert 1 <= server.most_in_flight <= 3


def test_a_server_that_does_not_answer_in_time_is_reported_as_dead(server: Server):
    outcome = check_url(f"{server.base}/slow", timeout=0.3)
    assert not outcome.ok and not outcome.blocked
    assert outcome.reason == "no answer within 0.3 seconds"


def test_paths_limit_the_check_to_those_files(library: Path, server: Server):
    result = run("playbook_data/frameworks", cwd=library.parent)
    assert result.returncode == 0
    assert result.stderr.strip() == "1 address(es) checked: 0 dead link(s), 0 could not be checked."
    assert server.requests[("HEAD", "/framework")] == 1
    assert not any(path == "/gone" for _, path in server.requests)


def test_github_format_annotates_the_line_of_the_dead_link(library: Path, server: Server):
    result = run("--format", "github", "--timeout", "5", cwd=library.parent)
    assert result.stdout.splitlines()[0] == (
        "::error file=playbook_data/strategy/problem-fit.yaml,line=15,col=10,title=$.links[1].url::"
        f"$.links[1].url: {server.base}/gone is dead: HTTP 404 Not Found; update or remove the link")
    assert "::warning file=playbook_data/strategy/problem-fit.yaml,line=21,col=10" in result.stdout


def test_bad_options_are_usage_errors(library: Path):
    for args in (["--timeout", "0"], ["--workers", "0"], ["nowhere.yaml"]):
        result = run(*args, cwd=library.parent)
        assert result.returncode == 2, args
        assert "Traceback" not in result.stderr
