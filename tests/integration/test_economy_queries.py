"""Collective-economy queries against the demo database (2019 reproduces the seed article)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access.demo.shared import DEMO_COUNTY_CODE as COUNTY_CODE
from data_access.economy import (
    INCOME_LINES,
    cooperative_summary,
    income_composition,
    income_trend,
    land_transfer_summary,
    tier_counts,
    village_incomes,
)
from data_access.indicator_values import indicator_by_division, indicator_values
from metrics.economy import standard_count, tier_summary, tiers_of
from metrics.periods import parse_period


def _indicator(engine, indicator_id: str, period: str) -> float:
    values = indicator_values(engine, parse_period(period), "county", COUNTY_CODE,
                              [indicator_id])
    return values[0].value


def test_2019_tier_counts_match_the_seed_article(demo_engine) -> None:
    summary = tier_summary(tier_counts(demo_engine, 2019, 0)).set_index("tier")["count"]
    assert summary["below_5"] == 0
    assert summary["from_5"] == 42
    assert summary["from_100"] == 4
    assert standard_count(tier_summary(tier_counts(demo_engine, 2019, 0))) == 111
    assert summary.sum() == 153


@pytest.mark.parametrize("period", ["2019", "2025", "2026-Q3"])
def test_sql_tiers_agree_with_the_metric_and_the_indicators(demo_engine, period) -> None:
    p = parse_period(period)
    counts = tier_counts(demo_engine, p.year, p.quarter)
    rows = village_incomes(demo_engine, p.year, p.quarter)
    by_metric = tiers_of(rows["operating_revenue"]).value_counts()
    assert counts.sort_index().to_dict() == by_metric.sort_index().to_dict()
    summary = tier_summary(counts)
    assert standard_count(summary) == _indicator(demo_engine, "villages_over_100k", period)
    assert summary.set_index("tier").at["from_100", "count"] == _indicator(
        demo_engine, "villages_over_1m", period)
    assert summary.set_index("tier").at["below_5", "count"] == _indicator(
        demo_engine, "villages_below_50k", period)


def test_village_rows_are_assessed_villages_with_their_lines(demo_engine) -> None:
    rows = village_incomes(demo_engine, 2019, 0)
    assert len(rows) == 153 and rows["code"].is_unique
    assert (rows["operating_revenue"] == rows["operating_income"] + rows["contract_income"]
            + rows["investment_income"]).all()
    assert rows["operating_revenue"].is_monotonic_decreasing
    assert rows["name"].str.endswith("村委会").all()
    assert rows["township"].notna().all()


@pytest.mark.parametrize("period", ["2019", "2025", "2026-Q2"])
def test_composition_sums_equal_the_indicator_totals(demo_engine, period) -> None:
    p = parse_period(period)
    composition = income_composition(demo_engine, p.year, p.quarter)
    county = composition.loc[COUNTY_CODE]
    townships = composition.drop(index=COUNTY_CODE)
    for column in [*INCOME_LINES, "operating_revenue", "count"]:
        assert townships[column].sum() == county[column], column
    assert county["operating_revenue"] == (county["operating_income"] + county["contract_income"]
                                           + county["investment_income"])
    mean = _indicator(demo_engine, "collective_income_mean", period)
    assert county["operating_revenue"] / county["count"] == pytest.approx(mean)
    by_township = indicator_by_division(demo_engine, "collective_income_mean", p, "township")
    reported = townships["operating_revenue"] / townships["count"]
    pd.testing.assert_series_equal(reported, by_township.reindex(reported.index),
                                   check_names=False)


def test_2019_mean_is_the_seed_articles(demo_engine) -> None:
    county = income_composition(demo_engine, 2019, 0).loc[COUNTY_CODE]
    assert county["operating_revenue"] / county["count"] == pytest.approx(256_000, rel=0.01)


def test_a_period_without_reports_is_empty(demo_engine) -> None:
    assert village_incomes(demo_engine, 2026, 4).empty
    assert tier_counts(demo_engine, 2026, 4).empty
    assert income_composition(demo_engine, 2026, 4).empty
    assert cooperative_summary(demo_engine, 2026).empty
    assert land_transfer_summary(demo_engine, 2026).empty


def test_trend_has_every_year_since_2017_and_townships_add_up(demo_engine) -> None:
    trend = income_trend(demo_engine)
    county = trend[trend["code"] == COUNTY_CODE].set_index("year")
    assert county.index.tolist() == list(range(2017, 2026))
    townships = trend[trend["code"] != COUNTY_CODE].groupby("year")["operating_revenue"].sum()
    assert townships.to_dict() == county["operating_revenue"].to_dict()
    assert county.at[2019, "operating_revenue"] == \
        income_composition(demo_engine, 2019, 0).at[COUNTY_CODE, "operating_revenue"]


def test_cooperatives_and_land_transfer_of_the_seed_years(demo_engine) -> None:
    coops = cooperative_summary(demo_engine, 2018)
    county = coops.loc[COUNTY_CODE]
    assert county["count"] == 26
    assert county["land_mu"] == pytest.approx(5_203)
    assert county["collective_income"] == 1_670_000
    assert coops.drop(index=COUNTY_CODE)["members"].sum() == county["members"]
    assert 500 <= county["guaranteed_per_mu"] <= 900
    land = land_transfer_summary(demo_engine, 2019)
    assert land.at[COUNTY_CODE, "new_mu"] == pytest.approx(50_000)
    assert land.drop(index=COUNTY_CODE)["total_mu"].sum() == pytest.approx(
        land.at[COUNTY_CODE, "total_mu"])
    assert 500 <= land.at[COUNTY_CODE, "rent_per_mu"] <= 900


def test_the_page_falls_back_to_the_last_complete_year(demo_engine) -> None:
    from callbacks.context import AppContext
    from callbacks.economy import economy_view, village_rows
    from dashboard.config import Settings

    context = AppContext(Settings(database_url=str(demo_engine.url),
                                  today=dt.date(2026, 11, 15)), demo_engine)
    assert economy_view(context, {}).period.label == "2025"
    assert economy_view(context, {"period": "2026-W10"}).period.label == "2025"
    view = economy_view(context, {"period": "2026-Q3"})
    assert [p.label for p in view.periods] == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1"]
    rows = village_rows(context, parse_period("2025"))
    assert rows["previous"].notna().all()
    fell = rows[rows["tier"] == "below_5"]
    assert len(fell) == _indicator(demo_engine, "villages_below_50k", "2025")
