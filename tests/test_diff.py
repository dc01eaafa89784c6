"""`playbook diff BASE [HEAD]` on real, temporary git repositories."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_LIBRARY
from playbook.diff import compare, diff_revisions, snapshot, to_markdown

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                            check=True, timeout=60)
    return result.stdout.strip()


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "playbook.cli", "diff", *args], cwd=repo, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **GIT_ENV})


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose first commit holds the fixture library."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    shutil.copytree(FIXTURE_LIBRARY, root / "playbook_data")
    commit(root, "base")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problem_fit(repo: Path) -> Path:
    return repo / "playbook_data" / "strategy" / "problem-fit.yaml"


def test_no_change_says_so_and_exits_0(repo: Path):
    result = run(repo, "main")
    assert result.returncode == 0, result.stderr
    assert "No playbook or item was added, removed or changed." in result.stdout


def test_changed_text_level_owner_stage_and_refs_are_listed_with_old_and_new_values(repo: Path):
    path = problem_fit(repo)
    edit(path, "text: Write the user problem in one paragraph that does not mention AI.",
         "text: Write the user problem in one paragraph that never mentions AI.")
    edit(path, "    level: must\n    owner: product-manager\n    stage: discover",
         "    level: should\n    owner: design\n    stage: define")
    edit(path, "demo-framework: [MAP 1.1]", "demo-framework: [GOVERN 1.1]")
    edit(path, "why: Teams that start", "why: Teams who start")

    out = run(repo, "main").stdout

    assert "### Changed: `Is generative AI the right tool?`" in out
    assert "- **changed** item `user-problem-stated`" in out
    assert "  - text:" in out
    assert "  - Write the user problem in one paragraph that does not mention AI." in out
    assert "  + Write the user problem in one paragraph that never mentions AI." in out
    assert "  - level: `must` → `should`" in out
    assert "  - owner: `product-manager` → `design`" in out
    assert "  - stage: `discover` → `define`" in out
    assert "  - references: added `demo-framework GOVERN 1.1`; removed `demo-framework MAP 1.1`" in out
    assert "  - also changed: why" in out
    assert "Breaking" not in out


def test_changed_conditions_are_listed_with_old_and_new_traits(repo: Path):
    """A condition is a claim about which products need an item: reviewers see it change."""
    path = problem_fit(repo)
    edit(path, "    level: must\n    owner: product-manager\n    stage: discover",
         "    level: must\n    owner: product-manager\n    stage: discover\n    applies_when: [tool-use, eu-users]\n"
         "    applies_when_all: [personal-data]")

    out = run(repo, "main").stdout

    assert "- **changed** item `user-problem-stated`" in out
    assert "  - applies_when: *(none)* → `tool-use, eu-users`" in out
    assert "  - applies_when_all: *(none)* → `personal-data`" in out


def test_removed_item_is_flagged_as_breaking_saved_progress(repo: Path):
    path = problem_fit(repo)
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: simpler-alternative-tried")
    end = text.index("  - id: success-metric-set")
    path.write_text(text[:start] + text[end:], encoding="utf-8")

    result = run(repo, "main")

    assert result.returncode == 0
    assert "> [!CAUTION]" in result.stdout
    assert "**Breaking change: 1 item id disappeared.**" in result.stdout
    assert "> - `problem-fit/simpler-alternative-tried` (was in `playbook_data/strategy/problem-fit.yaml`)" \
        in result.stdout
    assert "- **removed** item `simpler-alternative-tried` **(breaking: saved progress is lost)**" in result.stdout
    assert run(repo, "main", "--fail-on-breaking").returncode == 1


def test_an_item_that_declares_replaces_is_not_breaking(repo: Path):
    edit(problem_fit(repo), "  - id: simpler-alternative-tried\n",
         "  - id: simpler-option-compared\n    replaces: [simpler-alternative-tried]\n")
    result = run(repo, "main", "--fail-on-breaking")
    assert result.returncode == 0
    assert "Breaking" not in result.stdout
    assert ("- **removed** item `simpler-alternative-tried`, replaced by `simpler-option-compared` "
            "(saved progress carries over)") in result.stdout
    assert "- **added** item `simpler-option-compared` (level `should`, owner `engineering`, stage `define`), " \
           "replaces `simpler-alternative-tried`: `Compare the generative approach" in result.stdout


def test_added_and_removed_playbooks_are_listed_and_removal_is_breaking(repo: Path):
    shutil.move(repo / "playbook_data" / "feasibility" / "injection-defence.yaml",
                repo / "playbook_data" / "feasibility" / "injection-defense.yaml")
    edit(repo / "playbook_data" / "feasibility" / "injection-defense.yaml", "id: injection-defence",
         "id: injection-defense")
    out = run(repo, "main").stdout
    assert "### Added playbooks" in out
    assert "`injection-defense` in `playbook_data/feasibility/injection-defense.yaml`, 1 item" in out
    assert "### Removed playbooks" in out
    assert "> - `injection-defence/untrusted-inputs-listed`" in out


def test_two_commits_compare_without_touching_the_working_tree(repo: Path):
    base = git(repo, "rev-parse", "HEAD")
    edit(problem_fit(repo), "title: Is generative AI the right tool?", "title: Is a generative model the right tool?")
    head = commit(repo, "retitle")
    edit(problem_fit(repo), "title: Is a generative model", "title: Uncommitted")

    out = run(repo, base, head).stdout

    assert f"Comparing `{base[:10]}` with `{head[:10]}`." in out
    assert "+ Is a generative model the right tool?" in out
    assert "Uncommitted" not in out


def test_head_defaults_to_the_working_tree_including_uncommitted_files(repo: Path):
    new = repo / "playbook_data" / "ethics" / "draft-topic.yaml"
    new.write_text("id: draft-topic\ntitle: Draft topic\ncategory: ethics\nsummary: s\nitems:\n"
                   "  - id: first-check\n    text: Do the first thing.\n", encoding="utf-8")
    out = run(repo, "main").stdout
    assert "with `working tree`" in out
    assert "`draft-topic` in `playbook_data/ethics/draft-topic.yaml`, 1 item" in out


def test_a_revision_without_the_library_counts_every_playbook_as_added(repo: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q", "-b", "main")
    (empty / "README.md").write_text("start\n", encoding="utf-8")
    first = commit(empty, "no library yet")
    shutil.copytree(FIXTURE_LIBRARY, empty / "playbook_data")
    commit(empty, "library")
    result = diff_revisions(first, "HEAD", empty / "playbook_data")
    assert [p.id for p in result.added] == ["bias-check", "injection-defence", "problem-fit"]
    assert result.breaking == ()


def test_yaml_text_is_shown_as_code_never_as_markdown(repo: Path):
    edit(problem_fit(repo), "text: Write the user problem in one paragraph that does not mention AI.",
         "text: 'Ping @everyone <img src=x onerror=alert(1)> ``` [x](javascript:alert(1))'")
    out = run(repo, "main").stdout
    assert "+ Ping @everyone <img src=x onerror=alert(1)> ``` [x](javascript:alert(1))" in out
    fence_line = next(line.strip() for line in out.splitlines() if line.strip().endswith("diff"))
    assert fence_line == "````diff"  # longer than any backtick run in the text


def test_file_that_cannot_be_read_is_named_instead_of_crashing(repo: Path):
    problem_fit(repo).write_text("id: problem-fit\ntitle: [unclosed\n", encoding="utf-8")
    result = run(repo, "main")
    assert result.returncode == 0
    assert "### Files that could not be compared" in result.stdout
    assert "working tree: playbook_data/strategy/problem-fit.yaml:2:" in result.stdout
    assert "Traceback" not in result.stderr


def test_unknown_revision_is_a_usage_error_without_traceback(repo: Path):
    result = run(repo, "no-such-branch")
    assert result.returncode == 2
    assert "playbook diff: error: unknown revision 'no-such-branch'" in result.stderr
    assert "Traceback" not in result.stderr


def test_option_like_revision_is_refused(repo: Path):
    result = run(repo, "--", "--output=/tmp/x")
    assert result.returncode == 2
    assert "is not a revision" in result.stderr


def test_outside_a_git_repository_is_a_usage_error(tmp_path: Path):
    shutil.copytree(FIXTURE_LIBRARY, tmp_path / "playbook_data")
    result = run(tmp_path, "main")
    assert result.returncode == 2
    assert "is not inside a git repository" in result.stderr


def test_output_file_receives_the_summary(repo: Path):
    result = run(repo, "main", "--output", "out/diff.md")
    assert result.stdout == ""
    assert (repo / "out" / "diff.md").read_text(encoding="utf-8").startswith("## Playbook changes")


def test_reordered_items_and_playbook_fields_are_reported(repo: Path):
    base = snapshot("main", repo / "playbook_data")
    head = snapshot("main", repo / "playbook_data")
    data = head.playbooks["problem-fit"]
    data["items"] = list(reversed(data["items"]))
    data["version"] = "1.1"
    out = to_markdown(compare(base, head))
    assert "- items reordered" in out
    assert '- version: `1.0` → `1.1`' in out


def test_a_branch_is_compared_with_the_point_where_it_left_main(repo: Path):
    """What others merged into main since the branch started is not shown as undone on the branch."""
    git(repo, "switch", "-q", "-c", "topic")
    edit(problem_fit(repo), "title: Is generative AI the right tool?", "title: Is a generative model the right tool?")
    commit(repo, "retitle on the branch")
    point = git(repo, "merge-base", "main", "topic")
    git(repo, "switch", "-q", "main")
    edit(repo / "playbook_data" / "ethics" / "bias-check.yaml", "title: Bias check", "title: Fairness check")
    commit(repo, "meanwhile on main")
    git(repo, "switch", "-q", "topic")

    result = run(repo, "main")

    assert result.returncode == 0, result.stderr
    assert f"Comparing `main where this line left it ({point[:10]})` with `working tree`." in result.stdout
    assert "+ Is a generative model the right tool?" in result.stdout
    assert "Fairness check" not in result.stdout and "Bias check" not in result.stdout
    assert result.stderr == ""
    tip = run(repo, "main", "--tip").stdout  # main's latest commit: its retitle shows, reversed
    assert "Comparing `main (" in tip and "- Fairness check" in tip and "+ Bias check" in tip
    committed = run(repo, "main", "topic").stdout  # two revisions: the same branch point
    assert f"Comparing `main where this line left it ({point[:10]})` with `topic (" in committed


def test_diff_on_the_base_branch_itself_says_only_uncommitted_changes_are_compared(repo: Path):
    edit(problem_fit(repo), "title: Is generative AI the right tool?", "title: Committed on main")
    commit(repo, "straight onto main")
    result = run(repo, "main")
    assert result.returncode == 0
    assert "No playbook or item was added, removed or changed." in result.stdout
    assert result.stderr.startswith("main is the commit checked out, so only changes not yet committed are compared.")
    assert "`playbook diff HEAD~1`" in result.stderr
    assert "+ Committed on main" in run(repo, "HEAD~1").stdout


def test_revisions_without_shared_history_are_a_usage_error(repo: Path):
    git(repo, "switch", "-q", "--orphan", "elsewhere")
    shutil.copytree(FIXTURE_LIBRARY, repo / "playbook_data", dirs_exist_ok=True)
    commit(repo, "unrelated start")
    result = run(repo, "main")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "main and HEAD share no history; pass --tip to compare with main itself" in result.stderr
    assert run(repo, "main", "--tip").returncode == 0
