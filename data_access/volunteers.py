"""Volunteer-service queries for the /volunteers page: SQL aggregates returned as DataFrames.

Counts and sums are GROUP BYs in the database; the only per-row reads are the stations with
their last activity (192) and the activities behind one township bar (a few hundred a year).
The units with a team minimum and their teams are data_access/teams.py's.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, Select, case, func, select
from sqlalchemy.orm import aliased

from data_access import access
from data_access.aggregates import between, month_of, rows_under
from data_access.cache import cached
from data_access.divisions import DivisionLevel, ancestor_code
from data_access.models import Division, VolunteerActivity, VolunteerTeam
from data_access.teams import COUNTY_DETACHMENT, STATION
from metrics.periods import Period
from metrics.volunteers import month_span

ROW_LIMIT = 5_000  # a list longer than this is for export, not for reading
SCOPES = ("corps", "county", "township", "village")

_SUMS = (func.count().label("activities"),
         func.coalesce(func.sum(VolunteerActivity.volunteers), 0).label("volunteers"),
         func.coalesce(func.sum(VolunteerActivity.hours), 0.0).label("hours"),
         func.coalesce(func.sum(VolunteerActivity.beneficiaries), 0).label("beneficiaries"))


def _read(engine: Engine, query: Select) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


@cached
def teams_by_category(engine: Engine) -> pd.DataFrame:
    """Teams on the roll by field of service and scope: category, scope (corps / county /
    township / village), teams, members."""
    scope = case((VolunteerTeam.level == "总队", "corps"), (COUNTY_DETACHMENT, "county"),
                 (VolunteerTeam.level == "支队", "township"), else_="village")
    query = (select(VolunteerTeam.category, scope.label("scope"), func.count().label("teams"),
                    func.coalesce(func.sum(VolunteerTeam.members), 0).label("members"))
             .group_by(VolunteerTeam.category, scope).order_by(VolunteerTeam.category))
    return _read(engine, query)


@cached
def activity_by_month(engine: Engine, period: Period) -> pd.DataFrame:
    """Activities that started in the period by township and month: township_code (None for
    county detachments' activities without a place), county_code, month (YYYY-MM),
    activities, volunteers, hours, beneficiaries."""
    month = month_of(engine, VolunteerActivity.start_at)
    query = (select(VolunteerActivity.township_code, VolunteerActivity.county_code,
                    month.label("month"), *_SUMS)
             .where(between(VolunteerActivity.start_at, period))
             .group_by(VolunteerActivity.township_code, VolunteerActivity.county_code, month)
             .order_by(month, VolunteerActivity.county_code, VolunteerActivity.township_code))
    return _read(engine, query)


@cached
def station_coverage(engine: Engine, months: tuple[Period, ...],
                     level: DivisionLevel = "township") -> pd.DataFrame:
    """For each of the months, per township (or the county they lie in): stations (村委会/
    居委会/社区) and active (those with at least one activity in the month): code, month,
    stations, active. Every division appears in every month."""
    frame = _township_coverage(engine, months).rename(columns={"township_code": "code"})
    if level != "township":
        frame["code"] = frame["code"].map(lambda code: ancestor_code(code, level))
        frame = frame.groupby(["code", "month"], as_index=False)[["stations", "active"]].sum()
    return frame


def _township_coverage(engine: Engine, months: tuple[Period, ...]) -> pd.DataFrame:
    if not months:
        return pd.DataFrame(columns=["township_code", "month", "stations", "active"])
    span = month_span(months)
    month = month_of(engine, VolunteerActivity.start_at)
    pairs = (select(VolunteerActivity.village_code, Division.parent_code, month.label("month"))
             .join(Division, Division.code == VolunteerActivity.village_code)
             .where(between(VolunteerActivity.start_at, span), STATION).distinct().subquery())
    active = (select(pairs.c.parent_code.label("township_code"), pairs.c.month,
                     func.count().label("active"))
              .group_by(pairs.c.parent_code, pairs.c.month))
    stations = (select(Division.parent_code.label("township_code"),
                       func.count().label("stations"))
                .where(Division.level == "village", STATION).group_by(Division.parent_code))
    active_frame = _read(engine, active)
    grid = _read(engine, stations).merge(
        pd.DataFrame({"month": [m.label for m in months]}), how="cross")
    frame = grid.merge(active_frame, on=["township_code", "month"], how="left")
    return frame.fillna({"active": 0}).astype({"active": int, "stations": int})


@cached
def last_activities(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Every station with its last activity that started on or before `as_of`: code, name,
    unit_type, township_code, township, last_at (NaT when none on record), activities_90 (in
    the 90 days to `as_of`)."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())
    recent = end - dt.timedelta(days=90)
    last = (select(VolunteerActivity.village_code.label("code"),
                   func.max(VolunteerActivity.start_at).label("last_at"),
                   func.coalesce(func.sum(case((VolunteerActivity.start_at >= recent, 1),
                                               else_=0)), 0).label("activities_90"))
            .where(VolunteerActivity.start_at < end, VolunteerActivity.village_code.is_not(None))
            .group_by(VolunteerActivity.village_code).subquery())
    township = aliased(Division)
    query = (select(Division.code, Division.name, Division.unit_type,
                    Division.parent_code.label("township_code"), township.name.label("township"),
                    last.c.last_at, func.coalesce(last.c.activities_90, 0).label("activities_90"))
             .join(township, township.code == Division.parent_code)
             .outerjoin(last, last.c.code == Division.code)
             .where(Division.level == "village", STATION).order_by(Division.code))
    frame = _read(engine, query)
    frame["last_at"] = pd.to_datetime(frame["last_at"])
    return frame


def activity_rows(engine: Engine, period: Period,
                  code: str | None = None) -> tuple[pd.DataFrame, int]:
    """Activities that started in the period (of one township, or a county of the area) that
    the viewer may see: rows, earliest first, and the full count. Columns: code, start_at,
    end_at, team, team_level, category, village, township, theme, volunteers, hours,
    beneficiaries."""
    return _activity_rows(engine, period, access.row_township(code))


@cached
def _activity_rows(engine: Engine, period: Period,
                   code: str | None) -> tuple[pd.DataFrame, int]:
    conditions = [between(VolunteerActivity.start_at, period)]
    if code:
        # A county's by the county an activity counts in: its county-level teams' included.
        conditions.append(rows_under(code, VolunteerActivity.township_code,
                                     VolunteerActivity.county_code))
    village = aliased(Division)
    township = aliased(Division)
    query = (select(VolunteerActivity.code, VolunteerActivity.start_at, VolunteerActivity.end_at,
                    VolunteerTeam.name.label("team"), VolunteerTeam.level.label("team_level"),
                    VolunteerTeam.category, village.name.label("village"),
                    township.name.label("township"), VolunteerActivity.theme,
                    VolunteerActivity.volunteers, VolunteerActivity.hours,
                    VolunteerActivity.beneficiaries)
             .join(VolunteerTeam, VolunteerTeam.code == VolunteerActivity.team_code)
             .outerjoin(village, village.code == VolunteerActivity.village_code)
             .outerjoin(township, township.code == VolunteerActivity.township_code)
             .where(*conditions)
             .order_by(VolunteerActivity.start_at, VolunteerActivity.code).limit(ROW_LIMIT))
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(VolunteerActivity)
                                  .where(*conditions)) or 0
        rows = pd.read_sql(query, connection)
    for column in ("start_at", "end_at"):
        rows[column] = pd.to_datetime(rows[column])
    return rows, int(total)
