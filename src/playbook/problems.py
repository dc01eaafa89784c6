"""Problems found in playbook data, located as PATH:LINE:COL: $.json.path: message."""

from __future__ import annotations

import difflib
import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable


# A problem is one line: line breaks and other control characters that come from the data (keys,
# values, file names) are shown escaped, so data can never print a forged `PATH:LINE:COL:` line.
# Bidirectional controls are escaped too, so that no line reads differently than it is, and so are
# characters that cannot be told from a space or from nothing (no-break and zero-width spaces, joiners,
# the soft hyphen, the byte-order mark), so that a message shows what is really there.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\xa0\xad\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


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


@functools.lru_cache(maxsize=1024)  # thousands of problems name a few files: resolve each once
def _display(path: Path, cwd: Path) -> str:
    here = cwd.resolve()
    where = place(path) if path.is_absolute() else place(here / path)
    try:
        shown = os.path.relpath(where, here) if where.is_relative_to(here) else str(where)
    except ValueError:  # another drive on Windows
        shown = str(where)
    return one_line(shown)


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
        return _display(self.path, cwd or Path.cwd())

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
    return _suggest(word, list(choices))[0]


def _suggest(word: str, choices: list[str], budget: float = float("inf")) -> tuple[str, int]:
    """`did_you_mean` and the work it took; gives up with '' once the work passes `budget`. The
    same matches as difflib.get_close_matches(n=1, cutoff=0.6), first as written, then ignoring case."""
    folded = {c.casefold(): c for c in choices}
    if word.casefold() in folded:
        return f" Did you mean '{folded[word.casefold()]}'?", len(choices)
    match, work = _closest(word, choices, budget)
    if match is None and work <= budget:
        match, more = _closest(word.casefold(), list(folded), budget - work)
        work += more
        match = folded[match] if match is not None else None
    return (f" Did you mean '{match}'?" if match is not None and work <= budget else ""), work


# What one choice costs before any character is compared, and one full comparison on top of its
# characters, in the same unit (measured: short ids cost more than their characters suggest).
_PER_CHOICE, _PER_RATIO = 60, 400


def _closest(word: str, choices: list[str], budget: float, cutoff: float = 0.6) -> tuple[str | None, int]:
    """The choice most like `word` (difflib's ratio, at least `cutoff`; ties go to the greater
    string, as in get_close_matches) and the work spent, in characters compared: the cheap bounds
    for every choice, the full comparison only for those that pass them. Stops past `budget`."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    best: tuple[float, str] | None = None
    work = 0
    for choice in choices:
        matcher.set_seq1(choice)
        work += _PER_CHOICE + len(choice) + len(word)
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff:
            work += _PER_RATIO + len(choice) * len(word)  # the bound on what ratio() may take
            score = matcher.ratio()
            if score >= cutoff and (best is None or (score, choice) > best):
                best = (score, choice)
        if work > budget:
            return None, work
    return (best[1] if best else None), work


# Characters compared per run for suggestions (about half a second at worst on a laptop); past it,
# problems are reported without one.
HINT_BUDGET = 5_000_000


class Hints:
    """`did_you_mean` for one run at bounded cost: each word is looked up once per list of choices,
    and once the run has spent HINT_BUDGET, later messages go without a suggestion. Without the
    bound, thousands of misspelt references against thousands of ids take quadratic time."""

    def __init__(self, budget: int = HINT_BUDGET):
        self.left = budget
        self._done: dict[tuple[str, int], tuple[object, str]] = {}

    def __call__(self, word: str, choices: Iterable[str]) -> str:
        key = (word, id(choices))
        if key in self._done:
            return self._done[key][1]
        listed = list(choices)
        if self.left <= 0:
            return ""
        hint, work = _suggest(word, listed, self.left)
        self.left = max(0, self.left - work)
        self._done[key] = (choices, hint)  # keeps `choices` alive, so its id is not reused
        return hint
