"""Volunteer-service metrics: coverage, inactivity at the 30-day line, rates per 1,000 residents,
team minimums and the months a period is counted over."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from metrics.indicators import INDICATORS, share
from metrics.periods import parse_period
from metrics.volunteers import (
    days_without_activity,
    inactivity_as_of,
    is_inactive,
    minimum_summary,
    month_span,
    months_of,
    per_thousand,
    team_gaps,
    trailing_months,
)

AS_OF = dt.date(2026, 11, 15)


def test_coverage_is_a_share_of_stations_and_nan_without_stations() -> None:
    # Coverage is the one share helper's percentage (metrics.indicators.share).
    result = share(pd.Series([11, 12, 0, 0]), pd.Series([12, 12, 5, 0]))
    assert result.iloc[0] == 11 * 100 / 12
    assert result.iloc[1] == 100.0
    assert result.iloc[2] == 0.0
    assert math.isnan(result.iloc[3])


def test_inactive_from_exactly_30_days() -> None:
    last = pd.Series([pd.Timestamp("2026-11-15 09:00"),  # today: 0 days
                      pd.Timestamp("2026-10-17 20:00"),  # 29 days: still active
                      pd.Timestamp("2026-10-16 08:00"),  # exactly 30 days: inactive
                      pd.Timestamp("2026-10-10 10:00"),  # 36 days
                      pd.NaT])  # never
    days = days_without_activity(last, AS_OF)
    assert days.iloc[:4].tolist() == [0, 29, 30, 36]
    assert math.isnan(days.iloc[4])
    assert is_inactive(days).tolist() == [False, False, True, True, True]


def test_inactivity_is_measured_at_the_period_end_or_today_while_it_runs() -> None:
    assert inactivity_as_of(parse_period("2026-10"), AS_OF) == dt.date(2026, 10, 31)
    assert inactivity_as_of(parse_period("2026-11"), AS_OF) == AS_OF
    assert inactivity_as_of(parse_period("2026"), AS_OF) == AS_OF


def test_per_thousand_with_zero_or_missing_population() -> None:
    result = per_thousand(pd.Series([250.0, 10.0, 10.0, 0.0]),
                          pd.Series([50_000, 0, None, 1_000]))
    assert result.iloc[0] == 5.0
    assert math.isnan(result.iloc[1]) and math.isnan(result.iloc[2])
    assert result.iloc[3] == 0.0


def test_team_gaps_lists_only_units_below_their_minimum() -> None:
    units = pd.DataFrame({
        "code": ["421081000000", "421081103000", "421081100000", "421081002012",
                 "421081100201", "421081100202"],
        "level": ["county", "township", "township", "village", "village", "village"],
        "teams": [10, 3, 4, 1, 2, 0],
    })
    gaps = team_gaps(units)
    assert gaps["code"].tolist() == ["421081103000", "421081100202", "421081002012"]
    assert gaps["minimum"].tolist() == [4, 2, 2]
    assert gaps["gap"].tolist() == [1, 2, 1]
    summary = minimum_summary(units).set_index("level")
    assert summary.loc["county", "short"] == 0 and summary.loc["county", "minimum"] == 10
    assert summary.loc["township", "met"] == 1 and summary.loc["township", "short"] == 1
    assert summary.loc["village", "units"] == 3 and summary.loc["village", "short"] == 2


def test_months_a_period_touches() -> None:
    assert [m.label for m in months_of(parse_period("2026-Q4"), AS_OF)] == ["2026-10", "2026-11"]
    assert [m.label for m in months_of(parse_period("2026-W44"), AS_OF)] == ["2026-10",
                                                                            "2026-11"]
    assert len(months_of(parse_period("2025"), AS_OF)) == 12
    trailing = trailing_months(parse_period("2026-W44"))
    assert trailing[0].label == "2025-12" and trailing[-1].label == "2026-11"
    span = month_span(trailing)
    assert (span.start, span.end) == (dt.date(2025, 12, 1), dt.date(2026, 12, 1))


def _counts(**values: float) -> pd.DataFrame:
    base = dict.fromkeys(["activities", "hours", "volunteers", "beneficiaries", "shortfalls",
                          "stations", "stations_short", "active_station_months",
                          "station_months", "population"], 0.0)
    return pd.DataFrame([{**base, **values}])


def test_volunteer_indicator_definitions() -> None:
    frame = _counts(hours=1_340.0, population=67_000, stations=192, stations_short=5,
                    active_station_months=178, station_months=192)
    assert INDICATORS["volunteer_hours_per_1000"].compute(frame).iloc[0] == 20.0
    assert round(INDICATORS["volunteer_team_compliance_rate"].compute(frame).iloc[0], 1) == 97.4
    assert round(INDICATORS["volunteer_monthly_coverage"].compute(frame).iloc[0], 1) == 92.7
    weeks = _counts(stations=192, active_station_months=69)  # station_months 0 for a week
    assert math.isnan(INDICATORS["volunteer_monthly_coverage"].compute(weeks).iloc[0])
    assert math.isnan(INDICATORS["volunteer_hours_per_1000"].compute(weeks).iloc[0])
