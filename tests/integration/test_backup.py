"""`python -m dashboard backup FILE` and `restore FILE` on SQLite and PostgreSQL: a restore
brings back every figure as it was at the backup, all or nothing, and refuses a file that is
not a backup of this kind of database, changing nothing."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select, text

from dashboard.cli import main
from data_access import cache
from data_access.backup import backup_database
from data_access.db import get_engine
from data_access.demo.shared import DEMO_COUNTY_CODE as COUNTY_CODE
from data_access.importing.domains import DOMAINS
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.indicator_values import indicator_values
from data_access.models import Base
from metrics.periods import parse_period
from tests.dbutil import fresh_database, snapshot, sqlite_url
from tests.integration.test_import_rejections import GOOD_CASE, GOOD_INCOME, GOOD_ITEM

# A year, a quarter, a month and a week of the demo database (as of 2026-11-15).
DEMO_PERIODS = ("2025", "2026-Q3", "2026-10", "2026-W45")
SMALL_PERIODS = ("2019", "2025-10")
NOT_OURS = "not a backup of this dashboard"
UNCHANGED = "the database is unchanged"


def figures(engine: Engine, periods: tuple[str, ...]) -> dict[str, object]:
    """What the dashboard would show: every table's row count and the county's indicators."""
    cache.clear()  # the cache follows imports only; these tests change rows behind its back
    with engine.connect() as connection:
        counts = {table.name: connection.scalar(select(func.count()).select_from(table))
                  for table in Base.metadata.sorted_tables}
    values = {f"{period} {value.indicator.id}": value.value for period in periods
              for value in indicator_values(engine, parse_period(period), "county", COUNTY_CODE)}
    return {**counts, **values}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def county_files(folder: Path) -> list[Path]:
    """Three small files a county could send: one village's income, an item and a case."""
    return [
        write_rows(DOMAINS["collective_income"], pd.DataFrame([GOOD_INCOME]),
                   folder / "income.xlsx"),
        write_rows(DOMAINS["service_items"], pd.DataFrame([GOOD_ITEM]), folder / "items.csv"),
        write_rows(DOMAINS["service_cases"], pd.DataFrame([GOOD_CASE]), folder / "cases.csv"),
    ]


def later_case(folder: Path) -> Path:
    """An import made after the backup: a second, late case."""
    return write_rows(DOMAINS["service_cases"],
                      pd.DataFrame([{**GOOD_CASE, "serial_no": "SS2",
                                     "finished_at": "2025-10-20 10:00", "rating": "2"}]),
                      folder / "later.csv")


@pytest.fixture
def small_sqlite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A SQLite database with the county files, DATABASE_URL pointing at it."""
    url = sqlite_url(tmp_path, "small.sqlite3")
    engine = fresh_database(url)
    for path in county_files(tmp_path):
        import_file(engine, path)
    monkeypatch.setenv("DATABASE_URL", url)
    return engine


# --- SQLite ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_sqlite_restore_brings_back_the_demo_figures(demo_database_url: str, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    if not demo_database_url.startswith("sqlite:"):
        pytest.skip("the demo is in PostgreSQL: test_postgres_restore_brings_back_every_figure")
    live = tmp_path / "live.sqlite3"
    backup_database(demo_database_url, live)  # a copy: the session's demo database is shared
    url = f"sqlite:///{live}"
    engine = get_engine(url)
    monkeypatch.setenv("DATABASE_URL", url)
    before = figures(engine, DEMO_PERIODS)
    assert before["service_case"] > 100_000 and before["2026-10 service_on_time_rate"]

    saved = tmp_path / "backups" / "shishou-20261116.backup"
    code, out, _ = run(capsys, "backup", str(saved))
    assert code == 0
    assert out.startswith(f"已备份 / backed up: {saved} (SQLite, ")
    assert saved.read_bytes()[:16] == b"SQLite format 3\x00"
    assert saved.stat().st_mode & 0o077 == 0  # it holds the accounts: for its owner only
    assert list(saved.parent.iterdir()) == [saved]  # no partial file left beside it

    with engine.begin() as connection:
        connection.execute(text("DELETE FROM volunteer_activity"))
        connection.execute(text("DELETE FROM service_daily WHERE day >= '2026-10-01'"))
        connection.execute(text("DELETE FROM service_monthly WHERE month >= '2026-10-01'"))
        connection.execute(text("UPDATE collective_income SET operating_income = 0"))
        connection.execute(text("DELETE FROM import_log WHERE domain = 'service_cases'"))
    damaged = figures(engine, DEMO_PERIODS)
    assert damaged["volunteer_activity"] == 0
    assert damaged["2026-10 service_on_time_rate"] != before["2026-10 service_on_time_rate"]

    # Restored under the engine's open connections, as under a running app.
    code, out, _ = run(capsys, "restore", str(saved))
    assert code == 0
    assert out.startswith(f"已恢复 / restored from {saved} (SQLite)")
    assert "restart the service" in out
    assert figures(engine, DEMO_PERIODS) == before


def test_backup_never_overwrites_a_file(small_sqlite: Engine, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "saved.backup"
    saved.write_bytes(b"last week's backup")
    code, out, err = run(capsys, "backup", str(saved))
    assert code == 2 and out == ""
    assert f"{saved} 已存在，不覆盖\n{saved} exists; not overwritten" in err
    assert saved.read_bytes() == b"last week's backup"


def test_sqlite_restore_undoes_a_later_import(small_sqlite: Engine, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(small_sqlite)
    saved = tmp_path / "saved.backup"
    assert run(capsys, "backup", str(saved))[0] == 0
    import_file(small_sqlite, later_case(tmp_path))
    assert snapshot(small_sqlite) != before
    assert run(capsys, "restore", str(saved))[0] == 0
    assert snapshot(small_sqlite) == before


def _another_sqlite_database(path: Path) -> None:
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE notes (body TEXT)")


WRONG_FILES = [
    ("a spreadsheet", lambda p: p.write_bytes(b"PK\x03\x04 an xlsx"),
     f"is {NOT_OURS} (neither SQLite nor pg_dump's custom format)"),
    ("a pg_dump archive", lambda p: p.write_bytes(b"PGDMP\x01\x0e\x00 the rest"),
     "is a PostgreSQL backup but DATABASE_URL is a SQLite database"),
    ("another SQLite database", _another_sqlite_database,
     f"is {NOT_OURS} (no import_log table)"),
]


@pytest.mark.parametrize(("make", "message"), [w[1:] for w in WRONG_FILES],
                         ids=[w[0] for w in WRONG_FILES])
def test_sqlite_restore_refuses_a_wrong_file(small_sqlite: Engine, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str], make,
                                             message: str) -> None:
    wrong = tmp_path / "wrong.backup"
    make(wrong)
    before = snapshot(small_sqlite)
    code, out, err = run(capsys, "restore", str(wrong))
    assert code == 2 and out == ""
    zh, en = err.splitlines()
    assert "数据库未改变" in zh
    assert en == f"{wrong} {message}; {UNCHANGED}"
    assert snapshot(small_sqlite) == before


def test_sqlite_restore_refuses_a_truncated_backup(small_sqlite: Engine, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "saved.backup"
    assert run(capsys, "backup", str(saved))[0] == 0
    import_file(small_sqlite, later_case(tmp_path))
    before = snapshot(small_sqlite)
    cut = tmp_path / "cut.backup"
    cut.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    code, _, err = run(capsys, "restore", str(cut))
    assert code == 2
    assert f"{cut} is damaged" in err and UNCHANGED in err
    assert snapshot(small_sqlite) == before


def test_missing_backup_file_is_refused(small_sqlite: Engine, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.backup"
    code, _, err = run(capsys, "restore", str(missing))
    assert code == 2
    assert err == f"备份文件 {missing} 不存在\nbackup file {missing} not found\n"


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture
def small_postgres(fresh_postgres_url: str, tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> Engine:
    """A PostgreSQL database with the county files, DATABASE_URL pointing at it."""
    engine = fresh_database(fresh_postgres_url)
    for path in county_files(tmp_path):
        import_file(engine, path)
    monkeypatch.setenv("DATABASE_URL", fresh_postgres_url)
    return engine


def test_postgres_restore_brings_back_every_figure(small_postgres: Engine, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(small_postgres), figures(small_postgres, SMALL_PERIODS)
    assert before[1]["2019 collective_income_mean"] == 160_000  # 10 + 5 + 1 万 of operating revenue

    saved = tmp_path / "shishou.backup"
    code, out, _ = run(capsys, "backup", str(saved))
    assert code == 0
    assert out.startswith(f"已备份 / backed up: {saved} (PostgreSQL, ")
    assert saved.read_bytes()[:5] == b"PGDMP"
    assert saved.stat().st_mode & 0o077 == 0

    import_file(small_postgres, later_case(tmp_path))
    with small_postgres.begin() as connection:
        connection.execute(text("DELETE FROM collective_income"))
    assert figures(small_postgres, SMALL_PERIODS) != before[1]

    code, out, _ = run(capsys, "restore", str(saved))
    assert code == 0
    assert out.startswith(f"已恢复 / restored from {saved} (PostgreSQL)")
    assert (snapshot(small_postgres), figures(small_postgres, SMALL_PERIODS)) == before
    # The serial counters came back too: the next import gets a fresh id.
    import_file(small_postgres, later_case(tmp_path))


def test_postgres_restore_of_a_broken_archive_changes_nothing(
        small_postgres: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    saved = tmp_path / "shishou.backup"
    assert run(capsys, "backup", str(saved))[0] == 0
    import_file(small_postgres, later_case(tmp_path))
    before = snapshot(small_postgres)
    # The table of contents (most of a small archive) is whole, the last table's data are
    # cut short: pg_restore fails part-way through, and the single transaction takes back
    # what it had done.
    cut = tmp_path / "cut.backup"
    cut.write_bytes(saved.read_bytes()[:-1000])
    code, _, err = run(capsys, "restore", str(cut))
    assert code == 1
    assert "restore failed; the database is unchanged: " in err
    assert snapshot(small_postgres) == before


def test_postgres_restore_refuses_a_sqlite_backup(small_postgres: Engine, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "sqlite.backup"
    _another_sqlite_database(other)
    before = snapshot(small_postgres)
    code, _, err = run(capsys, "restore", str(other))
    assert code == 2
    assert (f"{other} is a SQLite backup but DATABASE_URL is a PostgreSQL database; "
            f"{UNCHANGED}") in err
    assert snapshot(small_postgres) == before


def test_postgres_restore_refuses_another_databases_dump(
        small_postgres: Engine, postgres_server, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    name = f"other_{uuid.uuid4().hex[:8]}"
    other = tmp_path / "other.backup"
    try:
        backup_database(postgres_server.create_database(name), other)
    finally:
        postgres_server.drop_database(name)
    before = snapshot(small_postgres)
    code, _, err = run(capsys, "restore", str(other))
    assert code == 2
    assert f"{other} is {NOT_OURS} (no import_log table); {UNCHANGED}" in err
    assert snapshot(small_postgres) == before
