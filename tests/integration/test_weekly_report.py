"""The weekly report on the demo database: rank cards agree with the indicator module, red
flags with the rows, and a stored export is what next week's report compares with."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import delete, select, update

from callbacks.context import AppContext
from dashboard.config import Settings
from data_access import cache
from data_access.db import get_engine
from data_access.indicator_values import indicator_by_division
from data_access.meeting_copy import MarkRefused, mark_history, mark_meeting_copy, meeting_copy
from data_access.models import MeetingCopy, ReportExport, ServiceCase, ServiceDaily
from data_access.weekly import latest_income_year, store_export
from data_access.weekly_report import weekly_report
from metrics.indicators import INDICATORS
from metrics.periods import parse_period
from metrics.ranking import rank
from metrics.weekly import WEEKLY_INDICATORS, report_periods

WEEK = parse_period("2026-W45")
TODAY = dt.date(2026, 11, 15)


def _context(url: str) -> AppContext:
    settings = Settings.from_env(database_url=url, today=TODAY)
    return AppContext(settings, get_engine(url))


@pytest.fixture(scope="module")
def report(demo_database_url):
    return weekly_report(_context(demo_database_url).engine, WEEK)


def test_every_card_is_the_indicator_modules_figure(report, demo_engine) -> None:
    assert [r.indicator_id for r in report.rankings] == list(WEEKLY_INDICATORS)
    income_year = latest_income_year(demo_engine, WEEK.last_day)
    assert income_year == 2025
    for ranking in report.rankings:
        domain = INDICATORS[ranking.indicator_id].domain
        current = report_periods(domain, WEEK, income_year)[0]
        assert current.label == ranking.period
        values = indicator_by_division(demo_engine, ranking.indicator_id, current, "township")
        ranks = rank(values, ranking.indicator_id)
        assert len(ranking.cards) == 15
        for card in ranking.cards:
            expected = values[card.code]
            if pd.isna(expected):
                assert card.value is None and card.rank is None
            else:
                assert card.value == pytest.approx(float(expected))
                assert card.rank == int(ranks[card.code])


def test_new_overdue_cases_are_the_cases_due_that_week_and_not_finished_by_then(
        report, demo_engine) -> None:
    with demo_engine.connect() as connection:
        cases = pd.read_sql(select(ServiceCase.serial_no, ServiceCase.due_date,
                                   ServiceCase.finished_at, ServiceCase.status)
                            .where(ServiceCase.due_date >= WEEK.start,
                                   ServiceCase.due_date < WEEK.end), connection)
    due = pd.to_datetime(cases["due_date"])
    finished = pd.to_datetime(cases["finished_at"]).dt.normalize()
    # Finished after the promised day, or still being handled; refused (不予受理) and returned
    # (退件) cases are closed without being handled, not overdue (metrics/red_flags.py).
    late = cases[(finished.isna() & cases["status"].eq("办理中")) | (finished > due)]
    assert cases[finished.isna() & ~cases["status"].eq("办理中")].shape[0] > 0  # left out
    flag = report.flag("new_overdue_cases")
    assert flag.count == len(late) > 0
    assert {r.subject.rsplit("（", 1)[1].rstrip("）") for r in flag.rows} == set(late["serial_no"])


def test_the_red_flags_have_rows_and_townships(report) -> None:
    for flag in report.flags:
        assert flag.count == len(flag.rows)
        assert all(row.township for row in flag.rows)
    assert report.flag("fell_below_50k").count >= 1  # the demo's calibrated fallers


def test_next_week_compares_with_what_was_presented(demo_copy) -> None:
    context = _context(demo_copy("weekly"))
    with context.engine.begin() as connection:  # exports other tests made in the shared database
        connection.execute(delete(MeetingCopy))
        connection.execute(delete(ReportExport))
    presented = weekly_report(context.engine, WEEK)
    export_id = store_export(context.engine, "weekly", WEEK.label, None, "zh",
                             {"report": presented.to_json(), "bulletin": ""},
                             dt.datetime(2026, 11, 10, 9, 0))
    # An export alone is not the baseline: last week is recomputed, and the report says so.
    assert weekly_report(context.engine, parse_period("2026-W46")).compared_with == ""
    assert mark_meeting_copy(context.engine, export_id, "", dt.datetime(2026, 11, 10, 9, 30)) \
        == WEEK.label
    assert meeting_copy(context.engine, WEEK.label)["id"] == export_id
    # A later export does not replace the meeting copy; re-marking needs a reason, and is kept.
    later = store_export(context.engine, "weekly", WEEK.label, None, "zh",
                         {"report": presented.to_json(), "bulletin": ""},
                         dt.datetime(2026, 11, 17, 9, 0))
    assert meeting_copy(context.engine, WEEK.label)["id"] == export_id
    with pytest.raises(MarkRefused, match="原因"):
        mark_meeting_copy(context.engine, later, " ", dt.datetime(2026, 11, 17, 9, 5))
    mark_meeting_copy(context.engine, later, "会上改用修订版", dt.datetime(2026, 11, 17, 9, 5))
    assert meeting_copy(context.engine, WEEK.label)["id"] == later
    assert mark_history(context.engine, WEEK.label)["reason"].tolist() == ["会上改用修订版", ""]
    mark_meeting_copy(context.engine, export_id, "恢复原会议材料", dt.datetime(2026, 11, 17, 9, 6))

    following = weekly_report(context.engine, parse_period("2026-W46"))
    assert following.compared_with == f"#{export_id} 2026-11-10 09:00"
    assert following.corrections == ()
    shown = presented.ranking("service_on_time_rate")
    now = following.ranking("service_on_time_rate")
    for card in now.cards:
        assert card.previous == shown.card(card.code).value
        assert card.previous_rank == shown.card(card.code).rank

    # Data corrected after the meeting: the report says which indicators changed since.
    with context.engine.begin() as connection:
        connection.execute(update(ServiceDaily)
                           .where(ServiceDaily.day >= WEEK.start, ServiceDaily.day < WEEK.end)
                           .values(on_time=0))
    cache.clear()
    corrected = weekly_report(context.engine, parse_period("2026-W46"))
    assert "service_on_time_rate" in corrected.corrections
    # ...while last week's figures stay those presented.
    assert corrected.ranking("service_on_time_rate").county_previous == shown.county
    cache.clear()
