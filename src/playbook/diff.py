"""What a change does to the library, for the people reviewing it: `playbook diff BASE [HEAD]`.

The library is read at two git revisions (BASE, and HEAD or the working tree) and compared by id:
playbooks and items added, removed and changed, field by field. Saved progress is keyed by
`<playbook-id>/<item-id>`, so an item id that disappears loses every reader's tick on it: such ids
are listed first, as breaking, unless an item of the same playbook declares `replaces:` for them.

Documents are compared as read, without validation: the comparison works on a revision that does
not validate, and `playbook validate` reports what is wrong with it. Files that cannot be read are
named in the summary.
"""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .load import discover
from .source import read_source

WORKING_TREE = "working tree"

# Item fields reported with old and new values; other fields are named when they change.
ITEM_FIELDS = ("text", "level", "owner", "stage", "applies_when", "applies_when_all", "skip_when", "refs")
PLAYBOOK_FIELDS = ("title", "category", "summary", "owner", "version", "last_reviewed", "review_interval_days",
                   "applies_when", "applies_when_all", "skip_when")


class RevisionError(Exception):
    """A revision or repository that cannot be read; a usage error, not a problem in the data."""


# -- reading the library at a revision ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """The playbooks of one revision as plain documents, keyed by playbook id."""

    label: str
    playbooks: dict[str, dict[str, Any]]
    paths: dict[str, str]
    unreadable: tuple[str, ...] = ()


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120)
    except FileNotFoundError:
        raise RevisionError("git is not installed; `playbook diff` reads revisions with git") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RevisionError(message[-1] if message else f"git {' '.join(args)} failed")
    return result.stdout


def repository_of(root: Path) -> tuple[Path, str]:
    """The repository's top folder and the library folder inside it (a POSIX path such as `playbook_data`)."""
    start = root if root.is_dir() else Path.cwd()
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], start).decode().strip()).resolve()
    except RevisionError:
        raise RevisionError(f"{start} is not inside a git repository; `playbook diff` compares git revisions") \
            from None
    absolute = root.resolve() if root.is_absolute() or root.exists() else (Path.cwd() / root).resolve()
    try:
        inside = absolute.relative_to(top).as_posix()
    except ValueError:
        raise RevisionError(f"library folder {root} is not inside the repository at {top}") from None
    return top, inside


def commit_of(revision: str, top: Path) -> str:
    if revision.startswith("-"):
        raise RevisionError(f"'{revision}' is not a revision")
    try:
        return _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"],
                    top).decode().strip()
    except RevisionError:
        raise RevisionError(f"unknown revision '{revision}'; name a branch, tag or commit "
                            "(in a shallow clone, fetch it first)") from None


def _extract(archive: bytes, prefix: str, target: Path) -> None:
    """Write the regular `.yaml`/`.yml` files of a tar stream below `target`, refusing odd paths."""
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            name = PurePosixPath(member.name)
            if not member.isfile() or name.suffix not in (".yaml", ".yml") or ".." in name.parts \
                    or name.is_absolute():
                continue
            try:
                relative = name.relative_to(prefix) if prefix not in ("", ".") else name
            except ValueError:
                continue
            handle = tar.extractfile(member)
            if handle is None:
                continue
            destination = target.joinpath(*relative.parts)
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(handle.read())


def _read(folder: Path, label: str, display: str) -> Snapshot:
    playbook_paths = discover(folder).playbooks
    playbooks: dict[str, dict[str, Any]] = {}
    paths: dict[str, str] = {}
    unreadable: list[str] = []
    for path in playbook_paths:
        relative = path.relative_to(folder).as_posix()
        shown = f"{display}/{relative}" if display not in ("", ".") else relative
        source = read_source(path)
        data = source.data
        if not isinstance(data, dict):
            first = source.problems[0] if source.problems else None
            unreadable.append(f"{shown}:{first.line}:{first.column}: {first.message}" if first
                              else f"{shown}: not a mapping of fields")
            continue
        playbook_id = data.get("id") if isinstance(data.get("id"), str) else path.stem
        if playbook_id in playbooks:
            unreadable.append(f"{shown}: playbook id '{playbook_id}' is also used by {paths[playbook_id]}")
            continue
        playbooks[playbook_id] = data
        paths[playbook_id] = shown
    return Snapshot(label=label, playbooks=playbooks, paths=paths, unreadable=tuple(unreadable))


def snapshot(revision: str | None, root: Path, *, label: str | None = None) -> Snapshot:
    """The library under `root` at `revision` (a commit, branch or tag), or as it is on disk for None."""
    top, inside = repository_of(root)
    if revision is None:
        return _read(top / inside, WORKING_TREE, inside)
    commit = commit_of(revision, top)
    label = label or (f"{revision} ({commit[:10]})" if not commit.startswith(revision) else commit[:10])
    listed = _git(["ls-tree", "-d", "--name-only", commit, "--", inside], top) if inside not in ("", ".") else b"x"
    with tempfile.TemporaryDirectory(prefix="playbook-diff-") as temporary:
        folder = Path(temporary) / "library"
        folder.mkdir()
        if listed.strip():  # the library folder exists at that revision
            pathspec = [inside] if inside not in ("", ".") else []
            archive = _git(["archive", "--format=tar", commit, "--", *pathspec], top)
            _extract(archive, inside, folder)
        return _read(folder, label, inside)


# -- comparing two snapshots ----------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Change:
    """One field of a playbook or item that differs: its old and new value (None when absent)."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, kw_only=True)
class ItemChange:
    id: str
    changes: tuple[Change, ...]
    other_fields: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RemovedItem:
    id: str
    text: str
    replaced_by: str | None = None

    @property
    def breaking(self) -> bool:
        return self.replaced_by is None


@dataclass(frozen=True, kw_only=True)
class PlaybookDiff:
    """What changed inside one playbook that exists at both revisions."""

    id: str
    title: str
    path: str
    changes: tuple[Change, ...] = ()
    other_fields: tuple[str, ...] = ()
    added_items: tuple[dict[str, Any], ...] = ()
    removed_items: tuple[RemovedItem, ...] = ()
    changed_items: tuple[ItemChange, ...] = ()
    reordered: bool = False

    @property
    def empty(self) -> bool:
        return not (self.changes or self.other_fields or self.added_items or self.removed_items
                    or self.changed_items or self.reordered)


@dataclass(frozen=True, kw_only=True)
class PlaybookSummary:
    id: str
    title: str
    path: str
    item_ids: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class LibraryDiff:
    base: str
    head: str
    added: tuple[PlaybookSummary, ...] = ()
    removed: tuple[PlaybookSummary, ...] = ()
    changed: tuple[PlaybookDiff, ...] = ()
    unreadable: tuple[str, ...] = field(default=())

    @property
    def breaking(self) -> tuple[tuple[str, str], ...]:
        """(global id, where it was) for every item id that disappeared without a replacement."""
        gone = [(f"{p.id}/{item}", p.path) for p in self.removed for item in p.item_ids]
        gone += [(f"{p.id}/{r.id}", p.path) for p in self.changed for r in p.removed_items if r.breaking]
        return tuple(sorted(gone))

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _items(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    items = data.get("items")
    found: dict[str, dict[str, Any]] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"] not in found:
            found[item["id"]] = item
    return found


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _summary(playbook_id: str, data: dict[str, Any], path: str) -> PlaybookSummary:
    return PlaybookSummary(id=playbook_id, title=_text(data.get("title")) or playbook_id, path=path,
                           item_ids=tuple(_items(data)))


def _changes(old: dict[str, Any], new: dict[str, Any], reported: tuple[str, ...],
             ignored: set[str]) -> tuple[tuple[Change, ...], tuple[str, ...]]:
    changes = tuple(Change(field=name, old=old.get(name), new=new.get(name))
                    for name in reported if old.get(name) != new.get(name))
    others = tuple(name for name in dict.fromkeys([*old, *new])
                   if name not in reported and name not in ignored and old.get(name) != new.get(name))
    return changes, others


def _compare_playbook(playbook_id: str, old: dict[str, Any], new: dict[str, Any], path: str) -> PlaybookDiff:
    changes, others = _changes(old, new, PLAYBOOK_FIELDS, {"items", "id"})
    old_items, new_items = _items(old), _items(new)
    replaced_by: dict[str, str] = {}
    for item_id, item in new_items.items():
        replaces = item.get("replaces")
        for old_id in replaces if isinstance(replaces, list) else []:
            if isinstance(old_id, str):
                replaced_by.setdefault(old_id, item_id)
    added = tuple(item for item_id, item in new_items.items() if item_id not in old_items)
    removed = tuple(RemovedItem(id=item_id, text=_text(item.get("text")), replaced_by=replaced_by.get(item_id))
                    for item_id, item in old_items.items() if item_id not in new_items)
    changed = []
    for item_id, item in new_items.items():
        if item_id in old_items and old_items[item_id] != item:
            item_changes, item_others = _changes(old_items[item_id], item, ITEM_FIELDS, {"id"})
            changed.append(ItemChange(id=item_id, changes=item_changes, other_fields=item_others))
    kept_old = [i for i in old_items if i in new_items]
    kept_new = [i for i in new_items if i in old_items]
    return PlaybookDiff(id=playbook_id, title=_text(new.get("title")) or playbook_id, path=path,
                        changes=changes, other_fields=others, added_items=added, removed_items=removed,
                        changed_items=tuple(changed), reordered=kept_old != kept_new)


def compare(base: Snapshot, head: Snapshot) -> LibraryDiff:
    """Every difference between two snapshots, playbooks in id order."""
    added = tuple(_summary(i, head.playbooks[i], head.paths[i]) for i in sorted(head.playbooks)
                  if i not in base.playbooks)
    removed = tuple(_summary(i, base.playbooks[i], base.paths[i]) for i in sorted(base.playbooks)
                    if i not in head.playbooks)
    changed = []
    for playbook_id in sorted(set(base.playbooks) & set(head.playbooks)):
        result = _compare_playbook(playbook_id, base.playbooks[playbook_id], head.playbooks[playbook_id],
                                   head.paths[playbook_id])
        if not result.empty:
            changed.append(result)
    unreadable = tuple(f"{base.label}: {u}" for u in base.unreadable) + \
        tuple(f"{head.label}: {u}" for u in head.unreadable)
    return LibraryDiff(base=base.label, head=head.label, added=added, removed=removed, changed=tuple(changed),
                       unreadable=unreadable)


def diff_revisions(base: str, head: str | None, root: Path, *, tip: bool = False) -> LibraryDiff:
    """Compare the library at `base` with `head`, or with the working tree when `head` is None.

    As a pull request does, the comparison starts where the compared line left `base`: the merge
    base of `base` and `head` (HEAD for the working tree), so that what others merged into `base`
    since is not shown as undone here. With `tip`, it starts at `base`'s own latest commit."""
    top, _ = repository_of(root)
    if not tip:
        start, point = commit_of(base, top), branch_point(base, head, top)
        if point != start:
            return compare(snapshot(point, root, label=f"{base} where this line left it ({point[:10]})"),
                           snapshot(head, root))
    return compare(snapshot(base, root), snapshot(head, root))


def branch_point(base: str, head: str | None, top: Path) -> str:
    """The merge base of `base` and `head` (HEAD when None): the commit where that line left `base`."""
    ours, theirs = commit_of(head or "HEAD", top), commit_of(base, top)
    try:
        return _git(["merge-base", theirs, ours], top).decode().strip()
    except RevisionError:
        raise RevisionError(f"{base} and {head or 'HEAD'} share no history; pass --tip to compare with "
                            f"{base} itself") from None


def is_head(base: str, root: Path) -> bool:
    """Whether `base` is the commit checked out: then only changes not yet committed differ."""
    top, _ = repository_of(root)
    return commit_of(base, top) == commit_of("HEAD", top)


# -- the Markdown summary -------------------------------------------------------------------------


def _one_line(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return _compact(value)
    text = "" if value is None else str(value)
    return " ".join(text.split())


def _compact(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_compact(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_compact(v) for v in value)
    return _one_line(value)


def _code(value: Any) -> str:
    """Text from YAML as an inline code span: shown literally, never as Markdown or a mention."""
    text = _one_line(value)
    if not text:
        return "*(none)*"
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if longest or text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _fenced_diff(old: Any, new: Any) -> list[str]:
    old_text, new_text = _one_line(old), _one_line(new)
    longest = max((len(run) for run in re.findall(r"`+", old_text + " " + new_text)), default=2)
    fence = "`" * max(3, longest + 1)
    lines = [f"{fence}diff"]
    if old_text:
        lines.append(f"- {old_text}")
    if new_text:
        lines.append(f"+ {new_text}")
    lines.append(fence)
    return lines


def _refs(value: Any) -> set[str]:
    if not isinstance(value, dict):
        return set()
    return {f"{framework} {entry}" for framework, entries in value.items()
            for entry in (entries if isinstance(entries, list) else [entries])}


def _change_lines(change: Change, indent: str) -> Iterator[str]:
    if change.field == "refs":
        old, new = _refs(change.old), _refs(change.new)
        parts = []
        if new - old:
            parts.append("added " + ", ".join(_code(r) for r in sorted(new - old)))
        if old - new:
            parts.append("removed " + ", ".join(_code(r) for r in sorted(old - new)))
        yield f"{indent}- references: {'; '.join(parts) or 'reordered'}"
    elif change.field in ("text", "summary", "title"):
        yield f"{indent}- {change.field}:"
        yield ""
        for line in _fenced_diff(change.old, change.new):
            yield f"{indent}  {line}"
        yield ""
    else:
        yield f"{indent}- {change.field}: {_code(change.old)} → {_code(change.new)}"


def _item_facts(item: dict[str, Any]) -> str:
    facts = [f"{name} {_code(item.get(name))}" for name in ("level", "owner", "stage") if item.get(name)]
    return f" ({', '.join(facts)})" if facts else ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def to_markdown(diff: LibraryDiff) -> str:
    """The summary for a pull request: breaking ids first, then each playbook's changes."""
    lines = ["## Playbook changes", "", f"Comparing {_code(diff.base)} with {_code(diff.head)}.", ""]
    if diff.empty:
        lines += ["No playbook or item was added, removed or changed.", ""]
    else:
        items_added = sum(len(p.added_items) for p in diff.changed) + sum(len(p.item_ids) for p in diff.added)
        items_removed = sum(len(p.removed_items) for p in diff.changed) + sum(len(p.item_ids) for p in diff.removed)
        items_changed = sum(len(p.changed_items) for p in diff.changed)
        lines += [f"**Playbooks:** {len(diff.added)} added, {len(diff.removed)} removed, {len(diff.changed)} changed. "
                  f"**Items:** {items_added} added, {items_removed} removed, {items_changed} changed.", ""]
    breaking = diff.breaking
    if breaking:
        lines += ["> [!CAUTION]",
                  f"> **Breaking change: {_plural(len(breaking), 'item id')} disappeared.** Readers lose the "
                  "progress they saved for these items. Keep the old id, or give the item that takes its place "
                  "`replaces: [old-id]` in the same playbook.", ">"]
        lines += [f"> - {_code(global_id)} (was in {_code(path)})" for global_id, path in breaking]
        lines.append("")
    if diff.added:
        lines += ["### Added playbooks", ""]
        lines += [f"- {_code(p.title)}: {_code(p.id)} in {_code(p.path)}, {_plural(len(p.item_ids), 'item')}"
                  for p in diff.added]
        lines.append("")
    if diff.removed:
        lines += ["### Removed playbooks", ""]
        lines += [f"- {_code(p.title)}: {_code(p.id)}, was {_code(p.path)}, {_plural(len(p.item_ids), 'item')} "
                  "**(breaking: saved progress on them is lost)**" for p in diff.removed]
        lines.append("")
    for playbook in diff.changed:
        lines += [f"### Changed: {_code(playbook.title)}", "", f"{_code(playbook.id)} in {_code(playbook.path)}", ""]
        for change in playbook.changes:
            lines += list(_change_lines(change, ""))
        if playbook.other_fields:
            lines.append(f"- also changed: {', '.join(playbook.other_fields)}")
        if playbook.reordered:
            lines.append("- items reordered")
        for item in playbook.added_items:
            replaces = item.get("replaces")
            note = (f", replaces {', '.join(_code(r) for r in replaces)}"
                    if isinstance(replaces, list) and replaces else "")
            lines.append(f"- **added** item {_code(item.get('id'))}{_item_facts(item)}{note}: "
                         f"{_code(item.get('text'))}")
        for removed in playbook.removed_items:
            if removed.breaking:
                lines.append(f"- **removed** item {_code(removed.id)} **(breaking: saved progress is lost)**: "
                             f"{_code(removed.text)}")
            else:
                lines.append(f"- **removed** item {_code(removed.id)}, replaced by {_code(removed.replaced_by)} "
                             "(saved progress carries over)")
        for item in playbook.changed_items:
            lines.append(f"- **changed** item {_code(item.id)}")
            for change in item.changes:
                lines += list(_change_lines(change, "  "))
            if item.other_fields:
                lines.append(f"  - also changed: {', '.join(item.other_fields)}")
        lines.append("")
    if diff.unreadable:
        lines += ["### Files that could not be compared", ""]
        lines += [f"- {_code(entry)}" for entry in diff.unreadable]
        lines += ["", "Run `playbook validate` to see every problem.", ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"
