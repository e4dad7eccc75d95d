"""What the data cover: per domain, the first and last day its records reach, read in SQL
(MIN and MAX of the domain's event dates), so a page can tell a complete period from one the
data only partly cover (metrics.periods.covers).

- services: the days of the daily roll-up (cases accepted or finished that day);
- volunteers: the days activities started;
- inspections: tasks are planned for a calendar year (and drawn from spring on), so the data
  begin on 1 January of the first year with tasks, and reach the last day anything was drawn,
  inspected, rectified or published;
- income (collective economy): reported, not recorded daily. A year is covered from its annual
  report (quarter 0), a quarter from its quarterly report (cumulative to the quarter's end):
  "year" spans the years with annual reports, "quarter" the quarters with quarterly ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import Connection, Engine, func, select

from data_access.cache import cached
from data_access.models import (
    CollectiveIncome,
    InspectionResult,
    InspectionTask,
    ServiceDaily,
    VolunteerActivity,
)
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import DomainId
from metrics.periods import Coverage, PeriodKind, Span, parse_period

_COVERAGE: dict[DomainId, Callable[[Connection], Coverage]] = {}


def domain_coverage(domain: DomainId) -> Callable[[Callable[[Connection], Coverage]],
                                                  Callable[[Connection], Coverage]]:
    """Registers the function as the domain's coverage query."""
    def register(function: Callable[[Connection], Coverage]) -> Callable[[Connection], Coverage]:
        _COVERAGE[domain] = function
        return function
    return register


def has_coverage(domain: DomainId) -> bool:
    return domain in _COVERAGE


def _day(value: dt.date | dt.datetime | str | None) -> dt.date | None:
    """A MIN/MAX result as a date (SQLite hands back text for some expressions)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _kinds(domain: DomainId) -> tuple[PeriodKind, ...]:
    return DOMAIN_BY_ID[domain].period_kinds


@domain_coverage("services")
def _services(connection: Connection) -> Coverage:
    first, last = connection.execute(select(func.min(ServiceDaily.day),
                                            func.max(ServiceDaily.day))).one()
    return Coverage.of_days(_day(first), _day(last), _kinds("services"))


@domain_coverage("volunteers")
def _volunteers(connection: Connection) -> Coverage:
    first, last = connection.execute(select(func.min(VolunteerActivity.start_at),
                                            func.max(VolunteerActivity.start_at))).one()
    return Coverage.of_days(_day(first), _day(last), _kinds("volunteers"))


@domain_coverage("inspections")
def _inspections(connection: Connection) -> Coverage:
    first_year = connection.scalar(select(func.min(InspectionTask.year)))
    lasts = connection.execute(select(
        func.max(InspectionResult.drawn_on), func.max(InspectionResult.inspected_on),
        func.max(InspectionResult.rectified_on), func.max(InspectionResult.published_on))).one()
    days = [day for day in (_day(value) for value in lasts) if day is not None]
    first = dt.date(int(first_year), 1, 1) if first_year is not None else None
    return Coverage.of_days(first, max(days) if days else None, _kinds("inspections"))


@domain_coverage("income")
def _income(connection: Connection) -> Coverage:
    annual = CollectiveIncome.quarter == 0
    years = connection.execute(select(func.min(CollectiveIncome.year),
                                      func.max(CollectiveIncome.year)).where(annual)).one()
    quarter_key = CollectiveIncome.year * 10 + CollectiveIncome.quarter
    quarters = connection.execute(select(func.min(quarter_key), func.max(quarter_key))
                                  .where(CollectiveIncome.quarter > 0)).one()
    spans: list[tuple[PeriodKind, Span]] = []
    if years[0] is not None:
        spans.append(("year", (dt.date(int(years[0]), 1, 1), dt.date(int(years[1]), 12, 31))))
    if quarters[0] is not None:
        first, last = (parse_period(f"{int(key) // 10}-Q{int(key) % 10}") for key in quarters)
        spans.append(("quarter", (first.start, last.last_day)))
    return Coverage(tuple((kind, span) for kind, span in spans
                          if kind in _kinds("income")))


@cached
def coverage(engine: Engine) -> dict[DomainId, Coverage]:
    """Every declared domain's coverage; a domain without a coverage query, or without data,
    covers nothing (its comparisons are never shown as plain changes)."""
    with engine.connect() as connection:
        return {domain: _COVERAGE[domain](connection) if domain in _COVERAGE else Coverage()
                for domain in DOMAIN_BY_ID}
