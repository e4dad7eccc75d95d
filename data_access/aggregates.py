"""Aggregate counts per division, computed in SQL: the inputs of every indicator.

`aggregate(engine, domain, period, level, within)` returns one row per division at `level`
(county, township or village) under `within` (a division code, or the whole county), with the
count and sum columns that `metrics.indicators` turns into values. Divisions with no records
get zero counts, so a village with no cases shows 0 rather than disappearing.

`aggregate_over(engine, domain, run, level, within)` counts a run of periods (a trend) at once:
each SQL count is grouped by division and by the period a record falls in, so a trend costs a
handful of queries, not a handful per period. Its frame has one row per division and period,
indexed by code and period label. A single period is the run of one: `aggregate` is that case,
so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Select,
    SQLColumnExpression,
    String,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql.elements import ColumnElement

from data_access.cache import cached
from data_access.coverage import coverage
from data_access.divisions import (
    DivisionLevel,
    code_level,
    code_range,
    home,
    significant_digits,
)
from data_access.models import (
    HALL_MEASURES,
    CollectiveIncome,
    Division,
    HallCounts,
    InspectionResult,
    InspectionTask,
    ServiceCase,
    ServiceDaily,
    ServiceMonthly,
    VolunteerActivity,
)
from data_access.runs import PERIOD, Bucket, Run, by_period
from data_access.teams import unit_teams
from metrics.indicators import STANDARD_FROM, STRONG_FROM, WEAK_BELOW, DomainId
from metrics.periods import Period
from metrics.vocabulary import (
    ASSESSED_UNIT_TYPE,
    HALL_LEVELS,
    OPEN_STATUS,
    PROBLEM_RESULT_CODES,
    RECTIFY_DISPOSAL,
    VILLAGE_UNIT_TYPES,
)
from metrics.volunteers import team_gaps

# A division level to count at: the home's own level is one row, the whole area.
Level = DivisionLevel
# A division-code column to group or filter by: a model attribute or a subquery's column.
CodeColumn = QueryableAttribute[str | None] | ColumnElement[str]
# The SQL of a run's counts is the same for every division, whose code is a parameter: it is
# built once, not once per page. 24 periods make large expressions, and SQLAlchemy computes a
# statement's cache key, which walks all of it, once per statement object. Expressions are
# immutable, so sharing them is safe.
_built_once = functools.lru_cache(maxsize=256)
# The bound parameters of the range of codes under the division a count is filtered to.
WITHIN_LOW = "within_low"
WITHIN_HIGH = "within_high"


class PeriodNotApplicable(ValueError):
    """The domain is not reported for this kind of period (income is yearly or quarterly)."""


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def day_of(engine: Engine | Connection,
           column: SQLColumnExpression[dt.datetime | None]) -> ColumnElement[dt.date]:
    """The calendar day of a datetime column, comparable with Date columns on both backends."""
    return func.date(column) if engine.dialect.name == "sqlite" else cast(column, Date)


def month_of(engine: Engine | Connection | str,
             column: SQLColumnExpression[dt.datetime | None]) -> ColumnElement[str]:
    """The calendar month of a datetime column as YYYY-MM, on both backends (`engine` may be
    the dialect's name)."""
    dialect = engine if isinstance(engine, str) else engine.dialect.name
    if dialect == "sqlite":
        return func.strftime("%Y-%m", column)
    return func.to_char(column, "YYYY-MM")


def between(column: SQLColumnExpression[dt.datetime | None],
            period: Period) -> ColumnElement[bool]:
    start = dt.datetime.combine(period.start, dt.time())
    end = dt.datetime.combine(period.end, dt.time())
    return and_(column >= start, column < end)


def dates_between(column: SQLColumnExpression[dt.date | None],
                  period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


@cached
def divisions_at(engine: Engine, level: Level, within: str | None) -> list[str]:
    """Codes of the divisions at a level under `within` (villages and communities only).
    Cached: divisions change only with an import, and every aggregate asks."""
    area = home(engine)
    if level == area.level:
        return [area.code]
    query = select(Division.code).where(Division.level == level).order_by(Division.code)
    if level == "village":
        query = query.where(Division.unit_type.in_(VILLAGE_UNIT_TYPES))
    if within and narrows(engine, within):
        query = query.where(Division.code.between(*code_range(within)))
    with engine.connect() as connection:
        return list(connection.scalars(query))


def _keyed(query: Select, key: CodeColumn, name: str,
           bucket: ColumnElement[str] | None) -> Select:
    """The count query with its key (labelled `name`) and, with a bucket, the period a record
    falls in (PERIOD) as its last columns, grouped by the bucket."""
    query = query.add_columns(key.label(name))
    if bucket is None:
        return query
    return query.add_columns(bucket.label(PERIOD)).group_by(bucket)


def _filled(engine: Engine, query: Select, parameters: dict[str, str], name: str,
            keys: list[str], bucket: Bucket | None) -> pd.DataFrame:
    """Runs a `_keyed` count query; its frame is indexed by the key (and period) and
    zero-filled over `keys` (and the bucket's periods), so that what has no records counts 0."""
    with engine.connect() as connection:
        result = connection.execute(query, parameters)
        return _summed_into(list(result.keys()), result.tuples(), name, keys, bucket)


def _summed_into(columns: list[str], rows: Iterable[Sequence], name: str, keys: list[str],
                 bucket: Bucket | None) -> pd.DataFrame:
    """Count rows whose last column is the key named `name` (and, with a bucket, then the
    period), summed into one float row per key (and period) of `keys` (and the bucket's
    periods): what has no row counts 0, as does a count the query left NULL. A row with
    another key or in no period (a city-hall case has no township) is left out.

    Built with numpy from the rows: the frames are small, and pandas' from_records, set_index,
    reindex and fillna cost a page more than its SQL did."""
    width = 1 if bucket is None else 2
    labels = () if bucket is None else bucket.labels
    key_at = {key: i for i, key in enumerate(keys)}
    label_at = {label: i for i, label in enumerate(labels)}
    positions: list[int] = []
    counts: list[Sequence] = []
    for row in rows:
        at = key_at.get(row[-width])
        if at is not None and bucket is not None:
            period = label_at.get(row[-1])
            at = None if period is None else at * len(labels) + period
        if at is not None:
            positions.append(at)
            counts.append(row[:-width])
    target = pd.Index(keys, name=name) if bucket is None else by_period(keys, labels, name)
    values = np.zeros((len(target), len(columns) - width))
    if counts:
        # float() of each: PostgreSQL's numeric sums come as Decimal.
        np.add.at(values, positions, np.array(counts, dtype=float))
    return pd.DataFrame(np.nan_to_num(values, nan=0.0), index=target,
                        columns=columns[:-width])


def _grouped(engine: Engine, query: Select, key: CodeColumn | None, level: Level,
             within: str | None, within_column: CodeColumn | None,
             bucket: Bucket | None = None) -> pd.DataFrame:
    """Runs an aggregate query grouped by division key and, with a bucket, by the period a
    record falls in; zero-filled over the divisions (and periods). Without a bucket the counts
    do not depend on the period: one row per division. At the home's own level there is no
    key: one row, the whole area."""
    return _grouped_by(engine, lambda key, within_column, whole_code: _grouped_statement(
        query, key, within_column, None if bucket is None else bucket.column, whole_code),
        key, level, within, within_column, bucket)


# Builds a count statement from the key to group by (None: the whole area, one row keyed by
# the code given last) and the code column to filter to the WITHIN_* range (None: no filter).
StatementOf = Callable[[CodeColumn | None, CodeColumn | None, str], Select]


def _grouped_by(engine: Engine, statement_of: StatementOf, key: CodeColumn | None,
                level: Level, within: str | None, within_column: CodeColumn | None,
                bucket: Bucket | None) -> pd.DataFrame:
    """`_grouped` of the statement that `statement_of` builds."""
    area = home(engine)
    whole = level == area.level
    if key is None and not whole:
        raise ValueError(f"no {level} key to group by")
    parameters: dict[str, str] = {}
    if within and narrows(engine, within) and within_column is not None:
        parameters[WITHIN_LOW], parameters[WITHIN_HIGH] = code_range(within)
    statement = statement_of(None if whole else key, within_column if parameters else None,
                             area.code)
    return _filled(engine, statement, parameters, "code", divisions_at(engine, level, within),
                   bucket)


@_built_once
def _grouped_statement(query: Select, key: CodeColumn | None, within_column: CodeColumn | None,
                       bucket: ColumnElement[str] | None, whole_code: str) -> Select:
    """The count query grouped by division `key` (None: the whole area, one row keyed
    `whole_code`) and by `bucket`, filtered to the codes of `within_column` between the
    WITHIN_LOW and WITHIN_HIGH parameters (the codes under a division)."""
    if within_column is not None:
        query = query.where(within_column.between(bindparam(WITHIN_LOW),
                                                  bindparam(WITHIN_HIGH)))
    if key is None:
        return _keyed(query, literal(whole_code), "code", bucket)
    return _keyed(query.group_by(key), key, "code", bucket)


DomainAggregate = Callable[[Engine, Run, Level, str | None], pd.DataFrame]
# Each declared domain's aggregate (metrics/domains.py), registered where it is written.
_AGGREGATES: dict[DomainId, DomainAggregate] = {}


def domain_aggregate(domain: DomainId) -> Callable[[DomainAggregate], DomainAggregate]:
    """Registers the function as the domain's aggregate over a run of periods: the counts and
    sums, one row per division and period, that the domain's indicator definitions are
    computed from."""
    def register(function: DomainAggregate) -> DomainAggregate:
        _AGGREGATES[domain] = function
        return function
    return register


def has_aggregate(domain: DomainId) -> bool:
    return domain in _AGGREGATES


def aggregate(engine: Engine, domain: DomainId, period: Period, level: Level,
              within: str | None = None) -> pd.DataFrame:
    """The domain's counts in one period, indexed by code: the run of one period."""
    return aggregate_over(engine, domain, Run((period,)), level, within).droplevel(PERIOD)


@cached
def aggregate_over(engine: Engine, domain: DomainId, run: Run, level: Level,
                   within: str | None = None) -> pd.DataFrame:
    """The domain's counts in each period of the run, indexed by code and period label."""
    return _AGGREGATES[domain](engine, run, level, within)


@domain_aggregate("income")
def _income(engine: Engine, run: Run, level: Level, within: str | None) -> pd.DataFrame:
    if run.kind not in ("year", "quarter"):
        raise PeriodNotApplicable(run.kind)
    query, bucket = _income_counts(run)
    columns = (CollectiveIncome.township_code, CollectiveIncome.village_code,
               CollectiveIncome.village_code)
    return _grouped(engine, query, level_key(level, *columns), level, within,
                    _within_column(engine, within, *columns), bucket)


@_built_once
def _income_counts(run: Run) -> tuple[Select, Bucket]:
    def reported(period: Period) -> ColumnElement[bool]:
        # A quarter's report, or the year's (quarter 0).
        return and_(CollectiveIncome.year == period.year,
                    CollectiveIncome.quarter == period.quarter)

    revenue = CollectiveIncome.operating_revenue
    query = (
        select(
            func.count().label("villages"),
            func.coalesce(func.sum(revenue), 0).label("revenue_sum"),
            func.coalesce(func.sum(CollectiveIncome.subsidy_income), 0).label("subsidy_sum"),
            count_where(revenue >= STANDARD_FROM).label("over_100k"),
            count_where(revenue >= STRONG_FROM).label("over_1m"),
            count_where(revenue < WEAK_BELOW).label("below_50k"),
        )
        .join(Division, Division.code == CollectiveIncome.village_code)
        .where(Division.unit_type == ASSESSED_UNIT_TYPE,
               or_(*(reported(period) for period in run.periods)))
    )
    return query, run.bucket(reported)


def narrows(engine: Engine, within: str | None) -> bool:
    """Whether `within` names a part of the area (None or the home: the whole of it)."""
    return bool(within) and within != home(engine).code


def _within_column(engine: Engine, within: str | None, township: CodeColumn,
                   village: CodeColumn | None, area: CodeColumn | None = None
                   ) -> CodeColumn | None:
    """The code column that tells whether a record is under `within`: the township's or the
    village's, and for a county (or above) `area`, the record's most precise code that is
    always there (the township's unless given)."""
    if not within or not narrows(engine, within):
        return None
    level = code_level(within)
    if level == "township":
        return township
    if level == "village":
        return village
    return township if area is None else area


@_built_once  # the same expression each time: the statements built from it are built once
def level_key(level: Level, township: CodeColumn | None, village: CodeColumn | None,
               area: CodeColumn | None = None) -> CodeColumn | None:
    """What a count groups by at `level`: the township's or village's code column, and for a
    county (or above) its code made from the first digits of `area` (the township's unless
    given), as the NBS codes nest."""
    if level == "township":
        return township
    if level == "village":
        return village
    column = township if area is None else area
    if column is None:
        return None
    digits = significant_digits(level)
    return func.substr(column, 1, digits).concat("0" * (12 - digits))


def rows_under(code: str, township: CodeColumn, area: CodeColumn) -> ColumnElement[bool]:
    """A list's rows of one township (`township`, the record's township code; a code that is
    no division's, as access.NO_TOWNSHIP, matches none), or of a county or prefecture: `area`,
    a code of the record's that always lies under its county, in the division's code range."""
    if not code.isdigit() or code_level(code) == "township":
        return township == code
    return area.between(*code_range(code))


def missed_due_before(end: dt.date) -> ColumnElement[bool]:
    """Cases that missed their promised date, which fell before `end`: the only ones that can
    be open past due at `end`. They have an index of their own."""
    return and_(ServiceCase.missed_due.is_(True), ServiceCase.due_date < end)


def open_past_due(end: dt.date) -> ColumnElement[bool]:
    """Cases not finished by `end` whose promised date fell before it.

    Only cases that missed their date can be such (missed_due_before)."""
    return and_(missed_due_before(end), open_at_end(end))


def open_at_end(end: dt.date) -> ColumnElement[bool]:
    """Cases still open at `end`: of those that missed a date before it, the ones open past
    due. A list that names missed_due_before already takes this, not open_past_due: the same
    terms twice make PostgreSQL square their selectivity, and it then read each county's 6,600
    cases that ever missed a date for the 170 the list needed (the overdue list of a month at
    ten counties: 0.33 s, against 40-110 ms)."""
    at = dt.datetime.combine(end, dt.time())
    not_yet = and_(ServiceCase.finished_at.is_(None), ServiceCase.status == OPEN_STATUS)
    return or_(not_yet, ServiceCase.finished_at >= at)


def cases_known_until(engine: Engine) -> dt.date | None:
    """The day after the last day the service cases reach (their coverage: the daily
    roll-up's last day): what is known of a case is known as of then. None without cases."""
    spans = coverage(engine)["services"].spans
    return None if not spans else spans[0][1][1] + dt.timedelta(days=1)


def open_counted_at(period: Period, until: dt.date | None) -> dt.date:
    """When a period's cases still open past due are counted: at its end, or for a period the
    data do not reach the end of (this month, this year), as of `until`
    (cases_known_until): a case due after that is not overdue yet."""
    return period.end if until is None else min(period.end, until)


_CASE_KEYS: dict[str, CodeColumn] = {
    "township": ServiceCase.township_code, "village": ServiceCase.division_code,
    "hall_level": ServiceCase.hall_level}
# What the halls' counts are grouped by in `_service_halls`: township and hall level.
_HALL_KEYS = ("township", "hall_level")
ServiceSource = Literal["daily", "cases"]


class ServiceQuery(NamedTuple):
    """One of the two queries behind the service counts, the key columns it can be grouped by,
    and the period a record falls in (None: one column per period instead)."""

    source: ServiceSource
    query: Select
    keys: Mapping[str, CodeColumn]
    bucket: Bucket | None


# Runs a service count query grouped by a key it picks from the query's columns and, with a
# bucket, by period: the zero-filled frame of `_filled`.
ServiceGrouping = Callable[[ServiceQuery], pd.DataFrame]


def _service_counts(run: Run, grouped: ServiceGrouping, until: dt.date | None,
                    from_days: bool = False) -> pd.DataFrame:
    """The case counts behind the service indicators, per period of the run: sums of the halls'
    roll-up over the period (accepted and finished measures), and the cases still open past due
    at its end, or as of `until` (open_counted_at). From the monthly roll-up where every period
    is whole months, unless `from_days` (what the monthly roll-up is checked against)."""
    summed, still_open = _service_queries(run, until, from_days)
    sums = grouped(summed)
    opened = grouped(still_open)
    # Both are zero-filled over the same keys in the same order: the counts at each end, key
    # by key, are the sums' rows (key by key, period by period) as they stand.
    by_end = opened.to_numpy() if still_open.bucket is None else \
        _open_at_ends(opened["open_overdue"].to_numpy(), len(run.periods))
    return sums.assign(open_overdue=by_end.ravel())


def _ends_open(count: int) -> list[tuple[int, int]]:
    """The (first, after) spans of a run's `count` period ends that a case past due can be
    open at: from the first end after its promised date to the last before it was finished.
    The spans, counted, say at how many ends each case was open past due. (The ends never
    decrease: those of periods the data do not reach the end of are all the same day.)"""
    return [(first, after) for first in range(count) for after in range(first + 1, count + 1)]


def _open_at_ends(spans: np.ndarray, periods: int) -> np.ndarray:
    """Cases open past due at each of a run's `periods` ends, a row per division, from their
    counts per span of ends (`_ends_open`, division by division): a case counts at every end
    of its span."""
    ends = _ends_open(periods)
    at = np.zeros((len(ends), periods))
    for row, (first, after) in enumerate(ends):
        at[row, first:after] = 1
    return spans.reshape(-1, len(ends)) @ at


def in_months(run: Run) -> bool:
    """Whether every period of the run is whole calendar months (a month, quarter or year)."""
    return all(period.start.day == 1 and period.end.day == 1 for period in run.periods)


@_built_once
def _service_queries(run: Run, until: dt.date | None, from_days: bool = False
                     ) -> tuple[ServiceQuery, ServiceQuery]:
    """The sums of the halls' roll-up with the period a row falls in (the monthly roll-up's
    months where `in_months`, a month's days summed once at import, unless `from_days`; else
    the daily one's days), and the count of cases open past due at the end of each period."""
    months = in_months(run) and not from_days
    halls: type[HallCounts] = ServiceMonthly if months else ServiceDaily
    date = ServiceMonthly.month if months else ServiceDaily.day
    summed = select(*(func.coalesce(func.sum(getattr(halls, m)), 0).label(m)
                      for m in HALL_MEASURES)).where(dates_between(date, run.span))
    # A case open past due at the end of March may still be at the end of April: it counts in
    # both, so it cannot fall in one period's bucket. Over several periods the cases are
    # counted by the span of ends each was open at instead, two comparisons down the ends a
    # case where a column per end took four at every end (the /services trend's 12 weeks: 15
    # ms, now 7); `_open_at_ends` adds them up per end.
    ends = [open_counted_at(period, until) for period in run.periods]
    if len(run.periods) == 1:
        still_open = select(count_where(open_past_due(ends[0])).label("open_overdue_0")
                            ).where(missed_due_before(ends[0]))
        cases = ServiceQuery("cases", still_open, _CASE_KEYS, None)
    else:
        cases = ServiceQuery("cases", select(func.count().label("open_overdue")).where(
            missed_due_before(ends[-1])), _CASE_KEYS, _span_of_ends_open(ends))
    keys: dict[str, CodeColumn] = {"township": halls.township_code,
                                   "village": halls.division_code, "hall_level": halls.hall_level}
    return (ServiceQuery("daily", summed, keys, run.bucket(lambda p: dates_between(date, p))),
            cases)


def _span_of_ends_open(ends: list[dt.date]) -> Bucket:
    """A missed-due case's span of the run's ends it was open past due at (`_ends_open`),
    labelled first × (periods + 1) + after, as text; no span's label when there is none
    (finished before the first end after its promised date, or closed unfinished)."""
    count = len(ends)
    # The first end after the promised date (the cases counted have one: missed_due_before).
    first = case(*((ServiceCase.due_date < end, index) for index, end in enumerate(ends)))
    still = and_(ServiceCase.finished_at.is_(None), ServiceCase.status == OPEN_STATUS)
    after = case((still, count), (ServiceCase.finished_at.is_(None), 0),
                 *((ServiceCase.finished_at < dt.datetime.combine(end, dt.time()), index)
                   for index, end in enumerate(ends)), else_=count)
    labels = tuple(str(first_end * (count + 1) + after_end)
                   for first_end, after_end in _ends_open(count))
    return Bucket(cast(first * (count + 1) + after, String), labels)


@domain_aggregate("services")
def _services(engine: Engine, run: Run, level: Level, within: str | None) -> pd.DataFrame:
    if level == "township" and not narrows(engine, within) and len(run.periods) == 1:
        # Every township's counts in a period: sums of the halls', as the hall levels' are
        # (services_by_hall_level), which /services shows beside them: one scan of the roll-up
        # for both. Elsewhere one SQL count of the level asked reads less than the halls'.
        return _service_counts(run, lambda source: _halls_summed(
            engine, run, source, "township", "code", divisions_at(engine, level, within)),
            cases_known_until(engine))

    def grouped(source: ServiceQuery) -> pd.DataFrame:
        # A case's division is its hall's: a city hall's cases count in its county.
        columns = (source.keys["township"], source.keys["village"], source.keys["village"])
        key = level_key(level, *columns)
        within_column = _within_column(engine, within, *columns)
        if source.source == "daily" and within_column is None and not in_months(run):
            return _grouped_by(engine, lambda key, _, whole_code: _daily_by_day(
                run, () if key is None else ((key, "code"),), whole_code),
                key, level, within, None, source.bucket)
        return _grouped(engine, source.query, key, level, within, within_column, source.bucket)

    return _service_counts(run, grouped, cases_known_until(engine))


@_built_once
def _daily_by_day(run: Run, keys: tuple[tuple[CodeColumn, str], ...],
                  whole_code: str | None) -> Select:
    """The daily roll-up's sums over the run in the whole area (the "daily" ServiceQuery's),
    grouped by the `keys` (each a column and its label; none: one row keyed `whole_code`) and
    by period: summed by key and day first, then the days by period.

    The same sums as grouping the roll-up's rows by period at once, in a third of the time:
    the period a row falls in is a CASE of two comparisons a period, which the roll-up's 200
    halls a day made the database work out for every hall's row, where by day it does so once
    a day (the /services trend of 12 weeks: 21 ms, now 6 ms). Not under a division: its few
    halls' rows are read by their code's index, which the database gave up for the day's
    index when grouping by day (a village's 24 months: 1 ms, then 6 ms)."""
    daily = ServiceDaily
    by_day = (select(daily.day, *(column.label(name) for column, name in keys),
                     *(func.sum(daily.__table__.c[m]).label(m) for m in HALL_MEASURES))
              .where(dates_between(daily.day, run.span))
              .group_by(*(column for column, _ in keys), daily.day).subquery())
    period = run.bucket(lambda p: dates_between(by_day.c.day, p)).column
    grouped = [by_day.c[name] for _, name in keys]
    whole = [] if whole_code is None or keys else [literal(whole_code).label("code")]
    return (select(*(func.coalesce(func.sum(by_day.c[m]), 0).label(m) for m in HALL_MEASURES),
                   *grouped, *whole, period.label(PERIOD))
            .group_by(*grouped, period))


@cached
def services_by_hall_level(engine: Engine, period: Period) -> pd.DataFrame:
    """The service counts per hall level (city / township / village), indexed by level."""
    run = Run((period,))
    levels = list(HALL_LEVELS.values())
    return _service_counts(run, lambda source: _halls_summed(
        engine, run, source, "hall_level", "hall_level", levels),
        cases_known_until(engine)).droplevel(PERIOD)


@cached
def _service_halls(engine: Engine, run: Run, source: ServiceSource) -> pd.DataFrame:
    """A service count query grouped by township and hall level (the daily sums also by
    period): about 30 rows a period. The townships' and the hall levels' counts are sums of
    these rows: a page that shows both scans the roll-up once. Columns as the query names
    them, and the keys by their _HALL_KEYS names."""
    with engine.connect() as connection:
        result = connection.execute(_hall_statement(run, source, cases_known_until(engine)))
        # As pandas.read_sql makes it (coerce_float: PostgreSQL's numeric sums come as Decimal).
        return pd.DataFrame.from_records(list(result.tuples()), columns=list(result.keys()),
                                         coerce_float=True)


@_built_once
def _hall_statement(run: Run, source: ServiceSource, until: dt.date | None) -> Select:
    # Of one period: its CASE is one test, and summing the halls by day first is slower here.
    found = next(q for q in _service_queries(run, until) if q.source == source)
    keys = [found.keys[name] for name in _HALL_KEYS]
    query = found.query.add_columns(*(column.label(name) for column, name
                                      in zip(keys, _HALL_KEYS, strict=True))).group_by(*keys)
    if found.bucket is None:
        return query
    return query.add_columns(found.bucket.column.label(PERIOD)).group_by(found.bucket.column)


def _halls_summed(engine: Engine, run: Run, source: ServiceQuery, key: str, name: str,
                  keys: list[str]) -> pd.DataFrame:
    """The query's counts per `key` (one of _HALL_KEYS) and period, summed from
    `_service_halls` into a frame as `_filled` makes one."""
    halls = _service_halls(engine, run, source.source)
    columns = [c for c in halls.columns if c not in _HALL_KEYS and c != PERIOD]
    by = [key] if source.bucket is None else [key, PERIOD]
    rows = zip(*(halls[c].to_numpy() for c in [*columns, *by]), strict=True)
    return _summed_into([*columns, *by], rows, name, keys, source.bucket)


@domain_aggregate("volunteers")
def _volunteers(engine: Engine, run: Run, level: Level, within: str | None) -> pd.DataFrame:
    # A county-level team's activities have no township: they count in the team's county.
    columns = (VolunteerActivity.township_code, VolunteerActivity.village_code,
               VolunteerActivity.county_code)
    frame = _grouped(engine, _activity_counts(run), level_key(level, *columns), level, within,
                     _within_column(engine, within, *columns), _started_in(run))
    # The units do not depend on the period: each division's, repeated for each period. The
    # frames here are all zero-filled over the same divisions and periods in the same order
    # (division by division), so their columns are put side by side as arrays: pandas' join
    # and assign aligned them at some 2 ms a call.
    periods = len(run.labels)
    divisions = _units(engine, level, within)
    units = {column: np.repeat(values.to_numpy(), periods)
             for column, values in divisions.items()}
    months = _months_with_records(engine, run)
    active = _active_station_months(engine, run, level, within)
    return pd.DataFrame({
        **{column: values.to_numpy() for column, values in frame.items()},
        "shortfalls": units["shortfalls"], "stations": units["stations"],
        "stations_short": units["stations_short"],
        "active_station_months": active["active_station_months"].to_numpy(),
        "station_months": units["stations"] * np.tile(
            np.array([months.get(label, 0) for label in run.labels], dtype=int),
            len(divisions)),
        "population": units["population"],
    }, index=frame.index)


def _units(engine: Engine, level: Level, within: str | None) -> pd.DataFrame:
    """Per division at `level` under `within`, as they are now whatever the period: shortfalls
    (units under it below their team minimum), stations (村委会/居委会/社区 under it),
    stations_short (stations below their minimum) and population."""
    return _units_at(engine, level).reindex(divisions_at(engine, level, within))


@cached
def _units_at(engine: Engine, level: Level) -> pd.DataFrame:
    """`_units` of every division at the level. Cached: they change only with an import, and a
    page of one village would otherwise count them again for each trend and card."""
    station = Division.unit_type.in_(VILLAGE_UNIT_TYPES)
    key = level_key(level, Division.parent_code, Division.code, Division.code)
    stations = _grouped(
        engine, select(func.count().label("stations")).select_from(Division)
        .where(Division.level == "village", station), key, level, None, None)
    # A division's own population, else its village-level units' (a prefecture above several
    # counties has none of its own).
    people = _grouped(
        engine, select(func.coalesce(func.sum(Division.population), 0).label("people"))
        .select_from(Division).where(Division.level == "village"), key, level, None,
        None)["people"]
    codes = list(stations.index)
    with engine.connect() as connection:
        stored = dict(connection.execute(
            select(Division.code, Division.population).where(Division.code.in_(codes)))
            .tuples().all())
    population = {code: stored.get(code) if stored.get(code) is not None
                  else (int(people[code]) if people.get(code) else None) for code in codes}
    shortfalls = team_shortfalls(engine)
    villages_short = shortfalls[shortfalls["level"] == "village"]
    return stations.assign(
        shortfalls=[_shortfalls_under(shortfalls, code, level) for code in codes],
        stations_short=[_shortfalls_under(villages_short, code, level) for code in codes],
        population=[population.get(code) for code in codes])


@_built_once
def _activity_counts(run: Run) -> Select:
    """Activities that started in the run, their hours, volunteers and beneficiaries."""
    return select(
        func.count().label("activities"),
        func.coalesce(func.sum(VolunteerActivity.hours), 0).label("hours"),
        func.coalesce(func.sum(VolunteerActivity.volunteers), 0).label("volunteers"),
        func.coalesce(func.sum(VolunteerActivity.beneficiaries), 0).label("beneficiaries"),
    ).where(between(VolunteerActivity.start_at, run.span))


@_built_once
def _started_in(run: Run) -> Bucket:
    """The period of the run an activity started in."""
    return run.bucket(lambda p: between(VolunteerActivity.start_at, p))


def _active_station_months(engine: Engine, run: Run, level: Level,
                           within: str | None) -> pd.DataFrame:
    """Per division and period: distinct station and month with an activity in the period."""
    query, pairs = _active_pairs(run, engine.dialect.name)
    columns = (pairs.c.township, pairs.c.village)
    return _grouped(engine, query, level_key(level, *columns), level, within,
                    _within_column(engine, within, *columns),
                    replace(_started_in(run), column=pairs.c[PERIOD]))


@_built_once
def _active_pairs(run: Run, dialect: str) -> tuple[Select, Subquery]:
    """The count of the pairs, and the pairs: each station (village, township) and month with
    an activity, and its period."""
    start = VolunteerActivity.start_at
    pairs = (select(VolunteerActivity.village_code.label("village"),
                    VolunteerActivity.township_code.label("township"),
                    month_of(dialect, start).label("month"),
                    _started_in(run).column.label(PERIOD))
             .join(Division, Division.code == VolunteerActivity.village_code)
             .where(between(start, run.span), Division.unit_type.in_(VILLAGE_UNIT_TYPES))
             .distinct().subquery())
    return select(func.count().label("active_station_months")).select_from(pairs), pairs


@cached
def _months_with_records(engine: Engine, run: Run) -> dict[str, int]:
    """Per period label: the months of the period with any activity in the county (a
    station's coverage is counted over them); none for weeks, which coverage does not
    apply to. Cached: the same for every division."""
    if run.kind == "week":
        return {}
    start = VolunteerActivity.start_at
    bucket = _started_in(run).column
    with engine.connect() as connection:
        return dict(connection.execute(
            select(bucket, func.count(func.distinct(month_of(engine, start))))
            .where(between(start, run.span)).group_by(bucket)).tuples().all())


def team_shortfalls(engine: Engine) -> pd.DataFrame:
    """Units below their minimum team count, as the shortfall list shows them: code, level,
    township_code, teams, minimum, gap (one unit per county of the area, each township, each
    station)."""
    return team_gaps(unit_teams(engine))


def _shortfalls_under(shortfalls: pd.DataFrame, code: str, level: Level) -> int:
    """The units below their minimum at or under the division: a township's own and its
    villages', a village's own, and for a county (or above) every unit whose code it covers."""
    if level == "township":
        return int((shortfalls["township_code"] == code).sum())
    if level == "village":
        return int((shortfalls["code"] == code).sum())
    low, high = code_range(code)
    return int(shortfalls["code"].between(low, high).sum())


@domain_aggregate("inspections")
def _inspections(engine: Engine, run: Run, level: Level, within: str | None) -> pd.DataFrame:
    if level == "village":
        # Inspection objects are recorded by township only.
        raise PeriodNotApplicable("village")
    query, drawn = _inspection_counts(run)
    columns = (InspectionResult.township_code, None)
    return _grouped(engine, query, level_key(level, *columns), level, within,
                    _within_column(engine, within, *columns), drawn)


@_built_once
def _inspection_counts(run: Run) -> tuple[Select, Bucket]:
    ordered = InspectionResult.disposal == RECTIFY_DISPOSAL
    query = select(
        func.count().label("drawn"),
        count_where(InspectionResult.inspected_on.is_not(None)).label("inspected"),
        count_where(InspectionResult.published_on.is_not(None)).label("published"),
        count_where(InspectionResult.result_code.in_(PROBLEM_RESULT_CODES)).label("with_problem"),
        count_where(ordered).label("ordered"),
        count_where(ordered & InspectionResult.rectified_on.is_not(None)).label("rectified"),
        count_where(InspectionResult.published_on <= InspectionResult.publish_due)
        .label("published_on_time"),
        count_where(InspectionTask.is_joint.is_(True)).label("joint"),
    ).join(InspectionTask, InspectionTask.code == InspectionResult.task_code).where(
        dates_between(InspectionResult.drawn_on, run.span))
    return query, run.bucket(lambda p: dates_between(InspectionResult.drawn_on, p))
