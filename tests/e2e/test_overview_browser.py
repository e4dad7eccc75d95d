"""The county overview in headless Chromium on the demo database."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def _card_value(page, indicator: str) -> str:
    return page.locator(f'[data-indicator="{indicator}"] .kpi-value').inner_text()


def _shown(locator) -> bool:
    """Whether the element is painted (not clipped away) and on top where it stands."""
    return locator.evaluate("""el => {
        if (getComputedStyle(el).clipPath !== 'none') return false;
        const box = el.getBoundingClientRect();
        const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        return box.width > 0 && box.height > 0 && (top === el || el.contains(top));
    }""")


def test_overview_shows_the_2019_figures(page, demo_server, assert_offline,
                                         assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/?period=2019")
    expect(page.locator('[data-indicator="villages_over_100k"] .kpi-value')).to_have_text("111")
    assert _card_value(page, "collective_income_mean") == "25.60"  # 万元
    unit = page.locator('[data-indicator="collective_income_mean"] .kpi-unit')
    assert unit.inner_text() == "万元"
    assert _card_value(page, "villages_over_1m") == "4"
    assert _card_value(page, "villages_over_100k_share") == "72.5"
    # The definition (口径) shows on hover and on keyboard focus, and only then.
    card = page.locator('[data-indicator="villages_over_100k_share"]')
    definition = card.locator(".kpi-definition")
    assert "经营性收入" in definition.inner_text() and "村委会" in definition.inner_text()
    assert _shown(definition) is False
    card.evaluate("el => el.scrollIntoView({block: 'start'})")
    card.hover()
    assert _shown(definition) is True
    page.mouse.move(0, 0)
    assert _shown(definition) is False
    card.focus()
    assert _shown(definition) is True
    expect(page.locator("#data-as-of")).to_contain_text("数据更新于")
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_changing_the_period_updates_cards_and_url(page, demo_server, assert_offline,
                                                   assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/?period=2025&indicator=service_cases")
    expect(page.locator('[data-indicator="service_cases"] .kpi-value')).not_to_have_text("0")
    year_cases = _card_value(page, "service_cases")
    page.get_by_label("月").check()
    expect(page).to_have_url(re.compile(r"period=2026-10"))
    expect(page.locator('[data-indicator="service_cases"] .kpi-value')).not_to_have_text(year_cases)
    month_cases = int(_card_value(page, "service_cases").replace(",", ""))
    assert 10_000 < month_cases < 80_000
    assert page.locator('[data-indicator="collective_income_mean"] .kpi-value').inner_text() == "—"
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_english_switch(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/?period=2019")
    page.get_by_role("link", name="English").click()
    expect(page.locator(".app-title")).to_have_text("Shishou oversight dashboard")
    expect(page).to_have_title("City overview · Shishou oversight dashboard")
    expect(page.locator('[data-indicator="villages_over_1m"] .kpi-name')).to_have_text(
        "villages at 1 million yuan or more")
    assert "lang=en" in page.url and "period=2019" in page.url
    assert_no_console_errors(page)


def test_unknown_page_says_not_found(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/no-such-page")
    expect(page.locator(".page-title")).to_have_text("页面不存在")
    expect(page).to_have_title("页面不存在 · 石首督导看板")
    assert_no_console_errors(page)
