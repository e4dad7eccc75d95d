"""A leader on a phone (390 x 844): every page opened from a link reads without scrolling
sideways and has no serious accessibility fault (axe), in Chinese and in English; the header
folds its navigation into a menu with targets a thumb can hit. Each page's phone screenshot is
saved under the test output folder."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.fixtures.accounts import TEST_TOWNSHIP
from tests.fixtures.axe import severe_violations

PHONE = {"width": 390, "height": 844}
VILLAGE = "421081105205"  # 指路碑村, a village of the test township (调关镇)
PAGES = ("/", f"/township/{TEST_TOWNSHIP}", f"/village/{VILLAGE}", "/economy", "/services",
         "/volunteers", "/inspections", "/inspections/worklist", "/weekly",
         f"/weekly/{TEST_TOWNSHIP}", "/duban")
MIN_TARGET_PX = 44  # the smallest touch target (WCAG 2.5.5)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_scrolls_sideways_on_a_phone(page, demo_server, screenshot_dir, lang,
                                             assert_no_console_errors) -> None:
    page.set_viewport_size(PHONE)
    wide, faults = {}, {}
    for path in PAGES:
        page.goto(f"{demo_server}{path}{'?lang=en' if lang == 'en' else ''}")
        expect(page.locator(".page-title")).to_be_visible()
        expect(page.locator(".not-found")).to_have_count(0)  # the page itself, not a 404
        # The page's body is drawn: its panels, tables and charts take their width then.
        page.wait_for_load_state("networkidle")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
        name = path.strip("/").replace("/", "-") or "overview"
        page.screenshot(path=str(screenshot_dir / f"phone-{lang}-{name}.png"))
        if found := severe_violations(page):
            faults[path] = found
    assert not wide, f"pages wider than the phone ({PHONE['width']} px): {wide}"
    assert not faults, f"serious or critical accessibility faults: {faults}"
    assert_no_console_errors(page)


def test_the_header_folds_its_links_into_a_menu(page, demo_server) -> None:
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_server}/?period=2025")
    menu = page.get_by_role("button", name="菜单")
    links = page.locator(".nav-link")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    account = page.locator(".account-bar a, .account-bar .link-button")
    assert account.count() >= 2  # 修改密码, 退出登录
    assert min(account.nth(i).bounding_box()["height"] for i in range(account.count())) \
        >= MIN_TARGET_PX
    expect(links.first).to_be_hidden()
    assert menu.bounding_box()["height"] >= MIN_TARGET_PX
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(links.first).to_be_visible()
    heights = [links.nth(i).bounding_box()["height"] for i in range(links.count())]
    assert min(heights) >= MIN_TARGET_PX, heights
    page.get_by_role("link", name="周调度").click()
    expect(page).to_have_url(f"{demo_server}/weekly?period=2025")
    # The next page draws its menu closed.
    expect(page.get_by_role("button", name="菜单")).to_have_attribute("aria-expanded", "false")


def test_a_desktop_shows_the_links_in_a_row_and_no_menu(page, demo_server) -> None:
    page.goto(f"{demo_server}/?period=2025")
    expect(page.locator(".nav-link").first).to_be_visible()
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    tops = {round(box["y"]) for box in (page.locator(".nav-link").nth(i).bounding_box()
                                        for i in range(page.locator(".nav-link").count()))}
    assert len(tops) == 1, tops  # one row


def test_a_pinned_column_leaves_the_others_room_on_a_phone(page, demo_server) -> None:
    """A task's drawn objects keep their names pinned at the left, wrapped: on a phone the
    columns that scroll beside them must still have most of the grid."""
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_server}/inspections/task/SSCC2024-001")
    grid = page.locator('[data-table="task-objects"]')
    expect(grid.locator(".ag-pinned-left-cols-container .ag-row").first).to_be_visible()
    pinned = grid.locator(".ag-pinned-left-cols-container").bounding_box()
    whole = grid.locator(".ag-root-wrapper").bounding_box()
    assert pinned and whole and pinned["width"] <= 0.6 * whole["width"], (pinned, whole)
    # the names wrap rather than being cut off
    name = grid.locator('.ag-pinned-left-cols-container [col-id="object_name"]').first
    assert name.evaluate("cell => cell.scrollWidth <= cell.clientWidth + 1")


def test_a_task_s_dates_and_codes_are_not_broken_on_an_english_phone(page, demo_server) -> None:
    """Narrow columns break text at hyphens: 2024-03-13 – 2024- / 04-14 read as two dates."""
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_server}/inspections/task/SSCC2024-001?lang=en")
    kept = page.locator(".insp-dl .unbroken")
    expect(kept.first).to_be_visible()
    assert kept.count() >= 4  # the task's code, the item's code, the planned start and end
    lines = kept.evaluate_all("spans => spans.map(s => s.getClientRects().length)")
    assert lines == [1] * len(lines), lines
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
