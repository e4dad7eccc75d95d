"""Service-hall lists behind the figures: items, overdue cases, bad reviews, case rows."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, Select, func, or_, select

from data_access import access
from data_access.aggregates import (
    between,
    cases_known_until,
    dates_between,
    day_of,
    missed_due_before,
    open_at_end,
    open_counted_at,
    rows_under,
)
from data_access.cache import cached
from data_access.models import Division, ServiceCase, ServiceItem, ServiceItemDaily
from metrics.periods import Period

ROW_LIMIT = 5_000  # a list longer than this is for export, not for reading


def _case_columns() -> list:
    return [ServiceCase.serial_no, ServiceItem.name.label("item"),
            Division.name.label("hall"), ServiceCase.hall_level, ServiceCase.division_code,
            ServiceCase.township_code,
            ServiceCase.channel, ServiceCase.accepted_at, ServiceCase.due_date,
            ServiceCase.finished_at, ServiceCase.status, ServiceCase.visits,
            ServiceCase.fully_online, ServiceCase.rating]


def _with_names(query: Select) -> Select:
    return (query.join(ServiceItem, ServiceItem.code == ServiceCase.item_code)
            .join(Division, Division.code == ServiceCase.division_code))


def _read(engine: Engine, query: Select) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


@cached
def top_items(engine: Engine, period: Period, limit: int = 15) -> pd.DataFrame:
    """The items with most cases accepted in the period (`cases`), with the counts that
    `service_on_time_rate` takes, counted as the daily roll-up counts them: cases *finished* in
    the period (`finished`) and those finished by their promised date (`on_time`). Read from
    the items' daily roll-up, in one query."""
    daily = ServiceItemDaily
    cases = func.sum(daily.cases)
    # Only items with a case accepted in the period, as a list of them would have.
    top = (select(daily.item_code, cases.label("cases"),
                  func.sum(daily.finished).label("finished"),
                  func.sum(daily.on_time).label("on_time"))
           .where(dates_between(daily.day, period)).group_by(daily.item_code)
           .having(cases > 0).order_by(cases.desc(), daily.item_code).limit(limit).subquery())
    query = (select(ServiceItem.code, ServiceItem.name, ServiceItem.department, top.c.cases,
                    top.c.finished, top.c.on_time)
             .join(top, top.c.item_code == ServiceItem.code)
             .order_by(top.c.cases.desc(), ServiceItem.code))
    return _read(engine, query)


def _of_township(township_code: str | None) -> list:
    return [] if township_code is None else [ServiceCase.township_code == township_code]


def overdue_cases(engine: Engine, period: Period) -> pd.DataFrame:
    """Cases finished late in the period and cases still open past their date at its end (as
    of the data's last day in a period they do not reach the end of), of the townships the
    viewer may see listed."""
    return _overdue_cases(engine, period, access.row_township())


@cached
def _overdue_cases(engine: Engine, period: Period, township_code: str | None) -> pd.DataFrame:
    late = (between(ServiceCase.finished_at, period)
            & (day_of(engine, ServiceCase.finished_at) > ServiceCase.due_date))
    # Both kinds missed a date before the period's end: one range of the missed-due index
    # holds them, rather than a scan of it for each.
    end = open_counted_at(period, cases_known_until(engine))
    query = (_with_names(select(*_case_columns()))
             .where(missed_due_before(end), or_(late, open_at_end(end)),
                    *_of_township(township_code))
             .order_by(ServiceCase.due_date, ServiceCase.serial_no).limit(ROW_LIMIT))
    return _read(engine, query)


def bad_reviews(engine: Engine, period: Period) -> pd.DataFrame:
    """差评 (rating 1-2) of cases finished in the period, with the follow-up dates, of the
    townships the viewer may see listed."""
    return _bad_reviews(engine, period, access.row_township())


@cached
def _bad_reviews(engine: Engine, period: Period, township_code: str | None) -> pd.DataFrame:
    query = (_with_names(select(*_case_columns(), ServiceCase.bad_review_due,
                                ServiceCase.bad_review_fixed_at))
             .where(between(ServiceCase.finished_at, period), ServiceCase.is_bad_review,
                    *_of_township(township_code))
             .order_by(ServiceCase.bad_review_due, ServiceCase.serial_no).limit(ROW_LIMIT))
    return _read(engine, query)


def case_rows(engine: Engine, period: Period, code: str | None = None,
              hall_level: str | None = None) -> tuple[pd.DataFrame, int]:
    """Cases accepted in the period (of a township, or a county of the area, and/or a hall
    level) that the viewer may see: rows and the full count."""
    return _case_rows(engine, period, access.row_township(code), hall_level)


@cached
def _case_rows(engine: Engine, period: Period, code: str | None,
               hall_level: str | None) -> tuple[pd.DataFrame, int]:
    conditions = [between(ServiceCase.accepted_at, period)]
    if code:
        # A county's or prefecture's halls by their own codes: its city hall's included.
        conditions.append(rows_under(code, ServiceCase.township_code, ServiceCase.division_code))
    if hall_level:
        conditions.append(ServiceCase.hall_level == hall_level)
    query = (_with_names(select(*_case_columns())).where(*conditions)
             .order_by(ServiceCase.accepted_at, ServiceCase.serial_no).limit(ROW_LIMIT))
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(ServiceCase)
                                  .where(*conditions)) or 0
    return _read(engine, query), int(total)
