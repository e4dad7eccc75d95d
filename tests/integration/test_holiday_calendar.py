"""The county-kept holiday calendar (template holiday_calendar): imported like the other
templates, all or nothing; it changes the working-day arithmetic, the stored due dates of the
years it covers (in the import's transaction, with the import's own derivation) and the
coverage warning of the health endpoint and the `calendar` command."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, select

from callbacks.context import AppContext
from callbacks.router import render_page
from callbacks.wall import refresh
from dashboard.app import create_app
from dashboard.config import Settings
from data_access import cache
from data_access.calendar import calendar_warning, sync_calendar
from data_access.db import get_engine
from data_access.importing.problems import ImportRejected
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.importing.templates import TEMPLATES
from data_access.models import HolidayCalendar, InspectionResult, ServiceCase, ServiceDaily
from metrics.workdays import (
    add_working_days,
    calendar_covers,
    calendar_overrides,
    set_calendar_overrides,
)
from tests.component_tree import components
from tests.dbutil import fresh_database, snapshot, sqlite_url

REPO = Path(__file__).resolve().parents[2]
TOWNSHIP = "421081100000"
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"
# The data rows below lie in the past on this day; the calendar import uses the real clock.
NOW = dt.datetime(2027, 6, 30, 12)
TODAY = dt.date(2026, 12, 5)

ITEM = {
    "code": "11421081MB0000001", "name": "临时救助申请", "department": "市民政局",
    "case_type": "承诺件", "legal_limit_days": "20", "promised_limit_days": "5",
    "required_visits": "1", "online_capable": "是",
}


def _case(serial: str, accepted: str, finished: str = "", rating: str = "5") -> dict[str, str]:
    return {
        "serial_no": serial, "item_code": ITEM["code"], "division_code": TOWNSHIP,
        "channel": "窗口", "applied_at": accepted, "accepted_at": accepted,
        "promised_limit_days": "", "paused_days": "0", "finished_at": finished,
        "status": "已办结" if finished else "办理中", "visits": "1", "fully_online": "否",
        "rating": rating if finished else "", "bad_review_fixed_at": "",
    }


CASES = [
    # accepted on the last Monday of 2026, due in 2027 (5 working days, over New Year's Day)
    _case("SS-CROSS", "2026-12-28 09:00"),
    # accepted the Friday before the Spring Festival week, finished the Monday after it
    _case("SS-SPRING", "2027-02-05 09:00", "2027-02-15 10:00"),
    # a 差评 on that Friday: followed up within 10 working days
    _case("SS-REVIEW", "2027-02-01 09:00", "2027-02-05 16:00", rating="1"),
    # all in November 2026: no 2027 day in its count
    _case("SS-NOV", "2026-11-02 09:00", "2026-11-05 10:00"),
]
DIRECTORIES = [
    ("inspection_objects", [
        {"code": f"91421081MA4F0000{n}X", "name": f"石首市测试{n}号商行", "kind": "企业",
         "industry": "批发和零售业", "township_code": TOWNSHIP, "risk_class": "B"}
        for n in (1, 2)]),
    ("inspectors", [
        {"code": f"INS{n}", "name": f"检查员{n}", "department": "市市场监管局",
         "certificate_no": f"4210810000{n}"} for n in (1, 2)]),
    ("inspection_items", [
        {"code": "ITEM1", "name": "企业公示信息抽查", "department": "市市场监管局",
         "basis": "企业信息公示暂行条例", "scope": "批发和零售业"}]),
    ("inspection_tasks", [
        {"code": "TASK1", "name": "企业公示信息抽查", "year": "2027",
         "lead_department": "市市场监管局", "departments": "市市场监管局", "item_code": "ITEM1",
         "planned_start": "2026-10-08", "planned_end": "2027-03-31", "draw_seed": ""}]),
]


def _result(n: int, inspected: str) -> dict[str, str]:
    return {"task_code": "TASK1", "object_code": f"91421081MA4F0000{n}X",
            "inspector_codes": "INS1、INS2", "drawn_on": "2026-10-09", "inspected_on": inspected,
            "result_code": "01", "disposal": "无", "rectify_due": "", "rectified_on": "",
            "published_on": ""}


RESULTS = [_result(1, "2027-01-25"), _result(2, "2026-11-02")]

CALENDAR_2027 = [
    ("2027-01-01", "休"),
    *((f"2027-02-{day:02d}", "休") for day in range(6, 13)),  # Saturday 02-06 .. Friday 02-12
    ("2027-02-20", "班"),  # a make-up working Saturday
]

# Stored (due_date, missed_due, bad_review_due) and publish_due, Monday-Friday for 2027 ...
WEEKDAYS_ONLY = {
    "SS-CROSS": ("2027-01-04", True, None),
    "SS-SPRING": ("2027-02-12", True, None),
    "SS-REVIEW": ("2027-02-08", False, "2027-02-19"),
    "SS-NOV": ("2026-11-09", False, None),
    "publish_due": ["2027-02-22", "2026-11-30"],
}
# ... and with the 2027 calendar: New Year's Day and the week off skipped, 02-20 counted.
WITH_CALENDAR = {
    "SS-CROSS": ("2027-01-05", True, None),
    "SS-SPRING": ("2027-02-19", False, None),  # finished on time after all
    "SS-REVIEW": ("2027-02-15", False, "2027-02-25"),
    "SS-NOV": ("2026-11-09", False, None),  # not in 2027: untouched
    "publish_due": ["2027-02-26", "2026-11-30"],
}


@pytest.fixture(autouse=True)
def _library_only():
    """The calendar in force is this process's: every test starts and ends with the library."""
    set_calendar_overrides({})
    cache.clear()
    yield
    set_calendar_overrides({})
    cache.clear()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The data files (service and inspection rows with 2026 and 2027 due dates)."""
    named = [("service_items", [ITEM]), ("service_cases", CASES), *DIRECTORIES,
             ("inspection_results", RESULTS)]
    return {name: write_rows(TEMPLATES[name], pd.DataFrame(rows), tmp_path / f"{name}.csv")
            for name, rows in named}


@pytest.fixture
def engine(tmp_path: Path, files: dict[str, Path]) -> Engine:
    engine = fresh_database(sqlite_url(tmp_path))
    for name, path in files.items():
        import_file(engine, path, name, now=NOW)
    return engine


def _calendar_file(folder: Path, days: list[tuple[str, str]], name: str = "假日.xlsx",
                   source: str = NOTICE_2027) -> Path:
    frame = pd.DataFrame([{"date": day, "kind": kind, "source": source} for day, kind in days])
    return write_rows(TEMPLATES["holiday_calendar"], frame, folder / name)


def _cli(engine: Engine, *args: str, today: dt.date = TODAY) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", *args], cwd=REPO, capture_output=True, text=True,
        check=False, env={"DATABASE_URL": str(engine.url), "PATH": "/usr/bin:/bin",
                          "DASHBOARD_TODAY": today.isoformat()})


def _stored_dates(engine: Engine) -> dict[str, object]:
    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    with engine.connect() as connection:
        cases = connection.execute(select(ServiceCase.serial_no, ServiceCase.due_date,
                                          ServiceCase.missed_due, ServiceCase.bad_review_due))
        results = connection.scalars(select(InspectionResult.publish_due)
                                     .order_by(InspectionResult.object_code))
        stored: dict[str, object] = {serial: (iso(due), missed, iso(review))
                                     for serial, due, missed, review in cases}
        stored["publish_due"] = [iso(day) for day in results]
    return stored


def _daily(engine: Engine, day: dt.date) -> tuple[int, int]:
    with engine.connect() as connection:
        return connection.execute(select(ServiceDaily.on_time, ServiceDaily.late)
                                  .where(ServiceDaily.day == day)).one()._tuple()


def test_a_2027_calendar_imported_by_the_cli_recomputes_the_stored_due_dates(
        engine, tmp_path) -> None:
    assert _stored_dates(engine) == WEEKDAYS_ONLY
    assert _daily(engine, dt.date(2027, 2, 15)) == (0, 1)  # SS-SPRING finished late

    result = _cli(engine, "import", str(_calendar_file(tmp_path, CALENDAR_2027)))

    assert result.returncode == 0, result.stderr
    assert "holiday_calendar" in result.stdout and "新增/new 9" in result.stdout
    assert _stored_dates(engine) == WITH_CALENDAR
    # The daily roll-up the period indicators read moved with the due date.
    assert _daily(engine, dt.date(2027, 2, 15)) == (1, 0)
    # This process loads the stored calendar as the app does (after any import).
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 8)
    sync_calendar(engine)
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 15)
    assert add_working_days(dt.date(2027, 2, 19), 1) == dt.date(2027, 2, 20)


def test_recomputed_dates_equal_those_a_fresh_import_derives(engine, files, tmp_path) -> None:
    import_file(engine, _calendar_file(tmp_path, CALENDAR_2027))
    tables = ("service_case", "service_daily", "inspection_result")
    recomputed = {name: snapshot(engine)[name] for name in tables}
    # The same files imported again under the calendar: every row derived at import time.
    import_file(engine, files["service_cases"], now=NOW)
    import_file(engine, files["inspection_results"], now=NOW)
    assert {name: snapshot(engine)[name] for name in tables} == recomputed
    # ... and into a database that had the calendar before any data row.
    other = fresh_database(sqlite_url(tmp_path, "other.sqlite3"))
    import_file(other, _calendar_file(tmp_path, CALENDAR_2027, "again.xlsx"))
    for name, path in files.items():
        import_file(other, path, name, now=NOW)
    assert _stored_dates(other) == WITH_CALENDAR


def test_the_recompute_on_postgresql(fresh_postgres_url, files, tmp_path) -> None:
    postgres = fresh_database(fresh_postgres_url)
    for name, path in files.items():
        import_file(postgres, path, name, now=NOW)
    assert _stored_dates(postgres) == WEEKDAYS_ONLY
    import_file(postgres, _calendar_file(tmp_path, CALENDAR_2027))
    assert _stored_dates(postgres) == WITH_CALENDAR
    assert _daily(postgres, dt.date(2027, 2, 15)) == (1, 0)
    assert calendar_warning(postgres, TODAY) is None
    postgres.dispose()


def test_the_runner_puts_the_imported_calendar_in_force(engine, tmp_path) -> None:
    assert not calendar_covers(2027)
    report = import_file(engine, _calendar_file(tmp_path, CALENDAR_2027))
    assert (report.domain, report.rows_in_file, report.rows_inserted) == \
        ("holiday_calendar", 9, 9)
    assert calendar_covers(2027)
    assert add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 15)


def test_reimporting_a_year_replaces_that_year_only(engine, tmp_path) -> None:
    import_file(engine, _calendar_file(tmp_path, CALENDAR_2027))
    notice_2028 = "国务院办公厅关于2028年部分节假日安排的通知"
    import_file(engine, _calendar_file(tmp_path, [("2028-01-03", "休")], "2028.csv",
                                       notice_2028))
    # The 2027 notice corrected: no make-up Saturday, and Monday 02-15 off as well.
    corrected = [day for day in CALENDAR_2027 if day[1] == "休"] + [("2027-02-15", "休")]
    report = import_file(engine, _calendar_file(tmp_path, corrected, "2027b.xlsx"))
    assert (report.rows_inserted, report.rows_updated) == (1, 8)
    with engine.connect() as connection:
        stored = connection.execute(select(HolidayCalendar.date, HolidayCalendar.kind)
                                    .order_by(HolidayCalendar.date)).all()
    assert [(day.isoformat(), kind) for day, kind in stored] == \
        [*sorted(corrected), ("2028-01-03", "休")]
    assert calendar_overrides()[dt.date(2028, 1, 3)] is False
    assert dt.date(2027, 2, 20) not in calendar_overrides()
    dates = _stored_dates(engine)
    # 02-05 + 5: 02-16..02-19, 02-22; the 差评 of 02-05: 02-16..19, 02-22..26, 03-01.
    assert dates["SS-SPRING"] == ("2027-02-22", False, None)
    assert dates["SS-REVIEW"] == ("2027-02-16", False, "2027-03-01")


def test_health_warns_until_next_year_is_covered(engine, tmp_path) -> None:
    app = create_app(Settings.from_env(database_url=str(engine.url), today=TODAY))
    client = app.server.test_client()
    calendar = client.get("/api/v1/health").get_json()["calendar"]
    assert calendar["uncovered_years"] == [2027] and 2027 not in calendar["covered_years"]
    assert "2027年节假日安排尚未导入" in calendar["warning"]["zh"]
    assert "2027" in calendar["warning"]["en"]
    assert calendar_warning(engine, dt.date(2026, 11, 30)) is None  # December on only

    assert _cli(engine, "import", str(_calendar_file(tmp_path, CALENDAR_2027))).returncode == 0

    cache.clear()  # the data version is read at most every few seconds
    body = client.get("/api/v1/health").get_json()
    assert body["status"] == "ok"
    assert body["calendar"]["warning"] is None and body["calendar"]["uncovered_years"] == []
    assert body["calendar"]["imported_years"] == [2027]
    assert body["calendar"]["covered_years"][-2:] == [2026, 2027]
    # The request loaded the calendar the CLI stored into the app's process.
    assert calendar_covers(2027)
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 15)
    # A year later, 2028 is missing (this year 2027 is covered).
    zh, en = calendar_warning(engine, dt.date(2027, 12, 1)) or ("", "")
    assert "2028年" in zh and "2027" not in zh and "2028" in en


def test_the_demo_warns_that_2027_is_not_covered(demo_database_url: str) -> None:
    settings = Settings.from_env(database_url=demo_database_url, today=TODAY)
    app = create_app(settings)
    calendar = app.server.test_client().get("/api/v1/health").get_json()["calendar"]
    assert calendar["uncovered_years"] == [2027] and calendar["imported_years"] == []
    assert "2027" in calendar["warning"]["en"]
    # the weekly page and the wall say it too
    context = AppContext(settings, get_engine(demo_database_url))
    page = render_page(context, "/weekly", "")
    notices = [c for c in components(page) if getattr(c, "className", "") == "calendar-warning"]
    assert len(notices) == 1 and "2027" in notices[0].children
    wall_status, _ = refresh(context, None, dt.datetime(2026, 12, 5, 9, 0))
    assert "2027" in wall_status["calendar"][0]


def test_calendar_command_lists_the_years_and_warns(engine, tmp_path) -> None:
    before = _cli(engine, "calendar")
    assert before.returncode == 1
    assert "2004-2026" in before.stdout and "2027年节假日安排尚未导入" in before.stdout
    _cli(engine, "import", str(_calendar_file(tmp_path, CALENDAR_2027)))
    after = _cli(engine, "calendar")
    assert after.returncode == 0, after.stdout
    assert "2027" in after.stdout and "休 8" in after.stdout and "班 1" in after.stdout
    assert NOTICE_2027 in after.stdout and "2004-2027" in after.stdout
    assert "warning" not in after.stdout


def test_template_command_writes_the_calendar_template(engine, tmp_path) -> None:
    help_text = _cli(engine, "template", "--help").stdout
    assert "reference templates" in help_text and "holiday_calendar" in help_text
    out = tmp_path / "holidays.xlsx"
    result = _cli(engine, "template", "holiday_calendar", "--output", str(out))
    assert result.returncode == 0, result.stderr
    sheets = pd.read_excel(out, sheet_name=None, dtype=str)
    assert list(sheets) == ["holiday_calendar", "填表说明", "代码表"]
    assert list(sheets["holiday_calendar"].columns) == \
        ["日期(date)", "类别(kind)", "依据文件(source)"]
    # Filled in by hand and imported without --domain: recognised by its sheet.
    from openpyxl import load_workbook

    workbook = load_workbook(out)
    workbook["holiday_calendar"].append(["2027-01-01", "休", NOTICE_2027])
    workbook.save(out)
    imported = _cli(engine, "import", str(out))
    assert imported.returncode == 0, imported.stderr
    assert "holiday_calendar" in imported.stdout


BAD_ROWS = [
    ("bad date", ("2027-02-30", "休"), "应为日期 YYYY-MM-DD", "must be a date", "日期(date)"),
    ("kind not 休/班", ("2027-02-13", "放假"), "取值应为：休、班", "must be one of: 休, 班",
     "类别(kind)"),
    ("班 on a weekday", ("2027-02-15", "班"), "调休上班日（班）应为周六或周日",
     "must be a Saturday or Sunday", "类别(kind)"),
    ("duplicate date", ("2027-01-01", "休"), "与第 2 行重复", "duplicate of row 2",
     "日期(date)"),
    ("out of range", ("2040-01-02", "休"), "日期应在", "date must be between", "日期(date)"),
]


@pytest.mark.parametrize(("row", "zh", "en", "column"), [case[1:] for case in BAD_ROWS],
                         ids=[case[0] for case in BAD_ROWS])
def test_a_bad_row_rejects_the_whole_file(engine, tmp_path, row, zh, en, column) -> None:
    import_file(engine, _calendar_file(tmp_path, [("2028-01-03", "休")], "2028.csv"))
    in_force = calendar_overrides()
    before = snapshot(engine)
    path = _calendar_file(tmp_path, [*CALENDAR_2027, row], "bad.xlsx")
    with pytest.raises(ImportRejected) as rejected:
        import_file(engine, path)
    problems = [str(p) for p in rejected.value.problems]
    assert len(problems) == 1, problems
    assert zh in problems[0] and en in problems[0]
    # file, sheet, row (the 11th line: header, nine good days, this one) and column
    assert all(f in problems[0] for f in ("bad.xlsx", "holiday_calendar", "row 11", column))
    assert snapshot(engine) == before, "a rejected file changed the database"
    assert calendar_overrides() == in_force, "a rejected file changed the calendar in force"
    assert _stored_dates(engine) == WEEKDAYS_ONLY


def test_the_cli_rejects_a_bad_file_and_writes_nothing(engine, tmp_path) -> None:
    before = snapshot(engine)
    path = _calendar_file(tmp_path, [*CALENDAR_2027, ("2027-13-01", "休")], "bad.csv")
    result = _cli(engine, "import", str(path))
    assert result.returncode == 2
    assert "nothing was written" in result.stderr
    assert "bad.csv" in result.stderr and "row 11" in result.stderr
    assert "列/column 日期(date)" in result.stderr and "must be a date" in result.stderr
    assert snapshot(engine) == before
    assert calendar_warning(engine, TODAY) is not None


def test_missing_column_is_named(engine, tmp_path) -> None:
    path = tmp_path / "nosource.csv"
    pd.DataFrame({"日期(date)": ["2027-01-01"], "类别(kind)": ["休"]}).to_csv(path, index=False)
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as rejected:
        import_file(engine, path, "holiday_calendar")
    assert any("缺少必填列“依据文件(source)”" in str(p) for p in rejected.value.problems)
    assert snapshot(engine) == before
