"""Folders of valid and invalid examples, each invalid one with its exact expected problems.

An invalid case is a folder of files laid over the fixture library; `expected.txt` holds the
exact lines `playbook validate` prints, relative to the library root. Regenerate a case's file
only after reading the new output: the point is that messages change on purpose.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY
from playbook.cli import main

EXAMPLES = Path(__file__).parent / "examples"
INVALID = sorted(p for p in (EXAMPLES / "invalid").iterdir() if p.is_dir())
VALID = sorted((EXAMPLES / "valid").glob("*/*.yaml"))


def _library_with(tmp_path: Path, *overlays: Path) -> Path:
    root = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, root)
    for overlay in overlays:
        if overlay.is_dir():
            shutil.copytree(overlay, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
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
def test_invalid_example_reports_exactly_the_expected_problems(case: Path, tmp_path: Path, monkeypatch, capsys):
    root = _library_with(tmp_path, case)
    code, lines = _validate(root, monkeypatch, capsys)
    expected = (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert code == 1
    assert lines == expected


@pytest.mark.parametrize("example", VALID, ids=[p.stem for p in VALID])
def test_valid_example_passes(example: Path, tmp_path: Path, monkeypatch, capsys):
    root = _library_with(tmp_path, example)
    code, lines = _validate(root, monkeypatch, capsys)
    assert (code, lines) == (0, [])


def test_there_are_enough_invalid_cases_to_cover_the_rules():
    assert len(INVALID) >= 20
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
