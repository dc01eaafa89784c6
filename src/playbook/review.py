"""A product's review kept in the repository: `reviews/<id>.yaml`, checked against the library.

A review records the product's answers to the plan questions, its reviewers, and per check a
status (open, done, not applicable with a reason, risk accepted with a reason and who accepted it),
an owner, a due date, evidence and a note. It stores item ids, not texts, plus `seen`: a short hash
of each item's text as the reviewers saw it, and the library's version and Git revision. From
those, `status` tells later what changed in the library since: checks that now apply and are not
in the review, items whose text changed, items that are gone.

`check_reviews` finds every problem of review files with the same located messages as playbooks.
An unknown item id is a problem (a typo, with a did-you-mean) unless the entry has `seen`: then
it was written from the library, and the item has been removed since, which `status` reports.
`new_review` writes a review from a plan; `status` and the renderers report progress and drift.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import __version__
from . import plan as planning
from .load import flat_folder
from .model import Item, Library
from .problems import Hints, Problem
from .source import Source, read_source
from .validate import ID, _schema_problems
from .vocab import LEVELS, RESERVED_REVIEW_IDS, ROLES, STAGES

REVIEWS_DIR = "reviews"  # beside the library folder: <repository>/reviews/<id>.yaml
STATUSES = ("open", "done", "not-applicable", "risk-accepted")
STATUS_TITLES = {"open": "Open", "done": "Done", "not-applicable": "Not applicable", "risk-accepted": "Risk accepted"}
FAIL_ON = ("open-must", "overdue", "drift")
MODELINE = "# yaml-language-server: $schema=../schemas/review.schema.json"
GLOBAL_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*")


def item_hash(item: Item) -> str:
    """The first 8 hex digits of the SHA-256 of the item's text: what `seen` records."""
    return item.seen


# -- the model --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Evidence:
    title: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One check of a review, under the id the file gives it (`id`) and the library's current id
    for it (`current`, after following `replaces`; None when the library no longer has it)."""

    id: str
    current: str | None
    status: str
    seen: str | None = None
    owner: str | None = None
    due: str | None = None
    done_on: str | None = None
    evidence: tuple[Evidence, ...] = ()
    note: str | None = None
    reason: str | None = None
    accepted_by: str | None = None
    accepted_on: str | None = None


@dataclass(frozen=True, kw_only=True)
class Review:
    id: str
    product: str
    description: str | None
    created: str
    updated: str | None
    library_version: str | None
    library_revision: str | None
    reviewers: tuple[tuple[str, str | None], ...]
    answers: tuple[tuple[str, str], ...]
    entries: tuple[Entry, ...]
    path: Path = field(default=Path(), compare=False)


def review_files(folder: Path) -> tuple[list[Path], list[Problem]]:
    """The review files of a folder, by name, and a problem for every other entry in it (links
    out of the folder are never read); none of either when the folder does not exist."""
    return flat_folder(folder, "review files")


def _renamed(library: Library) -> dict[str, str]:
    """Old global id -> the item that now carries it (`replaces`)."""
    return {f"{i.playbook_id}/{old}": i.global_id for i in library.items() for old in i.replaces}


def current_id(library: Library, item_id: str, renamed: Mapping[str, str] | None = None) -> str | None:
    if library.item(item_id) is not None:
        return item_id
    return (renamed if renamed is not None else _renamed(library)).get(item_id)


def build_review(source: Source, library: Library) -> Review:
    """A Review from a file that passed `check_reviews` (never from unchecked data)."""
    data, renamed = source.data, _renamed(library)
    product = data["product"]
    lib = data.get("library") or {}
    entries = []
    for item_id, entry in data["items"].items():
        entries.append(Entry(
            id=item_id, current=current_id(library, item_id, renamed), status=entry["status"], seen=entry.get("seen"),
            owner=entry.get("owner"), due=entry.get("due"), done_on=entry.get("done_on"),
            evidence=tuple(Evidence(title=e["title"], url=e["url"]) for e in entry.get("evidence") or ()),
            note=entry.get("note"), reason=entry.get("reason"), accepted_by=entry.get("accepted_by"),
            accepted_on=entry.get("accepted_on")))
    return Review(id=data["id"], product=product["name"], description=product.get("description"),
                  created=data["created"], updated=data.get("updated"), library_version=lib.get("version"),
                  library_revision=lib.get("revision"),
                  reviewers=tuple((r["name"], r.get("role")) for r in data.get("reviewers") or ()),
                  answers=tuple(data["answers"].items()), entries=tuple(entries), path=source.path)


# -- checks -------------------------------------------------------------------------------------------


def check_reviews(paths: Iterable[Path], library: Library) -> tuple[list[Source], list[Problem]]:
    """Read every review file and find every problem: the schema's, then the rules that need the
    library (the file name, known traits, known items, each item once). Never raises for bad data."""
    sources, problems = [], []
    all_ids = [i.global_id for i in library.items()]
    by_playbook: dict[str, list[str]] = {}
    for global_id in all_ids:
        by_playbook.setdefault(global_id.split("/")[0], []).append(global_id)
    renamed, traits = _renamed(library), [t.id for t in library.traits]
    hints = Hints()
    for path in paths:
        source = read_source(path)
        sources.append(source)
        problems.extend(source.problems)
        if source.data is None and source.problems:
            continue
        schema = list(_schema_problems(source, "review"))
        problems.extend(schema)
        if isinstance(source.data, dict):
            problems.extend(_cross_checks(source, traits, all_ids, by_playbook, renamed, hints))
    return sources, problems


def _cross_checks(source: Source, traits: list[str], all_ids: list[str], by_playbook: dict[str, list[str]],
                  renamed: Mapping[str, str], hints: Hints) -> Iterable[Problem]:
    data = source.data
    review_id = data.get("id")
    if isinstance(review_id, str) and review_id in RESERVED_REVIEW_IDS:
        yield source.problem(("id",), f"id '{review_id}' is taken by the site: it names "
                                      f"{RESERVED_REVIEW_IDS[review_id]}; choose another id")
    if isinstance(review_id, str) and review_id != source.path.stem:
        yield source.problem(("id",), f"review id '{review_id}' does not match the file name "
                                      f"'{source.path.name}'; rename the file or set 'id: {source.path.stem}'")
    answers = data.get("answers")
    if isinstance(answers, dict):
        for trait in answers:
            if isinstance(trait, str) and trait not in traits and ID.fullmatch(trait):  # else the schema said it
                hint = hints(trait, traits) or (f" Known traits: {', '.join(traits)}." if traits else "")
                yield source.problem(("answers", trait), f"unknown trait '{trait}'.{hint}", key=True)
    items = data.get("items")
    if not isinstance(items, dict):
        return
    first: dict[str, str] = {}
    known = set(all_ids)
    for item_id, entry in items.items():
        if not isinstance(item_id, str):
            continue
        now = item_id if item_id in known else renamed.get(item_id)
        if now is None and isinstance(entry, dict) and entry.get("seen"):
            continue  # written from the library (it has a `seen` hash): gone since, which status reports as drift
        if now is None:
            if not GLOBAL_ID.fullmatch(item_id):
                continue  # the schema reported how to write an id
            yield source.problem(("items", item_id), f"unknown item '{item_id}'.{_suggest(item_id, by_playbook, hints)}",
                                 key=True)
            continue
        if now in first:
            other = first[now]
            yield source.problem(("items", item_id), f"item '{item_id}' is listed twice: "
                                 + (f"'{other}' is its old id" if other != now else f"'{now}' is its new id")
                                 + "; keep one entry, under the new id", key=True)
            continue
        first[now] = item_id


def _suggest(item_id: str, by_playbook: Mapping[str, list[str]], hints: Hints) -> str:
    """A did-you-mean among the playbook's own items, or with the nearest playbook's id."""
    playbook, _, item = item_id.partition("/")
    if playbook in by_playbook:
        return hints(item_id, by_playbook[playbook])
    near = hints(playbook, by_playbook)
    if not near:
        return ""
    other = near.split("'")[1]
    return f" Did you mean '{other}/{item}'?" if f"{other}/{item}" in by_playbook[other] else \
        f" There is no playbook '{playbook}'.{near}"


# -- writing a review from a plan ------------------------------------------------------------------------


def git_revision(folder: Path) -> str | None:
    """The Git commit the library is at, when it is in a Git working tree (no network, no prompt)."""
    try:
        result = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=folder, capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    found = result.stdout.strip()
    return found if result.returncode == 0 and len(found) >= 7 else None


def review_data(library: Library, answers: planning.Answers, *, review_id: str, product: str,
                description: str | None = None, reviewers: Iterable[tuple[str, str | None]] = (),
                today: dt.date | None = None, revision: str | None = None,
                progress: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
    """A review as data: the plan's checks, each open (or as `progress` says: id -> {status, note,
    done_on}), with the hash of its text. The same shape the page downloads."""
    created = (today or dt.date.today()).isoformat()
    items: dict[str, Any] = {}
    for entry in planning.entries(library, answers):
        record: dict[str, Any] = {"status": "open", "seen": _Quoted(item_hash(entry.item))}
        record.update({k: v for k, v in (progress or {}).get(entry.item.global_id, {}).items() if v})
        items[entry.item.global_id] = record
    data: dict[str, Any] = {"id": review_id, "product": {"name": product}, "created": created}
    if description:
        data["product"]["description"] = description
    data["library"] = {"version": __version__, **({"revision": revision} if revision else {})}
    if reviewers:
        data["reviewers"] = [{"name": name, **({"role": role} if role else {})} for name, role in reviewers]
    data["answers"] = dict(answers.values)
    data["items"] = items
    return data


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Block style, and `seen` hashes in quotes: '5920e407' would otherwise read as a number."""


class _Quoted(str):
    pass


_Dumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value),
                                                                                style="'"))


def to_yaml(data: Mapping[str, Any]) -> str:
    """A review file: the editor modeline, then the data in block style, keys in schema order."""
    data = dict(data)
    if isinstance(data.get("items"), dict):
        data["items"] = {k: ({**v, "seen": _Quoted(v["seen"])} if isinstance(v, dict) and isinstance(v.get("seen"), str)
                             else v) for k, v in data["items"].items()}
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)
    return (f"{MODELINE}\n# A review kept in Git: edit statuses, owners, due dates, evidence and notes; "
            f"`playbook review status` reports progress and what changed in the library since.\n{body}")


# -- status: progress, overdue checks, and what changed since the review ------------------------------------


@dataclass(frozen=True, kw_only=True)
class Row:
    entry: Entry
    item: Item | None
    owner: str | None
    overdue: bool
    changed: bool
    applies: bool  # the review's answers still select the item


@dataclass(frozen=True, kw_only=True)
class Status:
    review: Review
    as_of: str
    rows: tuple[Row, ...]
    added: tuple[Item, ...]  # checks the answers select now that the review does not list
    changed: tuple[Row, ...]  # items whose text differs from what the reviewers saw
    removed: tuple[Row, ...]  # entries whose item the library no longer has
    no_longer_applies: tuple[Row, ...]
    unanswered: tuple[str, ...]  # questions the library asks that the review does not answer

    def count(self, status: str, *, must: bool = False) -> int:
        return sum(1 for r in self.rows if r.entry.status == status and (not must or _level(r) == "must"))

    @property
    def open_must(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.entry.status == "open" and _level(r) == "must" and r.item is not None)

    @property
    def overdue(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.overdue)

    @property
    def drift(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def fails(self, conditions: Iterable[str]) -> list[str]:
        """The `--fail-on` conditions this review meets."""
        met = {"open-must": bool(self.open_must), "overdue": bool(self.overdue), "drift": self.drift}
        return [c for c in conditions if met.get(c)]


def _level(row: Row) -> str | None:
    return row.item.level if row.item is not None else None


def review_answers(review: Review, library: Library) -> planning.Answers:
    """The review's answers; a question it leaves out (one added to the library since) is not answered."""
    return planning.resolve(library, dict(review.answers))


def status(review: Review, library: Library, *, today: dt.date | None = None) -> Status:
    day = (today or dt.date.today()).isoformat()
    answers = review_answers(review, library)
    plan_ids = [e.item.global_id for e in planning.entries(library, answers)]
    selected = set(plan_ids)
    rows = []
    for entry in review.entries:
        item = library.item(entry.current) if entry.current else None
        rows.append(Row(entry=entry, item=item, owner=entry.owner or (item.owner if item else None),
                        overdue=entry.status == "open" and bool(entry.due) and str(entry.due) < day,
                        changed=item is not None and entry.seen is not None and entry.seen != item_hash(item),
                        applies=entry.current in selected))
    listed = {r.entry.current for r in rows if r.entry.current}
    known = {t for t, _ in review.answers}
    return Status(
        review=review, as_of=day, rows=tuple(rows),
        added=tuple(library.item(i) for i in plan_ids if i not in listed),  # type: ignore[misc]
        changed=tuple(r for r in rows if r.changed), removed=tuple(r for r in rows if r.item is None),
        no_longer_applies=tuple(r for r in rows if r.item is not None and not r.applies),
        unanswered=tuple(t.id for t in library.traits if t.id not in known))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _title(vocabulary: Mapping[str, Any], key: str | None, missing: str) -> str:
    return vocabulary[key].title if key in vocabulary else missing


def _text(row: Row) -> str:
    return row.item.text if row.item is not None else "(no longer in the library)"


def status_data(found: Status) -> dict[str, Any]:
    review = found.review
    rows = [r for r in found.rows if r.item is not None]

    def tally(selected: list[Row]) -> dict[str, int]:
        return {**{s: sum(1 for r in selected if r.entry.status == s) for s in STATUSES},
                "must_open": sum(1 for r in selected if r.entry.status == "open" and _level(r) == "must")}

    by_stage = {k: tally([r for r in rows if r.item and r.item.stage == k]) for k in STAGES}
    by_owner = {k: tally([r for r in rows if r.owner == k]) for k in ROLES}
    return {
        "review": review.id, "path": review.path.as_posix(), "product": review.product, "as_of": found.as_of,
        "created": review.created, "library": {"version": review.library_version, "revision": review.library_revision,
                                               "now": __version__},
        "counts": {"items": len(found.rows), **tally(rows), "must": sum(1 for r in rows if _level(r) == "must")},
        "by_stage": {k: v for k, v in by_stage.items() if sum(v[s] for s in STATUSES)},
        "by_owner": {k: v for k, v in by_owner.items() if sum(v[s] for s in STATUSES)},
        "overdue": [{"id": r.entry.id, "text": _text(r), "due": r.entry.due, "owner": r.owner} for r in found.overdue],
        "open_must": [{"id": r.entry.current, "text": _text(r), "owner": r.owner} for r in found.open_must],
        "drift": {
            "added": [{"id": i.global_id, "text": i.text, "level": i.level} for i in found.added],
            "changed": [{"id": r.entry.current, "text": _text(r)} for r in found.changed],
            "removed": [{"id": r.entry.id} for r in found.removed],
            "no_longer_applies": [{"id": r.entry.current, "text": _text(r)} for r in found.no_longer_applies],
            "unanswered_questions": list(found.unanswered),
        },
    }


def status_markdown(found: Status) -> str:
    data, review = status_data(found), found.review
    c = data["counts"]
    lines = [f"## Review: {review.product} (`{data['path']}`)", "",
             f"Created {review.created} against the playbooks version {review.library_version or 'unknown'}"
             + (f" ({review.library_revision})" if review.library_revision else "")
             + f"; the library is now at version {__version__}. Status as of {found.as_of}.", "",
             f"**Progress:** {c['done']} of {c['items']} checks done; {c['not-applicable']} not applicable, "
             f"{c['risk-accepted']} risk accepted, {c['open']} open, of which {c['must_open']} must.", ""]
    lines += ["| Stage | Done | Open | Open must | Not applicable | Risk accepted |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {_title(STAGES, k, k)} | {v['done']} | {v['open']} | {v['must_open']} | {v['not-applicable']} | "
              f"{v['risk-accepted']} |" for k, v in data["by_stage"].items()]
    lines += ["", "| Owner | Done | Open | Open must | Not applicable | Risk accepted |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {_title(ROLES, k, k)} | {v['done']} | {v['open']} | {v['must_open']} | {v['not-applicable']} | "
              f"{v['risk-accepted']} |" for k, v in data["by_owner"].items()]
    lines += ["", f"**Overdue:** {len(found.overdue) or 'none'}"]
    lines += [f"- `{r['id']}` due {r['due']} ({_title(ROLES, r['owner'], 'no owner')}): {r['text']}" for r in data["overdue"]]
    drift = data["drift"]
    lines += ["", "**Changed in the library since the review:**" + ("" if found.drift or drift["no_longer_applies"] or
                                                                    drift["unanswered_questions"] else " nothing")]
    if drift["added"]:
        lines.append(f"- {_plural(len(drift['added']), 'check')} added that apply to this product:")
        lines += [f"  - `{a['id']}` ({a['level'] or 'no level'}): {a['text']}" for a in drift["added"]]
    if drift["changed"]:
        lines.append(f"- {_plural(len(drift['changed']), 'check')} whose text changed:")
        lines += [f"  - `{a['id']}`: {a['text']}" for a in drift["changed"]]
    if drift["removed"]:
        lines.append(f"- {_plural(len(drift['removed']), 'check')} no longer in the library:")
        lines += [f"  - `{a['id']}`" for a in drift["removed"]]
    if drift["no_longer_applies"]:
        lines.append(f"- {_plural(len(drift['no_longer_applies']), 'check')} the answers no longer select:")
        lines += [f"  - `{a['id']}`: {a['text']}" for a in drift["no_longer_applies"]]
    if drift["unanswered_questions"]:
        lines.append(f"- {_plural(len(drift['unanswered_questions']), 'question')} the review does not answer: "
                     + ", ".join(f"`{t}`" for t in drift["unanswered_questions"]))
    return "\n".join(lines) + "\n"


def status_json(found: Iterable[Status]) -> str:
    return json.dumps({"reviews": [status_data(s) for s in found]}, ensure_ascii=False, indent=2) + "\n"
