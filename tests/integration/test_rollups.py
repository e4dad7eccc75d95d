"""The roll-ups agree with the rows they count: after the demo's imports, after an import and
its undo, and after a value is changed behind the importer's back the check names it and a
rebuild mends it."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select, update

from data_access.importing.domains import DOMAINS
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.models import ServiceDaily, ServiceItemDaily
from data_access.rollup_check import ROLLUPS, differences, rebuild
from data_access.uploads import create_upload, run_upload, undo_upload
from tests.dbutil import fresh_database, snapshot, sqlite_url
from tests.fixtures.processes import REPO_ROOT, app_env
from tests.integration.test_import_rejections import (
    GOOD_CASE,
    GOOD_ITEM,
    TOWNSHIP,
    filled_database,
)

NOW = dt.datetime(2026, 11, 20, 10, 0)
OTHER_ITEM = {**GOOD_ITEM, "code": "11421081MB0000002", "name": "最低生活保障申请"}


@pytest.mark.both_backends
def test_the_demo_roll_ups_agree_with_their_rows(demo_database_url, demo_engine) -> None:
    result = subprocess.run([sys.executable, "-m", "dashboard", "rollups", "check"],
                            cwd=REPO_ROOT, env=app_env(demo_database_url), capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "agree" in result.stdout
    # Every roll-up the check covers holds rows: none agrees only by being empty.
    with demo_engine.connect() as connection:
        for rollup in ROLLUPS:
            assert connection.scalar(select(func.count()).select_from(rollup.table)), rollup.name


@pytest.mark.parametrize(("model", "key"), [
    (ServiceDaily, f"2025-09-30 · {TOWNSHIP}"),
    (ServiceItemDaily, f"2025-09-30 · {TOWNSHIP[:6]}000000 · {GOOD_ITEM['code']}"),
])
def test_a_changed_roll_up_value_is_named_and_rebuilt(tmp_path: Path, model: type,
                                                      key: str) -> None:
    engine = fresh_database(sqlite_url(tmp_path))
    import_file(engine, write_rows(DOMAINS["service_items"], pd.DataFrame([GOOD_ITEM]),
                                   tmp_path / "items.csv"))
    import_file(engine, write_rows(DOMAINS["service_cases"], pd.DataFrame([GOOD_CASE]),
                                   tmp_path / "cases.csv"))
    assert differences(engine).empty
    before = snapshot(engine)[model.__tablename__]
    with engine.begin() as connection:
        connection.execute(update(model).where(model.cases == 1).values(cases=7))
    found = differences(engine)
    assert found[["rollup", "column", "stored", "expected"]].values.tolist() == [
        [model.__tablename__, "cases", 7, 1]]
    assert found["key"].iloc[0] == key
    rebuild(engine)
    assert differences(engine).empty
    assert snapshot(engine)[model.__tablename__] == before


def _item_days(engine) -> list[tuple]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(ServiceItemDaily.item_code, ServiceItemDaily.day, ServiceItemDaily.cases,
                   ServiceItemDaily.finished)
            .order_by(ServiceItemDaily.item_code, ServiceItemDaily.day))]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_import_and_its_undo_keep_the_item_roll_up(tmp_path: Path, backend: str,
                                                      request: pytest.FixtureRequest) -> None:
    """A case moved to another item and day leaves no row of its old item and day behind,
    and the undo brings back the roll-up as it was (on PostgreSQL the stored cases' days are
    looked up another way)."""
    url = request.getfixturevalue("fresh_postgres_url") if backend == "postgresql" else None
    engine = filled_database(tmp_path, keep_changes=True, url=url)
    import_file(engine, write_rows(DOMAINS["service_items"], pd.DataFrame([OTHER_ITEM]),
                                   tmp_path / "other.csv"))
    before = snapshot(engine)["service_item_daily"]
    # Its stored days (accepted 2025-09-30, finished 2025-10-10) lie before all of the file's.
    moved = {**GOOD_CASE, "item_code": OTHER_ITEM["code"], "applied_at": "2025-10-15 08:00",
             "accepted_at": "2025-10-15 09:00", "finished_at": "2025-10-20 15:00"}
    added = {**GOOD_CASE, "serial_no": "SS2025000777", "applied_at": "2025-11-03 08:00",
             "accepted_at": "2025-11-03 09:00", "finished_at": "2025-11-04 10:00"}
    path = write_rows(DOMAINS["service_cases"], pd.DataFrame([moved, added]),
                      tmp_path / "up.csv")
    upload_id, _ = create_upload(engine, path.name, path.read_bytes(), None, NOW)
    run_upload(engine, upload_id, NOW)
    assert differences(engine).empty
    first, other = GOOD_ITEM["code"], OTHER_ITEM["code"]
    assert _item_days(engine) == [(first, dt.date(2025, 11, 3), 1, 0),
                                  (first, dt.date(2025, 11, 4), 0, 1),
                                  (other, dt.date(2025, 10, 15), 1, 0),
                                  (other, dt.date(2025, 10, 20), 0, 1)]
    undo_upload(engine, upload_id, NOW)
    assert differences(engine).empty
    assert snapshot(engine)["service_item_daily"] == before
