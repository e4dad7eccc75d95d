"""The same files give the same figures on PostgreSQL as on SQLite (DATABASE_URL decides)."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access import cache
from data_access.importing.domains import DOMAINS
from data_access.importing.problems import ImportRejected
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.indicator_values import indicator_values
from metrics.periods import parse_period
from tests.dbutil import fresh_database, snapshot, sqlite_url
from tests.integration.test_import_rejections import GOOD_CASE, GOOD_INCOME, GOOD_ITEM

pytestmark = pytest.mark.postgres


def _files(folder) -> list:
    cases = [GOOD_CASE, {**GOOD_CASE, "serial_no": "SS2", "finished_at": "2025-10-20 10:00",
                         "rating": "2", "fully_online": "是", "visits": "0"}]
    return [
        write_rows(DOMAINS["collective_income"], pd.DataFrame([GOOD_INCOME]),
                   folder / "income.xlsx"),
        write_rows(DOMAINS["service_items"], pd.DataFrame([GOOD_ITEM]), folder / "items.csv"),
        write_rows(DOMAINS["service_cases"], pd.DataFrame(cases), folder / "cases.csv"),
    ]


def _figures(engine, period: str) -> dict[str, float | None]:
    cache.clear()
    return {v.indicator.id: v.value
            for v in indicator_values(engine, parse_period(period), "county", "421081000000")}


def test_imports_and_indicators_agree_between_backends(fresh_postgres_url, tmp_path) -> None:
    postgres = fresh_database(fresh_postgres_url)
    sqlite = fresh_database(sqlite_url(tmp_path))
    for path in _files(tmp_path):
        import_file(postgres, path)
        import_file(sqlite, path)
    for period in ("2019", "2025-10", "2025-Q4"):
        assert _figures(postgres, period) == _figures(sqlite, period)
    figures = _figures(postgres, "2025-10")
    assert figures["service_cases"] == 0  # both accepted in September
    assert figures["service_on_time_rate"] == 50.0  # 10-10 on time, 10-20 late (due 10-14)
    assert figures["service_satisfaction_rate"] == 50.0


def test_rejected_file_changes_nothing_on_postgres(fresh_postgres_url, tmp_path) -> None:
    engine = fresh_database(fresh_postgres_url)
    for path in _files(tmp_path):
        import_file(engine, path)
    before = snapshot(engine)
    bad = write_rows(DOMAINS["service_cases"],
                     pd.DataFrame([{**GOOD_CASE, "serial_no": "SS3"},
                                   {**GOOD_CASE, "serial_no": "SS4", "item_code": "NOPE"}]),
                     tmp_path / "bad.csv")
    with pytest.raises(ImportRejected):
        import_file(engine, bad)
    assert snapshot(engine) == before
