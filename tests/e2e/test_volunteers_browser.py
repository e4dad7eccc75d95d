"""/volunteers in headless Chromium: the demo's gaps on the page, a period change, the drill from
a township bar to its activities and their Excel export, a period without data, English."""

from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from data_access.demo.volunteers import (
    INACTIVE_VILLAGES,
    SHORTFALL_TOWNSHIPS,
    SHORTFALL_VILLAGES,
)
from data_access.divisions import division_table

ACTIVITY_HEADERS = ("活动编号", "开始时间", "结束时间", "队伍", "服务领域", "村（社区）",
                    "活动主题",
                    "参与志愿者（人次）", "服务时长（小时）", "受益群众（人次）")


def _click_bar(page: Page, graph_id: str, index: int) -> None:
    """Click a plotly bar at its screen position (plotly's overlay takes element clicks)."""
    bar = page.locator(f"#{graph_id} .bars path").nth(index)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _column(page: Page, table: str, column: str) -> list[str]:
    return page.locator(f'[data-table="{table}"] .ag-row [col-id="{column}"]').all_text_contents()


def _kpi(page: Page, indicator: str) -> int:
    value = page.locator(f'[data-indicator="{indicator}"] .kpi-value')
    expect(value).not_to_have_text("—")
    return int(float(value.inner_text().replace(",", "")))


def test_teams_shortfalls_and_inactive_stations(page, demo_server, demo_engine, assert_offline,
                                                assert_no_console_errors) -> None:
    names = division_table(demo_engine)["name"]
    page.goto(f"{demo_server}/volunteers?period=2026-11")
    expect(page.locator(".page-title")).to_have_text("志愿服务")
    expect(page.locator(".nav-link", has_text="志愿服务")).to_be_visible()
    expect(page.locator('[data-indicator="volunteer_team_shortfalls"] .kpi-value')) \
        .to_have_text("6")
    expect(page.locator("#map path.choroplethlocation")).to_have_count(15)
    expect(page.locator(".schematic-note")).to_contain_text("示意边界")
    expect(page.locator(".vol-minimums tr[data-level]")).to_have_count(3)
    expect(page.locator('.vol-minimums tr[data-level="township"]')).to_have_attribute(
        "data-short", "1")
    expect(page.locator(".vol-notes")).to_contain_text("生成数据")

    shortfalls = '[data-table="volunteer-shortfalls"]'
    expect(page.locator(f"{shortfalls} .ag-row").first).to_be_visible()
    expected = {names[code] for code in (*SHORTFALL_TOWNSHIPS, *SHORTFALL_VILLAGES)}
    assert set(_column(page, "volunteer-shortfalls", "name")) == expected
    assert set(_column(page, "volunteer-shortfalls", "gap")) == {"1"}

    inactive = page.locator('[data-table="volunteer-inactive"]')
    inactive.scroll_into_view_if_needed()
    expect(inactive).to_contain_text("截至 2026-11-15")
    expect(inactive.locator(".ag-row").first).to_be_visible()
    listed = set(_column(page, "volunteer-inactive", "name"))
    assert {names[code] for code in INACTIVE_VILLAGES} <= listed
    assert all(int(days) >= 30 for days in _column(page, "volunteer-inactive", "days") if days)
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_period_change_drill_to_activities_and_export(page, demo_server, tmp_path,
                                                      assert_offline,
                                                      assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/volunteers?period=2026-10")
    monthly = _kpi(page, "volunteer_activities")
    expect(page.locator("#volunteers-township-chart .bars path")).to_have_count(15)
    page.get_by_label("年").check()
    expect(page).to_have_url(re.compile(r"period=2025"))
    expect(page.locator(".page-title")).to_have_text("志愿服务")
    expect(page.locator('[data-indicator="volunteer_activities"] .kpi-value')).not_to_have_text(
        f"{monthly:,}")
    yearly = _kpi(page, "volunteer_activities")
    assert yearly > monthly * 8
    expect(page.locator("#volunteers-township-chart .bars path")).to_have_count(15)
    expect(page.locator(".vol-drill-hint")).to_be_visible()

    chart = page.locator("#volunteers-township-chart")
    top = chart.locator(".yaxislayer-above text").last.text_content() or ""
    top_value = int((chart.locator(".bars text").last.text_content() or "").split()[0]
                    .replace(",", ""))
    _click_bar(page, "volunteers-township-chart", 14)  # drawn bottom-up: the last is the top
    detail = page.locator('[data-table="volunteer-activities"]')
    expect(detail.locator("h3")).to_have_text(f"活动明细 · {top} · 2025")
    expect(detail.locator(".ag-row").first).to_be_visible()
    expect(detail.locator(".section-head .muted")).to_have_text(f"{top_value:,} 行")

    with page.expect_download() as download_info:
        detail.get_by_role("button", name="导出 Excel").click()
    path = tmp_path / "activities.xlsx"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename == f"志愿服务_{top}_2025.xlsx"
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ACTIVITY_HEADERS
    assert len(rows) - 1 == top_value
    assert all(re.fullmatch(r"HD\d{12}", row[0]) for row in rows[1:])
    assert all(str(row[1]).startswith("2025-") for row in rows[1:])
    assert all(isinstance(row[8], (int, float)) and row[8] > 0 for row in rows[1:])
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_period_without_activities_says_so(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/volunteers?period=2020-05")
    expect(page.locator(".vol-no-data")).to_have_text("2020-05 没有志愿服务活动记录。")
    expect(page.locator("#volunteers-township-chart")).to_have_count(0)
    # The teams are the current roll: still shown.
    expect(page.locator('[data-table="volunteer-shortfalls"] .ag-row').first).to_be_visible()
    assert_no_console_errors(page)


def test_english_week_view(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/volunteers?period=2026-W45&lang=en")
    expect(page.locator(".page-title")).to_have_text("Volunteer service")
    expect(page.locator('[data-indicator="volunteer_monthly_coverage"] .kpi-value')).to_have_text(
        "—")
    expect(page.locator("#volunteers-coverage-chart")).to_be_visible()
    expect(page.locator('[data-table="volunteer-shortfalls"] h3')).to_have_text(
        "Units short of teams")
    assert_no_console_errors(page)
