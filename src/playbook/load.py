"""Finding, reading and validating the library; the only way to get a `Library`."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import collector
from .model import Library, build_framework, build_playbook, build_traits
from .problems import Problem, ProblemsFound
from .source import Source, read_source
from .validate import check_playbooks
from .vocab import CATEGORIES

FRAMEWORKS_DIR = "frameworks"
TRAITS_FILE = "traits.yaml"  # the vocabulary of product traits, at the library root (optional)
DEFAULT_ROOT = Path("playbook_data")


@dataclass(frozen=True, kw_only=True)
class Checked:
    """Everything read from one library folder, with every problem found in it."""

    root: Path
    playbooks: tuple[Source, ...]
    frameworks: tuple[Source, ...]
    problems: tuple[Problem, ...]
    traits: Source | None = None  # traits.yaml; None when the library has none (no traits defined)


@dataclass(frozen=True, kw_only=True)
class Files:
    """The files of a library folder by role, and a problem for every entry that has none."""

    playbooks: list[Path]
    frameworks: list[Path]
    traits: Path | None  # traits.yaml at the root; None when there is none
    problems: list[Problem]


def discover(root: Path) -> Files:
    """Playbook files (`<category>/<id>.yaml`), framework registries (`frameworks/<id>.yaml`) and
    `traits.yaml`. Every other entry is reported, never skipped in silence (only hidden names,
    starting with '.', are left alone), and no link is followed out of the library: a link is read
    only when it resolves to a file inside it, and a link outside is refused without reading it."""
    playbooks: list[Path] = []
    frameworks: list[Path] = []
    traits: Path | None = None
    problems: list[Problem] = []

    def report(path: Path, message: str) -> None:
        problems.append(Problem(path=path, line=1, column=1, json_path="$", message=message))

    if root.is_symlink():
        report(root, _LINKED_FOLDER)
        return Files(playbooks=playbooks, frameworks=frameworks, traits=traits, problems=problems)
    if not root.is_dir():
        report(root, "library folder not found; expected a folder such as playbook_data/")
        return Files(playbooks=playbooks, frameworks=frameworks, traits=traits, problems=problems)
    inside = root.resolve()
    for entry in _entries(root):
        kind = _kind(entry, inside)
        if kind not in ("dir", "file"):
            report(entry, kind)
        elif kind == "dir" and entry.name not in CATEGORIES and entry.name != FRAMEWORKS_DIR:
            report(entry, f"is not a category folder, so nothing in it is read; the categories are "
                          f"{', '.join(CATEGORIES)}, and framework registries go in {FRAMEWORKS_DIR}/")
        elif kind == "dir":
            target = frameworks if entry.name == FRAMEWORKS_DIR else playbooks
            what = "framework registries" if entry.name == FRAMEWORKS_DIR else "playbooks"
            target += _yaml_files(entry, inside, "the library", what, report,
                                  f"is not a data file: only <id>.yaml files belong in {entry.name}/, so it would "
                                  "never be read; move it out of the library")
        elif entry.name == TRAITS_FILE:
            traits = entry
        elif entry.suffix.lower() in (".yaml", ".yml"):
            report(entry, f"is at the library's root, where only {TRAITS_FILE} is read: a playbook goes in its "
                          f"category's folder (<category>/<id>.yaml), a framework registry in {FRAMEWORKS_DIR}/")
        else:
            report(entry, f"is not a library file: the library's root holds category folders, {FRAMEWORKS_DIR}/ "
                          f"and {TRAITS_FILE}, so it would never be read; move it out of the library")
    return Files(playbooks=playbooks, frameworks=frameworks, traits=traits, problems=problems)


_LINKED_FOLDER = ("is a link to a folder, which is never followed: the folder itself must be here (a link could "
                  "publish files from anywhere on the machine that builds the site)")


def flat_folder(folder: Path, what: str) -> tuple[list[Path], list[Problem]]:
    """The `*.yaml` files of a folder that holds only those (reviews/), by the library's rules:
    every other entry reported, links read only when they lead to a file inside the folder, and
    the folder itself never a link. No folder: no files and no problem."""
    found: list[Path] = []
    problems: list[Problem] = []

    def report(path: Path, message: str) -> None:
        problems.append(Problem(path=path, line=1, column=1, json_path="$", message=message))

    if folder.is_symlink():
        report(folder, _LINKED_FOLDER)
        return found, problems
    if not folder.is_dir():
        return found, problems
    found += _yaml_files(folder, folder.resolve(), f"{folder.name}/", what, report,
                         f"is not a data file: only <id>.yaml {what} belong in {folder.name}/, so it would never "
                         "be read; move it out")
    return found, problems


def _yaml_files(folder: Path, inside: Path, where: str, what: str, report: Callable[[Path, str], None],
                not_data: str) -> list[Path]:
    """The `<id>.yaml` files directly in `folder` (a category folder, frameworks/, reviews/); every
    other entry is reported: `not_data` for a file of another kind, and why for the rest."""
    found: list[Path] = []
    for path in _entries(folder):
        kind = _kind(path, inside, where)
        if kind == "file" and path.suffix == ".yaml":
            found.append(path)
        elif kind == "file" and path.suffix.lower() in (".yaml", ".yml"):
            report(path, "data files end in .yaml; rename the file" if path.suffix == ".yml" else
                   f"data files end in .yaml, in lower case; rename the file to '{path.stem}.yaml'")
        elif kind == "file":
            report(path, not_data)
        elif kind == "dir":
            report(path, f"is a folder inside {folder.name}/, which is never read: {what} are read from "
                         f"{folder.name}/<id>.yaml only; move its files up a level")
        else:
            report(path, kind)
    return found


def _entries(folder: Path) -> list[Path]:
    """The folder's entries in name order, without hidden ones."""
    try:
        return sorted(Path(entry.path) for entry in os.scandir(folder) if not entry.name.startswith("."))
    except OSError:
        return []


def _kind(path: Path, inside: Path, where: str = "the library") -> str:
    """'file' or 'dir' for an entry the library may read; otherwise why it may not (a message).

    Links are resolved without reading their target: a link leaving the library is refused
    before anything is opened, so its target's content can neither be published nor echoed
    in an error message."""
    try:
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:
                return "is a link to nothing (its target does not exist); remove the link or restore its target"
            except (RuntimeError, OSError) as error:
                if isinstance(error, RuntimeError) or getattr(error, "errno", None) == errno.ELOOP:
                    return "is a link that leads back to itself (a loop); remove the link"
                raise
            if target != inside and inside not in target.parents:
                return (f"is a link to a place outside {where}, which is never read; put the file itself in "
                        f"{where} instead")
            mode = target.stat().st_mode
            if stat.S_ISDIR(mode):
                return "is a link to a folder; the library reads real folders only: move the folder here instead"
    except OSError as error:
        return f"cannot be read: {error.strerror or error}"
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "is not a regular file (a pipe, socket or device), so it is never read; remove it"


def check_library(root: Path = DEFAULT_ROOT) -> Checked:
    """Read every file under `root` and collect every problem; never raises for bad data."""
    with collector.held_off():
        return _check_library(root)


def _check_library(root: Path) -> Checked:
    files = discover(root)
    problems = files.problems
    playbooks = tuple(read_source(p) for p in files.playbooks)
    frameworks = tuple(read_source(p) for p in files.frameworks)
    traits = read_source(files.traits) if files.traits is not None else None
    problems.extend(check_playbooks(list(playbooks), list(frameworks), traits))
    return Checked(root=root, playbooks=playbooks, frameworks=frameworks, traits=traits,
                   problems=capped(problems))


MAX_PROBLEMS_PER_FILE = 200


def capped(problems: list[Problem]) -> tuple[Problem, ...]:
    """Every problem, sorted, but at most MAX_PROBLEMS_PER_FILE per file and then one line saying
    how many more there are: a file that is wrong throughout (or built to flood the log) has one
    cause worth reading first, and the output stays in proportion to what a person can act on."""
    kept: list[Problem] = []
    count: dict[Path, int] = {}
    hidden: dict[Path, list[Problem]] = {}
    for problem in sorted(set(problems)):
        count[problem.path] = count.get(problem.path, 0) + 1
        if count[problem.path] <= MAX_PROBLEMS_PER_FILE:
            kept.append(problem)
        else:
            hidden.setdefault(problem.path, []).append(problem)
    for path, rest in hidden.items():
        first = rest[0]
        kept.append(Problem(path=path, line=first.line, column=first.column, json_path=first.json_path,
                            message=f"and {len(rest):,} more problem(s) in this file from here on, not listed: fix "
                                    "the ones above and validate again"))
    return tuple(sorted(kept))


def load_library(root: Path = DEFAULT_ROOT) -> Library:
    """The validated library under `root`; raises ProblemsFound listing every problem."""
    checked = check_library(root)
    if checked.problems:
        raise ProblemsFound(checked.problems)
    return build(checked)


def build(checked: Checked) -> Library:
    """The library of a checked folder without problems.

    The last result is kept: callers in one MkDocs build (the hooks, and each macro call on the
    hand-written pages) pass the same `Checked` from `check_library_cached`, and get the same
    immutable `Library` instead of building every model object again.
    """
    last = _built.get("last")
    if last is not None and last[0] is checked:
        return last[1]
    with collector.held_off():
        library = _build(checked)
    _built["last"] = (checked, library)
    return library


def _build(checked: Checked) -> Library:
    playbooks = tuple(
        build_playbook(s.data, s.path, [s.locate(("items", i))[0] for i in range(len(s.data["items"]))])
        for s in checked.playbooks
    )
    frameworks = tuple(build_framework(s.data, s.path) for s in checked.frameworks)
    traits = build_traits(checked.traits.data) if checked.traits is not None else ()
    return Library(playbooks=playbooks, frameworks=frameworks, traits=traits)


# -- caching for long-running callers (mkdocs serve, the macros module) ---------------------------

_cache: dict[Path, tuple[tuple, Checked]] = {}
_built: dict[str, tuple[Checked, Library]] = {}


def _signature(root: Path) -> tuple:
    """Every entry under `root` with its type, time and size, links included (their own, and their
    target's when it exists); never follows a link into a folder, never raises."""
    stats = []
    for folder, folders, names in os.walk(root):
        folders.sort()
        for name in sorted(names + folders):
            path = os.path.join(folder, name)
            try:
                own = os.lstat(path)
                target = os.stat(path) if stat.S_ISLNK(own.st_mode) else own
                stats.append((path, own.st_mode, own.st_mtime_ns, target.st_mtime_ns, target.st_size))
            except OSError:
                stats.append((path, None))
    return tuple(stats)


_last_good: dict[Path, Checked] = {}  # per library folder: its last state without problems, for previews


def last_good(root: Path = DEFAULT_ROOT) -> Checked | None:
    """The last state of the library under `root` that this process checked without problems."""
    return _last_good.get(root.resolve())


def check_for_preview(root: Path = DEFAULT_ROOT) -> tuple[Checked, tuple[Problem, ...]]:
    """For a preview server (`mkdocs serve`): the library when it has no problems; else the last
    state without problems this process saw, with the problems of the current one, so that the
    preview keeps a whole site and says in the page what is wrong. Raises ProblemsFound when this
    process never saw the library without problems."""
    checked = check_library_cached(root)
    if not checked.problems:
        return checked, ()
    good = last_good(root)
    if good is None:
        raise ProblemsFound(checked.problems)
    return good, checked.problems


def check_library_cached(root: Path = DEFAULT_ROOT) -> Checked:
    """`check_library`, reusing the last result while no data file under `root` has changed.

    MkDocs calls into the library from several events and from the macros module in one build;
    under `mkdocs serve` a rebuild after an unrelated edit then costs a directory scan only.
    """
    key = root.resolve()
    signature = _signature(key) if key.is_dir() else ()
    hit = _cache.get(key)
    if hit is not None and hit[0] == signature:
        return hit[1]
    checked = check_library(root)
    _cache.clear()
    _cache[key] = (signature, checked)
    if not checked.problems:
        _last_good.clear()
        _last_good[key] = checked
    return checked
