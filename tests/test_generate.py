"""`playbook generate --out DIR`: the site's sources for a builder that runs no MkDocs hooks.

The MkDocs hook and the command share `playbook.site.generated`; these tests hold the command's
folder to what a MkDocs build of the same project publishes. Building it with Zensical is in
tests/browser/test_engines.py.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURE_LIBRARY, SiteBuild, make_project
from playbook.render import page_url

pytestmark = pytest.mark.slow


def generate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "playbook.cli", "generate", *args], cwd=root, capture_output=True,
                          text=True, timeout=300)


def test_generate_writes_every_page_the_mkdocs_build_publishes(fixture_site: SiteBuild, tmp_path: Path):
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    result = generate(root, "--out", "build/site-sources")
    assert result.returncode == 0, result.stderr
    out = root / "build" / "site-sources"
    docs = out / "docs"
    made = sorted(p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()
                  and not (root / "docs" / p.relative_to(docs)).exists())
    assert "strategy/problem-fit.md" in made and "print/strategy/index.md" in made and "plan/plan-items.json" in made
    assert f"{len(made)} generated file(s)" in result.stderr
    for src in made:
        if src.endswith(".md"):
            assert (fixture_site.site / page_url(src) / "index.html").is_file(), src
        else:
            assert (fixture_site.site / src).read_text(encoding="utf-8") == (docs / src).read_text(encoding="utf-8"), src
    for page in (root / "docs").rglob("*.md"):  # the hand-written pages, as they are
        assert (docs / page.relative_to(root / "docs")).read_bytes() == page.read_bytes()


def test_the_configuration_written_runs_no_hooks_and_names_absolute_paths(tmp_path: Path):
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    assert generate(root, "--out", "out").returncode == 0
    config = yaml.safe_load((root / "out" / "mkdocs.yml").read_text(encoding="utf-8"))
    assert "hooks" not in config and "watch" not in config
    assert config["markdown_extensions"][-1] == "playbook.rawblocks"  # the hook's set-aside, for Zensical
    assert (config["docs_dir"], config["site_dir"]) == ("docs", "site")
    assert (config["theme"]["custom_dir"], config["theme"]["variant"]) == ("overrides", "classic")
    copied = sorted(p.relative_to(root / "out" / "overrides").as_posix() for p in (root / "out" / "overrides").rglob("*.html"))
    assert copied == sorted(p.relative_to(root / "overrides").as_posix() for p in (root / "overrides").rglob("*.html")
                            if p.name not in ("search.html", "404.html")), "Zensical's own search and 404 are kept"
    assert config["extra"]["playbook"]["data"] == str((root / "playbook_data").resolve())
    macros = next(p["macros"] for p in config["plugins"] if isinstance(p, dict) and "macros" in p)
    assert macros["module_name"] == "macros"
    assert (root / "out" / "macros.py").read_text(encoding="utf-8") == (root / "hooks" / "macros.py").read_text(
        encoding="utf-8")
    assert config["site_url"] == "http://127.0.0.1:8000/" or config["site_url"].startswith("https://")
    # The navigation lists each category's playbooks under it, as the hook's on_nav does for MkDocs.
    sections = {title: pages for entry in config["nav"] if isinstance(entry, dict) for title, pages in entry.items()}
    assert sections["Strategy"] == ["strategy/index.md", "strategy/problem-fit.md"]
    assert sections["Ethics safeguards"] == ["ethics/index.md", "ethics/bias-check.md"]
    assert sections["Framework crosswalk"] == ["frameworks/index.md", "frameworks/demo-framework.md"]
    assert sections["Delivering value"] == ["value/index.md"], "a category without playbooks lists its page only"


def test_bad_data_writes_nothing_and_reports_every_problem(tmp_path: Path):
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    path = root / "playbook_data" / "strategy" / "problem-fit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("level: must", "level: mandatory", 1), encoding="utf-8")
    result = generate(root, "--out", "out")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "playbook_data/strategy/problem-fit.yaml:" in result.stderr and "'mandatory'" in result.stderr
    assert not (root / "out").exists()


@pytest.mark.parametrize("out", [".", "..", "playbook_data/.."])
def test_out_may_not_be_the_project_or_above_it(tmp_path: Path, out: str):
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    result = generate(root, "--out", out)
    assert result.returncode == 2 and "would replace the project itself" in result.stderr
    assert (root / "docs").is_dir() and (root / "playbook_data").is_dir()


def test_a_folder_it_did_not_write_is_never_replaced(tmp_path: Path):
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    assert generate(root, "--out", "out").returncode == 0
    assert generate(root, "--out", "out").returncode == 0, "its own folder is replaced"
    result = generate(root, "--out", "docs")
    assert result.returncode == 1
    assert "docs exists and was not written by `playbook generate`" in result.stderr
    assert (root / "docs" / "index.md").is_file()


def test_a_missing_configuration_is_a_usage_error(tmp_path: Path):
    result = generate(tmp_path, "--out", "out")
    assert result.returncode == 2 and "configuration not found: mkdocs.yml" in result.stderr


def test_a_second_run_rewrites_only_what_changed_and_leaves_the_builders_site_alone(tmp_path: Path):
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    assert generate(root, "--out", "out").returncode == 0
    out = root / "out"
    (out / "site").mkdir()
    (out / "site" / "index.html").write_text("built", encoding="utf-8")
    (out / "docs" / "stale.md").write_text("# Gone next time\n", encoding="utf-8")
    untouched, changed = out / "docs" / "ethics" / "bias-check.md", out / "docs" / "strategy" / "problem-fit.md"
    before = untouched.stat().st_mtime_ns, changed.stat().st_mtime_ns
    path = root / "playbook_data" / "strategy" / "problem-fit.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Is generative AI the right tool?",
                                                             "title: Is a model the right tool?"), encoding="utf-8")
    assert generate(root, "--out", "out").returncode == 0
    assert untouched.stat().st_mtime_ns == before[0]
    assert changed.stat().st_mtime_ns != before[1] and "Is a model the right tool?" in changed.read_text(encoding="utf-8")
    assert not (out / "docs" / "stale.md").exists()
    assert (out / "site" / "index.html").read_text(encoding="utf-8") == "built"


def test_watch_writes_again_after_an_edit_and_keeps_the_last_good_files_on_a_mistake(tmp_path: Path):
    root = make_project(tmp_path / "project", FIXTURE_LIBRARY)
    page = root / "out" / "docs" / "strategy" / "problem-fit.md"
    path = root / "playbook_data" / "strategy" / "problem-fit.yaml"
    good = path.read_text(encoding="utf-8")
    watcher = subprocess.Popen([sys.executable, "-m", "playbook.cli", "generate", "--out", "out", "--watch"], cwd=root,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait_for(text: str, present: bool = True) -> None:
        deadline = time.monotonic() + 60
        while not (page.is_file() and (text in page.read_text(encoding="utf-8")) == present):
            assert watcher.poll() is None and time.monotonic() < deadline, f"no {'' if present else 'no '}{text!r}"
            time.sleep(0.1)

    try:
        wait_for("Is generative AI the right tool?")
        path.write_text(good.replace("level: must", "level: mandatory", 1), encoding="utf-8")
        time.sleep(1.5)  # a mistake: the files stay as they were
        assert "Is generative AI the right tool?" in page.read_text(encoding="utf-8")
        path.write_text(good.replace("title: Is generative AI the right tool?", "title: Watched title"),
                        encoding="utf-8")
        wait_for("Watched title")
    finally:
        watcher.terminate()
        _, errors = watcher.communicate(timeout=20)
    assert "'mandatory'" in errors and "Traceback" not in errors
