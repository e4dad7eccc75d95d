"""County -> township -> village and back, by clicking what a leader clicks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

# The drill-down in the browser, on the demo in SQLite and in PostgreSQL.
pytestmark = pytest.mark.both_backends

TIAOGUAN = "421081105000"  # 调关镇


def _click_township_on_map(page: Page, name: str) -> None:
    """Click the polygon itself at its label point: plotly's overlay takes element clicks."""
    label = page.locator("#map .scattergeo text", has_text=name)
    expect(label).to_have_count(1)
    box = label.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _map_fills(page: Page) -> list[str]:
    return page.locator("#map path.choroplethlocation").evaluate_all(
        "paths => paths.map(p => getComputedStyle(p).fill)")


def test_drill_down_by_map_and_tile_and_back(page, demo_server, assert_offline,
                                             assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/?period=2025&indicator=service_full_online_rate")
    expect(page.locator("#map path.choroplethlocation")).to_have_count(15)
    expect(page.locator(".schematic-note")).to_contain_text("示意边界")
    _click_township_on_map(page, "调关镇")
    expect(page).to_have_url(re.compile(rf"/township/{TIAOGUAN}\?.*indicator=service_full_online_rate"))
    assert "period=2025" in page.url
    expect(page.locator(".breadcrumb")).to_have_text(re.compile("石首市.*调关镇"))
    tiles = page.locator(".tile")
    expect(tiles.first).to_be_visible()
    assert tiles.count() == 15  # 14 村委会 + 1 居委会 (生活区 is not a village)
    village_name = tiles.first.locator(".tile-name").inner_text()
    tiles.first.click()
    expect(page).to_have_url(re.compile(r"/village/4210811052\d\d|/village/421081105001"))
    expect(page.locator(".breadcrumb .crumb.current")).to_have_text(re.compile(village_name))
    page.locator(".breadcrumb a", has_text="调关镇").click()
    expect(page).to_have_url(re.compile(rf"/township/{TIAOGUAN}"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/village/"))
    page.go_back()
    expect(page).to_have_url(re.compile(rf"/township/{TIAOGUAN}"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?period=2025&indicator=service_full_online_rate$"))
    expect(page.locator("#map path.choroplethlocation")).to_have_count(15)
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_indicator_selector_recolours_the_map(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/?period=2025&indicator=service_full_online_rate")
    expect(page.locator("#map path.choroplethlocation")).to_have_count(15)
    before = _map_fills(page)
    assert len(set(before)) > 3  # coloured by value, not one flat colour
    page.locator("#indicator").click()
    page.get_by_text("村集体经济 · 村均集体经营性收入", exact=True).click()
    expect(page).to_have_url(re.compile(r"indicator=collective_income_mean"))
    expect(page.locator(".map-panel h3")).to_have_text("村均集体经营性收入 · 2025")
    expect(page.locator("#map path.choroplethlocation")).to_have_count(15)
    assert _map_fills(page) != before
    assert_no_console_errors(page)


def test_ranking_row_opens_the_township(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/?period=2025&indicator=service_on_time_rate")
    first = page.locator(".rank-row").first
    code = first.get_attribute("data-code")
    name = first.locator(".rank-name").inner_text()
    first.locator("a").click()
    expect(page).to_have_url(re.compile(rf"/township/{code}\?"))
    expect(page.locator(".page-title")).to_have_text(name)
    expect(page.locator('[data-indicator="service_on_time_rate"] .kpi-rank')) \
        .to_have_text("排名 1/15")
    assert_no_console_errors(page)


def test_unknown_township_code_gets_not_found(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/township/421081999000")
    expect(page.locator(".page-title")).to_have_text("页面不存在")
    expect(page.locator(".not-found")).to_contain_text("421081999000")
    assert_no_console_errors(page)


def test_village_table_exports_what_it_shows(page, demo_server, assert_no_console_errors,
                                             tmp_path) -> None:
    from openpyxl import load_workbook

    page.goto(f"{demo_server}/township/{TIAOGUAN}?period=2025&indicator=service_cases")
    table = page.locator('[data-table="villages"]')
    expect(table.locator(".ag-row").first).to_be_visible()
    # The township's own cases are in its card, not in any village's row: said so.
    expect(table.locator("p.muted")).to_contain_text("各村相加可小于合计")
    with page.expect_download() as download_info:
        table.get_by_role("button", name="导出 Excel").click()
    path = tmp_path / "villages.xlsx"
    download_info.value.save_as(path)
    assert download_info.value.suggested_filename == "调关镇_2025.xlsx"
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and "办件量（件）" in rows[0]
    assert len(rows) == 1 + 15
    names = {row[0] for row in rows[1:]}
    assert "石戈垸村委会" in names
    assert_no_console_errors(page)
