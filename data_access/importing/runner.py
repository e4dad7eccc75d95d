"""Validates a whole file, then writes it in one transaction: all rows or none."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, SQLColumnExpression, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from data_access.calendar import begin_with_calendar
from data_access.importing.bulk import upsert
from data_access.importing.problems import ImportRejected, Problem
from data_access.importing.reader import read_table
from data_access.importing.spec import Domain, Lookups
from data_access.importing.templates import TEMPLATES, detect_template
from data_access.importing.validate import Collector, parse
from data_access.models import (
    Division,
    ImportLog,
    InspectionItem,
    InspectionObject,
    InspectionTask,
    Inspector,
    ServiceItem,
    VolunteerTeam,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportReport:
    domain: str
    file_name: str
    sha256: str
    rows_in_file: int
    rows_inserted: int
    rows_updated: int


def import_file(engine: Engine, path: Path, domain_id: str | None = None,
                now: dt.datetime | None = None) -> ImportReport:
    """Imports one filled-in template. Raises ImportRejected, having written nothing."""
    now = now or dt.datetime.now()
    if not path.is_file():
        raise ImportRejected([Problem(path.name, "", None, None, "文件不存在", "file not found")])
    table = read_table(path, sheet_hint=domain_id)
    domain = TEMPLATES.get(domain_id or "") or detect_template(list(table.frame.columns),
                                                               table.sheet)
    if domain is None:
        known = "、".join(TEMPLATES)
        raise ImportRejected([Problem(table.file, table.sheet, None, None,
                                      f"无法判断模板类型，请用 --domain 指定（{known}）",
                                      f"cannot tell which template this is; pass --domain "
                                      f"(one of {', '.join(TEMPLATES)})")])
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    # Due dates derive from the county's holiday calendar as stored, whichever process imports.
    with begin_with_calendar(engine) as connection:
        lookups = read_lookups(connection)
        out = Collector(table)
        parsed = parse(domain, table, lookups, now, out)
        if out.problems:
            raise ImportRejected(out.problems)
        if domain.derive:
            parsed = domain.derive(parsed, lookups)
        span = domain.rollup.span(connection, parsed) if domain.rollup else None
        try:
            inserted, updated = _write(connection, domain, parsed)
            if domain.rollup and span:
                domain.rollup.refresh(connection, *span)
            if domain.after_write:
                domain.after_write(connection, parsed)
        except IntegrityError as error:
            raise ImportRejected([Problem(table.file, table.sheet, None, None,
                                          f"数据库拒绝写入：{error.orig}",
                                          f"the database refused the rows: {error.orig}")]) \
                from error
        connection.execute(ImportLog.__table__.insert().values(
            domain=domain.id, file_name=path.name, sha256=sha256, rows_in_file=len(parsed),
            rows_inserted=inserted, rows_updated=updated, imported_at=now))
    log.info("imported %s (%s): %d rows, %d new", path.name, domain.id, len(parsed), inserted)
    return ImportReport(domain.id, path.name, sha256, len(parsed), inserted, updated)


def read_lookups(connection: Connection) -> Lookups:
    divisions = pd.read_sql(select(Division.code, Division.level, Division.parent_code,
                                   Division.unit_type), connection).set_index("code")

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
        object_townships=mapping(InspectionObject.code, InspectionObject.township_code),
    )


def _write(connection: Connection, domain: Domain, frame: pd.DataFrame) -> tuple[int, int]:
    table = domain.model.__table__
    before = connection.scalar(select(func.count()).select_from(table)) or 0
    if domain.update_only:
        _update(connection, domain, frame)
        return 0, len(frame)
    upsert(connection, table, frame, domain.natural_key)
    after = connection.scalar(select(func.count()).select_from(table)) or 0
    inserted = after - before
    return inserted, len(frame) - inserted


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
