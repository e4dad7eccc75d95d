"""The townships' and hall levels' service counts in a period are sums of one query grouped by
township and hall level (data_access.aggregates._service_halls), so that /services scans the
daily roll-up once for both. They must be exactly what each level's own SQL count gives: the
same numbers, the same zero-filled rows, the same dtypes, for every kind of period.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest
from sqlalchemy import Engine

from data_access import cache
from data_access.aggregates import (
    ServiceQuery,
    _filled,
    _keyed,
    _service_counts,
    aggregate,
    divisions_at,
    services_by_hall_level,
)
from data_access.runs import PERIOD, Run
from layouts.figures import ranked_bars_spec
from metrics.indicators import INDICATORS
from metrics.periods import Period, parse_period, year_to_date
from metrics.vocabulary import HALL_LEVELS
from tests.fixtures.processes import DEMO_AS_OF

# Month, quarter, year, week, the year to date, and a month before any case.
PERIODS = [parse_period(label) for label in ("2026-10", "2026-Q3", "2025", "2026-W45",
                                             "2024-10")] + [
    year_to_date(dt.date.fromisoformat(DEMO_AS_OF))]


def _counted_by(engine: Engine, period: Period, key: str, name: str,
                keys: list[str]) -> pd.DataFrame:
    """The service counts grouped by `key` in SQL, one query per count: how they were read
    before the halls' query."""
    run = Run((period,))

    def grouped(source: ServiceQuery) -> pd.DataFrame:
        column = source.keys[key]
        bucket = None if source.bucket is None else source.bucket.column
        return _filled(engine, _keyed(source.query.group_by(column), column, name, bucket), {},
                       name, keys, source.bucket)

    return _service_counts(run, grouped).droplevel(PERIOD)


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


@pytest.mark.parametrize("indicator_id", ["service_cases", "service_on_time_rate"])
def test_the_ranked_bars_spec_is_a_valid_figure(indicator_id: str) -> None:
    """The spec goes to dcc.Graph unvalidated: go.Figure validates it here."""
    table = pd.DataFrame({"code": ["a", "b", "c"], "name": ["甲", "乙", "丙"],
                          "value": [3.5, None, 120.0], "rank": [1, None, 2]})
    figure = go.Figure(ranked_bars_spec(table, INDICATORS[indicator_id], "zh", height=200))
    assert list(figure.data[0].y) == ["丙", "乙", "甲"]
    assert list(figure.data[0].customdata) == ["c", "b", "a"]
