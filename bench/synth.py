"""Synthetic playbook libraries for the benchmark, made from the real library.

A synthetic library of N playbooks reuses the real content so that field sizes, Markdown use,
framework references and tags stay realistic: playbook k takes its playbook-level fields from
real playbook k mod R (R real playbooks) and 12 to 18 items (15 on average) drawn from the
real items, its own first. Ids stay unique (the first R playbooks keep their real ids, so pages
that embed a real playbook by id still build); `related` links are re-aimed at items of the
synthetic library, with the real mix of same-playbook and cross-playbook links. Everything in
the library folder that is not a playbook (the framework registries, library-wide files) is
copied as it is, so every reference resolves. Generation is deterministic.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from playbook.load import check_library

SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/playbook.schema.json\n"
MIN_ITEMS, MAX_ITEMS = 12, 18


@dataclass(frozen=True)
class Template:
    playbook: dict[str, Any]
    items: list[dict[str, Any]]


def real_library(root: Path) -> tuple[list[Template], set[str]]:
    """The real playbooks as plain data, read by the project's own loader (dates stay text), and
    the names of the category folders that hold them."""
    checked = check_library(root)
    if checked.problems:
        raise SystemExit(f"the real library under {root} has {len(checked.problems)} problem(s); "
                         "run `playbook validate` first")
    templates = [Template(playbook=dict(s.data), items=list(s.data["items"])) for s in checked.playbooks]
    return templates, {s.path.parent.name for s in checked.playbooks}


def generate(target: Path, count: int, source: Path, *, seed: int = 8) -> Path:
    """Write a library of `count` playbooks to `target` (replaced if present); returns `target`."""
    rng = random.Random(seed)
    templates, categories = real_library(source)
    pool = [item for t in templates for item in t.items]
    if target.exists():
        shutil.rmtree(target)
    # Everything but the playbooks comes along as it is: framework registries and any other
    # library-wide file the playbooks refer to.
    shutil.copytree(source, target, ignore=lambda folder, names: [
        n for n in names if Path(folder) == source and n in categories])

    # First pass: ids, categories and items of every playbook, so that related links can point
    # anywhere in the library.
    playbooks: list[dict[str, Any]] = []
    for k in range(count):
        template = templates[k % len(templates)]
        base = template.playbook["id"]
        playbook_id = base if k < len(templates) else f"{base}-{k // len(templates) + 1}"
        size = rng.randint(MIN_ITEMS, MAX_ITEMS)
        chosen = list(template.items[:size])
        while len(chosen) < size:  # borrowed items keep no `replaces`: old ids belong to their own playbook
            chosen.append({k: v for k, v in rng.choice(pool).items() if k != "replaces"})
        items, seen = [], set()
        for item in chosen:
            item_id, n = item["id"], 2
            while item_id in seen:
                item_id, n = f"{item['id']}-{n}", n + 1
            seen.add(item_id)
            items.append({**item, "id": item_id})
        fields = {key: value for key, value in template.playbook.items() if key != "items"}
        playbooks.append({**fields, "id": playbook_id, "items": items})

    # Second pass: re-aim `related` at existing items with the real share of cross-playbook links.
    for k, playbook in enumerate(playbooks):
        own = [item["id"] for item in playbook["items"]]
        for item in playbook["items"]:
            old = item.pop("related", None) or []
            related: list[str] = []
            for target_ref in old:
                if "/" in target_ref and len(playbooks) > 1:
                    other = playbooks[(k + rng.randint(1, len(playbooks) - 1)) % len(playbooks)]
                    candidate = f"{other['id']}/{rng.choice(other['items'])['id']}"
                else:
                    candidate = rng.choice(own)
                if candidate != item["id"] and candidate not in related:
                    related.append(candidate)
            if related:
                item["related"] = related

    for playbook in playbooks:
        path = target / playbook["category"] / f"{playbook['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(SCHEMA_LINE + dump(playbook), encoding="utf-8")
    return target


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Long text as folded blocks (`>-`), as people write the real files."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 90 and "\n" not in value.strip("\n") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=None)


def edit(path: Path, round_: int) -> None:
    """A person's edit of one playbook: reword the first item's sentence (stays valid)."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    item = data["items"][0]
    item["text"] = f"{item['text'][:150].rstrip()} (edit {round_})"
    path.write_text(SCHEMA_LINE + dump(data), encoding="utf-8")
