"""Problems found in playbook data, located as PATH:LINE:COL: $.json.path: message."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


# A problem is one line: line breaks and other control characters that come from the data (keys,
# values, file names) are shown escaped, so data can never print a forged `PATH:LINE:COL:` line.
# Bidirectional controls are escaped too, so that no line reads differently than it is.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def one_line(text: str) -> str:
    """`text` with control characters written as escapes (`\\n`, `\\x1b`, `\\u2028`, `\\u202e`)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def place(path: Path) -> Path:
    """The absolute path of an entry itself: its folder resolved, a link at the end kept as the
    link (never followed, so a dangling, looping or outside link is named where it sits)."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.parent.resolve() / absolute.name
    except (OSError, RuntimeError):  # a loop in the folders above: the path as written
        return absolute


@dataclass(frozen=True, kw_only=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: Path
    line: int
    column: int
    json_path: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "json_path", one_line(self.json_path))
        object.__setattr__(self, "message", one_line(self.message))

    def display_path(self, cwd: Path | None = None) -> str:
        """The path as the user would type it: relative to the current folder when inside it."""
        here = (cwd or Path.cwd()).resolve()
        path = place(self.path) if self.path.is_absolute() else place(here / self.path)
        try:
            shown = os.path.relpath(path, here) if path.is_relative_to(here) else str(path)
        except ValueError:  # another drive on Windows
            shown = str(path)
        return one_line(shown)

    def format(self, cwd: Path | None = None) -> str:
        return f"{self.display_path(cwd)}:{self.line}:{self.column}: {self.json_path}: {self.message}"


class ProblemsFound(Exception):
    """Raised when data has problems; carries all of them, sorted by file and position."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: tuple[Problem, ...] = tuple(sorted(problems))
        super().__init__(f"{len(self.problems)} problem(s) found")

    def lines(self, cwd: Path | None = None) -> list[str]:
        return [p.format(cwd) for p in self.problems]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' Did you mean 'x'?' for the closest choice, or '' when nothing is close."""
    choices = list(choices)
    folded = {c.casefold(): c for c in choices}
    if word.casefold() in folded:
        return f" Did you mean '{folded[word.casefold()]}'?"
    match = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not match:
        match = [folded[m] for m in difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)]
    return f" Did you mean '{match[0]}'?" if match else ""


HINT_BUDGET = 20_000  # candidate ids compared per run: about half a second at worst


class Hints:
    """`did_you_mean` for one run at bounded cost: each word is looked up once, and once the run has
    compared HINT_BUDGET candidates, later messages go without a suggestion. Without the bound, a
    file with thousands of misspelt references against thousands of ids takes quadratic time."""

    def __init__(self, budget: int = HINT_BUDGET):
        self.left = budget
        self._done: dict[tuple[str, int], tuple[object, str]] = {}

    def __call__(self, word: str, choices: Iterable[str]) -> str:
        key = (word, id(choices))
        if key in self._done:
            return self._done[key][1]
        size = len(choices) if hasattr(choices, "__len__") else None  # type: ignore[arg-type]
        if size is None:
            choices = list(choices)
            size = len(choices)
        if size > self.left:
            self.left = 0
            return ""
        self.left -= size
        hint = did_you_mean(word, choices)
        self._done[key] = (choices, hint)  # keeps `choices` alive, so its id is not reused
        return hint
