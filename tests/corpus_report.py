"""Pytest plugin: the bad-input corpus as a table at the end of the run.

`tests/test_examples.py` records what each invalid case produced through the `corpus_record`
fixture; `pytest_terminal_summary` then prints one row per case: the exit code of
`playbook validate`, how many problems it printed and the first one, and for the cases that
are also built with MkDocs, the build's exit code. Registered from tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

FIRST_PROBLEM_WIDTH = 160


@dataclass
class CaseResult:
    exit_code: int
    problems: list[str]
    as_expected: bool
    build_exit_code: int | None = None


_RESULTS = pytest.StashKey[dict[str, CaseResult]]()


def _results(config: pytest.Config) -> dict[str, CaseResult]:
    return config.stash.setdefault(_RESULTS, {})


@pytest.fixture
def corpus_record(request: pytest.FixtureRequest) -> Callable[..., None]:
    """`record(case, exit_code, problems, as_expected)` for validate; `record(case, build_exit_code=n)`
    adds the result of a MkDocs build of the same case."""
    results = _results(request.config)

    def record(case: str, exit_code: int | None = None, problems: list[str] | None = None,
               as_expected: bool = True, *, build_exit_code: int | None = None) -> None:
        if exit_code is not None:
            previous = results.get(case)
            results[case] = CaseResult(exit_code=exit_code, problems=list(problems or []), as_expected=as_expected,
                                       build_exit_code=previous.build_exit_code if previous else None)
        if build_exit_code is not None:
            results.setdefault(case, CaseResult(exit_code=-1, problems=[], as_expected=True))
            results[case].build_exit_code = build_exit_code

    return record


def _shorten(text: str, width: int = FIRST_PROBLEM_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def report(results: dict[str, CaseResult]) -> list[str]:
    """What the run prints about the corpus: one line when every case gave exactly its expected
    messages (a passing run should read as one), else the table, one row per case, failures marked."""
    cases = len(results)
    built = [r for r in results.values() if r.build_exit_code is not None]
    if all(r.as_expected for r in results.values()) and all(r.build_exit_code != 0 for r in built) \
            and all(r.exit_code == 1 for r in results.values() if r.exit_code != -1):
        also = f"; {len(built)} of them also built with MkDocs, each build stopped" if built else ""
        return [f"bad-input corpus: {cases} cases, each refused by `playbook validate` with exactly the expected "
                f"messages{also}"]
    lines = [f"bad-input corpus: case -> exit code, first problem ({cases} cases)"]
    width = max(len(case) for case in results)
    for case in sorted(results):
        result = results[case]
        validate = "not validated" if result.exit_code == -1 else f"exit {result.exit_code}"
        count = f", {len(result.problems)} problem(s)" if result.exit_code != -1 else ""
        build = f", mkdocs build exit {result.build_exit_code}" if result.build_exit_code is not None else ""
        flag = "" if result.as_expected else " [DIFFERS FROM expected.txt]"
        first = _shorten(result.problems[0]) if result.problems else "-"
        lines.append(f"{case:<{width}} -> {validate}{count}{build}{flag}: {first}")
    return lines


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    results = config.stash.get(_RESULTS, None)
    if not results:
        return
    head, *rows = report(results)
    if not rows:
        terminalreporter.write_line(head)
        return
    terminalreporter.write_sep("-", head)
    for row in rows:
        terminalreporter.write_line(row)
