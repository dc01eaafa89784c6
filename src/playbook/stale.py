"""Review freshness: which playbooks are due for review, `playbook stale [--as-of DATE] [--strict]`.

A playbook is due for review once `review_interval_days` (or the site default) have passed since
its `last_reviewed` date; one without `last_reviewed` has never been reviewed and is due now.
`review()` is also what the site uses for its "review due" badge.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .load import Checked, build
from .model import Playbook
from .problems import Problem
from .vocab import ROLES

DEFAULT_REVIEW_INTERVAL_DAYS = 365


@dataclass(frozen=True, kw_only=True)
class Review:
    """The review schedule of one playbook."""

    playbook: Playbook
    last_reviewed: dt.date | None
    interval_days: int

    @property
    def due(self) -> dt.date | None:
        """The first day the playbook is due for review; None when it was never reviewed (due now)."""
        if self.last_reviewed is None:
            return None
        return self.last_reviewed + dt.timedelta(days=self.interval_days)

    def is_due(self, as_of: dt.date) -> bool:
        return self.due is None or as_of >= self.due

    def days_overdue(self, as_of: dt.date) -> int | None:
        """Days since the review fell due (0 on the day itself); None when never reviewed."""
        return None if self.due is None else (as_of - self.due).days


def review(playbook: Playbook, *, default_interval: int = DEFAULT_REVIEW_INTERVAL_DAYS) -> Review:
    last = dt.date.fromisoformat(playbook.last_reviewed) if playbook.last_reviewed else None
    return Review(playbook=playbook, last_reviewed=last,
                  interval_days=playbook.review_interval_days or default_interval)


def due_for_review(checked: Checked, *, as_of: dt.date,
                   default_interval: int = DEFAULT_REVIEW_INTERVAL_DAYS) -> list[tuple[Review, Problem]]:
    """Every playbook due for review on `as_of`, most overdue first, each located at its `last_reviewed`.

    `checked` must be free of problems (it is built into a library).
    """
    library = build(checked)
    sources = {s.path: s for s in checked.playbooks}
    found: list[tuple[Review, Problem]] = []
    for playbook in library.playbooks:
        schedule = review(playbook, default_interval=default_interval)
        if not schedule.is_due(as_of):
            continue
        source = sources[playbook.path]
        owner = f"; owner: {ROLES[playbook.owner].title}" if playbook.owner in ROLES else ""
        if schedule.due is None:
            problem = source.problem((), "never reviewed: add 'last_reviewed: YYYY-MM-DD' once the owner "
                                         f"has checked the playbook{owner}")
        else:
            overdue = schedule.days_overdue(as_of)
            since = "today" if overdue == 0 else f"since {schedule.due.isoformat()} ({overdue} days ago)"
            problem = source.problem(("last_reviewed",),
                                     f"review due {since}: last reviewed {schedule.last_reviewed}, every "
                                     f"{schedule.interval_days} days{owner}. Review it, then set "
                                     "'last_reviewed' to the date of the review")
        found.append((schedule, problem))
    found.sort(key=lambda pair: (pair[0].due or dt.date.min, str(pair[0].playbook.path)))
    return found
