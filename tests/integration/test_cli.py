import datetime as dt
import subprocess
import sys
from pathlib import Path

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
