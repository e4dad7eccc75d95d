"""The collective-economy page in a real browser: tier numbers, period changes, drill to rows,
Excel export, no console errors, nothing fetched from outside."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from data_access.economy import village_incomes
from metrics.economy import tiers_of

TIER_COUNTS_2019 = {"below_5": "0", "from_5": "42", "from_10": "87", "from_50": "20",
                    "from_100": "4", "standard": "111"}
TIER_ORDER = ["below_5", "from_5", "from_10", "from_50", "from_100"]


def _click_centre(page: Page, box: dict | None) -> None:
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _tier_counts(page: Page) -> dict[str, str]:
    rows = page.locator(".tier-table tr[data-tier]")
    return dict(zip(rows.evaluate_all("rs => rs.map(r => r.dataset.tier)"),
                    rows.locator(".tier-count").all_inner_texts(), strict=True))


def _pick_period(page: Page, label: str) -> None:
    page.locator("#period").click()
    page.get_by_role("option", name=label, exact=True).click()


def _export(page: Page, table: str, tmp_path, name: str) -> list[tuple]:
    from openpyxl import load_workbook

    section = page.locator(f'[data-table="{table}"]')
    expect(section.locator(".ag-row").first).to_be_visible()
    with page.expect_download() as download_info:
        section.get_by_role("button", name="导出 Excel").click()
    path = tmp_path / name
    download_info.value.save_as(path)
    return list(load_workbook(path).active.iter_rows(values_only=True))


def test_tier_numbers_and_drill_from_a_tier_bar(page, demo_server, demo_engine, tmp_path,
                                               assert_offline,
                                               assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/economy?period=2019")
    expect(page.locator(".page-title")).to_have_text("村集体经济")
    expect(page.locator(".tier-table")).to_be_visible()
    assert _tier_counts(page) == TIER_COUNTS_2019
    expect(page.locator('[data-indicator="villages_over_100k"] .kpi-value')).to_have_text("111")
    expect(page.locator(".schematic-note")).to_contain_text("示意边界")
    expect(page.locator("#map path.choroplethlocation")).to_have_count(15)
    expect(page.locator(".economy-detail-hint")).to_be_visible()

    bars = page.locator("#economy-tier-chart .bars .point path")
    expect(bars).to_have_count(5)
    _click_centre(page, bars.nth(TIER_ORDER.index("from_5")).bounding_box())
    detail = page.locator('[data-table="economy-detail"]')
    expect(detail.locator("h3")).to_have_text("明细：5万-10万元 · 2019")
    expect(detail.locator(".section-head .muted")).to_have_text("42 行")

    rows = village_incomes(demo_engine, 2019, 0)
    expected = set(rows.loc[tiers_of(rows["operating_revenue"]) == "from_5", "name"])
    assert len(expected) == 42
    exported = _export(page, "economy-detail", tmp_path, "detail.xlsx")
    header, body = exported[0], exported[1:]
    assert header[:4] == ("村", "乡镇（街道）", "收入档次", "经营性收入（万元）")
    assert {row[0] for row in body} == expected and len(body) == 42
    assert {row[2] for row in body} == {"5万-10万元"}
    assert all(5 <= row[3] < 10 for row in body)
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_township_composition_bar_lists_its_villages(page, demo_server, demo_engine,
                                                     assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/economy?period=2019")
    chart = page.locator("#economy-composition-chart")
    label = chart.locator(".ytick text", has_text="调关镇")
    expect(label).to_have_count(1)
    label_box = label.bounding_box()
    assert label_box is not None
    centre = label_box["y"] + label_box["height"] / 2
    segments = chart.locator(".trace.bars").first.locator(".point path")
    boxes = [segments.nth(i).bounding_box() for i in range(segments.count())]
    box = min((b for b in boxes if b), key=lambda b: abs(b["y"] + b["height"] / 2 - centre))
    _click_centre(page, box)
    detail = page.locator('[data-table="economy-detail"]')
    expect(detail.locator("h3")).to_have_text("明细：调关镇 · 2019")
    rows = village_incomes(demo_engine, 2019, 0)
    count = int((rows["township"] == "调关镇").sum())
    expect(detail.locator(".section-head .muted")).to_have_text(f"{count} 行")
    townships = detail.locator('.ag-center-cols-container [col-id="township"]')
    expect(townships.first).to_have_text("调关镇")
    assert set(townships.all_inner_texts()) == {"调关镇"}
    assert_no_console_errors(page)


def test_changing_the_period(page, demo_server, assert_offline,
                             assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/economy")
    expect(page.locator("#period")).to_contain_text("2025")  # the last complete year
    expect(page.locator('.tier-table tr[data-tier="below_5"] .tier-count')).to_have_text("3")
    _pick_period(page, "2019")
    expect(page).to_have_url(re.compile(r"/economy\?.*period=2019"))
    expect(page.locator('.tier-table tr[data-tier="from_5"] .tier-count')).to_have_text("42")
    assert _tier_counts(page) == TIER_COUNTS_2019
    page.get_by_label("季度").check()
    expect(page).to_have_url(re.compile(r"period=2026-Q3"))
    expect(page.locator("#period")).to_contain_text("2026-Q3")
    expect(page.locator(".tier-table")).to_be_visible()
    _pick_period(page, "2026-Q4")
    expect(page).to_have_url(re.compile(r"period=2026-Q4"))
    expect(page.locator(".economy-no-data").first).to_contain_text(
        "2026-Q4 没有村集体经济收入数据")
    expect(page.locator("#economy-tier-chart")).to_have_count(0)
    expect(page.locator(".economy-no-data", has_text="2026年没有合作社数据")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(re.compile(r"period=2026-Q3"))
    expect(page.locator(".tier-table")).to_be_visible()
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_ranking_exports_every_village_and_english_switch(page, demo_server, tmp_path,
                                                          assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/economy?period=2025")
    rows = _export(page, "economy-villages", tmp_path, "ranking.xlsx")
    assert rows[0][:3] == ("排名", "村", "乡镇（街道）")
    assert len(rows) == 1 + 153
    revenues = [row[4] for row in rows[1:]]
    assert revenues == sorted(revenues, reverse=True)
    weak = page.locator('[data-table="economy-weak"]')
    expect(weak.locator(".section-head .muted")).to_have_text("3 行")
    expect(page.locator('[data-table="economy-fell"]')).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator(".page-title")).to_have_text("Collective economy")
    expect(page.locator('.tier-table tr[data-tier="below_5"] .tier-count')).to_have_text("3")
    assert_no_console_errors(page)
