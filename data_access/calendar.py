"""The county-kept holiday calendar: put in force for the working-day arithmetic, and checked.

The days of table `holiday_calendar` (template holiday_calendar) take precedence over the
chinesecalendar library (metrics/workdays.py keeps the overrides; metrics stays pure, so this
floor loads them). They are loaded

- at the start of every import, inside its transaction, so that due dates derive from the
  calendar as stored whichever process imports (`begin_with_calendar`);
- by a holiday calendar import itself, before it recomputes the stored due dates;
- by the app before every request, when the data version (newest import-log id) has changed
  since the last load, i.e. at start and after any import, made by any process
  (`sync_calendar`).

`calendar_warning` says when this year, or from December on next year, is not covered.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, select
from sqlalchemy.exc import SQLAlchemyError

from data_access.cache import data_version
from data_access.models import HolidayCalendar
from metrics.workdays import calendar_overrides, library_years, set_calendar_overrides

HOLIDAY = "休"
MAKE_UP_WORKDAY = "班"
KINDS = (HOLIDAY, MAKE_UP_WORKDAY)
TEMPLATE_ID = "holiday_calendar"
# From this month on, next year's calendar should be in (the notice comes out in autumn).
WARN_NEXT_YEAR_FROM_MONTH = 12

_lock = threading.Lock()
_loaded: tuple[str, int] | None = None  # (database URL, data version) last put in force


def stored_overrides(connection: Connection) -> dict[dt.date, bool]:
    """The stored days: date -> is a working day (休 False, 班 True)."""
    rows = connection.execute(select(HolidayCalendar.date, HolidayCalendar.kind))
    return {day: kind == MAKE_UP_WORKDAY for day, kind in rows}


def use_stored_calendar(connection: Connection) -> None:
    """Puts the calendar as this connection sees it (its transaction included) in force."""
    set_calendar_overrides(stored_overrides(connection))


@contextmanager
def begin_with_calendar(engine: Engine) -> Iterator[Connection]:
    """engine.begin(), with the stored calendar in force inside the transaction; if the
    transaction fails, the calendar in force before is put back."""
    previous = calendar_overrides()
    try:
        with engine.begin() as connection:
            use_stored_calendar(connection)
            yield connection
    except BaseException:
        set_calendar_overrides(previous)
        raise


def sync_calendar(engine: Engine) -> None:
    """Loads the stored calendar if anything was imported since the last load (the data
    version is read at most every few seconds). An unreachable or unmigrated database keeps
    the calendar in force; the health endpoint reports the database."""
    global _loaded
    try:
        key = (str(engine.url), data_version(engine))
        if key == _loaded:
            return
        with _lock, engine.connect() as connection:
            use_stored_calendar(connection)
            _loaded = key
    except SQLAlchemyError:
        return


@dataclass(frozen=True)
class ImportedYear:
    year: int
    holidays: int  # 休 days
    workdays: int  # 班 days
    sources: tuple[str, ...]


def imported_years(engine: Engine) -> list[ImportedYear]:
    """The years the county imported a calendar for, with their day counts and notices."""
    with engine.connect() as connection:
        rows = connection.execute(select(HolidayCalendar.date, HolidayCalendar.kind,
                                         HolidayCalendar.source)
                                  .order_by(HolidayCalendar.date)).all()
    years: dict[int, tuple[int, int, dict[str, None]]] = {}
    for day, kind, source in rows:
        holidays, workdays, sources = years.get(day.year, (0, 0, {}))
        sources[source] = None
        years[day.year] = (holidays + (kind == HOLIDAY), workdays + (kind == MAKE_UP_WORKDAY),
                           sources)
    return [ImportedYear(year, holidays, workdays, tuple(sources))
            for year, (holidays, workdays, sources) in sorted(years.items())]


def stored_years(connection: Connection) -> set[int]:
    days = connection.scalars(select(HolidayCalendar.date).distinct())
    return {day.year for day in days}


@dataclass(frozen=True)
class CalendarStatus:
    covered_years: tuple[int, ...]  # the library's and the imported years
    imported_years: tuple[int, ...]
    uncovered: tuple[int, ...]  # this year, or next year from December, when not covered
    warning: tuple[str, str] | None  # (zh, en)


def coverage_warning(uncovered: tuple[int, ...]) -> tuple[str, str] | None:
    if not uncovered:
        return None
    zh_years = "、".join(str(y) for y in uncovered)
    en_years = " and ".join(str(y) for y in uncovered)
    return (f"{zh_years}年节假日安排尚未导入：这些年份的工作日暂按周一至周五计算，法定节假日和"
            f"调休未计入，承诺办结、公示期限等可能有误。请按国务院办公厅当年节假日安排的通知填写"
            f"“{TEMPLATE_ID}”模板并导入。",
            f"The holiday calendar for {en_years} has not been imported: working days there "
            f"are counted Monday to Friday, without public holidays or make-up working days, "
            f"so promised and disclosure deadlines may be wrong. Fill in the "
            f"'{TEMPLATE_ID}' template from the State Council's notice and import it.")


def calendar_status(engine: Engine, today: dt.date) -> CalendarStatus:
    """Which years are covered, as stored (whatever this process has loaded), and the warning.

    Raises SQLAlchemyError when the database cannot be read."""
    with engine.connect() as connection:
        imported = stored_years(connection)
    covered = set(library_years()) | imported
    wanted = [today.year] + ([today.year + 1] if today.month >= WARN_NEXT_YEAR_FROM_MONTH
                             else [])
    uncovered = tuple(year for year in wanted if year not in covered)
    return CalendarStatus(tuple(sorted(covered)), tuple(sorted(imported)), uncovered,
                          coverage_warning(uncovered))


def calendar_warning(engine: Engine, today: dt.date) -> tuple[str, str] | None:
    """(zh, en) when this year, or from December on next year, has no holiday calendar."""
    return calendar_status(engine, today).warning
