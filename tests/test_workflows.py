"""The GitHub Actions workflows: they pass actionlint and do what the contributing guide promises."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))


def actionlint() -> str:
    """The actionlint binary (installed by the test extra), or skip/fail as the browser tests do."""
    found = shutil.which("actionlint") or next(
        (str(p) for p in [Path(sys.executable).parent / "actionlint"] if p.is_file()), None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("actionlint is not installed; CI is set, so the workflow lint cannot be skipped "
                    "(it comes with the project's test extra)", pytrace=False)
    pytest.skip("actionlint is not installed (it comes with the project's test extra)")


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    return workflow.get("on") or workflow.get(True) or {}  # YAML 1.1 reads the key `on` as true


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs(workflow: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps(workflow))


def test_workflows_pass_actionlint():
    result = subprocess.run([actionlint(), "-no-color", "-oneline", *map(str, FILES)], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pull_requests_validate_test_build_check_links_and_summarise():
    workflow = load("pull-request.yml")
    assert "pull_request" in triggers(workflow)
    script = runs(workflow)
    assert "playbook validate --format github" in script
    assert "./dev test" in script
    assert "mkdocs build --strict" in script
    assert "playbook links --format github" in script
    assert 'playbook diff "$BASE_SHA" --output playbook-diff.md' in script
    assert 'cat playbook-diff.md >> "$GITHUB_STEP_SUMMARY"' in script
    assert "gh pr comment" in script
    uploads = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads and uploads[0]["with"]["path"] == "site/"


def test_the_diff_job_sees_the_base_commit():
    job = load("pull-request.yml")["jobs"]["summary"]
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    assert job["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_main_branch_deploys_to_github_pages():
    workflow = load("deploy.yml")
    assert triggers(workflow)["push"]["branches"] == ["main"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    uses = [s.get("uses", "") for s in steps(workflow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert "mkdocs build --strict" in runs(workflow)


def test_scheduled_upkeep_reports_reviews_due_and_dead_links():
    workflow = load("maintenance.yml")
    assert "schedule" in triggers(workflow)
    assert "playbook stale --strict" in runs(workflow)
    assert "playbook links" in runs(workflow)


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_scripts_take_event_data_from_the_environment_never_inline(path: Path):
    """`${{ ... }}` inside `run:` is pasted into the script: a crafted branch name could run code."""
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [s["run"] for s in steps(workflow) if "${{" in s.get("run", "")] == []


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_actions_are_pinned_to_a_major_version_and_permissions_are_read_only_by_default(path: Path):
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    for step in steps(workflow):
        if "uses" in step:
            assert re.fullmatch(r"actions/[a-z-]+@v\d+", step["uses"]), step["uses"]
