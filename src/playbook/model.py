"""The library as typed, frozen objects, built only from documents that passed validation."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, Mapping

from .vocab import CATEGORIES


@dataclass(frozen=True, kw_only=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True, kw_only=True)
class Reference:
    """One external framework entry an item points at (`refs: {framework: [entry, ...]}`)."""

    framework: str
    entry: str


@dataclass(frozen=True, kw_only=True)
class Item:
    playbook_id: str
    id: str
    text: str
    level: str | None = None
    owner: str | None = None
    stage: str | None = None
    why: str | None = None
    how: str | None = None
    refs: tuple[Reference, ...] = ()
    related: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    applies_when: tuple[str, ...] = ()
    applies_when_all: tuple[str, ...] = ()
    skip_when: tuple[str, ...] = ()
    line: int = 0

    @property
    def global_id(self) -> str:
        """`<playbook-id>/<item-id>`: the key of saved progress, stable across edits."""
        return f"{self.playbook_id}/{self.id}"

    @property
    def seen(self) -> str:
        """The first 8 hex digits of the SHA-256 of the text: what a review records as `seen`, to
        tell later whether the text changed since the reviewers read it."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:8]

    def related_ids(self) -> tuple[str, ...]:
        """The related items as global ids."""
        return tuple(r if "/" in r else f"{self.playbook_id}/{r}" for r in self.related)

    def to_data(self) -> dict[str, Any]:
        """The item as it is written in YAML (only the fields it has), for export."""
        return _present(self, exclude={"playbook_id", "line"}, convert={"refs": _refs_as_data})


@dataclass(frozen=True, kw_only=True)
class Playbook:
    id: str
    title: str
    category: str
    summary: str
    items: tuple[Item, ...]
    intro: str | None = None
    owner: str | None = None
    version: str | None = None
    last_reviewed: str | None = None
    review_interval_days: int | None = None
    tags: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    applies_when: tuple[str, ...] = ()
    applies_when_all: tuple[str, ...] = ()
    skip_when: tuple[str, ...] = ()
    path: Path = field(default=Path(), compare=False)

    @property
    def url(self) -> str:
        """Path of the playbook's page relative to the site root, e.g. `ethics/bias-and-fairness/`."""
        return f"{self.category}/{self.id}/"

    @property
    def src_uri(self) -> str:
        """The generated Markdown page's name inside the docs tree."""
        return f"{self.category}/{self.id}.md"

    def item(self, item_id: str) -> Item | None:
        return next((i for i in self.items if i.id == item_id), None)

    def to_data(self) -> dict[str, Any]:
        """The playbook as it is written in YAML plus its `url`, for export."""
        data = _present(self, exclude={"path"}, convert={
            "items": lambda items: [item.to_data() for item in items],
            "links": lambda links: [{"title": link.title, "url": link.url} for link in links],
        })
        out: dict[str, Any] = {}
        for key, value in data.items():
            out[key] = value
            if key == "category":
                out["url"] = self.url
        return out


@dataclass(frozen=True, kw_only=True)
class FrameworkEntry:
    id: str
    title: str
    group: str | None = None
    gap: str | None = None


@dataclass(frozen=True, kw_only=True)
class Framework:
    id: str
    title: str
    edition: str
    publisher: str
    url: str
    entries: tuple[FrameworkEntry, ...]
    short_title: str | None = None
    entry_url: str | None = None
    description: str | None = None
    path: Path = field(default=Path(), compare=False)

    @property
    def name(self) -> str:
        return self.short_title or self.title

    def entry(self, entry_id: str) -> FrameworkEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


@dataclass(frozen=True, kw_only=True)
class Trait:
    """A yes/no property of a product (`playbook_data/traits.yaml`) that decides what applies to it.

    `label` completes "the product ..." in plain words; pages and records show it, never the id.
    `requires` names the parent of a follow-up question (asked only when the parent is not "no")."""

    id: str
    question: str
    label: str
    help: str
    example: str
    group: str | None = None
    requires: str | None = None


@dataclass(frozen=True, kw_only=True)
class Library:
    playbooks: tuple[Playbook, ...]
    frameworks: tuple[Framework, ...] = ()
    traits: tuple[Trait, ...] = ()

    @cached_property
    def _by_id(self) -> dict[str, Playbook]:
        return {p.id: p for p in self.playbooks}

    @cached_property
    def _items(self) -> dict[str, Item]:
        return {i.global_id: i for p in self.playbooks for i in p.items}

    def playbook(self, playbook_id: str) -> Playbook | None:
        return self._by_id.get(playbook_id)

    def item(self, global_id: str) -> Item | None:
        return self._items.get(global_id)

    def framework(self, framework_id: str) -> Framework | None:
        return next((f for f in self.frameworks if f.id == framework_id), None)

    def trait(self, trait_id: str) -> Trait | None:
        return next((t for t in self.traits if t.id == trait_id), None)

    def items(self) -> Iterator[Item]:
        for playbook in self.playbooks:
            yield from playbook.items

    def by_category(self) -> dict[str, tuple[Playbook, ...]]:
        """Playbooks per category, categories in lifecycle order, playbooks by title."""
        groups: dict[str, list[Playbook]] = {c: [] for c in CATEGORIES}
        for playbook in self.playbooks:
            groups.setdefault(playbook.category, []).append(playbook)
        return {c: tuple(sorted(ps, key=lambda p: p.title.casefold())) for c, ps in groups.items()}

    def tags(self) -> dict[str, tuple[Playbook, ...]]:
        result: dict[str, list[Playbook]] = {}
        for playbook in self.playbooks:
            for tag in playbook.tags:
                result.setdefault(tag, []).append(playbook)
        return {t: tuple(ps) for t, ps in sorted(result.items())}


def build_item(playbook_id: str, data: Mapping[str, Any], line: int = 0) -> Item:
    refs = tuple(Reference(framework=fw, entry=entry)
                 for fw, entries in (data.get("refs") or {}).items() for entry in entries)
    return Item(
        playbook_id=playbook_id,
        id=data["id"],
        text=data["text"],
        level=data.get("level"),
        owner=data.get("owner"),
        stage=data.get("stage"),
        why=data.get("why"),
        how=data.get("how"),
        refs=refs,
        related=tuple(data.get("related") or ()),
        replaces=tuple(data.get("replaces") or ()),
        tags=tuple(data.get("tags") or ()),
        applies_when=tuple(data.get("applies_when") or ()),
        applies_when_all=tuple(data.get("applies_when_all") or ()),
        skip_when=tuple(data.get("skip_when") or ()),
        line=line,
    )


def build_playbook(data: Mapping[str, Any], path: Path, item_lines: list[int] | None = None) -> Playbook:
    """A Playbook from a document that passed validation (never from unchecked data)."""
    lines = item_lines or [0] * len(data["items"])
    return Playbook(
        id=data["id"],
        title=data["title"],
        category=data["category"],
        summary=data["summary"],
        intro=data.get("intro"),
        owner=data.get("owner"),
        version=data.get("version"),
        last_reviewed=data.get("last_reviewed"),
        review_interval_days=data.get("review_interval_days"),
        tags=tuple(data.get("tags") or ()),
        links=tuple(Link(title=link["title"], url=link["url"]) for link in data.get("links") or ()),
        applies_when=tuple(data.get("applies_when") or ()),
        applies_when_all=tuple(data.get("applies_when_all") or ()),
        skip_when=tuple(data.get("skip_when") or ()),
        items=tuple(build_item(data["id"], item, line) for item, line in zip(data["items"], lines)),
        path=path,
    )


def build_framework(data: Mapping[str, Any], path: Path) -> Framework:
    return Framework(
        id=data["id"],
        title=data["title"],
        short_title=data.get("short_title"),
        edition=data["edition"],
        publisher=data["publisher"],
        url=data["url"],
        entry_url=data.get("entry_url"),
        description=data.get("description"),
        entries=tuple(FrameworkEntry(id=e["id"], title=e["title"], group=e.get("group"), gap=e.get("gap"))
                      for e in data["entries"]),
        path=path,
    )


def build_traits(data: Mapping[str, Any]) -> tuple[Trait, ...]:
    """The traits of a `traits.yaml` document that passed validation."""
    return tuple(Trait(id=t["id"], question=t["question"], label=t["label"], help=t["help"], example=t["example"],
                       group=t.get("group"), requires=t.get("requires"))
                 for t in data["traits"])


def _present(obj: Any, *, exclude: set[str], convert: dict[str, Any] | None = None) -> dict[str, Any]:
    """The fields `obj` has (not None, not empty), under their YAML names, as plain data."""
    data: dict[str, Any] = {}
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name in exclude or value is None or value == ():
            continue
        if convert and f.name in convert:
            value = convert[f.name](value)
        elif isinstance(value, tuple):
            value = list(value)
        data[f.name] = value
    return data


def _refs_as_data(refs: tuple[Reference, ...]) -> dict[str, list[str]]:
    """`refs` as written in YAML: framework id -> entry ids."""
    data: dict[str, list[str]] = {}
    for ref in refs:
        data.setdefault(ref.framework, []).append(ref.entry)
    return data
