"""Volunteer-service queries against the demo database (as of 2026-11-15): the deliberate gaps
of the demo (teams short of the minimum, stations without activity) come out exactly."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.aggregates import aggregate, team_shortfalls
from data_access.demo.shared import DEMO_COUNTY_CODE as COUNTY_CODE
from data_access.demo.volunteers import (
    INACTIVE_VILLAGES,
    SHORTFALL_TOWNSHIPS,
    SHORTFALL_VILLAGES,
)
from data_access.models import Division, VolunteerActivity, VolunteerTeam
from data_access.teams import unit_teams
from data_access.volunteers import (
    activity_by_month,
    activity_rows,
    last_activities,
    station_coverage,
    teams_by_category,
)
from metrics.indicators import INDICATORS
from metrics.periods import parse_period
from metrics.vocabulary import VILLAGE_UNIT_TYPES
from metrics.volunteers import (
    days_without_activity,
    is_inactive,
    minimum_summary,
    months_of,
    team_gaps,
)

AS_OF = dt.date(2026, 11, 15)


def _scalar(engine, query) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(query) or 0)


def test_shortfall_units_are_exactly_the_demo_gaps(demo_engine) -> None:
    gaps = team_gaps(unit_teams(demo_engine))
    assert set(gaps["code"]) == set(SHORTFALL_TOWNSHIPS) | set(SHORTFALL_VILLAGES)
    assert set(gaps["code"]) == set(team_shortfalls(demo_engine)["code"])  # the indicator's rule
    by_code = gaps.set_index("code")
    for code in SHORTFALL_TOWNSHIPS:
        assert (by_code.at[code, "level"], by_code.at[code, "teams"],
                by_code.at[code, "minimum"], by_code.at[code, "gap"]) == ("township", 3, 4, 1)
    for code in SHORTFALL_VILLAGES:
        assert (by_code.at[code, "level"], by_code.at[code, "teams"],
                by_code.at[code, "minimum"], by_code.at[code, "gap"]) == ("village", 1, 2, 1)
    assert gaps["township"].str.len().gt(0).all()


def test_unit_teams_cover_every_unit_and_every_team(demo_engine) -> None:
    units = unit_teams(demo_engine)
    assert units["level"].value_counts().to_dict() == {"village": 192, "township": 15,
                                                       "county": 1}
    assert units["code"].is_unique
    stations = _scalar(demo_engine, select(func.count()).select_from(Division).where(
        Division.level == "village", Division.unit_type.in_(VILLAGE_UNIT_TYPES)))
    assert (units["level"] == "village").sum() == stations
    assert "生活区" not in set(units["unit_type"])
    county = units[units["level"] == "county"].iloc[0]
    assert county["code"] == COUNTY_CODE and county["teams"] == 10
    detachments = _scalar(demo_engine, select(func.count()).where(VolunteerTeam.level == "支队"))
    village_teams = _scalar(demo_engine, select(func.count()).where(
        VolunteerTeam.level == "分队"))
    summary = minimum_summary(units).set_index("level")
    assert summary.loc["county", "teams"] + summary.loc["township", "teams"] == detachments
    assert summary.loc["village", "teams"] == village_teams
    assert summary["short"].to_dict() == {"county": 0, "township": 1, "village": 5}
    categories = teams_by_category(demo_engine)
    assert categories["teams"].sum() == _scalar(demo_engine,
                                                select(func.count()).select_from(VolunteerTeam))


def test_inactive_stations_include_the_demo_and_none_was_active_in_30_days(demo_engine) -> None:
    stations = last_activities(demo_engine, AS_OF)
    days = days_without_activity(stations["last_at"], AS_OF)
    inactive = set(stations.loc[is_inactive(days), "code"])
    assert set(INACTIVE_VILLAGES) <= inactive
    window_start = dt.datetime.combine(AS_OF - dt.timedelta(days=29), dt.time())
    window_end = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time())
    with demo_engine.connect() as connection:
        recent = set(connection.scalars(
            select(VolunteerActivity.village_code).distinct()
            .where(VolunteerActivity.start_at >= window_start,
                   VolunteerActivity.start_at < window_end,
                   VolunteerActivity.village_code.is_not(None))))
    assert not inactive & recent
    assert inactive | recent >= set(stations["code"])  # every station is one or the other


def test_monthly_coverage_counts_stations_with_an_activity(demo_engine) -> None:
    october = parse_period("2026-10")
    frame = station_coverage(demo_engine, tuple(months_of(october, AS_OF)))
    assert len(frame) == 15 and frame["stations"].sum() == 192
    start = dt.datetime(2026, 10, 1)
    end = dt.datetime(2026, 11, 1)
    active = _scalar(demo_engine, select(func.count(func.distinct(VolunteerActivity.village_code)))
                     .join(Division, Division.code == VolunteerActivity.village_code)
                     .where(VolunteerActivity.start_at >= start, VolunteerActivity.start_at < end,
                            Division.unit_type.in_(VILLAGE_UNIT_TYPES)))
    assert frame["active"].sum() == active
    counts = aggregate(demo_engine, "volunteers", october, "county")
    value = INDICATORS["volunteer_monthly_coverage"].compute(counts).iloc[0]
    assert value == pytest.approx(active * 100 / 192)


def test_a_year_pools_its_months(demo_engine) -> None:
    year = parse_period("2025")
    frame = station_coverage(demo_engine, tuple(months_of(year, AS_OF)))
    counts = aggregate(demo_engine, "volunteers", year, "county")
    assert counts.at[COUNTY_CODE, "station_months"] == 192 * 12
    assert counts.at[COUNTY_CODE, "active_station_months"] == frame["active"].sum()


def test_sums_by_township_and_month_add_up(demo_engine) -> None:
    quarter = parse_period("2026-Q3")
    months = activity_by_month(demo_engine, quarter)
    assert sorted(months["month"].unique()) == ["2026-07", "2026-08", "2026-09"]
    county = aggregate(demo_engine, "volunteers", quarter, "county")
    townships = aggregate(demo_engine, "volunteers", quarter, "township")
    assert months["activities"].sum() == county.at[COUNTY_CODE, "activities"]
    assert months["hours"].sum() == pytest.approx(county.at[COUNTY_CODE, "hours"])
    placed = months.dropna(subset=["township_code"]).groupby("township_code")["activities"].sum()
    pd.testing.assert_series_equal(placed.sort_index(), townships["activities"].sort_index(),
                                   check_names=False, check_dtype=False)
    per_thousand = INDICATORS["volunteer_hours_per_1000"].compute(county).iloc[0]
    assert per_thousand == pytest.approx(county.at[COUNTY_CODE, "hours"] * 1000 / 670_000)


def test_activity_rows_behind_a_township(demo_engine) -> None:
    october = parse_period("2026-10")
    township = "421081002000"  # 笔架山街道
    rows, total = activity_rows(demo_engine, october, township)
    counts = aggregate(demo_engine, "volunteers", october, "township")
    assert len(rows) == total == counts.at[township, "activities"] > 0
    assert rows["start_at"].dt.strftime("%Y-%m").eq("2026-10").all()
    assert set(rows["township"]) == {"笔架山街道"}
    assert rows["code"].is_unique and rows["team"].notna().all()


def test_a_period_without_activities_is_empty(demo_engine) -> None:
    assert activity_by_month(demo_engine, parse_period("2020")).empty
    rows, total = activity_rows(demo_engine, parse_period("2020-05"))
    assert rows.empty and total == 0
