"""Roll-ups checked against the rows they count, and rebuilt from them.

`python -m dashboard rollups check` recomputes every roll-up from its rows with the very
function the import uses and lists each stored value that differs (exit code 1);
`rollups rebuild` rewrites them. The tests run the check after the demo and after imports
and undos.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, Select, delete, func, select

from data_access.models import Base, ServiceCase, ServiceDaily, ServiceItemDaily, ServiceMonthly
from data_access.rollups import (
    ITEM_KEYS,
    KEYS,
    MONTH_KEYS,
    refresh_service_daily,
    refresh_service_item_daily,
    refresh_service_monthly,
    rows_of,
    service_daily_from_cases,
    service_item_daily_from_cases,
    service_monthly_from_cases,
)


@dataclass(frozen=True)
class Rollup:
    name: str
    keys: tuple[str, ...]
    span: Callable[[Connection], tuple[dt.date, dt.date] | None]  # the rows' days
    expected: Callable[[Connection, dt.date, dt.date], Select]
    stored: Callable[[Connection], pd.DataFrame]
    rebuild: Callable[[Connection, dt.date, dt.date], None]
    table: type


def _case_days(connection: Connection) -> tuple[dt.date, dt.date] | None:
    first, last, last_finish = connection.execute(
        select(func.min(ServiceCase.accepted_at), func.max(ServiceCase.accepted_at),
               func.max(ServiceCase.finished_at))).one()
    if first is None:
        return None
    ends = [pd.Timestamp(v).date() for v in (last, last_finish) if v is not None]
    return pd.Timestamp(first).date(), max(ends)


def _months(connection: Connection) -> tuple[dt.date, dt.date] | None:
    """The first days of the first and last months of the cases' days."""
    days = _case_days(connection)
    return None if days is None else (days[0].replace(day=1), days[1].replace(day=1))


def _stored(model: type[Base], date: str = "day") -> Callable[[Connection], pd.DataFrame]:
    def read(connection: Connection) -> pd.DataFrame:
        frame = pd.read_sql(select(model.__table__), connection)
        frame[date] = pd.to_datetime(frame[date])
        return frame
    return read


ROLLUPS: tuple[Rollup, ...] = (
    Rollup("service_daily", tuple(KEYS), _case_days, service_daily_from_cases,
           _stored(ServiceDaily), refresh_service_daily, ServiceDaily),
    Rollup("service_item_daily", tuple(ITEM_KEYS), _case_days, service_item_daily_from_cases,
           _stored(ServiceItemDaily), refresh_service_item_daily, ServiceItemDaily),
    # Checked against the cases too. Rebuilt after the daily roll-up, from the days it has just
    # rewritten.
    Rollup("service_monthly", tuple(MONTH_KEYS), _months, service_monthly_from_cases,
           _stored(ServiceMonthly, "month"), refresh_service_monthly, ServiceMonthly),
)


def differences(engine: Engine) -> pd.DataFrame:
    """Every stored roll-up value that differs from its rows: rollup, key, column, stored,
    expected (a row missing on one side shows its whole key with column "(row)")."""
    found: list[pd.DataFrame] = []
    with engine.connect() as connection:
        for rollup in ROLLUPS:
            span = rollup.span(connection)
            expected = (rows_of(connection, rollup.expected(connection, *span)) if span
                        else pd.DataFrame())
            found.append(_compare(rollup, rollup.stored(connection), expected))
    frames = [f for f in found if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["rollup", "key", "column", "stored", "expected"])


def _compare(rollup: Rollup, stored: pd.DataFrame, expected: pd.DataFrame) -> pd.DataFrame:
    keys = list(rollup.keys)
    if expected.empty:
        expected = stored.iloc[0:0]
    merged = stored.merge(expected, on=keys, how="outer", suffixes=("_stored", "_expected"),
                          indicator=True)
    rows: list[dict] = []
    for record in merged.to_dict("records"):
        key = " · ".join(str(record[k])[:10] if k in ("day", "month") else str(record[k])
                         for k in keys)
        if record["_merge"] != "both":
            side = "stored only" if record["_merge"] == "left_only" else "missing"
            rows.append({"rollup": rollup.name, "key": key, "column": "(row)",
                         "stored": side == "stored only", "expected": side == "missing"})
            continue
        for column in (c for c in stored.columns if c not in keys):
            a, b = record[f"{column}_stored"], record[f"{column}_expected"]
            if not (pd.isna(a) and pd.isna(b)) and a != b:
                rows.append({"rollup": rollup.name, "key": key, "column": column,
                             "stored": a, "expected": b})
    return pd.DataFrame(rows)


def rebuild(engine: Engine) -> int:
    """Rewrites every roll-up from its rows; returns the number of roll-ups rebuilt."""
    with engine.begin() as connection:
        for rollup in ROLLUPS:
            connection.execute(delete(rollup.table))
            span = rollup.span(connection)
            if span:
                rollup.rebuild(connection, *span)
    return len(ROLLUPS)
