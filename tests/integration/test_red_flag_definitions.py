"""The red flags (metrics/red_flags.py) against hand-counted rows on a small database: each
flag's query, the weekly report built from it, and the worklist and /inspections counting the
same day; then, on the demo database, every page's figure for every Sunday of two months.

The hand-made rows sit on the boundaries that made the pages disagree: a deadline on the as-of
day, a rectification done on it or only after it, a rectification of an earlier year's draw,
cases finished on the promised day or refused, activity on the 1st of the month or the day
after the Sunday."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from callbacks.context import AppContext
from callbacks.inspections import inspections_page, worklist_page
from dashboard.config import Settings
from data_access import cache
from data_access.divisions import ancestor_code
from data_access.inspections import open_rows, result_rows
from data_access.models import (
    InspectionItem,
    InspectionObject,
    InspectionResult,
    InspectionTask,
    ServiceCase,
    ServiceItem,
    VolunteerActivity,
    VolunteerTeam,
)
from data_access.weekly import new_overdue_cases, overdue_rectifications
from data_access.weekly_report import weekly_report
from metrics.inspections import counts, late_counts, worklist
from metrics.periods import parse_period
from tests.dbutil import fresh_database, sqlite_url

D = dt.date
W45 = parse_period("2026-W45")  # 2026-11-02 .. 11-08
W46 = parse_period("2026-W46")  # 2026-11-09 .. 11-15
SUNDAY = D(2026, 11, 8)
TODAY = D(2026, 11, 15)  # a Sunday: the last day of W46
XIULIN, BIJIASHAN, HENGGOU = "421081001000", "421081002000", "421081101000"

# code: (task, township, disposal, rectify_due, rectified_on)
RECTIFICATIONS = {
    "A": ("T25", XIULIN, "责令整改", D(2025, 7, 10), None),  # a 2025 draw, never rectified
    "B": ("T25", BIJIASHAN, "责令整改", D(2025, 7, 10), D(2025, 7, 9)),
    "C": ("T26", XIULIN, "责令整改", D(2026, 11, 7), None),  # due the Saturday
    "D": ("T26", BIJIASHAN, "责令整改", SUNDAY, None),  # due on the as-of day
    "E": ("T26", HENGGOU, "责令整改", D(2026, 11, 2), SUNDAY),  # done on the as-of day
    "F": ("T26", HENGGOU, "责令整改", D(2026, 11, 2), D(2026, 11, 10)),  # done after it
    "G": ("T26", XIULIN, "警告", D(2026, 11, 1), None),  # not ordered to rectify
    "H": ("T26", BIJIASHAN, "责令整改", D(2026, 11, 20), None),  # due after both days
}
# Hand count: at the end of Sunday 11-08, A (2025), C and F; at the end of 11-15, A, C and D.
OVERDUE = {SUNDAY: {"A", "C", "F"}, TODAY: {"A", "C", "D"}}


def _seed_inspections(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(InspectionItem).values(
            code="I1", name="餐饮服务检查", department="市市场监督管理局", basis="食品安全法",
            scope="餐饮服务"))
        connection.execute(insert(InspectionObject), [
            {"code": f"9142108100000{code}", "name": f"对象{code}", "kind": "企业",
             "industry": "餐饮服务", "township_code": township, "risk_class": "B"}
            for code, (_task, township, *_rest) in RECTIFICATIONS.items()])
        connection.execute(insert(InspectionTask), [
            {"code": "T25", "name": "2025 抽查", "year": 2025,
             "lead_department": "市市场监督管理局", "departments": "市市场监督管理局",
             "is_joint": False, "item_code": "I1",
             "planned_start": D(2025, 5, 1), "planned_end": D(2025, 6, 30)},
            {"code": "T26", "name": "2026 抽查", "year": 2026,
             "lead_department": "市市场监督管理局", "departments": "市市场监督管理局",
             "is_joint": False, "item_code": "I1",
             "planned_start": D(2026, 9, 1), "planned_end": D(2026, 12, 31)}])
        rows = []
        for code, (task, township, disposal, due, done) in RECTIFICATIONS.items():
            inspected = D(2025, 6, 2) if task == "T25" else D(2026, 10, 12)
            rows.append({"task_code": task, "object_code": f"9142108100000{code}",
                         "township_code": township, "inspector_codes": "ZF1、ZF2",
                         "drawn_on": inspected - dt.timedelta(days=20), "inspected_on": inspected,
                         "result_code": "07", "disposal": disposal, "rectify_due": due,
                         "rectified_on": done, "publish_due": inspected + dt.timedelta(days=28),
                         "published_on": inspected + dt.timedelta(days=1)})
        connection.execute(insert(InspectionResult), rows)


def _case(serial: str, due: D, finished: dt.datetime | None, status: str) -> dict:
    accepted = dt.datetime.combine(due - dt.timedelta(days=10), dt.time(9))
    return {"serial_no": serial, "county_code": ancestor_code(XIULIN, "county"),
            "item_code": "S1", "division_code": XIULIN,
            "township_code": XIULIN, "hall_level": "township", "channel": "window",
            "applied_at": accepted, "accepted_at": accepted, "promised_limit_days": 5,
            "paused_days": 0, "due_date": due, "finished_at": finished,
            # as the importer derives it: not finished by the promised day
            "missed_due": not (finished is not None and finished.date() <= due),
            "status": status, "visits": 1, "fully_online": False}


# serial: counted in W45's flag (promised in the week, not finished by the promised day)?
CASES = {
    "C1": (_case("C1", D(2026, 11, 3), dt.datetime(2026, 11, 3, 15), "已办结"), False),
    "C2": (_case("C2", D(2026, 11, 3), dt.datetime(2026, 11, 4, 9), "已办结"), True),
    "C3": (_case("C3", SUNDAY, None, "办理中"), True),
    "C4": (_case("C4", D(2026, 11, 5), None, "不予受理"), False),
    "C5": (_case("C5", D(2026, 11, 5), None, "退件"), False),
    "C6": (_case("C6", D(2026, 11, 9), None, "办理中"), False),  # promised the Monday after
    "C7": (_case("C7", D(2026, 11, 1), None, "办理中"), False),  # the Sunday before
    "C8": (_case("C8", D(2026, 11, 6), dt.datetime(2026, 11, 12, 10), "已办结"), True),
}


def _seed_cases(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(ServiceItem).values(
            code="S1", name="医保参保登记", department="市医疗保障局", case_type="承诺件",
            legal_limit_days=10, promised_limit_days=5, required_visits=1, online_capable=True))
        connection.execute(insert(ServiceCase), [case for case, _counted in CASES.values()])


# village: its activity's start; active in November to Sunday 11-08?
ACTIVITIES = {
    "421081001001": (dt.datetime(2026, 11, 1, 9), True),  # the 1st of the month
    "421081001002": (dt.datetime(2026, 11, 8, 20), True),  # the Sunday evening
    "421081001003": (dt.datetime(2026, 10, 31, 9), False),  # the day before the month
    "421081001004": (dt.datetime(2026, 11, 9, 9), False),  # the Monday after
}


def _seed_activities(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(insert(VolunteerTeam).values(
            code="V1", name="绣林街道志愿服务支队", level="支队", category="综合",
            parent_code=None, township_code=XIULIN, village_code=None, members=30,
            founded_on=D(2020, 1, 1)))
        connection.execute(insert(VolunteerActivity), [
            {"code": f"A{village}", "team_code": "V1", "village_code": village,
             "township_code": XIULIN, "start_at": start, "end_at": start + dt.timedelta(hours=2),
             "volunteers": 5, "hours": 10.0, "beneficiaries": 20, "theme": "清洁家园"}
            for village, (start, _active) in ACTIVITIES.items()])


@pytest.fixture
def engine(tmp_path, monkeypatch) -> Iterator[Engine]:
    url = sqlite_url(tmp_path, "flags.sqlite3")
    engine = fresh_database(url)
    _seed_inspections(engine)
    _seed_cases(engine)
    _seed_activities(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    cache.clear()
    yield engine
    cache.clear()


def _context(engine: Engine, today: D = TODAY) -> AppContext:
    settings = dataclasses.replace(Settings.from_env(), database_url=str(engine.url),
                                   today=today)
    return AppContext(settings, engine)


def _find(component: object, class_name: str) -> dict:
    """The props of the first component with `class_name` in a tree of components."""
    if isinstance(component, list | tuple):
        for child in component:
            found = _find(child, class_name)
            if found:
                return found
        return {}
    if not hasattr(component, "to_plotly_json"):
        return {}
    props = component.to_plotly_json()["props"]
    if class_name in str(props.get("className", "")).split():
        return props
    return _find(props.get("children"), class_name)


def _stats(body: list) -> dict[str, str]:
    """data-stat -> the figure, of /inspections' flow panel."""
    found: dict[str, str] = {}

    def walk(component: object) -> None:
        if isinstance(component, list | tuple):
            for child in component:
                walk(child)
        elif hasattr(component, "to_plotly_json"):
            props = component.to_plotly_json()["props"]
            if "data-stat" in props:
                found[props["data-stat"]] = props["children"][1].children
            walk(props.get("children"))

    walk(body)
    return found


def _codes(frame: pd.DataFrame) -> set[str]:
    return {code[-1] for code in frame["object_code"]}


def test_overdue_rectifications_hand_counted(engine: Engine) -> None:
    for as_of, expected in OVERDUE.items():
        assert _codes(overdue_rectifications(engine, as_of)) == expected, as_of
    late = overdue_rectifications(engine, SUNDAY).set_index("object_code")
    # C: due Saturday 11-07, at Sunday: no working day since, one calendar day.
    # F: due Monday 11-02: Tuesday to Friday, 4 working days, 6 calendar days.
    days = ["working_days_late", "calendar_days_late"]
    assert late.loc["9142108100000C", days].tolist() == [0, 1]
    assert late.loc["9142108100000F", days].tolist() == [4, 6]

    report = weekly_report(engine, W45)  # as of its Sunday, 11-08
    flag = report.flag("overdue_rectifications")
    assert flag.count == 3 and flag.by_township() == {XIULIN: 2, HENGGOU: 1}
    details = {row.subject: (row.date, row.detail) for row in flag.rows}
    assert details["对象F（T26）"] == ("2026-11-02", "4 (6)")
    assert details["对象C（T26）"] == ("2026-11-07", "0 (1)")
    following = weekly_report(engine, W46).flag("overdue_rectifications")  # as of 11-15
    assert following.count == 3 and following.by_township() == {XIULIN: 2, BIJIASHAN: 1}


def test_the_worklist_and_inspections_count_the_flag_of_their_day(engine: Engine) -> None:
    context = _context(engine)
    for as_of, expected in OVERDUE.items():
        frame = worklist(open_rows(engine, as_of), as_of)
        late = frame[(frame["work"] == "rectify") & frame["late"]]
        assert {subject[-1] for subject in late["subject"]} == expected
        query = {} if as_of == TODAY else {"as_of": as_of.isoformat()}
        _title, _trail, body = worklist_page(context, "zh", query)
        summary = _find(body, "insp-summary")
        assert summary["data-as-of"] == as_of.isoformat()
        assert summary["data-overdue-rectifications"] == str(len(expected))
    # a township's share, as /weekly/<township> shows it
    _title, _trail, body = worklist_page(context, "zh", {"as_of": "2026-11-08",
                                                        "township": XIULIN})
    assert _find(body, "insp-summary")["data-overdue-rectifications"] == "2"
    # H is due within 5 working days of 11-15 (11-20): listed, not late
    frame = worklist(open_rows(engine, TODAY), TODAY)
    assert late_counts(frame) == {"rectify": 3, "publish": 0, "task": 0, "due_soon": 1,
                                  "waiting": 0}
    assert sum(late_counts(frame).values()) == len(frame)

    # /inspections (today): the flag over every year's draws, and apart, the year's share:
    # of 2026's draws C and D (A was drawn in 2025).
    _title, _trail, body = inspections_page(context, "zh", {"year": "2026"})
    stats = _stats(body)
    assert stats["overdue_rectifications"] == "3"
    assert stats["overdue"] == "2"
    assert counts(result_rows(engine, parse_period("2026")), TODAY).iloc[0]["overdue"] == 2
    _title, _trail, body = inspections_page(context, "zh", {"year": "2025"})
    assert _stats(body)["overdue_rectifications"] == "3" and _stats(body)["overdue"] == "1"


def test_new_overdue_cases_hand_counted(engine: Engine) -> None:
    expected = {serial for serial, (_case_row, counted) in CASES.items() if counted}
    assert set(new_overdue_cases(engine, W45)["serial_no"]) == expected == {"C2", "C3", "C8"}
    flag = weekly_report(engine, W45).flag("new_overdue_cases")
    assert flag.count == 3 and flag.by_township() == {XIULIN: 3}
    # W46 holds C6 (promised Monday 11-09, still open) only.
    assert set(new_overdue_cases(engine, W46)["serial_no"]) == {"C6"}


def test_inactive_villages_hand_counted(engine: Engine) -> None:
    flag = weekly_report(engine, W45).flag("inactive_villages")
    idle = {row.subject: row.date for row in flag.rows}
    assert "桥南居委会" not in idle and "解放路居委会" not in idle  # active 11-01 and 11-08
    assert idle["槐树堤居委会"] == "2026-10-31"  # last active the day before the month
    assert idle["车落岗居委会"] == ""  # active only after the Sunday: none by then
    stations = {row.township_code for row in flag.rows}
    assert XIULIN in stations and flag.count == len(flag.rows) > 100


# --- the demo database: every page's figure for every Sunday ---------------------------------


def test_every_page_counts_the_same_overdue_rectifications_on_the_demo(demo_engine) -> None:
    """For each Sunday of the last two months: the weekly report's flag, the worklist as of
    that day and /inspections with today = that day; and a township's share on both."""
    settings = dataclasses.replace(Settings.from_env(), database_url=str(demo_engine.url))
    week = parse_period("2026-W46")
    for _ in range(9):
        as_of = week.last_day
        flag = weekly_report(demo_engine, week).flag("overdue_rectifications")
        context = AppContext(dataclasses.replace(settings, today=as_of), demo_engine)
        _title, _trail, body = worklist_page(context, "zh", {})
        assert _find(body, "insp-summary")["data-overdue-rectifications"] == str(flag.count)
        _title, _trail, body = inspections_page(context, "zh", {"year": str(as_of.year)})
        assert _stats(body)["overdue_rectifications"] == str(flag.count)
        for township, share in flag.by_township().items():
            frame = worklist(open_rows(demo_engine, as_of).query("township_code == @township"),
                             as_of)
            assert late_counts(frame)["rectify"] == share, (as_of, township)
        week = week.previous()
    assert flag.count > 0
