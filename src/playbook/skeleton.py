"""The playbook skeleton that `playbook new` writes, and the placeholder text it holds.

The skeleton is valid YAML of the right shape, so an author's editor and `playbook validate`
help from the first keystroke; its placeholder sentences are not content, so validation names
each one left in place and says what to write instead (`PLACEHOLDERS`).
"""

from __future__ import annotations

SKELETON = """\
# yaml-language-server: $schema={schema}
id: {id}
title: {title}
category: {category}
summary: >-
  One or two sentences: what this playbook helps a product team decide or check.
owner: product-manager
version: "0.1"
last_reviewed: {today}
tags: []
items:
  - id: first-check
    text: Write the first checklist item as one imperative, checkable sentence.
    level: must
    owner: product-manager
    stage: define
    why: >-
      Say what goes wrong for users or the business when this is skipped.
    how: >-
      Say how a reviewer can tell it is done: the document, metric or test result to look for.
"""

# Field -> (the skeleton's placeholder, what to write instead). Fields of an item are named as in
# the item ("text", "why", "how"); "summary" is the playbook's.
PLACEHOLDERS: dict[str, tuple[str, str]] = {
    "summary": ("One or two sentences: what this playbook helps a product team decide or check.",
                "one or two sentences on what this playbook helps a product team decide or check"),
    "text": ("Write the first checklist item as one imperative, checkable sentence.",
             "the check itself, as one imperative sentence a reviewer can tick, e.g. 'Name the one person "
             "who makes the launch decision.'"),
    "why": ("Say what goes wrong for users or the business when this is skipped.",
            "what goes wrong for users or the business when this check is skipped"),
    "how": ("Say how a reviewer can tell it is done: the document, metric or test result to look for.",
            "how a reviewer can tell it is done: the document, metric or test result to look for"),
}


def placeholder(field: str, value: object) -> str | None:
    """What to write instead, when `value` is still the skeleton's placeholder for `field`."""
    found = PLACEHOLDERS.get(field)
    if found is None or not isinstance(value, str) or " ".join(value.split()) != found[0]:
        return None
    return found[1]
