"""Bulk upsert through the database driver.

Going through SQLAlchemy's per-value type processing costs more than the insert itself at
hundreds of thousands of rows, so values are prepared column by column with numpy, in the
storage formats SQLAlchemy itself uses (text timestamps on SQLite; PostgreSQL casts text to the
column's type), and sent with one executemany per chunk, or on PostgreSQL by COPY.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Table

CHUNK_ROWS = 50_000


def _column_values(series: pd.Series, python_type: type) -> np.ndarray:
    missing = series.isna().to_numpy()
    if python_type in (dt.datetime, dt.date):
        stamps = pd.to_datetime(series).to_numpy(dtype="datetime64[us]")
        if python_type is dt.date:
            text = np.datetime_as_string(stamps.astype("datetime64[D]"))
        else:  # SQLAlchemy's SQLite format: "YYYY-MM-DD HH:MM:SS.ffffff"
            text = np.char.replace(np.datetime_as_string(stamps, unit="us"), "T", " ")
        values = np.array(text.tolist(), dtype=object)
    elif python_type is int:
        values = np.array(series.fillna(0).to_numpy(dtype="float64").astype(np.int64).tolist(),
                          dtype=object)
    elif python_type is float:
        values = np.array(series.to_numpy(dtype="float64").tolist(), dtype=object)
    elif python_type is bool:
        values = np.array(series.fillna(False).to_numpy(dtype=bool).tolist(), dtype=object)
    else:
        values = series.to_numpy(dtype=object).copy()
    values[missing] = None
    return values


def prepared_rows(table: Table, frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """The frame's rows as the driver takes them for these columns of the table."""
    prepared = [_column_values(frame[c], table.columns[c].type.python_type) for c in columns]
    return list(zip(*prepared, strict=True))


def upsert(connection: Connection, table: Table, frame: pd.DataFrame,
           key: tuple[str, ...], done: Callable[[float], None] | None = None,
           insert_only: tuple[str, ...] = ()) -> None:
    """INSERT ... ON CONFLICT (key) DO UPDATE for every row of frame (same SQL on both backends).
    Columns in `insert_only` are written for new rows and left as they are in existing ones."""
    columns = [c.name for c in table.columns if c.name in frame.columns]
    # Rows in key order fill the key's index page by page instead of all over it.
    frame = frame.sort_values(list(key), kind="stable")
    quote = connection.dialect.identifier_preparer.quote
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns
                        if c not in key and c not in insert_only)
    insert = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)})"
    conflict = (f"ON CONFLICT ({', '.join(quote(c) for c in key)}) "
                + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING"))
    sql = f"{insert} VALUES ({', '.join([marker] * len(columns))}) {conflict}"
    rows = prepared_rows(table, frame, columns)
    if connection.dialect.name == "postgresql":
        _copied_upsert(connection, table, columns, rows, (insert, conflict), done)
        return
    for start in range(0, len(rows), CHUNK_ROWS):
        connection.exec_driver_sql(sql, rows[start:start + CHUNK_ROWS])
        if done is not None:  # the share of rows written, for a progress bar
            done(min(1.0, (start + CHUNK_ROWS) / len(rows)))


def _copied_upsert(connection: Connection, table: Table, columns: list[str], rows: list[tuple],
                   statement: tuple[str, str], done: Callable[[float], None] | None) -> None:
    """On PostgreSQL: the rows COPYed into a scratch table of the same columns (no
    constraints), then one INSERT ... SELECT with the same ON CONFLICT clause. COPY sends rows
    several times faster than an executemany of INSERTs; the constraints are checked by the
    INSERT, in the same transaction."""
    quote = connection.dialect.identifier_preparer.quote
    listed = ", ".join(quote(c) for c in columns)
    scratch = quote(f"upsert_{table.name}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {scratch}")
    connection.exec_driver_sql(f"CREATE TEMP TABLE {scratch} ON COMMIT DROP AS "
                               f"SELECT {listed} FROM {quote(table.name)} WITH NO DATA")
    copy_rows(connection, scratch, listed, rows,
              None if done is None else (lambda share: done(share * 0.8)))
    insert, conflict = statement  # "INSERT INTO t (columns)" and its ON CONFLICT clause
    connection.exec_driver_sql(f"{insert} SELECT {listed} FROM {scratch} {conflict}")
    connection.exec_driver_sql(f"DROP TABLE {scratch}")
    if done is not None:
        done(1.0)


def copy_rows(connection: Connection, table: str, listed: str, rows: list[tuple],
              done: Callable[[float], None] | None = None) -> None:
    """COPY rows into `table` (quoted) on PostgreSQL, `listed` its quoted column names."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("no database connection to COPY through")
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({listed}) FROM STDIN") as copy:
        for start in range(0, len(rows), CHUNK_ROWS):
            for row in rows[start:start + CHUNK_ROWS]:
                copy.write_row(row)
            if done is not None:
                done(min(1.0, (start + CHUNK_ROWS) / len(rows)))
