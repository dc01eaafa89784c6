"""Benchmark: what validation and the site build cost as the library grows, next to their floors.

    python bench/run.py                     100 / 1,000 / 3,000 playbooks (about an hour or more)
    python bench/run.py --quick             100 playbooks, one repetition of each (a minute or two)
    python bench/run.py --output docs/performance.md    also write the Performance page

For each size it generates a synthetic library (bench/synth.py) in a temporary folder around a
copy of the real mkdocs.yml, docs/, hooks/ and schemas/, then measures, side by side and
interleaved so that background load hits both sides alike (medians of the repetitions):

* `playbook validate` against yaml.load(..., CSafeLoader) of the same files (target: <= 2x);
* `mkdocs build` of the project against a plain Material build of the very pages the project
  hands to Material, written out as Markdown files, without hooks or macros (target: <= 1.15x),
  with the peak memory (max RSS) of each build, its output size and its search-index size;
* the rebuild time under `mkdocs serve --livereload` after one playbook file is edited;
* the gzipped size of docs/assets/*.js and *.css.

It reports figures; it never fails on a time. Exit status 1 only when something did not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402  (bench/ is not a package)

SITE_PARTS = ("mkdocs.yml", "docs", "hooks", "overrides", "schemas")
SNAPSHOT_PARTS = (*SITE_PARTS, "src", "playbook_data")
SOURCE = REPO  # main() points this at a snapshot of the checkout taken when the run starts
BENCH_CONFIG = "mkdocs.bench.yml"
PLAIN_CONFIG = "mkdocs.yml"
# Repetitions by library size: builds of each kind, serve rebuilds, validation runs. Large sizes
# get fewer, so that a full run stays near an hour on a 2-core machine.
SCHEDULE = {100: (3, 3, 5), 1000: (3, 1, 5), 3000: (1, 1, 3)}
VALIDATE_TARGET = 2.0
BUILD_TARGET = 1.15
# Hand-written findings from profiling (what missed a target, why, and the figures before and
# after each fix), read when the report is written and printed under the tables.
NOTES_FILE = HERE / "NOTES.md"
# The plan page's transfer size and Lighthouse score, written by bench/plan_page.py.
PLAN_PAGE_FILE = HERE / "plan-page.md"
# The most expensive inputs we could construct, written by bench/worst_cases.py.
WORST_CASES_FILE = HERE / "worst-cases.md"
# The built site's weight against Material with one page per playbook, and Lighthouse scores,
# written by bench/site_weight.py.
SITE_WEIGHT_FILE = HERE / "site-weight.md"
# From saving a playbook to the reloaded page, with each engine's preview server: bench/preview.py.
PREVIEW_FILE = HERE / "preview.md"


# -- results ------------------------------------------------------------------------------------


@dataclass
class Build:
    seconds: float  # wall time
    cpu_s: float  # user + system CPU time of the build process
    max_rss_mb: float
    site_bytes: int
    index_bytes: int
    warnings: int


@dataclass
class SizeResult:
    playbooks: int
    items: int
    data_bytes: int
    validate_s: list[float] = field(default_factory=list)  # CPU time of the work, in process
    validate_wall_s: list[float] = field(default_factory=list)
    yaml_s: list[float] = field(default_factory=list)
    yaml_wall_s: list[float] = field(default_factory=list)
    command_cpu_s: list[float] = field(default_factory=list)  # the whole `playbook validate` process
    command_wall_s: list[float] = field(default_factory=list)
    project: list[Build] = field(default_factory=list)
    plain: list[Build] = field(default_factory=list)
    serve_first_s: float | None = None
    rebuild_s: list[float] = field(default_factory=list)
    rebuild_wait_s: list[float] = field(default_factory=list)

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values) if values else float("nan")

    def med(self, name: str, runs: str | None = None) -> float:
        if runs is not None:
            return self.median([getattr(b, name) for b in getattr(self, runs)])
        return self.median(getattr(self, name))


# -- projects -----------------------------------------------------------------------------------


def snapshot(source: Path, target: Path) -> Path:
    """Copy the parts of a checkout that the measurements use, so that edits made to the working
    tree while a long run goes on do not change what it measures halfway."""
    for part in SNAPSHOT_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.exists():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / part)
    if (target / "src").is_dir():
        _compile(target / "src")
    return target


def _compile(*folders: Path) -> None:
    """Write the bytecode cache of copied Python sources before anything is timed, as a developer
    machine has it after the first run: otherwise only the project side (hooks and package are
    copies) would pay for compiling its modules in every measured process."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", *map(str, folders)], check=True,
                   env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"})


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "http://127.0.0.1:8000/"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # use the bytecode cache (see _compile), like both sides' libraries
    if (SOURCE / "src" / "playbook").is_dir():  # the snapshot's package before the installed one
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SOURCE / "src"), os.environ.get("PYTHONPATH")]))
    env.pop("BENCH_CAPTURE", None)
    env.update(extra)
    return env


def _mkdocs_config(path: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    with path.open("rb") as file:
        return yaml_load(file)


def make_project(target: Path, playbooks: int) -> Path:
    """A copy of the site project around a synthetic library, plus a benchmark config that adds
    the capture hook (inert unless BENCH_CAPTURE is set) after the project's own hooks."""
    target.mkdir(parents=True)
    for part in SITE_PARTS:
        source = SOURCE / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)
    (target / "src" / "playbook").mkdir(parents=True)  # named by `watch:`; the package is installed
    synth.generate(target / "playbook_data", playbooks, SOURCE / "playbook_data")
    _compile(target / "hooks", HERE)
    hooks = list(_mkdocs_config(target / "mkdocs.yml").get("hooks") or [])
    config = {"INHERIT": "mkdocs.yml", "hooks": [*hooks, str(HERE / "capture_hook.py")]}
    (target / BENCH_CONFIG).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


def make_plain(project: Path, capture: Path, target: Path) -> Path:
    """The same pages as plain Markdown files with the same theme, extensions and search/tags
    plugins, and the navigation the project's hooks built; no hooks, no macros."""
    shutil.copytree(project / "docs", target / "docs")
    shutil.copytree(capture / "docs", target / "docs", dirs_exist_ok=True)
    if (project / "overrides").is_dir():  # the same theme, with the project's one changed partial
        shutil.copytree(project / "overrides", target / "overrides")
    project_config = _mkdocs_config(project / "mkdocs.yml")
    plugins = [p for p in project_config.get("plugins") or []
               if (next(iter(p)) if isinstance(p, dict) else p) != "macros"]
    nav = yaml.safe_load((capture / "nav.yml").read_text(encoding="utf-8"))
    config = {
        "INHERIT": os.path.relpath(project / "mkdocs.yml", target),
        "hooks": [],
        "plugins": plugins,
        "watch": [],
        "nav": nav,
        # The project marks generated pages "not in nav"; plain files would be listed instead.
        "validation": {"nav": {"omitted_files": "ignore"}},
    }
    (target / PLAIN_CONFIG).write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


# -- measurements -------------------------------------------------------------------------------


def _run(command: list[str], cwd: Path, out: Any, env: dict[str, str]) -> tuple[int, float, float, float]:
    """Run to the end; exit code, wall seconds, CPU seconds (user + system) and peak RSS in MB."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _child(mode: str, project: Path, log: Path) -> dict[str, float]:
    with log.open("w", encoding="utf-8") as out:
        code, wall, cpu, _ = _run([sys.executable, str(HERE / "child.py"), mode, str(project)], project, out, _env())
    text = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        raise RuntimeError(f"bench/child.py {mode} failed:\n{text[-4000:]}")
    figures = json.loads(text.strip().splitlines()[-1])
    if figures["code"] != 0:
        raise RuntimeError(f"`playbook validate` found problems in the synthetic library:\n{text[-4000:]}")
    return {**figures, "process_wall": wall, "process_cpu": cpu}


def _tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def run_build(project: Path, config: str, log: Path, **env: str) -> Build:
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    with log.open("w", encoding="utf-8") as out:
        code, seconds, cpu, rss = _run([sys.executable, "-m", "mkdocs", "build", "-f", config], project, out,
                                       _env(**env))
    text = log.read_text(encoding="utf-8", errors="replace")
    if code != 0:
        raise RuntimeError(f"mkdocs build in {project} failed:\n{text[-4000:]}")
    index = site / "search" / "search_index.json"
    return Build(seconds=seconds, cpu_s=cpu, max_rss_mb=rss, site_bytes=_tree_bytes(site),
                 index_bytes=index.stat().st_size if index.exists() else 0,
                 warnings=len(re.findall(r"^WARNING", text, re.M)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_rebuilds(project: Path, config: str, rounds: int, log: Path, timeout: float,
                   **env: str) -> tuple[float, list[float], list[float]]:
    """Time `mkdocs serve`: its first build, then `rounds` rebuilds after editing one playbook.

    A rebuild is timed from MkDocs' "Building documentation..." to "Reloading browsers" (the
    config reload and the whole build); the wait also counts the file watcher noticing the edit.
    """
    lines: queue.Queue[tuple[float, str]] = queue.Queue()
    tmp = project / "tmp"
    tmp.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "mkdocs", "serve", "--livereload", "-f", config,
               "-a", f"127.0.0.1:{_free_port()}"]
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=project, env=_env(TMPDIR=str(tmp), **env), text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def pump() -> None:
        assert process.stdout is not None
        with log.open("w", encoding="utf-8") as out:
            for line in process.stdout:
                lines.put((time.perf_counter(), line))
                out.write(line)
                out.flush()

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()

    def wait_for(pattern: str) -> float:
        deadline = time.perf_counter() + timeout
        while True:
            try:
                at, line = lines.get(timeout=max(0.1, deadline - time.perf_counter()))
            except queue.Empty:
                raise RuntimeError(f"mkdocs serve: no {pattern!r} within {timeout:.0f} s (log: {log})") from None
            if "An error happened during the rebuild" in line or "Aborted" in line:
                raise RuntimeError(f"mkdocs serve failed: {line.strip()} (log: {log})")
            if pattern in line:
                return at

    edited = sorted((project / "playbook_data").glob("*/*.yaml"))
    edited = [p for p in edited if p.parent.name != "frameworks"][len(edited) // 2]
    rebuilds: list[float] = []
    waits: list[float] = []
    try:
        first = wait_for("Serving on") - start
        for round_ in range(1, rounds + 1):
            time.sleep(1.0)  # let the watcher settle after the previous build
            edit_at = time.perf_counter()
            synth.edit(edited, round_)
            begin = wait_for("Building documentation")
            done = wait_for("Reloading browsers")
            rebuilds.append(done - begin)
            waits.append(done - edit_at)
    finally:
        process.send_signal(signal.SIGINT)  # lets serve remove its temporary site folder
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(timeout=10)
    return first, rebuilds, waits


def measure(playbooks: int, repeat: int, validate_repeat: int, rebuild_rounds: int, work: Path,
            say: Any) -> SizeResult:
    folder = work / f"n{playbooks}"
    say(f"[{playbooks}] generating the library and the project in {folder}")
    project = make_project(folder / "project", playbooks)
    files = [p for p in (project / "playbook_data").glob("*/*.yaml") if p.parent.name != "frameworks"]
    items = sum(len(yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)["items"]) for p in files)
    result = SizeResult(playbooks=playbooks, items=items, data_bytes=sum(p.stat().st_size for p in files))

    for round_ in range(validate_repeat):
        say(f"[{playbooks}] validate vs yaml.load, round {round_ + 1}/{validate_repeat}")
        run = _child("validate", project, folder / "validate.log")
        result.validate_s.append(run["cpu"])
        result.validate_wall_s.append(run["seconds"])
        result.command_cpu_s.append(run["process_cpu"])
        result.command_wall_s.append(run["process_wall"])
        run = _child("yaml", project, folder / "yaml.log")
        result.yaml_s.append(run["cpu"])
        result.yaml_wall_s.append(run["seconds"])

    capture = folder / "capture"
    plain = folder / "plain"
    # An unmeasured build saves what the project hands to Material: the plain side's pages.
    say(f"[{playbooks}] project build that captures the pages for the plain build (not measured)")
    run_build(project, BENCH_CONFIG, folder / "capture.log", BENCH_CAPTURE=str(capture))
    make_plain(project, capture, plain)
    for round_ in range(repeat):
        say(f"[{playbooks}] project build, round {round_ + 1}/{repeat}")
        result.project.append(run_build(project, BENCH_CONFIG, folder / f"project-{round_}.log"))
        say(f"[{playbooks}] plain Material build, round {round_ + 1}/{repeat}")
        result.plain.append(run_build(plain, PLAIN_CONFIG, folder / f"plain-{round_}.log"))
    shutil.rmtree(project / "site", ignore_errors=True)
    shutil.rmtree(plain / "site", ignore_errors=True)

    if rebuild_rounds:
        say(f"[{playbooks}] mkdocs serve: first build and {rebuild_rounds} rebuild(s) after an edit")
        timeout = max(300.0, 10 * result.med("seconds", "project"))
        first, rebuilds, waits = serve_rebuilds(project, BENCH_CONFIG, rebuild_rounds, folder / "serve.log", timeout)
        result.serve_first_s, result.rebuild_s, result.rebuild_wait_s = first, rebuilds, waits
    return result


def asset_sizes() -> list[tuple[str, int, int]]:
    rows = []
    for path in sorted((SOURCE / "docs" / "assets").glob("*")):
        if path.suffix in (".js", ".css") and path.is_file():
            data = path.read_bytes()
            rows.append((path.name, len(data), len(gzip.compress(data, compresslevel=9, mtime=0))))
    return rows


# -- report -------------------------------------------------------------------------------------


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, AttributeError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; Python {platform.python_version()}"


def _versions() -> str:
    names = ["mkdocs", "mkdocs-material", "mkdocs-macros-plugin", "Markdown", "PyYAML", "jsonschema", "fastjsonschema"]
    found = []
    for name in names:
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _s(value: float | None) -> str:
    if value is None or value != value:
        return "–"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def _mb(value: float) -> str:
    return f"{value / 1e6:.1f} MB" if value >= 1e6 else f"{value / 1e3:.0f} kB"


def _ratio(a: float, b: float, target: float) -> str:
    if not b or a != a or b != b:
        return "–"
    ratio = a / b
    return f"{ratio:.2f}× {'✓' if ratio <= target else '✗'}"


def report(results: list[SizeResult], assets: list[tuple[str, int, int]], *, repeat: str,
           validate_repeat: str, rebuild_rounds: str, seconds: float, command: str) -> str:
    lines = [
        "| Playbooks | Items | YAML data | `playbook validate` | yaml.load (CSafeLoader) | Ratio (target ≤ 2×) | "
        "Wall time (validate / yaml.load) | Whole command, with start-up (CPU / wall) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(f"| {r.playbooks:,} | {r.items:,} | {_mb(r.data_bytes)} | {_s(r.med('validate_s'))} | "
                     f"{_s(r.med('yaml_s'))} | {_ratio(r.med('validate_s'), r.med('yaml_s'), VALIDATE_TARGET)} | "
                     f"{_s(r.med('validate_wall_s'))} / {_s(r.med('yaml_wall_s'))} | "
                     f"{_s(r.med('command_cpu_s'))} / {_s(r.med('command_wall_s'))} |")
    validation = "\n".join(lines)

    lines = [
        "| Playbooks | `mkdocs build` (project) | Plain Material build | Ratio (target ≤ 1.15×) | "
        "Wall time (project / plain) | Peak memory (project / plain) | Rebuild after an edit | Edit to reload |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r.playbooks:,} | {_s(r.med('cpu_s', 'project'))} | {_s(r.med('cpu_s', 'plain'))} | "
            f"{_ratio(r.med('cpu_s', 'project'), r.med('cpu_s', 'plain'), BUILD_TARGET)} | "
            f"{_s(r.med('seconds', 'project'))} / {_s(r.med('seconds', 'plain'))} | "
            f"{r.med('max_rss_mb', 'project'):.0f} / {r.med('max_rss_mb', 'plain'):.0f} MB | "
            f"{_s(r.med('rebuild_s'))} | {_s(r.med('rebuild_wait_s'))} |")
    build = "\n".join(lines)

    lines = [
        "| Playbooks | Site (project) | Site (plain) | Search index (project) | Search index (plain) | "
        "Site per added playbook | Index per added playbook |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    previous: SizeResult | None = None
    for r in results:
        site, index = r.project[-1].site_bytes, r.project[-1].index_bytes
        if previous is None:
            per_site = per_index = "–"
        else:
            added = r.playbooks - previous.playbooks
            per_site = _mb((site - previous.project[-1].site_bytes) / added)
            per_index = _mb((index - previous.project[-1].index_bytes) / added)
        lines.append(f"| {r.playbooks:,} | {_mb(site)} | {_mb(r.plain[-1].site_bytes)} | {_mb(index)} | "
                     f"{_mb(r.plain[-1].index_bytes)} | {per_site} | {per_index} |")
        previous = r
    output = "\n".join(lines)

    lines = ["| File | Size | Gzipped |", "| --- | ---: | ---: |"]
    lines += [f"| `docs/assets/{name}` | {_mb(raw)} | {_mb(packed)} |" for name, raw, packed in assets]
    lines.append(f"| **all** | {_mb(sum(a[1] for a in assets))} | {_mb(sum(a[2] for a in assets))} |")
    sizes = "\n".join(lines)

    verdicts = _verdicts(results)
    today = dt.date.today().isoformat()
    parts = [
        f"- Measured on {today} by `{command}` in {seconds / 60:.0f} min.",
        f"- Machine: {_machine()}.",
        f"- Versions: {_versions()}.",
        f"- Sizes {' / '.join(f'{r.playbooks:,}' for r in results)}: medians of {repeat} build(s) of each kind, "
        f"{validate_repeat} validation run(s) and {rebuild_rounds} rebuild(s); the two sides of each ratio ran interleaved, each in a fresh process "
        "with Python's bytecode cache written beforehand; the build that captured the plain side's pages ran first and is not counted. Times are CPU "
        "time (user + system) unless marked wall: other work on a shared machine stretches wall time "
        "but barely changes CPU time, so the ratios compare like with like. The rebuild figures are "
        "wall time: from MkDocs' \"Building documentation\" to \"Reloading browsers\", and from saving "
        "the file to that reload (the watcher polls every 0.5 s).",
        "",
        "### Validation",
        "",
        validation,
        "",
        "### Site build",
        "",
        build,
        "",
        "### Output",
        "",
        output,
        "",
        "### Checklist assets",
        "",
        sizes,
    ]
    if PLAN_PAGE_FILE.is_file():  # bench/plan_page.py's section, measured on its own
        parts += ["", PLAN_PAGE_FILE.read_text(encoding="utf-8").strip()]
    if WORST_CASES_FILE.is_file():  # bench/worst_cases.py's section, measured on its own
        parts += ["", WORST_CASES_FILE.read_text(encoding="utf-8").strip()]
    if SITE_WEIGHT_FILE.is_file():  # bench/site_weight.py's section, measured on its own
        parts += ["", SITE_WEIGHT_FILE.read_text(encoding="utf-8").strip()]
    if PREVIEW_FILE.is_file():  # bench/preview.py's section, measured on its own
        parts += ["", PREVIEW_FILE.read_text(encoding="utf-8").strip()]
    if verdicts:
        parts += ["", "### Targets", "", *[f"- {v}" for v in verdicts]]
    if NOTES_FILE.is_file():
        parts += ["", NOTES_FILE.read_text(encoding="utf-8").strip()]
    return "\n".join(parts) + "\n"


def _verdicts(results: list[SizeResult]) -> list[str]:
    out = []
    for r in results:
        ratio = r.med("validate_s") / r.med("yaml_s")
        build = r.med("cpu_s", "project") / r.med("cpu_s", "plain")
        out.append(f"{r.playbooks:,} playbooks: validation {ratio:.2f}× the YAML parse "
                   f"({'holds' if ratio <= VALIDATE_TARGET else 'missed'}); build {build:.2f}× the plain "
                   f"Material build ({'holds' if build <= BUILD_TARGET else 'missed'}).")
    if len(results) >= 3:
        a, b, c = results[-3:]
        first = (b.project[-1].site_bytes - a.project[-1].site_bytes) / (b.playbooks - a.playbooks)
        last = (c.project[-1].site_bytes - b.project[-1].site_bytes) / (c.playbooks - b.playbooks)
        linear = 0.8 <= last / first <= 1.25
        out.append(f"Output growth: {_mb(first)} per added playbook from {a.playbooks:,} to {b.playbooks:,}, "
                   f"{_mb(last)} from {b.playbooks:,} to {c.playbooks:,}: "
                   f"{'linear' if linear else 'not linear'}.")
    return out


PAGE_HEAD = """\
---
title: Performance
---

# Performance

How long validation and the site build take as the library grows, next to the floor for this
stack: parsing the YAML alone, and Material for MkDocs building the same pages from plain
Markdown files. The page is generated by `python bench/run.py --output docs/performance.md`
(see `bench/run.py` for what each figure means); do not edit it by hand.

The libraries are synthetic: playbook *k* takes its fields from real playbook *k* mod 43 and
12 to 18 items (15 on average) drawn from the real items, with `related` links re-aimed inside
the synthetic library and framework references into the real registries. The hand-written pages
(guides, role pages, the home page) are built too, with their macros, as in the real site.

"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 playbooks, one repetition of each")
    parser.add_argument("--sizes", default=None, help="comma-separated library sizes (default 100,1000,3000)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="builds of each kind per size (default: 3 / 2 / 1 for 100 / 1,000 / 3,000; quick 1)")
    parser.add_argument("--rebuilds", type=int, default=None,
                        help="serve rebuilds per size (default: 3 / 1 / 1; quick 1)")
    parser.add_argument("--output", type=Path, help="write the Performance page (Markdown) to this file")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    parser.add_argument("--source", type=Path, default=REPO,
                        help="checkout to measure (default: this one), e.g. an older copy for a before/after")
    args = parser.parse_args(argv)
    global SOURCE

    sizes = [int(s) for s in (args.sizes or ("100" if args.quick else "100,1000,3000")).split(",")]
    def schedule(n: int) -> tuple[int, int, int]:
        return (1, 1, 3) if args.quick else SCHEDULE[max([k for k in SCHEDULE if k <= n] or [min(SCHEDULE)])]

    def repeat(n: int) -> int:
        return args.repeat or schedule(n)[0]

    def rebuilds(n: int) -> int:
        return args.rebuilds if args.rebuilds is not None else schedule(n)[1]

    def validate_repeat(n: int) -> int:
        return schedule(n)[2]
    command = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])

    def say(message: str) -> None:
        print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="playbook-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for old in [work / "source", *(work / f"n{n}" for n in sizes)]:
        shutil.rmtree(old, ignore_errors=True)
    def write(results: list[SizeResult], assets: list[tuple[str, int, int]]) -> str:
        done = [r.playbooks for r in results]
        text = report(results, assets, repeat=" / ".join(str(repeat(n)) for n in done),
                      validate_repeat=" / ".join(str(validate_repeat(n)) for n in done),
                      rebuild_rounds=" / ".join(str(rebuilds(n)) for n in done),
                      seconds=time.perf_counter() - started, command=command.strip())
        if args.output:  # after each size, so that a long run that stops still leaves its figures
            args.output.parent.mkdir(parents=True, exist_ok=True)
            args.output.write_text(PAGE_HEAD + text, encoding="utf-8")
            say(f"wrote {args.output} ({', '.join(f'{n:,}' for n in done)} playbooks)")
        return text

    results: list[SizeResult] = []
    try:
        SOURCE = snapshot(args.source.resolve(), work / "source")
        assets = asset_sizes()
        for n in sizes:
            results.append(measure(n, repeat(n), validate_repeat(n), rebuilds(n), work, say))
            text = write(results, assets)
    except RuntimeError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
