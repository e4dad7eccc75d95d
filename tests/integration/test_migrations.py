import pytest
from sqlalchemy import create_engine, inspect

from data_access.db import upgrade_to_head
from data_access.models import Base
from tests.dbutil import sqlite_url

EXPECTED_TABLES = {table.name for table in Base.metadata.sorted_tables}


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrations_build_an_empty_sqlite_database(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    upgrade_to_head(url)
    assert _tables(url) >= EXPECTED_TABLES
    upgrade_to_head(url)  # running again is harmless


@pytest.mark.postgres
def test_migrations_build_an_empty_postgresql_database(fresh_postgres_url: str) -> None:
    assert _tables(fresh_postgres_url) == set()
    upgrade_to_head(fresh_postgres_url)
    assert _tables(fresh_postgres_url) >= EXPECTED_TABLES


def test_models_and_migrations_agree(tmp_path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    url = sqlite_url(tmp_path)
    upgrade_to_head(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []
