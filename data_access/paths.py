"""Where the project's own files are: the bottom floor's paths, read by data_access and by the
settings in dashboard/config.py (which sits above and imports them from here)."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "var" / "dashboard.sqlite3"
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"
ASSETS_DIR = PROJECT_ROOT / "assets"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"


def default_database_url() -> str:
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"
