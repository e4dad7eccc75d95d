"""Daily roll-ups that the period indicators read instead of every record.

`ServiceDaily` (per hall) and `ServiceItemDaily` (per item) are rebuilt together for the days an
import touches (the days of the file's cases and the days those cases had before), inside the
import's transaction, so they can never disagree with the cases they count.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from sqlalchemy import (
    ARRAY,
    Connection,
    SQLColumnExpression,
    String,
    Table,
    bindparam,
    delete,
    func,
    select,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from data_access.aggregates import count_where, day_of
from data_access.importing.bulk import upsert
from data_access.importing.spec import RollupSpan
from data_access.models import ServiceCase, ServiceDaily, ServiceItemDaily
from metrics.indicators import GOOD_RATING_FROM, HALF_DAY_HOURS
from metrics.vocabulary import AGENT_CHANNEL

# The lowest and highest division code of a part of the halls' roll-up.
CodeRange = tuple[str, str]
KEYS = ["day", "division_code"]
CASE_ROLLUP_TABLES = (ServiceDaily.__tablename__, ServiceItemDaily.__tablename__)
ITEM_KEYS = ["day", "item_code"]
SERIAL_CHUNK = 5_000


def _hours(connection: Connection, start: SQLColumnExpression[dt.datetime | None],
           end: SQLColumnExpression[dt.datetime | None]) -> ColumnElement[float | Decimal]:
    if connection.dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24
    return func.extract("epoch", end - start) / 3600


def case_days_span(connection: Connection, frame: pd.DataFrame) -> RollupSpan | None:
    """First and last day that the file's cases touch, now or as they were stored before, and
    the range of their halls' division codes (every division's when the rows name none)."""
    days = pd.concat([frame["accepted_at"], frame["finished_at"]]).dropna()
    if days.empty:
        return None
    first, last = days.min().date(), days.max().date()
    codes = (set(frame["division_code"].dropna()) if "division_code" in frame.columns
             else None)
    serials = frame["serial_no"].tolist()
    # PostgreSQL takes a chunk as one array parameter; SQLite as a list of parameters, which it
    # limits.
    on_postgres = connection.dialect.name == "postgresql"
    size = SERIAL_CHUNK * 10 if on_postgres else SERIAL_CHUNK
    stored = select(func.min(ServiceCase.accepted_at), func.max(ServiceCase.accepted_at),
                    func.max(ServiceCase.finished_at), func.min(ServiceCase.division_code),
                    func.max(ServiceCase.division_code))
    for start in range(0, len(serials), size):
        chunk = serials[start:start + size]
        if on_postgres:
            # Joined to the array's rows, each serial is one look-up in the primary key. With
            # `serial_no = ANY(array)` PostgreSQL answers min() and max() by walking the
            # accepted_at index and testing each case against the array: a chunk of new
            # cases then reads the whole index (19 s a chunk at ten counties, against 0.1 s).
            given = func.unnest(bindparam("serials", chunk, type_=ARRAY(String))
                                ).table_valued("serial_no").render_derived("given")
            query = stored.select_from(given.join(
                ServiceCase, ServiceCase.serial_no == given.c.serial_no))
        else:
            query = stored.where(ServiceCase.serial_no.in_(chunk))
        low, high, high_finish, low_code, high_code = connection.execute(query).one()
        for value in (low, high, high_finish):
            if value is not None:
                day = pd.Timestamp(value).date()
                first, last = min(first, day), max(last, day)
        if codes is not None and low_code is not None:
            codes |= {low_code, high_code}
    if not codes:
        return RollupSpan(first, last)
    return RollupSpan(first, last, min(codes), max(codes))


def refresh_case_rollups(connection: Connection, span: RollupSpan) -> None:
    """Every roll-up of the service cases, for the span's days (an import, an undo or a
    holiday calendar that moved due dates): the halls' of its division codes alone, the
    items' of every division (an item's row counts all of them)."""
    refresh_service_daily(connection, span.first, span.last, _code_range(span))
    refresh_service_item_daily(connection, span.first, span.last)


def _code_range(span: RollupSpan) -> CodeRange | None:
    if span.low_code is None or span.high_code is None:
        return None
    return span.low_code, span.high_code


def refresh_service_daily(connection: Connection, first: dt.date, last: dt.date,
                          codes: CodeRange | None = None) -> None:
    """The halls' roll-up for first..last, of the divisions low..high of `codes` (None: all)."""
    table = ServiceDaily.__table__
    _replace_days(connection, table, KEYS,
                  service_daily_from_cases(connection, first, last, codes), first, last,
                  [] if codes is None else [table.c.division_code.between(*codes)])


def refresh_service_item_daily(connection: Connection, first: dt.date, last: dt.date) -> None:
    _replace_days(connection, ServiceItemDaily.__table__, ITEM_KEYS,
                  service_item_daily_from_cases(connection, first, last), first, last)


def _replace_days(connection: Connection, table: Table, keys: list[str], frame: pd.DataFrame,
                  first: dt.date, last: dt.date,
                  within: list[ColumnElement[bool]] | None = None) -> None:
    # Deleted first: a day whose cases all moved away has no row left to overwrite.
    connection.execute(delete(table).where(table.c.day >= first, table.c.day <= last,
                                           *(within or [])))
    if not frame.empty:
        upsert(connection, table, frame, tuple(keys))


def _on_time(connection: Connection) -> ColumnElement[int]:
    """Cases finished by their promised date: service_on_time_rate's count, per hall and per
    item alike."""
    return count_where(day_of(connection, ServiceCase.finished_at) <= ServiceCase.due_date)


def service_daily_from_cases(connection: Connection, first: dt.date, last: dt.date,
                             codes: CodeRange | None = None) -> pd.DataFrame:
    """The roll-up's rows for first..last (of the halls whose division codes are in `codes`)
    as the cases make them (one computation: the import writes them, `rollups check` compares
    the stored ones with them)."""
    bad = ServiceCase.is_bad_review.expression
    instant = ServiceCase.promised_limit_days == 0
    finished_on = day_of(connection, ServiceCase.finished_at)
    return _cases_by_day(
        connection, first, last,
        [ServiceCase.division_code, ServiceCase.township_code, ServiceCase.hall_level],
        [] if codes is None else [ServiceCase.division_code.between(*codes)],
        accepted=[func.count().label("cases"),
                  count_where(ServiceCase.fully_online.is_(True)).label("fully_online"),
                  count_where(ServiceCase.channel == AGENT_CHANNEL).label("by_agent")],
        finished=[
            func.count().label("finished"),
            _on_time(connection).label("on_time"),
            count_where(finished_on > ServiceCase.due_date).label("late"),
            count_where(ServiceCase.visits <= 1).label("one_visit"),
            count_where(ServiceCase.rating.is_not(None)).label("rated"),
            count_where(ServiceCase.rating >= GOOD_RATING_FROM).label("rated_good"),
            count_where(bad).label("bad_reviews"),
            count_where(bad & ServiceCase.bad_review_fixed_at.is_not(None)).label("bad_fixed"),
            count_where(instant).label("instant"),
            count_where(instant & (_hours(connection, ServiceCase.accepted_at,
                                          ServiceCase.finished_at) <= HALF_DAY_HOURS))
            .label("instant_half_day")])


def service_item_daily_from_cases(connection: Connection, first: dt.date,
                                  last: dt.date) -> pd.DataFrame:
    """The item roll-up's rows for first..last as the cases make them (import and check)."""
    return _cases_by_day(connection, first, last, [ServiceCase.item_code], [],
                         accepted=[func.count().label("cases")],
                         finished=[func.count().label("finished"),
                                   _on_time(connection).label("on_time")])


def _cases_by_day(connection: Connection, first: dt.date, last: dt.date,
                  group: list[InstrumentedAttribute], within: list[ColumnElement[bool]],
                  accepted: list[ColumnElement], finished: list[ColumnElement]) -> pd.DataFrame:
    """Per day of first..last and `group`: the measures `accepted` over the cases accepted that
    day and `finished` over those finished that day, zero where the day had none of one kind."""
    start = dt.datetime.combine(first, dt.time())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())

    def per_day(stamp: InstrumentedAttribute, measures: list[ColumnElement]) -> pd.DataFrame:
        day = day_of(connection, stamp).label("day")
        return pd.read_sql(select(day, *group, *measures)
                           .where(stamp >= start, stamp < end, *within).group_by(day, *group),
                           connection)

    keys = ["day", *(column.key for column in group)]
    frame = per_day(ServiceCase.accepted_at, accepted).merge(
        per_day(ServiceCase.finished_at, finished), how="outer", on=keys)
    measures = [c for c in frame.columns if c not in keys]
    frame[measures] = frame[measures].fillna(0)
    frame["day"] = pd.to_datetime(frame["day"])
    return frame
