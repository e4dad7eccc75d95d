"""The red flags defined once (metrics/red_flags.py) and used alike by the worklist, the
inspection counts and the wall: the as-of day's boundaries (`<` the deadline, rectified "on or
before"), time overdue in working days with calendar days beside, the worklist taken back to a
past day, and the wall's comparisons with each figure's own previous period."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from layouts.inspections import timing_text, worklist_summary
from layouts.wall import (
    change_line,
    compared_with,
    flag_detail,
    period_text,
    top_rows,
    township_ranking,
)
from metrics.indicators import INDICATORS
from metrics.inspections import counts, late_counts, rectification_state, state_as_of, worklist
from metrics.periods import parse_period
from metrics.red_flags import (
    FLAG_DEFINITIONS,
    days_late,
    flag_as_of,
    late_detail,
    overdue_rectification,
    parse_as_of,
    parse_late_detail,
)
from metrics.weekly import Card, Flag, FlagRow, Ranking

D = dt.date
SUNDAY = D(2026, 11, 8)  # the last day of 2026-W45


def _row(code: str, **values: object) -> dict:
    row = {"task_code": "T1", "task_name": "任务一", "lead_department": "市商务局",
           "departments": "市商务局", "is_joint": False, "planned_end": D(2026, 12, 31),
           "object_code": code, "object_name": f"对象{code}", "industry": "餐饮服务",
           "township_code": "421081001000", "township": "绣林街道", "inspector_codes": "A、B",
           "drawn_on": D(2026, 3, 2), "inspected_on": D(2026, 3, 10), "result_code": "07",
           "disposal": "责令整改", "rectify_due": None, "rectified_on": None,
           "publish_due": D(2026, 4, 8), "published_on": D(2026, 3, 11)}
    row.update(values)
    return row


# Hand-counted at the end of SUNDAY (2026-11-08): overdue are O1 (due the day before), O4
# (rectified only after the Sunday) and O6 (drawn in 2025: the flag is not a year's count).
ROWS = pd.DataFrame([
    _row("O1", rectify_due=D(2026, 11, 7)),
    _row("O2", rectify_due=SUNDAY),  # due on the as-of day: not late yet
    _row("O3", rectify_due=D(2026, 11, 2), rectified_on=SUNDAY),  # done on the day: done
    _row("O4", rectify_due=D(2026, 11, 2), rectified_on=D(2026, 11, 9)),
    _row("O5", rectify_due=D(2026, 11, 2), disposal="警告"),  # not ordered to rectify
    _row("O6", rectify_due=D(2025, 9, 26), drawn_on=D(2025, 8, 1), inspected_on=D(2025, 8, 20),
         publish_due=D(2025, 9, 17), published_on=D(2025, 8, 21)),
])


def test_overdue_rectification_boundaries_at_the_as_of_day() -> None:
    late = overdue_rectification(ROWS, SUNDAY)
    assert ROWS.loc[late, "object_code"].tolist() == ["O1", "O4", "O6"]
    # A day later O2's deadline has passed too; on the Monday O4 is done.
    assert ROWS.loc[overdue_rectification(ROWS, D(2026, 11, 9)), "object_code"].tolist() == [
        "O1", "O2", "O6"]
    assert rectification_state(ROWS, SUNDAY).tolist() == ["逾期", "整改中", "已整改", "逾期", "",
                                                          "逾期"]


def test_the_inspection_counts_and_the_worklist_use_the_same_test() -> None:
    for as_of in (D(2026, 11, 2), SUNDAY, D(2026, 11, 9), D(2026, 11, 30)):
        expected = int(overdue_rectification(ROWS, as_of).sum())
        assert counts(ROWS, as_of).iloc[0]["overdue"] == expected
        frame = worklist(ROWS, as_of)
        assert late_counts(frame)["rectify"] == expected, as_of
        late = frame[(frame["work"] == "rectify") & frame["late"]]
        assert set(late["subject"]) == set(ROWS.loc[overdue_rectification(ROWS, as_of),
                                                    "object_name"])


def test_time_overdue_in_working_days_with_calendar_days_beside() -> None:
    # 2025-09-26 (Fri) to 2025-10-13 (Mon): National Day 10-01..10-08 off, 09-28 (Sun) and
    # 10-11 (Sat) make-up working days: 7 working days, 17 calendar days.
    days = days_late(pd.Series([D(2025, 9, 26), D(2025, 10, 13), D(2025, 10, 20), None]),
                     D(2025, 10, 13))
    assert days["working_days_late"].tolist()[:3] == [7, 0, -5]
    assert days["calendar_days_late"].tolist()[:3] == [17, 0, -7]
    assert days.iloc[3].isna().all()
    assert late_detail(7, 17) == "7 (17)"
    assert parse_late_detail("7 (17)") == (7, 17)
    assert parse_late_detail("849") is None  # a report stored before working days
    zh = timing_text(True, -7, -17, "zh")
    assert zh == "逾期 7 个工作日（17 天）"
    assert timing_text(True, -7, -17, "en") == "7 working days late (17 days)"
    assert timing_text(False, 3, 5, "zh") == "剩余 3 个工作日（5 天）"
    assert timing_text(False, 0, 0, "zh") == "当日到期"


def test_the_worklist_goes_back_to_a_past_day() -> None:
    rows = pd.DataFrame([
        _row("R1", rectify_due=D(2026, 11, 2), rectified_on=D(2026, 11, 12)),
        # inspected after the as-of day: then not inspected yet, its task past its planned end
        _row("R2", task_code="T2", planned_end=D(2026, 11, 5), inspected_on=D(2026, 11, 10),
             rectify_due=D(2026, 11, 20), publish_due=D(2026, 12, 8), published_on=None),
        # published after the as-of day: waiting for publication then, and late
        _row("P1", disposal=None, result_code="01", inspected_on=D(2026, 10, 1),
             publish_due=D(2026, 11, 4), published_on=D(2026, 11, 10)),
        # drawn after the as-of day: not there yet
        _row("N1", drawn_on=D(2026, 11, 9), inspected_on=None, disposal=None, result_code=None,
             publish_due=None, published_on=None, planned_end=D(2026, 11, 1)),
    ])
    then = state_as_of(rows, SUNDAY)
    assert then["object_code"].tolist() == ["R1", "R2", "P1"]
    assert then.set_index("object_code").loc["R2", "disposal"] is None
    frame = worklist(rows, SUNDAY)
    assert frame[["work", "subject", "late"]].values.tolist() == [
        ["rectify", "对象R1", True], ["publish", "对象P1", True], ["task", "1 个对象未检查", True]]
    assert late_counts(frame) == {"rectify": 1, "publish": 1, "task": 1, "due_soon": 0,
                                  "waiting": 0}
    # The worklist's headline is the sum of its breakdown: each item in one count.
    assert sum(late_counts(frame).values()) == len(frame)
    # R1: due Monday 2026-11-02, at Sunday 11-08: 4 working days (Tue-Fri), 6 calendar days
    first = frame.iloc[0]
    assert (first["days_left"], first["calendar_days_left"]) == (-4, -6)
    summary = worklist_summary("zh", frame, SUNDAY)
    assert summary.to_plotly_json()["props"]["data-overdue-rectifications"] == "1"
    # A week later R1 is done and P1 published; N1 has been drawn (its task is behind) and R2
    # inspected, its rectification due soon and its result waiting for publication.
    now = worklist(rows, D(2026, 11, 16))
    assert now[["work", "subject", "late"]].values.tolist() == [
        ["task", "1 个对象未检查", True], ["rectify", "对象R2", False],
        ["publish", "对象R2", False]]


def test_as_of_day_and_definitions() -> None:
    today = D(2026, 11, 15)
    assert flag_as_of(parse_period("2026-W45")) == SUNDAY
    assert parse_as_of("2026-11-08", today) == SUNDAY
    assert parse_as_of("2026-12-01", today) == today  # not after today
    for bad in (None, "", "2026-13-01", "yesterday", "2026-11-8"):
        assert parse_as_of(bad, today) == today
    for kind in ("overdue_rectifications", "new_overdue_cases", "inactive_villages"):
        definition = FLAG_DEFINITIONS[kind]
        assert definition.definition("zh") and definition.definition("en")
        assert "统计日" in definition.as_of_rule("zh") or "周日" in definition.as_of_rule("zh")
    # the weekly flag is named apart from /services' 超期件
    assert "超期件" in FLAG_DEFINITIONS["new_overdue_cases"].definition("zh")


def _row_of(detail: str, date: str = "2026-01-01") -> FlagRow:
    return FlagRow("421081001000", "绣林街道", "x", date, detail)


def test_the_wall_prints_working_days_and_sorts_by_them() -> None:
    flag = Flag("overdue_rectifications", 3,
                (_row_of("12 (17)"), _row_of("575 (849)"), _row_of("40 (58)")))
    assert [r.detail for r in top_rows(flag, 2)] == ["575 (849)", "40 (58)"]
    assert flag_detail("overdue_rectifications", _row_of("575 (849)"), "zh") == \
        "逾期 575 个工作日（849 天）"
    assert flag_detail("overdue_rectifications", _row_of("12 (17)"), "en") == \
        "12 working days late (17 days)"
    assert flag_detail("overdue_rectifications", _row_of("849"), "zh") == "逾期 849 天"


def _ranking(indicator_id: str, period: str, previous: str, year_before: str) -> Ranking:
    return Ranking(indicator_id, period, previous, year_before, county=120_000.0,
                   county_previous=100_000.0, county_year_before=90_000.0, cards=())


@pytest.mark.parametrize(("ranking", "expected"), [
    # weekly figure: last week
    (_ranking("service_on_time_rate", "2026-W45", "2026-W44", "2025-W45"),
     (100_000.0, "2026-W44")),
    # year to date: the same span a year earlier (not the year to last Sunday, a week less)
    (_ranking("inspection_completion_rate", "2026-01-01~2026-11-08", "2026-01-01~2026-11-01",
              "2025-01-01~2025-11-08"), (90_000.0, "2025-01-01~2025-11-08")),
    # annual: last week's is the same report, so the year before
    (_ranking("collective_income_mean", "2025", "2025", "2024"), (90_000.0, "2024")),
    (_ranking("collective_income_mean", "2025", "2025", "2025"), None),
])
def test_the_wall_compares_each_figure_with_its_own_previous_period(
        ranking: Ranking, expected: tuple | None) -> None:
    assert compared_with(ranking) == expected


def test_the_wall_names_the_period_it_compares_with() -> None:
    income = INDICATORS["collective_income_mean"]
    line = change_line(income, 120_000.0, 90_000.0, "2024", "zh")
    assert line is not None and line.children == "较 2024 ↑ +3.00"
    rate = INDICATORS["inspection_completion_rate"]
    line = change_line(rate, 80.0, 81.5, "2025-01-01~2025-11-08", "en")
    assert line is not None and line.children == "vs 2025 to 2025-11-08 ↓ -1.5 pp"
    assert period_text("2026-01-01~2026-11-08", "zh") == "2026年初至 2026-11-08"
    assert period_text("2026-W44", "zh") == "2026-W44"
    assert change_line(rate, None, 81.5, "2026-W44", "zh") is None


def test_the_wall_moves_ranks_of_weekly_figures_only() -> None:
    cards = (Card("421081001000", "绣林街道", 90.0, 1, "green", previous_rank=3),
             Card("421081002000", "笔架山街道", 80.0, 2, "green", previous_rank=1))

    def moves(period: str, previous: str) -> list[str]:
        ranking = Ranking("service_on_time_rate", period, previous, "2025", 85.0, 84.0, 83.0,
                          cards)
        found: list[str] = []

        def walk(component: object) -> None:
            for child in getattr(component, "children", None) or []:
                if getattr(child, "className", "") == "wall-rank-move":
                    found.append(child.children)
                elif not isinstance(child, str):
                    walk(child)

        walk(township_ranking(ranking, "zh"))
        return found

    assert moves("2026-W45", "2026-W44") == ["↑2", "↓1"]
    assert moves("2025", "2025") == ["", ""]
    assert moves("2026-01-01~2026-11-08", "2026-01-01~2026-11-01") == ["", ""]
