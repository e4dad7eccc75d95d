"""Collective-economy metrics: tier boundaries, tier changes, year-on-year growth, periods."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from metrics.economy import (
    STANDARD_TIERS,
    TIER_IDS,
    TIER_LINES,
    economy_periods,
    fell_a_tier,
    standard_count,
    tier_changes,
    tier_of,
    tier_rank,
    tier_summary,
    tiers_of,
    yoy_between,
    yoy_growth,
    yoy_series,
)
from metrics.indicators import INDICATORS, share_of


@pytest.mark.parametrize(("value", "tier"), [
    (0, "below_5"),
    (-1_000, "below_5"),
    (49_999, "below_5"),
    (49_999.99, "below_5"),
    (50_000, "from_5"),
    (99_999, "from_5"),
    (100_000, "from_10"),
    (499_999, "from_10"),
    (500_000, "from_50"),
    (999_999, "from_50"),
    (1_000_000, "from_100"),
    (25_000_000, "from_100"),
])
def test_tier_boundaries_go_to_the_upper_tier(value: float, tier: str) -> None:
    assert tier_of(value) == tier


def test_no_value_has_no_tier() -> None:
    assert tier_of(None) is None
    assert tier_of(math.nan) is None
    assert tier_rank(None) is None
    assert tiers_of(pd.Series([50_000, None])).tolist() == ["from_5", None]


def test_tiers_are_ordered_and_lines_are_their_lower_bounds() -> None:
    assert TIER_IDS == ("below_5", "from_5", "from_10", "from_50", "from_100")
    assert TIER_LINES == (50_000, 100_000, 500_000, 1_000_000)
    assert [tier_rank(t) for t in TIER_IDS] == [0, 1, 2, 3, 4]
    assert STANDARD_TIERS == ("from_10", "from_50", "from_100")


def test_tier_summary_fills_every_tier_and_shares_add_up() -> None:
    summary = tier_summary(pd.Series({"from_5": 1, "from_10": 2, "from_100": 1}))
    assert summary["tier"].tolist() == list(TIER_IDS)
    assert summary["count"].tolist() == [0, 1, 2, 0, 1]
    assert summary["share"].tolist() == [0.0, 25.0, 50.0, 0.0, 25.0]
    assert standard_count(summary) == 3


def test_tier_summary_without_villages_has_no_shares() -> None:
    summary = tier_summary(pd.Series(dtype=int))
    assert summary["count"].sum() == 0
    assert summary["share"].isna().all()


def test_tier_changes_lists_moves_largest_fall_first() -> None:
    previous = pd.Series({"a": 120_000, "b": 60_000, "c": 1_200_000, "d": 40_000,
                          "e": 300_000, "gone": 80_000})
    current = pd.Series({"a": 45_000, "b": 100_000, "c": 999_999, "d": 49_999,
                         "e": 310_000, "new": 70_000})
    changes = tier_changes(current, previous)
    assert changes["code"].tolist() == ["a", "c", "b"]
    assert changes.set_index("code")["steps"].to_dict() == {"a": -2, "c": -1, "b": 1}
    first = changes.iloc[0]
    assert (first["from_tier"], first["to_tier"]) == ("from_10", "below_5")
    assert (first["previous"], first["current"]) == (120_000, 45_000)
    fell = fell_a_tier(current, previous)
    assert fell["code"].tolist() == ["a", "c"]


def test_tier_change_exactly_on_a_boundary() -> None:
    fell = fell_a_tier(pd.Series({"x": 99_999}), pd.Series({"x": 100_000}))
    assert fell[["from_tier", "to_tier"]].iloc[0].tolist() == ["from_10", "from_5"]
    assert fell_a_tier(pd.Series({"x": 100_000}), pd.Series({"x": 100_001})).empty


def test_no_tier_changes_without_common_villages() -> None:
    assert tier_changes(pd.Series({"a": 1.0}), pd.Series({"b": 1.0})).empty
    assert fell_a_tier(pd.Series(dtype=float), pd.Series(dtype=float)).empty


def test_yoy_growth() -> None:
    assert yoy_growth(110, 100) == pytest.approx(10.0)
    assert yoy_growth(90, 100) == pytest.approx(-10.0)
    assert yoy_growth(100, 0) is None  # zero base
    assert yoy_growth(0, 0) is None
    assert yoy_growth(100, None) is None
    assert yoy_growth(None, 100) is None
    assert yoy_growth(math.nan, 100) is None
    assert yoy_growth(0, 100) == pytest.approx(-100.0)


def test_yoy_series_and_between_leave_zero_bases_empty() -> None:
    growth = yoy_series(pd.Series([100, 120, 0, 50, 60]))
    assert math.isnan(growth.iloc[0])
    assert growth.iloc[1] == pytest.approx(20.0)
    assert growth.iloc[2] == pytest.approx(-100.0)
    assert math.isnan(growth.iloc[3])  # zero base
    assert growth.iloc[4] == pytest.approx(20.0)
    between = yoy_between(pd.Series({"a": 110, "b": 5, "c": 7}), pd.Series({"a": 100, "b": 0}))
    assert between["a"] == pytest.approx(10.0)
    assert math.isnan(between["b"]) and math.isnan(between["c"])


def test_share_of() -> None:
    assert share_of(1, 4) == 25.0
    assert share_of(1, 0) is None and share_of(None, 4) is None
    assert share_of(1, float("nan")) is None


def test_economy_periods_are_complete_years_or_this_years_quarters() -> None:
    today = dt.date(2026, 11, 15)
    years = [p.label for p in economy_periods("year", today)]
    assert years[0] == "2025" and years[-1] == "2017" and len(years) == 9
    quarters = [p.label for p in economy_periods("quarter", today)]
    assert quarters == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1"]
    assert [p.label for p in economy_periods("quarter", dt.date(2027, 1, 2))] == ["2027-Q1"]


def test_a_division_without_income_reports_has_no_village_counts() -> None:
    """No reports is not "no weak villages": the counts are missing, as the mean is, so a
    county not yet reporting is neither ranked first nor 达标."""
    frame = pd.DataFrame({"villages": [4, 0], "revenue_sum": [400_000, 0],
                          "over_100k": [2, 0], "over_1m": [0, 0], "below_50k": [1, 0]})
    for indicator_id in ("villages_below_50k", "villages_over_100k", "villages_over_1m",
                         "collective_income_mean"):
        values = INDICATORS[indicator_id].compute(frame)
        assert values.notna().tolist() == [True, False], indicator_id
    assert INDICATORS["villages_below_50k"].compute(frame).iloc[0] == 1
