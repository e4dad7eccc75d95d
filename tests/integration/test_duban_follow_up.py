"""The 督办 ledger beyond its own pages: the weekly workbook's sheet of the week's items (as
they stood at the week's end, a township officer's own only, live and as stored with an
export), the bulletin's sentence drawn from the same counts as the report's ledger section,
and the 督办 links on the worklist's and the red flags' rows (for leaders and supervisors)."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from callbacks.weekly import weekly_page
from dashboard.app import create_app
from dashboard.config import Settings
from dashboard.pdf import report_snapshot
from data_access.duban import open_item, take_step, week_items
from data_access.weekly import store_export
from data_access.weekly_report import weekly_report
from layouts import ids
from layouts.i18n import t
from metrics.periods import parse_period
from metrics.workdays import add_working_days
from tests.component_tree import components, text_of
from tests.fixtures.accounts import TEST_TOWNSHIP, SignedInClient, accounts_in
from tests.fixtures.processes import DEMO_AS_OF
from tests.integration.test_access import OTHER_TOWNSHIP, _page, _rows
from tests.integration.test_bulletin_facts import LEDGER_COUNTS

WEEK = parse_period("2026-W44")  # 2026-10-26 .. 11-01: no other test opens items in it
SHEET = "督办事项"
AT = dt.datetime


@pytest.fixture(scope="module")
def items(demo_engine) -> dict[str, int]:
    """Three items the week counts: one of 调关镇 overdue at the week's end (answered, closed
    only the week after), one of 调关镇 closed on time in the week, one of 绣林街道 open."""
    late = open_item(demo_engine, TEST_TOWNSHIP, "请报送整改台账", "2026-W43",
                     AT(2026, 10, 21, 9), "worklist", "overdue_rectifications",
                     "整改：测试对象（T-DUBAN-1）", "期限 2026-10-01，逾期 14 个工作日（20 天）")
    take_step(demo_engine, late, "answer", "已报送", AT(2026, 10, 27, 10))
    take_step(demo_engine, late, "close", "", AT(2026, 11, 3, 10))
    done = open_item(demo_engine, TEST_TOWNSHIP, "请说明原因", WEEK.label, AT(2026, 10, 26, 9),
                     "card", "service_on_time_rate", figure="89.5%")
    take_step(demo_engine, done, "answer", "已整改", AT(2026, 10, 27, 9))
    take_step(demo_engine, done, "close", "", AT(2026, 10, 29, 9))
    other = open_item(demo_engine, OTHER_TOWNSHIP, "请说明原因", WEEK.label, AT(2026, 10, 27, 9),
                      subject="绣林街道的事项")
    return {"late": late, "done": done, "other": other}


@pytest.fixture(scope="module")
def app(demo_database_url: str):
    return create_app(Settings.from_env(database_url=demo_database_url,
                                        today=dt.date.fromisoformat(DEMO_AS_OF)))


@pytest.fixture(scope="module")
def clients(app, demo_database_url: str) -> dict[str, SignedInClient]:
    accounts = accounts_in(demo_database_url)
    return {role: SignedInClient(app, accounts[role]) for role in accounts}


def _sheet(response) -> dict[int, dict[str, object]]:
    """The workbook's 督办 sheet: item number -> its row by header."""
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    rows = list(load_workbook(io.BytesIO(response.data))[SHEET].iter_rows(values_only=True))
    return {int(row[0]): dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def test_the_week_items_are_as_they_stood_at_its_end(demo_engine, items) -> None:
    listed = week_items(demo_engine, WEEK).set_index("id")
    late, done = listed.loc[items["late"]], listed.loc[items["done"]]
    # closed since, but at the week's end answered and past its due day
    assert late["state"] == "answered" and late["overdue"]
    assert late["due_on"] == add_working_days(dt.date(2026, 10, 21), 5) < WEEK.last_day
    assert late["closed_at"] is None or str(late["closed_at"]) == "NaT"
    assert done["state"] == "closed" and not done["overdue"]
    assert listed.loc[items["other"], "state"] == "open"


def test_the_weekly_workbook_lists_a_township_officer_their_own_items(clients, items) -> None:
    path = f"/weekly/flags.xlsx?week={WEEK.label}"
    own = _sheet(clients["township"].get(path))
    assert {items["late"], items["done"]} <= set(own) and items["other"] not in own
    assert {row["乡镇（街道）"] for row in own.values()} == {"调关镇"}
    late, done = own[items["late"]], own[items["done"]]
    assert (late["事项"], late["周末状态"], late["办结时间"], late["周末是否超期"]) == (
        "整改：测试对象（T-DUBAN-1）", "已反馈待审核", None, "是")
    assert (done["事项"], done["周末状态"], done["办结时间"], done["周末是否超期"]) == (
        "按时办结率", "已办结", "2026-10-29 09:00", "否")
    assert late["交办时间"] == "2026-10-21 09:00" and late["督办要求"] == "请报送整改台账"
    county = _sheet(clients["leader"].get(path))
    assert set(items.values()) <= set(county)
    assert county[items["other"]]["乡镇（街道）"] == "绣林街道"


def test_a_stored_export_keeps_the_items_and_lists_each_viewer_their_own(
        demo_engine, clients, items) -> None:
    report = weekly_report(demo_engine, WEEK)
    snapshot = report_snapshot(demo_engine, WEEK, report, "zh")
    export_id = store_export(demo_engine, "weekly", WEEK.label, None, "zh", snapshot,
                             AT(2026, 11, 2, 8))
    path = f"/weekly/export/{export_id}/flags.xlsx"
    own = _sheet(clients["township"].get(path))
    assert {items["late"], items["done"]} <= set(own) and items["other"] not in own
    county = _sheet(clients["leader"].get(path))
    assert set(items.values()) <= set(county)
    assert county == _sheet(clients["leader"].get(f"/weekly/flags.xlsx?week={WEEK.label}"))
    # An export made before the workbook listed the items has no such sheet.
    del snapshot["duban_items"]
    older = store_export(demo_engine, "weekly", WEEK.label, None, "zh", snapshot,
                         AT(2026, 11, 2, 8))
    response = clients["leader"].get(f"/weekly/export/{older}/flags.xlsx")
    assert SHEET not in load_workbook(io.BytesIO(response.data)).sheetnames


def test_the_bulletin_and_the_ledger_section_are_one_set_of_counts(demo_context, items) -> None:
    _, _, body = weekly_page(demo_context, "zh", {"week": WEEK.label})
    tree = list(components(body))
    [panel] = [c for c in tree if "duban-week" in str(getattr(c, "className", "")).split()]
    counts = {key: int(getattr(panel, f"data-{key}"))
              for key in ("opened", "closed-on-time", "closed-late", "overdue")}
    assert counts["opened"] >= 2 and counts["overdue"] >= 1
    [bulletin] = [c for c in tree if getattr(c, "id", None) == ids.WEEKLY_BULLETIN_TEXT]
    text = text_of(bulletin)
    match = LEDGER_COUNTS.search(text)
    assert match, text
    opened, _, on_time, late = (int(n) for n in match.groups())
    assert (opened, on_time, late) == (counts["opened"], counts["closed-on-time"],
                                       counts["closed-late"])
    assert f"超期未办结{counts['overdue']}项" in text and "调关镇" in text


def _links(response) -> list[dict[str, list[str]]]:
    """The query of every row's 督办 link in a page."""
    return [parse_qs(urlsplit(row["duban_href"]).query) for row in _rows(response)
            if row.get("duban_href")]


def test_worklist_rows_link_to_the_form_for_leaders_and_supervisors_only(app, clients) -> None:
    search = f"?township={TEST_TOWNSHIP}"
    for role in ("leader", "supervisor"):
        links = _links(_page(app, clients[role], "/inspections/worklist", search))
        assert links, role
        for query in links:
            assert query["township"] == [TEST_TOWNSHIP] and query["source"] == ["worklist"]
            assert query["week"] == ["2026-W46"]  # the week of the as-of day (today)
            assert query["indicator"][0] in ("overdue_rectifications",
                                             "inspection_rectification_rate",
                                             "inspection_disclosure_on_time_rate",
                                             "inspection_completion_rate")
            assert re.search(r"（[^）]+）$", query["subject"][0])  # the object and its task
            assert query["figure"][0].startswith("期限 ")
    for role in ("township", "admin"):
        response = _page(app, clients[role], "/inspections/worklist", search)
        assert _rows(response) and not _links(response), role
        assert "action-duban_href" not in json.dumps(response.get_json())


def test_red_flag_rows_link_to_the_form(app, clients) -> None:
    response = _page(app, clients["supervisor"], "/weekly", "?week=2026-W45")
    links = _links(response)
    sources = {query["source"][0] for query in links}
    assert "flag" in sources
    for query in links:
        assert query["week"] == ["2026-W45"]
        if query["source"] == ["flag"]:
            flag = query["indicator"][0]
            assert query["subject"][0].startswith(f"{t(f'flag_{flag}', 'zh')}："), query
    assert not _links(_page(app, clients["township"], "/weekly", "?week=2026-W45"))


def test_the_same_row_is_followed_up_once_and_a_late_close_says_so(demo_engine, items) -> None:
    from data_access.duban import DubanRefused
    from data_access.duban import items as listed
    from layouts.duban import items_sheet, state_text

    with pytest.raises(DubanRefused, match=f"#{items['other']}"):
        open_item(demo_engine, OTHER_TOWNSHIP, "再次督办", WEEK.label, AT(2026, 10, 28, 9),
                  subject="绣林街道的事项")
    frame = listed(demo_engine, dt.date(2026, 11, 15))
    late = frame[frame["id"] == items["late"]].iloc[0]
    assert late["closed_late"]  # due 2026-10-28, closed 2026-11-03
    assert state_text(late["state"], late["overdue"], "zh", late["closed_late"]) == \
        "已办结 · 超期办结"
    week_after = week_items(demo_engine, parse_period("2026-W45"))
    _, sheet, _ = items_sheet(week_after[week_after["id"] == items["late"]], "zh")
    assert sheet["overdue"].tolist() == ["超期办结"]
