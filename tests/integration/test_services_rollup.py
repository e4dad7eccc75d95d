"""The /services lists read roll-ups and indexes, and show what the cases themselves say.

`top_items` sums the items' daily roll-up: its counts must be those of the service_case rows,
counted here straight from them, for every kind of period. The bad-review list reads the 差评
through their partial index only, and lists exactly the bad reviews finished in the period.
On PostgreSQL the lists are those of SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Connection, Engine, case, event, func, select

from data_access import cache, services
from data_access.aggregates import services_by_hall_level
from data_access.importing.runner import import_file
from data_access.indicator_values import indicator_by_division
from data_access.models import ServiceCase, ServiceItem
from data_access.rollup_check import differences
from metrics.periods import Period, parse_period, year_to_date
from metrics.vocabulary import BAD_RATING_MAX
from tests.dbutil import fresh_database, sqlite_url
from tests.fixtures.processes import DEMO_AS_OF
from tests.integration.test_postgres import _files as service_files

AS_OF = dt.date.fromisoformat(DEMO_AS_OF)
# Month, quarter, year, week, the year to date, the demo's first (half) month, and a month
# before any case.
PERIODS = [parse_period(label) for label in
           ("2026-10", "2026-Q3", "2025", "2026-W45", "2024-11", "2024-10")] + [
    year_to_date(AS_OF)]
ALL_ITEMS = 10_000


def _window(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime.combine(period.start, dt.time()),
            dt.datetime.combine(period.end, dt.time()))


def _counted_from_cases(engine: Engine, period: Period, limit: int) -> pd.DataFrame:
    """top_items' definition over the case rows: cases accepted in the period, and of the
    cases finished in it those finished by their promised date."""
    start, end = _window(period)
    accepted = (select(ServiceCase.item_code.label("code"), func.count().label("cases"))
                .where(ServiceCase.accepted_at >= start, ServiceCase.accepted_at < end)
                .group_by(ServiceCase.item_code))
    on_time = func.sum(case((func.date(ServiceCase.finished_at) <= ServiceCase.due_date, 1),
                            else_=0))
    finished = (select(ServiceCase.item_code.label("code"), func.count().label("finished"),
                       on_time.label("on_time"))
                .where(ServiceCase.finished_at >= start, ServiceCase.finished_at < end)
                .group_by(ServiceCase.item_code))
    with engine.connect() as connection:
        names = pd.read_sql(select(ServiceItem.code, ServiceItem.name, ServiceItem.department),
                            connection)
        frame = (pd.read_sql(accepted, connection)
                 .merge(pd.read_sql(finished, connection), on="code", how="left")
                 .fillna({"finished": 0, "on_time": 0}))
    frame = (names.merge(frame, on="code")
             .sort_values(["cases", "code"], ascending=[False, True]).head(limit))
    return frame.astype({column: "int64" for column in ("cases", "finished", "on_time")})


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: p.label)
@pytest.mark.parametrize("limit", [15, ALL_ITEMS])
def test_top_items_from_the_roll_up_are_the_counts_of_the_cases(demo_engine, period: Period,
                                                                 limit: int) -> None:
    expected = _counted_from_cases(demo_engine, period, limit).reset_index(drop=True)
    shown = services.top_items(demo_engine, period, limit)
    assert list(shown.columns) == ["code", "name", "department", "cases", "finished", "on_time"]
    if expected.empty:
        assert shown.empty
        return
    pd.testing.assert_frame_equal(shown.astype(expected.dtypes.to_dict()), expected)


def _statements(engine: Engine, run: Callable[[], object]) -> list[tuple[str, Any]]:
    """The SQL statements (and parameters) that run() sends."""
    sent: list[tuple[str, Any]] = []

    def keep(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return sent


def _plan(connection: Connection, statement: str, parameters: Any) -> str:
    """The query plan the database makes for the statement, as one line of text."""
    explain = "EXPLAIN QUERY PLAN" if connection.dialect.name == "sqlite" else "EXPLAIN"
    return " ".join(str(row[-1]) for row in connection.exec_driver_sql(
        f"{explain} {statement}", parameters))


# How each database says that it read an index (PostgreSQL names an index only where it
# scans it), and that it read nothing but the index.
READS_INDEX = {"sqlite": "USING INDEX {}", "postgresql": "{}"}
# On PostgreSQL each county's part of an index, named {index}_{county's six digits}.
READS_INDEX_ALONE = {"sqlite": "COVERING INDEX {} ",
                     "postgresql": "Index Only Scan using {}_"}


@pytest.mark.both_backends
@pytest.mark.parametrize("label", ["2026", "2026-10"])
def test_the_bad_reviews_are_read_through_their_partial_index(demo_engine, label: str) -> None:
    period = parse_period(label)
    # Both levels: the shared one may hold this very list, read by an earlier test of the
    # same database, and then no statement would be sent to plan.
    cache.clear()
    rows: list[pd.DataFrame] = []
    sent = _statements(demo_engine, lambda: rows.append(
        services._bad_reviews(demo_engine, period, None)))
    [(statement, parameters)] = [s for s in sent if "bad_review_due" in s[0]]
    with demo_engine.connect() as connection:
        plan = _plan(connection, statement, parameters)
        start, end = _window(period)
        expected = set(connection.scalars(select(ServiceCase.serial_no).where(
            ServiceCase.finished_at >= start, ServiceCase.finished_at < end,
            ServiceCase.rating <= BAD_RATING_MAX)))
    reads = READS_INDEX[demo_engine.dialect.name].format("ix_service_case_bad_review_finished")
    assert reads in plan, plan
    assert expected and set(rows[0]["serial_no"]) == expected


@pytest.mark.both_backends
@pytest.mark.parametrize("label", ["2026-10", "2026-Q3"])
def test_cases_open_past_due_are_counted_from_their_index_alone(demo_engine,
                                                                label: str) -> None:
    # Each count of cases open past due (the county's, the townships' and hall levels') reads
    # the missed-due index without visiting the table: a column added to the count that the
    # index lacks would make every /services view read the cases themselves.
    period = parse_period(label)
    cache.clear()  # both levels, as above
    sent = _statements(demo_engine, lambda: (
        services_by_hall_level(demo_engine, period),
        indicator_by_division(demo_engine, "service_overdue_cases", period, "township"),
        indicator_by_division(demo_engine, "service_overdue_cases", period, "county")))
    counts = [s for s in sent if "open_overdue_0" in s[0]]
    assert len(counts) >= 2  # the townships' may be summed from the halls' (one scan)
    with demo_engine.connect() as connection:
        for statement, parameters in counts:
            plan = _plan(connection, statement, parameters)
            reads = READS_INDEX_ALONE[demo_engine.dialect.name]
            assert reads.format("ix_service_case_missed_due") in plan, plan


@pytest.mark.both_backends
def test_the_overdue_list_names_the_missed_due_terms_once(demo_engine) -> None:
    # Named twice (in the list's own filter and again in its open-past-due branch), the terms
    # had PostgreSQL square their selectivity and read every county's cases that ever missed
    # a date, ten times the time.
    cache.clear()
    period = parse_period("2026-10")
    rows: list[pd.DataFrame] = []
    sent = _statements(demo_engine, lambda: rows.append(services._overdue_cases(
        demo_engine, period, None)))
    [statement] = [s for s, _ in sent if "ORDER BY service_case.due_date" in s]
    assert statement.count("service_case.missed_due IS") == 1, statement
    assert not rows[0].empty


def test_the_lists_are_the_same_on_postgresql(fresh_postgres_url, tmp_path: Path) -> None:
    postgres = fresh_database(fresh_postgres_url)
    sqlite = fresh_database(sqlite_url(tmp_path))
    for path in service_files(tmp_path):
        import_file(postgres, path)
        import_file(sqlite, path)
    assert differences(postgres).empty
    lists: list[Callable[[Engine, Period], pd.DataFrame]] = [
        services.top_items, lambda engine, period: services._bad_reviews(engine, period, None),
        lambda engine, period: services._overdue_cases(engine, period, None)]
    for label in ("2025", "2025-Q3", "2025-10"):
        cache.clear(shared=False)
        for read in lists:
            on_postgres = read(postgres, parse_period(label))
            assert label != "2025" or not on_postgres.empty  # 2025 has a row in every list
            pd.testing.assert_frame_equal(on_postgres, read(sqlite, parse_period(label)),
                                          check_dtype=False)
