"""A Python-Markdown extension for builders that run no MkDocs hooks (Zensical): the finished HTML
blocks a generated page marks (render.RAW_START / RAW_END: checklists, crosswalk entries) go to
Markdown's store of raw HTML whole, so Markdown never parses them, as the MkDocs hook arranges
around its own conversion (hooks/playbook_site.py). `playbook generate` names it in the
configuration it writes: `markdown_extensions: [playbook.rawblocks]`.
"""

from __future__ import annotations

from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from .render import RAW_START, _RAW_BLOCK


class _SetAside(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if RAW_START not in text:
            return lines
        stashed = _RAW_BLOCK.sub(lambda m: "\n\n" + self.md.htmlStash.store(m.group(1)) + "\n\n", text)
        return stashed.split("\n")


class RawBlocks(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        # Before the raw HTML block preprocessor (priority 20), after whitespace normalisation (30).
        md.preprocessors.register(_SetAside(md), "playbook_raw_blocks", 25)


def makeExtension(**kwargs: Any) -> RawBlocks:  # noqa: N802 - Python-Markdown's name
    return RawBlocks(**kwargs)
