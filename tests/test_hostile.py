"""Hostile YAML: template syntax and script payloads in every field reach the site as plain text.

One site is built from the fixture library with a payload in every text field a contributor can
write: playbook, item, link and framework registry fields. Each value starts with a short marker
(`PT` for the playbook title, ...) so a failure names the field. The tests then read every built
page with BeautifulSoup: each payload must be on the site, character for character, as text, and
nothing in it may have become a template expression, an element, an attribute or a live link.

Markdown link tricks (`[x](javascript:...)` and friends) cannot go through a build: validation
rejects them. Two more tests prove that rejection for every Markdown field, and that the renderer
would still neutralise them if validation were ever bypassed.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup, Tag

from conftest import FIXTURE_LIBRARY, SiteBuild, make_project, run_build
from playbook.load import build, check_library
from playbook.render import Renderer
from playbook.source import parse_text
from playbook.validate import check_playbooks

# Rendered as a template, this would print 7006652, the MkDocs config and "<class 'str'>", and
# `{% raw %}` without its end tag would stop the build. No underscores: Markdown would read
# `__x__` as bold and the text would no longer be literal (that is formatting, not execution).
JINJA = "{{ 1234*5678 }} {{ config }} {% raw %} {# note #} {{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}"
JINJA_SHORT = "{{ 1234*5678 }}"
EXECUTED = ("7006652", "<class '")

HTML_SHORT = "\"><svg onload=alert(5)>"
HTML_MEDIUM = "<script>alert(1)</script><img src=x onerror=alert(2)>\"><svg onload=alert(3)>' onfocus='alert(4)"
HTML = f"{HTML_MEDIUM} <iframe src=https://example.org></iframe>"
# Links that validation accepts (https) but whose Markdown tries to smuggle in an attribute.
MARKDOWN_HTTPS_TRICKS = ("[t](https://example.org/a \"x\\\" onmouseover=\\\"alert(6)\") "
                         "<https://example.org/b\" onmouseover=\"alert(7)>")

# Every field a contributor writes text into: (where, field, marker, length limit in the schema).
# The marker starts the value, so each field's text is unique on the site; HTML payloads get an H.
FIELDS = [
    ("playbook", "title", "PT", 200), ("playbook", "summary", "PS", 4000), ("playbook", "intro", "PI", 4000),
    ("link", "title", "LT", 200),
    ("item", "text", "IT", 200), ("item", "why", "IW", 4000), ("item", "how", "IH", 4000),
    ("framework", "title", "FT", 200), ("framework", "short_title", "FS", 40), ("framework", "edition", "FE", 120),
    ("framework", "publisher", "FP", 120), ("framework", "description", "FD", 2000),
    ("entry", "title", "ET", 300), ("entry", "group", "EG", 120), ("gap-entry", "gap", "EP", 300),
]
MULTI_LINE_MARKDOWN = {("playbook", "summary"), ("playbook", "intro"), ("item", "why"), ("item", "how")}
# Entry ids are shown too (and go into URLs): one registry entry per payload kind, cited by an item.
ENTRY_IDS = {"jinja": JINJA_SHORT, "html": HTML_SHORT}
GAP_ENTRY_IDS = {"jinja": "{% raw %} gap", "html": "<b onclick=alert(8)>gap</b>"}  # cited by no item


def payload(kind: str, limit: int) -> str:
    if kind == "jinja":
        return JINJA if limit > 100 else JINJA_SHORT
    return HTML if limit >= 200 else HTML_MEDIUM if limit > 100 else HTML_SHORT


def value(kind: str, where: str, field: str, marker: str, limit: int) -> str:
    text = f"{'H' if kind == 'html' else ''}{marker} {payload(kind, limit)}"
    if kind == "html" and (where, field) in MULTI_LINE_MARKDOWN:
        text += f" {MARKDOWN_HTTPS_TRICKS}"  # rendered as links: their text is not the payload
    return text


def expected_on_site() -> list[tuple[str, str]]:
    """(field, exact text readers must see) for every field that carries a payload."""
    rows = []
    for kind in ("jinja", "html"):
        for where, field, marker, limit in FIELDS:
            text = f"{'H' if kind == 'html' else ''}{marker} {payload(kind, limit)}"
            rows.append((f"{kind}-in-{where}.{field}", text))
        rows.append((f"{kind}-in-entry.id", ENTRY_IDS[kind]))
        rows.append((f"{kind}-in-uncovered-entry.id", GAP_ENTRY_IDS[kind]))
    return rows


def _write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")


def _fill(data: dict, kind: str, where: str) -> dict:
    for where_, field, marker, limit in FIELDS:
        if where_ == where:
            data[field] = value(kind, where, field, marker, limit)
    return data


def hostile_library(target: Path) -> Path:
    """The fixture library with payloads: Jinja in problem-fit and demo-framework, HTML in
    bias-check and a second registry, hostile-framework, that bias-check cites."""
    root = target / "library"
    shutil.copytree(FIXTURE_LIBRARY, root)
    for name, kind, framework in (("strategy/problem-fit.yaml", "jinja", "demo-framework"),
                                  ("ethics/bias-check.yaml", "html", "hostile-framework")):
        path = root / name
        data = _fill(yaml.safe_load(path.read_text(encoding="utf-8")), kind, "playbook")
        data["links"] = [_fill({"url": "https://example.org/source"}, kind, "link")]
        _fill(data["items"][0], kind, "item")["refs"] = {framework: [ENTRY_IDS[kind]]}
        _write(path, data)

    registry_path = root / "frameworks" / "demo-framework.yaml"
    original = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    for kind, framework in (("jinja", "demo-framework"), ("html", "hostile-framework")):
        registry = _fill(dict(original, id=framework), kind, "framework")
        entries = original["entries"] if kind == "jinja" else []  # the other fixture files cite these
        registry["entries"] = entries + [
            _fill({"id": ENTRY_IDS[kind]}, kind, "entry"),
            _fill({"id": GAP_ENTRY_IDS[kind], "title": "Uncovered entry"}, kind, "gap-entry"),
        ]
        _write(root / "frameworks" / f"{framework}.yaml", registry)
    return root


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> SiteBuild:
    tmp = tmp_path_factory.mktemp("hostile")
    build_ = run_build(make_project(tmp / "project", library=hostile_library(tmp)))
    assert build_.returncode == 0, build_.stderr
    return build_


@pytest.fixture(scope="module")
def pages(hostile_site: SiteBuild) -> dict[str, BeautifulSoup]:
    return {p.relative_to(hostile_site.site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in hostile_site.site.rglob("*.html")}


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def site_text(pages: dict[str, BeautifulSoup]) -> str:
    """The text readers see on every page, plus attribute values (tooltips), whitespace squashed."""
    parts = []
    for soup in pages.values():
        parts.append(soup.get_text(" "))
        parts += [v for el in soup.find_all(True) for v in el.attrs.values() if isinstance(v, str)]
    return _squash("\n".join(parts))


@pytest.mark.slow
@pytest.mark.parametrize("field, text", expected_on_site(), ids=[row[0] for row in expected_on_site()])
def test_every_text_field_reaches_the_site_literally(site_text: str, field: str, text: str):
    assert _squash(text) in site_text


@pytest.mark.slow
def test_template_syntax_is_never_evaluated_anywhere_on_the_site(hostile_site: SiteBuild):
    for path in hostile_site.site.rglob("*"):
        if path.suffix in (".html", ".json", ".xml"):
            content = path.read_text(encoding="utf-8")
            for evidence in EXECUTED:
                assert evidence not in content, f"{evidence!r} in {path.relative_to(hostile_site.site)}"


_LIVE_TAGS = ("script", "iframe", "object", "embed", "frame", "frameset", "applet", "base", "form", "meta", "link",
              "style")
_URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset")
_BAD_SCHEME = re.compile(r"^(javascript|data|vbscript):", re.I)
_THEME_LINK = "javascript:void(0)"  # Material's own header link, outside the article


def _url_of(value: str) -> str:
    return re.sub(r"[\x00-\x20]", "", value)


def _plan_questions(el: Tag) -> bool:
    """The questionnaire of the "Plan my review" page: our template's form, which submits nowhere."""
    return el.name == "form" and el.has_attr("data-pb-plan-form") and not {"action", "method", "target"} & set(el.attrs)


def _plan_first_paint_script(el: Tag) -> bool:
    """The one script in an article: the plan page's own, whose text is fixed by its template (it
    folds the questions before the first paint); no data from YAML reaches it."""
    if el.name != "script" or el.attrs:
        return False
    template = (Path(__file__).parents[1] / "src" / "playbook" / "templates" / "plan.md.j2").read_text(encoding="utf-8")
    ours = re.search(r"<script>(.*?)</script>", template, re.S)
    return ours is not None and el.get_text() == ours.group(1) and "{" + "{" not in ours.group(1)


def live_markup(soup: BeautifulSoup, *, article_only: bool) -> list[str]:
    """Every element or attribute that would run script, load a frame or navigate to a script URL."""
    found = []
    scope = soup.select("article") if article_only else [soup]
    for root in scope:
        if article_only:
            found += [f"<{el.name}>" for el in root.find_all(_LIVE_TAGS)
                      if not _plan_questions(el) and not _plan_first_paint_script(el)]
        for el in root.find_all(True):
            for name, value in el.attrs.items():
                if name.lower().startswith("on"):
                    found.append(f"<{el.name} {name}=...>")
                if name.lower() in _URL_ATTRIBUTES and isinstance(value, str) and _BAD_SCHEME.match(_url_of(value)) \
                        and not (value == _THEME_LINK and not article_only):
                    found.append(f"<{el.name} {name}={value!r}>")
    return found


@pytest.mark.slow
def test_no_payload_becomes_live_markup_in_any_article(pages: dict[str, BeautifulSoup]):
    assert any("HPT" in soup.get_text() for soup in pages.values())
    problems = {url: live for url, soup in pages.items() if (live := live_markup(soup, article_only=True))}
    assert problems == {}


@pytest.mark.slow
def test_no_payload_becomes_live_markup_in_titles_navigation_or_anywhere_else(pages: dict[str, BeautifulSoup]):
    problems = {url: live for url, soup in pages.items() if (live := live_markup(soup, article_only=False))}
    assert problems == {}
    for url, soup in pages.items():
        assert not [s for s in soup.find_all("script") if "alert(" in s.get_text()], url
    page = pages["ethics/bias-check/index.html"]
    assert page.title.get_text().startswith(f"HPT {HTML}")
    assert page.select_one("article h1").get_text() == f"HPT {HTML}"


@pytest.mark.slow
def test_titles_are_escaped_once_in_every_attribute_screen_readers_read(pages: dict[str, BeautifulSoup]):
    """Generated titles are escaped at the source; a theme that escapes them again makes a screen
    reader say "ampersand l t semicolon". Material's footer did, for the previous and next links."""
    twice = {url: [el.get("aria-label") for el in soup.find_all(attrs={"aria-label": re.compile("&(lt|gt|amp|quot);")})]
             for url, soup in pages.items()}
    assert {url: labels for url, labels in twice.items() if labels} == {}
    footer = [a["aria-label"] for soup in pages.values() for a in soup.select("a.md-footer__link")]
    assert any(HTML in label for label in footer)  # the hostile title, as its readers see it


@pytest.mark.slow
def test_https_links_keep_their_address_and_gain_no_attributes(pages: dict[str, BeautifulSoup]):
    article = pages["ethics/bias-check/index.html"].select_one("article")
    links = [a for a in article.select(".pb-summary a, .pb-intro a, .pb-item__why a, .pb-item__how a")]
    assert links, "the Markdown links in the summary, intro, why and how fields were rendered"
    for a in links:
        assert set(a.attrs) <= {"href", "title", "rel"}
        assert a["href"].startswith("https://example.org/")


@pytest.mark.slow
def test_search_index_keeps_payloads_as_escaped_text(hostile_site: SiteBuild):
    """Material inserts search result text as HTML: the index must hold the payloads escaped."""
    index = (hostile_site.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "HIT &lt;script&gt;alert(1)&lt;/script&gt;" in index
    assert "<script>" not in index and "<img src=x" not in index and "<svg onload" not in index


# -- Markdown link tricks: rejected by validation, and harmless even if they got through -----------

LINK_TRICKS = {
    "inline-link": "[x](javascript:alert(1))",
    "image": "![x](javascript:alert(1))",
    "autolink": "<javascript:alert(1)>",
    "angle-destination": "[x](<javascript:alert(1)>)",
    "leading-space": "[x](  javascript:alert(1))",
    "upper-case": "[x](JaVaScRiPt:alert(1))",
    "decimal-entity": "[x](&#106;avascript:alert(1))",
    "hex-entity": "[x](&#x6A;avascript:alert(1))",
    "entity-without-semicolon": "[x](&#106avascript:alert(1))",
    "named-entity-colon": "[x](javascript&colon;alert(1))",
    "tab-in-scheme": "[x](jav&#x09;ascript:alert(1))",
    "data-url": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "data-image": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "vbscript": "[x](vbscript:msgbox(1))",
    "file": "[x](file:///etc/passwd)",
    "reference-link": "[x][r]\n\n[r]: javascript:alert(1)",
    "reference-image": "![x][r]\n\n[r]: <data:text/html,x>",
}
ONE_LINE_FIELDS = {"text"}
_BASE = """id: launch-plan
title: Launch plan
category: strategy
summary: Plan the launch.
items:
  - id: rollout-staged
    text: Roll out to a small share of users first.
"""


def _with_field(field: str, value: str) -> dict:
    data = yaml.safe_load(_BASE)
    (data if field in ("summary", "intro") else data["items"][0])[field] = value
    return data


def _cases() -> list[tuple[str, str]]:
    return [(field, name) for field in ("summary", "intro", "text", "why", "how") for name, trick in LINK_TRICKS.items()
            if not ("\n" in trick and field in ONE_LINE_FIELDS)]


@pytest.mark.parametrize("field, trick", _cases(), ids=[f"{f}-{t}" for f, t in _cases()])
def test_validation_rejects_unsafe_link_schemes_in_every_markdown_field(field: str, trick: str):
    data = _with_field(field, f"See {LINK_TRICKS[trick]} first.")
    source = parse_text(Path("strategy/launch-plan.yaml"), yaml.safe_dump(data, sort_keys=False, width=10_000))
    problems = check_playbooks([source], [])
    json_path = f"$.{field}" if field in ("summary", "intro") else f"$.items[0].{field}"
    assert [(p.json_path, "links may only use http, https or mailto" in p.message) for p in problems] == \
        [(json_path, True)]


def test_validation_accepts_safe_and_relative_links():
    text = ("[a](https://example.org/) [b](http://example.org/) [c](mailto:team@example.org) [d](#anchor) "
            "[e](../other/) [f](page/#a:b) <https://example.org/x> javascript: in plain text")
    for field in ("summary", "intro", "why", "how"):
        source = parse_text(Path("strategy/launch-plan.yaml"), yaml.safe_dump(_with_field(field, text), width=10_000))
        assert check_playbooks([source], []) == []


def test_renderer_neutralises_link_tricks_even_when_validation_is_bypassed(tmp_path: Path):
    root = tmp_path / "library"
    shutil.copytree(FIXTURE_LIBRARY, root)
    path = root / "strategy" / "problem-fit.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    block = "\n\n".join(LINK_TRICKS.values())
    one_line = " ".join(list(LINK_TRICKS.values())[:4])  # `text` is one line of at most 200 characters
    data["summary"], data["intro"] = block, block
    data["items"][0].update(text=one_line, why=block, how=block)
    _write(path, data)

    checked = check_library(root)
    assert checked.problems and all("links may only use" in p.message for p in checked.problems)
    pages = Renderer(build(checked)).pages()  # what a build would render without validation
    for name, content in pages.items():
        soup = BeautifulSoup(content, "html.parser")
        found = [f"<{el.name}>" for el in soup.find_all(_LIVE_TAGS + ("img",))
                 if not _plan_questions(el) and not _plan_first_paint_script(el)]
        for el in soup.find_all(True):
            found += [f"<{el.name} {k}={v!r}>" for k, v in el.attrs.items()
                      if k.lower().startswith("on") or (k in _URL_ATTRIBUTES and _BAD_SCHEME.match(_url_of(str(v))))]
        assert found == [], name
    assert "javascript" in pages["strategy/problem-fit.md"]  # the text is still there, as text


def test_tags_cannot_hold_template_syntax_or_markup():
    data = yaml.safe_load(_BASE)
    data["tags"] = [JINJA_SHORT, "<b>x</b>"]
    source = parse_text(Path("strategy/launch-plan.yaml"), yaml.safe_dump(data, sort_keys=False))
    problems = check_playbooks([source], [])
    assert [p.json_path for p in problems] == ["$.tags[0]", "$.tags[1]"]
    assert all("must be kebab-case" in p.message for p in problems)
