"""Aggregate counts per division, computed in SQL: the inputs of every indicator.

`aggregate(engine, domain, period, level, within)` returns one row per division at `level`
(county, township or village) under `within` (a division code, or the whole county), with the
count and sum columns that `metrics.indicators` turns into values. Divisions with no records
get zero counts, so a village with no cases shows 0 rather than disappearing.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd
from sqlalchemy import Date, Engine, Select, and_, case, cast, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from data_access.cache import cached
from data_access.divisions import COUNTY_CODE
from data_access.models import (
    CollectiveIncome,
    Division,
    InspectionResult,
    ServiceCase,
    VolunteerActivity,
    VolunteerTeam,
)
from metrics.indicators import STANDARD_FROM, STRONG_FROM, WEAK_BELOW, Domain
from metrics.periods import Period
from metrics.vocabulary import (
    ASSESSED_UNIT_TYPE,
    PROBLEM_RESULT_CODES,
    RECTIFY_DISPOSAL,
    TEAM_MINIMUMS,
    VILLAGE_UNIT_TYPES,
)

Level = Literal["county", "township", "village"]
GOOD_RATING_FROM = 4


class PeriodNotApplicable(ValueError):
    """The domain is not reported for this kind of period (income is yearly or quarterly)."""


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _day(engine: Engine, column: ColumnElement[dt.datetime]) -> ColumnElement[dt.date]:
    """The calendar day of a datetime column, comparable with Date columns on both backends."""
    return func.date(column) if engine.dialect.name == "sqlite" else cast(column, Date)


def _between(column: ColumnElement[dt.datetime], period: Period) -> ColumnElement[bool]:
    start = dt.datetime.combine(period.start, dt.time())
    end = dt.datetime.combine(period.end, dt.time())
    return and_(column >= start, column < end)


def _dates_between(column: ColumnElement[dt.date], period: Period) -> ColumnElement[bool]:
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


def _grouped(engine: Engine, query: Select, key: ColumnElement[str] | None, level: Level,
             within: str | None, within_column: ColumnElement[str] | None) -> pd.DataFrame:
    """Runs an aggregate query grouped by division key, zero-filled over the divisions."""
    group_key = key if level != "county" else literal(COUNTY_CODE)
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


@cached
def aggregate(engine: Engine, domain: Domain, period: Period, level: Level,
              within: str | None = None) -> pd.DataFrame:
    return _AGGREGATES[domain](engine, period, level, within)


def _income(engine: Engine, period: Period, level: Level, within: str | None) -> pd.DataFrame:
    if period.kind not in ("year", "quarter"):
        raise PeriodNotApplicable(period.kind)
    revenue = CollectiveIncome.operating_revenue
    query = (
        select(
            func.count().label("villages"),
            func.coalesce(func.sum(revenue), 0).label("revenue_sum"),
            func.coalesce(func.sum(CollectiveIncome.subsidy_income), 0).label("subsidy_sum"),
            _count(revenue >= STANDARD_FROM).label("over_100k"),
            _count(revenue >= STRONG_FROM).label("over_1m"),
            _count(revenue < WEAK_BELOW).label("below_50k"),
        )
        .join(Division, Division.code == CollectiveIncome.village_code)
        .where(Division.unit_type == ASSESSED_UNIT_TYPE, CollectiveIncome.year == period.year,
               CollectiveIncome.quarter == period.quarter)
    )
    key = {"township": CollectiveIncome.township_code, "village": CollectiveIncome.village_code}
    within_column = _within_column(within, CollectiveIncome.township_code,
                                   CollectiveIncome.village_code)
    return _grouped(engine, query, key.get(level), level, within, within_column)


def _within_column(within: str | None, township: ColumnElement[str],
                   village: ColumnElement[str] | None) -> ColumnElement[str] | None:
    if not within or within == COUNTY_CODE:
        return None
    return township if is_township_code(within) else village


def is_township_code(code: str) -> bool:
    """NBS codes: a township is its 9-digit code followed by 000; villages never end so."""
    return code.endswith("000") and not code.endswith("000000")


def _services(engine: Engine, period: Period, level: Level, within: str | None) -> pd.DataFrame:
    case_key = {"township": ServiceCase.township_code, "village": ServiceCase.division_code}
    within_column = _within_column(within, ServiceCase.township_code, ServiceCase.division_code)
    accepted = select(
        func.count().label("cases"),
        _count(ServiceCase.fully_online.is_(True)).label("fully_online"),
    ).where(_between(ServiceCase.accepted_at, period))
    finished = select(
        func.count().label("finished"),
        _count(_day(engine, ServiceCase.finished_at) <= ServiceCase.due_date).label("on_time"),
        _count(ServiceCase.visits <= 1).label("one_visit"),
        _count(ServiceCase.rating.is_not(None)).label("rated"),
        _count(ServiceCase.rating >= GOOD_RATING_FROM).label("rated_good"),
    ).where(_between(ServiceCase.finished_at, period))
    key = case_key.get(level)
    return pd.concat([
        _grouped(engine, accepted, key, level, within, within_column),
        _grouped(engine, finished, key, level, within, within_column),
    ], axis=1)


def _volunteers(engine: Engine, period: Period, level: Level,
                within: str | None) -> pd.DataFrame:
    query = select(
        func.count().label("activities"),
        func.coalesce(func.sum(VolunteerActivity.hours), 0).label("hours"),
        func.coalesce(func.sum(VolunteerActivity.volunteers), 0).label("volunteers"),
        func.coalesce(func.sum(VolunteerActivity.beneficiaries), 0).label("beneficiaries"),
    ).where(_between(VolunteerActivity.start_at, period))
    key = {"township": VolunteerActivity.township_code,
           "village": VolunteerActivity.village_code}.get(level)
    within_column = _within_column(within, VolunteerActivity.township_code,
                                   VolunteerActivity.village_code)
    frame = _grouped(engine, query, key, level, within, within_column)
    shortfalls = team_shortfalls(engine)
    frame["shortfalls"] = [
        _shortfalls_under(shortfalls, code, level) for code in frame.index
    ]
    return frame


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
            .group_by(VolunteerTeam.township_code)).all())
        village_teams = dict(connection.execute(
            select(VolunteerTeam.village_code, func.count())
            .where(VolunteerTeam.level == "分队", VolunteerTeam.village_code.is_not(None))
            .group_by(VolunteerTeam.village_code)).all())
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


def _inspections(engine: Engine, period: Period, level: Level,
                 within: str | None) -> pd.DataFrame:
    if level == "village":
        # Inspection objects are recorded by township only.
        raise PeriodNotApplicable("village")
    ordered = InspectionResult.disposal == RECTIFY_DISPOSAL
    query = select(
        func.count().label("drawn"),
        _count(InspectionResult.inspected_on.is_not(None)).label("inspected"),
        _count(InspectionResult.published_on.is_not(None)).label("published"),
        _count(InspectionResult.result_code.in_(PROBLEM_RESULT_CODES)).label("with_problem"),
        _count(ordered).label("ordered"),
        _count(ordered & InspectionResult.rectified_on.is_not(None)).label("rectified"),
        _count(InspectionResult.published_on <= InspectionResult.publish_due)
        .label("published_on_time"),
    ).where(_dates_between(InspectionResult.drawn_on, period))
    within_column = _within_column(within, InspectionResult.township_code, None)
    return _grouped(engine, query, InspectionResult.township_code, level, within,
                    within_column)


_AGGREGATES = {
    "income": _income,
    "services": _services,
    "volunteers": _volunteers,
    "inspections": _inspections,
}
