"""One measured section of the Performance page, kept between its two HTML comment markers."""

from __future__ import annotations

from pathlib import Path


def replace_section(page: Path, section: str, start: str, end: str) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in place of the page's own;
    a page without one gets it before its "### Targets" heading, or at its end."""
    text = page.read_text(encoding="utf-8")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section.rstrip("\n") + rest.split(end, 1)[1]
    else:
        marker = "\n### Targets"
        text = text.replace(marker, "\n" + section + marker, 1) if marker in text else text + "\n" + section
    page.write_text(text, encoding="utf-8")


def publish(section: str, section_file: Path, page: Path | None, start: str, end: str) -> None:
    """Print the section, keep it in its file (bench/run.py puts it on the page it writes) and,
    when asked, refresh it on an existing page."""
    print(section.rstrip("\n"))
    section_file.write_text(section, encoding="utf-8")
    if page is not None:
        replace_section(page, section, start, end)
