import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from data_access.demo.provenance import mark_demo_imports, real_imports
from data_access.importing.domains import DOMAINS
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.paths import default_database_url
from tests.conftest import DEMO_AS_OF
from tests.dbutil import fresh_database, snapshot, sqlite_url
from tests.integration.test_import_rejections import GOOD_INCOME

REPO = Path(__file__).resolve().parents[2]


def test_demo_data_refuses_a_day_that_has_not_ended(tmp_path) -> None:
    today = dt.date.today().isoformat()
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "demo-data", "--as-of", today], cwd=REPO,
        capture_output=True, text=True, check=False,
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "must be a day that has ended" in result.stderr
    assert not (tmp_path / "x.sqlite3").exists()  # refused before touching the database


def _demo_data(database_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "dashboard", "demo-data", "--as-of", DEMO_AS_OF], cwd=REPO,
        capture_output=True, text=True, check=False,
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"})


def _income_file(path: Path) -> Path:
    return write_rows(DOMAINS["collective_income"], pd.DataFrame([GOOD_INCOME]), path)


def test_demo_data_refuses_a_database_with_real_imports(tmp_path) -> None:
    url = sqlite_url(tmp_path)
    engine = fresh_database(url)
    import_file(engine, _income_file(tmp_path / "2019年收益分配.xlsx"),
                now=dt.datetime(2026, 11, 20, 9, 30))
    before = snapshot(engine)
    result = _demo_data(url)
    assert result.returncode == 2
    zh, en = result.stderr.splitlines()
    assert zh.startswith("拒绝载入演示数据：该数据库已有 1 次真实导入（最近一次 "
                         "2019年收益分配.xlsx (collective_income, 2026-11-20 09:30)）")
    assert en.startswith("demo data refused: this database holds real imports (1, latest "
                         "2019年收益分配.xlsx (collective_income, 2026-11-20 09:30))")
    assert "start over with a new empty database" in en and "nothing was changed" in en
    assert snapshot(engine) == before


def test_a_demo_file_imported_by_hand_is_a_real_import(tmp_path) -> None:
    """Only the demo build's own run of imports is certified, not its files' names."""
    url = sqlite_url(tmp_path)
    engine = fresh_database(url)
    demo_file = _income_file(tmp_path / "02_collective_income.xlsx")
    mark_demo_imports(engine, [import_file(engine, demo_file)], dt.date(2026, 11, 15))
    assert real_imports(engine) == []
    import_file(engine, demo_file)  # kept with --keep-files, imported again by someone
    assert [i.file_name for i in real_imports(engine)] == ["02_collective_income.xlsx"]
    result = _demo_data(url)
    assert result.returncode == 2
    assert "holds real imports (1, latest 02_collective_income.xlsx" in result.stderr


def test_the_demo_database_holds_no_real_imports(demo_engine) -> None:
    # Built by demo-data: running demo-data on it again (a newer as-of date) is allowed.
    assert real_imports(demo_engine) == []


def _make_dry_run(*variables: str, database_url: str | None = None) -> str:
    """What `make -n serve-gunicorn` would run (as a top-level make, even under `make test`)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return subprocess.run(["make", "-n", "serve-gunicorn", *variables], cwd=REPO, env=env,
                          capture_output=True, text=True, check=True).stdout


def test_serve_gunicorn_loads_demo_data_only_into_the_default_sqlite_file() -> None:
    elsewhere = [_make_dry_run("DATABASE_URL=postgresql://x/y"),
                 _make_dry_run(database_url="postgresql+psycopg://u@db.example/shishou"),
                 _make_dry_run(database_url=f"sqlite:///{REPO / 'var' / 'county.sqlite3'}")]
    for commands in elsewhere:
        assert "demo-data" not in commands
        assert "-m dashboard init-db\n" in commands  # migrated, nothing loaded
        assert ".venv/bin/gunicorn -c gunicorn.conf.py dashboard.wsgi:server\n" in commands
    for default in (_make_dry_run(), _make_dry_run(database_url=default_database_url())):
        assert "-m dashboard demo-data" in default
