"""One engine per process and database URL; migrations run through Alembic."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import SQLAlchemyError

from data_access.paths import ALEMBIC_INI, MIGRATIONS_DIR

POSTGRES_WORK_MEM = "32MB"


@functools.cache
def get_engine(database_url: str) -> Engine:
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(database_url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Area-wide counts group a month's daily roll-up (about 100,000 rows at ten counties) by
    # an expression the planner cannot size: with the default 4 MB it sorts them on disk
    # (116 ms) where a hash in memory takes 40 ms. Per sort or hash of a query, not per server.
    return create_engine(database_url, pool_pre_ping=True, pool_size=5, max_overflow=5,
                         connect_args={"options": f"-c work_mem={POSTGRES_WORK_MEM}"})


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Large imports touch several indexes; a bigger page cache keeps them in memory.
    cursor.execute("PRAGMA cache_size=-131072")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def alembic_config(database_url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


def has_schema(engine: Engine) -> bool:
    """Whether the database is reachable and migrated (its division table exists)."""
    try:
        return inspect(engine).has_table("division")
    except SQLAlchemyError:
        return False


# Rows SQLite's ANALYZE samples per index: statistics close enough for the planner's choices,
# at a cost that does not grow with the tables.
ANALYSIS_LIMIT = 2000


def refresh_statistics(engine: Engine, tables: Sequence[str]) -> None:
    """Table statistics for the planner after an import changed these tables: without them
    SQLite may read a village's cases through an index 10x wider than its own, and PostgreSQL
    plans on default estimates until autovacuum comes by (it read the table for counts that
    its missed-due index answers alone)."""
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":  # samples every table, within ANALYSIS_LIMIT
            connection.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
            connection.exec_driver_sql("ANALYZE")
            return
        analyze(connection, tables)


def analyze(connection: Connection, tables: Sequence[str]) -> None:
    """Statistics of these tables now, inside the connection's transaction (PostgreSQL): the
    roll-ups an import counts next are planned on its own rows, not on none."""
    if tables:
        quote = connection.dialect.identifier_preparer.quote
        connection.exec_driver_sql(f"ANALYZE {', '.join(quote(t) for t in tables)}")
