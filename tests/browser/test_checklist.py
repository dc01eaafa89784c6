"""The interactive checklist (docs/assets/checklist.js) in a real browser, as issue 3 asks.

Each test gets a fresh browser context, so localStorage starts empty. The fixture playbook
`problem-fit` has three items: user-problem-stated (must), simpler-alternative-tried (should),
success-metric-set (could).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import playbook

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips these tests, or fails them under CI
    pass

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from .conftest import ServedProject

pytestmark = pytest.mark.browser

PAGE = "strategy/problem-fit/"
STATED = "problem-fit/user-problem-stated"
SIMPLER = "problem-fit/simpler-alternative-tried"
METRIC = "problem-fit/success-metric-set"
PREFIX = "genai-playbook:v1:"
TITLE = "Is generative AI the right tool?"
# The toolbar's menu ("Save, load, share or print") and its actions, by their names.
SAVE = "Save my progress to a file"
SHARE = "Copy a link to my ticks"
MARKDOWN = "Download as a Markdown checklist"
REVIEW = "Download a review file"
MERGE = "Load and add to my ticks…"
REPLACE = "Load and replace my ticks…"
CLEAR = "Clear my ticks and notes for this playbook…"
CLEAR_ALL = "Clear my ticks and notes for every playbook…"
ACTIONS = [SAVE, SHARE, MARKDOWN, REVIEW, MERGE, REPLACE, "Print blank", "Print with my progress", CLEAR, CLEAR_ALL]


def open_checklist(page: Page, url: str = PAGE) -> None:
    page.goto(url)
    page.locator(".pb-tools").first.wait_for()  # the script has bound the page


def box(page: Page, global_id: str) -> Any:
    return page.locator(f'li[data-item-id="{global_id}"] input.pb-item__check')


def ticked(page: Page) -> list[str]:
    return page.locator("li[data-item-id]").evaluate_all(
        "els => els.filter(e => e.querySelector('input').checked).map(e => e.dataset.itemId)")


def shown(page: Page) -> list[str]:
    return page.locator("li[data-item-id]").evaluate_all(
        "els => els.filter(e => !e.hidden).map(e => e.dataset.itemId)")


def saved(page: Page) -> dict[str, str]:
    """This site's entries in localStorage."""
    return page.evaluate(f"""() => Object.fromEntries(Object.keys(localStorage)
        .filter(k => k.startsWith({PREFIX!r})).map(k => [k, localStorage.getItem(k)]))""")


def write_note(page: Page, global_id: str, text: str) -> None:
    item = page.locator(f'li[data-item-id="{global_id}"]')
    item.get_by_role("button", name="Add note").click()
    item.get_by_role("textbox").fill(text)


def menu(page: Page) -> Any:
    """The toolbar's menu, opened (a click on its summary, as a reader does)."""
    details = page.locator("details.pb-menu")
    if not details.evaluate("d => d.open"):
        details.locator("summary").click()
    return details


def act(page: Page, name: str) -> None:
    """Open the menu and use one of its actions."""
    menu(page).get_by_role("button", name=name, exact=True).click()


def download(page: Page, button: str) -> tuple[str, str]:
    with page.expect_download() as info:
        act(page, button)
    return info.value.suggested_filename, Path(info.value.path()).read_text(encoding="utf-8")


def import_file(page: Page, button: str, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        act(page, button)
    chooser.value.set_files(str(path))


# -- persistence ----------------------------------------------------------------------------------

def test_a_tick_survives_a_reload_and_is_saved_under_the_global_item_id(page: Page) -> None:
    open_checklist(page)
    box(page, SIMPLER).check()
    page.reload()
    page.locator(".pb-tools").wait_for()
    expect(box(page, SIMPLER)).to_be_checked()
    assert ticked(page) == [SIMPLER]
    entry = json.loads(saved(page)[PREFIX + SIMPLER])
    assert entry["done"] is True
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z", entry["time"])


def test_a_tick_survives_instant_navigation_away_and_back(page: Page) -> None:
    open_checklist(page)
    box(page, STATED).check()
    page.evaluate("window.__sameDocument = true")  # lost on a full page load
    page.locator(".md-sidebar--primary a.md-nav__link", has_text="All playbooks").click()
    page.wait_for_url("**/playbooks/")
    expect(page.locator('tr[data-playbook-id="problem-fit"] .pb-row-progress').first).to_contain_text("1 of 3 done")
    page.locator('tr[data-playbook-id="problem-fit"] a').first.click()
    page.wait_for_url(f"**/{PAGE}")
    expect(page.locator(".pb-progress")).to_contain_text("1 of 3 done")
    assert ticked(page) == [STATED]
    assert page.evaluate("window.__sameDocument") is True, "Material's instant navigation did not take over"


def test_the_same_item_stays_ticked_after_an_item_is_inserted_before_it(
        own_site: ServedProject, new_page: Callable[..., Page]) -> None:
    page = new_page(own_site.url)
    open_checklist(page)
    box(page, SIMPLER).check()
    source = own_site.root / "playbook_data" / "strategy" / "problem-fit.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace("items:\n", (
        "items:\n"
        "  - id: budget-agreed\n"
        "    text: Agree a budget for model costs before the pilot.\n"
        "    level: must\n"
        "    owner: finance\n"
        "    stage: define\n"), 1), encoding="utf-8")
    own_site.rebuild()
    page.reload()
    page.locator(".pb-tools").wait_for()
    assert page.locator("li[data-item-id]").evaluate_all("els => els.map(e => e.dataset.itemId)") == [
        "problem-fit/budget-agreed", STATED, SIMPLER, METRIC]
    assert ticked(page) == [SIMPLER]
    expect(page.locator(".pb-progress")).to_contain_text("1 of 4 done")
    expect(page.locator(".pb-progress")).to_contain_text("Must items: 0 of 2 done")


def test_a_replacing_item_carries_the_old_tick_and_a_removed_item_counts_nowhere_but_stays_saved(
        own_site: ServedProject, new_page: Callable[..., Page]) -> None:
    page = new_page(own_site.url)
    open_checklist(page)
    box(page, SIMPLER).check()
    box(page, METRIC).check()
    source = own_site.root / "playbook_data" / "strategy" / "problem-fit.yaml"
    text = source.read_text(encoding="utf-8")
    start, end = text.index("  - id: simpler-alternative-tried\n"), text.index("  - id: success-metric-set\n")
    text = text[:start] + text[end:]  # remove an item (and the reference to it)
    text = text.replace("related: [simpler-alternative-tried, bias-check/groups-listed]",
                        "related: [bias-check/groups-listed]")
    text = text.replace("  - id: success-metric-set\n",
                        "  - id: success-metric-agreed\n    replaces: [success-metric-set]\n")
    source.write_text(text, encoding="utf-8")
    own_site.rebuild()

    page.reload()
    page.locator(".pb-tools").wait_for()
    assert ticked(page) == ["problem-fit/success-metric-agreed"]
    expect(page.locator(".pb-progress")).to_contain_text("1 of 2 done")
    assert PREFIX + SIMPLER in saved(page), "progress of a removed item is kept until a reset"
    page.goto("playbooks/")
    expect(page.locator('tr[data-playbook-id="problem-fit"] .pb-row-progress').first).to_contain_text("1 of 2 done")

    page.goto(PAGE)  # unticking the new item wins over the tick saved under its old id
    box(page, "problem-fit/success-metric-agreed").uncheck()
    page.reload()
    page.locator(".pb-tools").wait_for()
    assert ticked(page) == []


# -- progress, filters, notes -----------------------------------------------------------------------

def test_progress_text_and_bars_count_all_items_and_must_items(page: Page) -> None:
    open_checklist(page)
    progress = page.locator(".pb-progress")
    expect(progress).to_have_attribute("role", "status")  # announced politely
    expect(progress).to_contain_text("0 of 3 done")
    expect(progress).to_contain_text("Must items: 0 of 1 done")
    box(page, SIMPLER).check()
    expect(progress).to_contain_text("1 of 3 done")
    expect(progress).to_contain_text("Must items: 0 of 1 done")
    box(page, STATED).check()
    expect(progress).to_contain_text("2 of 3 done")
    expect(progress).to_contain_text("Must items: 1 of 1 done")
    bars = progress.locator("progress").evaluate_all(
        "els => els.map(e => [e.getAttribute('aria-label'), e.value, e.max])")
    assert bars == [["Items done", 2, 3], ["Must items done", 1, 1]]
    box(page, SIMPLER).uncheck()
    expect(progress).to_contain_text("1 of 3 done")


def test_tables_show_each_playbooks_progress(page: Page) -> None:
    open_checklist(page)
    box(page, STATED).check()
    page.goto("strategy/")
    cell = page.locator('tr[data-playbook-id="problem-fit"] .pb-row-progress').first
    expect(cell).to_have_text("1 of 3 done\nMust: 1 of 1")
    assert cell.locator("progress").evaluate("e => [e.value, e.max]") == [1, 3]
    expect(page.locator(".pb-table th").last).to_have_text("Your progress")
    page.goto("playbooks/")
    expect(page.locator('tr[data-playbook-id="bias-check"] .pb-row-progress').first).to_have_text("0 of 2 done\nMust: 0 of 1")


def test_filters_hide_items_but_never_change_saved_progress(page: Page) -> None:
    open_checklist(page)
    box(page, STATED).check()
    before = saved(page)
    filters = page.locator(".pb-filters")
    filters.get_by_label("Level").select_option("must")
    assert shown(page) == [STATED]
    expect(filters.locator(".pb-shown")).to_have_text("Showing 1 of 3 items")
    filters.get_by_label("Level").select_option("")
    filters.get_by_label("Owner").select_option(label="Engineering")
    assert shown(page) == [SIMPLER]
    filters.get_by_label("Owner").select_option("")
    filters.get_by_label("Stage").select_option(label="Define")
    assert shown(page) == [SIMPLER, METRIC]
    filters.get_by_label("Stage").select_option("")
    filters.get_by_label("Hide done").check()
    assert shown(page) == [SIMPLER, METRIC]
    box(page, SIMPLER).check()  # ticking under "hide done" hides the item
    assert shown(page) == [METRIC]
    box(page, SIMPLER).evaluate("e => { e.checked = false; e.dispatchEvent(new Event('change')); }")
    filters.get_by_label("Hide done").uncheck()
    assert shown(page) == [STATED, SIMPLER, METRIC]
    expect(filters.locator(".pb-shown")).to_have_text("")
    assert {k: json.loads(v)["done"] for k, v in saved(page).items()} == {
        PREFIX + STATED: True, PREFIX + SIMPLER: False}
    assert saved(page)[PREFIX + STATED] == before[PREFIX + STATED]


def test_a_note_is_saved_with_the_item_and_shown_after_a_reload(page: Page) -> None:
    open_checklist(page)
    write_note(page, METRIC, "Target agreed with finance: 30% fewer tickets")
    page.reload()
    page.locator(".pb-tools").wait_for()
    note = page.locator(f'li[data-item-id="{METRIC}"] textarea')
    expect(note).to_be_visible()
    expect(note).to_have_value("Target agreed with finance: 30% fewer tickets")
    assert ticked(page) == []
    assert json.loads(saved(page)[PREFIX + METRIC])["note"] == "Target agreed with finance: 30% fewer tickets"


# -- reset, export, import, share -----------------------------------------------------------------

def test_clearing_asks_first_says_exactly_what_is_lost_and_what_was_cleared(page: Page) -> None:
    open_checklist(page, "ethics/bias-check/")
    box(page, "bias-check/groups-listed").check()
    open_checklist(page)
    box(page, STATED).check()
    box(page, SIMPLER).check()
    write_note(page, METRIC, "Ask finance")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    act(page, CLEAR)
    assert asked[-1].startswith(f"Clear 2 ticks and 1 note for “{TITLE}”?")
    assert "cannot be undone" in asked[-1] and "Other playbooks keep their ticks and notes." in asked[-1]
    expect(page.locator(".pb-msg")).to_have_text("Nothing was cleared.")
    assert ticked(page) == [STATED, SIMPLER]
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    act(page, CLEAR)
    expect(page.locator(".pb-msg")).to_have_text(f"Cleared 2 ticks and 1 note for “{TITLE}”.")
    expect(page.locator(".pb-progress")).to_contain_text("0 of 3 done")
    assert list(saved(page)) == [PREFIX + "bias-check/groups-listed"]
    act(page, CLEAR)  # nothing left here: no question, and it says so
    expect(page.locator(".pb-msg")).to_have_text(
        f"Nothing to clear: no ticks or notes are saved in this browser for “{TITLE}”.")
    assert len(asked) == 2
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    act(page, CLEAR_ALL)
    assert asked[-1].startswith("Clear every tick and note saved in this browser, for every playbook and not only "
                                "this one: 1 tick and 0 notes on 1 playbook?")
    expect(page.locator(".pb-msg")).to_have_text(
        "Cleared 1 tick and 0 notes on 1 playbook: no ticks or notes are saved in this browser now.")
    assert saved(page) == {}


def test_destructive_actions_are_set_apart_and_marked(page: Page) -> None:
    open_checklist(page)
    danger = menu(page).get_by_role("group", name="Clear saved progress")
    assert danger.get_by_role("button").all_text_contents() == [CLEAR, CLEAR_ALL]
    for name in (CLEAR, CLEAR_ALL):
        style = danger.get_by_role("button", name=name).evaluate(
            "e => { const s = getComputedStyle(e); return [s.borderTopColor, s.color]; }")
        assert style == ["rgb(198, 40, 40)", "rgb(183, 28, 28)"], name  # a red outline and red words
    assert page.locator(".pb-menu__group--danger").evaluate(
        "e => getComputedStyle(e).borderTopStyle") == "solid"  # a rule above them


def test_export_json_then_reset_then_import_restores_the_same_state(page: Page, tmp_path: Path) -> None:
    open_checklist(page)
    box(page, STATED).check()
    box(page, METRIC).check()
    write_note(page, STATED, "See the brief, v2")
    before = saved(page)

    name, text = download(page, SAVE)
    assert name == "problem-fit-progress.json"
    data = json.loads(text)
    assert data["format"] == "genai-playbook-progress"
    assert data["playbooks"] == ["problem-fit"]
    assert data["siteVersion"] == page.locator("ol.pb-checklist").get_attribute("data-site-version")
    items = {item["id"]: item for item in data["items"]}
    assert list(items) == [STATED, SIMPLER, METRIC]
    assert items[STATED]["done"] is True and items[STATED]["note"] == "See the brief, v2"
    assert items[STATED]["time"] == json.loads(before[PREFIX + STATED])["time"]
    assert items[SIMPLER] == {"id": SIMPLER, "done": False, "note": "", "time": ""}

    page.once("dialog", lambda dialog: dialog.accept())
    act(page, CLEAR)
    expect(page.locator(".pb-progress")).to_contain_text("0 of 3 done")
    assert saved(page) == {}

    (tmp_path / "progress.json").write_text(text, encoding="utf-8")
    import_file(page, REPLACE, tmp_path / "progress.json")
    expect(page.locator(".pb-msg")).to_have_text("Restored 2 saved item(s) from “progress.json”.")
    assert ticked(page) == [STATED, METRIC]
    expect(page.locator(f'li[data-item-id="{STATED}"] textarea')).to_have_value("See the brief, v2")
    assert saved(page) == before


def test_the_checklist_carries_the_site_version_for_exports(page: Page) -> None:
    open_checklist(page)
    expect(page.locator("ol.pb-checklist")).to_have_attribute("data-site-version", playbook.__version__)


def test_import_merges_with_or_replaces_local_progress_as_chosen(page: Page, tmp_path: Path) -> None:
    open_checklist(page)
    box(page, STATED).check()
    (tmp_path / "progress.json").write_text(download(page, SAVE)[1], encoding="utf-8")
    box(page, STATED).uncheck()
    box(page, SIMPLER).check()  # newer than the file's entries: merging keeps it
    import_file(page, MERGE, tmp_path / "progress.json")
    expect(page.locator(".pb-msg")).to_contain_text("Merged")
    assert ticked(page) == [SIMPLER]  # the local untick of STATED is newer than the file's tick
    box(page, SIMPLER).uncheck()
    page.evaluate(f"localStorage.removeItem({PREFIX + STATED!r})")
    box(page, METRIC).check()
    import_file(page, MERGE, tmp_path / "progress.json")
    assert ticked(page) == [STATED, METRIC]
    import_file(page, REPLACE, tmp_path / "progress.json")
    expect(page.locator(".pb-msg")).to_contain_text("Restored")
    assert ticked(page) == [STATED]


def test_a_bad_import_file_is_reported_and_changes_nothing(page: Page, tmp_path: Path) -> None:
    open_checklist(page)
    box(page, SIMPLER).check()
    before = saved(page)
    for content in ["this is not JSON", '{"items": "nope"}', "[1, 2, 3]", "null",
                    '{"format": "something-else", "items": []}']:
        page.evaluate("document.querySelector('.pb-msg').textContent = ''")
        (tmp_path / "bad.json").write_text(content, encoding="utf-8")
        import_file(page, REPLACE, tmp_path / "bad.json")
        expect(page.locator(".pb-msg")).to_have_text(
            "“bad.json” is not a progress or review file of this site; nothing was changed.")
        assert saved(page) == before, content
        assert ticked(page) == [SIMPLER]


LATER = "2030-01-01T00:00:00.000Z"  # newer than any tick a test makes: a merge takes the file's entry


def progress_file(path: Path, items: list[Any], playbooks: list[str] | None = None) -> Path:
    path.write_text(json.dumps({"format": "genai-playbook-progress", "version": 1,
                                "playbooks": ["problem-fit"] if playbooks is None else playbooks,
                                "items": items}), encoding="utf-8")
    return path


def test_a_replace_without_a_valid_item_for_this_playbook_changes_nothing(page: Page, tmp_path: Path) -> None:
    open_checklist(page)
    box(page, SIMPLER).check()
    write_note(page, METRIC, "Kept")
    before = saved(page)
    invalid = [{"id": STATED}, {"id": STATED, "done": "yes"}, {"id": "Problem-Fit/User", "done": True}, None, 7]
    for name, items, left in [("invalid.json", invalid, " Left out 5 invalid item(s)."), ("empty.json", [], "")]:
        import_file(page, REPLACE, progress_file(tmp_path / name, items))
        expect(page.locator(".pb-msg")).to_have_text(
            f"“{name}” has no progress for “{TITLE}”; nothing was changed.{left}")
        assert saved(page) == before, name
        assert ticked(page) == [SIMPLER]


def test_an_import_on_a_playbook_page_leaves_other_playbooks_alone(page: Page, tmp_path: Path) -> None:
    open_checklist(page, "ethics/bias-check/")
    box(page, "bias-check/groups-listed").check()
    open_checklist(page)
    box(page, SIMPLER).check()
    theirs = {k: v for k, v in saved(page).items() if k.startswith(PREFIX + "bias-check/")}
    path = progress_file(tmp_path / "both.json", [
        {"id": STATED, "done": True, "time": LATER, "note": ""},
        {"id": "bias-check/slice-metrics", "done": True, "time": LATER, "note": "not from here"},
    ], ["problem-fit", "bias-check"])
    import_file(page, MERGE, path)
    expect(page.locator(".pb-msg")).to_have_text(
        "Merged 1 saved item(s) from “both.json”. Left out 1 item(s) not on this page.")
    assert ticked(page) == [STATED, SIMPLER]
    import_file(page, REPLACE, path)
    expect(page.locator(".pb-msg")).to_have_text(
        "Restored 1 saved item(s) from “both.json”. Left out 1 item(s) not on this page.")
    assert ticked(page) == [STATED]
    assert {k: v for k, v in saved(page).items() if k.startswith(PREFIX + "bias-check/")} == theirs
    page.goto("playbooks/")
    expect(page.locator('tr[data-playbook-id="bias-check"] .pb-row-progress').first).to_contain_text("1 of 2 done")


def test_an_import_with_fields_of_the_wrong_type_is_reported_and_never_throws(page: Page, tmp_path: Path) -> None:
    open_checklist(page)
    box(page, SIMPLER).check()
    before = saved(page)
    wrong = [{"id": [STATED], "done": True}, {"id": {"0": STATED}, "done": True}, {"id": None, "done": True},
             {"id": 5, "done": True}, {"id": STATED, "done": 1}, [STATED, True]]
    for button in [REPLACE, MERGE]:  # a replace used to throw
        import_file(page, button, progress_file(tmp_path / "types.json", wrong))
        expect(page.locator(".pb-msg")).to_have_text(
            f"“types.json” has no progress for “{TITLE}”; nothing was changed. Left out 6 invalid item(s).")
        assert saved(page) == before, button

    (tmp_path / "types.yaml").write_text(f"items:\n  {STATED}:\n    status: [done]\n  {METRIC}: done\n",
                                         encoding="utf-8")
    import_file(page, MERGE, tmp_path / "types.yaml")
    expect(page.locator(".pb-msg")).to_have_text(
        f"“types.yaml” has no progress for “{TITLE}”; nothing was changed. Left out 2 invalid item(s).")
    assert saved(page) == before

    # A time or note of the wrong type is left empty; the item itself is still read.
    import_file(page, REPLACE, progress_file(
        tmp_path / "types.json", [*wrong, {"id": METRIC, "done": True, "time": 5, "note": ["x"]}]))
    expect(page.locator(".pb-msg")).to_have_text(
        "Restored 1 saved item(s) from “types.json”. Left out 6 invalid item(s).")
    assert ticked(page) == [METRIC]
    assert saved(page) == {PREFIX + METRIC: '{"done":true,"time":""}'}


def test_an_import_reads_only_ids_of_items_on_the_page_or_the_ids_they_replace(
        own_site: ServedProject, new_page: Callable[..., Page], tmp_path: Path) -> None:
    source = own_site.root / "playbook_data" / "strategy" / "problem-fit.yaml"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "  - id: success-metric-set\n", "  - id: success-metric-agreed\n    replaces: [success-metric-set]\n"),
        encoding="utf-8")
    own_site.rebuild()
    page = new_page(own_site.url)
    open_checklist(page)
    path = progress_file(tmp_path / "ids.json", [
        {"id": METRIC, "done": True, "time": LATER + "9" * 100, "note": "n" * 600},  # the id the new item replaces
        {"id": "problem-fit/" + "a" * 900_000, "done": True},  # longer than any id may be
        {"id": "problem-fit/" + "a" * 117, "done": True},  # 129 characters: an id, but of no item here
        {"id": "problem-fit/no-such-item", "done": True, "time": LATER},
    ])
    import_file(page, MERGE, path)
    expect(page.locator(".pb-msg")).to_have_text(
        "Merged 1 saved item(s) from “ids.json”. Left out 2 item(s) not on this page and 1 invalid item(s).")
    assert ticked(page) == ["problem-fit/success-metric-agreed"]
    entry = json.loads(saved(page).pop(PREFIX + METRIC))
    assert entry == {"done": True, "time": (LATER + "9" * 100)[:40], "note": "n" * 500}
    assert saved(page).keys() == {PREFIX + METRIC}


def test_attribute_values_that_name_object_properties_still_get_a_filter_option(page: Page) -> None:
    """Values from the page are keys of a Set, never of a plain object, where "constructor" or
    "__proto__" would look already seen."""
    def rename(route: Any) -> None:
        html = route.fetch().text().replace('data-owner="product-manager"', 'data-owner="constructor"')
        route.fulfill(body=html.replace('data-owner="engineering"', 'data-owner="__proto__"'),
                      content_type="text/html; charset=utf-8")

    page.route(f"**/{PAGE}", rename)
    open_checklist(page)
    owner = page.locator(".pb-filters").get_by_label("Owner")
    assert owner.locator("option").evaluate_all("els => els.map(e => e.value)") == ["", "constructor", "__proto__"]
    owner.select_option("__proto__")
    assert shown(page) == [SIMPLER]


def test_markdown_export_is_a_task_list_with_ids_and_notes(page: Page) -> None:
    open_checklist(page)
    box(page, STATED).check()
    write_note(page, STATED, "Owner: Ana.\nIn the brief.")
    name, text = download(page, MARKDOWN)
    assert name == "problem-fit-checklist.md"
    lines = text.splitlines()
    assert lines[0] == "## Is generative AI the right tool?"
    assert lines[2].startswith("1 of 3 done; must items: 1 of 1 (exported ")
    assert lines[4:] == [
        "- [x] Write the user problem in one paragraph that does not mention AI. (problem-fit/user-problem-stated)",
        "  - Note: Owner: Ana. In the brief.",
        "- [ ] Compare the generative approach against a simpler, deterministic alternative. "
        "(problem-fit/simpler-alternative-tried)",
        "- [ ] Agree on one success metric with a target before building. (problem-fit/success-metric-set)",
    ]


def test_a_share_link_carries_the_ticks_and_asks_before_overwriting(
        page: Page, new_page: Callable[..., Page], site_url: str) -> None:
    open_checklist(page)
    box(page, STATED).check()
    box(page, METRIC).check()
    act(page, SHARE)
    link = page.get_by_role("textbox", name="Link to my ticks").input_value()
    assert link == f"{site_url}{PAGE}?progress=problem-fit&done=user-problem-stated+success-metric-set"

    colleague = new_page(site_url)
    open_checklist(colleague)
    box(colleague, SIMPLER).check()
    asked: list[str] = []
    colleague.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    colleague.goto(link)
    expect(colleague.locator(".pb-msg")).to_have_text("Kept your saved progress; the shared link was not applied.")
    assert ticked(colleague) == [SIMPLER]
    assert "2 of 3 done" in asked[0] and "Replace your saved ticks" in asked[0]
    assert colleague.url == f"{site_url}{PAGE}", "the query is dropped so a reload does not ask again"

    colleague.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    colleague.goto(link)
    expect(colleague.locator(".pb-msg")).to_contain_text("Loaded the shared progress")
    assert ticked(colleague) == [STATED, METRIC]
    colleague.reload()  # no dialog is handled now: a question would be dismissed and reported
    colleague.locator(".pb-tools").wait_for()
    assert ticked(colleague) == [STATED, METRIC]
    assert len(asked) == 2


# -- robustness and accessibility -----------------------------------------------------------------

def test_corrupted_or_foreign_storage_values_are_ignored(page: Page) -> None:
    page.goto(PAGE)
    page.evaluate("""([prefix, stated, simpler, metric]) => {
        localStorage.setItem(prefix + stated, '{not json');
        localStorage.setItem(prefix + simpler, JSON.stringify({done: true, note: 'x'.repeat(10000)}));
        localStorage.setItem(prefix + metric, JSON.stringify({done: true, time: 5, note: ['x']}));
        localStorage.setItem(prefix + 'bias-check/groups-listed', JSON.stringify({done: 'yes'}));
        localStorage.setItem(prefix + 'bias-check/slice-metrics', 'null');
        localStorage.setItem(prefix + '../../etc', '{"done": true}');
        localStorage.setItem('someone-else', '{"done": true}');
    }""", [PREFIX, STATED, SIMPLER, METRIC])
    page.reload()
    page.locator(".pb-tools").wait_for()
    assert ticked(page) == [METRIC]  # the only entry whose shape still makes sense
    expect(page.locator(".pb-progress")).to_contain_text("1 of 3 done")
    box(page, STATED).check()  # a corrupted entry is simply overwritten
    assert json.loads(saved(page)[PREFIX + STATED])["done"] is True
    page.goto("playbooks/")
    expect(page.locator('tr[data-playbook-id="bias-check"] .pb-row-progress').first).to_contain_text("0 of 2 done")
    page.once("dialog", lambda dialog: dialog.accept())
    open_checklist(page)
    page.once("dialog", lambda dialog: dialog.accept())
    act(page, CLEAR_ALL)
    assert saved(page) == {}
    assert page.evaluate("localStorage.getItem('someone-else')") == '{"done": true}'


def test_the_page_works_when_storage_refuses_writes(page: Page) -> None:
    # Safari's private mode: localStorage exists but every write throws.
    page.add_init_script("Storage.prototype.setItem = function () {"
                         " throw new DOMException('full', 'QuotaExceededError'); };")
    open_checklist(page)
    expect(page.locator(".pb-msg")).to_contain_text("does not let the page save progress")
    box(page, STATED).check()
    expect(page.locator(".pb-progress")).to_contain_text("1 of 3 done")
    expect(box(page, STATED)).to_be_checked()


def test_without_javascript_the_page_is_still_a_complete_checklist(
        new_page: Callable[..., Page], site_url: str) -> None:
    page = new_page(site_url, java_script_enabled=False)
    page.goto(PAGE)
    assert page.locator("li[data-item-id] input[type=checkbox]").count() == 3
    assert page.locator(".pb-tools, .pb-note, button.pb-btn, .pb-row-progress").count() == 0
    page.get_by_label("Write the user problem in one paragraph that does not mention AI.", exact=True).check()
    expect(box(page, STATED)).to_be_checked()


def test_an_embedded_checklist_shares_progress_with_the_playbook_page(page: Page) -> None:
    open_checklist(page, "guides/using-the-playbooks/")
    assert page.locator("li[data-item-id]").evaluate_all("els => els.map(e => e.dataset.itemId)") == [STATED]
    box(page, STATED).check()
    expect(page.locator(".pb-progress")).to_contain_text("1 of 1 done")
    open_checklist(page)
    assert ticked(page) == [STATED]


def test_the_controls_work_from_the_keyboard_with_visible_focus(page: Page) -> None:
    open_checklist(page)
    box(page, STATED).focus()
    page.keyboard.press("Space")
    expect(box(page, STATED)).to_be_checked()
    page.locator(".pb-filters").get_by_label("Level").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => {
        const e = document.activeElement, s = getComputedStyle(e);
        return [e.closest('label').textContent.trim(), e.matches(':focus-visible'), s.outlineStyle, s.outlineWidth];
    }""")
    assert focused[0].startswith("Owner") and focused[1] is True
    assert focused[2] == "solid" and focused[3] != "0px"
    page.locator("details.pb-menu > summary").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Save my progress to a file, then Copy a link to my ticks
    expect(page.get_by_role("button", name=SHARE)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("textbox", name="Link to my ticks")).to_be_visible()
    expect(page.get_by_role("textbox", name="Link to my ticks")).to_be_focused()  # selected, to copy by hand


# -- the toolbar: everyday controls in view, the rest in one menu ----------------------------------

def test_the_toolbar_shows_progress_and_filters_and_folds_every_other_action_into_one_menu(page: Page) -> None:
    open_checklist(page)
    tools = page.locator(".pb-tools")
    expect(tools.locator(".pb-progress")).to_be_visible()
    for label in ("Level", "Owner", "Stage", "Hide done"):
        expect(tools.get_by_label(label)).to_be_visible()
    expect(tools.locator("details.pb-menu > summary")).to_have_text("Save, load, share or print")
    expect(tools.locator("details")).to_have_count(1)
    assert tools.locator("button").evaluate_all("els => els.filter(e => e.checkVisibility()).length") == 0
    page.locator("[data-pb-print]:not([hidden])").wait_for(state="attached")  # print.js has filled it
    assert page.locator("[data-pb-print]").evaluate("e => !!e.closest('details.pb-menu')"), "print is in the menu"
    names = menu(page).locator("button").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.textContent)")
    assert names == ACTIONS
    expect(page.locator("details.pb-menu").get_by_role("group", name="Load progress from a file")).to_contain_text(
        "Adding keeps whichever of each tick is newer; replacing makes this playbook match the file.")


def test_the_menu_opens_and_closes_with_the_keyboard(page: Page) -> None:
    open_checklist(page)
    details, summary = page.locator("details.pb-menu"), page.locator("details.pb-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=SAVE)).to_be_focused()
    page.keyboard.press("Escape")  # from inside the panel: closed, and focus back on the summary
    expect(details).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    page.keyboard.press("Space")
    expect(details).to_have_attribute("open", "")
    page.keyboard.press("Escape")  # on the summary itself
    expect(details).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()
    assert summary.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"


def test_an_action_closes_the_menu_and_reports_below_it(page: Page, tmp_path: Path) -> None:
    open_checklist(page)
    box(page, STATED).check()
    details = page.locator("details.pb-menu")
    download(page, SAVE)
    expect(details).not_to_have_attribute("open", "")
    expect(page.locator("details.pb-menu > summary")).to_be_focused()  # focus is never lost in a closed panel
    import_file(page, MERGE, progress_file(tmp_path / "p.json", [{"id": METRIC, "done": True, "time": LATER}]))
    expect(details).not_to_have_attribute("open", "")
    expect(page.locator(".pb-msg")).to_have_text("Merged 1 saved item(s) from “p.json”.")
    expect(page.locator(".pb-msg")).to_be_visible()  # the message is outside the folded panel
    page.once("dialog", lambda dialog: dialog.dismiss())
    act(page, CLEAR)
    expect(details).not_to_have_attribute("open", "")
    expect(page.locator(".pb-msg")).to_have_text("Nothing was cleared.")


# -- an item's link -----------------------------------------------------------------------------------

def test_copy_link_copies_the_items_address_and_announces_it(
        new_page: Callable[..., Page], site_url: str) -> None:
    page = new_page(site_url, permissions=["clipboard-read", "clipboard-write"])
    page.goto(PAGE + "?utm=x")
    page.locator(".pb-tools").wait_for()
    item = page.locator(f'li[data-item-id="{SIMPLER}"]')
    expect(item.locator("a.pb-item__link")).to_have_count(0)  # the script made it a button
    copy = item.get_by_role("button", name="Copy link to: Compare the generative approach against a simpler, "
                                           "deterministic alternative.")
    expect(copy).to_have_text("Copy link")
    copy.click()
    expect(copy).to_have_text("Link copied")
    expect(page.locator(".pb-announce")).to_have_text("Link copied")
    expect(page.locator(".pb-announce")).to_have_attribute("role", "status")
    assert page.evaluate("navigator.clipboard.readText()") == f"{site_url}{PAGE}#simpler-alternative-tried"
    expect(copy).to_have_text("Copy link", timeout=5000)

    page.goto("print/")  # from a print pack: the item on its playbook's page
    page.locator(".pb-note").first.wait_for()
    page.locator(f'li[data-item-id="{STATED}"]').get_by_role("button", name="Copy link to:").click()
    expect(page.locator(".pb-announce")).to_have_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == f"{site_url}{PAGE}#user-problem-stated"


def test_copy_link_without_a_clipboard_selects_the_address_in_a_read_only_field(page: Page) -> None:
    page.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', { get: () => undefined });"
                         "document.execCommand = () => false;")
    open_checklist(page)
    item = page.locator(f'li[data-item-id="{STATED}"]')
    item.get_by_role("button", name="Copy link to:").click()
    field = item.get_by_role("textbox", name=re.compile("^Link to: Write the user problem"))
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    expect(field).to_have_value(page.url.split("#")[0] + "#user-problem-stated")
    assert field.get_attribute("readonly") is not None
    assert field.evaluate("e => [e.selectionStart, e.selectionEnd]") == [0, len(field.input_value())]
    expect(page.locator(".pb-announce")).to_have_text(
        "The link is selected: press Ctrl+C (⌘C on a Mac) to copy it.")


def test_items_show_no_ids_and_keep_a_plain_link_without_javascript(
        new_page: Callable[..., Page], site_url: str) -> None:
    page = new_page(site_url, java_script_enabled=False)
    page.goto(PAGE)
    item = page.locator(f'li[data-item-id="{STATED}"]')
    link = item.get_by_role("link", name="Link to: Write the user problem in one paragraph that does not mention AI.")
    expect(link).to_have_attribute("href", "#user-problem-stated")
    assert "problem-fit/" not in page.locator("article").inner_text(), "no global id is shown"
    page = new_page(site_url)
    open_checklist(page)
    assert "problem-fit/" not in page.locator("article").inner_text()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_checklist_and_its_controls_have_no_axe_violations(page: Page, axe: Any, scheme: str) -> None:
    """axe-core checks a playbook page's content area (checklist, controls, notes, share link) and
    a table of playbooks with its progress cells, in light and dark mode. Material's own chrome is
    left out: axe-core 4.12 reports its search dialog, instant-loading progress bar, nav landmarks
    and footer contrast, none of which this project's markup or scripts make."""
    page.emulate_media(color_scheme=scheme)
    open_checklist(page)
    box(page, STATED).check()
    write_note(page, STATED, "A note")
    act(page, SHARE)
    menu(page)  # and the menu open, with every action
    results = axe.run(page, context=".md-content")
    assert results.violations_count == 0, results.generate_report()
    page.goto("playbooks/")
    page.locator(".pb-row-progress").first.wait_for()
    results = axe.run(page, context=".pb-table")
    assert results.violations_count == 0, results.generate_report()


def test_a_playbook_page_downloads_a_review_file_and_loads_one_back(page: Page, new_page, site_url: str,
                                                                    tmp_path: Path) -> None:
    """The review file from a playbook page passes `playbook validate` beside the fixture library, and
    its statuses tick the same items in a fresh browser; a review's not-applicable reason becomes a note."""
    import shutil
    import subprocess
    import sys

    from conftest import FIXTURE_LIBRARY

    open_checklist(page)
    box(page, STATED).check()
    write_note(page, SIMPLER, "Rules engine costed")
    name, text = download(page, REVIEW)
    assert name == "problem-fit-review.yaml"
    project = tmp_path / "repo"
    shutil.copytree(FIXTURE_LIBRARY, project / "playbook_data")
    (project / "reviews").mkdir()
    (project / "reviews" / name).write_text(text, encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "playbook.cli", "validate"], cwd=project, capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr

    edited = text.replace(f"  {METRIC}:\n    status: open", f"  {METRIC}:\n    status: not-applicable\n"
                                                             "    reason: \"No metric: an internal pilot\"")
    (tmp_path / name).write_text(edited, encoding="utf-8")
    fresh = new_page(site_url)
    open_checklist(fresh)
    import_file(fresh, MERGE, tmp_path / name)
    expect(fresh.locator(".pb-msg")).to_have_text(f"Merged 3 saved item(s) from “{name}”.")
    assert ticked(fresh) == [STATED]
    expect(fresh.locator(f'li[data-item-id="{SIMPLER}"] textarea')).to_have_value("Rules engine costed")
    expect(fresh.locator(f'li[data-item-id="{METRIC}"] textarea')).to_have_value(
        "Not applicable: No metric: an internal pilot")
