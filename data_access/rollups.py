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
    Connection,
    Row,
    SQLColumnExpression,
    String,
    Table,
    column,
    delete,
    func,
    select,
    table,
    true,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from data_access.aggregates import count_where, day_of
from data_access.importing.bulk import copy_rows, upsert
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
SERIALS_SCRATCH = "import_serials"


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
    stored = [ServiceCase.accepted_at, ServiceCase.finished_at, ServiceCase.division_code]
    for low, high, high_finish, low_code, high_code in _stored_spans(
            connection, frame["serial_no"].tolist(), stored):
        for value in (low, high, high_finish):
            if value is not None:
                day = pd.Timestamp(value).date()
                first, last = min(first, day), max(last, day)
        if codes is not None and low_code is not None:
            codes |= {low_code, high_code}
    if not codes:
        return RollupSpan(first, last)
    return RollupSpan(first, last, min(codes), max(codes))


def _span_of(accepted: SQLColumnExpression, finished: SQLColumnExpression,
             division: SQLColumnExpression) -> list[ColumnElement]:
    return [func.min(accepted), func.max(accepted), func.max(finished), func.min(division),
            func.max(division)]


def _stored_spans(connection: Connection, serials: list[str],
                  stored: list[InstrumentedAttribute]) -> list[Row]:
    """(first and last acceptance, last finish, lowest and highest division code) of the
    stored cases among `serials`, in one row or one per chunk."""
    if connection.dialect.name != "postgresql":
        # SQLite takes a chunk's serials as a list of parameters, which it limits.
        return [connection.execute(select(*_span_of(*stored)).where(
                    ServiceCase.serial_no.in_(serials[start:start + SERIAL_CHUNK]))).one()
                for start in range(0, len(serials), SERIAL_CHUNK)]
    # The serials are COPYed into a scratch table and each looked up in the primary key. The
    # LIMIT keeps the look-up a subquery run per serial: as a plain join PostgreSQL hashes the
    # serials and reads every stored case (1.6 s at three counties, growing with each county),
    # and a chunk of serials as an array parameter cost 0.6 s per 80,000 (8 s a county's file).
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SERIALS_SCRATCH}")
    connection.exec_driver_sql(f"CREATE TEMP TABLE {SERIALS_SCRATCH} (serial_no text) "
                               "ON COMMIT DROP")
    copy_rows(connection, SERIALS_SCRATCH, "serial_no", [(serial,) for serial in serials])
    given = table(SERIALS_SCRATCH, column("serial_no", String))
    found = (select(*stored).where(ServiceCase.serial_no == given.c.serial_no).limit(1)
             .lateral("found"))
    row = connection.execute(select(*_span_of(*(found.c[c.key] for c in stored)))
                             .select_from(given.join(found, true()))).one()
    connection.exec_driver_sql(f"DROP TABLE {SERIALS_SCRATCH}")
    return [row]


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
