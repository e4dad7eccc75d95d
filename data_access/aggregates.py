"""Aggregate counts per division, computed in SQL: the inputs of every indicator.

`aggregate(engine, domain, period, level, within)` returns one row per division at `level`
(county, township or village) under `within` (a division code, or the whole county), with the
count and sum columns that `metrics.indicators` turns into values. Divisions with no records
get zero counts, so a village with no cases shows 0 rather than disappearing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

import pandas as pd
from sqlalchemy import (
    Connection,
    Date,
    Engine,
    Select,
    SQLColumnExpression,
    and_,
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
from data_access.divisions import COUNTY_CODE
from data_access.models import (
    CollectiveIncome,
    Division,
    InspectionResult,
    InspectionTask,
    ServiceCase,
    ServiceDaily,
    VolunteerActivity,
    VolunteerTeam,
)
from metrics.indicators import STANDARD_FROM, STRONG_FROM, WEAK_BELOW, DomainId
from metrics.periods import Period
from metrics.vocabulary import (
    ASSESSED_UNIT_TYPE,
    HALL_LEVELS,
    OPEN_STATUS,
    PROBLEM_RESULT_CODES,
    RECTIFY_DISPOSAL,
    TEAM_MINIMUMS,
    VILLAGE_UNIT_TYPES,
)

Level = Literal["county", "township", "village"]
# A division-code column to group or filter by: a model attribute or a subquery's column.
CodeColumn = QueryableAttribute[str | None] | ColumnElement[str]


class PeriodNotApplicable(ValueError):
    """The domain is not reported for this kind of period (income is yearly or quarterly)."""


def count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def day_of(engine: Engine | Connection,
           column: SQLColumnExpression[dt.datetime | None]) -> ColumnElement[dt.date]:
    """The calendar day of a datetime column, comparable with Date columns on both backends."""
    return func.date(column) if engine.dialect.name == "sqlite" else cast(column, Date)


def month_of(engine: Engine | Connection,
             column: SQLColumnExpression[dt.datetime | None]) -> ColumnElement[str]:
    """The calendar month of a datetime column as YYYY-MM, on both backends."""
    if engine.dialect.name == "sqlite":
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


def divisions_at(engine: Engine, level: Level, within: str | None) -> list[str]:
    """Codes of the divisions at a level under `within` (villages and communities only)."""
    if level == "county":
        return [COUNTY_CODE]
    query = select(Division.code).where(Division.level == level).order_by(Division.code)
    if level == "village":
        query = query.where(Division.unit_type.in_(VILLAGE_UNIT_TYPES))
    if within and within != COUNTY_CODE:
        query = query.where((Division.code == within) | (Division.parent_code == within))
    with engine.connect() as connection:
        return list(connection.scalars(query))


def _grouped(engine: Engine, query: Select, key: CodeColumn | None, level: Level,
             within: str | None, within_column: CodeColumn | None) -> pd.DataFrame:
    """Runs an aggregate query grouped by division key, zero-filled over the divisions."""
    group_key = key if level != "county" else literal(COUNTY_CODE)
    if group_key is None:
        raise ValueError(f"no {level} key to group by")
    query = query.add_columns(group_key.label("code"))
    if within and within != COUNTY_CODE and within_column is not None:
        query = query.where(within_column == within)
    if level != "county":
        query = query.group_by(group_key)
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection)
    frame = frame.dropna(subset=["code"]).set_index("code")
    codes = divisions_at(engine, level, within)
    return frame.reindex(codes).fillna(0)


DomainAggregate = Callable[[Engine, Period, Level, str | None], pd.DataFrame]
# Each declared domain's aggregate (metrics/domains.py), registered where it is written.
_AGGREGATES: dict[DomainId, DomainAggregate] = {}


def domain_aggregate(domain: DomainId) -> Callable[[DomainAggregate], DomainAggregate]:
    """Registers the function as the domain's aggregate: the counts and sums, one row per
    division, that the domain's indicator definitions are computed from."""
    def register(function: DomainAggregate) -> DomainAggregate:
        _AGGREGATES[domain] = function
        return function
    return register


def has_aggregate(domain: DomainId) -> bool:
    return domain in _AGGREGATES


@cached
def aggregate(engine: Engine, domain: DomainId, period: Period, level: Level,
              within: str | None = None) -> pd.DataFrame:
    return _AGGREGATES[domain](engine, period, level, within)


@domain_aggregate("income")
def _income(engine: Engine, period: Period, level: Level, within: str | None) -> pd.DataFrame:
    if period.kind not in ("year", "quarter"):
        raise PeriodNotApplicable(period.kind)
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
        .where(Division.unit_type == ASSESSED_UNIT_TYPE, CollectiveIncome.year == period.year,
               CollectiveIncome.quarter == period.quarter)
    )
    key = {"township": CollectiveIncome.township_code, "village": CollectiveIncome.village_code}
    within_column = _within_column(within, CollectiveIncome.township_code,
                                   CollectiveIncome.village_code)
    return _grouped(engine, query, key.get(level), level, within, within_column)


def _within_column(within: str | None, township: CodeColumn,
                   village: CodeColumn | None) -> CodeColumn | None:
    if not within or within == COUNTY_CODE:
        return None
    return township if is_township_code(within) else village


def is_township_code(code: str) -> bool:
    """NBS codes: a township is its 9-digit code followed by 000; villages never end so."""
    return code.endswith("000") and not code.endswith("000000")


def open_past_due(period: Period) -> ColumnElement[bool]:
    """Cases not finished by the end of the period whose promised date fell inside it or before.

    Only cases that missed their date can be such, and they have an index of their own."""
    end = dt.datetime.combine(period.end, dt.time())
    not_yet = and_(ServiceCase.finished_at.is_(None), ServiceCase.status == OPEN_STATUS)
    return and_(ServiceCase.missed_due.is_(True), ServiceCase.due_date < period.end,
                or_(not_yet, ServiceCase.finished_at >= end))


def _service_queries(engine: Engine, period: Period) -> list[tuple[Select, dict]]:
    """The case counts behind the service indicators: sums of the daily roll-up over the
    period (accepted and finished measures), and the cases still open past due at its end.
    Each comes with the columns to group it by."""
    daily = ServiceDaily
    measures = [c.name for c in daily.__table__.columns
                if c.name not in ("day", "division_code", "township_code", "hall_level")]
    summed = select(*(func.coalesce(func.sum(daily.__table__.c[m]), 0).label(m)
                      for m in measures)).where(dates_between(daily.day, period))
    still_open = select(func.count().label("open_overdue")).where(open_past_due(period))
    daily_keys = {"township": daily.township_code, "village": daily.division_code,
                  "hall_level": daily.hall_level}
    case_keys = {"township": ServiceCase.township_code, "village": ServiceCase.division_code,
                 "hall_level": ServiceCase.hall_level}
    return [(summed, daily_keys), (still_open, case_keys)]


@domain_aggregate("services")
def _services(engine: Engine, period: Period, level: Level, within: str | None) -> pd.DataFrame:
    frames = []
    for query, keys in _service_queries(engine, period):
        within_column = _within_column(within, keys["township"], keys["village"])
        frames.append(_grouped(engine, query, keys.get(level), level, within, within_column))
    return pd.concat(frames, axis=1)


@cached
def services_by_hall_level(engine: Engine, period: Period) -> pd.DataFrame:
    """The service counts per hall level (city / township / village), indexed by level."""
    frames = []
    for query, keys in _service_queries(engine, period):
        grouped = query.add_columns(keys["hall_level"].label("hall_level")).group_by(
            keys["hall_level"])
        with engine.connect() as connection:
            frames.append(pd.read_sql(grouped, connection).set_index("hall_level"))
    return pd.concat(frames, axis=1).reindex(list(HALL_LEVELS.values())).fillna(0)


@domain_aggregate("volunteers")
def _volunteers(engine: Engine, period: Period, level: Level,
                within: str | None) -> pd.DataFrame:
    query = select(
        func.count().label("activities"),
        func.coalesce(func.sum(VolunteerActivity.hours), 0).label("hours"),
        func.coalesce(func.sum(VolunteerActivity.volunteers), 0).label("volunteers"),
        func.coalesce(func.sum(VolunteerActivity.beneficiaries), 0).label("beneficiaries"),
    ).where(between(VolunteerActivity.start_at, period))
    key = {"township": VolunteerActivity.township_code,
           "village": VolunteerActivity.village_code}.get(level)
    within_column = _within_column(within, VolunteerActivity.township_code,
                                   VolunteerActivity.village_code)
    frame = _grouped(engine, query, key, level, within, within_column)
    shortfalls = team_shortfalls(engine)
    frame["shortfalls"] = [
        _shortfalls_under(shortfalls, code, level) for code in frame.index
    ]
    return frame.join(_stations(engine, period, level, within, shortfalls))


def _stations(engine: Engine, period: Period, level: Level, within: str | None,
              shortfalls: pd.DataFrame) -> pd.DataFrame:
    """Per division: stations (村委会/居委会/社区 under it), stations_short (below their team
    minimum), active_station_months (distinct station and month with an activity in the
    period), station_months (stations x months of the period with any record; 0 for weeks)
    and population."""
    station = Division.unit_type.in_(VILLAGE_UNIT_TYPES)
    stations = _grouped(
        engine, select(func.count().label("stations")).select_from(Division)
        .where(Division.level == "village", station),
        {"township": Division.parent_code, "village": Division.code}.get(level), level, within,
        _within_column(within, Division.parent_code, Division.code))
    month = month_of(engine, VolunteerActivity.start_at)
    pairs = (select(VolunteerActivity.village_code.label("village"),
                    VolunteerActivity.township_code.label("township"), month.label("month"))
             .join(Division, Division.code == VolunteerActivity.village_code)
             .where(between(VolunteerActivity.start_at, period), station).distinct().subquery())
    active = _grouped(engine, select(func.count().label("active_station_months"))
                      .select_from(pairs), {"township": pairs.c.township,
                                            "village": pairs.c.village}.get(level),
                      level, within, _within_column(within, pairs.c.township, pairs.c.village))
    codes = list(stations.index)
    with engine.connect() as connection:
        months = 0 if period.kind == "week" else connection.scalar(
            select(func.count(func.distinct(month))).where(
                between(VolunteerActivity.start_at, period))) or 0
        population = dict(connection.execute(
            select(Division.code, Division.population).where(Division.code.in_(codes)))
            .tuples().all())
    villages_short = shortfalls[shortfalls["level"] == "village"]
    return stations.assign(
        stations_short=[_shortfalls_under(villages_short, code, level) for code in codes],
        active_station_months=active["active_station_months"],
        station_months=stations["stations"] * int(months),
        population=[population.get(code) for code in codes])


def team_shortfalls(engine: Engine) -> pd.DataFrame:
    """Units below their minimum team count: code, level, township_code, teams, minimum."""
    with engine.connect() as connection:
        divisions = pd.read_sql(
            select(Division.code, Division.level, Division.parent_code)
            .where((Division.level == "township")
                   | ((Division.level == "village")
                      & Division.unit_type.in_(VILLAGE_UNIT_TYPES))), connection)
        township_teams = dict(connection.execute(
            select(VolunteerTeam.township_code, func.count())
            .where(VolunteerTeam.level == "支队", VolunteerTeam.township_code.is_not(None))
            .group_by(VolunteerTeam.township_code)).tuples().all())
        village_teams = dict(connection.execute(
            select(VolunteerTeam.village_code, func.count())
            .where(VolunteerTeam.level == "分队", VolunteerTeam.village_code.is_not(None))
            .group_by(VolunteerTeam.village_code)).tuples().all())
        county_teams = connection.scalar(
            select(func.count()).where(VolunteerTeam.level == "支队",
                                       VolunteerTeam.township_code.is_(None))) or 0
    rows = [{"code": COUNTY_CODE, "level": "county", "township_code": None,
             "teams": county_teams, "minimum": TEAM_MINIMUMS["county"]}]
    for record in divisions.itertuples():
        is_township = record.level == "township"
        rows.append({
            "code": record.code, "level": record.level,
            "township_code": record.code if is_township else record.parent_code,
            "teams": (township_teams if is_township else village_teams).get(record.code, 0),
            "minimum": TEAM_MINIMUMS[record.level],
        })
    frame = pd.DataFrame(rows)
    return frame[frame["teams"] < frame["minimum"]].reset_index(drop=True)


def _shortfalls_under(shortfalls: pd.DataFrame, code: str, level: Level) -> int:
    if level == "county":
        return len(shortfalls)
    if level == "township":
        return int((shortfalls["township_code"] == code).sum())
    return int((shortfalls["code"] == code).sum())


@domain_aggregate("inspections")
def _inspections(engine: Engine, period: Period, level: Level,
                 within: str | None) -> pd.DataFrame:
    if level == "village":
        # Inspection objects are recorded by township only.
        raise PeriodNotApplicable("village")
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
        dates_between(InspectionResult.drawn_on, period))
    within_column = _within_column(within, InspectionResult.township_code, None)
    return _grouped(engine, query, InspectionResult.township_code, level, within,
                    within_column)
