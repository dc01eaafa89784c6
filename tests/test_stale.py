"""`playbook stale`: which playbooks are due for review, judged on a given day."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY
from playbook.load import load_library
from playbook.stale import DEFAULT_REVIEW_INTERVAL_DAYS, review

# In the fixture library: problem-fit was last reviewed 2026-11-01, bias-check 2026-10-01, and
# injection-defence has neither last_reviewed nor owner.


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "playbook.cli", "stale", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "playbook_data"
    shutil.copytree(FIXTURE_LIBRARY, root)
    return root


def set_field(path: Path, after: str, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert after in text
    path.write_text(text.replace(after, f"{after}\n{line}", 1), encoding="utf-8")


def test_the_site_default_interval_is_a_year():
    assert DEFAULT_REVIEW_INTERVAL_DAYS == 365


def test_a_review_falls_due_on_the_day_the_interval_ends():
    playbook = load_library(FIXTURE_LIBRARY).playbook("problem-fit")
    assert playbook is not None
    schedule = review(playbook)
    assert schedule.due == dt.date(2027, 11, 1)
    assert not schedule.is_due(dt.date(2027, 10, 31))
    assert schedule.is_due(dt.date(2027, 11, 1))
    assert schedule.days_overdue(dt.date(2027, 11, 11)) == 10


def test_a_playbook_never_reviewed_is_due_at_once():
    playbook = load_library(FIXTURE_LIBRARY).playbook("injection-defence")
    assert playbook is not None
    schedule = review(playbook)
    assert schedule.due is None
    assert schedule.is_due(dt.date(2000, 1, 1))


def test_lists_due_playbooks_located_at_last_reviewed_most_overdue_first(library: Path):
    result = run("--as-of", "2027-11-15", cwd=library.parent)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "playbook_data/feasibility/injection-defence.yaml:2:1: $: never reviewed: add 'last_reviewed: YYYY-MM-DD' "
        "once the owner has checked the playbook",
        "playbook_data/ethics/bias-check.yaml:8:16: $.last_reviewed: review due since 2027-10-01 (45 days ago): "
        "last reviewed 2026-10-01, every 365 days; owner: Trust and safety. Review it, then set 'last_reviewed' to "
        "the date of the review",
        "playbook_data/strategy/problem-fit.yaml:9:16: $.last_reviewed: review due since 2027-11-01 (14 days ago): "
        "last reviewed 2026-11-01, every 365 days; owner: Product manager. Review it, then set 'last_reviewed' to "
        "the date of the review",
    ]
    assert result.stderr == "3 of 3 playbook(s) due for review as of 2027-11-15.\n"


def test_strict_exits_1_only_when_something_is_due(library: Path):
    (library / "feasibility" / "injection-defence.yaml").unlink()
    assert run("--as-of", "2027-01-01", "--strict", cwd=library.parent).returncode == 0
    due = run("--as-of", "2027-10-01", "--strict", cwd=library.parent)
    assert due.returncode == 1
    assert "review due today" in due.stdout


def test_a_playbook_interval_overrides_the_default(library: Path):
    set_field(library / "strategy" / "problem-fit.yaml", "last_reviewed: 2026-11-01", "review_interval_days: 30")
    (library / "feasibility" / "injection-defence.yaml").unlink()
    result = run("--as-of", "2026-12-15", cwd=library.parent)
    assert result.stdout.startswith("playbook_data/strategy/problem-fit.yaml:9:16: $.last_reviewed: review due "
                                    "since 2026-12-01 (14 days ago): last reviewed 2026-11-01, every 30 days")
    assert "bias-check" not in result.stdout


def test_the_default_interval_can_be_set_for_one_run(library: Path):
    (library / "feasibility" / "injection-defence.yaml").unlink()
    result = run("--as-of", "2026-12-15", "--interval-days", "60", cwd=library.parent)
    assert "bias-check.yaml" in result.stdout
    assert "problem-fit.yaml" not in result.stdout


def test_github_format_prints_warnings_that_annotate_the_file(library: Path):
    result = run("--as-of", "2027-11-15", "--format", "github", cwd=library.parent)
    assert result.stdout.splitlines()[1].startswith(
        "::warning file=playbook_data/ethics/bias-check.yaml,line=8,col=16,title=$.last_reviewed::"
        "$.last_reviewed: review due since 2027-10-01")


def test_a_date_that_does_not_exist_is_a_usage_error(library: Path):
    result = run("--as-of", "2027-02-30", cwd=library.parent)
    assert result.returncode == 2
    assert "'2027-02-30' is not a date written YYYY-MM-DD" in result.stderr


def test_invalid_data_is_reported_instead_of_judged(library: Path):
    (library / "ethics" / "bias-check.yaml").write_text("id: bias-check\n", encoding="utf-8")
    result = run(cwd=library.parent)
    assert result.returncode == 1
    assert "playbook_data/ethics/bias-check.yaml:1:1: $: missing required field 'category'" in result.stderr
    assert "Traceback" not in result.stderr
