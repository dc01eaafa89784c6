"""Text from YAML to safe HTML: a small Markdown dialect, no raw HTML, sanitised with nh3.

YAML text is untrusted. Raw HTML in it is shown as text (the Markdown parser does not
recognise it), links may only use http, https or mailto, and the result passes through nh3's
allow-list. The output is wrapped in `markupsafe.Markup` so templates do not escape it again.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from markdown.extensions import Extension
from markupsafe import Markup

ALLOWED_TAGS = {"p", "em", "strong", "code", "a", "ul", "ol", "li", "br", "pre", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}

# Characters that can make plain text mean something in Markdown; text without them is escaped
# directly, which is most sentences and far cheaper than running the parser.
_MARKDOWN_HINT = re.compile(r"[*_`\[\]<>&\\#|~]|^\s*(?:[-+>]|\d+[.)])\s|\n\s*\n|https?://|www\.|@", re.M)


class _NoRawHtml(Extension):
    """Treat `<tags>` as text: raw HTML in YAML never becomes markup."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


# Python-Markdown looks for the end of a link from every '[' it meets, to the end of the text, so
# its time grows with their number times the text's length (4,000 of them: two seconds). A field
# holds a few links (six at most in the library today); past this many brackets it is not Markdown
# worth parsing, and validation reports it. Shown as plain text here.
MAX_BRACKETS = 20


@lru_cache(maxsize=1)
def _parser() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_NoRawHtml(), "sane_lists"], output_format="html")


def _sanitise(fragment: str) -> str:
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow")


@lru_cache(maxsize=65536)  # pure: the same text appears on several pages
def block(text: str | None) -> Markup:
    """Paragraphs and lists from a why/how/summary/intro field."""
    if not text:
        return Markup("")
    if not _MARKDOWN_HINT.search(text):
        return Markup("<p>" + html.escape(text.strip(), quote=False) + "</p>")
    if text.count("[") > MAX_BRACKETS:
        return Markup("".join(f"<p>{html.escape(part.strip(), quote=False)}</p>"
                              for part in re.split(r"\n\s*\n", text) if part.strip()))
    parser = _parser()
    parser.reset()
    return Markup(_sanitise(parser.convert(text)))


@lru_cache(maxsize=65536)  # pure: the same text appears on several pages
def inline(text: str | None) -> Markup:
    """Emphasis, code and links inside one line (the checklist sentence, titles)."""
    if not text:
        return Markup("")
    if not _MARKDOWN_HINT.search(text):
        return Markup(html.escape(text.strip(), quote=False))
    rendered = str(block(text))
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        return Markup(rendered[3:-4])
    # The line parsed as a block (a list or heading marker at its start): show it as plain text.
    return Markup(html.escape(text.strip(), quote=False))


@lru_cache(maxsize=65536)  # pure: the same text appears on several pages
def plain(text: str | None) -> str:
    """Text without Markdown markers, for titles, descriptions and exports that are not HTML."""
    if not text:
        return ""
    stripped = re.sub(r"<[^>]*>", "", str(block(text)))
    return " ".join(html.unescape(stripped).split())


_BLOCKS = re.compile(r"<(p|li|pre|blockquote)\b[^>]*>(.*?)</\1>", re.S)


@lru_cache(maxsize=65536)
def paragraphs(text: str | None) -> tuple[str, ...]:
    """The paragraphs and list entries of a why/how field as plain text, for pages that build their
    content from data with `textContent` (list entries keep a leading "• ")."""
    if not text:
        return ()
    rendered = str(block(text))
    found = []
    for match in _BLOCKS.finditer(rendered):
        inner = match.group(2)
        if match.group(1) in ("blockquote",) or "<p>" in inner and match.group(1) == "li":
            inner = re.sub(r"</?p>", " ", inner)
        words = " ".join(html.unescape(re.sub(r"<[^>]*>", "", inner)).split())
        if words:
            found.append(("• " if match.group(1) == "li" else "") + words)
    return tuple(found) or (plain(text),)
