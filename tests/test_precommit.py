"""The pre-commit hooks: all local, offline, and really catching what they promise."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_LIBRARY, REPO

CONFIG = REPO / ".pre-commit-config.yaml"
OFFLINE_LANGUAGES = {"system", "pygrep", "fail"}  # nothing to download or install when they run


def pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("pre-commit is not installed; CI is set, so the hook tests cannot be skipped "
                        "(it comes with the project's test extra)", pytrace=False)
        pytest.skip("pre-commit is not installed (it comes with the project's test extra)")
    return [sys.executable, "-m", "pre_commit"]


def test_every_hook_is_local_or_built_in_and_needs_no_network():
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    assert {repo["repo"] for repo in config["repos"]} <= {"local", "meta"}
    local = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    assert {hook["language"] for hook in local} <= OFFLINE_LANGUAGES
    assert all("additional_dependencies" not in hook for hook in local)
    assert [hook["entry"] for hook in local if hook["id"].startswith("playbook-validate")] == \
        ["playbook validate", "playbook validate"]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(FIXTURE_LIBRARY, root / "playbook_data")
    shutil.copy2(CONFIG, root / CONFIG.name)
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=env)
    return root


def hook_env(home: Path, **extra: str) -> dict[str, str]:
    """The hooks find `playbook` on PATH, as in a contributor's activated virtual environment."""
    return {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never",
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]), **extra}


def run_hooks(repo: Path, *files: str) -> subprocess.CompletedProcess[str]:
    """The hooks on `files` of a scratch repository; the meta hooks check the real one (below)."""
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    env = hook_env(repo.parent / "pre-commit-home", SKIP="check-hooks-apply,check-useless-excludes",
                   GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    return subprocess.run([*pre_commit(), "run", "--files", *files], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=300)


def test_every_hook_applies_to_some_file_of_the_repository_and_no_exclude_is_stale(tmp_path: Path):
    if not (REPO / ".git").exists():
        pytest.skip("the meta hooks list the files of a git checkout; this copy is not one")
    for hook in ("check-hooks-apply", "check-useless-excludes"):
        result = subprocess.run([*pre_commit(), "run", hook, "--all-files"], cwd=REPO, env=hook_env(tmp_path),
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr


def test_hooks_pass_on_a_valid_library(repo: Path):
    result = run_hooks(repo, *[str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file()
                               and ".git" not in p.parts])
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_changed_playbook_is_validated_with_located_problems(repo: Path):
    path = repo / "playbook_data" / "strategy" / "problem-fit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: should", "level: shoud", 1), encoding="utf-8")
    result = run_hooks(repo, "playbook_data/strategy/problem-fit.yaml")
    assert result.returncode == 1
    assert ("playbook_data/strategy/problem-fit.yaml:27:12: $.items[1].level: expected one of: must, should, "
            "could; received text 'shoud'. Did you mean 'should'?") in result.stdout


def test_hygiene_hooks_catch_trailing_spaces_tabs_and_a_missing_final_newline(repo: Path):
    notes = repo / "notes.md"
    notes.write_text("A line with a trailing space \nno final newline", encoding="utf-8")
    tabbed = repo / "playbook_data" / "extra.yaml"
    tabbed.write_text("key:\n\tvalue: 1\n", encoding="utf-8")
    result = run_hooks(repo, "notes.md", "playbook_data/extra.yaml")
    assert result.returncode == 1
    output = result.stdout
    assert "notes.md:1:A line with a trailing space" in output
    assert "playbook_data/extra.yaml:2:\tvalue: 1" in output
    assert "notes.md:2:no final newline" in output
