"""Daily roll-ups that the period indicators read instead of every record.

`ServiceDaily` (per hall) and `ServiceItemDaily` (per item) are rebuilt together for the days an
import touches (the days of the file's cases and the days those cases had before), inside the
import's transaction, so they can never disagree with the cases they count. `ServiceMonthly`,
the halls' days summed by month, is rebuilt with `ServiceDaily` for the months of those days.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Row,
    Select,
    SQLColumnExpression,
    String,
    Subquery,
    Table,
    cast,
    column,
    delete,
    func,
    literal_column,
    select,
    table,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement, Label

from data_access.aggregates import count_where, day_of
from data_access.divisions import ancestor_code, code_range
from data_access.importing.bulk import copy_frame
from data_access.importing.case_partitions import partitioned_counties
from data_access.importing.spec import RollupSpan
from data_access.models import (
    HALL_MEASURES,
    ServiceCase,
    ServiceDaily,
    ServiceItemDaily,
    ServiceMonthly,
)
from metrics.indicators import GOOD_RATING_FROM, HALF_DAY_HOURS
from metrics.periods import period_containing
from metrics.vocabulary import AGENT_CHANNEL

# The lowest and highest division code of a part of the halls' roll-up.
CodeRange = tuple[str, str]
KEYS = ["day", "division_code"]
MONTH_KEYS = ["month", "division_code"]
CASE_ROLLUP_TABLES = (ServiceDaily.__tablename__, ServiceMonthly.__tablename__,
                      ServiceItemDaily.__tablename__)
ITEM_KEYS = ["day", "county_code", "item_code"]
SERIAL_CHUNK = 5_000
SERIALS_SCRATCH = "import_serials"
ROLLUP_SCRATCH = "rollup_rows"
# Hash tables of a county's cases or days in memory, not spilled to disk.
HASH_MEMORY = "64MB"
# What the look-up of an import's stored cases reads of each.
STORED = (ServiceCase.accepted_at, ServiceCase.finished_at, ServiceCase.division_code)


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
    codes = (set(frame["division_code"].dropna().unique()) if "division_code" in frame.columns
             else None)
    for low, high, high_finish, low_code, high_code in _stored_spans(
            connection, frame["serial_no"].tolist(), frame["county_code"].tolist()):
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


def _stored_spans(connection: Connection, serials: list[str], counties: list[str]) -> list[Row]:
    """(first and last acceptance, last finish, lowest and highest division code) of the
    stored cases among these (serial, county), in one row or one per chunk."""
    if connection.dialect.name != "postgresql":
        # SQLite takes a chunk's serials as a list of parameters, which it limits. A serial
        # stored in another county widens the span, which costs a little time, never a count.
        return [connection.execute(select(*_span_of(*STORED)).where(
                    ServiceCase.serial_no.in_(serials[start:start + SERIAL_CHUNK]))).one()
                for start in range(0, len(serials), SERIAL_CHUNK)]
    # The cases' keys are COPYed into a scratch table and joined with the stored cases of
    # their counties alone: PostgreSQL reads only those counties' partitions and hashes the
    # keys (0.7 s for a county's 800,000 with the scratch table's statistics, against 2.3 s
    # looking each key up in the index, and 0.6 s per 80,000 as an array parameter).
    # A county without a partition has no case stored (a new county's whole file).
    keys = pd.DataFrame({"serial_no": serials, "county_code": counties})
    keys = keys[keys["county_code"].isin(partitioned_counties(connection))]
    if keys.empty:
        return []
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {SERIALS_SCRATCH}")
    connection.exec_driver_sql(f"CREATE TEMP TABLE {SERIALS_SCRATCH} "
                               "(serial_no text, county_code text) ON COMMIT DROP")
    copy_frame(connection, SERIALS_SCRATCH, ServiceCase.__table__, keys)
    connection.exec_driver_sql(f"ANALYZE {SERIALS_SCRATCH}")
    connection.exec_driver_sql(f"SET LOCAL work_mem = '{HASH_MEMORY}'")
    given = table(SERIALS_SCRATCH, column("serial_no", String), column("county_code", String))
    row = connection.execute(
        select(*_span_of(*STORED)).select_from(ServiceCase).join(
            given, (ServiceCase.serial_no == given.c.serial_no)
            & (ServiceCase.county_code == given.c.county_code))
        .where(ServiceCase.county_code.in_(sorted(keys["county_code"].unique())))).one()
    connection.exec_driver_sql(f"DROP TABLE {SERIALS_SCRATCH}")
    return [row]


def refresh_case_rollups(connection: Connection, span: RollupSpan) -> None:
    """Every roll-up of the service cases, for the span's days (an import, an undo or a
    holiday calendar that moved due dates): the halls' of its division codes alone, the
    items' of the counties those codes lie in (an item's row counts a whole county)."""
    refresh_service_daily(connection, span.first, span.last, _code_range(span))
    refresh_service_item_daily(connection, span.first, span.last, _code_range(span))


def _code_range(span: RollupSpan) -> CodeRange | None:
    if span.low_code is None or span.high_code is None:
        return None
    return span.low_code, span.high_code


def _counties(codes: CodeRange) -> CodeRange:
    """The first and last of the counties that `codes` reach into."""
    low, high = codes
    return ancestor_code(low, "county"), ancestor_code(high, "county")


def _whole_counties(codes: CodeRange) -> CodeRange:
    """The codes of every division in the counties that `codes` reach into."""
    first, last = _counties(codes)
    return code_range(first)[0], code_range(last)[1]


def refresh_service_daily(connection: Connection, first: dt.date, last: dt.date,
                          codes: CodeRange | None = None) -> None:
    """The halls' roll-up for first..last, of the divisions low..high of `codes` (None: all)."""
    table = ServiceDaily.__table__
    _replace_days(connection, table, service_daily_from_cases(connection, first, last, codes),
                  first, last, [] if codes is None else [table.c.division_code.between(*codes)])
    refresh_service_monthly(connection, first, last, codes)


def refresh_service_monthly(connection: Connection, first: dt.date, last: dt.date,
                            codes: CodeRange | None = None) -> None:
    """The halls' months that first..last reach into, summed again from their days (of the
    divisions low..high of `codes`; None: all)."""
    table = ServiceMonthly.__table__
    first, last = first.replace(day=1), last.replace(day=1)
    connection.execute(delete(table).where(
        table.c.month >= first, table.c.month <= last,
        *([] if codes is None else [table.c.division_code.between(*codes)])))
    rows = service_monthly_from_daily(connection, first, last, codes)
    connection.execute(table.insert().from_select([c.name for c in rows.selected_columns], rows))


def month_of_day(connection: Connection, day: SQLColumnExpression[dt.date]
                 ) -> ColumnElement[dt.date]:
    """The first day of a date's month, as a date on both backends."""
    if connection.dialect.name == "sqlite":
        return func.date(day, "start of month")
    return cast(func.date_trunc("month", day), Date)


def service_monthly_from_daily(connection: Connection, first: dt.date, last: dt.date,
                               codes: CodeRange | None = None,
                               days: Table | Subquery | None = None) -> Select:
    """The monthly roll-up's rows for the months first..last (each date a month's first day)
    as the daily roll-up's rows sum to them: the stored ones (the import), or `days`, rows of
    the same columns (the check's, counted from the cases)."""
    daily = ServiceDaily.__table__ if days is None else days
    month = month_of_day(connection, daily.c.day)
    # A division's township and hall level are the same every day: min() names them.
    return (select(month.label("month"), daily.c.division_code,
                   func.min(daily.c.township_code).label("township_code"),
                   func.min(daily.c.hall_level).label("hall_level"),
                   *(func.sum(daily.c[m]).label(m) for m in HALL_MEASURES))
            .where(daily.c.day >= first, daily.c.day < period_containing("month", last).end,
                   *([] if codes is None else [daily.c.division_code.between(*codes)]))
            .group_by(month, daily.c.division_code))


def service_monthly_from_cases(connection: Connection, first: dt.date, last: dt.date) -> Select:
    """The monthly roll-up's rows for the months first..last as the cases make them, through
    the daily rows they make (`rollups check`)."""
    days = service_daily_from_cases(connection, first, period_containing("month", last).last_day)
    return service_monthly_from_daily(connection, first, last, days=days.subquery("days"))


def refresh_service_item_daily(connection: Connection, first: dt.date, last: dt.date,
                               codes: CodeRange | None = None) -> None:
    """The items' roll-up for first..last, of the counties that `codes` reach into (None:
    all)."""
    table = ServiceItemDaily.__table__
    counties = None if codes is None else _whole_counties(codes)
    _replace_days(connection, table,
                  service_item_daily_from_cases(connection, first, last, counties), first, last,
                  [] if counties is None else [table.c.county_code.between(*counties)])


def _replace_days(connection: Connection, table: Table, rows: Select, first: dt.date,
                  last: dt.date, within: list[ColumnElement[bool]]) -> None:
    # Deleted first: a day whose cases all moved away has no row left to overwrite. The rows
    # go from the cases to the roll-up inside the database, never through Python.
    connection.execute(delete(table).where(table.c.day >= first, table.c.day <= last, *within))
    names = [c.name for c in rows.selected_columns]
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert().from_select(names, rows))
        return
    # PostgreSQL reads the cases with parallel workers for a CREATE TABLE ... AS, never for
    # an INSERT ... SELECT: a new county's 800,000 cases counted in 1.4 s instead of 2.
    quote = connection.dialect.identifier_preparer.quote
    counted = rows.compile(dialect=connection.dialect,
                           compile_kwargs={"render_postcompile": True})
    connection.exec_driver_sql(f"SET LOCAL work_mem = '{HASH_MEMORY}'")
    connection.exec_driver_sql(f"CREATE TEMP TABLE {ROLLUP_SCRATCH} ON COMMIT DROP AS {counted}",
                               counted.params)
    connection.exec_driver_sql(f"INSERT INTO {quote(table.name)} "
                               f"({', '.join(quote(n) for n in names)}) "
                               f"SELECT * FROM {ROLLUP_SCRATCH}")
    connection.exec_driver_sql(f"DROP TABLE {ROLLUP_SCRATCH}")


def _on_time(connection: Connection) -> ColumnElement[int]:
    """Cases finished by their promised date: service_on_time_rate's count, per hall and per
    item alike."""
    return count_where(day_of(connection, ServiceCase.finished_at) <= ServiceCase.due_date)


def service_daily_from_cases(connection: Connection, first: dt.date, last: dt.date,
                             codes: CodeRange | None = None) -> Select:
    """The roll-up's rows for first..last (of the halls whose division codes are in `codes`)
    as the cases make them (one computation: the import writes them, `rollups check` compares
    the stored ones with them)."""
    bad = ServiceCase.is_bad_review.expression
    instant = ServiceCase.promised_limit_days == 0
    finished_on = day_of(connection, ServiceCase.finished_at)
    return _cases_by_day(
        connection, first, last,
        [ServiceCase.division_code, ServiceCase.township_code, ServiceCase.hall_level],
        _within(codes),
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


def service_item_daily_from_cases(connection: Connection, first: dt.date, last: dt.date,
                                  counties: CodeRange | None = None) -> Select:
    """The item roll-up's rows for first..last (of the halls whose codes are in `counties`,
    whole counties) as the cases make them (import and check)."""
    return _cases_by_day(connection, first, last,
                         [ServiceCase.county_code, ServiceCase.item_code], _within(counties),
                         accepted=[func.count().label("cases")],
                         finished=[func.count().label("finished"),
                                   _on_time(connection).label("on_time")])


def _within(codes: CodeRange | None) -> list[ColumnElement[bool]]:
    """The cases of the halls whose division codes are in `codes`, named by their counties too:
    on PostgreSQL only those counties' partitions are read."""
    if codes is None:
        return []
    return [ServiceCase.county_code.between(*_counties(codes)),
            ServiceCase.division_code.between(*codes)]


def _cases_by_day(connection: Connection, first: dt.date, last: dt.date,
                  group: list[SQLColumnExpression], within: list[ColumnElement[bool]],
                  accepted: list[Label], finished: list[Label]) -> Select:
    """Per day of first..last and `group`: the measures `accepted` over the cases accepted that
    day and `finished` over those finished that day, zero where the day had none of one kind
    (each kind counted by its own day, the two summed per day and group)."""
    start = dt.datetime.combine(first, dt.time())
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    names = [m.name for m in (*accepted, *finished)]

    def per_day(stamp: InstrumentedAttribute, measures: list[Label]) -> Select:
        day = day_of(connection, stamp).label("day")
        own = {m.name: m for m in measures}
        return (select(day, *group, *(own.get(n, literal_column("0").label(n)) for n in names))
                .where(stamp >= start, stamp < end, *within).group_by(day, *group))

    both = union_all(per_day(ServiceCase.accepted_at, accepted),
                     per_day(ServiceCase.finished_at, finished)).subquery("both_kinds")
    keys = list(both.c)[:1 + len(group)]  # the day, then the group's columns
    return select(*keys, *(func.sum(both.c[n]).label(n) for n in names)).group_by(*keys)


def rows_of(connection: Connection, rows: Select) -> pd.DataFrame:
    """A roll-up's rows as `rollups check` compares them: days (and months) as timestamps."""
    frame = pd.read_sql(rows, connection)
    for date in {"day", "month"} & set(frame.columns):
        frame[date] = pd.to_datetime(frame[date])
    return frame
