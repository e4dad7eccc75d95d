"""Inspection metrics (metrics/inspections.py): counts behind the rates, the publication date
(20 working days with China's holidays and 调休, computed once when results are imported),
rectification states, the worklist's order and filters."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access.importing.derive import add_working_days
from metrics.indicators import DISCLOSURE_WORKING_DAYS, INDICATORS
from metrics.inspections import (
    counts,
    filter_rows,
    joint_task_share,
    late_counts,
    rectification_state,
    result_counts,
    task_summary,
    working_days_left,
    worklist,
)

D = dt.date
TODAY = D(2026, 11, 16)  # a Monday


def publish_due(inspected_on: pd.Series) -> pd.Series:
    """The publication date as the import stores it (data_access/importing), as dates."""
    days = pd.Series(DISCLOSURE_WORKING_DAYS, index=inspected_on.index)
    due = add_working_days(pd.to_datetime(inspected_on), days)
    return due.dt.date.where(due.notna(), None)


def _row(**values: object) -> dict:
    row = {"task_code": "T1", "task_name": "任务一", "lead_department": "市商务局",
           "departments": "市商务局", "is_joint": False, "planned_end": D(2026, 12, 31),
           "object_code": "O1", "object_name": "对象一", "industry": "餐饮服务",
           "township_code": "421081001000", "township": "绣林街道", "inspector_codes": "A、B",
           "drawn_on": D(2026, 3, 2), "inspected_on": None, "result_code": None,
           "disposal": None, "rectify_due": None, "rectified_on": None, "publish_due": None,
           "published_on": None}
    row.update(values)
    if row["inspected_on"] is not None and "publish_due" not in values:
        row["publish_due"] = publish_due(pd.Series([row["inspected_on"]])).iloc[0]
    return row


def _frame(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows))


def test_twenty_working_days_skip_national_day_and_count_its_make_up_days() -> None:
    # 2024: 9-29 (Sunday) and 10-12 (Saturday) are make-up working days, 10-01..10-07 off.
    due = publish_due(pd.Series([D(2024, 9, 20), None, D(2026, 11, 2)]))
    assert due.iloc[0] == D(2024, 10, 23)
    assert due.iloc[1] is None
    assert due.iloc[2] == D(2026, 11, 30)  # no holiday: four calendar weeks


def test_twenty_working_days_over_spring_festival() -> None:
    # 2025: 01-26 (Sunday) and 02-08 (Saturday) worked; 01-28..02-04 off. After Monday 01-20:
    # 01-21..01-24 (4), 01-26 (5), 01-27 (6), 02-05..02-07 (9), 02-08 (10), 02-10..02-14
    # (15), 02-17..02-21 (20).
    assert publish_due(pd.Series([D(2025, 1, 20)])).iloc[0] == D(2025, 2, 21)


def test_working_days_left_is_negative_when_late() -> None:
    left = working_days_left(pd.Series([D(2026, 11, 16), D(2026, 11, 20), D(2026, 11, 13),
                                        None]), TODAY)
    assert left.iloc[:3].tolist() == [0, 4, -1]
    assert pd.isna(left.iloc[3])
    # over 调休: from 2024-09-27 to 2024-10-08 there are 3 working days (9-29, 9-30, 10-8)
    assert working_days_left(pd.Series([D(2024, 10, 8)]), D(2024, 9, 27)).iloc[0] == 3


def test_counts_and_rates() -> None:
    rows = _frame(
        _row(object_code="1", inspected_on=D(2026, 3, 10), result_code="01",
             published_on=D(2026, 3, 20)),
        _row(object_code="2", inspected_on=D(2026, 3, 10), result_code="02",
             disposal="日常监管", published_on=D(2026, 4, 30)),  # late: due 04-08
        _row(object_code="3", inspected_on=D(2026, 3, 10), result_code="06",
             disposal="责令整改", rectify_due=D(2026, 3, 31), rectified_on=D(2026, 3, 25)),
        _row(object_code="4", inspected_on=D(2026, 10, 1 + 20), result_code="07",
             disposal="责令整改", rectify_due=D(2026, 11, 6), is_joint=True),  # overdue
        _row(object_code="5", is_joint=True),
    )
    total = counts(rows, TODAY).iloc[0]
    assert total[["drawn", "inspected", "published", "with_problem", "ordered", "rectified",
                  "overdue", "published_on_time", "joint"]].tolist() == [5, 4, 2, 3, 2, 1, 1,
                                                                         1, 2]
    assert total["inspection_completion_rate"] == 40.0
    assert total["inspection_problem_rate"] == 75.0
    assert total["inspection_rectification_rate"] == 50.0
    assert total["inspection_disclosure_on_time_rate"] == 50.0
    assert total["inspection_joint_share"] == 40.0
    # the page's rates are the indicators' own functions over the same counts
    assert INDICATORS["inspection_joint_share"].compute(counts(rows, TODAY)).iloc[0] == 40.0


def test_on_time_is_against_the_stored_publication_date() -> None:
    # The pages read publish_due as imported, like the SQL behind the indicators: a stored
    # date that differs from a recomputed one is the one that counts.
    rows = _frame(_row(object_code="1", inspected_on=D(2026, 3, 10),
                       publish_due=D(2026, 3, 11), published_on=D(2026, 3, 20)),
                  _row(object_code="2", inspected_on=D(2026, 11, 2),
                       publish_due=D(2026, 11, 20)))
    assert counts(rows, TODAY).iloc[0]["published_on_time"] == 0
    assert worklist(rows, TODAY)["due"].tolist() == [D(2026, 11, 20)]


def test_counts_by_group_and_rates_without_a_base() -> None:
    rows = _frame(_row(object_code="1", township_code="a"),
                  _row(object_code="2", township_code="b", inspected_on=D(2026, 3, 4),
                       result_code="04"))
    grouped = counts(rows, TODAY, "township_code")
    assert grouped.loc["a", "drawn"] == 1 and pd.isna(grouped.loc["a", "inspection_problem_rate"])
    assert grouped.loc["b", "inspection_problem_rate"] == 100.0


def test_overdue_means_open_past_the_due_date_as_of_today() -> None:
    rows = _frame(_row(object_code="1", disposal="责令整改", rectify_due=D(2026, 11, 16)),
                  _row(object_code="2", disposal="责令整改", rectify_due=D(2026, 11, 13)),
                  _row(object_code="3", disposal="责令整改", rectify_due=D(2026, 11, 13),
                       rectified_on=D(2026, 11, 14)))
    assert counts(rows, TODAY).iloc[0]["overdue"] == 1
    assert rectification_state(rows, TODAY).tolist() == ["整改中", "逾期", "已整改"]
    assert rectification_state(_frame(_row()), TODAY).tolist() == [""]


def test_joint_task_share_and_result_counts() -> None:
    tasks = pd.DataFrame({"is_joint": [True, False, False, True, False]})
    assert joint_task_share(tasks) == 40.0
    assert joint_task_share(tasks.iloc[:0]) is None
    rows = _frame(_row(result_code="02"), _row(result_code="01"), _row(result_code="02"),
                  _row())
    table = result_counts(rows, {"01": "未发现问题", "02": "未公示", "03": "弄虚作假"})
    assert table.to_dict("list") == {"code": ["01", "02"], "name": ["未发现问题", "未公示"],
                                     "count": [1, 2]}


def test_task_summary_lists_tasks_without_results() -> None:
    tasks = pd.DataFrame({"code": ["T1", "T2"], "name": ["一", "二"], "is_joint": [False, True]})
    rows = _frame(_row(inspected_on=D(2026, 3, 3), result_code="02"),
                  _row(object_code="O2", inspected_on=D(2026, 3, 3), result_code="01"))
    summary = task_summary(tasks, rows, TODAY).set_index("code")
    assert summary.loc["T1", ["drawn", "inspected", "with_problem"]].tolist() == [2, 2, 1]
    assert summary.loc["T1", "problem_rate"] == 50.0
    assert summary.loc["T2", "drawn"] == 0 and pd.isna(summary.loc["T2", "problem_rate"])


def test_worklist_puts_the_most_urgent_first() -> None:
    rows = _frame(
        # rectification due in 3 working days: listed
        _row(object_code="R1", object_name="整改将到期", inspected_on=D(2026, 11, 2),
             result_code="07", disposal="责令整改", rectify_due=D(2026, 11, 19),
             published_on=D(2026, 11, 3)),
        # rectification due in 10 working days: not yet listed
        _row(object_code="R2", inspected_on=D(2026, 11, 2), result_code="07",
             disposal="责令整改", rectify_due=D(2026, 11, 30), published_on=D(2026, 11, 3)),
        # rectification 10 working days late
        _row(object_code="R3", object_name="整改逾期", inspected_on=D(2026, 9, 1),
             result_code="07", disposal="责令整改", rectify_due=D(2026, 11, 2),
             published_on=D(2026, 9, 2)),
        # inspected 11-02, not published: due 11-30, 10 working days left
        _row(object_code="P1", object_name="待公示", inspected_on=D(2026, 11, 2),
             result_code="01"),
        # a task past its planned end with two objects not inspected
        _row(task_code="T9", task_name="滞后任务", object_code="U1",
             planned_end=D(2026, 11, 11), township="东升镇"),
        _row(task_code="T9", task_name="滞后任务", object_code="U2",
             planned_end=D(2026, 11, 11), township="调关镇"),
    )
    frame = worklist(rows, TODAY)
    assert frame["subject"].tolist() == ["整改逾期", "2 个对象未检查", "整改将到期", "待公示"]
    assert frame["days_left"].tolist() == [-10, -3, 3, 10]
    assert frame["kind"].tolist() == ["整改", "任务滞后", "整改", "待公示"]
    assert frame.loc[1, "township"] == "东升镇、调关镇"
    assert frame.loc[3, "due"] == D(2026, 11, 30)
    # The headline (4 open items) is the sum of its breakdown: P1 is waiting, in time.
    assert late_counts(frame) == {"rectify": 1, "publish": 0, "task": 1, "due_soon": 1,
                                  "waiting": 1}
    english = worklist(rows, TODAY, "en")
    assert english["kind"].tolist()[:2] == ["rectification", "task behind schedule"]
    assert english.loc[1, "subject"] == "2 objects not inspected"


def test_worklist_of_nothing_is_empty() -> None:
    frame = worklist(_frame(_row(inspected_on=D(2026, 3, 3), result_code="01",
                                 published_on=D(2026, 3, 4))), TODAY)
    assert frame.empty and "days_left" in frame


@pytest.mark.parametrize(("department", "township", "expected"), [
    (None, None, ["1", "2", "3"]),
    ("市商务局", None, ["1", "2"]),  # the joint task counts for each of its departments
    ("市应急管理局", None, ["2"]),
    (None, "b", ["2", "3"]),
    ("市商务局", "b", ["2"]),
])
def test_filters_by_department_and_township(department: str | None, township: str | None,
                                            expected: list[str]) -> None:
    rows = _frame(_row(object_code="1", township_code="a"),
                  _row(object_code="2", township_code="b", departments="市商务局、市应急管理局"),
                  _row(object_code="3", township_code="b", departments="市卫生健康局"))
    assert filter_rows(rows, department, township)["object_code"].tolist() == expected
