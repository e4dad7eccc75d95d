"""Rows behind the weekly report's red flags, and the stored report exports.

The flags are defined in metrics/red_flags.py (what each counts, as of which day); here they
are read. Cases due in one week are read through indexed columns; rectification orders are few
(hundreds), so all are read and metrics.red_flags.overdue_rectification picks the overdue ones,
the same test the inspection pages apply. The stored exports are one row per PDF with the
report model as JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select
from sqlalchemy.orm import aliased

from data_access.aggregates import dates_between, day_of
from data_access.cache import cached, data_version
from data_access.models import (
    CollectiveIncome,
    Division,
    InspectionObject,
    InspectionResult,
    InspectionTask,
    ReportExport,
    ServiceCase,
    ServiceItem,
)
from metrics.periods import Period
from metrics.red_flags import days_late, overdue_rectification
from metrics.vocabulary import OPEN_STATUS, RECTIFY_DISPOSAL


def _read(engine: Engine, query) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


@cached
def new_overdue_cases(engine: Engine, week: Period) -> pd.DataFrame:
    """The new-overdue-cases flag of the week (metrics/red_flags.py): cases whose promised date
    fell in the week and that were not finished by it, finished on a later day or still being
    handled (refused and returned cases are closed, not overdue): serial_no, item, hall,
    township_code, township, due_date, finished_at (NaT while open)."""
    township = aliased(Division)
    still_open = and_(ServiceCase.finished_at.is_(None), ServiceCase.status == OPEN_STATUS)
    finished_late = day_of(engine, ServiceCase.finished_at) > ServiceCase.due_date
    query = (select(ServiceCase.serial_no, ServiceItem.name.label("item"),
                    Division.name.label("hall"), ServiceCase.division_code,
                    ServiceCase.township_code,
                    township.name.label("township"), ServiceCase.due_date,
                    ServiceCase.finished_at)
             .join(ServiceItem, ServiceItem.code == ServiceCase.item_code)
             .join(Division, Division.code == ServiceCase.division_code)
             .outerjoin(township, township.code == ServiceCase.township_code)
             .where(ServiceCase.missed_due.is_(True), dates_between(ServiceCase.due_date, week),
                    or_(still_open, finished_late))
             .order_by(ServiceCase.due_date, ServiceCase.serial_no))
    frame = _read(engine, query)
    frame["finished_at"] = pd.to_datetime(frame["finished_at"])
    return frame


@cached
def rectification_orders(engine: Engine) -> pd.DataFrame:
    """Every object ordered to rectify (责令整改), of every year's draws: task_code,
    object_code, object_name, lead_department, township_code, township, disposal, rectify_due,
    rectified_on (dates; None while not rectified)."""
    result = InspectionResult
    query = (select(result.task_code, result.object_code,
                    InspectionObject.name.label("object_name"),
                    InspectionTask.lead_department, result.township_code,
                    Division.name.label("township"), result.disposal, result.rectify_due,
                    result.rectified_on)
             .join(InspectionTask, InspectionTask.code == result.task_code)
             .join(InspectionObject, InspectionObject.code == result.object_code)
             .join(Division, Division.code == result.township_code)
             .where(result.disposal == RECTIFY_DISPOSAL)
             .order_by(result.rectify_due, result.task_code, result.object_code))
    frame = _read(engine, query)
    for name in ("rectify_due", "rectified_on"):
        frame[name] = pd.to_datetime(frame[name]).dt.date.where(frame[name].notna(), None)
    return frame


@cached
def overdue_rectifications(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """The overdue-rectifications flag at the end of `as_of` (metrics/red_flags.py: the
    deadline before as_of, not rectified on or before it), longest overdue first: the columns
    of rectification_orders, working_days_late and calendar_days_late."""
    orders = rectification_orders(engine)
    late = orders[overdue_rectification(orders, as_of)]
    days = days_late(late["rectify_due"], as_of).astype(int)
    return pd.concat([late, days], axis=1).reset_index(drop=True)


@cached
def latest_income_year(engine: Engine, by: dt.date) -> int | None:
    """The latest year whose annual income report is on record and complete by `by`."""
    with engine.connect() as connection:
        year = connection.scalar(select(func.max(CollectiveIncome.year)).where(
            and_(CollectiveIncome.quarter == 0, CollectiveIncome.year < by.year)))
    return None if year is None else int(year)


# --- stored exports --------------------------------------------------------------------------


def store_export(engine: Engine, kind: str, week: str, township_code: str | None, lang: str,
                 snapshot: dict, created_at: dt.datetime) -> int:
    """Saves the numbers about to be exported; returns the export's id."""
    with engine.begin() as connection:
        key = connection.execute(ReportExport.__table__.insert().values(
            kind=kind, week=week, township_code=township_code, lang=lang,
            data_version=data_version(engine), created_at=created_at,
            snapshot=json.dumps(snapshot, ensure_ascii=False))).inserted_primary_key
        if key is None:  # a one-row INSERT always has one; typed Optional for executemany
            raise RuntimeError("the export's id was not returned")
        return int(key[0])


def attach_pdf(engine: Engine, export_id: int, pdf: bytes) -> str:
    digest = hashlib.sha256(pdf).hexdigest()
    with engine.begin() as connection:
        connection.execute(ReportExport.__table__.update()
                           .where(ReportExport.id == export_id)
                           .values(pdf=pdf, pdf_sha256=digest))
    return digest


def export_snapshot(engine: Engine, export_id: int) -> dict | None:
    """id, kind, week, township_code, lang, created_at, data_version and the snapshot dict."""
    table = ReportExport.__table__
    with engine.connect() as connection:
        row = connection.execute(select(*(c for c in table.c if c.name != "pdf"))
                                 .where(table.c.id == export_id)).mappings().first()
    if row is None:
        return None
    return {**row, "snapshot": json.loads(row["snapshot"])}


def export_pdf(engine: Engine, export_id: int) -> bytes | None:
    with engine.connect() as connection:
        return connection.scalar(select(ReportExport.pdf).where(ReportExport.id == export_id))


def list_exports(engine: Engine, week: str) -> pd.DataFrame:
    """The week's stored exports, newest first: id, kind, township_code, township, lang,
    created_at, data_version, pdf_sha256, pdf_state."""
    query = (select(ReportExport.id, ReportExport.kind, ReportExport.township_code,
                    Division.name.label("township"), ReportExport.lang,
                    ReportExport.created_at, ReportExport.data_version,
                    ReportExport.pdf_sha256, ReportExport.pdf_state)
             .outerjoin(Division, Division.code == ReportExport.township_code)
             .where(ReportExport.week == week)
             .order_by(ReportExport.created_at.desc(), ReportExport.id.desc()))
    return _read(engine, query)
