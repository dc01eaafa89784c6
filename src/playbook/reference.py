"""Reference material generated from what it describes: the JSON Schemas and the command line.

Built on every site build, so the pages cannot drift from the code:

* `schema_files()`: the schemas as published files, `schemas/<name>.schema.json` at the site root,
  a stable URL for editors and other tools;
* `pages()`: `reference/schema.md` (every field with its description, from `schemas/`) and
  `reference/cli.md` (the `--help` of every `playbook` command, from the argparse parser).

The schemas belong to this repository, but their text is still escaped before it becomes Markdown.
"""

from __future__ import annotations

import argparse
import functools
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .validate import _PATTERN_HINTS, schema, schema_dir

SCHEMA_PAGE = "reference/schema.md"
CLI_PAGE = "reference/cli.md"
SCHEMA_NAMES = ("playbook", "framework", "traits", "review")
HELP_WIDTH = 78

# Each generated page names the source file its "edit this page" link should open.
EDIT_SOURCES = {SCHEMA_PAGE: "schemas/playbook.schema.json", CLI_PAGE: "src/playbook/cli.py"}

_DOCUMENT_TITLES = {"playbook": "Playbook file", "framework": "Framework registry", "traits": "Product traits",
                    "review": "Review file"}
_DOCUMENT_FILES = {"playbook": "playbook_data/<category>/<id>.yaml",
                   "framework": "playbook_data/frameworks/<id>.yaml", "traits": "playbook_data/traits.yaml",
                   "review": "reviews/<id>.yaml"}


def published_path(name: str) -> str:
    """Where the schema `name` is published, relative to the site root."""
    return f"schemas/{name}.schema.json"


def schema_files() -> dict[str, str]:
    """Each schema as a file of the site, byte for byte the file in `schemas/`."""
    return {published_path(name): (schema_dir() / f"{name}.schema.json").read_text(encoding="utf-8")
            for name in SCHEMA_NAMES}


def pages() -> dict[str, str]:
    """The generated reference pages: docs-relative Markdown file name -> content."""
    return {SCHEMA_PAGE: schema_page(), CLI_PAGE: cli_page()}


def files() -> dict[str, str]:
    """Everything this module adds to a site: the reference pages and the published schemas."""
    return {**pages(), **schema_files()}


# -- the schema reference -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Field:
    """One property of an object in a schema, with its `$ref` resolved."""

    name: str
    required: bool
    description: str
    node: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class Section:
    """One kind of object in a document: the file itself, an item, a link, an entry ..."""

    anchor: str
    title: str
    where: str
    description: str
    fields: tuple[Field, ...]


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """`node` with a local `$ref` merged in; the node's own keys (its description) win."""
    seen: set[str] = set()
    merged = dict(node)
    while isinstance(merged.get("$ref"), str) and merged["$ref"].startswith("#/") and merged["$ref"] not in seen:
        ref = merged.pop("$ref")
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part]
        merged = {**target, **merged}
    return merged


def _object_of(node: dict[str, Any], root: dict[str, Any]) -> tuple[dict[str, Any] | None, str | None]:
    """The object schema a field holds (directly or as list items) and the definition it came from."""
    values = node.get("additionalProperties") if node.get("type") == "object" else None  # a mapping's values
    for candidate in (node, node.get("items"), values):
        if not isinstance(candidate, dict):
            continue
        ref = candidate.get("$ref")
        resolved = _resolve(candidate, root)
        if resolved.get("type") == "object" and isinstance(resolved.get("properties"), dict):
            name = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else None
            return resolved, name
    return None, None


def sections(name: str) -> list[Section]:
    """Every object of the schema `name`, the document first, each nested object after it."""
    root = schema(name)
    found: list[Section] = []
    queue: list[tuple[dict[str, Any], str, str, str, str]] = [
        (root, name, _DOCUMENT_TITLES.get(name, root.get("title", name)), "$", root.get("description", ""))]
    seen: set[str] = set()
    while queue:
        node, anchor, title, where, description = queue.pop(0)
        if anchor in seen:
            continue
        seen.add(anchor)
        required = set(node.get("required") or ())
        fields = []
        for field_name, prop in (node.get("properties") or {}).items():
            resolved = _resolve(prop, root)
            fields.append(Field(name=field_name, required=field_name in required,
                                description=resolved.get("description", ""), node=resolved))
            child, definition = _object_of(resolved, root)
            if child is not None and child is not resolved:
                is_list = resolved.get("type") == "array"
                child_where = f"{where}.{field_name}" + ("[]" if is_list else "['<key>']" if child is not resolved
                                                         and resolved.get("type") == "object" else "")
                key = definition or field_name
                queue.append((child, f"{name}-{key}", _singular(key).replace("_", " ").capitalize(), child_where,
                              child.get("description", "")))
        found.append(Section(anchor=anchor, title=title, where=where, description=description,
                             fields=tuple(fields)))
    return found


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def _text(value: str) -> str:
    """Schema prose as Markdown: code spans kept, everything else shown literally."""
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(value):
        out.append(_literal(value[last:match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(_literal(value[last:]))
    return "".join(out)


def _literal(value: str) -> str:
    escaped = html.escape(value, quote=False)
    return re.sub(r"([\\*_\[\]#!|{}])", r"\\\1", escaped)


def _code(value: str) -> str:
    """`value` as a Markdown code span, whatever backticks it holds."""
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or longest else ""
    return f"{fence}{pad}{value}{pad}{fence}"


_TYPE_WORDS = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "true or false",
               "object": "a mapping", "array": "a list", "null": "nothing"}


def describe_type(node: dict[str, Any], root: dict[str, Any], *, links: dict[str, str],
                  name: str | None = None) -> str:
    """What the field `name` accepts, in words: type, allowed values, limits and form.

    `links` maps a definition or field name to the anchor of its section, for lists of objects.
    """
    node = _resolve(node, root)
    return "; ".join([_kind(node, root, links, name), *_limits(node)])


def _kind(node: dict[str, Any], root: dict[str, Any], links: dict[str, str], name: str | None) -> str:
    kind = node.get("type")
    if "enum" in node:
        return "one of " + ", ".join(_code(v if isinstance(v, str) else json.dumps(v)) for v in node["enum"])
    if kind == "array":
        child, definition = _object_of(node, root)
        key = definition or name
        if child is not None and key in links:
            return f"a list of [{name or key}](#{links[key]})"
        items = node.get("items") if isinstance(node.get("items"), dict) else {}
        return f"a list of {_nested(_resolve(items, root), root, links)}"
    if kind == "object" and isinstance(node.get("additionalProperties"), dict):
        names = node.get("propertyNames") if isinstance(node.get("propertyNames"), dict) else {}
        keys = _nested({"type": "string", **names}, root, links)
        values = _resolve(node["additionalProperties"], root)
        return f"a mapping from {keys} to {', '.join([_kind(values, root, links, None), *_limits(values)])}"
    return _TYPE_WORDS.get(kind, "any value") if isinstance(kind, str) else "any value"


def _nested(node: dict[str, Any], root: dict[str, Any], links: dict[str, str]) -> str:
    limits = _limits(node)
    kind = _kind(node, root, links, None)
    return f"{kind} ({'; '.join(limits)})" if limits else kind


def _limits(node: dict[str, Any]) -> list[str]:
    """The constraints on a value beyond its type, as short phrases."""
    parts: list[str] = []
    if "pattern" in node:
        hint = _PATTERN_HINTS.get(node["pattern"])
        parts.append(_literal(hint) if hint else f"must match the pattern {_code(node['pattern'])}")
    if node.get("format") == "date":
        parts.append("a real calendar date")
    low, high = node.get("minLength"), node.get("maxLength")
    if high is not None:
        parts.append(f"{low}–{high} characters" if low and low > 1 else f"up to {high} characters")
    low, high = node.get("minimum"), node.get("maximum")
    if low is not None and high is not None:
        parts.append(f"from {low} to {high}")
    elif low is not None:
        parts.append(f"at least {low}")
    elif high is not None:
        parts.append(f"at most {high}")
    low, high = node.get("minItems"), node.get("maxItems") or node.get("maxProperties")
    if low and high:
        parts.append(f"{low:,} to {high:,} entries")
    elif low:
        parts.append(f"at least {low} {'entry' if low == 1 else 'entries'}")
    elif high:
        parts.append(f"at most {high:,} entries")
    if node.get("uniqueItems"):
        parts.append("no entry twice")
    return parts


def schema_page() -> str:
    lines = [_front_matter("Schema reference"), "", "# Schema reference", "",
             "Every field a data file may hold, generated from the JSON Schemas in `schemas/` each time the site "
             "is built, so this page always matches what `playbook validate` checks. The validator adds rules "
             "that span files (unique ids, references that resolve); the "
             "[guide to changing a playbook](../guides/how-to-change-a-playbook.md) explains them.", "",
             "The schemas are published with the site, for editors and other tools:", ""]
    for name in SCHEMA_NAMES:
        lines.append(f"- [{published_path(name).rsplit('/', 1)[-1]}](../{published_path(name)}): "
                     f"{_text(schema(name).get('title', name))}")
    lines += ["", "Each data file names its schema in its first line, so an editor with YAML support "
                  "(for example VS Code with the YAML extension) completes field names and shows these "
                  "descriptions while you type:", "",
              "```yaml", "# yaml-language-server: $schema=../../schemas/playbook.schema.json", "```", ""]
    for name in SCHEMA_NAMES:
        root = schema(name)
        found = sections(name)
        links = {s.anchor.removeprefix(f"{name}-"): s.anchor for s in found}
        for index, section in enumerate(found):
            level = "##" if index == 0 else "###"
            lines += [f"{level} {_literal(section.title)} {{ #{section.anchor} }}", ""]
            if index == 0:
                lines += [f"File: {_code(_DOCUMENT_FILES.get(name, name))}, checked against "
                          f"[{published_path(name).rsplit('/', 1)[-1]}](../{published_path(name)}).", ""]
            else:
                lines += [f"Found at {_code(section.where)}.", ""]
            if section.description:
                lines += [_text(section.description), ""]
            for field in section.fields:
                status = "**Required.**" if field.required else "Optional."
                lines += [f"{_code(field.name)}",
                          f":   {status} {describe_type(field.node, root, links=links, name=field.name)}."]
                if field.description:
                    lines += ["", f"    {_text(field.description)}"]
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- limits ----------------------------------------------------------------------------------------


def limits() -> list[tuple[str, str, str]]:
    """Every size limit on data, as (what, limit, who checks it): the reader's, the validator's and
    each list and mapping limit of the schemas, so the Security page cannot drift from the code."""
    from . import markup, problems, source  # the reader and checks, not needed by the pages above

    rows = [
        ("A data file", f"{source.MAX_BYTES:,} bytes", "reader, before parsing"),
        ("Values in one file, each alias counted in full", f"{source.MAX_NODES:,}", "reader"),
        ("Nesting", f"{source.MAX_DEPTH} levels", "reader, without recursion"),
        ("A key", "1,024 characters", "YAML itself"),
        ("Digits in a number", f"{source.MAX_DIGITS}", "reader"),
        ("'[' in one Markdown field (each link takes one)", f"{markup.MAX_BRACKETS}", "validation, and the renderer"),
        ("'Did you mean' suggestions", f"{problems.HINT_BUDGET:,} characters compared per run; later problems "
                                       "are reported without one", "validation"),
    ]
    for name in SCHEMA_NAMES:
        root = schema(name)
        definitions = root.get("definitions", {})
        for key, what in (("kebabId", "An id"), ("line", "A one-line text (titles, the checklist sentence)"),
                          ("text", "A paragraph field (summary, intro, why, how)")):
            high = definitions.get(key, {}).get("maxLength")
            if high and name == "playbook":
                rows.append((what, f"{high:,} characters", "schema"))
        for section in sections(name):
            for field in section.fields:
                node = field.node
                values = node.get("additionalProperties") if isinstance(node.get("additionalProperties"), dict) else {}
                for limit in ("maxItems", "maxProperties"):
                    if node.get(limit):
                        rows.append((f"{_DOCUMENT_TITLES.get(name, name)}: {_where(section.where, field.name)}",
                                     f"{node[limit]:,} entries", "schema"))
                if values.get("maxItems"):
                    rows.append((f"{_DOCUMENT_TITLES.get(name, name)}: each list in {_where(section.where, field.name)}",
                                 f"{values['maxItems']:,} entries", "schema"))
    return rows


def _where(where: str, name: str) -> str:
    return _code(f"{where}.{name}".removeprefix("$.").replace("['<key>']", "[…]"))


def limits_table() -> str:
    """The limits as a Markdown table."""
    lines = ["| What | Limit | Checked by |", "| --- | --- | --- |"]
    lines += [f"| {what} | {limit} | {by} |" for what, limit, by in limits()]
    return "\n".join(lines) + "\n"


# -- the command-line reference -------------------------------------------------------------------


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """`playbook` and each of its subcommands, by command line, with help at a fixed width."""
    from .cli import build_parser  # the CLI imports nothing from here; import late to keep it that way

    parser = build_parser()
    found = {"playbook": parser}

    def walk(command: str, current: argparse.ArgumentParser) -> None:
        for action in current._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    found[f"{command} {name}"] = sub
                    walk(f"{command} {name}", sub)  # `playbook review new`, ...

    walk("playbook", parser)
    for sub in found.values():  # the terminal's width must not change the page
        sub.formatter_class = functools.partial(argparse.HelpFormatter, width=HELP_WIDTH)  # type: ignore[assignment]
        if hasattr(sub, "color"):  # Python 3.14+ colours help on terminals
            sub.color = False
    return found


def _fenced(text: str) -> Iterator[str]:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    yield f"{fence}text"
    yield from text.rstrip("\n").splitlines()
    yield fence


def cli_page() -> str:
    lines = [_front_matter("Command-line reference"), "", "# Command-line reference", "",
             "The `playbook` command checks, compares, exports and creates playbooks. This page is the "
             "output of `--help` for each command, generated when the site is built, so it always matches "
             "the installed command. Install it with `pip install -e .` from a checkout of the repository.", "",
             "Every command exits with 0 when all is well, 1 when it found problems, and 2 when it was "
             "called wrongly. Problems print as `PATH:LINE:COL: $.json.path: message`.", ""]
    for command, parser in command_parsers().items():
        anchor = command.replace(" ", "-")
        lines += [f"## `{command}` {{ #{anchor} }}", ""]
        lines += list(_fenced(parser.format_help()))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _front_matter(title: str) -> str:
    # Generated pages never go through the macros plugin, and their title is plain text.
    return f"---\ntitle: {json.dumps(title)}\nrender_macros: false\n---"
