"""Browser-test fixtures of the wall display: a PostgreSQL server of the test's own, which the
test may stop and start again (the session's shared server must never go away), filled from
the demo database."""

from __future__ import annotations

import datetime as dt
import shlex
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, Integer, create_engine, func, insert, select, text

from tests.fixtures.postgres import ThrowawayPostgres, find_postgres_bindir

# 800,000 cases take minutes to copy; the wall reads the daily roll-up for its service figures
# (only the new-overdue-cases flag reads cases, and it stays empty without them).
NOT_COPIED = {"service_case"}
CHUNK_ROWS = 5_000


class StoppablePostgres(ThrowawayPostgres):
    """A throw-away cluster that can be stopped (pg_ctl stop -m fast) and started again on the
    same port with the same options, so clients reconnect to the same URL."""

    def stop_server(self) -> None:
        result = self._stop_cluster("fast")
        assert result.returncode == 0, f"pg_ctl stop failed:\n{result.stdout}{result.stderr}"

    def start_server(self) -> None:
        # postmaster.opts holds the command line of the last start: the same port and options.
        argv = shlex.split((self.datadir / "postmaster.opts").read_text())
        result = self._start_cluster(shlex.join(argv[1:]))
        assert result.returncode == 0, (f"pg_ctl start failed:\n{result.stdout}{result.stderr}\n"
                                        f"{self._log_tail()}")


def copy_tables(source: Engine, target: Engine, skip: set[str] = NOT_COPIED) -> None:
    """Every table's rows from source to target (migrated, empty), parents first; then the
    serial counters past the copied ids so that later inserts get fresh ones."""
    from data_access.importing.case_partitions import add_partitions
    from data_access.models import Base

    for table in Base.metadata.sorted_tables:
        if table.name in skip:
            continue
        with source.connect() as reading, target.begin() as writing:
            result = reading.execution_options(stream_results=True).execute(select(table))
            while rows := result.mappings().fetchmany(CHUNK_ROWS):
                if table.name == "service_case":
                    add_partitions(writing, {row["county_code"] for row in rows})
                writing.execute(insert(table), [dict(row) for row in rows])
            keys = list(table.primary_key.columns)
            if len(keys) == 1 and isinstance(keys[0].type, Integer) and keys[0].autoincrement:
                writing.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{keys[0].name}'), "
                    f"coalesce((SELECT max({keys[0].name}) FROM {table.name}), 0) + 1, false)"))


class WallDatabase:
    def __init__(self, server: StoppablePostgres, url: str) -> None:
        self.server = server
        self.url = url
        self.engine = create_engine(url, pool_pre_ping=True)

    def record_import(self, domain: str = "wall_test") -> dt.datetime:
        """Logs an import an hour after the newest one (a new data version, and a data time
        the wall cannot have shown before); returns its time."""
        from data_access.models import ImportLog

        with self.engine.begin() as connection:
            newest = connection.scalar(select(func.max(ImportLog.imported_at)))
            at = (newest or dt.datetime.now()).replace(microsecond=0) + dt.timedelta(hours=1)
            connection.execute(insert(ImportLog).values(
                domain=domain, file_name=f"{domain}.xlsx", sha256="0" * 64, rows_in_file=0,
                rows_inserted=0, rows_updated=0, imported_at=at))
        return at


@pytest.fixture
def wall_postgres(demo_database_url: str) -> Iterator[WallDatabase]:
    """A PostgreSQL server of this test alone with the demo data (all but the cases)."""
    from data_access.db import upgrade_to_head

    server = StoppablePostgres(find_postgres_bindir())
    try:
        server.start()
        url = server.create_database("wall")
        upgrade_to_head(url)
        source = create_engine(demo_database_url)
        target = create_engine(url)
        copy_tables(source, target)
        source.dispose()
        target.dispose()
        database = WallDatabase(server, url)
        yield database
        database.engine.dispose()
    finally:
        server.stop()
