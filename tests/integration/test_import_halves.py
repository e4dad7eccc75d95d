"""A large file is read and checked in two halves at once (data_access/importing/halves.py):
what it stores, and what it reports when it is refused, must be what one process gives."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, text

from data_access.importing import halves
from data_access.importing.domains import DOMAINS
from data_access.importing.problems import ImportRejected
from data_access.importing.reader import CsvLines, open_table, read_table
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from tests.dbutil import fresh_database, snapshot, sqlite_url
from tests.integration.test_import_rejections import GOOD_CASE, GOOD_ITEM

NOW = dt.datetime(2025, 11, 3, 9, 0)


def _cases(count: int, **changes: dict[str, str]) -> pd.DataFrame:
    """`count` good cases; changes maps a serial to the values it has instead."""
    rows = [{**GOOD_CASE, "serial_no": f"SS{number:04d}"} for number in range(count)]
    return pd.DataFrame([{**row, **changes.get(row["serial_no"], {})} for row in rows])


def _database(url: str, tmp_path: Path) -> Engine:
    engine = fresh_database(url)
    import_file(engine, write_rows(DOMAINS["service_items"], pd.DataFrame([GOOD_ITEM]),
                                   tmp_path / "items.csv"), now=NOW)
    return engine


@pytest.fixture
def in_halves(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """Files of four rows and more are done in halves (until the test sets it otherwise)."""
    monkeypatch.setattr(halves, "MIN_ROWS", 4)
    return monkeypatch


def _whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file done in one process from here on."""
    monkeypatch.setattr(halves, "MIN_ROWS", 10 ** 9)


def _refused(engine: Engine, path: Path) -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        import_file(engine, path, now=NOW)
    return [str(problem) for problem in refused.value.problems]


def test_a_large_csv_read_in_parts_is_the_csv_read_whole(in_halves, tmp_path) -> None:
    path = write_rows(DOMAINS["service_cases"], _cases(9), tmp_path / "cases.csv")
    # Windows line ends, a blank line and a line of commas, as office suites write them.
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_bytes("\r\n".join([*lines[:5], "", "," * 13, *lines[5:], ""]).encode())
    table = open_table(path)
    assert isinstance(table, CsvLines)
    first, second = halves.halves(table.rows)
    parts = pd.concat([table.part(first).frame, table.part(second).frame])
    whole = read_table(path).frame
    pd.testing.assert_frame_equal(parts, whole)
    assert list(whole.index) == [2, 3, 4, 5, 8, 9, 10, 11, 12]  # as the spreadsheet numbers them


@pytest.fixture
def two_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Two new databases of the backend the test is given."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path, "halves.sqlite3"), sqlite_url(tmp_path, "whole.sqlite3")
        return
    server = request.getfixturevalue("postgres_server")
    names = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    yield server.create_database(names[0]), server.create_database(names[1])
    for name in names:
        server.drop_database(name)


@pytest.mark.parametrize("two_urls", ["sqlite", pytest.param("postgresql",
                                                               marks=pytest.mark.postgres)],
                         indirect=True)
def test_a_file_done_in_halves_stores_what_one_process_stores(in_halves, two_urls, tmp_path,
                                                              caplog) -> None:
    """Read, checked and derived in halves; on PostgreSQL also formatted for COPY in halves,
    a new county's cases and the same file again (an upsert)."""
    cases = _cases(9)
    path = write_rows(DOMAINS["service_cases"], cases, tmp_path / "cases.csv")
    changed = write_rows(DOMAINS["service_cases"], cases.assign(rating=["5", "2"] * 4 + ["1"]),
                         tmp_path / "changed.csv")
    halved = _database(two_urls[0], tmp_path)
    with caplog.at_level(logging.DEBUG, logger="data_access.importing.runner"):
        import_file(halved, path, now=NOW)
        import_file(halved, changed, now=NOW)
    assert caplog.messages.count("cases.csv: read and checked in two processes") == 1
    assert not [r.message for r in caplog.records if r.levelno >= logging.WARNING]
    _whole(in_halves)
    whole = _database(two_urls[1], tmp_path)
    import_file(whole, path, now=NOW)
    import_file(whole, changed, now=NOW)
    assert snapshot(halved) == snapshot(whole)
    with halved.connect() as connection:
        ratings = connection.execute(text(
            "SELECT serial_no, rating FROM service_case ORDER BY serial_no")).tuples().all()
    assert ratings == [(f"SS{n:04d}", 5 if n % 2 == 0 and n < 8 else 2 if n < 8 else 1)
                       for n in range(9)]


@pytest.mark.parametrize(("cases", "where"), [
    # a bad value in the second half: its own row number
    (_cases(9, SS0007={"visits": "很多"}), ["row 9"]),
    # a serial of the first half repeated in the second
    (_cases(9, SS0006={"serial_no": "SS0001"}), ["row 8"]),
    # bad values in both halves, each reported once
    (_cases(9, SS0000={"channel": "信函"}, SS0008={"channel": "信函"}), ["row 2", "row 10"]),
], ids=["second half", "across the halves", "both halves"])
def test_a_file_refused_in_halves_reports_what_one_process_reports(
        in_halves, tmp_path, cases: pd.DataFrame, where: list[str]) -> None:
    engine = _database(sqlite_url(tmp_path), tmp_path)
    path = write_rows(DOMAINS["service_cases"], cases, tmp_path / "cases.csv")
    before = snapshot(engine)
    problems = _refused(engine, path)
    assert [next(part for part in p.split(" · ") if part.startswith("第")) for p in problems] \
        == [f"第 {row[4:]} 行/{row}" for row in where]
    assert snapshot(engine) == before
    _whole(in_halves)
    assert _refused(engine, path) == problems


def test_formula_like_text_in_one_half_is_refused_as_in_a_whole_file(in_halves,
                                                                      tmp_path) -> None:
    engine = _database(sqlite_url(tmp_path), tmp_path)
    path = write_rows(DOMAINS["service_cases"], _cases(9, SS0005={"channel": "=1+1"}),
                      tmp_path / "cases.csv")
    problems = _refused(engine, path)
    assert len(problems) == 1 and "row 7" in problems[0] and "公式" in problems[0]
    _whole(in_halves)
    assert _refused(engine, path) == problems


@pytest.mark.postgres
def test_halves_leave_the_import_s_postgresql_connection_working(
        in_halves, fresh_postgres_url: str, tmp_path) -> None:
    """The child process is forked while the import holds its transaction open: it must leave
    the connection alone."""
    engine = _database(fresh_postgres_url, tmp_path)
    path = write_rows(DOMAINS["service_cases"], _cases(9), tmp_path / "cases.csv")
    report = import_file(engine, path, now=NOW)
    assert (report.rows_inserted, report.rows_updated) == (9, 0)
    report = import_file(engine, path, now=NOW)
    assert (report.rows_inserted, report.rows_updated) == (0, 9)
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM service_case")) == 9
