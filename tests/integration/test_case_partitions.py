"""On PostgreSQL a county's service cases are a partition of their own, built by its first import
(data_access/importing/case_partitions.py): what the import leaves must be what the rows and
keys of one shared table would be."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from data_access.importing.domains import DOMAINS
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.models import ServiceCase
from data_access.rollup_check import differences
from tests.dbutil import fresh_database
from tests.integration.test_import_rejections import GOOD_CASE, GOOD_ITEM

pytestmark = pytest.mark.postgres

COUNTY = "421081000000"
PARTITION = "service_case_421081"


def _cases(count: int) -> pd.DataFrame:
    return pd.DataFrame([{**GOOD_CASE, "serial_no": f"SS{number:04d}"}
                         for number in range(count)])


@pytest.fixture
def engine(fresh_postgres_url: str, tmp_path) -> Engine:
    engine = fresh_database(fresh_postgres_url)
    import_file(engine, write_rows(DOMAINS["service_items"], pd.DataFrame([GOOD_ITEM]),
                                   tmp_path / "items.csv"))
    return engine


def _partition_indexes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.scalars(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = :name"), {"name": PARTITION}))


def test_a_county_s_first_import_attaches_its_cases_with_every_index_and_key(
        engine: Engine, tmp_path) -> None:
    report = import_file(engine, write_rows(DOMAINS["service_cases"], _cases(3),
                                            tmp_path / "cases.csv"))
    assert (report.rows_inserted, report.rows_updated) == (3, 0)
    with engine.connect() as connection:
        bound = connection.scalar(text(
            "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = :name"),
            {"name": PARTITION})
        stored = connection.scalar(text("SELECT count(*) FROM service_case"))
    assert bound == f"FOR VALUES IN ('{COUNTY}')"
    assert stored == 3
    # Each of service_case's indexes has its county's part, named after it.
    expected = {f"{index.name}_421081" for index in ServiceCase.__table__.indexes}
    assert expected <= _partition_indexes(engine)
    assert differences(engine).empty
    # The partition took service_case's keys: a case of an unknown hall is refused.
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text(
            f"UPDATE {PARTITION} SET division_code = '421081999999' WHERE serial_no = 'SS0000'"))


def test_a_file_sent_again_rewrites_only_what_changed(engine: Engine, tmp_path) -> None:
    path = write_rows(DOMAINS["service_cases"], _cases(3), tmp_path / "cases.csv")
    import_file(engine, path)

    def versions() -> dict[str, str]:  # each row version's transaction
        with engine.connect() as connection:
            rows = connection.execute(text(f"SELECT serial_no, xmin::text FROM {PARTITION}"))
            return dict(rows.tuples().all())

    first = versions()
    report = import_file(engine, path)
    assert (report.rows_inserted, report.rows_updated) == (0, 3)
    assert versions() == first
    changed = _cases(3).assign(rating=["5", "2", "5"])
    import_file(engine, write_rows(DOMAINS["service_cases"], changed, tmp_path / "again.csv"))
    now = versions()
    assert [serial for serial in first if now[serial] != first[serial]] == ["SS0001"]
    assert differences(engine).empty
