"""Validates a whole file, then writes it in one transaction: all rows or none."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, SQLColumnExpression, bindparam, func, select, update
from sqlalchemy.exc import DBAPIError

from data_access.calendar import begin_with_calendar
from data_access.db import analyze, refresh_statistics
from data_access.importing.bulk import upsert
from data_access.importing.changes import capture, encode
from data_access.importing.derive import township_of
from data_access.importing.halves import halves, in_two
from data_access.importing.problems import ImportRejected, Problem
from data_access.importing.reader import CsvLines, RawTable, open_table
from data_access.importing.spec import Domain, Lookups
from data_access.importing.templates import TEMPLATES, detect_template
from data_access.importing.validate import Collector, duplicated_keys, parse
from data_access.models import (
    Division,
    ImportChange,
    ImportLog,
    InspectionItem,
    InspectionObject,
    InspectionTask,
    Inspector,
    ServiceItem,
    VolunteerTeam,
)

log = logging.getLogger(__name__)

# The templates whose rows belong to a township: the ones a township officer may upload.
TOWNSHIP_TEMPLATES = ("service_cases", "volunteer_activities", "collective_income",
                      "cooperatives", "land_transfer", "inspection_results")

# Told where an import stands: its phase (reading / checking / writing) and the share done.
Progress = Callable[[str, float], None]


def _silent(_phase: str, _done: float) -> None:
    return None


@dataclass(frozen=True)
class ImportReport:
    domain: str
    file_name: str
    sha256: str
    rows_in_file: int
    rows_inserted: int
    rows_updated: int
    import_id: int = 0


def import_file(engine: Engine, path: Path, domain_id: str | None = None,
                now: dt.datetime | None = None, *, progress: Progress = _silent,
                township: str | None = None, keep_changes: bool = False) -> ImportReport:
    """Imports one filled-in template. Raises ImportRejected, having written nothing.

    township: the uploader's own township, when a township officer sends the file: every row
    must belong to it. keep_changes: keep what the import replaced, so it can be undone."""
    with _cycle_collector_paused():
        return _import_file(engine, path, domain_id, now or dt.datetime.now(), progress,
                            township, keep_changes)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """An import makes millions of objects (a county's file: its values, its rows for COPY)
    that live until it ends: the cycle collector would walk them again and again and find
    nothing (0.5 s of a county's 800,000 cases)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _import_file(engine: Engine, path: Path, domain_id: str | None, now: dt.datetime,
                 progress: Progress, township: str | None, keep_changes: bool) -> ImportReport:
    if not path.is_file():
        raise ImportRejected([Problem(path.name, "", None, None, "文件不存在", "file not found")])
    progress("reading", 0.0)
    # Hashed while the file is read (hashlib lets go of the interpreter while it hashes), and
    # done before anything forks.
    with ThreadPoolExecutor(max_workers=1) as hasher:
        digest = hasher.submit(lambda: hashlib.sha256(path.read_bytes()).hexdigest())
        table = open_table(path, sheet_hint=domain_id)
        sha256 = digest.result()
    domain = TEMPLATES.get(domain_id or "") or detect_template(table.headers, table.sheet)
    if domain is None:
        table.whole()  # a problem reading the values comes first, as for any file
        known = "、".join(TEMPLATES)
        raise ImportRejected([Problem(table.file, table.sheet, None, None,
                                      f"无法判断模板类型，请用 --domain 指定（{known}）",
                                      f"cannot tell which template this is; pass --domain "
                                      f"(one of {', '.join(TEMPLATES)})")])
    # Due dates derive from the county's holiday calendar as stored, whichever process imports.
    with begin_with_calendar(engine) as connection:
        progress("checking", 0.2)
        lookups = read_lookups(connection)
        parsed = _checked(domain, table, lookups, now, township)
        progress("writing", 0.4)
        span = domain.rollup.span(connection, parsed) if domain.rollup else None
        change = capture(connection, domain, parsed) if keep_changes else None
        try:
            inserted, updated, written = _write(connection, domain, parsed, progress)
            stored_in = (domain.stored_in(connection, parsed) if domain.stored_in
                         else (domain.model.__tablename__,))
            if connection.dialect.name == "postgresql" and written:
                analyze(connection, stored_in)
            if change is not None:
                inserted = len(change.keys) - len(change.before)
                updated = len(parsed) - inserted
            # Rows that all stayed as they were leave the roll-up as it was.
            if domain.rollup and span and written:
                domain.rollup.refresh(connection, span)
            if domain.after_write:
                domain.after_write(connection, parsed)
        # A constraint, or on PostgreSQL a value out of its column's range (DataError).
        except DBAPIError as error:
            raise ImportRejected([Problem(table.file, table.sheet, None, None,
                                          f"数据库拒绝写入：{error.orig}",
                                          f"the database refused the rows: {error.orig}")]) \
                from error
        import_id = connection.execute(ImportLog.__table__.insert().values(
            domain=domain.id, file_name=path.name, sha256=sha256, rows_in_file=len(parsed),
            rows_inserted=inserted, rows_updated=updated, imported_at=now)
            .returning(ImportLog.id)).scalar_one()
        if change is not None:
            connection.execute(ImportChange.__table__.insert().values(
                import_id=import_id, table_name=change.table, payload=encode(change)))
    if written:  # PostgreSQL analysed the stored rows' tables before counting roll-ups
        refresh_statistics(engine, (*(() if engine.dialect.name == "postgresql" else stored_in),
                                    *(domain.rollup.tables if domain.rollup else ())))
    progress("done", 1.0)
    log.info("imported %s (%s): %d rows, %d new", path.name, domain.id, len(parsed), inserted)
    return ImportReport(domain.id, path.name, sha256, len(parsed), inserted, updated, import_id)


def _checked(domain: Domain, table: RawTable | CsvLines, lookups: Lookups, now: dt.datetime,
             township: str | None) -> pd.DataFrame:
    """The file's rows read, typed, checked and derived; a large file's in two halves at once
    (data_access.importing.halves). Raises ImportRejected with every problem."""
    split = halves(table.rows)
    if split is not None:
        first, second = split
        parts = in_two(lambda: _checked_part(domain, table.part(first), lookups, now, township),
                       lambda: _checked_part(domain, table.part(second), lookups, now, township))
        if parts[0] is not None and parts[1] is not None:
            joined = pd.concat(parts)
            # The halves' keys may repeat each other's; any repeat is reported from the whole.
            if not duplicated_keys(domain, joined).any():
                log.debug("%s: read and checked in two processes", table.file)
                return joined
    return _checked_whole(domain, table.whole(), lookups, now, township)


def _checked_part(domain: Domain, table: RawTable | None, lookups: Lookups, now: dt.datetime,
                  township: str | None) -> pd.DataFrame | None:
    """Some of the file's rows as _checked_whole makes them, or None if they have a problem:
    the file is then checked whole, so that its problems read as they always do (and rows
    that refer to others of the file may lack them in one half)."""
    if table is None:
        return None
    try:
        return _checked_whole(domain, table, lookups, now, township)
    except ImportRejected:
        return None


def _checked_whole(domain: Domain, table: RawTable, lookups: Lookups, now: dt.datetime,
                   township: str | None) -> pd.DataFrame:
    out = Collector(table)
    parsed = parse(domain, table, lookups, now, out)
    if township is not None and not parsed.empty:
        _check_township(domain, parsed, lookups, township, out)
    if out.problems:
        raise ImportRejected(out.problems)
    return domain.derive(parsed, lookups) if domain.derive else parsed


# A township officer's rows must be their township's: the place a row names, by the first
# of these references its template has (a village named by an activity before its team).
PLACE_REFERENCES = ("village", "division", "township", "inspection_object", "volunteer_team")


def _row_townships(domain: Domain, parsed: pd.DataFrame,
                   lookups: Lookups) -> tuple[pd.Series, dict[int, str]] | None:
    """Each row's township and the header of the column that placed it, or None when the
    template's rows belong to no township."""
    places = sorted((c for c in domain.columns if c.reference in PLACE_REFERENCES and not c.many),
                    key=lambda c: PLACE_REFERENCES.index(c.reference or ""))
    if not places:
        return None
    found = pd.Series(None, index=parsed.index, dtype=object)
    column_of: dict[int, str] = {}
    for column in places:
        codes = parsed[column.key]
        if column.reference == "inspection_object":
            towns = codes.map(lookups.object_townships)
        elif column.reference == "volunteer_team":
            towns = codes.map(lookups.team_townships)
        else:
            towns = township_of(codes.fillna(""), lookups)
        take = found.isna() & codes.notna()
        found = found.where(~take, towns)
        column_of.update({int(row): column.header for row in take.index[take.to_numpy()]})
    return found, column_of


def _check_township(domain: Domain, parsed: pd.DataFrame, lookups: Lookups, township: str,
                    out: Collector) -> None:
    placed = _row_townships(domain, parsed, lookups)
    if placed is None or domain.id not in TOWNSHIP_TEMPLATES:
        out.whole("乡镇账号不能上传此模板", "a township account may not upload this template")
        return
    towns, column_of = placed
    names = lookups.divisions["short_name"].to_dict()
    own = f"{names.get(township, township)} {township}"
    # A code already reported as unknown is not reported again as another township's.
    reported = {(p.row, p.column) for p in out.problems}
    for row, town in towns.items():
        column = column_of.get(int(row), domain.columns[0].header)
        if town == township or (row, column) in reported:
            continue
        where = f"{names.get(town, town)}（{town}）" if isinstance(town, str) \
            else "市直 / the city's own"
        out.one(int(row), column, f"不属于本乡镇（{own}），属于{where}",
                f"not in your township ({own}) but in {where}")


def read_lookups(connection: Connection) -> Lookups:
    divisions = pd.read_sql(select(Division.code, Division.level, Division.parent_code,
                                   Division.unit_type, Division.short_name),
                            connection).set_index("code")

    def codes(column: SQLColumnExpression[str]) -> set[str]:
        return set(connection.scalars(select(column)))

    def mapping(key: SQLColumnExpression[str], value: SQLColumnExpression[Any]) -> pd.Series:
        rows = connection.execute(select(key, value)).all()
        return pd.Series({k: v for k, v in rows}, dtype=object)

    return Lookups(
        divisions=divisions,
        codes={
            "service_item": codes(ServiceItem.code),
            "volunteer_team": codes(VolunteerTeam.code),
            "inspection_object": codes(InspectionObject.code),
            "inspector": codes(Inspector.code),
            "inspection_item": codes(InspectionItem.code),
            "inspection_task": codes(InspectionTask.code),
        },
        item_limits=mapping(ServiceItem.code, ServiceItem.promised_limit_days),
        team_townships=mapping(VolunteerTeam.code, VolunteerTeam.township_code),
        team_counties=mapping(VolunteerTeam.code, VolunteerTeam.county_code),
        object_townships=mapping(InspectionObject.code, InspectionObject.township_code),
    )


def _write(connection: Connection, domain: Domain, frame: pd.DataFrame,
           progress: Progress = _silent) -> tuple[int, int, int]:
    """(rows inserted, rows already stored, rows written: inserted or changed)."""
    table = domain.model.__table__
    if domain.update_only:
        _update(connection, domain, frame)
        return 0, len(frame), len(frame)
    total = len(frame)
    if domain.bulk_write is not None:
        frame = domain.bulk_write(connection, frame)
    inserted = written = total - len(frame)  # rows written in bulk are all new
    if not frame.empty:
        # Counted among the rows of the file's own counties alone (on PostgreSQL their
        # partitions), when the table's key names the county.
        scope = tuple(k for k in domain.table_key if k not in domain.natural_key)
        counted = select(func.count()).select_from(table).where(
            *(table.c[k].in_(frame[k].dropna().unique().tolist()) for k in scope))
        before = connection.scalar(counted) or 0
        written += upsert(connection, table, frame, domain.table_key,
                          lambda share: progress("writing", 0.4 + 0.55 * share),
                          domain.insert_only, scope)
        inserted += (connection.scalar(counted) or 0) - before
    return inserted, total - inserted, written


def _update(connection: Connection, domain: Domain, frame: pd.DataFrame) -> None:
    """Updates existing rows only (their keys were validated to exist)."""
    table = domain.model.__table__
    key = domain.natural_key[0]
    columns = [c.name for c in table.columns if c.name in frame.columns and c.name != key]
    statement = (update(table).where(table.c[key] == bindparam("v_key"))
                 .values({c: bindparam(f"v_{c}") for c in columns}))
    records = frame[[key, *columns]].astype(object).where(frame[[key, *columns]].notna(), None)
    connection.execute(statement, [
        {"v_key": row[0], **{f"v_{c}": v for c, v in zip(columns, row[1:], strict=True)}}
        for row in records.itertuples(index=False)])
