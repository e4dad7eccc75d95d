"""Bulk upsert through the database driver.

Going through SQLAlchemy's per-value type processing costs more than the insert itself at
hundreds of thousands of rows, so values are prepared column by column with numpy, in the
storage formats SQLAlchemy itself uses (text timestamps on SQLite; PostgreSQL casts text to the
column's type), and sent with one executemany per chunk, or on PostgreSQL by COPY.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import numpy as np
import pandas as pd
import psycopg
from psycopg.copy import FileWriter
from sqlalchemy import Connection, Table

from data_access.importing.halves import halves, in_two

CHUNK_ROWS = 50_000


def _column_values(series: pd.Series, python_type: type, native_dates: bool) -> np.ndarray:
    missing = series.isna().to_numpy()
    if python_type in (dt.datetime, dt.date):
        stamps = pd.to_datetime(series).to_numpy(dtype="datetime64[us]")
        if python_type is dt.date:
            stamps = stamps.astype("datetime64[D]")
        if native_dates:  # Python's dates, for COPY's binary format
            values = stamps.astype(object)
        else:  # SQLAlchemy's SQLite formats: "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS.ffffff"
            text = np.datetime_as_string(stamps)
            if python_type is dt.datetime:
                text = np.char.replace(text, "T", " ")
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


def _rows(table: Table, frame: pd.DataFrame, columns: list[str],
          native_dates: bool = False) -> list[tuple]:
    """The frame's rows as the driver takes them for these columns of the table."""
    prepared = [_column_values(frame[c], table.columns[c].type.python_type, native_dates)
                for c in columns]
    return list(zip(*prepared, strict=True))


def upsert(connection: Connection, table: Table, frame: pd.DataFrame,
           key: tuple[str, ...], done: Callable[[float], None] | None = None,
           insert_only: tuple[str, ...] = (), scope: tuple[str, ...] = ()) -> int:
    """INSERT ... ON CONFLICT (key) DO UPDATE for every row of frame (same SQL on both backends).
    Columns in `insert_only` are written for new rows and left as they are in existing ones.
    `scope`: columns of the key whose values in the frame bound the stored rows it can match
    (a county's code: on PostgreSQL only its partition is compared with the frame).
    Returns the number of rows written: inserted, or stored and changed."""
    columns = [c.name for c in table.columns if c.name in frame.columns]
    # Rows in key order fill the key's index page by page instead of all over it.
    frame = frame.sort_values(list(key), kind="stable")
    quote = connection.dialect.identifier_preparer.quote
    marker = "?" if connection.dialect.paramstyle == "qmark" else "%s"
    updated = [c for c in columns if c not in key and c not in insert_only]
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in updated)
    # A stored row the file repeats as it is stays untouched: a county that sends its whole
    # history again each week rewrites only what changed (PostgreSQL would otherwise write a
    # new version of every row and of each of its index entries).
    distinct = "IS NOT" if connection.dialect.name == "sqlite" else "IS DISTINCT FROM"
    changed = " OR ".join(f"{quote(table.name)}.{quote(c)} {distinct} excluded.{quote(c)}"
                          for c in updated)
    insert = f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)})"
    conflict = (f"ON CONFLICT ({', '.join(quote(c) for c in key)}) "
                + (f"DO UPDATE SET {updates} WHERE {changed}" if updates else "DO NOTHING"))
    sql = f"{insert} VALUES ({', '.join([marker] * len(columns))}) {conflict}"
    if connection.dialect.name == "postgresql":
        stored = [f"stored.{quote(c)} IN ({', '.join(_literals(frame[c]))})" for c in scope]
        return _copied_upsert(connection, table, frame[columns], (insert, conflict), done,
                              _unchanged_left_out(quote, key, updated, stored))
    rows = _rows(table, frame, columns)
    written = 0
    for start in range(0, len(rows), CHUNK_ROWS):
        written += connection.exec_driver_sql(sql, rows[start:start + CHUNK_ROWS]).rowcount
        if done is not None:  # the share of rows written, for a progress bar
            done(min(1.0, (start + CHUNK_ROWS) / len(rows)))
    return written


def _literals(values: pd.Series) -> list[str]:
    """The distinct values as SQL string literals (codes: digits)."""
    distinct = sorted(str(value) for value in values.dropna().unique())
    if not all(value.isalnum() for value in distinct):
        raise ValueError(f"not codes: {distinct[:5]!r}")
    return [f"'{value}'" for value in distinct]


def _unchanged_left_out(quote: Callable[[str], str], key: tuple[str, ...], updated: list[str],
                        stored: list[str]) -> str:
    """FROM and WHERE of the scratch rows that are new or differ from the stored row of their
    key. A file sent again is mostly rows stored as they are: one hash join over the stored
    rows finds the few that changed (1.3 s for a county's 800,000) where ON CONFLICT would
    look each one up in the key's index (3.7 s)."""
    joined = " AND ".join([*(f"stored.{quote(k)} = scratch.{quote(k)}" for k in key), *stored])
    differs = " OR ".join([f"stored.{quote(key[0])} IS NULL",
                           *(f"stored.{quote(c)} IS DISTINCT FROM scratch.{quote(c)}"
                             for c in updated)])
    return f"LEFT JOIN {{table}} AS stored ON {joined} WHERE {differs}"


def _copied_upsert(connection: Connection, table: Table, frame: pd.DataFrame,
                   statement: tuple[str, str], done: Callable[[float], None] | None,
                   changed_only: str) -> int:
    """On PostgreSQL: the rows COPYed into a scratch table of the same columns (no
    constraints), then one INSERT ... SELECT of those that are new or changed, with the same
    ON CONFLICT clause. COPY sends rows several times faster than an executemany of INSERTs;
    the constraints are checked by the INSERT, in the same transaction."""
    quote = connection.dialect.identifier_preparer.quote
    listed = ", ".join(quote(c) for c in frame.columns)
    scratch = quote(f"upsert_{table.name}")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {scratch}")
    connection.exec_driver_sql(f"CREATE TEMP TABLE {scratch} ON COMMIT DROP AS "
                               f"SELECT {listed} FROM {quote(table.name)} WITH NO DATA")
    copy_frame(connection, scratch, table, frame,
               None if done is None else (lambda share: done(share * 0.8)))
    insert, conflict = statement  # "INSERT INTO t (columns)" and its ON CONFLICT clause
    # Counted first: with no statistics PostgreSQL guesses few rows and looks each one up
    # in the key's index instead of hashing them (2.3 s against 1.2 for 800,000 rows).
    connection.exec_driver_sql(f"ANALYZE {scratch}")
    selected = ", ".join(f"scratch.{quote(c)}" for c in frame.columns)
    rows = f"{scratch} AS scratch {changed_only.format(table=quote(table.name))}"
    written = connection.exec_driver_sql(
        f"WITH written AS ({insert} SELECT {selected} FROM {rows} {conflict} RETURNING 1) "
        "SELECT count(*) FROM written").scalar_one()
    connection.exec_driver_sql(f"DROP TABLE {scratch}")
    if done is not None:
        done(1.0)
    return int(written)


# The column types whose values, as _column_values makes them with Python's dates, COPY's
# binary format takes (PostgreSQL's names): others go as text.
BINARY_TYPES = frozenset({"varchar", "text", "smallint", "integer", "bigint", "boolean", "date",
                          "timestamp without time zone"})


def _binary_types(connection: Connection, table: Table, columns: list[str]) -> list[str] | None:
    names = [table.columns[c].type.compile(dialect=connection.dialect).split("(")[0].lower()
             for c in columns]
    return names if BINARY_TYPES.issuperset(names) else None


def copy_frame(connection: Connection, target: str, table: Table, frame: pd.DataFrame,
               done: Callable[[float], None] | None = None, *, frozen: bool = False) -> None:
    """COPY the frame, whose columns are columns of `table`, into `target` (quoted) on
    PostgreSQL. In binary when every column's type allows: the driver then writes Python's
    dates itself, which takes half the time of formatting them as text and parsing them again
    (a county's 800,000 cases: 2.1 s, against 4.6). A large frame's later half is formatted
    at the same time by a child process (data_access.importing.halves) and sent after the
    earlier half. `frozen`: rows of a table made in this transaction, written already frozen
    and visible, so that reading them first (to index or count them) does not write every
    page again."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("no database connection to COPY through")
    columns = list(frame.columns)
    types = _binary_types(connection, table, columns)
    quote = connection.dialect.identifier_preparer.quote
    options = [*(["FORMAT BINARY"] if types else []), *(["FREEZE"] if frozen else [])]
    statement = (f"COPY {target} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
                 + (f" ({', '.join(options)})" if options else ""))
    split = halves(len(frame))
    if types is None or split is None:
        _copy_rows(driver, statement, types, _rows(table, frame, columns, types is not None),
                   done)
        return
    binary, (earlier, later) = types, split
    formatted, _ = in_two(
        lambda: _formatted(driver, binary, _rows(table, frame.iloc[later], columns, True)),
        lambda: _copy_rows(driver, statement, types,
                           _rows(table, frame.iloc[earlier], columns, True),
                           None if done is None else (lambda share: done(share / 2))))
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(formatted)  # the whole binary format: signature, rows and trailer
    if done is not None:
        done(1.0)


def _copy_rows(driver: psycopg.Connection, statement: str, types: list[str] | None,
               rows: list[tuple], done: Callable[[float], None] | None) -> None:
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        if types:
            copy.set_types(types)
        for start in range(0, len(rows), CHUNK_ROWS):
            for row in rows[start:start + CHUNK_ROWS]:
                copy.write_row(row)
            if done is not None:
                done(min(1.0, (start + CHUNK_ROWS) / len(rows)))


def _formatted(driver: psycopg.Connection, types: list[str], rows: list[tuple]) -> bytes:
    """The rows in COPY's binary format, formatted by the driver without a word to the
    database: a child process may do it with the connection it was forked with."""
    buffer = io.BytesIO()
    with driver.cursor() as cursor, \
            psycopg.Copy(cursor, binary=True, writer=FileWriter(buffer)) as copy:
        copy.set_types(types)
        for row in rows:
            copy.write_row(row)
    return buffer.getvalue()
