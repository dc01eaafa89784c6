"""Folders of valid and invalid examples, each invalid one with its exact expected problems.

An invalid case is a folder of files laid over the fixture library; `expected.txt` holds the
exact lines `playbook validate` prints, relative to the library root. Regenerate a case's file
only after reading the new output: the point is that messages change on purpose.

A few cases are too big to commit (a file over the size limit, 100,000-character lines): their
folder holds only `expected.txt`, and a function in GENERATED writes the file into the library.
Each case's result is also printed in the table at the end of the run (tests/corpus_report.py).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY, make_project, run_build
from playbook.cli import main
from playbook.source import MAX_BYTES

EXAMPLES = Path(__file__).parent / "examples"
INVALID = sorted(p for p in (EXAMPLES / "invalid").iterdir() if p.is_dir())
VALID = sorted((EXAMPLES / "valid").glob("*/*.yaml"))

_HEAD = "id: launch-plan\ntitle: Launch plan\ncategory: strategy\nsummary: Plan the launch.\nitems:\n"
_SENTENCE = "Roll out to a small share of users first. "


def _over_size_limit(root: Path) -> None:
    """A valid playbook padded with a comment to one byte over the limit."""
    text = _HEAD + "  - id: rollout-staged\n    text: Roll out to a small share of users first.\n# "
    padding = MAX_BYTES + 1 - len(text.encode("utf-8")) - 1
    (root / "strategy" / "launch-plan.yaml").write_text(text + "x" * padding + "\n", encoding="utf-8")


def _very_long_line(root: Path) -> None:
    """100,000-character values on one line each, in a one-line field and in a Markdown field."""
    long = (_SENTENCE * (100_000 // len(_SENTENCE) + 1))[:100_000]
    text = _HEAD + f"  - id: rollout-staged\n    text: {long}\n    why: {long}\n"
    (root / "strategy" / "launch-plan.yaml").write_text(text, encoding="utf-8")


def _very_long_key(root: Path) -> None:
    """A 100,000-character key: longer than YAML allows a key to be."""
    text = _HEAD + "  - id: rollout-staged\n    text: Roll out first.\n    " + "k" * 100_000 + ": v\n"
    (root / "strategy" / "launch-plan.yaml").write_text(text, encoding="utf-8")


def _links_outside(root: Path) -> None:
    """Links that leave the library: to a file and to a folder beside it. Neither is read, so the
    file's text can appear in no message and on no page."""
    secret = root.parent / "outside.yaml"
    secret.write_text("id: outside\ntitle: SECRET-TEXT-FROM-OUTSIDE\n", encoding="utf-8")
    (root / "strategy" / "launch-plan.yaml").symlink_to(secret)
    (root / "frameworks" / "more").symlink_to(root.parent, target_is_directory=True)


def _links_broken(root: Path) -> None:
    """A link to nothing, a link to itself, and a link to a folder inside the library."""
    (root / "strategy" / "gone.yaml").symlink_to("never-written.yaml")
    (root / "strategy" / "loop.yaml").symlink_to("loop.yaml")
    (root / "ethics-too").symlink_to("ethics", target_is_directory=True)


def _not_a_file(root: Path) -> None:
    """A named pipe named like a playbook: opening it would wait for a writer forever."""
    os.mkfifo(root / "strategy" / "launch-plan.yaml")


def _over_the_size_limits(root: Path) -> None:
    """Lists and text past their natural sizes: 90,000 tags, 101 items, 4,000 '[' in one field."""
    tags = "".join(f"  - t{n}\n" for n in range(90_000))  # 0.8 MB: under the file size limit
    (root / "strategy" / "launch-plan.yaml").write_text(
        _HEAD.replace("items:\n", "tags:\n" + tags + "items:\n") + "  - id: rollout-staged\n    text: Roll out.\n",
        encoding="utf-8")
    items = "".join(f"  - id: item-{n}\n    text: Check part {n}.\n" for n in range(101))
    (root / "strategy" / "launch-steps.yaml").write_text(_HEAD.replace("launch-plan", "launch-steps") + items,
                                                         encoding="utf-8")
    (root / "strategy" / "launch-notes.yaml").write_text(
        _HEAD.replace("launch-plan", "launch-notes") + "  - id: rollout-staged\n    text: Roll out first.\n"
        "    why: '" + "[" * 4_000 + "'\n", encoding="utf-8")


GENERATED = {"over-size-limit": _over_size_limit, "very-long-line": _very_long_line, "very-long-key": _very_long_key,
             "links-outside": _links_outside, "links-broken": _links_broken, "not-a-file": _not_a_file,
             "over-the-size-limits": _over_the_size_limits}


def _library_with(tmp_path: Path, *overlays: Path, name: str = "library") -> Path:
    root = tmp_path / name
    shutil.copytree(FIXTURE_LIBRARY, root)
    for overlay in overlays:
        if overlay.is_dir():
            shutil.copytree(overlay, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
            if overlay.name in GENERATED:
                GENERATED[overlay.name](root)
        else:
            target = root / overlay.parent.name / overlay.name
            target.parent.mkdir(exist_ok=True)
            shutil.copy2(overlay, target)
    return root


def _validate(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(root)
    code = main(["validate", "."])
    err = capsys.readouterr().err
    summary = re.compile(r"^\d+ (problem\(s\) found in|playbook file\(s\) valid)")
    return code, [line for line in err.splitlines() if line and not summary.match(line)]


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_example_reports_exactly_the_expected_problems(case: Path, tmp_path: Path, monkeypatch, capsys,
                                                               corpus_record):
    root = _library_with(tmp_path, case)
    code, lines = _validate(root, monkeypatch, capsys)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    corpus_record(case.name, code, lines, as_expected=(code, lines) == (1, expected))
    assert code == 1
    assert lines == expected


@pytest.mark.parametrize("example", VALID, ids=[p.stem for p in VALID])
def test_valid_example_passes(example: Path, tmp_path: Path, monkeypatch, capsys):
    root = _library_with(tmp_path, example)
    code, lines = _validate(root, monkeypatch, capsys)
    assert (code, lines) == (0, [])


def test_there_are_enough_invalid_cases_to_cover_the_rules():
    assert len(INVALID) >= 45
    for case in INVALID:
        assert (case / "expected.txt").read_text(encoding="utf-8").strip(), f"{case.name} has no expected problems"


def test_four_problems_in_one_file_are_all_reported_at_their_lines(tmp_path, monkeypatch, capsys):
    """The pipeline issue's acceptance case: wrong type, duplicate key, duplicate item id and a
    dangling `related` reference in one file give four located lines in one run."""
    root = _library_with(tmp_path, EXAMPLES / "invalid" / "four-problems")
    code, lines = _validate(root, monkeypatch, capsys)
    assert code == 1
    assert [line.split(": ")[0] for line in lines] == [
        "strategy/launch-plan.yaml:6:1",    # duplicate key `version`
        "strategy/launch-plan.yaml:11:11",  # tags: a string instead of a list
        "strategy/launch-plan.yaml:12:9",   # second `rollout-staged`
        "strategy/launch-plan.yaml:14:15",  # related: [rollback-owner]
    ]


def test_generated_cases_have_a_folder_with_only_their_expected_problems():
    names = {case.name for case in INVALID}
    for name in GENERATED:
        assert name in names, f"generated case {name} has no folder in tests/examples/invalid/"
        assert [p.name for p in (EXAMPLES / "invalid" / name).iterdir()] == ["expected.txt"]


# -- the same bad input through a real MkDocs build ------------------------------------------------

BUILD_TIMEOUT_S = 120
BUILD_MEMORY_BYTES = 2 * 1024**3

# One case per way input can hurt a build (each build takes a second or more): memory through alias
# expansion, file size, nesting depth, code execution through YAML tags, syntax, a file-level rule,
# links out of the library or to nothing, a pipe, files the build would skip, and sizes that would
# make the build's cost explode.
BUILT_CASES = ["alias-bomb-mapping", "over-size-limit", "deeply-nested", "python-name-tag",
               "syntax-unclosed-bracket", "unsafe-link-tricks", "links-outside", "links-broken", "not-a-file",
               "misplaced-files", "over-the-size-limits", "huge-integer"]


def _limit_memory() -> None:  # runs in the child between fork and exec
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (BUILD_MEMORY_BYTES, BUILD_MEMORY_BYTES))


@pytest.fixture
def limited_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """conftest.run_build, with the child's address space capped and a shorter timeout."""
    real_run = subprocess.run

    def run(*args, **kwargs):
        kwargs["preexec_fn"] = _limit_memory
        kwargs["timeout"] = min(kwargs.get("timeout") or BUILD_TIMEOUT_S, BUILD_TIMEOUT_S)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(subprocess, "run", run)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX resource limits")
@pytest.mark.parametrize("name", BUILT_CASES)
def test_bad_input_fails_the_build_cleanly_with_the_same_problems(name: str, tmp_path: Path, limited_builds,
                                                                  corpus_record):
    case = EXAMPLES / "invalid" / name
    project = make_project(tmp_path / "project")
    shutil.rmtree(project / "playbook_data")  # written in place: a copy would follow the cases' links
    _library_with(project, case, name="playbook_data")
    build = run_build(project)
    corpus_record(name, build_exit_code=build.returncode)
    output = build.stdout + build.stderr
    assert build.returncode == 1, output
    assert "Traceback" not in output
    assert "SECRET-TEXT-FROM-OUTSIDE" not in output  # links-outside: the file is never read
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert f"{len(expected)} problem(s) in the playbook data:" in build.stderr
    for line in expected:
        assert f"playbook_data/{line}" in build.stderr.splitlines()
    assert not (project / "site").exists()


def test_the_corpus_report_is_one_line_when_every_case_holds_and_a_table_when_one_does_not():
    from corpus_report import CaseResult, report

    good = {"bad-date": CaseResult(1, ["a.yaml:3:1: $.x: bad"], True, build_exit_code=1),
            "empty-file": CaseResult(1, ["b.yaml:1:1: $: empty"], True)}
    assert report(good) == ["bad-input corpus: 2 cases, each refused by `playbook validate` with exactly the "
                            "expected messages; 1 of them also built with MkDocs, each build stopped"]
    differs = {**good, "empty-file": CaseResult(1, ["b.yaml:1:1: $: other"], False)}
    head, *rows = report(differs)
    assert head == "bad-input corpus: case -> exit code, first problem (2 cases)"
    assert rows == ["bad-date   -> exit 1, 1 problem(s), mkdocs build exit 1: a.yaml:3:1: $.x: bad",
                    "empty-file -> exit 1, 1 problem(s) [DIFFERS FROM expected.txt]: b.yaml:1:1: $: other"]
    built = {**good, "bad-date": CaseResult(1, ["a.yaml:3:1: $.x: bad"], True, build_exit_code=0)}
    assert len(report(built)) == 3, "a build that passed on bad data is a failure to show"
