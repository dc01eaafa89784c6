"""The benchmark script runs end to end, and the validation fast path it led to is safe.

The benchmark reports figures and never fails on a time, so these tests assert that it runs
and prints its tables, never how fast anything was.
"""

from __future__ import annotations

import copy
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_LIBRARY, REPO
from playbook.load import check_library
from playbook.validate import is_valid, validator


@pytest.mark.slow
def test_quick_benchmark_prints_every_table_and_writes_the_page(tmp_path):
    page = tmp_path / "performance.md"
    result = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--quick", "--keep", str(tmp_path / "work"),
         "--output", str(page)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    for heading in ("### Validation", "### Site build", "### Output", "### Checklist assets", "### Targets"):
        assert heading in result.stdout
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 100 |")]
    assert len(rows) == 3  # one row for 100 playbooks in each of the three size tables
    assert "| `docs/assets/checklist.js` |" in result.stdout
    text = page.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Performance\n---\n")
    assert result.stdout.strip() in text


# -- the fast validity check in front of jsonschema -------------------------------------------------


def _base_documents() -> list[dict]:
    checked = check_library(FIXTURE_LIBRARY)
    assert not checked.problems
    return [s.data for s in checked.playbooks]


BASES = _base_documents()

# Characters the schema's patterns and lengths care about, including the ones where regex
# engines disagree on "whitespace" (U+001C, U+0085, U+00A0, U+2028) and line ends.
_CHARS = st.sampled_from(list("ab-Z09/ .:_") + ["\n", "\r", "\t", "\x1c", "\x85", "\xa0", "\u2028", "é"])
_TEXT = st.one_of(
    st.text(_CHARS, max_size=12),
    st.from_regex(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\n?\Z"),
    st.from_regex(r"\A[a-z0-9]+(-[a-z0-9]+)*\n?\Z"),
    st.sampled_from(["must", "should", "could", "product-manager", "discover", "strategy", "https://example.org/a",
                     "1.0", "2026-02-30", "2026-02-28", "x" * 201, "", " ", "MAP 1.1"]),
)
def _nested(inner: st.SearchStrategy) -> st.SearchStrategy:
    # A named function, not a lambda: Hypothesis reads the function's source to check that it
    # uses its argument, and a lambda inside a call spread over lines is not always found.
    return st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3)


_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 1200) | st.floats(allow_nan=False, width=32) | _TEXT,
    _nested,
    max_leaves=6,
)


def _places(node, path=()):
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in children:
        yield from _places(value, path + (key,))


def _at(node, path):
    for key in path:
        node = node[key]
    return node


def _mutate(document: dict, data: st.DataObject) -> dict:
    """One change: mostly new text in place of a text field (near-valid documents are where the
    two validators could disagree), else a value of another shape, a deletion or an extra key."""
    action = data.draw(st.sampled_from(["retext", "retext", "retext", "replace", "delete", "add"]))
    places = [p for p in _places(document) if p]
    if action == "retext":
        places = [p for p in places if isinstance(_at(document, p), str)]
    path = data.draw(st.sampled_from(places))
    parent = _at(document, path[:-1])
    if action == "retext":
        parent[path[-1]] = data.draw(_TEXT)
    elif action == "delete":
        del parent[path[-1]]
    elif action == "add" and isinstance(parent, dict):
        parent[data.draw(_TEXT)] = data.draw(_VALUES)
    else:
        parent[path[-1]] = data.draw(_VALUES)
    return document


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fast_check_never_passes_a_document_that_jsonschema_rejects(data):
    document = copy.deepcopy(data.draw(st.sampled_from(BASES)))
    for _ in range(data.draw(st.integers(1, 3))):
        if isinstance(document, dict) and document:
            document = _mutate(document, data)
    if is_valid("playbook")(document):
        assert list(validator("playbook").iter_errors(document)) == []


def test_fast_check_passes_valid_playbooks_so_jsonschema_is_skipped_for_them():
    assert all(is_valid("playbook")(document) for document in BASES)
    frameworks = check_library(FIXTURE_LIBRARY).frameworks
    assert frameworks and all(is_valid("framework")(s.data) for s in frameworks)


def test_fast_check_and_jsonschema_both_read_a_final_dollar_as_json_schema_does():
    """`$` matches before a final newline in Python's re; in JSON Schema (ECMA-262) it does not.
    fastjsonschema anchors at the very end, and so does the project's jsonschema validator
    (validate._ecma): a title, id or URL that ends in a line break is rejected by both."""
    for field, value in (("title", "A title that ends in a newline\n"), ("id", "problem-fit\n"),
                         ("version", "1.0\n")):
        document = copy.deepcopy(BASES[0])
        document[field] = value
        assert not is_valid("playbook")(document)
        assert [e.validator for e in validator("playbook").iter_errors(document)] == ["pattern"]


def test_plan_page_benchmark_writes_its_section_and_refreshes_it_in_the_page(tmp_path):
    """bench/plan_page.py's report and its in-place update of the Performance page, on figures given
    here (the measurement itself needs a build, a browser and Lighthouse; `python bench/plan_page.py`)."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import plan_page
    finally:
        sys.path.pop(0)
    light = {"score": 98, "version": "12.8.2", "dom": 3726.0, **{m: "1.7 s" for m in plan_page.METRICS}}
    results = {"own": {"HTML": 11_000, "plan-items.json": 35_000, "largest playbook page (on first Details)": 21_000},
               "views": {name: {"transfer": 442_000, "requests": 16, "search": 309_000,
                                "lighthouse": None if number else light}
                         for number, name in enumerate(plan_page.VIEWS)}}
    section = plan_page.report(results, 30)
    assert section.startswith(plan_page.START) and section.rstrip().endswith(plan_page.END)
    assert "| **HTML + data** (target ≤ 250 kB) | **46 kB** ✓ |" in section
    assert "| new reader (no answers) | 442 kB in 16 | 309 kB | 98 ✓ | 1.7 s |" in section
    assert "| worked example (all answered) | 442 kB in 16 | 309 kB | not measured (`npm install --prefix bench`)" in section
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\nTables.\n\n### Targets\n\n- all hold\n", encoding="utf-8")
    plan_page.replace_section(page, section)
    once = page.read_text(encoding="utf-8")
    assert once.index(plan_page.START) < once.index("### Targets") and once.count(plan_page.START) == 1
    plan_page.replace_section(page, section.replace("98 ✓", "91 ✓"))  # a second run replaces, never appends
    again = page.read_text(encoding="utf-8")
    assert again.count(plan_page.START) == 1 and "91 ✓" in again and "98 ✓" not in again


def test_worst_case_benchmark_runs_every_case_and_refreshes_its_section(tmp_path):
    """bench/worst_cases.py in --quick mode: every case runs, the table names each one with its
    time, floor and growth, and the section replaces the one between its markers in a page."""
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\n<!-- worst-cases:start -->\nold\n<!-- worst-cases:end -->\n\nAfter.\n",
                    encoding="utf-8")
    section_file = tmp_path / "worst-cases.md"
    result = subprocess.run([sys.executable, str(REPO / "bench" / "worst_cases.py"), "--quick", "--page", str(page),
                             "--section", str(section_file)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import worst_cases
    finally:
        sys.path.pop(0)
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and not line.startswith("| Input")
            and not line.startswith("| ---")]
    assert [row.split(" | ")[0][2:] for row in rows] == [case.name for case in worst_cases.CASES]
    assert all(row.endswith("× |") for row in rows)
    text = page.read_text(encoding="utf-8")
    assert "old" not in text and text.endswith("\n\nAfter.\n") and "### Worst cases" in text
    assert section_file.read_text(encoding="utf-8").strip() == result.stdout.strip()


@pytest.mark.slow
def test_site_weight_benchmark_builds_both_sites_and_refreshes_its_section(tmp_path):
    """bench/site_weight.py on a small synthetic library without Lighthouse: the project and the
    plain Material baseline both build, the table gives sizes, files and ratios for each, and the
    section replaces the one between its markers in a page."""
    page = tmp_path / "performance.md"
    page.write_text("# Performance\n\n<!-- site-weight:start -->\nold\n<!-- site-weight:end -->\n\nAfter.\n",
                    encoding="utf-8")
    section_file = tmp_path / "site-weight.md"
    result = subprocess.run([sys.executable, str(REPO / "bench" / "site_weight.py"), "--playbooks", "60",
                             "--repeat", "1", "--no-lighthouse", "--page", str(page), "--section", str(section_file)],
                            capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    rows = {line.split(" | ")[0][2:]: line for line in result.stdout.splitlines() if line.startswith("| ")}
    assert set(rows) >= {"Built site", "of which HTML", "of which the search index", "Build time"}
    for name in ("Built site", "Build time"):
        assert re.search(r"\| \d+\.\d\d× [✓✗] \|$", rows[name]), rows[name]
    assert re.search(r"\| [\d.]+ MB in \d+ files \| [\d.]+ MB in \d+ files \|", rows["Built site"])
    assert "synthetic library of 60 playbooks" in result.stdout
    assert "Not measured: install Lighthouse" in result.stdout
    text = page.read_text(encoding="utf-8")
    assert "old" not in text and text.endswith("\n\nAfter.\n") and "### Site weight" in text
    assert section_file.read_text(encoding="utf-8").strip() == result.stdout.strip()


def test_site_weight_report_gives_ratios_verdicts_and_lighthouse_scores():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import site_weight
    finally:
        sys.path.pop(0)
    weights = {"project": {"seconds": 12.0, "bytes": 40e6, "html": 28e6, "files": 412, "search": 9e6},
               "baseline": {"seconds": 10.0, "bytes": 32e6, "html": 23e6, "files": 350, "search": 6e6}}
    scores = {name: {"version": "12.8.2", "accessibility": 100, "best-practices": 96, "seo": 92, "performance": 97,
                     "failed": ["meta-description"] if name == "Home" else [], "offline": []}
              for name in site_weight.SCORED}
    scores["Plan my review"] |= {"failed": ["errors-in-console"], "offline": ["api.github.com"]}
    section = site_weight.report(weights, 300, scores, 3)
    assert "| Built site | 40.0 MB in 412 files | 32.0 MB in 350 files | 1.25× ✓ |" in section
    assert "| Build time | 12.0 s | 10.0 s | 1.20× ✓ |" in section
    assert "| Home | 100 ✓ | 96 ✓ | 92 ✗ | 97 | `meta-description` |" in section
    assert "| A crosswalk | 100 ✓ | 96 ✓ | 92 ✗ | 97 | none |" in section
    assert ("| Plan my review | 100 ✓ | 96 ✓ | 92 ✗ | 97 | `errors-in-console` (requests to api.github.com, which "
            "this machine cannot reach) |") in section
    github = {"details": {"items": [{"source": "network", "sourceLocation": {"url": "https://api.github.com/repos/x"}}]}}
    assert site_weight._offline(github) == ["api.github.com"]
    local = {"details": {"items": [*github["details"]["items"],
                                   {"source": "javascript", "sourceLocation": {"url": "http://127.0.0.1:8000/a.js"}}]}}
    assert site_weight._offline(local) == [], "an error of the page's own is never explained away"
    slow = {**weights, "project": {**weights["project"], "seconds": 16.0}}
    assert "| Build time | 16.0 s | 10.0 s | 1.60× ✗ |" in site_weight.report(slow, 300, None, 1)


def test_preview_report_gives_each_engine_and_library_with_the_target_on_the_real_one():
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import preview
    finally:
        sys.path.pop(0)
    results = {("mkdocs", "real"): {"first": 4.2, "waits": [3.0, 4.9, 6.8]},
               ("zensical", "real"): {"first": 9.7, "waits": [0.6, 0.8, 0.9]},
               ("mkdocs", "300"): {"first": 20.0, "waits": [12.0, 13.5]}}
    section = preview.report(results, {"real": 47, "300": 300}, 3)
    assert section.startswith(preview.START) and section.rstrip().endswith(preview.END)
    assert "| mkdocs | the shipped library (47 playbooks) | 4.2 s | 4.90 s ✗ | 3.00 – 6.80 s |" in section
    assert "| zensical | the shipped library (47 playbooks) | 9.7 s | 0.80 s ✓ | 0.60 – 0.90 s |" in section
    assert "| mkdocs | a synthetic library of 300 playbooks | 20.0 s | 12.75 s | 12.00 – 13.50 s |" in section
    assert "median of 3 saves" in section
