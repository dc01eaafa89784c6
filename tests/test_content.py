"""The shipped library: valid, and enough real content in the categories the site promises."""

from __future__ import annotations

import re

from pathlib import Path

import pytest

from playbook.cli import main
from playbook.load import load_library
from playbook.vocab import CATEGORIES

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "playbook_data"


@pytest.fixture(scope="module")
def library():
    return load_library(DATA)


def test_shipped_data_validates_with_exit_0(monkeypatch, capsys):
    monkeypatch.chdir(REPO)
    assert main(["validate"]) == 0
    assert re.fullmatch(r"\d+ playbook file\(s\) and \d+ review\(s\) valid.\n", capsys.readouterr().err)


@pytest.mark.parametrize("category", ["strategy", "ethics", "feasibility"])
def test_starter_categories_have_a_real_playbook_of_at_least_8_items(library, category):
    sizes = [len(p.items) for p in library.playbooks if p.category == category]
    assert sizes and max(sizes) >= 8


def test_every_item_is_complete(library):
    incomplete = [i.global_id for i in library.items()
                  if not (i.level and i.owner and i.stage and i.why and i.how)]
    assert incomplete == []


def test_every_data_file_starts_with_its_editor_schema_line():
    for path in DATA.rglob("*.yaml"):
        schema = "framework" if path.parent.name == "frameworks" else "playbook"
        first = path.read_text(encoding="utf-8").splitlines()[0]
        if path == DATA / "traits.yaml":  # the vocabulary of product traits, at the library root
            assert first == "# yaml-language-server: $schema=../schemas/traits.schema.json"
            continue
        assert first == f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json", path


def test_item_texts_are_single_sentences_people_can_check(library):
    bad = [i.global_id for i in library.items() if not i.text.rstrip().endswith((".", "?"))]
    assert bad == []


def test_library_meets_the_size_targets(library):
    assert len(library.playbooks) >= 30
    assert len(list(library.items())) >= 300
    per_category = {c: sum(1 for p in library.playbooks if p.category == c) for c in CATEGORIES}
    assert min(per_category.values()) >= 4, per_category


def test_every_registry_entry_is_covered_or_a_deliberate_gap(library):
    covered = {(r.framework, r.entry) for i in library.items() for r in i.refs}
    problems = []
    for framework in library.frameworks:
        for entry in framework.entries:
            is_covered = (framework.id, entry.id) in covered
            if not is_covered and not entry.gap:
                problems.append(f"{framework.id} {entry.id}: not covered and not listed as a gap")
            if is_covered and entry.gap:
                problems.append(f"{framework.id} {entry.id}: covered by items but still listed as a gap")
    assert problems == []


def test_registries_hold_the_published_ids(library):
    ids = {f.id: [e.id for e in f.entries] for f in library.frameworks}
    rmf = [f"{fn} {c}.{s}" for fn, cats in RMF_SHAPE for c, n in enumerate(cats, 1) for s in range(1, n + 1)]
    assert ids["nist-ai-rmf"] == rmf and len(rmf) == 72
    assert ids["owasp-llm-top10"] == [f"LLM{n:02d}:2025" for n in range(1, 11)]
    assert ids["hax-guidelines"] == [f"G{n}" for n in range(1, 19)]
    assert len(ids["nist-genai-profile"]) == 12
    assert "Art. 50" in ids["eu-ai-act"] and "Art. 4" in ids["eu-ai-act"]


def test_owasp_titles_are_the_2025_edition(library):
    owasp = library.framework("owasp-llm-top10")
    assert [e.title for e in owasp.entries] == [
        "Prompt Injection", "Sensitive Information Disclosure", "Supply Chain", "Data and Model Poisoning",
        "Improper Output Handling", "Excessive Agency", "System Prompt Leakage",
        "Vector and Embedding Weaknesses", "Misinformation", "Unbounded Consumption"]


def test_no_item_text_is_repeated_across_playbooks(library):
    seen: dict[str, str] = {}
    repeats = []
    for item in library.items():
        key = " ".join(item.text.lower().split())
        if key in seen:
            repeats.append((seen[key], item.global_id))
        seen.setdefault(key, item.global_id)
    assert repeats == []


# Subcategories per category of NIST AI RMF 1.0 (AI 100-1, Tables 1-4).
RMF_SHAPE = [
    ("GOVERN", [7, 3, 2, 3, 2, 2]),
    ("MAP", [6, 3, 5, 2, 2]),
    ("MEASURE", [3, 13, 3, 3]),
    ("MANAGE", [4, 4, 2, 3]),
]


def test_the_agentic_registry_holds_owasps_2026_ids_and_titles(library):
    agentic = library.framework("owasp-agentic-top10")
    assert agentic.edition.startswith("Version 2026") or "2026" in agentic.edition
    assert [(e.id, e.title) for e in agentic.entries] == [
        ("ASI01", "Agent Goal Hijack"), ("ASI02", "Tool Misuse and Exploitation"),
        ("ASI03", "Identity and Privilege Abuse"), ("ASI04", "Agentic Supply Chain Vulnerabilities"),
        ("ASI05", "Unexpected Code Execution (RCE)"), ("ASI06", "Memory & Context Poisoning"),
        ("ASI07", "Insecure Inter-Agent Communication"), ("ASI08", "Cascading Failures"),
        ("ASI09", "Human-Agent Trust Exploitation"), ("ASI10", "Rogue Agents")]
    cited = {r.entry for i in library.items() for r in i.refs if r.framework == "owasp-agentic-top10"}
    assert cited == {e.id for e in agentic.entries}  # every entry covered: no gap in the crosswalk


def test_the_eu_ai_act_registry_says_what_applies_from_which_date(library):
    act = library.framework("eu-ai-act")
    assert "Regulation (EU) 2026/1744" in act.edition and "in force 27 July 2026" in act.edition
    description = " ".join(act.description.split())
    for date in ("2 February 2025", "2 August 2025", "2 August 2026", "2 December 2026", "2 December 2027",
                 "2 August 2028"):
        assert date in description, date
    stale = [i.global_id for i in library.items()
             if "proposed" in " ".join(filter(None, (i.why, i.how))).lower() and "omnibus" in (i.why or "").lower()]
    assert stale == []  # no sentence still calls the 2026 amendment a proposal
