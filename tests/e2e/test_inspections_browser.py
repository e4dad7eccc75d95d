"""/inspections, /inspections/worklist and /inspections/task/<code> in headless Chromium:
chart drill to rows, filters in the URL, a row followed to its record, Excel exports, and a
recorded draw verified on its record page."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.conftest import REPO_ROOT


def _click_bar(page: Page, graph_id: str, index: int) -> None:
    """Click a plotly bar at its screen position (plotly's overlay takes element clicks)."""
    bar = page.locator(f"#{graph_id} .bars path").nth(index)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + min(box["width"] / 2, 20), box["y"] + box["height"] / 2)


def _export(page: Page, table: str, path: Path) -> list[tuple]:
    with page.expect_download() as download_info:
        page.locator(f'[data-table="{table}"]').get_by_role("button", name=re.compile(
            "导出 Excel|Export to Excel")).click()
    download_info.value.save_as(path)
    return list(load_workbook(path).active.iter_rows(values_only=True))


def _choose(page: Page, dropdown_id: str, option: str) -> None:
    page.locator(f"#{dropdown_id}").click()
    page.get_by_role("option", name=option, exact=True).click()


def test_inspections_page_drills_from_a_chart_to_rows_and_exports(
        page, demo_server, tmp_path, assert_offline, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/inspections?year=2026")
    expect(page.locator(".page-title")).to_have_text("双随机抽查")
    completion = page.locator('[data-indicator="inspection_completion_rate"] .kpi-value')
    expect(completion).not_to_have_text("—")
    expect(page.locator('[data-indicator="inspection_joint_share"] .kpi-value')).not_to_have_text(
        "—")
    theme = page.locator(".insp-theme")
    expect(theme).to_have_attribute("data-month", "2026-11")
    expect(theme.locator(".insp-theme-title")).not_to_be_empty()
    expect(page.locator('[data-stat="overdue"] .insp-stat-value')).to_have_text(re.compile(r"\d"))
    expect(page.locator('[data-table="inspection-tasks"] .ag-row').first).to_be_visible()
    # result codes are drawn bottom-up: the last bar is 01 未发现问题, the first the rarest code
    bars = page.locator("#inspections-result-chart .bars path")
    expect(bars.first).to_be_visible()
    _click_bar(page, "inspections-result-chart", bars.count() - 2)
    detail = page.locator('[data-table="inspection-rows"]')
    expect(detail.locator("h3")).to_contain_text("检查结果：02 未按规定公示应当公示的信息")
    expect(detail.locator(".ag-row").first).to_be_visible()
    rows = _export(page, "inspection-rows", tmp_path / "rows.xlsx")
    assert rows[0][:3] == ("任务编号", "统一社会信用代码", "检查对象")
    result = rows[0].index("检查结果")
    assert len(rows) > 1
    assert all(r[result] == "02 未按规定公示应当公示的信息" for r in rows[1:])
    assert all(re.fullmatch(r"SSCC2026-\d{3}", r[0]) for r in rows[1:])  # the code, not a link
    # a township bar drills to that township's rows
    top = page.locator("#inspections-township-chart .yaxislayer-above text").last.text_content()
    _click_bar(page, "inspections-township-chart",
               page.locator("#inspections-township-chart .bars path").count() - 1)
    expect(detail.locator("h3")).to_contain_text(f"乡镇（街道）：{top}")
    towns = detail.locator('.ag-center-cols-container [col-id="township"]').all_text_contents()
    assert towns and set(towns) == {top}
    # another year from the dropdown: the URL holds it; a year without data says so in words
    page.goto(f"{demo_server}/inspections?year=2020")
    expect(page.locator(".empty-period")).to_have_text("2020年没有抽查数据。")
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_year_dropdown_writes_the_url(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/inspections")
    # Every page opens on the latest complete period the data cover (views.default_period).
    expect(page.locator("#inspections-year")).to_contain_text("2025")
    expect(page.locator(".period-default")).to_have_text("默认显示最近一个完整周期：2025年")
    _choose(page, "inspections-year", "2026")
    expect(page).to_have_url(re.compile(r"year=2026"))
    expect(page.locator('[data-table="inspection-tasks"] h3')).to_have_text("抽查任务 · 2026")
    # The tables count the year's draws, the red-flag card every year's: the header says so.
    expect(page.locator('[data-table="inspection-groups"] .ag-header-cell-text').filter(
        has_text="逾期未整改")).to_contain_text("2026年抽取的逾期未整改")
    assert_no_console_errors(page)


def test_worklist_filters_follow_a_row_and_export(page, demo_server, tmp_path, assert_offline,
                                                  assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/inspections/worklist")
    summary = page.locator(".insp-summary")
    total = int(summary.get_attribute("data-open") or 0)
    assert total > 0
    days = page.locator('[data-table="worklist"] .ag-center-cols-container [col-id="days_left"]')
    expect(days.first).to_be_visible()
    shown = [int(d) for d in days.all_text_contents()]
    assert shown == sorted(shown) and shown[0] < 0  # most urgent (latest) first
    _choose(page, "worklist-department", "市市场监督管理局")
    expect(page).to_have_url(re.compile(r"department=%E5%B8%82%E5%B8%82%E5%9C%BA"))
    expect(summary).not_to_have_attribute("data-open", str(total))
    by_department = int(summary.get_attribute("data-open") or 0)
    _choose(page, "worklist-township", "绣林街道")
    expect(page).to_have_url(re.compile(r"township=421081001000"))
    expect(summary).not_to_have_attribute("data-open", str(by_department))
    rows = _export(page, "worklist", tmp_path / "worklist.xlsx")
    assert rows[0][:5] == ("类型", "期限状态", "剩余工作日", "期限", "任务编号")
    departments = rows[0].index("参与部门")
    townships = rows[0].index("乡镇（街道）")
    assert len(rows) - 1 == int(summary.get_attribute("data-open") or 0) > 0
    assert all("市市场监督管理局" in r[departments].split("、") for r in rows[1:])
    assert all("绣林街道" in r[townships] for r in rows[1:])
    assert [r[2] for r in rows[1:]] == sorted(r[2] for r in rows[1:])
    # time to the deadline in working days, calendar days in brackets, said in words
    assert all(re.fullmatch(r"(逾期|剩余) \d+ 个工作日（\d+ 天）|当日到期", r[1]) for r in rows[1:])
    # the URL alone reproduces the filtered view
    page.reload()
    expect(page.locator("#worklist-department")).to_contain_text("市市场监督管理局")
    expect(page.locator("#worklist-township")).to_contain_text("绣林街道")
    # a row opens its task's record
    link = page.locator('[data-table="worklist"] .ag-center-cols-container [col-id="task_code"] a'
                        ).first
    code = link.inner_text()
    link.click()
    expect(page).to_have_url(re.compile(rf"/inspections/task/{code}$"))
    expect(page.locator(".insp-draw")).to_contain_text("随机种子")
    expect(page.locator('[data-table="task-objects"] .ag-row').first).to_be_visible()
    objects = _export(page, "task-objects", tmp_path / "objects.xlsx")
    assert objects[0][:2] == ("检查对象", "统一社会信用代码") and len(objects) > 1
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_pages_in_english(page, demo_server, assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/inspections/worklist?lang=en")
    expect(page.locator(".page-title")).to_have_text("Worklist")
    expect(page.locator("#worklist-department")).to_contain_text("All departments")
    page.goto(f"{demo_server}/inspections?lang=en&year=2026")
    expect(page.locator(".insp-theme h3")).to_have_text("This month's supervision theme · 2026-11")
    page.goto(f"{demo_server}/inspections/task/NO-SUCH-TASK")
    expect(page.locator(".page-title")).to_have_text("页面不存在")
    assert_no_console_errors(page)


def test_a_recorded_draw_is_verified_on_its_record_page(page, live_server_factory, tmp_path,
                                                        assert_offline,
                                                        assert_no_console_errors) -> None:
    from tests.dbutil import fresh_database, sqlite_url
    from tests.integration.test_inspection_queries import _seed_directory

    url = sqlite_url(tmp_path, "draw.sqlite3")
    _seed_directory(fresh_database(url))
    env = {"DATABASE_URL": url, "PYTHONPATH": str(REPO_ROOT)}
    made = subprocess.run([sys.executable, "-m", "dashboard", "draw", "--task", "T2", "--seed",
                           "20261008-7"], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          check=False)
    assert made.returncode == 0, made.stderr
    server = live_server_factory(url, env={"DASHBOARD_TODAY": "2026-11-16"})
    page.sign_in(server, "supervisor", url)
    page.goto(f"{server}/inspections/task/T2")
    draw = page.locator(".insp-draw")
    expect(draw.locator(".insp-seed")).to_have_text("20261008-7")
    digest = re.search(r"SHA-256 ([0-9a-f]{64})", made.stdout)
    assert digest is not None
    expect(draw.locator(".insp-hash")).to_have_text(digest.group(1))
    expect(draw.locator(".insp-command")).to_have_text(
        "python -m dashboard draw --task T2 --seed 20261008-7 --verify")
    expect(draw.locator('[data-check="good"]')).to_contain_text("均与记录一致")
    inspectors = page.locator('[data-table="task-inspectors"] .ag-center-cols-container '
                              '[col-id="department"]')
    expect(inspectors.first).to_be_visible()
    assert set(inspectors.all_text_contents()) == {"市市场监督管理局", "市卫生健康局"}
    assert_no_console_errors(page)
    assert_offline(page, server)
