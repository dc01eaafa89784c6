"""Worst cases: the most expensive input we can construct for each check, and how its cost grows.

    python bench/worst_cases.py                          print the table, write bench/worst-cases.md
    python bench/worst_cases.py --page docs/security.md  also refresh the table on the Security page
    python bench/worst_cases.py --quick                  a quarter of each size, one repetition

Each case lays files over the test fixture library in a temporary folder and times what a pull
request runs on them: `check_library` (reading, schema, cross-file rules; what `playbook validate`
and the build's first step do), review checks, or the Markdown renderer. Next to each time:

* the floor: `yaml.load` with libyaml of the same files, the least any reader of them must spend;
* the growth: the time at the full size over the time at half of it. Linear cost gives about 2x;
  quadratic cost gives 4x, which is what these cases gave before the limits (the 4,000 '[' took
  1.9 s in the Markdown parser, 5,000 misspelt references more than 300 s).

It reports figures; it never fails on a time (tests run it in --quick mode for that it runs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(HERE))

import sections  # noqa: E402  (bench/ is not a package)
from playbook import markup  # noqa: E402
from playbook.load import build, check_library  # noqa: E402
from playbook.review import check_reviews  # noqa: E402

FIXTURE = REPO / "tests" / "fixtures" / "library"
START, END = "<!-- worst-cases:start -->", "<!-- worst-cases:end -->"
SECTION_FILE = HERE / "worst-cases.md"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HEAD = "id: {id}\ntitle: Worst case\ncategory: strategy\nsummary: The most expensive input we can build.\n"


@dataclass(frozen=True)
class Case:
    name: str
    size: str  # the input at full size, in words
    files: Callable[[int], dict[str, str]]  # size -> library-relative path -> text
    full: int
    run: str = "validate"  # validate | review | markdown


def _tags(n: int) -> dict[str, str]:
    tags = "".join(f"  - t{i}\n" for i in range(n))
    return {"strategy/worst.yaml": HEAD.format(id="worst") + "tags:\n" + tags
            + "items:\n  - id: one\n    text: One check.\n"}


def _brackets(n: int) -> dict[str, str]:
    """`n` items, each with a why and a how of 4,000 '[' (the field's length limit)."""
    items = "".join(f"  - id: item-{i}\n    text: Check {i}.\n    why: '{'[' * 4000}'\n    how: '{'[' * 4000}'\n"
                    for i in range(n))
    return {"strategy/worst.yaml": HEAD.format(id="worst") + "items:\n" + items}


def _misspelt(n: int) -> dict[str, str]:
    """Files of 100 items (the limit), each item with 20 misspelt related ids (the limit)."""
    files = {}
    for f in range(n):
        items = "".join(f"  - id: item-{i}\n    text: Check {i}.\n    related: [{', '.join(f'itme-{i}-{j}' for j in range(20))}]\n"
                        for i in range(100))
        files[f"strategy/worst-{f}.yaml"] = HEAD.format(id=f"worst-{f}") + "items:\n" + items
    return files


def _unknown_refs(n: int) -> dict[str, str]:
    """`n` items citing 30 entries (the limit) that the framework does not have."""
    items = "".join(f"  - id: item-{i}\n    text: Check {i}.\n    refs:\n      demo-framework: "
                    f"[{', '.join(f'MAP {i}.{j}' for j in range(30))}]\n" for i in range(n))
    return {"strategy/worst.yaml": HEAD.format(id="worst") + "items:\n" + items}


def _duplicate_keys(n: int) -> dict[str, str]:
    return {"strategy/worst.yaml": HEAD.format(id="worst") + "".join(f"title: Title {i}\n" for i in range(n))
            + "items:\n  - id: one\n    text: One check.\n"}


def _hidden(n: int) -> dict[str, str]:
    """`n` items whose why and how each end in a right-to-left override: every value is scanned to
    its end, and each is a problem."""
    value = f"\"{'x' * 3990}\\u202e\""
    items = "".join(f"  - id: item-{i}\n    text: Check {i}.\n    why: {value}\n    how: {value}\n" for i in range(n))
    return {"strategy/worst.yaml": HEAD.format(id="worst") + "items:\n" + items}


def _review(n: int) -> dict[str, str]:
    items = "".join(f"  problem-fit/user-problem-stat{i}:\n    status: done\n" for i in range(n))
    return {"../reviews/worst.yaml": "id: worst\nproduct:\n  name: Worst\ncreated: 2026-12-01\nanswers: {}\n"
            "items:\n" + items}


def _markdown(n: int) -> dict[str, str]:
    """Accepted input at its most expensive for the renderer: `n` items whose why and how hold the
    most '[' allowed (20) in the longest text allowed (4,000 characters)."""
    def field(i: int, name: str) -> str:  # each text its own, or the renderer's cache would hide the cost
        return (f"{name} {i} " + "[a](b " * 20 + "x" * 4000)[:4000]
    items = "".join(f"  - id: item-{i}\n    text: Check {i}.\n    why: '{field(i, 'why')}'\n    how: '{field(i, 'how')}'\n"
                    for i in range(n))
    return {"strategy/worst.yaml": HEAD.format(id="worst") + "items:\n" + items}


CASES = [
    Case("90,000 tags on one playbook", "90,000 tags (0.8 MB)", _tags, 90_000),
    Case("4,000 '[' in every why and how", "100 items x 2 fields", _brackets, 100),
    Case("Misspelt related items", "6 files x 2,000 references", _misspelt, 6),
    Case("Framework entries that do not exist", "100 items x 30 entries", _unknown_refs, 100),
    Case("Duplicate keys", "20,000 repeats of one key", _duplicate_keys, 20_000),
    Case("A hidden character at the end of long values", "100 items x 2 fields of 4,000 characters", _hidden, 100),
    Case("A review citing unknown items", "5,000 unknown ids (the limit)", _review, 5_000, run="review"),
    Case("Markdown at its limits, rendered", "100 items x 2 fields of 20 links", _markdown, 100, run="markdown"),
]


def _lay(folder: Path, files: dict[str, str]) -> tuple[Path, list[Path]]:
    root = folder / "playbook_data"
    if root.exists():
        shutil.rmtree(root)
    shutil.rmtree(folder / "reviews", ignore_errors=True)
    shutil.copytree(FIXTURE, root)
    written = []
    for name, text in files.items():
        path = (root / name).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return root, written


def _work(case: Case, root: Path, written: list[Path]) -> Callable[[], object]:
    if case.run == "validate":
        return lambda: check_library(root)
    if case.run == "review":
        library = build(check_library(root))
        return lambda: check_reviews(written, library)
    fields = [t for path in written for item in yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)["items"]
              for t in (item.get("why"), item.get("how")) if t]

    def render() -> None:
        markup.block.cache_clear()
        for text in fields:
            markup.block(text)
    return render


def _time(action: Callable[[], object], repeat: int) -> float:
    action()  # warm: imports, compiled schemas and patterns are not the case's cost
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(case: Case, folder: Path, scale: float, repeat: int) -> dict[str, float]:
    out = {}
    for label, size in (("half", max(1, int(case.full * scale) // 2)), ("full", max(2, int(case.full * scale)))):
        root, written = _lay(folder, case.files(size))
        texts = [p.read_text(encoding="utf-8") for p in written]
        out[label] = _time(_work(case, root, written), repeat)
        if label == "full":
            out["floor"] = _time(lambda: [yaml.load(t, Loader=_LOADER) for t in texts], repeat)
    return out


def _s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def report(results: list[tuple[Case, dict[str, float]]], quick: bool) -> str:
    lines = [START, "", "### Worst cases", "",
             f"Measured on {dt.date.today().isoformat()} by `python bench/worst_cases.py{' --quick' if quick else ''}` "
             f"({platform.system()} {platform.release()}, Python {platform.python_version()}; medians). The floor "
             "is libyaml reading the same files; growth is the time at this size over the time at half of it "
             "(linear cost: about 2×, quadratic: 4×).", "",
             "| Input | Size | Time | Floor (YAML parse) | Growth from half the size |",
             "| --- | --- | ---: | ---: | ---: |"]
    for case, r in results:
        lines.append(f"| {case.name} | {case.size if not quick else 'a quarter of ' + case.size} | {_s(r['full'])} | "
                     f"{_s(r['floor'])} | {r['full'] / r['half']:.1f}× |")
    lines += ["", END]
    return "\n".join(lines) + "\n"


def replace_section(page: Path, section: str) -> None:
    sections.replace_section(page, section, START, END)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a quarter of each size, one repetition")
    parser.add_argument("--page", type=Path, help="also replace the worst-case section of this page")
    parser.add_argument("--section", type=Path, default=SECTION_FILE, help="where to write the section (Markdown)")
    args = parser.parse_args(argv)
    scale, repeat = (0.25, 1) if args.quick else (1.0, 3)
    results = []
    with tempfile.TemporaryDirectory(prefix="worst-cases-") as folder:
        for case in CASES:
            found = measure(case, Path(folder), scale, repeat)
            results.append((case, found))
            print(f"{case.name}: {_s(found['full'])} (half: {_s(found['half'])}, floor {_s(found['floor'])})",
                  file=sys.stderr)
    sections.publish(report(results, args.quick), args.section, args.page, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
