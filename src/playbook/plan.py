"""A review plan: the items of the library that apply to one product, given the traits it has.

Playbooks and items declare conditions on product traits (`playbook_data/traits.yaml`):
`applies_when` (applies only to products with at least one of these traits) and `skip_when`
(does not apply to products with any of them). An item's condition is its playbook's and its
own together. `Condition.holds` is the one rule: `playbook plan` uses it here, and the "Plan my
review" page carries each item's condition as data attributes (`Condition.attributes`) that
plan.js evaluates the same way.

The plan lists items by lifecycle stage, then by owner, must items first, then should and could;
within that, in library order. The renderers at the bottom write it as a review record to fill in:
JSON and CSV with empty done/note fields, or a Markdown task list.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Any

from . import __version__
from .export import ordered
from .model import Item, Library, Playbook
from .vocab import LEVELS, ROLES, STAGES

RECORD_FORMAT = "genai-playbook-review"  # the `format` of JSON records, from the command and the page


@dataclass(frozen=True, kw_only=True)
class Condition:
    """When an item applies: the product has a trait of every `applies_when` group, and none of
    `skip_when`. No groups and no skip traits: it applies to every product."""

    applies_when: tuple[tuple[str, ...], ...] = ()
    skip_when: tuple[str, ...] = ()

    def holds(self, traits: Collection[str]) -> bool:
        return (all(any(t in traits for t in group) for group in self.applies_when)
                and not any(t in traits for t in self.skip_when))

    def __bool__(self) -> bool:
        return bool(self.applies_when or self.skip_when)

    def attributes(self) -> dict[str, str]:
        """HTML data attributes for the page: groups joined by ';', traits of a group by spaces."""
        found = {}
        if self.applies_when:
            found["data-applies-when"] = ";".join(" ".join(group) for group in self.applies_when)
        if self.skip_when:
            found["data-skip-when"] = " ".join(self.skip_when)
        return found

    def to_data(self) -> dict[str, Any]:
        return {"applies_when": [list(group) for group in self.applies_when], "skip_when": list(self.skip_when)}


def condition(item: Item, playbook: Playbook) -> Condition:
    """The item's effective condition: its playbook's and its own."""
    groups: list[tuple[str, ...]] = []
    for group in (playbook.applies_when, item.applies_when):
        if group and group not in groups:
            groups.append(group)
    return Condition(applies_when=tuple(groups), skip_when=tuple(dict.fromkeys(playbook.skip_when + item.skip_when)))


def applies(item: Item, playbook: Playbook, traits: Collection[str]) -> bool:
    """Whether `item` (of `playbook`) applies to a product that has exactly `traits`."""
    return condition(item, playbook).holds(traits)


class UnknownTraits(ValueError):
    def __init__(self, unknown: list[str]):
        self.unknown = unknown
        super().__init__(f"unknown trait(s): {', '.join(unknown)}")


def unknown_traits(library: Library, traits: Iterable[str]) -> list[str]:
    known = {t.id for t in library.traits}
    return [t for t in dict.fromkeys(traits) if t not in known]


def _rank(order: Iterable[str]) -> Callable[[str | None], int]:
    index = {key: i for i, key in enumerate(order)}
    return lambda key: index.get(key or "", len(index))


def ordered_items(library: Library) -> list[Item]:
    """Every item of the library in plan order: stage, owner, level, then library order."""
    stage, owner, level = _rank(STAGES), _rank(ROLES), _rank(LEVELS)
    items = [item for playbook in ordered(library) for item in playbook.items]
    position = {item.global_id: i for i, item in enumerate(items)}
    return sorted(items, key=lambda i: (stage(i.stage), owner(i.owner), level(i.level), position[i.global_id]))


def select(library: Library, traits: Collection[str]) -> list[Item]:
    """The items that apply to a product with `traits`, in plan order. Raises UnknownTraits for
    a trait the library does not define."""
    unknown = unknown_traits(library, traits)
    if unknown:
        raise UnknownTraits(unknown)
    wanted = set(traits)
    return [item for item in ordered_items(library) if applies(item, _playbook(library, item), wanted)]


def groups(items: Iterable[Item]) -> list[tuple[str | None, list[tuple[str | None, list[Item]]]]]:
    """Items in plan order as [(stage, [(owner, items), ...]), ...], keeping their order."""
    result: list[tuple[str | None, list[tuple[str | None, list[Item]]]]] = []
    for item in items:
        if not result or result[-1][0] != item.stage:
            result.append((item.stage, []))
        owners = result[-1][1]
        if not owners or owners[-1][0] != item.owner:
            owners.append((item.owner, []))
        owners[-1][1].append(item)
    return result


def _playbook(library: Library, item: Item) -> Playbook:
    playbook = library.playbook(item.playbook_id)
    assert playbook is not None  # items only come from the library's playbooks
    return playbook


# -- the review record ------------------------------------------------------------------------


def plan_data(library: Library, traits: Collection[str], *, today: dt.date | None = None) -> dict[str, Any]:
    """The plan as a review record: the product's answers and every applicable item, not done yet."""
    items = select(library, traits)
    chosen = set(traits)
    records = []
    for item in items:
        playbook = _playbook(library, item)
        records.append({
            "id": item.global_id, "playbook_id": playbook.id, "playbook_title": playbook.title,
            "url": f"{playbook.url}#{item.id}", "text": item.text, "level": item.level, "owner": item.owner,
            "stage": item.stage, **condition(item, playbook).to_data(), "done": False, "note": "",
        })
    return {
        "format": RECORD_FORMAT,
        "version": 1,
        "site_version": __version__,
        "created": (today or dt.date.today()).isoformat(),
        "traits": [t.id for t in library.traits if t.id in chosen],
        "answers": [{"id": t.id, "question": t.question, "answer": t.id in chosen} for t in library.traits],
        "counts": {"items": len(items), "must": sum(1 for i in items if i.level == "must"),
                   "playbooks": len({i.playbook_id for i in items})},
        "items": records,
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["stage", "owner", "level", "id", "playbook_id", "playbook_title", "text", "url", "applies_when",
               "skip_when", "done", "note"]


def to_csv(data: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for record in data["items"]:
        writer.writerow({**record, "level": record["level"] or "", "owner": record["owner"] or "",
                         "stage": record["stage"] or "",
                         "applies_when": "; ".join(" or ".join(group) for group in record["applies_when"]),
                         "skip_when": " ".join(record["skip_when"]), "done": "", "note": ""})
    return buffer.getvalue()


def _counted(items: list[dict[str, Any]]) -> str:
    must = sum(1 for i in items if i["level"] == "must")
    return f"{len(items)} item{'s' if len(items) != 1 else ''}, {must} must"


def _title(vocabulary: dict[str, Any], key: str | None, missing: str) -> str:
    return vocabulary[key].title if key in vocabulary else missing


def to_markdown(data: dict[str, Any]) -> str:
    """The plan as a Markdown task list to keep in a repository or paste into a review document."""
    counts = data["counts"]
    lines = ["# Review plan", "",
             f"Created {data['created']} from the GenAI product playbook, version {data['site_version']}: "
             f"{counts['items']} items from {counts['playbooks']} playbooks apply, "
             f"{counts['must']} of them must items.",
             "", "## Product answers", ""]
    lines += [f"- {'Yes' if a['answer'] else 'No'}: {a['question']} (`{a['id']}`)" for a in data["answers"]]
    by_stage: dict[str | None, dict[str | None, list[dict[str, Any]]]] = {}
    for record in data["items"]:
        by_stage.setdefault(record["stage"], {}).setdefault(record["owner"], []).append(record)
    for stage, owners in by_stage.items():
        everything = [r for records in owners.values() for r in records]
        lines += ["", f"## {_title(STAGES, stage, 'No stage')}: {_counted(everything)}"]
        for owner, records in owners.items():
            lines += ["", f"### {_title(ROLES, owner, 'No owner')}: {_counted(records)}", ""]
            lines += [f"- [ ] {r['text']} (`{r['id']}`)" + (f" **{r['level']}**" if r["level"] else "")
                      for r in records]
    return "\n".join(lines) + "\n"


RECORD_FORMATS: dict[str, Callable[[dict[str, Any]], str]] = {"md": to_markdown, "json": to_json, "csv": to_csv}


def plan_record(library: Library, traits: Collection[str], fmt: str = "md", *, today: dt.date | None = None) -> str:
    """The plan for a product with `traits` as a review record in `fmt` (md, json or csv)."""
    return RECORD_FORMATS[fmt](plan_data(library, traits, today=today))
