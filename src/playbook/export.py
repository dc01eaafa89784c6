"""The library as JSON, CSV or a Markdown checklist; formats chosen by name from FORMATS."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from .model import Library, Playbook
from .vocab import CATEGORIES

CSV_COLUMNS = ["playbook_id", "playbook_title", "category", "url", "item_id", "global_id", "text", "level",
               "owner", "stage", "why", "how", "refs", "related", "replaces", "tags"]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet reads a cell starting so as a formula


def safe_cell(value: object) -> object:
    """A CSV cell that a spreadsheet shows as text: a leading apostrophe before a formula start."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_START) else value


def ordered(library: Library) -> list[Playbook]:
    """Playbooks in lifecycle order of their categories, then by id: stable across runs."""
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(library.playbooks, key=lambda p: (rank.get(p.category, len(rank)), p.id))


def to_json(library: Library) -> str:
    data = {"playbooks": [p.to_data() for p in ordered(library)]}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_csv(library: Library) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for playbook in ordered(library):
        for item in playbook.items:
            writer.writerow({key: safe_cell(value) for key, value in {
                "playbook_id": playbook.id, "playbook_title": playbook.title, "category": playbook.category,
                "url": playbook.url, "item_id": item.id, "global_id": item.global_id, "text": item.text,
                "level": item.level or "", "owner": item.owner or "", "stage": item.stage or "",
                "why": " ".join((item.why or "").split()), "how": " ".join((item.how or "").split()),
                "refs": "; ".join(f"{r.framework}: {r.entry}" for r in item.refs),
                "related": " ".join(item.related_ids()), "replaces": " ".join(item.replaces),
                "tags": " ".join(item.tags),
            }.items()})
    return buffer.getvalue()


def to_markdown(library: Library) -> str:
    """A checklist per playbook, `- [ ] text (playbook-id/item-id)`, ready to paste."""
    lines: list[str] = []
    for playbook in ordered(library):
        if lines:
            lines.append("")
        lines.append(f"## {playbook.title}")
        lines.append("")
        lines.append(" ".join(playbook.summary.split()))
        lines.append("")
        for item in playbook.items:
            level = f" **{item.level}**" if item.level else ""
            lines.append(f"- [ ] {item.text} (`{item.global_id}`){level}")
    return "\n".join(lines) + "\n"


def to_oscal(library: Library) -> str:
    """The library as an OSCAL catalog (see `playbook.oscal`)."""
    from . import oscal  # compliance-trestle's models load only when asked for

    return oscal.to_json(oscal.catalog(library))


FORMATS: dict[str, Callable[[Library], str]] = {"json": to_json, "csv": to_csv, "md": to_markdown, "oscal": to_oscal}
