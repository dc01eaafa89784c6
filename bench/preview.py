"""Preview speed: from saving a playbook to the browser showing the change, with each engine's
preview server (`./dev serve --engine ENGINE`).

    python bench/preview.py                              real library and 300 playbooks, every engine
    python bench/preview.py --page docs/performance.md   also refresh the section on that page
    python bench/preview.py --rounds 1 --sizes real --engines mkdocs   a quick look

For each engine and library: the project (this repository's config, docs, hooks, theme overrides
and schemas around the library) is served as `./dev serve` serves it (MkDocs and ProperDocs run
the hooks in their own server; for Zensical, `playbook generate --watch` keeps the generated folder
current and Zensical's server watches it). Chromium opens a playbook page; then, each round, the
playbook's title is changed in its YAML file and the clock runs until the page, reloaded by the
server, shows the new title. Figures are wall time on this machine; the target is 1 s on the real
library. It reports figures; it never fails on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

import sections  # noqa: E402  (bench/ is not a package)
import site_weight  # noqa: E402
import synth  # noqa: E402

START, END = "<!-- preview:start -->", "<!-- preview:end -->"
SECTION_FILE = HERE / "preview.md"
ENGINES = ("mkdocs", "properdocs", "zensical")
SIZES = ("real", "300")
TARGET = 1.0  # seconds, on the real library
EDITED = "ethics/harmful-content"  # a long playbook of the real library (and its copies)
TIMEOUT = 180.0


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tool(name: str) -> str:
    found = Path(sys.executable).with_name(name)
    if not found.exists():
        raise SystemExit(f"{name} is not installed: pip install -e '.[engines]'")
    return str(found)


def serve(engine: str, project: Path, port: int, log: Path) -> list[subprocess.Popen[bytes]]:
    """The preview server(s) of `engine` for `project`, as `./dev serve --engine ENGINE` starts them."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/"}
    out = log.open("wb")
    if engine in ("mkdocs", "properdocs"):
        return [subprocess.Popen([_tool(engine), "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
                                 cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)]
    generate = [sys.executable, "-m", "playbook.cli", "generate", "--out", "build/zensical"]
    subprocess.run(generate, cwd=project, env=env, check=True, capture_output=True, timeout=600)
    watcher = subprocess.Popen([*generate, "--watch"], cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = subprocess.Popen([_tool("zensical"), "serve", "--config-file", "build/zensical/mkdocs.yml",
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=project, env=env, stdout=out,
                              stderr=subprocess.STDOUT)
    return [watcher, server]


def _ready(url: str, processes: list[subprocess.Popen[bytes]], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            raise SystemExit(f"the preview server did not start: see {log}")
        time.sleep(0.2)


def _shows(page: Any, title: str) -> bool:
    try:
        return title in (page.evaluate("() => (document.querySelector('article h1') || {}).textContent || ''"))
    except Exception:  # noqa: BLE001 - the page is reloading: its context is gone for a moment
        return False


def measure(engine: str, project: Path, rounds: int, browser: Any) -> dict[str, Any]:
    port = _port()
    url = f"http://127.0.0.1:{port}/"
    log = project.parent / f"{engine}.log"
    started = time.perf_counter()
    processes = serve(engine, project, port, log)
    try:
        _ready(url + EDITED + "/", processes, log)
        first = time.perf_counter() - started
        page = browser.new_page()
        page.goto(url + EDITED + "/")
        path = project / "playbook_data" / f"{EDITED}.yaml"
        text = path.read_text(encoding="utf-8")
        waits = []
        for round_ in range(1, rounds + 1):
            time.sleep(1.5)  # let the watchers settle after the last build
            title = f"Preview round {round_} {time.time_ns()}"
            text = re.sub(r"(?m)^title: .*$", f"title: {title}", text, count=1)
            saved = time.perf_counter()
            path.write_text(text, encoding="utf-8")
            while not _shows(page, title):
                if time.perf_counter() - saved > TIMEOUT:
                    raise SystemExit(f"{engine}: the page did not show the change within {TIMEOUT:.0f} s (see {log})")
                time.sleep(0.02)
            waits.append(time.perf_counter() - saved)
        page.close()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    return {"first": first, "waits": waits}


def report(results: dict[tuple[str, str], dict[str, Any]], playbooks: dict[str, int], rounds: int) -> str:
    names = {"real": f"the shipped library ({playbooks.get('real', 0)} playbooks)",
             "300": f"a synthetic library of {playbooks.get('300', 300)} playbooks"}
    lines = [START, "", "### Preview: from saving a playbook to the reloaded page", "",
             f"Measured on {dt.date.today().isoformat()} by `python bench/preview.py` ({platform.system()} "
             f"{platform.release()}, Python {platform.python_version()}), wall time, median of {rounds} saves. "
             "Each engine serves as `./dev serve --engine ENGINE` does; Chromium shows a playbook page and the "
             "clock runs from writing the playbook's YAML file to the page showing its new title. Target: "
             f"{TARGET:.0f} s on the shipped library.", "",
             "| Engine | Library | Server ready | Save to reloaded page | Fastest – slowest |",
             "| --- | --- | ---: | ---: | ---: |"]
    for (engine, size), got in results.items():
        median = statistics.median(got["waits"])
        mark = (" ✓" if median <= TARGET else " ✗") if size == "real" else ""
        lines.append(f"| {engine} | {names[size]} | {got['first']:.1f} s | {median:.2f} s{mark} | "
                     f"{min(got['waits']):.2f} – {max(got['waits']):.2f} s |")
    lines += ["", END]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, of: " + ", ".join(ENGINES))
    parser.add_argument("--sizes", default=",".join(SIZES), help="comma-separated, of: real, 300")
    parser.add_argument("--page", type=Path, help="also replace the section of this Performance page")
    parser.add_argument("--section", type=Path, default=SECTION_FILE, help="where to write the section (Markdown)")
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    sizes = [s for s in args.sizes.split(",") if s]
    if not set(engines) <= set(ENGINES) or not set(sizes) <= set(SIZES) or args.rounds < 1:
        parser.error("unknown engine or size, or --rounds below 1")
    from playwright.sync_api import sync_playwright

    from playbook.load import load_library

    results: dict[tuple[str, str], dict[str, Any]] = {}
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="preview-") as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for size in sizes:
            work = Path(folder) / size
            library = REPO / "playbook_data" if size == "real" else synth.generate(work / "library", 300,
                                                                                   REPO / "playbook_data")
            counts[size] = len(load_library(library).playbooks)
            for engine in engines:
                project = site_weight.project(work / engine / "project", library)
                if size == "real" and (REPO / "reviews").is_dir():
                    shutil.copytree(REPO / "reviews", project / "reviews")
                print(f"[{size}] {engine} ...", file=sys.stderr)
                results[(engine, size)] = measure(engine, project, args.rounds, browser)
        browser.close()
    sections.publish(report(results, counts, args.rounds), args.section, args.page, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
