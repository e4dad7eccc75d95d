"""“双随机、一公开” rows behind the inspection pages: results with their task, object and
township, the tasks of a year, the open items of the worklist, one task's record and the
month's supervision theme. Small tables (hundreds of rows a year): the pages aggregate them
with metrics/inspections.py."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import ColumnElement, Engine, Select, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from data_access import access
from data_access.cache import cached
from data_access.models import (
    Division,
    InspectionItem,
    InspectionObject,
    InspectionResult,
    InspectionTask,
    Inspector,
    SupervisionTheme,
)
from metrics.periods import Period
from metrics.vocabulary import RECTIFY_DISPOSAL

RESULT_COLUMNS = ("task_code", "task_name", "lead_department", "departments", "is_joint",
                  "planned_end", "item_name", "object_code", "object_name", "industry", "kind",
                  "risk_class", "township_code", "township", "inspector_codes", "drawn_on",
                  "inspected_on", "result_code", "disposal", "rectify_due", "rectified_on",
                  "publish_due", "published_on")
DATE_COLUMNS = ("planned_end", "drawn_on", "inspected_on", "rectify_due", "rectified_on",
                "publish_due", "published_on")


def _read(engine: Engine, query: Select, dates: tuple[str, ...] = ()) -> pd.DataFrame:
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection)
    for name in dates:
        if name in frame:
            frame[name] = pd.to_datetime(frame[name]).dt.date.where(frame[name].notna(), None)
    return frame


def _result_query() -> Select:
    return (select(InspectionResult.task_code, InspectionTask.name.label("task_name"),
                   InspectionTask.lead_department, InspectionTask.departments,
                   InspectionTask.is_joint, InspectionTask.planned_end,
                   InspectionItem.name.label("item_name"), InspectionResult.object_code,
                   InspectionObject.name.label("object_name"), InspectionObject.industry,
                   InspectionObject.kind, InspectionObject.risk_class,
                   InspectionResult.township_code, Division.short_name.label("township"),
                   InspectionResult.inspector_codes, InspectionResult.drawn_on,
                   InspectionResult.inspected_on, InspectionResult.result_code,
                   InspectionResult.disposal, InspectionResult.rectify_due,
                   InspectionResult.rectified_on, InspectionResult.publish_due,
                   InspectionResult.published_on)
            .join(InspectionTask, InspectionTask.code == InspectionResult.task_code)
            .join(InspectionItem, InspectionItem.code == InspectionTask.item_code)
            .join(InspectionObject, InspectionObject.code == InspectionResult.object_code)
            .join(Division, Division.code == InspectionResult.township_code))


@cached
def result_rows(engine: Engine, period: Period) -> pd.DataFrame:
    """Objects drawn in the period (by their draw date, as the indicators count them)."""
    query = (_result_query()
             .where(InspectionResult.drawn_on >= period.start,
                    InspectionResult.drawn_on < period.end)
             .order_by(InspectionResult.task_code, InspectionResult.object_code))
    return _read(engine, query, DATE_COLUMNS)


@cached
def task_years(engine: Engine) -> list[int]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(InspectionTask.year).distinct()), reverse=True)


@cached
def year_tasks(engine: Engine, year: int) -> pd.DataFrame:
    """The tasks of a year's plan, drawn or not."""
    query = (select(InspectionTask.code, InspectionTask.name, InspectionTask.lead_department,
                    InspectionTask.departments, InspectionTask.is_joint,
                    InspectionItem.name.label("item_name"), InspectionTask.planned_start,
                    InspectionTask.planned_end, InspectionTask.draw_seed,
                    InspectionTask.drawn_at)
             .join(InspectionItem, InspectionItem.code == InspectionTask.item_code)
             .where(InspectionTask.year == year).order_by(InspectionTask.code))
    return _read(engine, query, ("planned_start", "planned_end"))


def open_rows(engine: Engine, as_of: dt.date) -> pd.DataFrame:
    """Results with something still to do at the end of `as_of` (today, or a day in the past):
    rectification ordered and not done by then, inspected and not published by then, or not
    yet inspected then under a task whose planned end had passed. Rows as they are now:
    metrics.inspections.state_as_of takes them back to the day."""
    result = InspectionResult

    def not_by(column: InstrumentedAttribute) -> ColumnElement[bool]:
        return or_(column.is_(None), column > as_of)

    query = (_result_query().where(*access.township_is(result.township_code),
                                   result.drawn_on <= as_of, or_(
        and_(result.disposal == RECTIFY_DISPOSAL, not_by(result.rectified_on)),
        and_(result.inspected_on.is_not(None), not_by(result.published_on)),
        and_(not_by(result.inspected_on), InspectionTask.planned_end < as_of)))
        .order_by(result.task_code, result.object_code))
    return _read(engine, query, DATE_COLUMNS)


def worklist_choices(engine: Engine) -> tuple[list[str], pd.Series]:
    """Departments of the tasks and townships (code -> short name) for the worklist filters."""
    with engine.connect() as connection:
        listed = connection.scalars(select(InspectionTask.departments).distinct()).all()
        townships = connection.execute(select(Division.code, Division.short_name)
                                       .where(Division.level == "township")
                                       .order_by(Division.code)).all()
    departments = sorted({d for text in listed for d in text.split("、") if d})
    return departments, pd.Series({c: n for c, n in townships}, dtype=object)


def task_record(engine: Engine, code: str) -> tuple[dict | None, pd.DataFrame, pd.DataFrame]:
    """A task (with its item) or None, its results, and the inspectors named in them."""
    with engine.connect() as connection:
        task = connection.execute(
            select(InspectionTask.code, InspectionTask.name, InspectionTask.year,
                   InspectionTask.lead_department, InspectionTask.departments,
                   InspectionTask.is_joint, InspectionTask.planned_start,
                   InspectionTask.planned_end, InspectionTask.draw_seed,
                   InspectionTask.directory_hash, InspectionTask.drawn_at,
                   InspectionItem.code.label("item_code"), InspectionItem.name.label("item_name"),
                   InspectionItem.basis, InspectionItem.scope)
            .join(InspectionItem, InspectionItem.code == InspectionTask.item_code)
            .where(InspectionTask.code == code)).mappings().first()
    if task is None:
        return None, pd.DataFrame(), pd.DataFrame()
    rows = _read(engine, _result_query().where(InspectionResult.task_code == code)
                 .order_by(InspectionResult.object_code), DATE_COLUMNS)
    codes = sorted({c for text in rows["inspector_codes"] for c in text.split("、") if c})
    inspectors = _read(engine, select(Inspector.code, Inspector.name, Inspector.department,
                                      Inspector.certificate_no)
                       .where(Inspector.code.in_(codes)).order_by(Inspector.code))
    return dict(task), rows, inspectors


def supervision_theme(engine: Engine, month: str) -> dict | None:
    """The month's (YYYY-MM) special supervision theme, or None."""
    with engine.connect() as connection:
        row = connection.execute(select(SupervisionTheme.__table__)
                                 .where(SupervisionTheme.month == month)).mappings().first()
    return dict(row) if row is not None else None
