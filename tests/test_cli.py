"""The `playbook` command as a user runs it: exit codes, stdout/stderr, files written."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_LIBRARY, REPO
from playbook.cli import main


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console entry point, as a separate process (no shared state, real exit code)."""
    return subprocess.run([sys.executable, "-m", "playbook.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def library(tmp_path: Path) -> Path:
    root = tmp_path / "playbook_data"
    shutil.copytree(FIXTURE_LIBRARY, root)
    return root


def test_validate_exits_0_and_says_how_many_files_were_valid(library: Path):
    result = run("validate", cwd=library.parent)
    assert result.returncode == 0
    assert result.stderr.strip() == "3 playbook file(s) valid."


def test_validate_reports_problems_on_stderr_with_exit_1_and_no_traceback(library: Path):
    (library / "ethics" / "bias-check.yaml").write_text("id: bias-check\nitems: 3\n", encoding="utf-8")
    result = run("validate", cwd=library.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[:2] == [
        "playbook_data/ethics/bias-check.yaml:1:1: $: missing required field 'category'",
        "playbook_data/ethics/bias-check.yaml:1:1: $: missing required field 'summary'",
    ]
    assert "playbook_data/ethics/bias-check.yaml:2:8: $.items: expected a list, received the number 3" \
        in result.stderr


def test_validate_one_file_reports_only_that_file_but_checks_it_against_the_library(library: Path):
    other = library / "ethics" / "bias-check.yaml"  # a problem of its own, not reported here; its items still read
    other.write_text(other.read_text(encoding="utf-8").replace("title: Bias check", "title: [Bias check]"),
                     encoding="utf-8")
    target = library / "strategy" / "problem-fit.yaml"
    text = target.read_text(encoding="utf-8").replace("bias-check/groups-listed", "bias-check/group-listed")
    target.write_text(text, encoding="utf-8")
    result = run("validate", "playbook_data/strategy/problem-fit.yaml", cwd=library.parent)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert all(line.startswith("playbook_data/strategy/problem-fit.yaml:") for line in lines[:-1])
    assert lines[-1] == "1 problem(s) found in 1 playbook file(s)."


def test_validate_paths_are_relative_to_the_current_folder(library: Path):
    (library / "strategy" / "problem-fit.yaml").write_text("id: problem-fit\n", encoding="utf-8")
    result = run("validate", ".", cwd=library / "strategy")
    assert result.stderr.startswith("problem-fit.yaml:1:1: $: missing required field")


def test_validate_missing_path_is_a_usage_error(library: Path):
    result = run("validate", "nowhere.yaml", cwd=library.parent)
    assert result.returncode == 2
    assert "no such file or folder: nowhere.yaml" in result.stderr


def test_validate_github_format_annotates_the_line(library: Path):
    (library / "ethics" / "bias-check.yaml").write_text("id: bias-check\ntitle: x\ncategory: ethics\n"
                                                          "summary: s\nitems:\n  - id: groups-listed\n    text: t\n"
                                                          "    level: mst\n", encoding="utf-8")
    result = run("validate", "--format", "github", cwd=library.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "::error file=playbook_data/ethics/bias-check.yaml,line=8,col=12,title=$.items[0].level::"
        "$.items[0].level: expected one of: must, should, could; received text 'mst'. Did you mean 'must'?")


def test_export_json_follows_the_contract(library: Path):
    result = run("export", "--format", "json", cwd=library.parent)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert [p["id"] for p in data["playbooks"]] == ["problem-fit", "bias-check", "injection-defence"]
    playbook = data["playbooks"][0]
    assert playbook["url"] == "strategy/problem-fit/"
    assert list(playbook)[:4] == ["id", "title", "category", "url"]
    source = yaml.safe_load((library / "strategy" / "problem-fit.yaml").read_text(encoding="utf-8"))
    for key, value in source.items():  # every field, under the same name, with the same value
        if key == "items":
            continue
        assert playbook[key] == (value.isoformat() if hasattr(value, "isoformat") else value), key
    assert playbook["items"] == source["items"]


def test_export_json_carries_every_item_field_of_a_complete_playbook(library: Path):
    shutil.copy2(REPO / "tests" / "examples" / "valid" / "strategy" / "full-fields.yaml", library / "strategy")
    data = json.loads(run("export", cwd=library.parent).stdout)
    full = next(p for p in data["playbooks"] if p["id"] == "full-fields")
    source = yaml.safe_load((library / "strategy" / "full-fields.yaml").read_text(encoding="utf-8"))
    assert set(full) == set(source) | {"url"}
    assert full["items"] == source["items"]


def test_export_csv_has_one_row_per_item(library: Path):
    result = run("export", "--format", "csv", cwd=library.parent)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6
    assert rows[0]["global_id"] == "problem-fit/user-problem-stated"
    assert rows[0]["refs"] == "demo-framework: MAP 1.1"
    assert rows[0]["related"] == "problem-fit/simpler-alternative-tried bias-check/groups-listed"


def test_export_markdown_is_a_checklist_with_global_ids(library: Path, tmp_path: Path):
    out = tmp_path / "out" / "checklist.md"
    result = run("export", "--format", "md", "--output", str(out), cwd=library.parent)
    assert result.returncode == 0 and result.stdout == ""
    text = out.read_text(encoding="utf-8")
    assert "## Is generative AI the right tool?" in text
    assert "- [ ] Write the user problem in one paragraph that does not mention AI. " \
           "(`problem-fit/user-problem-stated`) **must**" in text


def test_export_refuses_invalid_data_and_writes_nothing(library: Path, tmp_path: Path):
    (library / "ethics" / "bias-check.yaml").write_text("id: [\n", encoding="utf-8")
    out = tmp_path / "export.json"
    result = run("export", "--output", str(out), cwd=library.parent)
    assert result.returncode == 1
    assert result.stderr.startswith("playbook_data/ethics/bias-check.yaml:2:1: $: YAML syntax error")
    assert not out.exists()


def test_new_writes_a_skeleton_whose_only_problems_are_its_placeholder_sentences(library: Path):
    result = run("new", "value", "first-run-experience", "--title", "First-run experience", cwd=library.parent)
    assert result.returncode == 0, result.stderr
    assert "Replace its placeholder sentences" in result.stderr
    created = library / "value" / "first-run-experience.yaml"
    text = created.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    assert 'title: "First-run experience"' in text
    checked = run("validate", cwd=library.parent)
    assert checked.returncode == 1
    lines = [line for line in checked.stderr.splitlines() if line.startswith("playbook_data/value/")]
    placeholder = "still holds the placeholder sentence of `playbook new`; write"
    assert [line.split(": ", 2)[:2] for line in lines] == [
        ["playbook_data/value/first-run-experience.yaml:5:10", "$.summary"],
        ["playbook_data/value/first-run-experience.yaml:13:11", "$.items[0].text"],
        ["playbook_data/value/first-run-experience.yaml:17:10", "$.items[0].why"],
        ["playbook_data/value/first-run-experience.yaml:19:10", "$.items[0].how"]], checked.stderr
    assert all(placeholder in line for line in lines)
    assert lines[0].endswith("write one or two sentences on what this playbook helps a product team decide or check")
    # Filled in, the same file is valid: the skeleton's shape is right, only its sentences are not content.
    for old, new in (("One or two sentences: what this playbook helps a product team decide or check.",
                      "Check that first-time users reach a useful result."),
                     ("Write the first checklist item as one imperative, checkable sentence.",
                      "Show a worked example before the first prompt."),
                     ("Say what goes wrong for users or the business when this is skipped.",
                      "New users who see an empty box leave."),
                     ("Say how a reviewer can tell it is done: the document, metric or test result to look for.",
                      "The onboarding screen shows an example.")):
        assert old in text
        text = text.replace(old, new)
    created.write_text(text, encoding="utf-8")
    assert run("validate", cwd=library.parent).returncode == 0


def test_new_points_the_schema_line_at_the_repository_schema(tmp_path: Path):
    shutil.copytree(FIXTURE_LIBRARY, tmp_path / "playbook_data")
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    assert run("new", "ethics", "consent-flows", cwd=tmp_path).returncode == 0
    first = (tmp_path / "playbook_data" / "ethics" / "consent-flows.yaml").read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../../schemas/playbook.schema.json"


@pytest.mark.parametrize(("args", "message"), [
    (["new", "marketing", "x-y"], "unknown category 'marketing'"),
    (["new", "ethics", "Bad_Id"], "'Bad_Id' is not a valid id"),
])
def test_new_rejects_bad_arguments_with_exit_2(library: Path, args: list[str], message: str):
    result = run(*args, cwd=library.parent)
    assert result.returncode == 2
    assert message in result.stderr


def test_new_never_overwrites_an_existing_playbook(library: Path):
    result = run("new", "ethics", "problem-fit", cwd=library.parent)
    assert result.returncode == 1
    assert "playbook id 'problem-fit' already exists" in result.stderr


@pytest.mark.parametrize("command", [[], ["validate"], ["export"], ["new"]])
def test_every_command_has_help(command: list[str], capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: playbook" in capsys.readouterr().out


def test_console_script_is_installed():
    assert shutil.which("playbook") or (Path(sys.executable).parent / "playbook").exists()


@pytest.mark.parametrize("command", [["export", "--format", "csv"], ["plan", "--format", "csv"]])
def test_every_csv_keeps_text_a_spreadsheet_would_run_as_a_formula_as_text(library: Path, command: list[str]):
    """OWASP's CSV injection advice: a cell that starts with = + - @, a tab or a carriage return
    gets a leading apostrophe, so a spreadsheet shows it instead of running it."""
    path = library / "strategy" / "problem-fit.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("text: Write the user problem in one paragraph that does not mention AI.",
                        "text: '=HYPERLINK(\"https://example.org/x\",\"Open\")'")
    text = text.replace("text: Compare the generative approach against a simpler, deterministic alternative.",
                        "text: \"@SUM(A1:A2) and +1, written as a check\"")
    path.write_text(text, encoding="utf-8")
    result = run(*command, cwd=library.parent)
    assert result.returncode == 0, result.stderr
    texts = {row.get("text") for row in csv.DictReader(io.StringIO(result.stdout))}
    assert "'=HYPERLINK(\"https://example.org/x\",\"Open\")" in texts
    assert "'@SUM(A1:A2) and +1, written as a check" in texts
    assert not any(t and t[0] in "=+-@\t\r" for t in texts)
