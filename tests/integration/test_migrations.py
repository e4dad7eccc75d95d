import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text

from data_access.db import alembic_config, upgrade_to_head
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


# Cases as revision 0017 stored them (no county column), in two counties' halls.
CASES_0017 = [
    {"serial_no": serial, "item_code": "ITEM1", "division_code": division,
     "township_code": township, "hall_level": level, "channel": "窗口",
     "applied_at": "2025-09-30 09:00:00", "accepted_at": "2025-09-30 09:10:00",
     "promised_limit_days": 5, "paused_days": 0, "due_date": "2025-10-14",
     "finished_at": None, "status": "办理中", "visits": 1, "fully_online": False,
     "rating": None, "bad_review_due": None, "bad_review_fixed_at": None, "missed_due": True}
    for serial, division, township, level in (
        ("C1", "421081000000", None, "city"), ("C2", "421081001000", "421081001000", "township"),
        ("C3", "429901000000", None, "city"))]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql",
                                                            marks=pytest.mark.postgres)])
def test_cases_stored_before_0018_are_kept_under_their_county(
        backend: str, tmp_path, request: pytest.FixtureRequest) -> None:
    url = sqlite_url(tmp_path) if backend == "sqlite" \
        else request.getfixturevalue("fresh_postgres_url")
    command.upgrade(alembic_config(url), "0017")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO division (code, name, short_name, level, unit_type, parent_code, "
            "population_generated) VALUES "
            "('421081000000', '石首市', '石首', 'county', '县级市', NULL, false), "
            "('421081001000', '绣林街道', '绣林', 'township', '街道', '421081000000', false), "
            "('429901000000', '合成01县', '合成01', 'county', '县', NULL, false)"))
        connection.execute(text(
            "INSERT INTO service_item (code, name, department, case_type, legal_limit_days, "
            "promised_limit_days, required_visits, online_capable) "
            "VALUES ('ITEM1', '事项', '部门', '承诺件', 10, 5, 1, true)"))
        columns = list(CASES_0017[0])
        connection.execute(text(
            f"INSERT INTO service_case ({', '.join(columns)}) "
            f"VALUES ({', '.join(f':{c}' for c in columns)})"), CASES_0017)
    upgrade_to_head(url)
    with engine.connect() as connection:
        stored = dict(connection.execute(text(
            "SELECT serial_no, county_code FROM service_case ORDER BY serial_no")).tuples().all())
        indexes = {index["name"] for index in inspect(connection).get_indexes("service_case")}
        partitions = set(connection.scalars(text(
            "SELECT inhrelid::regclass::text FROM pg_inherits "
            "WHERE inhparent = 'service_case'::regclass"))) if backend == "postgresql" else None
    engine.dispose()
    assert stored == {"C1": "421081000000", "C2": "421081000000", "C3": "429901000000"}
    assert indexes >= {index.name for index in Base.metadata.tables["service_case"].indexes}
    if partitions is not None:
        assert partitions == {"service_case_421081", "service_case_429901"}
