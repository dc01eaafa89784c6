"""Reviews kept in the repository (`reviews/<id>.yaml`), `playbook review`, and the OSCAL outputs.

Review files are checked like playbooks, from folders of valid and invalid examples with the exact
lines `playbook validate` prints (tests/examples/reviews). `review status` runs on a temporary Git
repository whose library gains, changes and loses items after the review was made. The three
OSCAL documents are read back into compliance-trestle's models, generated from NIST's schemas.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_LIBRARY, REPO
from playbook import review as reviews
from playbook.load import load_library
from playbook.plan import answers, select

EXAMPLES = Path(__file__).parent / "examples" / "reviews"
INVALID = sorted(p for p in (EXAMPLES / "invalid").iterdir() if p.is_dir())
VALID = sorted(p for p in (EXAMPLES / "valid").iterdir() if p.is_dir())
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "playbook.cli", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **GIT_ENV})


def project(tmp_path: Path, case: Path | None = None) -> Path:
    """A folder with the fixture library as playbook_data/ and the case's review files in reviews/."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURE_LIBRARY, root / "playbook_data")
    (root / "reviews").mkdir()
    if case is not None:
        for path in case.iterdir():
            if path.is_dir():
                shutil.copytree(path, root / path.name, dirs_exist_ok=True)
            elif path.name != "expected.txt":
                shutil.copy2(path, root / "reviews" / path.name)
    return root


def problems(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line and "problem(s) found" not in line
            and not line.endswith(" valid.")]


# -- review files: examples with exact messages ---------------------------------------------------------


@pytest.mark.parametrize("case", INVALID, ids=[p.name for p in INVALID])
def test_invalid_review_reports_exactly_the_expected_problems(case: Path, tmp_path: Path):
    root = project(tmp_path, case)
    result = run(root, "validate")
    assert result.returncode == 1, result.stderr
    assert problems(result) == (case / "expected.txt").read_text(encoding="utf-8").splitlines()
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("case", VALID, ids=[p.name for p in VALID])
def test_valid_review_passes_with_the_library(case: Path, tmp_path: Path):
    root = project(tmp_path, case)
    result = run(root, "validate")
    assert (result.returncode, problems(result)) == (0, [])
    assert result.stderr.strip().endswith("and 1 review(s) valid.")


def test_a_review_file_can_be_validated_on_its_own(tmp_path: Path):
    root = project(tmp_path, EXAMPLES / "invalid" / "unknown-ids")
    result = run(root, "validate", "reviews/support-bot.yaml")
    assert result.returncode == 1
    assert problems(result) == (EXAMPLES / "invalid" / "unknown-ids" / "expected.txt").read_text().splitlines()
    assert result.stderr.splitlines()[-1] == "5 problem(s) found in 1 review(s)."


def test_reviews_are_checked_only_against_a_library_without_problems(tmp_path: Path):
    root = project(tmp_path, EXAMPLES / "valid" / "minimal")
    (root / "playbook_data" / "strategy" / "problem-fit.yaml").write_text("id: [\n", encoding="utf-8")
    result = run(root, "validate")
    assert result.returncode == 1
    assert "reviews/tiny.yaml:1:1: $: not checked: the playbook data has problems (listed above); fix them and " \
           "validate again" in result.stderr


# -- playbook review new ---------------------------------------------------------------------------------------


def test_review_new_writes_the_plan_as_a_review_that_validates(tmp_path: Path):
    root = project(tmp_path)
    result = run(root, "review", "new", "agent-desk", "--trait", "tool-use", "--unsure", "eu-users",
                 "--product", "Agent desk", "--reviewer", "Ana Lopez:legal", "--reviewer", "Sam")
    assert result.returncode == 0, result.stderr
    path = root / "reviews" / "agent-desk.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith(reviews.MODELINE + "\n")
    data = yaml.safe_load(text)
    library = load_library(root / "playbook_data")
    assert list(data["items"]) == [i.global_id for i in select(library, answers(library, ["tool-use"], ["eu-users"]))]
    assert data["answers"] == {"personal-data": "no", "private-retrieval": "no", "tool-use": "yes",
                               "eu-users": "not sure"}
    assert data["reviewers"] == [{"name": "Ana Lopez", "role": "legal"}, {"name": "Sam"}]
    stated = data["items"]["problem-fit/user-problem-stated"]
    assert stated == {"status": "open", "seen": reviews.item_hash(library.item("problem-fit/user-problem-stated"))}
    assert "seen: '" in text  # quoted: a hash such as 5920e407 would otherwise read as a number
    assert run(root, "validate").returncode == 0

    again = run(root, "review", "new", "agent-desk")
    assert again.returncode == 2 and "already exists" in again.stderr


def test_review_new_refuses_unknown_traits_and_roles(tmp_path: Path):
    root = project(tmp_path)
    result = run(root, "review", "new", "x-review", "--trait", "tool-usage")
    assert result.returncode == 2 and "unknown trait 'tool-usage'. Did you mean 'tool-use'?" in result.stderr
    result = run(root, "review", "new", "x-review", "--reviewer", "Ana:lawyer")
    assert result.returncode == 2 and "unknown role 'lawyer'" in result.stderr
    assert not (root / "reviews" / "x-review.yaml").exists()


# -- playbook review status: progress, overdue checks and drift, on a Git repository ---------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True,
                          check=True, timeout=60).stdout.strip()


@pytest.fixture
def reviewed(tmp_path: Path) -> Path:
    """A Git repository with the fixture library and a review of a product with personal data, in
    which one check is done, one risk accepted, one open must check overdue; then the library
    changes: an item that applies is added, one text is reworded, one item is removed."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    root = project(tmp_path)
    git(root, "init", "-q", "-b", "main")
    assert run(root, "review", "new", "pd-review", "--trait", "personal-data").returncode == 0
    path = root / "reviews" / "pd-review.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert "revision" not in data["library"]  # a repository without commits has no revision to record
    data["items"]["problem-fit/user-problem-stated"].update(status="done", done_on="2026-11-20")
    data["items"]["problem-fit/success-metric-set"].update(status="risk-accepted", reason="Pilot first.",
                                                          accepted_by="Lee Chen")
    data["items"]["bias-check/groups-listed"].update(due="2026-11-30", owner="legal")
    path.write_text(reviews.to_yaml(data), encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "review")
    fit = root / "playbook_data" / "strategy" / "problem-fit.yaml"
    text = fit.read_text(encoding="utf-8")
    text = text.replace("text: Write the user problem in one paragraph that does not mention AI.",
                        "text: Write the user problem in one paragraph that never mentions AI.")
    text += ("  - id: users-interviewed\n    text: Interview five target users about the problem.\n"
             "    level: should\n    owner: design\n    stage: discover\n")
    fit.write_text(text, encoding="utf-8")
    bias = root / "playbook_data" / "ethics" / "bias-check.yaml"
    text = bias.read_text(encoding="utf-8")
    bias.write_text(text[:text.index("  - id: slice-metrics")], encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "library changes")
    return root


def test_review_status_reports_progress_overdue_and_what_changed_in_the_library(reviewed: Path):
    result = run(reviewed, "review", "status", "--format", "json", "--as-of", "2026-12-06")
    assert result.returncode == 0, result.stderr
    (data,) = json.loads(result.stdout)["reviews"]
    assert data["review"] == "pd-review" and data["path"] == "reviews/pd-review.yaml"
    assert {k: data["counts"][k] for k in ("items", "done", "open", "risk-accepted", "must_open")} == {
        "items": 6, "done": 1, "open": 3, "risk-accepted": 1, "must_open": 2}
    assert data["overdue"] == [{"id": "bias-check/groups-listed",
                                "text": "List the user groups whose outcomes you will compare.",
                                "due": "2026-11-30", "owner": "legal"}]
    assert data["by_owner"]["legal"]["must_open"] == 1
    drift = data["drift"]
    assert [a["id"] for a in drift["added"]] == ["problem-fit/users-interviewed"]
    assert drift["changed"] == [{"id": "problem-fit/user-problem-stated",
                                 "text": "Write the user problem in one paragraph that never mentions AI."}]
    assert drift["removed"] == [{"id": "bias-check/slice-metrics"}]


def test_review_status_in_markdown_names_each_kind_of_change(reviewed: Path):
    result = run(reviewed, "review", "status", "--as-of", "2026-12-06")
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("## Review: Pd review (`reviews/pd-review.yaml`)")
    assert "**Progress:** 1 of 6 checks done; 0 not applicable, 1 risk accepted" in out
    assert "- `bias-check/groups-listed` due 2026-11-30 (Legal and compliance):" in out
    assert "- 1 check added that apply to this product:\n  - `problem-fit/users-interviewed` (should)" in out
    assert "- 1 check whose text changed:\n  - `problem-fit/user-problem-stated`" in out


@pytest.mark.parametrize("conditions, code, said", [
    (["drift"], 1, "fails on drift"),
    (["open-must"], 1, "fails on open-must"),
    (["overdue"], 1, "fails on overdue"),
    (["overdue", "drift", "open-must"], 1, "fails on overdue, drift, open-must"),
])
def test_fail_on_turns_a_condition_into_exit_1_for_ci(reviewed: Path, conditions: list[str], code: int, said: str):
    args = [arg for c in conditions for arg in ("--fail-on", c)]
    result = run(reviewed, "review", "status", "--as-of", "2026-12-06", *args)
    assert result.returncode == code
    assert f"reviews/pd-review.yaml: {said}" in result.stderr


def test_fail_on_passes_when_no_review_meets_the_condition(reviewed: Path):
    path = reviewed / "reviews" / "pd-review.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data["items"].values():  # every check done: nothing open, so nothing overdue or open must
        entry.update(status="done")
    path.write_text(reviews.to_yaml(data), encoding="utf-8")
    assert run(reviewed, "review", "status", "--as-of", "2026-12-06", "--fail-on", "overdue",
               "--fail-on", "open-must").returncode == 0
    assert run(reviewed, "review", "status", "--as-of", "2026-11-01", "--fail-on", "overdue").returncode == 0
    bad = run(reviewed, "review", "status", "--fail-on", "late")
    assert bad.returncode == 2 and "invalid choice: 'late'" in bad.stderr


def test_a_removed_item_is_drift_while_an_unknown_hand_written_id_is_a_typo(reviewed: Path):
    validated = run(reviewed, "validate")  # slice-metrics left the library: the review still validates
    assert validated.returncode == 0, validated.stderr
    status = json.loads(run(reviewed, "review", "status", "--format", "json").stdout)["reviews"][0]
    assert status["drift"]["removed"] == [{"id": "bias-check/slice-metrics"}]
    path = reviewed / "reviews" / "pd-review.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"]["bias-check/slice-metric"] = {"status": "open"}  # typed by hand, no `seen`: a typo
    path.write_text(reviews.to_yaml(data), encoding="utf-8")
    validated = run(reviewed, "validate")
    assert validated.returncode == 1
    assert "$.items['bias-check/slice-metric']: unknown item 'bias-check/slice-metric'. " \
           "Did you mean 'bias-check/groups-listed'?" in validated.stderr or \
           "$.items['bias-check/slice-metric']: unknown item 'bias-check/slice-metric'." in validated.stderr
    assert run(reviewed, "review", "status").returncode == 1  # a review with problems is not reported on


# -- OSCAL ------------------------------------------------------------------------------------------------


def test_export_oscal_is_a_catalog_with_a_control_per_item(tmp_path: Path):
    from trestle.oscal.catalog import Catalog

    root = project(tmp_path)
    result = run(root, "export", "--format", "oscal")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == ["catalog"]
    catalog = Catalog.model_validate(data["catalog"])  # NIST's model: every field, type and pattern
    library = load_library(root / "playbook_data")
    controls = {c.id: c for g in catalog.groups for pg in g.groups for c in pg.controls}
    assert set(controls) == {f"{i.playbook_id}.{i.id}" for i in library.items()}
    stated = controls["problem-fit.user-problem-stated"]
    assert {p.name: p.value for p in stated.props} == {
        "level": "must", "owner": "product-manager", "stage": "discover", "applies-when": "Applies to every product."}
    assert [p.name for p in stated.parts] == ["statement", "guidance", "assessment-method"]
    assert stated.links[0].text == "Demo MAP 1.1: Intended purposes and context are understood"
    assert [g.id for g in catalog.groups] == ["strategy", "ethics", "feasibility"]
    assert json.loads(run(root, "export", "--format", "oscal").stdout) == data  # stable UUIDs: same output


def test_plan_oscal_is_a_profile_that_selects_the_plans_controls(tmp_path: Path):
    from trestle.oscal.profile import Profile

    root = project(tmp_path)
    result = run(root, "plan", "--trait", "personal-data", "--unsure", "eu-users", "--format", "oscal",
                 "--catalog", "https://example.org/catalog.json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    profile = Profile.model_validate(data["profile"])
    library = load_library(root / "playbook_data")
    chosen = select(library, answers(library, ["personal-data"], ["eu-users"]))
    (imported,) = profile.imports
    assert imported.href == "https://example.org/catalog.json"
    assert imported.include_controls[0].with_ids == [f"{i.playbook_id}.{i.id}" for i in chosen]
    assert {p.class_: p.value for p in profile.metadata.props} == {
        "personal-data": "yes", "private-retrieval": "no", "tool-use": "no", "eu-users": "not sure"}


def test_review_export_oscal_is_assessment_results_with_a_finding_per_check(tmp_path: Path):
    from trestle.oscal.assessment_results import AssessmentResults

    root = project(tmp_path, EXAMPLES / "valid" / "complete")
    result = run(root, "review", "export", "reviews/support-bot.yaml", "--format", "oscal")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    results = AssessmentResults.model_validate(data["assessment-results"])
    (found,) = results.results
    states = {f.target.target_id: (getattr(f.target.status.state, "value", f.target.status.state),
                                   f.target.implementation_status.state) for f in found.findings}
    assert states == {
        "problem-fit.user-problem-stated_smt": ("satisfied", "implemented"),
        "bias-check.groups-listed_smt": ("not-satisfied", "planned"),
        "bias-check.slice-metrics_smt": ("satisfied", "not-applicable"),
        "problem-fit.success-metric-set_smt": ("not-satisfied", "alternative"),
        "injection-defence.untrusted-inputs-listed_smt": ("not-satisfied", "planned")}
    (risk,) = found.risks
    assert getattr(risk.status, "__root__", getattr(risk.status, "root", risk.status)) == "risk-accepted" or \
        "risk-accepted" in str(risk.status)
    assert "Lee Chen" in risk.statement
    (observation,) = found.observations
    assert [e.href for e in observation.relevant_evidence] == ["https://example.org/brief#problem", "docs/brief.md"]
    assert [p.name for p in results.metadata.parties] == ["Ana Lopez", "Sam Okafor"]


def test_oscal_outputs_of_the_shipped_library_validate(tmp_path: Path):
    from trestle.oscal.catalog import Catalog
    from trestle.oscal.profile import Profile

    result = run(REPO, "export", "--format", "oscal", "--output", str(tmp_path / "catalog.json"))
    assert result.returncode == 0, result.stderr
    catalog = Catalog.model_validate(json.loads((tmp_path / "catalog.json").read_text())["catalog"])
    ids = {c.id for g in catalog.groups for pg in g.groups for c in pg.controls}
    assert len(ids) == len(list(load_library(REPO / "playbook_data").items()))
    result = run(REPO, "plan", "--trait", "tool-use", "--trait", "eu-users", "--format", "oscal")
    profile = Profile.model_validate(json.loads(result.stdout)["profile"])
    assert set(profile.imports[0].include_controls[0].with_ids) <= ids


# -- published: a real build ------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_real_build_publishes_each_review_with_its_statuses_and_an_edit_link(tmp_path: Path):
    from bs4 import BeautifulSoup

    from conftest import make_project, run_build

    root = make_project(tmp_path / "site-project")
    shutil.copytree(EXAMPLES / "valid" / "complete", root / "reviews")
    build = run_build(root)
    assert build.returncode == 0, build.stderr
    page = BeautifulSoup(build.page("reviews/support-bot"), "html.parser")
    article = page.select_one("article")
    assert article.h1.get_text() == "Review: Support bot"
    statuses = {li["data-item-id"]: li["data-status"] for li in article.select("li.pb-review__check")}
    assert statuses == {"problem-fit/user-problem-stated": "done", "bias-check/groups-listed": "open",
                        "bias-check/slice-metrics": "not-applicable", "problem-fit/success-metric-set": "risk-accepted",
                        "injection-defence/untrusted-inputs-listed": "open"}
    evidence = article.select_one('li[data-item-id="problem-fit/user-problem-stated"] .pb-review__evidence')
    assert evidence.a["href"] == "https://example.org/brief#problem" and "docs/brief.md" in evidence.get_text()
    assert "reworded since the reviewers saw it" in article.get_text()  # the example's hash is not the text's
    edit = page.select_one("a.md-content__button[href]")
    assert edit["href"].endswith("/reviews/support-bot.yaml")
    index = BeautifulSoup(build.page("reviews"), "html.parser").select_one("article")
    assert [a.get_text() for a in index.select("tbody a")] == ["Support bot"]


@pytest.mark.slow
def test_a_site_can_keep_its_reviews_out_and_a_bad_review_stops_the_build(tmp_path: Path):
    from conftest import make_project, run_build

    root = make_project(tmp_path / "site-project")
    shutil.copytree(EXAMPLES / "valid" / "complete", root / "reviews")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("publish_reviews: true", "publish_reviews: false"),
                      encoding="utf-8")
    build = run_build(root)
    assert build.returncode == 0, build.stderr
    assert not (build.site / "reviews" / "support-bot").exists()
    assert "does not publish its reviews" in build.page("reviews")
    shutil.copy2(EXAMPLES / "invalid" / "status-rules" / "support-bot.yaml", root / "reviews" / "support-bot.yaml")
    config.write_text(config.read_text(encoding="utf-8").replace("publish_reviews: false", "publish_reviews: true"),
                      encoding="utf-8")
    failed = run_build(root)
    assert failed.returncode == 1
    assert "8 problem(s) in the review files:" in failed.stderr
    assert "reviews/support-bot.yaml:11:5: $.items['problem-fit/simpler-alternative-tried']: missing required field " \
           "'reason'" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_reviews_folder_follows_the_librarys_rules_and_never_reads_outside_it(tmp_path: Path):
    """Links in reviews/ are read only when they lead to a file inside it; everything else in the
    folder is reported, and nothing outside is ever read (its text appears in no message)."""
    root = project(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("SECRET-TEXT-FROM-OUTSIDE\n", encoding="utf-8")
    folder = root / "reviews"
    (folder / "leak.yaml").symlink_to(secret)
    (folder / "gone.yaml").symlink_to("never-written.yaml")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "old.yml").write_text("id: old\n", encoding="utf-8")
    (folder / "drafts").mkdir()
    result = run(root, "validate")
    assert result.returncode == 1 and "SECRET" not in result.stderr + result.stdout
    assert problems(result) == [
        "reviews/drafts:1:1: $: is a folder inside reviews/, which is never read: review files are read from "
        "reviews/<id>.yaml only; move its files up a level",
        "reviews/gone.yaml:1:1: $: is a link to nothing (its target does not exist); remove the link or restore "
        "its target",
        "reviews/leak.yaml:1:1: $: is a link to a place outside reviews/, which is never read; put the file itself "
        "in reviews/ instead",
        "reviews/old.yml:1:1: $: data files end in .yaml; rename the file",
        "reviews/pipe.yaml:1:1: $: is not a regular file (a pipe, socket or device), so it is never read; remove it",
    ]
    status = run(root, "review", "status")
    assert status.returncode == 1 and "SECRET" not in status.stderr + status.stdout


@pytest.mark.parametrize("folder", ["playbook_data", "reviews"])
def test_a_library_or_reviews_folder_that_is_a_link_is_refused(tmp_path: Path, folder: str):
    root = project(tmp_path)
    real = tmp_path / f"elsewhere-{folder}"
    (root / folder).rename(real)
    (root / folder).symlink_to(real, target_is_directory=True)
    result = run(root, "validate")
    assert result.returncode == 1
    assert problems(result)[0] == (f"{folder}:1:1: $: is a link to a folder, which is never followed: the folder "
                                   "itself must be here (a link could publish files from anywhere on the machine "
                                   "that builds the site)")
