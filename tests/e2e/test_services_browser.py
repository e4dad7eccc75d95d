"""/services in headless Chromium: period change, drill from a chart to the cases, export."""

from __future__ import annotations

import re

from openpyxl import load_workbook
from playwright.sync_api import Page, expect


def _click_bar(page: Page, graph_id: str, index: int) -> None:
    """Click a plotly bar at its screen position (plotly's overlay takes element clicks)."""
    bar = page.locator(f"#{graph_id} .bars path").nth(index)
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def test_services_page_drills_to_cases_and_exports(page, demo_server, tmp_path, assert_offline,
                                                   assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/services?period=2026-10")
    cases = page.locator('[data-indicator="service_cases"] .kpi-value')
    expect(cases).not_to_have_text("—")
    monthly = int(cases.inner_text().replace(",", ""))
    expect(page.locator('[data-table="overdue"] .ag-row').first).to_be_visible()
    # The level chart: bars are drawn bottom-up, the village rooms are the last row.
    expect(page.locator("#services-level-chart .bars path")).to_have_count(3)
    _click_bar(page, "services-level-chart", 0)
    detail = page.locator('[data-table="cases"]')
    expect(detail.locator("h3")).to_contain_text("村便民服务室")
    expect(detail.locator(".ag-row").first).to_be_visible()
    with page.expect_download() as download_info:
        detail.get_by_role("button", name="导出 Excel").click()
    path = tmp_path / "cases.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("申办流水号", "事项", "受理单位")
    assert len(rows) > 1 and all(str(r[4]).startswith("2026-10") for r in rows[1:])
    assert all(re.fullmatch(r"\d{25}", r[0]) for r in rows[1:])  # plain text, not formulas
    page.get_by_label("年").check()
    expect(page).to_have_url(re.compile(r"period=2025"))
    expect(cases).not_to_have_text(f"{monthly:,}")
    assert int(cases.inner_text().replace(",", "")) > monthly * 10
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_township_bar_drills_to_that_townships_cases(page, demo_server,
                                                     assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/services?period=2026-10&indicator=service_cases")
    expect(page.locator("#services-township-chart .bars path")).to_have_count(15)
    top = page.locator("#services-township-chart .yaxislayer-above text").last.text_content() or ""
    _click_bar(page, "services-township-chart", 14)  # drawn bottom-up: the last is the top
    detail = page.locator('[data-table="cases"]')
    expect(detail.locator("h3")).to_contain_text(top)
    halls = detail.locator('.ag-center-cols-container [col-id="hall"]').all_text_contents()
    assert halls and all(h for h in halls)
    assert_no_console_errors(page)


def test_period_without_cases_says_so(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/services?period=2020-05")
    expect(page.locator(".empty-period")).to_have_text("该期间没有办件数据。")
    assert_no_console_errors(page)


def test_grids_show_figures_as_the_cards_do_with_whole_headers(
        page, demo_server, assert_no_console_errors) -> None:
    """A grid's figures carry thousands separators like the card above them (the levels' cases
    add up to the card's "400,894"), and at 1440 px no header is cut: they wrap, since the unit
    that ends a header is what a cut would lose."""
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{demo_server}/services?period=2025")
    card = page.locator('[data-indicator="service_cases"] .kpi-value')
    expect(card).not_to_have_text("—")
    levels = page.locator('[data-table="levels"]')
    expect(levels.locator(".ag-center-cols-container .ag-row")).to_have_count(3)
    cells = levels.locator('.ag-center-cols-container [col-id="service_cases"]')
    shown = cells.all_text_contents()
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})+", text) for text in shown), shown
    assert sum(int(text.replace(",", "")) for text in shown) == int(
        card.inner_text().replace(",", ""))
    cut = page.locator(".ag-header-cell-text").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent)")
    assert cut == []
    assert page.locator(".ag-header-cell-text").count() > 20
    # The column that names a row wraps: a 25-digit serial number is read whole.
    serials = page.locator('[data-table="overdue"] .ag-pinned-left-cols-container .ag-cell-value')
    expect(serials.first).to_be_visible()
    cut = serials.evaluate_all("cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1 "
                               "|| c.scrollHeight > c.clientHeight + 1).map(c => c.textContent)")
    assert cut == [] and re.fullmatch(r"\d{25}", serials.first.inner_text().replace("\n", ""))
    # In English a unit takes plain brackets ("finished on time (%)"), and a name that says
    # its unit says it once ("service cases", not "service cases (cases)").
    page.goto(f"{demo_server}/services?period=2025&lang=en")
    headers = page.locator('[data-table="levels"] .ag-header-cell-text')
    expect(headers.first).to_be_visible()
    texts = headers.all_text_contents()
    assert {"service cases", "finished on time (%)"} <= set(texts), texts
    assert not any("（" in text for text in texts), texts
    assert not [h for h in headers.all_text_contents() if "（" in h]
    assert_no_console_errors(page)


def test_the_weeks_trend_names_the_week_shown(page, demo_server,
                                              assert_no_console_errors) -> None:
    """12 weeks are labelled every other one, counting back from the week the page is on."""
    page.goto(f"{demo_server}/services?period=2026-W44")
    labels = page.locator("#services-trend .xtick text")
    expect(labels).to_have_count(6)
    expect(labels.last).to_have_text("2026-W44")
    assert_no_console_errors(page)
