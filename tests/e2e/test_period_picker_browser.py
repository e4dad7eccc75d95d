"""A bad period in the URL is no dead end: the page says what is wrong, shows the period picker
on the default period, and the user picks another (headless Chromium on the demo database)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect


def _pick_period(page: Page, label: str) -> None:
    page.locator("#period").click()
    page.get_by_role("option", name=label, exact=True).click()


@pytest.mark.parametrize(("path", "card"), [("/", "collective_income_mean"),
                                            ("/services", "service_cases")])
def test_a_malformed_period_shows_the_error_and_the_picker(page, demo_server, path: str,
                                                           card: str, assert_offline,
                                                           assert_no_console_errors) -> None:
    page.goto(f"{demo_server}{path}?period=2019-13")
    error = page.locator(".period-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("无法识别的期间“2019-13”")
    expect(error).to_contain_text("已改为显示默认期间 2025年")
    expect(page.locator(".period-default")).to_have_text("默认显示最近一个完整周期：2025年")
    expect(page.locator("#period")).to_contain_text("2025")  # the default, preselected
    value = page.locator(f'[data-indicator="{card}"] .kpi-value')
    expect(value).not_to_have_text("—")
    shown = value.inner_text()
    _pick_period(page, "2024")
    expect(page).to_have_url(re.compile(rf"{re.escape(path)}\?.*period=2024"))
    expect(page.locator("#period")).to_contain_text("2024")
    expect(page.locator(".period-error")).to_have_count(0)
    expect(value).not_to_have_text(shown)
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_an_out_of_range_period_in_english(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/services?period=2031&lang=en")
    expect(page.locator(".period-error")).to_contain_text("2031 has not begun")
    expect(page.locator("#period")).to_contain_text("2025")
    page.get_by_label("Month").check()
    expect(page).to_have_url(re.compile(r"period=2026-10"))
    expect(page.locator(".period-error")).to_have_count(0)
    assert_no_console_errors(page)


def test_a_change_against_an_incomplete_period_is_greyed(page, demo_server,
                                                         assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/services?period=2025")
    change = page.locator('[data-indicator="service_cases"] .kpi-change')
    expect(change).to_have_text("上期数据不完整")
    expect(change).to_have_class(re.compile(r"\bincomplete\b"))
    expect(change).to_have_attribute("title", "上期 2024：数据只覆盖 2024-11-16 至 2024-12-31")
    colour = change.evaluate("el => getComputedStyle(el).color")
    muted = page.locator(".kpi-name").first.evaluate("el => getComputedStyle(el).color")
    assert colour == muted  # greyed like the card's name, not green or orange
    assert_no_console_errors(page)
