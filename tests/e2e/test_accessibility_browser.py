"""Accessibility at a desk: every page a leader opens, and the wall, has no serious or critical
fault that axe-core finds, in Chinese and in English (the phone pass is in
test_phone_browser.py), and every chart has its values as a table a screen reader reaches (a
map, the ranking beside it); the keyboard reaches every control with a ring that shows where it is,
and drills from the county to a township and a village. Each page's desktop screenshot is saved
under the test output folder; no page scrolls sideways on a tablet (768 px); and the English
pages leave no Chinese outside names and data (test_english_browser.py says what that means)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_english_browser import CHINESE_LEFT
from tests.e2e.test_phone_browser import PAGES
from tests.fixtures.axe import severe_violations

DESKTOP = {"width": 1600, "height": 1000}  # the browser tests' viewport (fixtures/chromium.py)
TABLET = {"width": 768, "height": 1024}

# Charts that are not maps, without the table of their values beside them; and maps on a page
# without the ranking that lists what they colour.
BARE_CHARTS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
    .filter(g => g.closest('.map-graph, .wall-map-graph')
                 ? !document.querySelector('.rank-row, .wall-rank')
                 : !(g.closest('.chart') && g.closest('.chart').querySelector('.sr-only td')))
    .map(g => g.id || g.className)"""
FOCUS_STYLE = """() => { const e = document.activeElement, s = getComputedStyle(e);
    return {tag: e.tagName, text: (e.innerText || e.value || '').slice(0, 30),
            outline: s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth)}; }"""


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_has_a_serious_accessibility_fault(page, demo_server, screenshot_dir,
                                                   lang) -> None:
    faults = {}
    for path in (*PAGES, "/wall"):
        page.goto(f"{demo_server}{path}{'?lang=en' if lang == 'en' else ''}")
        expect(page.locator(".page-title, .wall-panel").first).to_be_attached()
        expect(page.locator(".not-found")).to_have_count(0)
        page.wait_for_load_state("networkidle")
        expect(page.locator("html")).to_have_attribute("lang", "en" if lang == "en" else "zh-CN")
        name = path.strip("/").replace("/", "-") or "overview"
        page.screenshot(path=str(screenshot_dir / f"desktop-{lang}-{name}.png"))
        if found := severe_violations(page):
            faults[path] = found
        if bare := page.evaluate(BARE_CHARTS):
            faults[path] = [*faults.get(path, []), f"charts without their values: {bare}"]
        if lang == "en" and (chinese := page.evaluate(CHINESE_LEFT)):
            faults[path] = [*faults.get(path, []), f"Chinese in the English interface: {chinese}"]
        if lang == "zh" and path != "/wall":  # the wall is a 16:9 screen, not a tablet's page
            page.set_viewport_size(TABLET)
            page.reload()  # as a tablet opens it: the charts draw at its width
            expect(page.locator(".page-title")).to_be_visible()
            page.wait_for_load_state("networkidle")
            if (width := page.evaluate("document.documentElement.scrollWidth")) > TABLET["width"]:
                faults[path] = [*faults.get(path, []), f"{width} px wide on a tablet"]
            page.set_viewport_size(DESKTOP)
    assert not faults, f"serious or critical accessibility faults: {faults}"


def _tab_to(page: Page, matches: str, limit: int = 60) -> dict:
    """Tab until the focused element's text matches; what the focus looks like there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if re.search(matches, focused["text"]):
            return focused
    raise AssertionError(f"the keyboard never reached {matches!r}")


def test_the_keyboard_drills_from_county_to_village(page, demo_server,
                                                    assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/?period=2025&indicator=service_on_time_rate")
    first = page.locator(".rank-row").first
    name = first.locator(".rank-name").inner_text()
    focused = _tab_to(page, re.escape(name))
    assert focused["outline"] >= 2, focused  # the ring shows where the keyboard is
    page.keyboard.press("Enter")
    expect(page.locator(".page-title")).to_have_text(name)
    # The township's villages are tiles, each a link the keyboard reaches.
    village = page.locator(".tile").first
    village_name = village.locator(".tile-name").inner_text()
    focused = _tab_to(page, re.escape(village_name), limit=120)
    assert focused["outline"] >= 2, focused
    page.keyboard.press("Enter")
    # A tile names the village short (两湖村), its page in full (两湖村委会).
    expect(page.locator(".page-title")).to_have_text(re.compile("^" + re.escape(village_name)))
    assert_no_console_errors(page)


def test_the_keyboard_changes_the_period(page, demo_server, assert_no_console_errors) -> None:
    """The period is a dropdown: Tab reaches it (named by its label), the arrows open and
    move through it, Enter chooses."""
    page.goto(f"{demo_server}/?period=2025")
    period = page.get_by_role("button", name=re.compile("^统计期间"))
    expect(period).to_be_visible()
    _tab_to(page, r"^2025$")
    expect(period).to_be_focused()
    assert page.evaluate(FOCUS_STYLE)["outline"] >= 2
    page.keyboard.press("ArrowDown")
    expect(period).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".dash-dropdown-content input[value='2025']")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".dash-dropdown-content input[value='2024']")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"period=2024"))
    # The period kind is a radio group the keyboard moves through with the arrows.
    kind = page.get_by_role("radiogroup", name="期间类型")
    expect(kind).to_be_visible()
    assert_no_console_errors(page)
