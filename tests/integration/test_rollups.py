"""The roll-ups agree with the rows they count: after the demo's imports, and after a value is
changed behind the importer's back the check names it and a rebuild mends it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
from sqlalchemy import update

from data_access.importing.domains import DOMAINS
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.models import ServiceDaily
from data_access.rollup_check import differences, rebuild
from tests.dbutil import fresh_database, snapshot, sqlite_url
from tests.fixtures.processes import REPO_ROOT, app_env
from tests.integration.test_import_rejections import GOOD_CASE, GOOD_ITEM


def test_the_demo_roll_ups_agree_with_their_rows(demo_database_url) -> None:
    result = subprocess.run([sys.executable, "-m", "dashboard", "rollups", "check"],
                            cwd=REPO_ROOT, env=app_env(demo_database_url), capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "agree" in result.stdout


def test_a_changed_roll_up_value_is_named_and_rebuilt(tmp_path: Path) -> None:
    engine = fresh_database(sqlite_url(tmp_path))
    import_file(engine, write_rows(DOMAINS["service_items"], pd.DataFrame([GOOD_ITEM]),
                                   tmp_path / "items.csv"))
    import_file(engine, write_rows(DOMAINS["service_cases"], pd.DataFrame([GOOD_CASE]),
                                   tmp_path / "cases.csv"))
    assert differences(engine).empty
    before = snapshot(engine)["service_daily"]
    with engine.begin() as connection:
        connection.execute(update(ServiceDaily).where(ServiceDaily.cases == 1)
                           .values(cases=7))
    found = differences(engine)
    assert found[["column", "stored", "expected"]].values.tolist() == [["cases", 7, 1]]
    assert found["key"].iloc[0].startswith("2025-09-30")
    rebuild(engine)
    assert differences(engine).empty
    assert snapshot(engine)["service_daily"] == before
