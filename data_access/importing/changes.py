"""What an import changed, kept so that it can be undone.

Before an import writes, the stored rows its file replaces are read back (every column but the
surrogate id) and kept with the natural keys of all the rows it writes. Undoing the import
deletes the rows it added and writes the replaced rows back, in one transaction; it is refused
when a later import (not itself undone) wrote any of the same rows, since undoing would
silently throw that later import's values away.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, and_, delete, or_, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from data_access.importing.bulk import upsert
from data_access.importing.spec import Domain, RollupSpan

# Bound values per statement: within SQLite's limit (32,766) and PostgreSQL's (65,535).
KEY_BINDS = 10_000
Key = tuple[Any, ...]


@dataclass(frozen=True)
class Change:
    table: str
    key: tuple[str, ...]
    keys: list[Key]  # every row the import wrote
    before: list[dict[str, Any]]  # the stored rows it replaced, as they were

    def added(self) -> list[Key]:
        replaced = {tuple(row[k] for k in self.key) for row in self.before}
        return [key for key in self.keys if key not in replaced]


def _plain(value: Any, python_type: type) -> Any:
    """A key or stored value as JSON keeps it and as the database compares it."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if python_type is dt.datetime:
        return pd.Timestamp(value).to_pydatetime().isoformat(sep=" ")
    if python_type is dt.date:
        return pd.Timestamp(value).date().isoformat()
    if python_type is int:
        return int(value)
    if python_type is float:
        return float(value)
    if python_type is bool:
        return bool(value)
    return str(value)


def _python_type(table: Table, column: str) -> type:
    return table.c[column].type.python_type


def file_keys(table: Table, key: Sequence[str], frame: pd.DataFrame) -> list[Key]:
    types = [_python_type(table, k) for k in key]
    return [tuple(_plain(v, t) for v, t in zip(values, types, strict=True))
            for values in frame[list(key)].itertuples(index=False, name=None)]


def _stored_key(table: Table, column: str, value: Any) -> Any:
    """A JSON key value as the driver binds it for the column."""
    python_type = _python_type(table, column)
    if value is not None and python_type is dt.date:
        return dt.date.fromisoformat(value)
    if value is not None and python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    return value


def _where_keys(table: Table, key: Sequence[str], keys: Sequence[Key]) -> ColumnElement[bool]:
    bound = [tuple(_stored_key(table, k, v) for k, v in zip(key, values, strict=True))
             for values in keys]
    if len(key) == 1:
        return table.c[key[0]].in_([values[0] for values in bound])
    if any(v is None for values in bound for v in values):  # NULL never matches IN (...)
        return or_(*(and_(*(table.c[k].is_(None) if v is None else table.c[k] == v
                            for k, v in zip(key, values, strict=True))) for values in bound))
    return tuple_(*(table.c[k] for k in key)).in_(bound)


def _chunks(keys: Sequence[Key], width: int = 1) -> Iterator[Sequence[Key]]:
    size = KEY_BINDS // max(width, 1)
    for start in range(0, len(keys), size):
        yield keys[start:start + size]


def _kept_columns(table: Table, key: Sequence[str]) -> list[str]:
    """Every column but an autoincrement id that is not part of the natural key."""
    return [c.name for c in table.columns if not (c.primary_key and c.name not in key
                                                  and c.autoincrement)]


def stored_rows(connection: Connection, table: Table, key: Sequence[str],
                keys: Sequence[Key]) -> list[dict[str, Any]]:
    """The stored rows of these keys, every value as JSON keeps it."""
    columns = _kept_columns(table, key)
    frames = [pd.read_sql(select(*(table.c[c] for c in columns))
                          .where(_where_keys(table, key, chunk)), connection)
              for chunk in _chunks(keys, len(key))]
    found = [f for f in frames if not f.empty]
    if not found:
        return []
    frame = pd.concat(found, ignore_index=True)
    for column in columns:  # column by column: hundreds of thousands of rows
        python_type = _python_type(table, column)
        if python_type in (dt.date, dt.datetime):
            stamps = pd.to_datetime(frame[column])
            text = stamps.dt.strftime("%Y-%m-%d" if python_type is dt.date
                                      else "%Y-%m-%d %H:%M:%S")
            frame[column] = text.where(stamps.notna(), None)
        elif python_type is bool:
            frame[column] = frame[column].map(lambda v: None if pd.isna(v) else bool(v))
    return list(frame.astype(object).where(frame.notna(), None).to_dict("records"))


def capture(connection: Connection, domain: Domain, frame: pd.DataFrame) -> Change:
    """The file's keys and the stored rows it is about to replace (call before writing)."""
    table = domain.model.__table__
    keys = file_keys(table, domain.table_key, frame)
    return Change(table.name, domain.table_key, keys,
                  stored_rows(connection, table, domain.table_key, keys))


def encode(change: Change) -> bytes:
    return gzip.compress(json.dumps({"table": change.table, "key": change.key,
                                     "keys": change.keys, "before": change.before},
                                    ensure_ascii=False).encode(), compresslevel=5)


def decode(payload: bytes) -> Change:
    data = json.loads(gzip.decompress(payload))
    return Change(data["table"], tuple(data["key"]), [tuple(k) for k in data["keys"]],
                  data["before"])


def _typed(table: Table, rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if _python_type(table, column) in (dt.date, dt.datetime):
            frame[column] = pd.to_datetime(frame[column])
    return frame


def revert(connection: Connection, domain: Domain, change: Change) -> tuple[int, int]:
    """Deletes the rows the import added and writes back the rows it replaced, keeping the
    domain's roll-up in step. Returns (rows deleted, rows restored)."""
    table = domain.model.__table__
    added = change.added()
    now_stored = stored_rows(connection, table, change.key, change.keys)
    span = None
    if domain.rollup:
        spans = [domain.rollup.span(connection, _typed(table, rows))
                 for rows in (now_stored, change.before) if rows]
        found = [s for s in spans if s]
        if found:
            span = functools.reduce(RollupSpan.union, found)
    for chunk in _chunks(added, len(change.key)):
        connection.execute(delete(table).where(_where_keys(table, change.key, chunk)))
    if change.before:
        upsert(connection, table, _typed(table, change.before), change.key)
    if domain.rollup and span:
        domain.rollup.refresh(connection, span)
    return len(added), len(change.before)


def overlaps(first: Change, later: Change) -> bool:
    return first.table == later.table and not set(first.keys).isdisjoint(later.keys)
