"""Reading one YAML data file into plain data plus the line and column of every node.

The reader builds the data itself from libyaml's event stream instead of using a YAML
constructor, so that:

* no YAML tag can construct a Python object (only the core tags are accepted);
* duplicate keys are reported instead of silently keeping the last one;
* scalars follow YAML 1.2 core rules: dates stay strings, and so do `yes`/`no`/`on`/`off`;
* aliases cannot blow up: every alias counts the full size of what it repeats;
* nesting depth is bounded without recursion, so no input can exhaust the stack.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

try:  # libyaml is several times faster; the pure-Python parser gives the same events
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

from .problems import Problem

MAX_BYTES = 1_000_000
MAX_NODES = 100_000
MAX_DEPTH = 40
MAX_KEY = 1024  # the longest key YAML lets a file write out; longer ones can only come through an alias

JsonPath = tuple[str | int, ...]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {None, "!", f"{_CORE}str", f"{_CORE}int", f"{_CORE}float", f"{_CORE}bool",
                 f"{_CORE}null", f"{_CORE}map", f"{_CORE}seq"}
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TYPED_START = frozenset("0123456789+-.~nNtTfF")  # first characters of _NULL, _BOOL, _INT, _FLOAT
MAX_DIGITS = 100  # no field holds a number anywhere near this long; Python refuses ints past 4,300 digits
# Characters a text field never needs and that do harm when shown: C0 and C1 controls other than tab
# and line feed (they reach a value only through escapes such as "\0" or "\r"), and the
# bidirectional embedding, override and isolate controls that make a line display in another order
# than it reads (the "Trojan Source" characters code hosts flag), wherever they are: in a value, a
# key or a comment, which a reviewer reads too.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_BIDI_HARM = ("an invisible character that makes text display in a different order than it reads, which can "
              "hide what it says; remove it")


def json_path(path: JsonPath) -> str:
    """`$.items[3].refs['nist-ai-rmf']` for ('items', 3, 'refs', 'nist-ai-rmf'); a key longer than
    SHOWN_KEY characters is cut short, so that no message repeats a long key in full."""
    out = ["$"]
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        elif _IDENT.fullmatch(part) and len(part) <= SHOWN_KEY:
            out.append(f".{part}")
        else:
            escaped = shown_key(part).replace("\\", "\\\\").replace("'", "\\'")
            out.append(f"['{escaped}']")
    return "".join(out)


SHOWN_KEY = 80


def shown_key(key: str) -> str:
    return key if len(key) <= SHOWN_KEY else key[: SHOWN_KEY - 1] + "…"


@dataclass(frozen=True, kw_only=True)
class Source:
    """One file as read: its data (None when unreadable), where each node sits, and problems."""

    path: Path
    data: Any
    values: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[JsonPath, tuple[int, int]] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()

    def locate(self, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column (1-based) of the node at `path`, or of its nearest located ancestor."""
        path = tuple(path)
        if key and path in self.keys:
            return self.keys[path]
        while path:
            if path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def problem(self, path: JsonPath, message: str, *, key: bool = False) -> Problem:
        line, column = self.locate(path, key=key)
        return Problem(path=self.path, line=line, column=column, json_path=json_path(path), message=message)


class _Stop(Exception):
    def __init__(self, line: int, column: int, message: str, path: JsonPath = ()):
        self.line, self.column, self.message, self.path = line, column, message, path


def _pos(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _hidden_character(value: str, written: str) -> str | None:
    """The message for the first control character in a scalar, or for a bidi control that an
    escape put there (one written as it is is reported where it stands, by `_bidi_in_text`)."""
    found = _CONTROLS.search(value)
    if found is not None:
        return (f"text holds the control character U+{ord(found.group()):04X} at character {found.start() + 1:,} "
                "of this value (written as an escape such as \"\\0\" or \"\\r\"); it cannot be shown or "
                "printed: remove it")
    found = _BIDI.search(value)
    if found is not None and found.group() not in written:
        char = found.group()
        return (f"text holds U+{ord(char):04X} {unicodedata.name(char)} at character {found.start() + 1:,} of this "
                f"value, written as an escape: {_BIDI_HARM}")
    return None


def _bidi_in_text(text: str) -> list[tuple[JsonPath, int, int, str]]:
    """Every bidi control written as it is in the file (in a value, a key or a comment), at its
    line and column; one per line, which is enough to find and remove them."""
    found = []
    line, line_start, counted_to, last_line = 1, 0, 0, 0
    for match in _BIDI.finditer(text):  # lines counted as the matches go: linear in the text
        at = match.start()
        breaks = text.count("\n", counted_to, at)
        if breaks:
            line += breaks
            line_start = text.rindex("\n", counted_to, at) + 1
        counted_to = at
        if line != last_line:
            char = match.group()
            found.append(((), line, at - line_start + 1,
                          f"U+{ord(char):04X} {unicodedata.name(char)} here: {_BIDI_HARM}"))
            last_line = line
    return found


def _number(value: str, line: int, column: int, kind: type) -> Any:
    digits = sum(c.isdigit() for c in value)
    if digits > MAX_DIGITS:
        raise _Stop(line, column, f"a number of {digits:,} digits is longer than any field takes (at most "
                                  f"{MAX_DIGITS}); if it is text, put it in quotes")
    return kind(value)


def _scalar(event: yaml.ScalarEvent) -> Any:
    value = event.value
    if event.tag not in (None, "!"):
        return _tagged_scalar(event)
    if event.style or not event.implicit[0]:
        return value  # quoted or block scalar: always a string
    if value and value[0] not in _TYPED_START:
        return value  # most plain scalars are words: no null, bool or number starts this way
    if _NULL.fullmatch(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT.fullmatch(value):
        return _number(value, *_pos(event.start_mark), int)
    if _FLOAT.fullmatch(value) and any(c.isdigit() for c in value):
        return _number(value, *_pos(event.start_mark), float)
    return value


def _tagged_scalar(event: yaml.ScalarEvent) -> Any:
    tag, value = event.tag, event.value
    line, column = _pos(event.start_mark)
    try:
        if tag == f"{_CORE}str":
            return value
        if tag == f"{_CORE}int":
            return _number(value, line, column, int)
        if tag == f"{_CORE}float":
            return _number(value, line, column, float)
        if tag == f"{_CORE}bool" and value in _BOOL:
            return _BOOL[value]
        if tag == f"{_CORE}null" and _NULL.fullmatch(value):
            return None
    except ValueError:
        pass
    raise _Stop(line, column, f"value {value!r} does not match its tag {_short_tag(tag)}; "
                              "remove the tag or fix the value")


def _short_tag(tag: str | None) -> str:
    return "!!" + tag[len(_CORE):] if tag and tag.startswith(_CORE) else str(tag)


def _decode(path: Path, raw: bytes, size: int | None = None) -> tuple[str | None, Problem | None]:
    def problem(line: int, column: int, message: str) -> Problem:
        return Problem(path=path, line=line, column=column, json_path="$", message=message)

    size = len(raw) if size is None else size
    if size > MAX_BYTES:
        return None, problem(1, 1, f"file is {size:,} bytes, over the limit of {MAX_BYTES:,} bytes; "
                                   "split it into smaller playbooks")
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return None, problem(1, 1, "file is saved as UTF-32 (it starts with a UTF-32 byte-order mark); save it as UTF-8")
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, problem(1, 1, "file starts with a byte-order mark (BOM); save it as UTF-8 without BOM")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, problem(1, 1, "file is saved as UTF-16 (it starts with a UTF-16 byte-order mark); "
                                   "save it as UTF-8")
    wide = _wide_encoding(raw)
    if wide:
        zeros = "every other byte is zero" if wide == "UTF-16" else "three bytes in four are zero"
        return None, problem(1, 1, f"file is saved as {wide} without a byte-order mark ({zeros}); save it as UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        return None, problem(line, column, f"byte 0x{raw[error.start]:02x} is not valid UTF-8; "
                                           "save the file as UTF-8")
    if not text.strip():
        return None, problem(1, 1, "file is empty; expected a mapping of fields (see `playbook new`)")
    return text, None


def _wide_encoding(raw: bytes) -> str | None:
    """'UTF-32' or 'UTF-16' when the start of the file looks like ASCII text in one of them (zeros in
    three bytes of four, or in every other byte); UTF-8 text has no zero bytes at all."""
    head = raw[:64]
    if len(head) < 8 or b"\x00" not in head:
        return None
    lanes = [head[i::4] for i in range(4)]
    zero_lanes = [lane.count(0) == len(lane) for lane in lanes]
    if sum(zero_lanes) == 3 and (zero_lanes == [False, True, True, True] or zero_lanes == [True, True, True, False]):
        return "UTF-32"
    even, odd = head[0::2], head[1::2]
    if even.count(0) * 2 >= len(even) and 0 not in odd or odd.count(0) * 2 >= len(odd) and 0 not in even:
        return "UTF-16"
    return None


def read_source(path: Path) -> Source:
    """Read and parse one YAML file; never raises for bad content, returns problems instead."""
    try:
        with path.open("rb") as file:  # never more than the size limit in memory
            raw = file.read(MAX_BYTES + 1)
            size = max(len(raw), os.fstat(file.fileno()).st_size)
    except OSError as error:
        reason = error.strerror or str(error)
        return Source(path=path, data=None, problems=(
            Problem(path=path, line=1, column=1, json_path="$", message=f"cannot read file: {reason}"),))
    text, problem = _decode(path, raw, size)
    if problem is not None:
        return Source(path=path, data=None, problems=(problem,))
    return parse_text(path, text)


def parse_text(path: Path, text: str) -> Source:
    values: dict[JsonPath, tuple[int, int]] = {}
    keys: dict[JsonPath, tuple[int, int]] = {}
    found: list[tuple[JsonPath, int, int, str]] = _bidi_in_text(text) if _BIDI.search(text) else []
    try:
        data = _build(text, values, keys, found)
    except _Stop as stop:
        return Source(path=path, data=None, values=values, keys=keys, problems=tuple(
            Problem(path=path, line=line, column=column, json_path=json_path(p), message=message)
            for p, line, column, message in [*found, (stop.path, stop.line, stop.column, stop.message)]))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        if "end of stream" in str(getattr(error, "problem", "")) and getattr(error, "context_mark", None):
            mark = error.context_mark  # point at the opening quote, not at the end of the file
        elif _unclosed_bracket(error) or getattr(error, "context", None) == "while scanning a simple key":
            mark = error.context_mark  # point at the bracket left open, or at the line that has no ':'
        line, column = _pos(mark) if mark is not None else (1, 1)
        if isinstance(error, yaml.reader.ReaderError):
            line, column = _offset_to_pos(text, error.position)
        return Source(path=path, data=None, values=values, keys=keys, problems=(
            Problem(path=path, line=line, column=column, json_path="$",
                    message=_syntax_message(error, text, line)),))
    problems = tuple(
        Problem(path=path, line=line, column=column, json_path=json_path(p), message=message)
        for p, line, column, message in found
    )
    return Source(path=path, data=data, values=values, keys=keys, problems=problems)


def _offset_to_pos(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _unclosed_bracket(error: yaml.YAMLError) -> bool:
    """A flow list or mapping (`[...]`, `{...}`) still open on a later line than it started."""
    problem_mark, context_mark = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    return (str(getattr(error, "problem", "")).startswith("did not find expected ','")
            and problem_mark is not None and context_mark is not None and problem_mark.line > context_mark.line)


def _long_key(error: yaml.YAMLError) -> bool:
    """A key longer than the 1024 characters YAML allows an implicit key."""
    problem_mark, context_mark = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    return (getattr(error, "context", None) == "while scanning a simple key"
            and problem_mark is not None and context_mark is not None
            and problem_mark.line == context_mark.line and problem_mark.column - context_mark.column >= 1024)


def _syntax_message(error: yaml.YAMLError, text: str, line: int) -> str:
    if isinstance(error, yaml.reader.ReaderError):
        return (f"character {chr(error.character)!r} (U+{error.character:04X}) is not allowed in YAML; "
                "remove it")
    problem = getattr(error, "problem", None) or str(error)
    context = getattr(error, "context", None)
    message = f"YAML syntax error: {problem}"
    if context:
        message += f" ({context})"
    source_line = text.splitlines()[line - 1] if 0 < line <= len(text.splitlines()) else ""
    if "\t" in source_line[: len(source_line) - len(source_line.lstrip())] or "found character '\\t'" in message:
        message += "; indent with spaces, not tabs"
    elif _long_key(error):
        message = ("YAML syntax error: a key here runs past 1024 characters, the most YAML allows; field names "
                   "are short words such as 'title', and long text belongs after ': '")
    elif "could not find expected ':'" in message:
        message += "; a field is written 'name: value': add the ': ' after the name, or indent the line further " \
                   "if it continues the value above"
    elif "mapping values are not allowed" in message:
        message += "; check the indentation and put quotes around text that contains ': '"
    elif "found unexpected end of stream" in message and "quoted scalar" in message:
        message = "YAML syntax error: the quote that opens here is never closed; add the closing quote"
    elif _unclosed_bracket(error):
        opener, closer = ("[", "]") if problem.endswith("']'") else ("{", "}")
        failed = _pos(error.problem_mark)  # type: ignore[attr-defined]
        message = (f"YAML syntax error: the '{opener}' that opens here is still open at line {failed[0]} column "
                   f"{failed[1]}; add the closing '{closer}', or put quotes around text that holds ',' ':' or brackets")
    elif problem.startswith("did not find expected ','"):
        message += "; put quotes around text that holds ',' ':' or brackets"
    elif problem in ("did not find expected key", "did not find expected '-' indicator"):
        mark = getattr(error, "problem_mark", None)
        if mark is not None and mark.column <= len(source_line) - len(source_line.lstrip()):
            message += "; check the indentation: the fields of one mapping, and the entries of one list, " \
                       "start in the same column"
        else:
            message += "; more text follows a complete value here: if the value starts with a quote or a " \
                       "bracket, put the whole value in quotes (double quotes if it holds an apostrophe)"
    return message


def _build(text: str, values: dict, keys: dict, problems: list[tuple[JsonPath, int, int, str]]) -> Any:
    """Turn libyaml events into plain data, iteratively, recording positions and the problems
    that do not stop the reading (duplicate keys, hidden characters)."""
    loader = _Loader(text)
    anchors: dict[str, tuple[Any, int]] = {}
    # Each open container: [kind, value, path, pending_key, anchor, nodes, first_key_positions, start,
    # discard_value (the pending key is a duplicate), discarded (inside a duplicate key's value)]
    stack: list[list[Any]] = []
    nodes = 0
    documents = 0
    root: Any = None

    def path_of_child() -> JsonPath:
        top = stack[-1]
        if top[0] == "seq":
            return top[2] + (len(top[1]),)
        return top[2] + (top[3],)

    def path_here() -> JsonPath:
        """Path of the node being read, for messages: a key being read is located at its mapping."""
        if not stack:
            return ()
        return stack[-1][2] if stack[-1][0] == "map" and stack[-1][3] is _NO_KEY else path_of_child()

    def recording() -> bool:
        """Whether positions of the node being read are kept: not inside a duplicate key's value,
        which is dropped, so that problems with the kept value point at the kept value."""
        return not stack or not (stack[-1][8] or stack[-1][9])

    def attach(value: Any, size: int, start: tuple[int, int]) -> None:
        nonlocal root
        if not stack:
            root = value
            return
        top = stack[-1]
        top[5] += size
        if top[0] == "seq":
            top[1].append(value)
        elif top[3] is _NO_KEY:
            # `value` is a key
            if not isinstance(value, (str, int, float, bool)) and value is not None:
                raise _Stop(*start, "a mapping key must be plain text, not a list or mapping", top[2])
            key = value if isinstance(value, str) else ("" if value is None else str(value).lower()
                                                         if isinstance(value, bool) else str(value))
            if len(key) > MAX_KEY:  # longer than YAML lets a key be written: repeated through an alias
                raise _Stop(*start, f"a key of {len(key):,} characters; keys are field names and ids, at most "
                                    f"{MAX_KEY:,} characters: write the key out instead of repeating a value as a key",
                            top[2])
            if key in top[6]:
                first_line = top[6][key][0]
                problems.append((top[2] + (key,), start[0], start[1],
                                   f"duplicate key '{shown_key(key)}' (first defined at line {first_line}); "
                                   "YAML would keep only the last one: remove or merge one of them"))
                top[3] = key
                top[8] = True
            else:
                top[6][key] = start
                if not top[9]:
                    keys[top[2] + (key,)] = start
                top[3] = key
        else:
            if not top[8]:
                top[1][top[3]] = value
            top[3] = _NO_KEY
            top[8] = False

    def count(size: int, start: tuple[int, int]) -> None:
        nonlocal nodes
        nodes += size
        if nodes > MAX_NODES:
            raise _Stop(*start, f"document expands to more than {MAX_NODES:,} values (through aliases or "
                                "sheer size); playbook files are small: remove the aliases or split the file")

    try:
        while True:
            event = loader.get_event()
            if event is None or isinstance(event, yaml.StreamEndEvent):
                break
            start = _pos(event.start_mark)
            if type(event) is yaml.ScalarEvent:  # most events: checked first
                count(1, start)
                if event.tag not in _ALLOWED_TAGS:
                    raise _Stop(*start, f"YAML tag '{_short_tag(event.tag)}' is not allowed; playbook files "
                                        "hold plain data: remove the tag",
                                path_here())
                try:
                    value = _scalar(event)
                except _Stop as stop:
                    stop.path = path_here()
                    raise
                in_key = bool(stack) and stack[-1][0] == "map" and stack[-1][3] is _NO_KEY
                if isinstance(value, str) and (hidden := _hidden_character(
                        value, text[event.start_mark.index:event.end_mark.index])) is not None:
                    problems.append((path_here(), start[0], start[1], hidden))
                if not in_key and recording():
                    values[path_of_child() if stack else ()] = start
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                attach(value, 1, start)
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Stop(*start, "a file holds one YAML document; remove the second '---' and what follows")
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    if any(open_[4] == event.anchor for open_ in stack):
                        raise _Stop(*start, f"alias '*{event.anchor}' is inside the value anchored '&{event.anchor}' "
                                            "that it repeats, which would never end; remove the alias", path_here())
                    raise _Stop(*start, f"alias '*{event.anchor}' has no anchor '&{event.anchor}' before it; "
                                        "define the anchor first or write the value out", path_here())
                value, size = anchors[event.anchor]
                count(size, start)
                in_key = bool(stack) and stack[-1][0] == "map" and stack[-1][3] is _NO_KEY
                if not in_key and recording():
                    values[path_of_child() if stack else ()] = start
                attach(value, size, start)
                continue
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                count(1, start)
                if event.tag not in _ALLOWED_TAGS:
                    raise _Stop(*start, f"YAML tag '{_short_tag(event.tag)}' is not allowed; playbook files "
                                        "hold plain data: remove the tag",
                                path_here())
                if stack and stack[-1][0] == "map" and stack[-1][3] is _NO_KEY:
                    raise _Stop(*start, "a mapping key must be plain text, not a list or mapping", stack[-1][2])
                if len(stack) >= MAX_DEPTH:
                    raise _Stop(*start, f"nested deeper than {MAX_DEPTH} levels; playbook files are at most a few "
                                        "levels deep", path_of_child())
                path = path_of_child() if stack else ()
                discarded = not recording()
                if not discarded:
                    values[path] = start
                kind = "map" if isinstance(event, yaml.MappingStartEvent) else "seq"
                stack.append([kind, {} if kind == "map" else [], path, _NO_KEY, event.anchor, 1, {}, start, False,
                              discarded])
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                kind, value, _path, _key, anchor, size, _seen, begin, _discard, _discarded = stack.pop()
                if anchor is not None:
                    anchors[anchor] = (value, size)
                attach(value, size, begin)
                continue
    finally:
        loader.dispose()
    return root


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return self.name


_NO_KEY = _Marker("NO_KEY")
