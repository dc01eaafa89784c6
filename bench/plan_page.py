"""Benchmark: what the "Plan my review" page of the real library costs a reader on a phone.

    python bench/plan_page.py                         measure and print the table
    python bench/plan_page.py --page docs/performance.md   also refresh the page's plan section

It builds the shipped library into a temporary folder for a local address, serves it with gzip
(as GitHub Pages and most static hosts do), and measures two views of /plan/: the page as a new
reader opens it (no answers), and a worked example of Start here opened from its link (every
question answered, the plan's rows built):

* transfer size: the gzipped bytes of the page's HTML and its data file (target: <= 250 kB), and
  of everything the page loads, from the responses Chromium received;
* Lighthouse's performance score in its default mobile profile (simulated slow 4G, 4x CPU
  slowdown; target: >= 90), with the metrics behind it. Lighthouse is a Node program: install
  it once with `npm install --prefix bench` (bench/package.json pins the version). Without it
  the table says so and the sizes are still measured.

The table goes to stdout and to bench/plan-page.md, which bench/run.py copies into the
Performance page; `--page` also replaces that section of an existing page in place. It reports
figures; it never fails on a score. Exit status 1 only when something did not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import sections  # noqa: E402  (bench/ is not a package)

SECTION_FILE = HERE / "plan-page.md"
START, END = "<!-- plan-page:start -->", "<!-- plan-page:end -->"
TRANSFER_TARGET = 250_000
SCORE_TARGET = 90
LIGHTHOUSE = HERE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
# The worked example of Start here with the most rows: a consumer image app.
EXAMPLE = ("plan/?traits=modality-image,open-prompts,interactive,shared-content,third-party-model,public-launch,"
           "general-public,minors,new-product,large-scale&unsure=eu-users")
VIEWS = {"new reader (no answers)": "plan/", "worked example (all answered)": EXAMPLE}
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift",
           "speed-index")


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the client accepts it."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        pass

    def send_head(self):  # type: ignore[override]
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not os.path.isfile(path):
            return super().send_head()
        with open(path, "rb") as handle:
            body = gzip.compress(handle.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def build(target: Path, url: str) -> Path:
    target.mkdir(parents=True)
    for part in ("mkdocs.yml", "docs", "hooks", "overrides", "schemas", "playbook_data"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / part)
    (target / "src" / "playbook").mkdir(parents=True)  # `watch:` names it; the package is installed
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": url}
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], cwd=target, env=env,
                            capture_output=True, text=True, timeout=900)
    if result.returncode:
        raise SystemExit(f"the site did not build:\n{result.stderr}")
    return target / "site"


def gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), 6))


def transfers(url: str) -> dict[str, int]:
    """Bytes received for each response of one page load (gzip as served), by Playwright in Chromium."""
    from playwright.sync_api import sync_playwright

    sizes: dict[str, int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_FLAGS.split()[1:])
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url else route.abort())
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(500)
        for request in responses:
            sizes[request.url] = request.sizes()["responseBodySize"]
        browser.close()
    return sizes


def lighthouse(url: str, out: Path) -> dict[str, Any] | None:
    if not LIGHTHOUSE.exists():
        return None
    report = out / "lighthouse.json"
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               "--only-categories=performance", f"--chrome-flags={CHROME_FLAGS}"]
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": str(CHROMIUM)}, capture_output=True, text=True,
                            timeout=600)
    if result.returncode or not report.exists():
        raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data["audits"]
    return {"score": round(data["categories"]["performance"]["score"] * 100),
            "version": data.get("lighthouseVersion", ""),
            **{name: audits[name]["displayValue"] for name in METRICS},
            "dom": audits.get("dom-size", {}).get("numericValue")}


def _kb(n: float) -> str:
    return f"{n / 1000:,.0f} kB"


def measure(work: Path, port: int = 0) -> dict[str, Any]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_GzipHandler, directory=str(work)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    site = build(work / "project", base)
    server.RequestHandlerClass = functools.partial(_GzipHandler, directory=str(site))  # type: ignore[assignment]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        books = json.loads((site / "plan" / "plan-items.json").read_text(encoding="utf-8"))["playbooks"]
        pages = [(site / "plan" / b["url"]).resolve() / "index.html" for b in books]
        own = {"HTML": gzipped(site / "plan" / "index.html"), "plan-items.json": gzipped(site / "plan" / "plan-items.json"),
               "largest playbook page (on first Details)": max(gzipped(p) for p in pages)}
        views = {}
        for name, path in VIEWS.items():
            loaded = transfers(base + path)
            views[name] = {"transfer": sum(loaded.values()), "requests": len(loaded),
                           "search": sum(v for k, v in loaded.items() if "search_index" in k),
                           "lighthouse": lighthouse(base + path, work)}
    finally:
        server.shutdown()
    return {"own": own, "views": views}


def report(results: dict[str, Any], seconds: float) -> str:
    own, views = results["own"], results["views"]
    page_and_data = own["HTML"] + own["plan-items.json"]
    lines = [START, "", "### Plan my review on a phone", "",
             f"Measured on {dt.date.today().isoformat()} by `python bench/plan_page.py` in {seconds:.0f} s, on the "
             f"shipped library, served with gzip from 127.0.0.1 ({platform.system()} {platform.release()}, "
             f"Python {platform.python_version()}). The page holds the questions; its rows come from "
             "`plan-items.json`; an item's details come from its playbook's page when a reader first opens one "
             "(fetched once, then cached).", "",
             "| What | Gzipped |", "| --- | ---: |"]
    lines += [f"| `/plan/` {name} | {_kb(size)} |" for name, size in own.items()]
    verdict = "✓" if page_and_data <= TRANSFER_TARGET else "✗"
    lines += [f"| **HTML + data** (target ≤ {_kb(TRANSFER_TARGET)}) | **{_kb(page_and_data)}** {verdict} |", "",
              "| View | Transferred, all requests | Of which the search index | Lighthouse performance (mobile; "
              f"target ≥ {SCORE_TARGET}) | FCP | LCP | TBT | CLS | Speed index | DOM elements |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    version = ""
    for name, view in views.items():
        found = view["lighthouse"]
        if found is None:
            scores = "not measured (`npm install --prefix bench`)" + " | –" * 6
        else:
            version = found["version"]
            mark = "✓" if found["score"] >= SCORE_TARGET else "✗"
            scores = " | ".join([f"{found['score']} {mark}", *(found[m] for m in METRICS),
                                 f"{found['dom']:,.0f}" if found["dom"] else "–"])
        lines.append(f"| {name} | {_kb(view['transfer'])} in {view['requests']} | {_kb(view['search'])} | {scores} |")
    lines += ["", f"The worked example is the consumer image app of Start here (`/{EXAMPLE}`)."
              + (f" Lighthouse {version}, default mobile settings." if version else ""),
              "Material's search loads the site's whole search index on every page; it is the largest part of "
              "each load and the same on every page of the site.", "", END]
    return "\n".join(lines) + "\n"


def replace_section(page: Path, section: str) -> None:
    sections.replace_section(page, section, START, END)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", type=Path, help="also replace the plan section of this Performance page")
    parser.add_argument("--section", type=Path, default=SECTION_FILE, help="where to write the section (Markdown)")
    args = parser.parse_args(argv)
    started = dt.datetime.now()
    with tempfile.TemporaryDirectory(prefix="plan-bench-") as folder:
        results = measure(Path(folder))
    sections.publish(report(results, (dt.datetime.now() - started).total_seconds()), args.section, args.page,
                     START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
