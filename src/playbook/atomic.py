"""A site folder that is replaced whole or not at all.

MkDocs empties `site/` before it writes the new pages, so a build that fails later (a strict-mode
warning, a crash, a kill) would leave an empty or half-written site. The build writes into a fresh
folder beside it instead (`begin`), and only a build that succeeded puts it in place (`commit`):
the old site is renamed aside, the new one renamed in, and the old one deleted, so readers of the
folder see the last good site or the new one, never a half-written one. `abandon` deletes a failed
build's folder; `begin` also clears what an earlier killed build left behind.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

_BUILDING = ".building-"  # <site>.building-<pid>: the folder a build writes into
_OLD = ".old-"  # <site>.old-<pid>: the last site, for the moment of the swap


def _siblings(final: Path, marker: str) -> list[Path]:
    return sorted(final.parent.glob(f".{final.name}{marker}*")) if final.parent.is_dir() else []


def begin(final: Path) -> Path:
    """The folder a build of `final` writes into; leftovers of killed builds are removed first."""
    final = final.resolve()
    for stale in _siblings(final, _BUILDING) + _siblings(final, _OLD):
        shutil.rmtree(stale, ignore_errors=True)
    final.parent.mkdir(parents=True, exist_ok=True)
    return final.parent / f".{final.name}{_BUILDING}{os.getpid()}"


def commit(building: Path, final: Path) -> None:
    """Put the finished build in place of the last site."""
    final = final.resolve()
    old = final.parent / f".{final.name}{_OLD}{os.getpid()}"
    if final.exists():
        os.replace(final, old)
    try:
        os.replace(building, final)
    except OSError:
        if old.exists():  # put the last good site back before reporting the failure
            os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)


def abandon(building: Path) -> None:
    """Delete the folder of a build that failed; the last site stays as it was."""
    shutil.rmtree(building, ignore_errors=True)
