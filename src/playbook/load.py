"""Finding, reading and validating the library; the only way to get a `Library`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import collector
from .model import Library, build_framework, build_playbook, build_traits
from .problems import Problem, ProblemsFound
from .source import Source, read_source
from .validate import check_playbooks

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


def discover(root: Path) -> tuple[list[Path], list[Path], list[Problem]]:
    """Playbook files (`<category>/<id>.yaml`) and framework registries (`frameworks/*.yaml`)."""
    playbooks: list[Path] = []
    frameworks: list[Path] = []
    problems: list[Problem] = []
    if not root.is_dir():
        problems.append(Problem(path=root, line=1, column=1, json_path="$",
                                message="library folder not found; expected a folder such as playbook_data/"))
        return playbooks, frameworks, problems
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        target = frameworks if folder.name == FRAMEWORKS_DIR else playbooks
        for path in sorted(folder.iterdir()):
            if path.suffix == ".yaml" and path.is_file():
                target.append(path)
            elif path.suffix == ".yml":
                problems.append(Problem(path=path, line=1, column=1, json_path="$",
                                        message="data files end in .yaml; rename the file"))
    return playbooks, frameworks, problems


def check_library(root: Path = DEFAULT_ROOT) -> Checked:
    """Read every file under `root` and collect every problem; never raises for bad data."""
    with collector.held_off():
        return _check_library(root)


def _check_library(root: Path) -> Checked:
    playbook_paths, framework_paths, problems = discover(root)
    playbooks = tuple(read_source(p) for p in playbook_paths)
    frameworks = tuple(read_source(p) for p in framework_paths)
    traits = read_source(root / TRAITS_FILE) if (root / TRAITS_FILE).is_file() else None
    problems.extend(check_playbooks(list(playbooks), list(frameworks), traits))
    return Checked(root=root, playbooks=playbooks, frameworks=frameworks, traits=traits,
                   problems=tuple(sorted(set(problems))))


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
    stats = []
    for path in sorted(root.rglob("*")):
        if path.suffix in (".yaml", ".yml"):
            stat = path.stat()
            stats.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(stats)


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
    return checked
