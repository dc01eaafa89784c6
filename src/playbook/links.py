"""External links that still work: `playbook links` checks every source address in the library.

Checked: each playbook's `links[].url` and each framework registry's `url`. Every address is
requested once, however often it appears, by a bounded pool of threads, each request with a time
limit; a HEAD request first, then a GET (headers only) when the server refuses HEAD. The files are
read, not validated: `playbook validate` checks the rest.

Outcomes: *ok* (2xx, or 3xx after redirects), *dead* (404, 410, other 4xx, 5xx, no connection,
unknown host, timeout) and *blocked* (401, 403, 429: the server turns automated checks away, so a
person has to look).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .load import discover
from .problems import Problem, place
from .source import JsonPath, Source, read_source

DEFAULT_TIMEOUT = 10.0
DEFAULT_WORKERS = 8
BLOCKED_STATUSES = frozenset({401, 403, 429})
USER_AGENT = f"genai-playbook-linkcheck/{__version__} (checks that cited sources still exist)"


@dataclass(frozen=True, kw_only=True)
class Citation:
    """One address in one file, at the place a problem with it should point."""

    url: str
    source: Source
    where: JsonPath

    def problem(self, message: str) -> Problem:
        return self.source.problem(self.where, message)


@dataclass(frozen=True, kw_only=True)
class Outcome:
    url: str
    status: int | None
    reason: str

    @property
    def blocked(self) -> bool:
        return self.status in BLOCKED_STATUSES

    @property
    def ok(self) -> bool:
        return self.status is not None and self.status < 400


def citations(root: Path, paths: Iterable[Path] = ()) -> tuple[list[Citation], list[Problem]]:
    """Every checkable address under `root` (or in `paths` only), and problems reading the files."""
    files = discover(root)
    playbooks, frameworks, problems = files.playbooks, files.frameworks, files.problems
    chosen = [place(p) for p in paths]

    def wanted(path: Path) -> bool:
        where = place(path)
        return not chosen or any(where == c or c in where.parents for c in chosen)

    found: list[Citation] = []
    for path in playbooks + frameworks:
        if not wanted(path):
            continue
        source = read_source(path)
        problems.extend(source.problems)
        data = source.data
        if not isinstance(data, dict):
            continue
        if path in frameworks:
            if isinstance(data.get("url"), str):
                found.append(Citation(url=data["url"], source=source, where=("url",)))
            continue
        links = data.get("links")
        for index, link in enumerate(links if isinstance(links, list) else []):
            if isinstance(link, dict) and isinstance(link.get("url"), str):
                found.append(Citation(url=link["url"], source=source, where=("links", index, "url")))
    problems = [p for p in problems if wanted(p.path)]
    return found, problems


def check_url(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """Request `url` (HEAD, then GET if HEAD is refused) and say what came back; never raises."""
    if not url.lower().startswith(("http://", "https://")):
        return Outcome(url=url, status=None, reason="not a web address (http or https)")
    outcome = _request(url, "HEAD", timeout)
    if outcome.status is not None and outcome.status >= 400 and outcome.status != 429:
        outcome = _request(url, "GET", timeout)  # many servers answer HEAD wrongly; GET is the truth
    return outcome


def _request(url: str, method: str, timeout: float) -> Outcome:
    request = urllib.request.Request(url, method=method, headers={
        "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,application/pdf,*/*;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # headers only: the body is not read
            return Outcome(url=url, status=response.status, reason=response.reason or "OK")
    except urllib.error.HTTPError as error:
        error.close()
        return Outcome(url=url, status=error.code, reason=str(error.reason or ""))
    except urllib.error.URLError as error:
        return Outcome(url=url, status=None, reason=_reason(error.reason, timeout))
    except (http.client.HTTPException, OSError, ValueError) as error:  # timeouts, resets, TLS failures
        return Outcome(url=url, status=None, reason=_reason(error, timeout))


def _reason(error: object, timeout: float) -> str:
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} seconds"
    if isinstance(error, socket.gaierror):
        return "unknown host name"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"certificate not trusted ({error.verify_message})"
    text = str(error) or type(error).__name__
    return text.removeprefix("<urlopen error ").removesuffix(">")


def check_all(urls: Iterable[str], *, timeout: float = DEFAULT_TIMEOUT, workers: int = DEFAULT_WORKERS,
              checker: Callable[..., Outcome] = check_url) -> dict[str, Outcome]:
    """Each distinct URL checked once, at most `workers` at a time."""
    distinct = list(dict.fromkeys(urls))
    if not distinct:
        return {}
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(distinct))),
                            thread_name_prefix="playbook-links") as pool:
        outcomes = pool.map(lambda url: checker(url, timeout=timeout), distinct)
        return dict(zip(distinct, outcomes, strict=True))


def describe(outcome: Outcome) -> str:
    if outcome.status is not None:
        return f"HTTP {outcome.status} {outcome.reason}".rstrip()
    return outcome.reason


def report(found: list[Citation], outcomes: dict[str, Outcome]) -> tuple[list[Problem], list[Problem]]:
    """(dead, blocked): one located problem per citation of a failing address."""
    dead: list[Problem] = []
    blocked: list[Problem] = []
    for citation in found:
        outcome = outcomes[citation.url]
        if outcome.ok:
            continue
        if outcome.blocked:
            blocked.append(citation.problem(f"{citation.url} could not be checked: {describe(outcome)}; the server "
                                            "turns automated checks away, open it in a browser"))
        else:
            dead.append(citation.problem(f"{citation.url} is dead: {describe(outcome)}; update or remove the link"))
    return sorted(set(dead)), sorted(set(blocked))
