"""One number per red flag on every page, read in headless Chromium from the demo server
(today pinned to DEMO_AS_OF, 2026-11-15, a Sunday).

- As of 2026-11-08, the Sunday of the last complete week (2026-W45): /weekly, /wall,
  /weekly/<township> and the worklist as of that day (?as_of=2026-11-08), and the time overdue
  of the longest overdue rectification in the same words on the wall and the worklist.
- As of today, 2026-11-15: /inspections, the worklist, and /weekly for the week that ends today.
- The wall compares each county figure with its own previous period (never an annual figure
  with itself), and an unknown task says which code is unknown, with the way back.
"""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from data_access.weekly import overdue_rectifications
from data_access.weekly_report import weekly_report
from layouts.wall import compared_with
from metrics.periods import parse_period
from tests.conftest import DEMO_AS_OF

pytestmark = pytest.mark.browser
WEEK = parse_period("2026-W45")  # the last complete week on DEMO_AS_OF
SUNDAY = WEEK.last_day.isoformat()  # 2026-11-08
TODAY_WEEK = parse_period("2026-W46")  # ends on DEMO_AS_OF itself
FLAGS = ("new_overdue_cases", "overdue_rectifications", "inactive_villages")
WALL_VIEWPORT = {"width": 1920, "height": 1080}


@pytest.fixture(scope="module")
def report(demo_engine):
    return weekly_report(demo_engine, WEEK)


def _counts(page: Page, selector: str, attribute: str = "data-count") -> set[str]:
    """The attribute of every element the selector finds (each place a flag is shown)."""
    values = page.locator(selector).evaluate_all(
        f"found => found.map(e => e.getAttribute('{attribute}'))")
    assert values, selector
    return set(values)


def _worklist_summary(page: Page, base: str, query: str) -> dict[str, str]:
    page.goto(f"{base}/inspections/worklist?{query}")
    summary = page.locator(".insp-summary")
    expect(summary).to_be_visible()
    return {name: summary.get_attribute(name) or "" for name in (
        "data-as-of", "data-overdue-rectifications", "data-open")}


def test_each_flag_is_one_number_on_every_page_for_the_weeks_sunday(
        page, demo_server, report, tmp_path, assert_offline, assert_no_console_errors) -> None:
    expected = {kind: str(report.flag(kind).count) for kind in FLAGS}
    assert int(expected["overdue_rectifications"]) > 0

    # /weekly: the flag panel and the first screen's tile (wherever the count is printed)
    page.goto(f"{demo_server}/weekly?week={WEEK.label}")
    expect(page.locator("#weekly-ready")).to_have_attribute("data-week", WEEK.label)
    for kind in FLAGS:
        assert _counts(page, f'[data-flag="{kind}"][data-count]') == {expected[kind]}, kind
    expect(page.locator('.weekly-flag[data-flag="overdue_rectifications"] .flag-count')
           ).to_have_text(expected["overdue_rectifications"])
    expect(page.locator('.weekly-flag[data-flag="new_overdue_cases"] .flag-name')
           ).to_have_text("本周到期未按期办结")

    # /wall (the last complete week): the same counts, said to be as of the Sunday
    page.set_viewport_size(WALL_VIEWPORT)
    page.goto(f"{demo_server}/wall?rotate=3600&refresh=3600")
    expect(page.locator(".wall-flag")).to_have_count(5)
    expect(page.locator(".wall-flags-as-of")).to_have_attribute("data-as-of", SUNDAY)
    expect(page.locator(".wall-flags-as-of")).to_contain_text(f"截至 {SUNDAY}（周日）")
    for kind in FLAGS:
        card = page.locator(f'.wall-flag[data-kind="{kind}"]')
        expect(card).to_have_attribute("data-count", expected[kind])
        expect(card.locator(".wall-flag-count")).to_have_text(expected[kind])
    wall_rectifications = page.locator('.wall-flag[data-kind="overdue_rectifications"]')
    expect(wall_rectifications.locator(".wall-flag-name")).to_have_text("逾期未整改")
    top = wall_rectifications.locator(".wall-flag-row").first
    top_detail = top.locator(".wall-flag-detail").text_content() or ""  # panel not shown
    assert re.fullmatch(r"逾期 \d+ 个工作日（\d+ 天）", top_detail), top_detail
    top_subject = top.locator(".wall-flag-subject").text_content() or ""

    # the worklist as of that Sunday: the same count, and the same time overdue for the same
    # object, in the same words
    summary = _worklist_summary(page, demo_server, f"as_of={SUNDAY}")
    assert summary["data-as-of"] == SUNDAY
    assert summary["data-overdue-rectifications"] == expected["overdue_rectifications"]
    with page.expect_download() as download_info:
        page.locator('[data-table="worklist"]').get_by_role("button", name="导出 Excel").click()
    path = tmp_path / "worklist.xlsx"
    download_info.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    header = rows[0]
    kind, timing, subject = (header.index(h) for h in ("类型", "期限状态", "对象"))
    late = [r for r in rows[1:] if r[kind] == "整改" and str(r[timing]).startswith("逾期")]
    assert len(late) == int(expected["overdue_rectifications"])
    name = top_subject.rsplit("（", 1)[0]
    assert [r[timing] for r in late if r[subject] == name] == [top_detail]

    # each township's share: /weekly/<township> and the worklist filtered to it
    shares = report.flag("overdue_rectifications").by_township()
    quiet = [code for code in report.flag("inactive_villages").by_township()
             if code not in shares][:1]  # and a township without any
    for code in [*shares, *quiet]:
        page.goto(f"{demo_server}/weekly/{code}?week={WEEK.label}")
        expect(page.locator("#weekly-ready")).to_have_attribute("data-week", WEEK.label)
        for kind in FLAGS:
            mine = str(report.flag(kind).by_township().get(code, 0))
            assert _counts(page, f'.township-flags [data-flag="{kind}"]') == {mine}, (code, kind)
        summary = _worklist_summary(page, demo_server, f"as_of={SUNDAY}&township={code}")
        assert summary["data-overdue-rectifications"] == str(shares.get(code, 0)), code
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_inspections_worklist_and_weekly_agree_for_today(
        page, demo_server, demo_engine, assert_no_console_errors) -> None:
    # DEMO_AS_OF is a Sunday: /weekly for the week that ends today counts as of today too.
    flag = weekly_report(demo_engine, TODAY_WEEK).flag("overdue_rectifications")
    expected = str(flag.count)
    assert flag.count == len(overdue_rectifications(demo_engine, TODAY_WEEK.last_day))
    page.goto(f"{demo_server}/inspections?year=2026")
    stat = page.locator('[data-stat="overdue_rectifications"]')
    expect(stat.locator(".insp-stat-value")).to_have_text(expected)
    expect(stat.locator(".insp-stat-label")).to_have_text(f"逾期未整改（截至 {DEMO_AS_OF}）")
    assert "责令整改" in (stat.get_attribute("title") or "")  # the definition on hover
    # the year's share is named apart, and defined
    year_stat = page.locator('[data-stat="overdue"]')
    expect(year_stat.locator(".insp-stat-label")).to_have_text("其中2026年抽取")
    assert int(year_stat.locator(".insp-stat-value").inner_text()) <= flag.count
    assert "2026 年抽取" in (year_stat.get_attribute("title") or "")
    # its figure opens the worklist of the same day, which counts the same
    stat.locator("a").click()
    expect(page).to_have_url(re.compile(r"/inspections/worklist"))
    summary = page.locator(".insp-summary")
    expect(summary).to_have_attribute("data-overdue-rectifications", expected)
    expect(summary).to_have_attribute("data-as-of", DEMO_AS_OF)
    page.goto(f"{demo_server}/weekly?week={TODAY_WEEK.label}")
    expect(page.locator("#weekly-ready")).to_have_attribute("data-week", TODAY_WEEK.label)
    assert _counts(page, '[data-flag="overdue_rectifications"][data-count]') == {expected}
    assert_no_console_errors(page)


def test_the_wall_compares_each_figure_with_its_own_previous_period(
        page, demo_server, report, assert_no_console_errors) -> None:
    page.set_viewport_size(WALL_VIEWPORT)
    page.goto(f"{demo_server}/wall?rotate=3600&refresh=3600")
    expect(page.locator(".wall-flag")).to_have_count(5)
    for ranking in report.rankings:
        tiles = f'.wall-tile[data-indicator="{ranking.indicator_id}"]'
        expect(page.locator(tiles).first).to_be_attached()
        compared = page.locator(f"{tiles} .kpi-change").evaluate_all(
            "found => found.map(e => e.getAttribute('data-compared'))")
        base = compared_with(ranking)
        if base is None or base[0] is None or ranking.county is None:
            assert compared == [], ranking.indicator_id
            continue
        assert compared and set(compared) == {base[1]}, ranking.indicator_id
        assert ranking.period not in compared  # never a figure against itself
    assert page.locator(".wall-tile .kpi-change", has_text="较上期").count() == 0
    assert_no_console_errors(page)


def test_an_unknown_task_says_which_and_leads_back(page, demo_server,
                                                   assert_no_console_errors) -> None:
    page.goto(f"{demo_server}/inspections/task/NOPE")
    expect(page.locator(".page-title")).to_have_text("页面不存在")
    message = page.locator(".not-found")
    expect(message).to_contain_text("未知的任务编号 NOPE")
    expect(message).not_to_contain_text("区划代码")
    message.get_by_role("link", name="返回双随机抽查").click()
    expect(page).to_have_url(re.compile(r"/inspections$"))
    expect(page.locator(".page-title")).to_have_text("双随机抽查")
    page.goto(f"{demo_server}/inspections/task/NOPE?lang=en")
    expect(page.locator(".not-found")).to_contain_text("unknown task NOPE")
    expect(page.locator(".not-found a")).to_have_attribute("href", "/inspections?lang=en")
    assert_no_console_errors(page)
