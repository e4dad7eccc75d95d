"""Daily roll-ups that the period indicators read instead of every record.

`ServiceDaily` is rebuilt for the days an import touches (the days of the file's cases and the
days those cases had before), inside the import's transaction, so it can never disagree with
the cases it counts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, SQLColumnExpression, delete, func, select
from sqlalchemy.sql.elements import ColumnElement

from data_access.aggregates import count_where, day_of
from data_access.importing.bulk import upsert
from data_access.models import ServiceCase, ServiceDaily
from metrics.indicators import GOOD_RATING_FROM, HALF_DAY_HOURS
from metrics.vocabulary import AGENT_CHANNEL, BAD_RATING_MAX

KEYS = ["day", "division_code"]
SERIAL_CHUNK = 5_000


def _hours(connection: Connection, start: SQLColumnExpression[dt.datetime | None],
           end: SQLColumnExpression[dt.datetime | None]) -> ColumnElement[float | Decimal]:
    if connection.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24
    return func.extract("epoch", end - start) / 3600


def case_days_span(connection: Connection, frame: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last day that the file's cases touch, now or as they were stored before."""
    days = pd.concat([frame["accepted_at"], frame["finished_at"]]).dropna()
    if days.empty:
        return None
    first, last = days.min().date(), days.max().date()
    serials = frame["serial_no"].tolist()
    for start in range(0, len(serials), SERIAL_CHUNK):
        chunk = serials[start:start + SERIAL_CHUNK]
        low, high, high_finish = connection.execute(
            select(func.min(ServiceCase.accepted_at), func.max(ServiceCase.accepted_at),
                   func.max(ServiceCase.finished_at))
            .where(ServiceCase.serial_no.in_(chunk))).one()
        for value in (low, high, high_finish):
            if value is not None:
                day = pd.Timestamp(value).date()
                first, last = min(first, day), max(last, day)
    return first, last


def refresh_service_daily(connection: Connection, first: dt.date, last: dt.date) -> None:
    frame = service_daily_from_cases(connection, first, last)
    connection.execute(delete(ServiceDaily).where(ServiceDaily.day >= first,
                                                  ServiceDaily.day <= last))
    if not frame.empty:
        upsert(connection, ServiceDaily.__table__, frame, tuple(KEYS))


def service_daily_from_cases(connection: Connection, first: dt.date,
                             last: dt.date) -> pd.DataFrame:
    """The roll-up's rows for first..last as the cases make them (one computation: the import
    writes them, `rollups check` compares the stored ones with them)."""
    start = dt.datetime.combine(first, dt.time())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    group = [ServiceCase.division_code, ServiceCase.township_code, ServiceCase.hall_level]
    accepted_day = day_of(connection, ServiceCase.accepted_at).label("day")
    accepted = (select(accepted_day, *group, func.count().label("cases"),
                       count_where(ServiceCase.fully_online.is_(True)).label("fully_online"),
                       count_where(ServiceCase.channel == AGENT_CHANNEL).label("by_agent"))
                .where(ServiceCase.accepted_at >= start, ServiceCase.accepted_at < end)
                .group_by(accepted_day, *group))
    finished_day = day_of(connection, ServiceCase.finished_at).label("day")
    bad = ServiceCase.rating <= BAD_RATING_MAX
    instant = ServiceCase.promised_limit_days == 0
    finished_on = day_of(connection, ServiceCase.finished_at)
    finished = (select(
        finished_day, *group, func.count().label("finished"),
        count_where(finished_on <= ServiceCase.due_date).label("on_time"),
        count_where(finished_on > ServiceCase.due_date).label("late"),
        count_where(ServiceCase.visits <= 1).label("one_visit"),
        count_where(ServiceCase.rating.is_not(None)).label("rated"),
        count_where(ServiceCase.rating >= GOOD_RATING_FROM).label("rated_good"),
        count_where(bad).label("bad_reviews"),
        count_where(bad & ServiceCase.bad_review_fixed_at.is_not(None)).label("bad_fixed"),
        count_where(instant).label("instant"),
        count_where(instant & (_hours(connection, ServiceCase.accepted_at,
                                      ServiceCase.finished_at) <= HALF_DAY_HOURS))
        .label("instant_half_day"))
        .where(ServiceCase.finished_at >= start, ServiceCase.finished_at < end)
        .group_by(finished_day, *group))
    by_accepted = pd.read_sql(accepted, connection)
    by_finished = pd.read_sql(finished, connection)
    frame = by_accepted.merge(by_finished, how="outer",
                              on=[*KEYS, "township_code", "hall_level"])
    measures = [c for c in frame.columns if c not in (*KEYS, "township_code", "hall_level")]
    frame[measures] = frame[measures].fillna(0)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame
