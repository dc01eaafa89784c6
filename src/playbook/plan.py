"""A review plan: the items of the library that apply to one product, given its answers.

A product answers each trait question of `playbook_data/traits.yaml` with yes, no or not sure, or
leaves it unanswered. Playbooks and items declare when they apply: `applies_when` (at least one
of these traits), `applies_when_all` (every one of these) and `skip_when` (none of these); an
item's condition is its playbook's and its own together (`condition`).

`Condition.verdict` is the one rule, in three-valued logic: True when the answers make the item
apply, False when they rule it out, None when it depends on a question answered "not sure" or not
answered. A plan keeps the items whose verdict is True or None, and says for the second kind which
answers would decide them: a reviewer resolves them, nobody silently drops them. `playbook plan`
uses this module; the "Plan my review" page evaluates the same conditions from the page data
(`page_data`, written at build time) with the same rule in plan.js, and a browser test holds the
two to the same list.

A follow-up question (`requires`) depends on its parent: yes to the follow-up means yes to the
parent, and a parent answered no makes the follow-up no (`answers`).

The plan lists items by lifecycle stage, then must before should before could, then by owner, in
library order within that. The renderers at the bottom write it as a review record: JSON and CSV
with empty done and note fields, or a Markdown task list.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import __version__, markup
from .export import ordered, safe_cell
from .model import Item, Library, Playbook, Trait
from .vocab import LEVELS, ROLES, STAGES

RECORD_FORMAT = "genai-playbook-review"  # the `format` of JSON records, from the command and the page

YES, NO, UNSURE, UNANSWERED = "yes", "no", "not sure", "not answered"
ANSWERS = (YES, NO, UNSURE, UNANSWERED)  # the four states of a question, as records write them


# -- answers ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Answers:
    """One answer per trait of the library, in the library's order."""

    values: tuple[tuple[str, str], ...]
    implied: tuple[str, ...] = ()  # parents made yes (or not sure) by an answer to a follow-up

    def __getitem__(self, trait: str) -> str:
        return dict(self.values).get(trait, NO)

    def with_answer(self, answer: str) -> tuple[str, ...]:
        return tuple(t for t, a in self.values if a == answer)

    @property
    def yes(self) -> tuple[str, ...]:
        return self.with_answer(YES)

    def truth(self, trait: str) -> bool | None:
        """True for yes, False for no, None when not known (not sure, not answered)."""
        answer = self[trait]
        return True if answer == YES else False if answer == NO else None


class UnknownTraits(ValueError):
    def __init__(self, unknown: list[str]):
        self.unknown = unknown
        super().__init__(f"unknown trait(s): {', '.join(unknown)}")


def unknown_traits(library: Library, traits: Iterable[str]) -> list[str]:
    known = {t.id for t in library.traits}
    return [t for t in dict.fromkeys(traits) if t not in known]


def answers(library: Library, yes: Iterable[str] = (), unsure: Iterable[str] = (),
            unanswered: Iterable[str] = ()) -> Answers:
    """The answers of `playbook plan --trait ... --unsure ...` (and of a shared link, which can also
    leave questions open): yes to `yes`, not sure to `unsure`, not answered to `unanswered`, and no
    to every other trait. A trait named twice takes the first of yes, not sure, not answered.
    Raises UnknownTraits for a trait the library does not define."""
    yes, unsure, unanswered = list(yes), list(unsure), list(unanswered)
    unknown = unknown_traits(library, [*yes, *unsure, *unanswered])
    if unknown:
        raise UnknownTraits(unknown)
    given: dict[str, str] = {}
    for answer, traits in ((YES, yes), (UNSURE, unsure), (UNANSWERED, unanswered)):
        for trait in traits:
            given.setdefault(trait, answer)
    return resolve(library, {t.id: given.get(t.id, NO) for t in library.traits})


def resolve(library: Library, given: Mapping[str, str]) -> Answers:
    """Complete answers from `given` (trait -> answer, missing ones not answered), with follow-ups
    made consistent with their parents: a follow-up's yes makes its parent yes, its not sure makes
    a "no" parent not sure, and a parent's no makes its follow-ups no."""
    values = {t.id: given.get(t.id, UNANSWERED) for t in library.traits}
    implied = []
    for trait in reversed(library.traits):  # deepest follow-ups first, so a chain lifts to its root
        parent = trait.requires
        if parent is None or parent not in values:
            continue
        if values[trait.id] == YES and values[parent] != YES:
            values[parent] = YES
            implied.append(parent)
        elif values[trait.id] == UNSURE and values[parent] == NO:
            values[parent] = UNSURE
            implied.append(parent)
    for trait in library.traits:  # parents before follow-ups
        if trait.requires is not None and values.get(trait.requires) == NO:
            values[trait.id] = NO
    return Answers(values=tuple(values.items()), implied=tuple(dict.fromkeys(implied)))


# -- conditions --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Condition:
    """When an item applies: the product has a trait of every group of `applies_when`, and none of
    `skip_when`. No groups and no skip traits: it applies to every product."""

    applies_when: tuple[tuple[str, ...], ...] = ()
    skip_when: tuple[str, ...] = ()

    def verdict(self, answers: Answers) -> bool | None:
        """True: applies. False: ruled out. None: depends on answers that are not sure or missing."""
        result: bool | None = True
        for group in self.applies_when:
            found = [answers.truth(t) for t in group]
            if True in found:
                continue
            if None not in found:
                return False
            result = None
        for trait in self.skip_when:
            found_skip = answers.truth(trait)
            if found_skip is True:
                return False
            if found_skip is None:
                result = None
        return result

    def holds(self, traits: Collection[str]) -> bool:
        """The verdict for a product that has exactly `traits` (every other answer no)."""
        return (all(any(t in traits for t in group) for group in self.applies_when)
                and not any(t in traits for t in self.skip_when))

    def open_traits(self, answers: Answers) -> tuple[str, ...]:
        """The traits in this condition whose answers are not known: answering them decides it."""
        named = [t for group in self.applies_when for t in group] + list(self.skip_when)
        return tuple(t for t in dict.fromkeys(named) if answers.truth(t) is None)

    def traits(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys([t for group in self.applies_when for t in group] + list(self.skip_when)))

    def __bool__(self) -> bool:
        return bool(self.applies_when or self.skip_when)

    def to_data(self) -> dict[str, Any]:
        return {"applies_when": [list(group) for group in self.applies_when], "skip_when": list(self.skip_when)}


def condition(item: Item, playbook: Playbook) -> Condition:
    """The item's effective condition: its playbook's and its own. A group that holds every trait
    of another group says nothing more ("a or b or c", and "a or b", is "a or b"), so it is left out."""
    groups: list[tuple[str, ...]] = []
    for group in (playbook.applies_when, item.applies_when,
                  *((t,) for t in playbook.applies_when_all), *((t,) for t in item.applies_when_all)):
        if group and group not in groups:
            groups.append(group)
    kept = tuple(g for g in groups if not any(set(other) < set(g) for other in groups))
    return Condition(applies_when=kept, skip_when=tuple(dict.fromkeys(playbook.skip_when + item.skip_when)))


def applies(item: Item, playbook: Playbook, traits: Collection[str]) -> bool:
    """Whether `item` (of `playbook`) applies to a product that has exactly `traits`."""
    return condition(item, playbook).holds(traits)


def describe(when: Condition, library: Library) -> str:
    """The condition in plain words, with each trait's label, never an id: "Applies when the product
    A and B.", "Applies when the product either A, or B.", "Applies to a product that A, when at
    least one of these is true: it B; it C.", and with several such choices, numbered: "... when
    each of these holds: (1) at least one of: it B; it C; (2) ...". plan.js writes the same words."""
    labels = {t.id: t.label for t in library.traits}

    def name(trait: str) -> str:
        return labels.get(trait, trait)

    def either(names: list[str]) -> str:
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + ", or " + names[-1]

    def one_of(names: list[str]) -> str:
        return "; ".join(f"it {n}" for n in names)

    if not when:
        return "Applies to every product."
    needed = [name(g[0]) for g in when.applies_when if len(g) == 1]
    choices = [[name(t) for t in g] for g in when.applies_when if len(g) > 1]
    that = f"that {' and '.join(needed)}, " if needed else ""
    if not choices and needed:
        text = "Applies when the product " + " and ".join(needed) + "."
    elif not needed and len(choices) == 1 and len(choices[0]) == 2:
        text = "Applies when the product either " + either(choices[0]) + "."
    elif len(choices) == 1:
        text = f"Applies to a product {that}when at least one of these is true: {one_of(choices[0])}."
    elif choices:
        text = (f"Applies to a product {that}when each of these holds: "
                + "; ".join(f"({n}) at least one of: {one_of(c)}" for n, c in enumerate(choices, 1)) + ".")
    else:
        text = ""
    if when.skip_when:
        text += (" Not when it " if text else "Applies unless the product ") + either([name(t) for t in when.skip_when]) + "."
    return text


# -- selection --------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Entry:
    """An item of a plan: `open` is empty when the answers make it apply, otherwise it lists the
    traits, not yet answered yes or no, on which it depends."""

    item: Item
    playbook: Playbook
    condition: Condition
    open: tuple[str, ...] = ()


def _rank(order: Iterable[str]) -> Callable[[str | None], int]:
    index = {key: i for i, key in enumerate(order)}
    return lambda key: index.get(key or "", len(index))


def ordered_items(library: Library) -> list[Item]:
    """Every item of the library in plan order: stage, level, owner, then library order."""
    stage, owner, level = _rank(STAGES), _rank(ROLES), _rank(LEVELS)
    items = [item for playbook in ordered(library) for item in playbook.items]
    position = {item.global_id: i for i, item in enumerate(items)}
    return sorted(items, key=lambda i: (stage(i.stage), level(i.level), owner(i.owner), position[i.global_id]))


def _as_answers(library: Library, given: Answers | Collection[str]) -> Answers:
    return given if isinstance(given, Answers) else answers(library, given)


def entries(library: Library, given: Answers | Collection[str]) -> list[Entry]:
    """The plan: items whose verdict is not False, in plan order. `given` is Answers, or the traits
    a product has (every other answer no). Raises UnknownTraits for a trait the library lacks."""
    chosen = _as_answers(library, given)
    found = []
    for item in ordered_items(library):
        playbook = _playbook(library, item)
        when = condition(item, playbook)
        verdict = when.verdict(chosen)
        if verdict is not False:
            found.append(Entry(item=item, playbook=playbook, condition=when,
                               open=() if verdict else when.open_traits(chosen)))
    return found


def select(library: Library, given: Answers | Collection[str]) -> list[Item]:
    """The items of the plan for `given` (see `entries`), in plan order."""
    return [entry.item for entry in entries(library, given)]


def groups(items: Iterable[Item]) -> list[tuple[str | None, list[Item]]]:
    """Items in plan order as [(stage, items), ...], keeping their order."""
    result: list[tuple[str | None, list[Item]]] = []
    for item in items:
        if not result or result[-1][0] != item.stage:
            result.append((item.stage, []))
        result[-1][1].append(item)
    return result


def _playbook(library: Library, item: Item) -> Playbook:
    playbook = library.playbook(item.playbook_id)
    assert playbook is not None  # items only come from the library's playbooks
    return playbook


# -- what the library's conditions allow --------------------------------------------------------------


def universal(library: Library) -> list[Item]:
    """The items that apply to every product: no condition of their own or their playbook's."""
    return [i for p in library.playbooks for i in p.items if not condition(i, p)]


def witness(library: Library, item: Item) -> frozenset[str] | None:
    """A set of traits (yes; every other no) for which `item` applies, or None if none exists.

    A condition in conjunctive form is satisfiable by a "yes" set unless its skip traits cover a
    whole group: pick from each group a trait that is not skipped. Follow-ups bring their parents.
    """
    when = condition(item, _playbook(library, item))
    chosen: set[str] = set()
    for group in when.applies_when:
        free = [t for t in group if t not in when.skip_when]
        if not free:
            return None
        chosen.add(next((t for t in free if t in chosen), free[0]))
    parents = {t.id: t.requires for t in library.traits}
    for trait in list(chosen):
        while parents.get(trait):
            trait = parents[trait] or ""
            chosen.add(trait)
    return frozenset(chosen) if when.holds(chosen) else None


# -- the review record ------------------------------------------------------------------------------


def _trait_question(trait: Trait) -> dict[str, Any]:
    return {"id": trait.id, "question": trait.question, "label": trait.label}


def plan_data(library: Library, given: Answers | Collection[str], *, today: dt.date | None = None,
              product: str = "") -> dict[str, Any]:
    """The plan as a review record: the product's answers and every item of the plan, not done yet."""
    chosen = _as_answers(library, given)
    found = entries(library, given)
    labels = {t.id: t.label for t in library.traits}
    records = []
    for entry in found:
        item, playbook = entry.item, entry.playbook
        records.append({
            "id": item.global_id, "playbook_id": playbook.id, "playbook_title": playbook.title,
            "url": f"{playbook.url}#{item.id}", "text": item.text, "level": item.level, "owner": item.owner,
            "stage": item.stage, **entry.condition.to_data(), "when": describe(entry.condition, library),
            "applies": "yes" if not entry.open else "depends",
            "depends_on": [{"id": t, "label": labels[t], "answer": chosen[t]} for t in entry.open],
            "done": False, "note": "",
        })
    return {
        "format": RECORD_FORMAT,
        "version": 2,
        "site_version": __version__,
        "created": (today or dt.date.today()).isoformat(),
        "product": product,
        "traits": list(chosen.yes),
        "unsure": list(chosen.with_answer(UNSURE)),
        "unanswered": list(chosen.with_answer(UNANSWERED)),
        "answers": [{**_trait_question(t), "answer": chosen[t.id]} for t in library.traits],
        "counts": {"items": len(found), "must": sum(1 for e in found if e.item.level == "must"),
                   "depends": sum(1 for e in found if e.open),
                   "playbooks": len({e.playbook.id for e in found})},
        "items": records,
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ["record", "stage", "level", "owner", "id", "playbook_title", "text", "url", "when", "answer",
               "done", "note"]


def to_csv(data: dict[str, Any]) -> str:
    """One row per answer (record "answer"), then one per item (record "item"); cells that a
    spreadsheet would read as a formula are neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for answer in data["answers"]:
        writer.writerow({k: safe_cell(v) for k, v in {
            "record": "answer", "id": answer["id"], "text": answer["question"], "answer": answer["answer"]}.items()})
    for record in data["items"]:
        writer.writerow({k: safe_cell(v) for k, v in {
            "record": "item", "stage": _title(STAGES, record["stage"], ""), "level": record["level"] or "",
            "owner": _title(ROLES, record["owner"], ""), "id": record["id"], "playbook_title": record["playbook_title"],
            "text": record["text"], "url": record["url"], "when": _when_cell(record),
            "answer": "", "done": "", "note": ""}.items()})
    return buffer.getvalue()


def _when_cell(record: dict[str, Any]) -> str:
    if record["applies"] == "yes":
        return record["when"]
    return "Depends on: " + "; ".join(f"{d['label']} ({d['answer']})" for d in record["depends_on"])


def _counted(items: list[dict[str, Any]]) -> str:
    must = sum(1 for i in items if i["level"] == "must")
    return f"{len(items)} item{'s' if len(items) != 1 else ''}, {must} must"


def _title(vocabulary: Mapping[str, Any], key: str | None, missing: str) -> str:
    return vocabulary[key].title if key in vocabulary else missing


def to_markdown(data: dict[str, Any]) -> str:
    """The plan as a Markdown task list to keep in a repository or paste into a review document."""
    counts = data["counts"]
    lines = [f"# Review plan{': ' + data['product'] if data.get('product') else ''}", "",
             f"Created {data['created']} from the GenAI product playbook, version {data['site_version']}: "
             f"{counts['items']} items from {counts['playbooks']} playbooks, {counts['must']} of them must items"
             + (f"; {counts['depends']} depend on questions answered not sure or not answered." if counts["depends"]
                else "."),
             "", "## Product answers", ""]
    lines += [f"- {a['answer'].capitalize()}: {a['question']}" for a in data["answers"]]
    by_stage: dict[str | None, list[dict[str, Any]]] = {}
    for record in data["items"]:
        by_stage.setdefault(record["stage"], []).append(record)
    for stage, records in by_stage.items():
        lines += ["", f"## {_title(STAGES, stage, 'No stage')}: {_counted(records)}", ""]
        for r in records:
            facts = [f"**{r['level']}**" if r["level"] else "", _title(ROLES, r["owner"], "")]
            line = f"- [ ] {r['text']} ({', '.join(f for f in facts if f)}; `{r['id']}`)"
            if r["applies"] != "yes":
                line += "\n  - Depends on: " + "; ".join(f"{d['label']} ({d['answer']})" for d in r["depends_on"])
            lines.append(line)
    return "\n".join(lines) + "\n"


RECORD_FORMATS: dict[str, Callable[[dict[str, Any]], str]] = {"md": to_markdown, "json": to_json, "csv": to_csv}


def plan_record(library: Library, given: Answers | Collection[str], fmt: str = "md", *,
                today: dt.date | None = None) -> str:
    """The plan for a product as a review record in `fmt` (md, json or csv)."""
    return RECORD_FORMATS[fmt](plan_data(library, given, today=today))


# -- the page's data ---------------------------------------------------------------------------------


def page_data(library: Library, *, url: Callable[[Playbook], str]) -> dict[str, Any]:
    """What the "Plan my review" page loads with it: the plan items in plan order with their
    conditions, and the questions, stages, levels, owners and playbooks they name. An item's
    details (why, how, references) are not repeated here: the page takes them from the item on its
    playbook's page when a reader opens it. `url` gives a playbook's page as seen from the plan page."""
    books = [p for p in ordered(library)]
    index = {p.id: i for i, p in enumerate(books)}
    items = []
    for item in ordered_items(library):
        playbook = _playbook(library, item)
        when = condition(item, playbook)
        row: dict[str, Any] = {"id": item.global_id, "text": markup.plain(item.text), "level": item.level or "",
                               "owner": item.owner or "", "stage": item.stage or "", "book": index[playbook.id],
                               "seen": item.seen}
        if when.applies_when:
            row["all"] = [list(g) for g in when.applies_when]
        if when.skip_when:
            row["skip"] = list(when.skip_when)
        if item.replaces:
            row["replaces"] = [f"{playbook.id}/{old}" for old in item.replaces]
        items.append(row)
    head = {
        "format": "genai-playbook-plan-data", "version": 1, "site_version": __version__,
        "traits": [{"id": t.id, "label": t.label, **({"requires": t.requires} if t.requires else {})}
                   for t in library.traits],
        "stages": [{"id": k, "title": v.title} for k, v in STAGES.items()],
        "levels": [{"id": k, "title": v.title} for k, v in LEVELS.items()],
        "owners": [{"id": k, "title": v.title} for k, v in ROLES.items()],
        "playbooks": [{"id": p.id, "title": p.title, "url": url(p)} for p in books],
        "items": items,
    }
    return head
