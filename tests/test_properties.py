"""Property-based tests: no input makes loading or validation fail with anything but problems.

Hypothesis generates YAML-like text, raw bytes, and mutations of a valid playbook (fields deleted,
replaced or retyped, odd Unicode injected, keys duplicated). Whatever arrives, reading and
validating return `Problem`s, each one line; `load_library` either returns a library or raises
`ProblemsFound`; data without problems renders; and `playbook validate` exits 0 or 1.
Example counts are bounded so that the file runs in a few seconds.
"""

from __future__ import annotations

import contextlib
import copy
import io
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_LIBRARY
from playbook.cli import main
from playbook.load import Checked, build
from playbook.problems import Problem
from playbook.render import Renderer
from playbook.source import parse_text, read_source
from playbook.validate import check_playbooks

BOUNDED = settings(max_examples=150, deadline=None, database=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TARGET = FIXTURE_LIBRARY / "strategy" / "problem-fit.yaml"
BASE_TEXT = TARGET.read_text(encoding="utf-8")
BASE = parse_text(TARGET, BASE_TEXT).data  # dates stay text, as the project reads them
OTHER_PLAYBOOKS = [read_source(p) for p in sorted(FIXTURE_LIBRARY.glob("*/*.yaml"))
                   if p.parent.name != "frameworks" and p != TARGET]
FRAMEWORKS = [read_source(p) for p in sorted((FIXTURE_LIBRARY / "frameworks").glob("*.yaml"))]

# Pieces of YAML syntax, hostile values and awkward characters to build text from.
FRAGMENTS = [
    "id: ", "title: ", "category: strategy", "summary: ", "items:", "text: ", "refs:", "related: ",
    "- ", "  ", "    ", "\n", "\r\n", "\t", ": ", ":", "[", "]", "{", "}", ", ", "? ", "'", '"', "|", ">-", "# c",
    "---\n", "...\n", "%YAML 1.2\n---\n", "%TAG !e! tag:example.com,2000:\n", "&a ", "*a", "&b [*a, *a]", "<<: *a",
    "!!str ", "!!int ", "!!float ", "!!binary ", "!!set ", "!!python/object/apply:os.system ", "!custom ", "!e!x ",
    "~", "null", "yes", "no", "0o17", "0x1F", "1e400", "-.inf", ".nan", "2026-02-30", "2026-13-01", "12:30:00",
    "launch-plan", "problem-fit", "user-problem-stated", "demo-framework", "MAP 1.1", "bias-check/groups-listed",
    "{{ 7*7 }}", "{% raw %}", "<script>alert(1)</script>", "[x](javascript:alert(1))", "<javascript:x>",
    "é", "\u00a0", "\u200b", "\u202e", "\u2028", "\x85", "\ufeff", "\x00", "\x07", "\x1b", "\U0001F600",
]
yamlish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4)), max_size=50).map("".join)

odd_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(["", " ", "\n", "a\nb", "\u202eevil", "\u200b", "x" * 300, "{{ config }}", "<b>x</b>",
                     "[x](javascript:alert(1))", "MAP 1.1", "problem-fit/user-problem-stated", "must", "strategy"]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | odd_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(odd_text, children, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, path + (index,))
    return found


def _get(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _retyped(value: Any) -> Any:
    """The same content in another type: text <-> number, list <-> mapping, scalar -> list."""
    if isinstance(value, str):
        return int(value) if value.isdigit() else [value]
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    return list(value.values())


def _mutate(doc: Any, path: tuple, operation: str, new: Any, text: str) -> Any:
    if not path:
        return new if operation != "retype" else _retyped(doc)
    parent, key = _get(doc, path[:-1]), path[-1]
    if operation == "delete":
        del parent[key]
    elif operation == "replace":
        parent[key] = new
    elif operation == "retype":
        parent[key] = _retyped(parent[key])
    elif operation == "inject" and isinstance(parent[key], str):
        middle = len(parent[key]) // 2
        parent[key] = parent[key][:middle] + text + parent[key][middle:]
    elif operation == "rename" and isinstance(parent, dict):
        parent[text] = parent.pop(key)
    return doc


mutations = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(["delete", "replace", "retype", "inject",
                                                                         "rename"]),
                               json_values, odd_text), min_size=1, max_size=4)


def _dump(doc: Any) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=80)


def _duplicate_a_line(text: str, line: int) -> str:
    """Repeat one `key: value` line: YAML would silently keep the last value, we must report it."""
    lines = text.splitlines(keepends=True)
    candidates = [i for i, ln in enumerate(lines) if ": " in ln and not ln.lstrip().startswith("- ")]
    if not candidates:
        return text
    i = candidates[line % len(candidates)]
    return "".join(lines[: i + 1] + [lines[i]] + lines[i + 1:])


def assert_only_problems(problems: list, *, sources: list) -> None:
    """Every result is a located problem whose printed form is exactly one line."""
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.line >= 1 and problem.column >= 1
        assert problem.json_path.startswith("$")
        line = problem.format()
        assert "\n" not in line and "\r" not in line and len(line.splitlines()) == 1, line
    if not problems:  # data without problems builds the model without further checks
        build(Checked(root=FIXTURE_LIBRARY, playbooks=tuple(sources), frameworks=tuple(FRAMEWORKS), problems=()))


def _check(text: str, name: str = "strategy/problem-fit.yaml") -> list:
    source = parse_text(FIXTURE_LIBRARY / name, text)
    sources = OTHER_PLAYBOOKS + [source]
    problems = check_playbooks(sources, FRAMEWORKS)
    assert_only_problems(problems, sources=sources)
    return problems


@BOUNDED
@given(text=yamlish)
def test_any_yaml_like_text_gives_problems_never_an_exception(text: str):
    _check(text)


@BOUNDED
@given(position=st.integers(0, len(BASE_TEXT)), fragments=st.lists(st.sampled_from(FRAGMENTS), min_size=1,
                                                                   max_size=3))
def test_valid_playbook_text_with_syntax_spliced_in_gives_problems_never_an_exception(position: int,
                                                                                      fragments: list[str]):
    _check(BASE_TEXT[:position] + "".join(fragments) + BASE_TEXT[position:])


@BOUNDED
@given(changes=mutations, duplicate=st.none() | st.integers(0, 100))
def test_mutated_playbooks_give_problems_never_an_exception(changes, duplicate):
    doc = copy.deepcopy(BASE)
    for pick, operation, new, text in changes:
        paths = _paths(doc)
        doc = _mutate(doc, paths[pick % len(paths)], operation, new, text)
    text = _dump(doc)
    if duplicate is not None:
        text = _duplicate_a_line(text, duplicate)
    _check(text)


@BOUNDED
@given(value=json_values, field=st.sampled_from(["id", "text", "why", "how", "level", "refs", "related",
                                                 "replaces", "tags"]))
def test_any_value_in_any_item_field_gives_problems_never_an_exception(value, field):
    doc = copy.deepcopy(BASE)
    doc["items"][0][field] = value
    _check(_dump(doc))


printable_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60),
    st.sampled_from(["{{ 7*7 }}", "{% raw %}", "<script>alert(1)</script>", "*a* `b` [c](https://example.org/)",
                     "- one\n- two", "# heading", "> quote", "a\n\nb", "&amp; &#106; &lt;", "\u202e\u200b"]),
)


@settings(BOUNDED, max_examples=30)
@given(value=printable_text, field=st.sampled_from(["title", "summary", "intro", "text", "why", "how"]))
def test_any_text_that_validates_also_renders(value, field):
    doc = copy.deepcopy(BASE)
    (doc if field in ("title", "summary", "intro") else doc["items"][0])[field] = value
    source = parse_text(TARGET, _dump(doc))
    sources = OTHER_PLAYBOOKS + [source]
    if not check_playbooks(sources, FRAMEWORKS):
        library = build(Checked(root=FIXTURE_LIBRARY, playbooks=tuple(sources), frameworks=tuple(FRAMEWORKS),
                                problems=()))
        page = Renderer(library).playbook_page(library.playbook("problem-fit"))
        assert 'data-item-id="problem-fit/user-problem-stated"' in page
        event("validated and rendered")


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@settings(BOUNDED, max_examples=60)
@given(raw=st.one_of(st.binary(max_size=200), yamlish.map(lambda t: t.encode("utf-8", "surrogatepass")),
                     st.sampled_from([b"\xef\xbb\xbfid: x\n", b"\xff\xfei\x00d\x00", b"\xfe\xff", b"id: caf\xe9\n"])))
def test_any_bytes_read_from_a_file_give_problems_never_an_exception(scratch: Path, raw: bytes):
    path = scratch / "strategy" / "problem-fit.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(raw)
    source = read_source(path)
    sources = OTHER_PLAYBOOKS + [source]
    assert_only_problems(check_playbooks(sources, FRAMEWORKS), sources=sources)


@settings(BOUNDED, max_examples=30)
@given(changes=mutations)
def test_validate_command_exits_0_or_1_for_any_mutation(scratch: Path, changes):
    root = scratch / "library"
    if not root.exists():
        shutil.copytree(FIXTURE_LIBRARY, root)
    doc = copy.deepcopy(BASE)
    for pick, operation, new, text in changes:
        paths = _paths(doc)
        doc = _mutate(doc, paths[pick % len(paths)], operation, new, text)
    (root / "strategy" / "problem-fit.yaml").write_text(_dump(doc), encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["validate", "--root", str(root)])
    assert code in (0, 1)
    lines = err.getvalue().splitlines()
    assert lines and "Traceback" not in err.getvalue()
    assert all(": $" in line for line in lines[:-1])  # PATH:LINE:COL: $.path: message, then the count
