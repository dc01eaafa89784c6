"""Validation: JSON Schema per file, then the rules that span files, as located problems."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema import Draft7Validator, FormatChecker, ValidationError

try:  # compiles the schema to Python: a validity check about 20 times faster than jsonschema's
    import fastjsonschema
except ImportError:  # pragma: no cover - without it every file takes jsonschema's slower path
    fastjsonschema = None

from . import markup, skeleton
from .problems import Hints, Problem, did_you_mean
from .source import JsonPath, Source, shown_key
from .vocab import (FRAMEWORK_PAGE_ANCHORS, RESERVED_FRAMEWORK_IDS, RESERVED_ITEM_IDS,
                    RESERVED_PLAYBOOK_IDS, entry_anchor)


def schema_dir() -> Path:
    """`schemas/` of the checkout (editable install) or the copy inside the installed package."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parents[1] / "schemas"):
        if (candidate / "playbook.schema.json").is_file():
            return candidate
    raise FileNotFoundError("schemas/playbook.schema.json not found next to the package")


@cache
def schema(name: str) -> dict[str, Any]:
    return json.loads((schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8"))


@cache
def _ecma(pattern: str) -> re.Pattern[str]:
    """A schema pattern as JSON Schema reads it (ECMA-262): a final `$` matches only at the very end.
    Python's `$` also matches before a final line break, so "checklist\\n" would pass an id pattern."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


def _pattern(validator: Any, pattern: str, instance: Any, schema_: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and not _ecma(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_Draft7 = jsonschema.validators.extend(Draft7Validator, {"pattern": _pattern})


@cache
def validator(name: str) -> Draft7Validator:
    """Built once per process: building a validator costs far more than using it."""
    return _Draft7(schema(name), format_checker=FormatChecker(formats=["date"]))


def _formats(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(_formats(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_formats(value) for value in node))
    return set()


@cache
def is_valid(name: str) -> Callable[[Any], bool]:
    """A fast check that says True only for documents `validator(name)` finds no error in.

    Most files are valid, and jsonschema spends most of its time resolving `$ref`s; so every
    file goes through fastjsonschema first, and only the ones it rejects through jsonschema,
    which finds and explains every error. The messages are therefore jsonschema's alone. Both
    use Python's `re` and the same format checker, and both read a final `$` as JSON Schema
    does (never before a final newline; see `_ecma`).
    """
    if fastjsonschema is None:  # pragma: no cover
        return lambda data: False
    checker = validator(name).format_checker
    assert checker is not None
    formats = {f: (lambda value, f=f: checker.conforms(value, f)) for f in _formats(schema(name))}
    compiled = fastjsonschema.compile(schema(name), formats=formats, use_default=False,
                                      detailed_exceptions=False)

    def check(data: Any) -> bool:
        try:
            compiled(data)
        except fastjsonschema.JsonSchemaException:
            return False
        except Exception:  # noqa: BLE001 - the fast path never decides alone: jsonschema will
            return False
        return True

    return check


# ---------------------------------------------------------------------------------------------
# JSON Schema errors as messages people can act on

_PATTERN_HINTS = {
    "^[a-z0-9]+(-[a-z0-9]+)*$":
        "must be kebab-case: lowercase letters and digits joined by single hyphens (e.g. 'model-choice')",
    "^[^\\n\\r]*\\S[^\\n\\r]*$": "must be one line of text (no line breaks)",
    "\\S": "must not be blank",
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$": "must be a date written YYYY-MM-DD",
    "^https://[^\\s<>\"']+$": "must be an https:// address without spaces or quotes",
    "^([a-z0-9]+(-[a-z0-9]+)*/)?[a-z0-9]+(-[a-z0-9]+)*$":
        "must be an item id ('item-id') or '<playbook-id>/<item-id>'",
    "^[0-9]+\\.[0-9]+$": "must be MAJOR.MINOR, such as \"1.0\"",
    "^\\S(.*\\S)?$": "must not start or end with spaces",
    "^[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$":
        "must be an item's global id, '<playbook-id>/<item-id>' in lowercase words joined by hyphens",
    "^(https://[^\\s<>\"']+|[A-Za-z0-9_][A-Za-z0-9_./-]*)$":
        "must be an https:// address or a path in this repository (letters, digits, '.', '_', '-', '/')",
    "^[0-9a-f]{8}$": "must be 8 lowercase hexadecimal digits, as `playbook review new` writes it",
    "^[0-9a-f]{7,40}$": "must be a Git commit id (7 to 40 lowercase hexadecimal digits)",
}

_LINE_PATTERN = "^[^\\n\\r]*\\S[^\\n\\r]*$"
_DATE_PATTERN = "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
_DATE_SHAPE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")  # digits where a date has them: the format check speaks

_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number",
               "number": "a number", "boolean": "true or false", "null": "nothing"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"text {_short(value)}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _short(value: Any, limit: int = 40) -> str:
    text = value if isinstance(value, str) else json.dumps(value)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _schema_problems(source: Source, name: str) -> Iterator[Problem]:
    if is_valid(name)(source.data):
        return
    errors = list(validator(name).iter_errors(source.data))
    # A list or mapping over its size limit is the cause: what is wrong inside it would only bury it.
    too_big = {tuple(e.absolute_path) for e in errors if e.validator in ("maxItems", "maxProperties")}
    for error in errors:
        path = tuple(error.absolute_path)
        if too_big and any(path[:n] in too_big for n in range(len(path))):
            continue
        yield from _describe(source, error)


def _describe(source: Source, error: jsonschema.ValidationError) -> Iterator[Problem]:
    path: JsonPath = tuple(error.absolute_path)
    kind, instance, expected = error.validator, error.instance, error.validator_value
    schema_here = error.schema if isinstance(error.schema, dict) else {}

    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else str(expected)
        yield source.problem(path, f"missing required field '{missing}'")
    elif kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema_here.get("properties", {}))
        for key in instance:
            if key not in allowed:
                hint = did_you_mean(key, allowed) or f" Allowed fields: {', '.join(allowed)}."
                yield source.problem(path + (key,), f"unknown field '{shown_key(key)}'.{hint}", key=True)
    elif kind == "type":
        if "enum" in schema_here:
            return  # the enum error lists the allowed values, which says more than the type
        wanted = expected if isinstance(expected, list) else [expected]
        names = " or ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        message = f"expected {names}, received {_kind(instance)}"
        if "string" in wanted and isinstance(instance, (int, float, bool)):
            message += "; put the value in quotes"
        elif "array" in wanted and isinstance(instance, (str, int, float)):
            message += f"; write a list, e.g. [{instance}]"
        elif path == () and "object" in wanted:
            message += "; a data file is a mapping of fields such as 'id: ...'"
        yield source.problem(path, message)
    elif kind == "enum":
        choices = [str(c) for c in expected]
        hint = did_you_mean(str(instance), choices) if isinstance(instance, str) else ""
        yield source.problem(path, f"expected one of: {', '.join(choices)}; received {_kind(instance)}.{hint}")
    elif kind == "pattern":
        if expected == _DATE_PATTERN and _DATE_SHAPE.fullmatch(instance):
            return  # written as a date but not a real one: the format error says so
        if instance == "" and schema_here.get("minLength", 0) >= 1:
            return  # the minLength error says "must not be empty"
        rule = _PATTERN_HINTS.get(expected, f"must match the pattern {expected}")
        if expected == _LINE_PATTERN and "\n" not in instance and "\r" not in instance:
            rule = "must not be blank"  # one line already, only spaces in it
        if "propertyNames" in error.schema_path:  # a key breaks the rule: point at the key
            yield source.problem(path + (instance,), f"{_short(instance)} {rule}", key=True)
        else:
            yield source.problem(path, f"{_short(instance)} {rule}")
    elif kind == "format":
        if expected == "date" and isinstance(instance, str) and not _DATE_SHAPE.fullmatch(instance):
            return  # not even written as a date: the pattern error says how to write it
        yield source.problem(path, f"{_short(instance)} is not a real calendar date")
    elif kind == "minLength":
        yield source.problem(path, "must not be empty" if expected == 1 or not instance else
                             f"{_short(instance)} is too short; use at least {expected} characters")
    elif kind == "maxLength":
        yield source.problem(path, f"is {len(instance):,} characters long; the limit is {expected:,}"
                                   + ("; keep the sentence short and put detail in 'why' or 'how'"
                                      if path[-1:] == ("text",) else ""))
    elif kind in ("maxItems", "maxProperties"):
        advice = {"items": "; split the playbook into smaller ones", "tags": "; keep the few that group it best",
                  "entries": "; split the framework into parts"}.get(str(path[-1]) if path else "", "")
        yield source.problem(path, f"lists {len(instance):,} entries; the limit is {expected:,}{advice}")
    elif kind == "minItems":
        yield source.problem(path, f"must list at least {expected} entr{'y' if expected == 1 else 'ies'}")
    elif kind == "uniqueItems":
        seen: set[str] = set()
        for index, value in enumerate(instance):
            marker = json.dumps(value, sort_keys=True)
            if marker in seen:
                yield source.problem(path + (index,), f"{_short(value)} is listed twice; remove one")
            seen.add(marker)
    elif kind in ("minimum", "maximum"):
        word = "at least" if kind == "minimum" else "at most"
        yield source.problem(path, f"must be {word} {expected}, received {instance}")
    elif kind == "propertyNames":
        cause = error.context[0] if error.context else None
        if cause is not None and isinstance(cause.instance, str):
            rule = _PATTERN_HINTS.get(cause.validator_value, "is not allowed as a key")
            yield source.problem(path + (cause.instance,), f"{_short(cause.instance)} {rule}", key=True)
        else:
            yield source.problem(path, error.message)
    else:
        yield source.problem(path, error.message)


# ---------------------------------------------------------------------------------------------
# Rules that span files


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _items(data: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return []
    return [(i, item) for i, item in enumerate(data["items"]) if isinstance(item, dict)]


def _is_mapping(source: Source) -> bool:
    return isinstance(source.data, dict)


def check_playbooks(playbooks: list[Source], frameworks: list[Source],
                    traits: Source | None = None) -> list[Problem]:
    """Schema problems per playbook plus the cross-file rules, for every file at once.

    `traits` is the library's `traits.yaml`; None when it has none, so no trait is known.
    """
    problems: list[Problem] = []
    for source in playbooks:
        problems.extend(source.problems)
        if source.data is not None or not source.problems:
            problems.extend(_schema_problems(source, "playbook"))
    # Frameworks whose file has a problem: references to them are not checked, or one broken file
    # would bury its cause under a message for every item that cites it.
    broken: set[str] = set()
    for source in frameworks:
        found = list(source.problems)
        if source.data is not None or not source.problems:
            found.extend(_schema_problems(source, "framework"))
        if found:
            broken.add(source.path.stem)
            if _is_mapping(source) and isinstance(source.data.get("id"), str):
                broken.add(source.data["id"])
        problems.extend(found)
    if traits is not None:
        problems.extend(traits.problems)
        if traits.data is not None or not traits.problems:
            problems.extend(_schema_problems(traits, "traits"))

    registries = _registries(frameworks, problems)
    playbook_index = _playbook_index(playbooks, problems)
    unread = _unread(playbooks)
    hints = Hints()
    trait_ids = _trait_ids(traits, problems, hints)
    known_traits = sorted(trait_ids) if trait_ids is not None else None
    for source in playbooks:
        if _is_mapping(source):
            problems.extend(_check_one_playbook(source, playbook_index, registries, broken, unread, hints))
            problems.extend(_check_conditions(source, known_traits, hints))
    return problems


def _registries(frameworks: list[Source], problems: list[Problem]) -> dict[str, set[str]]:
    registries: dict[str, set[str]] = {}
    first: dict[str, Source] = {}
    for source in frameworks:
        if not _is_mapping(source):
            continue
        framework_id = _text(source.data.get("id"))
        if framework_id is None:
            continue
        if framework_id != source.path.stem:
            problems.append(source.problem(("id",), f"id '{framework_id}' does not match the file name "
                                                    f"'{source.path.name}'; they must be equal"))
        if framework_id in RESERVED_FRAMEWORK_IDS:
            problems.append(source.problem(("id",), _taken(framework_id, RESERVED_FRAMEWORK_IDS[framework_id])))
        if framework_id in first:
            other = first[framework_id]
            problems.append(source.problem(("id",), f"framework id '{framework_id}' is already used by "
                                                    f"{_relative(other.path, source.path)}:{other.locate(('id',))[0]}; "
                                                    "framework ids must be unique"))
            continue
        first[framework_id] = source
        entries: set[str] = set()
        seen: dict[str, int] = {}
        # Anchors on the framework's page: its own, then each entry's ('MAP 1.1' -> '#map-1-1').
        anchors: dict[str, str] = {framework_id: "the page's title", **FRAMEWORK_PAGE_ANCHORS}
        for index, entry in _items({"items": source.data.get("entries")}):
            entry_id = _text(entry.get("id"))
            if entry_id is None:
                continue
            anchor = entry_anchor(entry_id)
            if entry_id in seen:
                problems.append(source.problem(("entries", index, "id"),
                                               f"entry id '{entry_id}' is already used by "
                                               f"$.entries[{seen[entry_id]}]"))
            elif anchor in anchors:
                problems.append(source.problem(("entries", index, "id"),
                                               f"entry id '{entry_id}' gets the link anchor '#{anchor}' on the "
                                               f"framework's page, which {anchors[anchor]} already has; entry ids "
                                               "must differ in more than case, spaces and punctuation"))
            anchors.setdefault(anchor, f"$.entries[{index}] ('{entry_id}')")
            seen.setdefault(entry_id, index)
            entries.add(entry_id)
        registries[framework_id] = entries
    return registries


def _playbook_index(playbooks: list[Source], problems: list[Problem]) -> dict[str, tuple[Source, set[str]]]:
    """Playbook id -> (source, item ids); reports duplicate playbook ids across files."""
    index: dict[str, tuple[Source, set[str]]] = {}
    for source in sorted(playbooks, key=lambda s: str(s.path)):
        if not _is_mapping(source):
            continue
        playbook_id = _text(source.data.get("id"))
        if playbook_id is None:
            continue
        if playbook_id in index:
            other = index[playbook_id][0]
            line = other.locate(("id",))[0]
            problems.append(source.problem(("id",), f"playbook id '{playbook_id}' is already used by "
                                                    f"{_relative(other.path, source.path)}:{line}; "
                                                    "playbook ids must be unique across the library"))
            continue
        item_ids = {i for _, item in _items(source.data) if (i := _text(item.get("id")))}
        index[playbook_id] = (source, item_ids)
    return index


def _unread(playbooks: list[Source]) -> set[str]:
    """Playbooks that could not be read whole, by id and by file name: a file that does not parse,
    has no id, or holds an item whose id cannot be read. Links to them are not checked: the cause is
    reported in that file, and one mistake there would otherwise be reported again in every file
    that links to it ("related playbook 'x' does not exist" because x did not parse)."""
    unread: set[str] = set()
    for source in playbooks:
        data = source.data if _is_mapping(source) else None
        playbook_id = _text(data.get("id")) if data is not None else None
        items = data.get("items") if data is not None else None
        if playbook_id is None or not isinstance(items, list) or \
                any(not isinstance(item, dict) or _text(item.get("id")) is None for item in items):
            unread.add(source.path.stem)
            if playbook_id is not None:
                unread.add(playbook_id)
    return unread


def _check_placeholders(source: Source, data: dict[str, Any]) -> Iterator[Problem]:
    """Sentences of the `playbook new` skeleton left in place: valid, but not content."""
    fields: list[tuple[JsonPath, str, Any]] = [(("summary",), "summary", data.get("summary"))]
    fields += [(("items", i, name), name, item.get(name)) for i, item in _items(data) for name in ("text", "why", "how")]
    for path, name, value in fields:
        if (instead := skeleton.placeholder(name, value)) is not None:
            yield source.problem(path, f"still holds the placeholder sentence of `playbook new`; write {instead}")


def _taken(taken: str, what: str) -> str:
    return f"id '{taken}' is taken by the site: it names {what}; choose another id"


def _relative(path: Path, to: Path) -> str:
    try:
        return str(path.relative_to(to.parent.parent))
    except ValueError:
        return str(path)


def _check_one_playbook(source: Source, index: dict[str, tuple[Source, set[str]]],
                        registries: dict[str, set[str]], broken: set[str], unread: set[str],
                        hints: Hints) -> Iterator[Problem]:
    data = source.data
    playbook_id = _text(data.get("id"))
    if playbook_id in RESERVED_PLAYBOOK_IDS:
        yield source.problem(("id",), _taken(playbook_id, RESERVED_PLAYBOOK_IDS[playbook_id]))
    if playbook_id is not None and playbook_id != source.path.stem:
        yield source.problem(("id",), f"id '{playbook_id}' does not match the file name '{source.path.name}'; "
                                      f"rename the file to '{playbook_id}.yaml' or change the id")
    category = _text(data.get("category"))
    folder = source.path.parent.name
    if category is not None and category != folder:
        yield source.problem(("category",), f"category '{category}' does not match the folder '{folder}'; "
                                            f"move the file to {category}/ or set 'category: {folder}'")

    yield from _check_placeholders(source, data)

    items = _items(data)
    own_ids: dict[str, int] = {}
    for index_, item in items:
        item_id = _text(item.get("id"))
        if item_id is None:
            continue
        if item_id in RESERVED_ITEM_IDS or item_id == playbook_id:
            yield source.problem(("items", index_, "id"), _taken(
                item_id, RESERVED_ITEM_IDS.get(item_id, "the playbook itself (its page's title)")))
        if item_id in own_ids:
            first = own_ids[item_id]
            yield source.problem(("items", index_, "id"),
                                 f"item id '{item_id}' is already used by $.items[{first}] "
                                 f"(line {source.locate(('items', first, 'id'))[0]}); item ids must be unique "
                                 "within a playbook")
        else:
            own_ids[item_id] = index_

    replaced: dict[str, int] = {}
    for index_, item in items:
        for position, old in enumerate(item.get("replaces") or [] if isinstance(item.get("replaces"), list) else []):
            if not isinstance(old, str):
                continue
            where = ("items", index_, "replaces", position)
            if old in own_ids:
                yield source.problem(where, f"'{old}' is still the id of $.items[{own_ids[old]}]; an item can only "
                                            "replace an id that no current item has")
            elif old in replaced and replaced[old] != index_:
                yield source.problem(where, f"'{old}' is already replaced by $.items[{replaced[old]}]")
            replaced.setdefault(old, index_)

    for index_, item in items:
        yield from _check_related(source, index_, item, playbook_id, own_ids, index, unread, hints)
        yield from _check_refs(source, index_, item, registries, broken, hints)

    for field in MARKDOWN_FIELDS:
        yield from _check_markdown(source, (field,), data.get(field))
    for index_, item in items:
        for field in MARKDOWN_ITEM_FIELDS:
            yield from _check_markdown(source, ("items", index_, field), item.get(field))


# Fields rendered as Markdown (see markup.py): the only ones where text can become a link.
MARKDOWN_FIELDS = ("summary", "intro")
MARKDOWN_ITEM_FIELDS = ("text", "why", "how")
LINK_SCHEMES = ("http", "https", "mailto")
_LINK_TARGET = re.compile(
    r"\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))*)"    # [text](target), ![alt](target)
    r"|^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]*)"     # [label]: target (a reference definition)
    r"|<([A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>",      # <scheme:...> (an autolink)
    re.M)
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]")


def _check_markdown(source: Source, path: JsonPath, text: Any) -> Iterator[Problem]:
    if isinstance(text, str) and (brackets := text.count("[")) > markup.MAX_BRACKETS:
        yield source.problem(path, f"holds {brackets:,} '[' characters; the limit is {markup.MAX_BRACKETS} (a "
                                   "Markdown link takes one): write fewer links, or say it in words")
        return
    yield from _check_link_schemes(source, path, text)


def _check_link_schemes(source: Source, path: JsonPath, text: Any) -> Iterator[Problem]:
    """Markdown links, images and autolinks may only use http, https, mailto, or be relative.

    The renderer's sanitiser drops other links anyway; this says so at the source, in the pull
    request, instead of leaving a dead link on the site.
    """
    if not isinstance(text, str) or (":" not in text and "&" not in text):
        return  # no scheme without a colon, written or as an entity
    for match in _LINK_TARGET.finditer(text):
        target = next(group for group in match.groups() if group is not None)
        # As a browser reads it: entities decoded, whitespace and control characters dropped.
        scheme = _SCHEME.match(_IGNORED_IN_URLS.sub("", html.unescape(target)))
        if scheme is not None and scheme.group(1).lower() not in LINK_SCHEMES:
            yield source.problem(path, f"link to {_short(target)} uses the scheme '{scheme.group(1).lower()}:'; "
                                       "links may only use http, https or mailto, or be relative")


ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # the schema's kebab-case id, for checks outside it
_RELATED = re.compile(rf"^(?:{ID.pattern}/)?{ID.pattern}$")


def _check_related(source: Source, index_: int, item: dict[str, Any], playbook_id: str | None,
                   own_ids: dict[str, int], index: dict[str, tuple[Source, set[str]]], unread: set[str],
                   hints: Hints) -> Iterator[Problem]:
    related = item.get("related")
    if not isinstance(related, list):
        return
    for position, target in enumerate(related):
        if not isinstance(target, str) or not _RELATED.fullmatch(target):
            continue  # the schema already reported its form
        where = ("items", index_, "related", position)
        if "/" not in target:
            if target == item.get("id"):
                yield source.problem(where, "an item cannot be related to itself")
            elif target not in own_ids and source.path.stem not in unread:
                hint = hints(target, own_ids) or " Use '<playbook-id>/<item-id>' for another playbook."
                yield source.problem(where, f"related item '{target}' does not exist in this playbook.{hint}")
            continue
        other_playbook, _, other_item = target.partition("/")
        missing = other_playbook not in index or other_item not in index[other_playbook][1]
        if missing and other_playbook in unread:
            continue  # that file's own problems say why it could not be read
        if other_playbook not in index:
            hint = hints(other_playbook, index)
            yield source.problem(where, f"related playbook '{other_playbook}' does not exist.{hint}")
        elif other_item not in index[other_playbook][1]:
            hint = hints(other_item, index[other_playbook][1])
            yield source.problem(where, f"related item '{other_item}' does not exist in playbook "
                                        f"'{other_playbook}'.{hint}")
        elif other_playbook == playbook_id and other_item == item.get("id"):
            yield source.problem(where, "an item cannot be related to itself")


_LISTED = 12  # a message lists the known names up to this many; past it, it says where to find them


def _known_frameworks(registries: dict[str, set[str]]) -> str:
    if not registries:
        return ""
    if len(registries) > _LISTED:
        return f" {len(registries):,} frameworks are registered, one file each in frameworks/."
    return f" Known frameworks: {', '.join(sorted(registries))}."


def _check_refs(source: Source, index_: int, item: dict[str, Any],
                registries: dict[str, set[str]], broken: set[str], hints: Hints) -> Iterator[Problem]:
    refs = item.get("refs")
    if not isinstance(refs, dict):
        return
    for framework, entries in refs.items():
        if framework in broken:
            continue  # its registry's own problems are the cause, reported at the registry
        if framework not in registries:
            hint = hints(framework, registries) or _known_frameworks(registries)
            yield source.problem(("items", index_, "refs", framework), f"unknown framework '{framework}'.{hint}",
                                 key=True)
            continue
        if not isinstance(entries, list):
            continue
        for position, entry in enumerate(entries):
            if isinstance(entry, str) and entry not in registries[framework]:
                hint = hints(entry, registries[framework])
                yield source.problem(("items", index_, "refs", framework, position),
                                     f"'{entry}' is not an entry of framework '{framework}'.{hint}")


# ---------------------------------------------------------------------------------------------
# Product traits: the vocabulary in traits.yaml, and the conditions playbooks and items declare

CONDITION_FIELDS = ("applies_when", "applies_when_all", "skip_when")


def _trait_ids(traits: Source | None, problems: list[Problem], hints: Hints) -> set[str] | None:
    """The trait ids the library defines; reports ids used twice and follow-ups (`requires`) that
    do not name an earlier trait. None when the file cannot be read as a list of traits: then
    nobody can tell which trait names are unknown."""
    if traits is None:
        return set()
    entries = traits.data.get("traits") if isinstance(traits.data, dict) else None
    if not isinstance(entries, list):
        return None
    seen: dict[str, int] = {}
    defined = {_text(e.get("id")) for _, e in _items({"items": entries})}
    for index, entry in _items({"items": entries}):
        trait_id = _text(entry.get("id"))
        parent = _text(entry.get("requires"))
        if parent is not None and ID.fullmatch(parent) and parent not in seen:
            later = parent in defined
            problems.append(traits.problem(
                ("traits", index, "requires"),
                f"'{parent}' is {'defined after this trait' if later else 'not a trait'}; a follow-up question "
                "names a trait listed before it." + ("" if later else hints(parent, list(seen)))))
        if trait_id is None:
            continue
        if trait_id in seen:
            first = seen[trait_id]
            problems.append(traits.problem(("traits", index, "id"),
                                           f"trait id '{trait_id}' is already used by $.traits[{first}] "
                                           f"(line {traits.locate(('traits', first, 'id'))[0]}); trait ids must "
                                           "be unique"))
        seen.setdefault(trait_id, index)
    return set(seen)


def _trait_list(value: Any) -> list[tuple[int, str]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def _check_conditions(source: Source, known_list: list[str] | None, hints: Hints) -> Iterator[Problem]:
    """Every trait named in a condition exists, and no condition rules itself out. `known_list` is
    the library's trait ids, sorted (None when traits.yaml could not be read)."""
    known = set(known_list) if known_list is not None else None
    data = source.data
    places: list[tuple[JsonPath, dict[str, Any]]] = [((), data), *((("items", i), item) for i, item in _items(data))]
    if known is not None:
        for prefix, node in places:
            for field in CONDITION_FIELDS:
                for position, trait in _trait_list(node.get(field)):
                    if trait in known or not ID.fullmatch(trait):
                        continue  # a malformed id was reported by the schema
                    hint = hints(trait, known_list) or (
                        f" Known traits: {', '.join(known_list)}." if known_list else
                        " The library defines no traits: list them in traits.yaml at the library root.")
                    yield source.problem(prefix + (field, position), f"unknown trait '{trait}'.{hint}")

    def traits_of(node: dict[str, Any], field: str) -> set[str]:
        return {trait for _, trait in _trait_list(node.get(field))}

    def never(prefix: JsonPath, node: dict[str, Any], skip: set[str], whose: str) -> Problem | None:
        """Why the node's own condition can never hold once `skip` rules traits out, or None."""
        applies, needed = traits_of(node, "applies_when"), traits_of(node, "applies_when_all")
        if applies and applies <= skip:
            return source.problem(prefix + ("applies_when",), f"{whose} can never apply: every trait in "
                                  + ("its applies_when is also in skip_when (its own or its playbook's)" if prefix
                                     else "applies_when is also in skip_when"))
        clash = sorted(needed & skip)
        if clash:
            return source.problem(prefix + ("applies_when_all",), f"{whose} can never apply: it needs '{clash[0]}' "
                                  "in applies_when_all and rules it out in skip_when"
                                  + (" (its own or its playbook's)" if prefix else ""))
        return None

    playbook_skip = traits_of(data, "skip_when")
    problem = never((), data, playbook_skip, "the playbook")
    if problem is not None:
        yield problem
        return
    playbook_applies = traits_of(data, "applies_when")
    playbook_needed = traits_of(data, "applies_when_all")
    for index, item in _items(data):
        skip = traits_of(item, "skip_when") | playbook_skip
        problem = never(("items", index), item, skip, "the item")
        if problem is not None:
            yield problem
        elif (playbook_applies and playbook_applies <= skip) or playbook_needed & skip:
            yield source.problem(("items", index, "skip_when"),
                                 "the item can never apply: its skip_when rules out every trait in the playbook's "
                                 "applies_when" if playbook_applies and playbook_applies <= skip else
                                 f"the item can never apply: its skip_when rules out '{sorted(playbook_needed & skip)[0]}',"
                                 " which the playbook needs in applies_when_all")
