"""Division reference data: the county, its townships and village-level units (NBS codes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from data_access.cache import cached
from data_access.models import Division
from data_access.paths import REFERENCE_DIR

COUNTY_CODE = "421081000000"
COUNTY_NAME = "石首市"
DIVISIONS_CSV = REFERENCE_DIR / "shishou_divisions.csv"


def load_reference_divisions(engine: Engine, path: Path = DIVISIONS_CSV) -> int:
    """Inserts or refreshes the divisions of the reference file; keeps imported population."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fields = ["code", "name", "short_name", "level", "unit_type", "parent_code"]
    rows: list[dict[str, Any]] = [{
        "code": COUNTY_CODE, "name": COUNTY_NAME, "short_name": COUNTY_NAME,
        "level": "county", "unit_type": "县级市", "parent_code": None}]
    rows += frame[fields].to_dict("records")
    # Townships before villages so that parents exist when foreign keys are checked.
    rows.sort(key=lambda r: {"county": 0, "township": 1, "village": 2}[r["level"]])
    with engine.begin() as connection:
        insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
        statement = insert(Division.__table__)
        statement = statement.on_conflict_do_update(
            index_elements=["code"],
            set_={k: statement.excluded[k] for k in ("name", "short_name", "level",
                                                     "unit_type", "parent_code")})
        for row in rows:
            row.setdefault("population_generated", False)
        connection.execute(statement, rows)
    return len(rows)


def divisions_frame(engine: Engine) -> pd.DataFrame:
    """All divisions, indexed by code."""
    with engine.connect() as connection:
        return pd.read_sql(select(Division.__table__), connection).set_index("code")


@cached
def division_table(engine: Engine) -> pd.DataFrame:
    """All divisions indexed by code (cached: read on every page)."""
    return divisions_frame(engine)
