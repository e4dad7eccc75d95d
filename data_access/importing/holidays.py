"""The county-kept holiday calendar: a reference template, imported like the domains' ones.

Each row is a day of the State Council's notice for a year: a holiday (休) or a make-up working
day (班). A file replaces the calendar of every year it has rows for; the days take precedence
over the chinesecalendar library (metrics/workdays.py). In the same transaction the import puts
the new calendar in force and recomputes the stored dates that count working days
(`WorkdayDates` of the templates, e.g. service cases' due dates and inspection results'
disclosure deadlines) for the rows whose count may cross the imported years, with the very
function their import derives them with, and refreshes the templates' roll-ups.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Table, and_, bindparam, delete, select, update

from data_access.calendar import KINDS, MAKE_UP_WORKDAY, TEMPLATE_ID, use_stored_calendar
from data_access.importing.domains import DOMAINS
from data_access.importing.spec import Column, Domain, RowCheck
from data_access.models import HolidayCalendar
from metrics.workdays import FIRST_DAY, LAST_DAY

log = logging.getLogger(__name__)


def _replace_years(connection: Connection, frame: pd.DataFrame) -> None:
    """After the upsert: drop the days of the file's years that the file no longer lists, put
    the calendar in force and recompute the stored working-day dates of those years."""
    days = sorted({stamp.date() for stamp in frame["date"]})
    years = sorted({day.year for day in days})
    for year in years:
        listed = [day for day in days if day.year == year]
        connection.execute(delete(HolidayCalendar).where(
            HolidayCalendar.date >= dt.date(year, 1, 1),
            HolidayCalendar.date <= dt.date(year, 12, 31),
            HolidayCalendar.date.not_in(listed)))
    use_stored_calendar(connection)
    recompute_workday_dates(connection, dt.date(years[0], 1, 1), dt.date(years[-1], 12, 31))


def _typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Stored values as the import parses them: dates as datetime64, numbers as floats."""
    typed = frame.copy()
    for name in frame.columns:
        python_type = table.c[name].type.python_type
        if python_type in (dt.date, dt.datetime):
            typed[name] = pd.to_datetime(frame[name])
        elif python_type in (int, float):
            typed[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    return typed


def _stored(series: pd.Series, python_type: type) -> list[Any]:
    """Python values to bind for a column of python_type."""
    if python_type is dt.date:
        return [None if pd.isna(v) else pd.Timestamp(v).date() for v in series]
    if python_type is dt.datetime:
        return [None if pd.isna(v) else pd.Timestamp(v).to_pydatetime() for v in series]
    if python_type is bool:
        return [None if pd.isna(v) else bool(v) for v in series]
    return [None if pd.isna(v) else v for v in series]


def recompute_workday_dates(connection: Connection, first: dt.date,
                            last: dt.date) -> dict[str, int]:
    """Recomputes, under the calendar in force, every template's stored working-day dates for
    the rows whose count may cross first..last; writes the rows that change and refreshes the
    template's roll-up over them. Returns the number of changed rows by template."""
    changed_rows: dict[str, int] = {}
    for template in DOMAINS.values():
        dates = template.workday_dates
        if dates is None:
            continue
        table = template.model.__table__
        key = list(template.table_key)
        derived = [c for c in dates.writes if c not in key]
        names = list(dict.fromkeys([*key, *dates.reads, *derived]))
        stored = pd.read_sql(select(*(table.c[n] for n in names))
                             .where(dates.touches(first, last)), connection)
        if stored.empty:
            changed_rows[template.id] = 0
            continue
        stored = _typed(stored, table)
        fresh = dates.compute(stored)[derived]
        differs = pd.Series(False, index=stored.index)
        for name in derived:
            old, new = stored[name], fresh[name]
            differs |= ~((old == new).fillna(False).astype(bool) | (old.isna() & new.isna()))
        changed = stored.loc[differs, key].join(fresh.loc[differs])
        changed_rows[template.id] = len(changed)
        if changed.empty:
            continue
        statement = (update(table)
                     .where(and_(*(table.c[k] == bindparam(f"k_{k}") for k in key)))
                     .values({n: bindparam(f"v_{n}") for n in derived}))
        columns = {**{f"k_{k}": _stored(changed[k], table.c[k].type.python_type) for k in key},
                   **{f"v_{n}": _stored(changed[n], table.c[n].type.python_type)
                      for n in derived}}
        connection.execute(statement, [dict(zip(columns, values, strict=True))
                                       for values in zip(*columns.values(), strict=True)])
        if template.rollup:
            span = template.rollup.span(connection, stored.loc[differs])
            if span:
                template.rollup.refresh(connection, span)
    log.info("holiday calendar %s..%s: recomputed working-day dates %s", first, last,
             changed_rows)
    return changed_rows


HOLIDAY_CALENDAR = Domain(
    id=TEMPLATE_ID,
    zh="节假日安排（放假与调休上班）",
    en="holiday calendar (holidays and make-up working days)",
    model=HolidayCalendar,
    natural_key=("date",),
    columns=(
        Column("date", "日期", "date", "date"),
        Column("kind", "类别", "kind", "choice", choices=KINDS,
               help_zh="休：放假（含放假期间的周末）；班：调休上班（周六或周日）"),
        Column("source", "依据文件", "source notice", max_length=200,
               help_zh="如：国务院办公厅关于2027年部分节假日安排的通知"),
    ),
    checks=(
        RowCheck("date",
                 f"日期应在 {FIRST_DAY.isoformat()} 至 {LAST_DAY.isoformat()} 之间",
                 f"date must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}",
                 lambda f: (f["date"] < pd.Timestamp(FIRST_DAY))
                 | (f["date"] > pd.Timestamp(LAST_DAY))),
        RowCheck("kind", "调休上班日（班）应为周六或周日",
                 "a make-up working day (班) must be a Saturday or Sunday",
                 lambda f: (f["kind"] == MAKE_UP_WORKDAY) & (f["date"].dt.day_of_week < 5)),
    ),
    after_write=_replace_years,
    instructions_zh=("按国务院办公厅当年节假日安排的通知填写：每个放假日（休）和调休上班日（班）"
                     "一行，日期格式 YYYY-MM-DD。未列出的日期按周一至周五上班、周六周日休息"
                     "（chinesecalendar 库已有的年份按库中安排）。"
                     "导入某一年的文件即整年替换该年已有的安排，并按新安排重算该年的承诺办结"
                     "期限、公示期限等。"),
)
