"""Database helpers for tests: a fresh migrated database and a checksum of every table."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine, select

from data_access.db import get_engine, upgrade_to_head
from data_access.demo.shared import DEMO_DIVISIONS
from data_access.divisions import load_divisions_file
from data_access.models import Base


def fresh_database(url: str) -> Engine:
    upgrade_to_head(url)
    engine = get_engine(url)
    load_divisions_file(engine, DEMO_DIVISIONS)
    return engine


def sqlite_url(folder: Path, name: str = "test.sqlite3") -> str:
    return f"sqlite:///{folder / name}"


def snapshot(engine: Engine) -> dict[str, tuple[int, str]]:
    """Row count and SHA-256 of the ordered rows of every table but the audit log (which
    records a refused import: that is its job)."""
    result = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_event":
                continue
            rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
            digest = hashlib.sha256(repr([tuple(r) for r in rows]).encode()).hexdigest()
            result[table.name] = (len(rows), digest)
    return result
