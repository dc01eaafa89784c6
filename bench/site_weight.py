"""Site weight against a plain Material site, and Lighthouse scores of the pages readers use most.

    python bench/site_weight.py                          300 playbooks; write bench/site-weight.md
    python bench/site_weight.py --page docs/performance.md   also refresh the section on that page
    python bench/site_weight.py --playbooks 60 --no-lighthouse   a quick run (tests use it)

Weight: a synthetic library (bench/synth.py) is built twice, interleaved, with the median of the
repetitions taken:

* the project: this repository's config, hooks, theme overrides and assets around the library;
* the baseline: a Material for MkDocs site with one Markdown page per playbook carrying the
  same fields (summary, facts, intro, every item with its level, owner, stage, when it applies,
  why, how, framework references, related items and tags, sources), the same theme, palette, Markdown
  extensions, search and tags plugins, and no hooks, macros or assets of its own. It is what a
  team would get by writing the playbooks as Markdown.

Target: the project's built site and build time at most 1.5x the baseline's.

Scores: Lighthouse (from `npm install --prefix bench`, pinned in bench/package.json) in its
default mobile settings, over the real library built and served with gzip: accessibility, best
practices, SEO and performance for the home page, a playbook page, a crosswalk and the plan.
It reports figures; it never fails on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "src"))

import plan_page  # noqa: E402  (bench/ is not a package)
import sections  # noqa: E402
import synth  # noqa: E402

START, END = "<!-- site-weight:start -->", "<!-- site-weight:end -->"
SECTION_FILE = HERE / "site-weight.md"
SITE_PARTS = ("mkdocs.yml", "docs", "hooks", "overrides", "schemas")
TARGET = 1.5
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
SCORED = {"Home": "", "A playbook page": "ethics/harmful-content/", "A crosswalk": "frameworks/nist-ai-rmf/",
          "Plan my review": "plan/"}


# -- the two sites ------------------------------------------------------------------------------


def _tree(site: Path) -> dict[str, int]:
    files = [p for p in site.rglob("*") if p.is_file()]
    html = sum(p.stat().st_size for p in files if p.suffix == ".html")
    return {"bytes": sum(p.stat().st_size for p in files), "html": html, "files": len(files),
            "search": sum(p.stat().st_size for p in files if p.name == "search_index.json")}


def project(target: Path, library: Path) -> Path:
    target.mkdir(parents=True)
    for part in SITE_PARTS:
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / part)
    (target / "src" / "playbook").mkdir(parents=True)  # `watch:` names it; the package is installed
    shutil.copytree(library, target / "playbook_data")
    return target


def _front(title: str, tags: list[str]) -> str:
    meta: dict[str, Any] = {"title": title}
    if tags:
        meta["tags"] = tags
    return "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True) + "---\n"


def baseline(target: Path, library: Path) -> Path:
    """One Markdown page per playbook with the same fields, the same theme, no project code."""
    from playbook.load import load_library
    from playbook.plan import condition, describe

    lib = load_library(library)
    docs = target / "docs"
    docs.mkdir(parents=True)
    frameworks = {f.id: f for f in lib.frameworks}
    nav: dict[str, list[Any]] = {}
    for playbook in lib.playbooks:
        lines = [_front(playbook.title, list(playbook.tags)), f"# {playbook.title}", "", playbook.summary, "",
                 f"**Category:** {playbook.category} · **Items:** {len(playbook.items)} · "
                 f"**Owner:** {playbook.owner or '–'} · **Version:** {playbook.version or '–'} · "
                 f"**Last reviewed:** {playbook.last_reviewed or '–'}", ""]
        if playbook.intro:
            lines += [playbook.intro, ""]
        lines += ["## Checklist", ""]
        for item in playbook.items:
            lines += [f"### {item.text} {{ #{item.id} }}", "",
                      " · ".join(x for x in (item.level and item.level.capitalize(), item.owner and f"Owner: {item.owner}",
                                             item.stage and f"Stage: {item.stage}") if x), ""]
            when = condition(item, playbook)
            if when:
                lines += [describe(when, lib), ""]
            if item.why:
                lines += ["**Why it matters**", "", item.why, ""]
            if item.how:
                lines += ["**How to check**", "", item.how, ""]
            if item.refs:
                lines += ["Frameworks: " + ", ".join(f"[{frameworks[r.framework].name} {r.entry}]"
                                                      f"({frameworks[r.framework].url})" for r in item.refs), ""]
            if item.related:
                lines += ["Related: " + "; ".join(f"[{lib.item(t).text}](../{lib.item(t).playbook_id}.md#{t.split('/')[1]})"
                                                   if lib.item(t).playbook_id != playbook.id else
                                                   f"[{lib.item(t).text}](#{t.split('/')[1]})"
                                                   for t in item.related_ids()), ""]
            if item.tags:
                lines += ["Tags: " + ", ".join(item.tags), ""]
        if playbook.links:
            lines += ["## Sources", ""] + [f"- [{link.title}]({link.url})" for link in playbook.links] + [""]
        path = docs / playbook.category / f"{playbook.id}.md"
        path.parent.mkdir(exist_ok=True)
        path.write_text("\n".join(lines), encoding="utf-8")
        nav.setdefault(playbook.category, []).append(f"{playbook.category}/{playbook.id}.md")
    (docs / "index.md").write_text("# Playbooks\n\n" + "\n".join(
        f"- [{p.title}]({p.category}/{p.id}.md)" for p in lib.playbooks) + "\n", encoding="utf-8")
    (docs / "tags.md").write_text("# Tags\n\n<!-- material/tags -->\n", encoding="utf-8")
    own = _mkdocs(REPO / "mkdocs.yml")
    theme = {k: v for k, v in own["theme"].items() if k != "custom_dir"}
    settings = {"site_name": own["site_name"], "site_url": "http://127.0.0.1:8000/", "theme": theme,
                "plugins": [p for p in own.get("plugins") or [] if (next(iter(p)) if isinstance(p, dict) else p)
                            in ("search", "tags")],
                "markdown_extensions": own.get("markdown_extensions"),
                "nav": [{"Home": "index.md"}, *({c: pages} for c, pages in nav.items()), {"Tags": "tags.md"}]}
    (target / "mkdocs.yml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return target


def _mkdocs(path: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    with path.open("rb") as file:
        return yaml_load(file)


def _build(folder: Path) -> dict[str, float]:
    shutil.rmtree(folder / "site", ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "http://127.0.0.1:8000/"}
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet"], cwd=folder, env=env,
                            capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"mkdocs build in {folder} failed:\n{(result.stderr + result.stdout)[-4000:]}")
    return {"seconds": seconds, **_tree(folder / "site")}


def weigh(work: Path, playbooks: int, repeat: int) -> dict[str, dict[str, float]]:
    library = synth.generate(work / "library", playbooks, REPO / "playbook_data")
    sites = {"project": project(work / "project", library), "baseline": baseline(work / "baseline", library)}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in sites}
    for _ in range(repeat):  # interleaved, so that background load hits both alike
        for name, folder in sites.items():
            runs[name].append(_build(folder))
    return {name: {key: statistics.median(r[key] for r in found) for key in found[0]} for name, found in runs.items()}


# -- Lighthouse ---------------------------------------------------------------------------------


def scores(work: Path, runs: int = 3) -> dict[str, dict[str, Any]] | None:
    """Lighthouse on each page of SCORED, `runs` times: the median of each category (its
    performance score moves by 10 or more points from run to run on a busy two-core machine), and
    the binary audits that failed in any run."""
    if not plan_page.LIGHTHOUSE.exists():
        return None
    import http.server

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(plan_page._GzipHandler,
                                                                                directory=str(work)))
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    site = plan_page.build(work / "real", base)
    server.RequestHandlerClass = functools.partial(plan_page._GzipHandler, directory=str(site))  # type: ignore[assignment]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    found = {}
    try:
        for name, path in SCORED.items():
            reports = [_lighthouse(base + path, work / "lighthouse.json") for _ in range(runs)]
            failed = {a["id"] for data in reports for a in data["audits"].values()
                      if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"}
            offline = [_offline(data["audits"].get("errors-in-console") or {}) for data in reports]
            found[name] = {"version": reports[0].get("lighthouseVersion", ""), "runs": runs,
                           **{c: round(statistics.median(data["categories"][c]["score"] for data in reports) * 100)
                              for c in CATEGORIES},
                           "failed": sorted(failed),
                           "offline": sorted({h for hosts in offline for h in hosts}) if all(offline) else []}
    finally:
        server.shutdown()
    return found


def _lighthouse(url: str, report: Path) -> dict[str, Any]:
    report.unlink(missing_ok=True)
    command = [str(plan_page.LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={plan_page.CHROME_FLAGS}"]
    result = subprocess.run(command, env={**os.environ, "CHROME_PATH": str(plan_page.CHROMIUM)},
                            capture_output=True, text=True, timeout=600)
    if result.returncode or not report.exists():
        raise SystemExit(f"Lighthouse failed on {url}:\n{result.stderr[-2000:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def _offline(audit: dict[str, Any]) -> list[str]:
    """The hosts of the console errors that are failed requests to other machines (this machine has
    no network: Material's request for the repository's statistics fails here, not for readers);
    empty when any console error has another cause."""
    hosts = []
    for item in (audit.get("details") or {}).get("items") or []:
        url = str((item.get("sourceLocation") or {}).get("url") or "")
        host = urllib.parse.urlsplit(url).hostname or ""
        if item.get("source") != "network" or not host or host == "127.0.0.1":
            return []
        hosts.append(host)
    return sorted(set(hosts))


# -- the report ---------------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def report(weights: dict[str, dict[str, float]], playbooks: int, found: dict[str, dict[str, Any]] | None,
           repeat: int) -> str:
    own, base = weights["project"], weights["baseline"]
    size, speed = own["bytes"] / base["bytes"], own["seconds"] / base["seconds"]
    mark = {True: "✓", False: "✗"}
    lines = [START, "", "### Site weight", "",
             f"Measured on {dt.date.today().isoformat()} by `python bench/site_weight.py` ({platform.system()} "
             f"{platform.release()}, Python {platform.python_version()}; median of {repeat} builds each, "
             f"interleaved), on a synthetic library of {playbooks} playbooks made from the real one. The baseline "
             "is a plain Material for MkDocs site with one Markdown page per playbook carrying the same fields, "
             "the same theme and plugins, and no code of its own.", "",
             "| | This project | Material, one page per playbook | Ratio (target ≤ 1.5×) |",
             "| --- | ---: | ---: | ---: |",
             f"| Built site | {_mb(own['bytes'])} in {own['files']:,.0f} files | {_mb(base['bytes'])} in "
             f"{base['files']:,.0f} files | {size:.2f}× {mark[size <= TARGET]} |",
             f"| of which HTML | {_mb(own['html'])} | {_mb(base['html'])} | {own['html'] / base['html']:.2f}× |",
             f"| of which the search index | {_mb(own['search'])} | {_mb(base['search'])} | "
             f"{own['search'] / base['search']:.2f}× |",
             f"| Build time | {own['seconds']:.1f} s | {base['seconds']:.1f} s | {speed:.2f}× {mark[speed <= TARGET]} |",
             ""]
    lines += ["### Lighthouse", ""]
    if found is None:
        lines += ["Not measured: install Lighthouse with `npm install --prefix bench`.", ""]
    else:
        version = next(iter(found.values()))["version"]
        runs = next(iter(found.values())).get("runs", 1)
        lines += [f"Lighthouse {version}, default mobile settings, on the real library served with gzip from "
                  f"127.0.0.1; the median of {runs} runs per page, and every audit that failed in any of them. "
                  "Target: 95 or more for accessibility, best practices and SEO.", "",
                  "| Page | Accessibility | Best practices | SEO | Performance | Audits not passed |",
                  "| --- | ---: | ---: | ---: | ---: | --- |"]
        for name, got in found.items():
            cells = [f"{got[c]} {mark[got[c] >= 95]}" for c in ("accessibility", "best-practices", "seo")]
            failed = [f"`{a}` (requests to {', '.join(got['offline'])}, which this machine cannot reach)"
                      if a == "errors-in-console" and got.get("offline") else f"`{a}`" for a in got["failed"]]
            lines.append(f"| {name} | {' | '.join(cells)} | {got['performance']} | {', '.join(failed) or 'none'} |")
        lines.append("")
    lines.append(END)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--playbooks", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-lighthouse", action="store_true", help="weight only")
    parser.add_argument("--page", type=Path, help="also replace the section of this Performance page")
    parser.add_argument("--section", type=Path, default=SECTION_FILE, help="where to write the section (Markdown)")
    args = parser.parse_args(argv)
    from playbook.load import load_library

    shipped = len(load_library(REPO / "playbook_data").playbooks)
    if args.playbooks < shipped:  # the guides embed shipped playbooks by id
        parser.error(f"--playbooks must be at least {shipped}, the number of shipped playbooks")
    with tempfile.TemporaryDirectory(prefix="site-weight-") as folder:
        weights = weigh(Path(folder) / "weight", args.playbooks, args.repeat)
        found = None if args.no_lighthouse else scores(Path(folder) / "scores")
    sections.publish(report(weights, args.playbooks, found, args.repeat), args.section, args.page, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
