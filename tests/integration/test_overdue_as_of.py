"""Cases open past due are counted at a period's end, and in a period the data do not reach the
end of (this month, quarter or year) as of the data's last day: a case due after it is not
overdue yet. The demo's cases reach 2026-11-15; November and the fourth quarter run on."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data_access import cache
from data_access.aggregates import aggregate, aggregate_over, cases_known_until
from data_access.models import ServiceCase
from data_access.runs import Run
from data_access.services import overdue_cases
from metrics.periods import parse_period
from metrics.vocabulary import OPEN_STATUS

pytestmark = pytest.mark.both_backends


def _open_past_due_at(engine, at: dt.date) -> int:
    """Counted here from the cases, as the definition reads: missed their date, which fell
    before `at`, and not finished by then."""
    moment = dt.datetime.combine(at, dt.time())
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(ServiceCase).where(
            ServiceCase.missed_due.is_(True), ServiceCase.due_date < at,
            ((ServiceCase.finished_at.is_(None) & (ServiceCase.status == OPEN_STATUS))
             | (ServiceCase.finished_at >= moment))))


def test_a_running_period_counts_its_open_cases_as_of_the_data(demo_engine) -> None:
    cache.clear()
    until = cases_known_until(demo_engine)
    assert until == dt.date(2026, 11, 16)
    for label in ("2026-11", "2026-Q4", "2026"):
        counted = aggregate(demo_engine, "services", parse_period(label), "county")
        assert counted["open_overdue"].iloc[0] == _open_past_due_at(demo_engine, until), label
    # A period that is over is counted at its end, as before.
    october = aggregate(demo_engine, "services", parse_period("2026-10"), "county")
    assert october["open_overdue"].iloc[0] == _open_past_due_at(demo_engine, dt.date(2026, 11, 1))
    # In a trend the months still to come count as of the data too, never more.
    run = Run(tuple(parse_period(f"2026-{month:02d}") for month in range(9, 13)))
    trend = aggregate_over(demo_engine, "services", run, "county")["open_overdue"]
    assert trend.tolist() == [_open_past_due_at(demo_engine, day) for day in (
        dt.date(2026, 10, 1), dt.date(2026, 11, 1), until, until)]


def test_the_overdue_list_holds_no_case_due_after_the_data(demo_engine) -> None:
    cache.clear()
    listed = overdue_cases(demo_engine, parse_period("2026-11"))
    assert len(listed) > 0
    due = listed["due_date"].map(lambda value: dt.date.fromisoformat(str(value)[:10]))
    assert due.max() < cases_known_until(demo_engine)
