"""A trend is one grouped query per count, not one aggregate per period (data_access.trends):
its figures are exactly those of each period on its own, on the demo database (as of
2026-11-15) and on PostgreSQL.

The reference is the per-period way, written out here: `indicator_values` for one period after
another."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import Engine, Table, select

from callbacks.context import AppContext
from callbacks.views import TREND_MONTHS, village_trend_frames
from data_access import cache
from data_access.aggregates import Level, aggregate_over
from data_access.db import get_engine, upgrade_to_head
from data_access.importing.case_partitions import add_partitions
from data_access.indicator_values import indicator_values
from data_access.models import Base, ServiceCase
from data_access.runs import Run
from data_access.trends import indicator_trend
from metrics.domains import DOMAINS, village_trends
from metrics.periods import Period, parse_period, recent_periods, year_to_date
from tests.conftest import DEMO_AS_OF
from tests.fixtures.postgres import PostgresServer

TODAY = dt.date.fromisoformat(DEMO_AS_OF)
COUNTY = "421081000000"
# A 村委会, a 居委会 (no collective income: not assessed), a 社区, and a 生活区: no records at
# all, and not a station, so no aggregate has a row for it.
VILLAGES = ("421081100212", "421081108001", "421081001007", "421081001502")
TOWNSHIPS = ("421081100000", "421081105000")
# The village page's grains: the last 24 months up to the current, incomplete one, and the
# complete years; quarters and weeks (the services page's trend) group by other buckets.
GRAINS: dict[str, list[Period]] = {
    "month": recent_periods("month", TODAY)[:TREND_MONTHS],
    "year": [p for p in recent_periods("year", TODAY) if p.end <= TODAY],
    "quarter": recent_periods("quarter", TODAY),
    "week": recent_periods("week", TODAY),
}
ALL_INDICATORS = [i.id for domain in DOMAINS for i in domain.indicators]


def per_period(engine: Engine, ids: list[str], level: Level, code: str,
               periods: list[Period]) -> pd.DataFrame:
    """The reference: one period after another, each through `indicator_values` alone."""
    rows = []
    for period in sorted(periods, key=lambda p: p.start):
        values = indicator_values(engine, period, level, code, ids)
        rows.append({"period": period.label, **{v.indicator.id: v.value for v in values}})
    return pd.DataFrame(rows, columns=["period", *ids])


def assert_same_figures(trend: pd.DataFrame, reference: pd.DataFrame) -> None:
    """Same periods in the same order, same columns, and the same value in every cell (no
    value where the reference has none; floats to rounding)."""
    assert list(trend.columns) == list(reference.columns)
    assert trend["period"].tolist() == reference["period"].tolist()
    pd.testing.assert_frame_equal(trend.drop(columns="period").astype(float),
                                  reference.drop(columns="period").astype(float),
                                  check_exact=False, rtol=1e-12, atol=0.0)


def reported(frame: pd.DataFrame) -> int:
    """How many cells hold a value: a comparison of empty trends would prove nothing."""
    return int(frame.drop(columns="period").notna().sum().sum())


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize("code", VILLAGES)
def test_village_trend_charts_are_the_per_period_figures(demo_context: AppContext,
                                                         code: str) -> None:
    frames = village_trend_frames(demo_context, code)
    assert set(frames) == {chart.grain for chart in village_trends()}
    assert frames["month"]["period"].tolist()[-1] == "2026-11"  # the current month, incomplete
    assert len(frames["month"]) == TREND_MONTHS
    assert frames["year"]["period"].tolist()[-1] == "2025"  # the last complete year
    for grain, frame in frames.items():
        ids = list(dict.fromkeys(i for chart in village_trends() if chart.grain == grain
                                 for i in chart.indicators))
        assert list(frame.columns) == ["period", *ids]
        periods = [parse_period(label) for label in frame["period"]]
        reference = per_period(demo_context.engine, ids, "village", code, periods)
        assert_same_figures(frame, reference)
        if code == VILLAGES[0]:
            assert reported(reference) >= len(reference) * len(ids) // 2
        if code == VILLAGES[-1]:
            assert reported(reference) == 0


@pytest.mark.parametrize(("level", "code", "grain"), [
    *(("township", code, grain) for code in TOWNSHIPS for grain in ("month", "year")),
    *(("county", COUNTY, grain) for grain in GRAINS),
])
def test_every_indicator_is_the_per_period_figure(demo_engine: Engine, level: Level, code: str,
                                                  grain: str) -> None:
    periods = GRAINS[grain]
    trend = indicator_trend(demo_engine, ALL_INDICATORS, level, code, periods)
    reference = per_period(demo_engine, ALL_INDICATORS, level, code, periods)
    assert_same_figures(trend, reference)
    assert reported(reference) > len(reference) * 5


def test_mixed_and_overlapping_periods_are_each_the_per_period_figure(
        demo_engine: Engine) -> None:
    # Two kinds, and a year to date beside its own year: counted as separate runs.
    periods = [parse_period(label) for label in ("2025", "2026", "2025-Q4", "2026-10", "2026-11")]
    periods.append(year_to_date(dt.date(2026, 11, 8)))
    scopes: tuple[tuple[Level, str], ...] = (("county", COUNTY), ("township", TOWNSHIPS[0]),
                                             ("village", VILLAGES[0]))
    for level, code in scopes:
        trend = indicator_trend(demo_engine, ALL_INDICATORS, level, code, periods)
        assert_same_figures(trend, per_period(demo_engine, ALL_INDICATORS, level, code, periods))


# --- PostgreSQL ----------------------------------------------------------------------------------

# What the aggregates read; with the rows these refer to (foreign keys), copied to PostgreSQL.
READ_BY_AGGREGATES = ("collective_income", "service_daily", "service_monthly", "service_case",
                      "volunteer_activity",
                      "inspection_result", "import_log")


def _tables_to_copy() -> list[Table]:
    wanted = set(READ_BY_AGGREGATES)
    while True:
        referred = {key.column.table.name for table in Base.metadata.sorted_tables
                    if table.name in wanted for key in table.foreign_keys}
        if referred <= wanted:
            return [table for table in Base.metadata.sorted_tables if table.name in wanted]
        wanted |= referred


def _parents_first(table: Table, rows: list[dict]) -> list[dict]:
    """A table that refers to itself (divisions, teams) takes a row after the one it names."""
    own = [key for key in table.foreign_keys if key.column.table is table]
    if not own:
        return rows
    key, parent = own[0].column.name, own[0].parent.name
    placed: set[object] = set()
    ordered: list[dict] = []
    while len(ordered) < len(rows):
        ready = [row for row in rows if row[key] not in placed
                 and (row[parent] is None or row[parent] in placed)]
        assert ready, f"{table.name}: rows refer to rows that are not there"
        ordered += ready
        placed |= {row[key] for row in ready}
    return ordered


def _copy_demo(source: Engine, target: Engine) -> None:
    """The demo's rows that the aggregates read. Of the cases only those that missed their
    date: the counts read no other (the others are in the daily roll-up)."""
    with source.connect() as reading, target.begin() as writing:
        for table in _tables_to_copy():
            query = select(table)
            if table.name == ServiceCase.__tablename__:
                query = query.where(ServiceCase.missed_due.is_(True))
            rows = [dict(row) for row in reading.execute(query).mappings()]
            rows = _parents_first(table, rows)
            if table.name == ServiceCase.__tablename__:
                add_partitions(writing, {row["county_code"] for row in rows})
            for start in range(0, len(rows), 5000):
                writing.execute(table.insert(), rows[start:start + 5000])


@pytest.fixture(scope="module")
def postgres_demo(postgres_server: PostgresServer, demo_engine: Engine) -> Iterator[Engine]:
    """A PostgreSQL database with the demo's rows that the aggregates read."""
    name = f"t_trend_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    try:
        upgrade_to_head(url)
        engine = get_engine(url)
        _copy_demo(demo_engine, engine)
        yield engine
        engine.dispose()
    finally:
        postgres_server.drop_database(name)


def test_grouped_counts_agree_between_backends(postgres_demo: Engine,
                                               demo_engine: Engine) -> None:
    # Every count, per township and month: among them the cases open past due at each
    # month's end, one column per end in one query (the comparison of dates and times that
    # each backend does its own way).
    months = Run(tuple(sorted(GRAINS["month"], key=lambda p: p.start)))
    years = Run(tuple(sorted(GRAINS["year"], key=lambda p: p.start)))
    for domain, run in (("services", months), ("volunteers", months), ("income", years),
                        ("inspections", months)):
        on_postgres = aggregate_over(postgres_demo, domain, run, "township")
        on_sqlite = aggregate_over(demo_engine, domain, run, "township")
        pd.testing.assert_frame_equal(on_postgres.astype(float), on_sqlite.astype(float),
                                      check_exact=False, rtol=1e-12, atol=0.0)
    open_overdue = aggregate_over(postgres_demo, "services", months, "township")["open_overdue"]
    assert open_overdue.gt(0).sum() > len(open_overdue) // 4


@pytest.mark.parametrize(("level", "code", "ids"), [
    ("village", VILLAGES[0], [i for chart in village_trends() for i in chart.indicators]),
    ("township", TOWNSHIPS[0], ALL_INDICATORS),
    ("county", COUNTY, ALL_INDICATORS),
])
def test_trends_on_postgresql_are_the_per_period_figures(postgres_demo: Engine,
                                                         demo_engine: Engine, level: Level,
                                                         code: str, ids: list[str]) -> None:
    for grain in ("month", "year"):
        periods = GRAINS[grain]
        trend = indicator_trend(postgres_demo, ids, level, code, periods)
        assert_same_figures(trend, per_period(postgres_demo, ids, level, code, periods))
        on_sqlite = indicator_trend(demo_engine, ids, level, code, periods)
        assert_same_figures(trend, on_sqlite)
        assert reported(trend) > 0
