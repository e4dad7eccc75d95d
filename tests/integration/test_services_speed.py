"""The townships' and hall levels' service counts in a period are sums of one query grouped by
township and hall level (data_access.aggregates._service_halls), so that /services scans the
daily roll-up once for both. They must be exactly what each level's own SQL count gives: the
same numbers, the same zero-filled rows, the same dtypes, for every kind of period.

Months, quarters and years read the monthly roll-up, and other periods over the whole area sum
the daily roll-up by day first, then the days by period (data_access.aggregates._daily_by_day):
their counts must be those of the daily roll-up's rows grouped by period at once, the query
that defines them.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest
from sqlalchemy import Engine

from data_access import cache
from data_access.aggregates import (
    Level,
    ServiceQuery,
    _filled,
    _grouped,
    _keyed,
    _service_counts,
    _within_column,
    aggregate,
    aggregate_over,
    cases_known_until,
    divisions_at,
    level_key,
    services_by_hall_level,
)
from data_access.runs import PERIOD, Run
from layouts.figures import ranked_bars_spec
from metrics.indicators import INDICATORS
from metrics.periods import Period, parse_period, recent_periods, year_to_date
from metrics.vocabulary import HALL_LEVELS
from tests.fixtures.processes import DEMO_AS_OF

# Month, quarter, year, week, the year to date, and a month before any case.
PERIODS = [parse_period(label) for label in ("2026-10", "2026-Q3", "2025", "2026-W45",
                                             "2024-10")] + [
    year_to_date(dt.date.fromisoformat(DEMO_AS_OF))]


def _counted_by(engine: Engine, period: Period, key: str, name: str,
                keys: list[str]) -> pd.DataFrame:
    """The service counts grouped by `key` in SQL, one query per count, from the daily
    roll-up: how they were read before the halls' query and the monthly roll-up."""
    run = Run((period,))

    def grouped(source: ServiceQuery) -> pd.DataFrame:
        column = source.keys[key]
        bucket = None if source.bucket is None else source.bucket.column
        return _filled(engine, _keyed(source.query.group_by(column), column, name, bucket), {},
                       name, keys, source.bucket)

    return _service_counts(run, grouped, cases_known_until(engine),
                           from_days=True).droplevel(PERIOD)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
def test_township_and_hall_counts_are_the_sums_of_the_halls(demo_engine, period: Period) -> None:
    cache.clear()
    townships = divisions_at(demo_engine, "township", None)
    pd.testing.assert_frame_equal(
        aggregate(demo_engine, "services", period, "township"),
        _counted_by(demo_engine, period, "township", "code", townships))
    pd.testing.assert_frame_equal(
        services_by_hall_level(demo_engine, period),
        _counted_by(demo_engine, period, "hall_level", "hall_level",
                    list(HALL_LEVELS.values())))


def _counted_at_once(engine: Engine, run: Run, level: Level, within: str | None) -> pd.DataFrame:
    """The service counts of a run, each query's rows grouped by division and period at once,
    from the daily roll-up."""
    def grouped(source: ServiceQuery) -> pd.DataFrame:
        columns = (source.keys["township"], source.keys["village"], source.keys["village"])
        return _grouped(engine, source.query, level_key(level, *columns), level, within,
                        _within_column(engine, within, *columns), source.bucket)

    return _service_counts(run, grouped, cases_known_until(engine), from_days=True)


_TODAY = dt.date.fromisoformat(DEMO_AS_OF)
# The /services trend's 12 weeks, the village page's 24 months, two quarters, and one month.
RUNS = {
    "12 weeks": Run(tuple(reversed(recent_periods("week", _TODAY)[:12]))),
    "24 months": Run(tuple(reversed(recent_periods("month", _TODAY)[:24]))),
    "2 quarters": Run((parse_period("2026-Q1"), parse_period("2026-Q2"))),
    "a month": Run((parse_period("2026-09"),)),
}


@pytest.mark.both_backends
@pytest.mark.parametrize("level, within", [
    ("county", None), ("township", None), ("village", "421081100000"),
    ("village", "421081100212"), ("township", "421081105000")])
@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
def test_the_daily_sums_by_day_first_are_those_of_the_rows(demo_engine, run: Run, level: Level,
                                                           within: str | None) -> None:
    cache.clear()
    found = aggregate_over(demo_engine, "services", run, level, within)
    expected = _counted_at_once(demo_engine, run, level, within)
    assert found["cases"].sum() > 0
    pd.testing.assert_frame_equal(found, expected)


@pytest.mark.parametrize("indicator_id", ["service_cases", "service_on_time_rate"])
def test_the_ranked_bars_spec_is_a_valid_figure(indicator_id: str) -> None:
    """The spec goes to dcc.Graph unvalidated: go.Figure validates it here."""
    table = pd.DataFrame({"code": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
                          "value": [3.5, None, 120.0], "rank": [1, None, 2]})
    figure = go.Figure(ranked_bars_spec(table, INDICATORS[indicator_id], "zh", height=200))
    assert list(figure.data[0].y) == ["丙", "乙", "甲"]
    assert list(figure.data[0].customdata) == ["c", "b", "a"]
