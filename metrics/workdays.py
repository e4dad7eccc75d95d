"""Working days in China: weekends, public holidays and make-up working days (调休).

The holiday data comes from the maintained `chinesecalendar` library, which knows the years
`library_years()`. The county keeps its own calendar for later years (or to correct a day):
the days it imported (a holiday, or a make-up working day) take precedence over the library,
set here with `set_calendar_overrides` by the data floor (data_access/calendar.py) from the
`holiday_calendar` table. A year is covered when the library knows it or the county imported a
calendar for it; other years fall back to Monday-Friday, and `calendar_covers(year)` tells
callers so they can warn.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from types import MappingProxyType

import chinese_calendar
import numpy as np

# The span of the vectorised working-day arithmetic (days outside it are never counted).
FIRST_DAY = dt.date(2004, 1, 1)
LAST_DAY = dt.date(2035, 12, 31)


@functools.cache
def library_years() -> range:
    """The years the chinesecalendar library has holidays and make-up days for."""
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


class _Calendar:
    """The overrides in force and what follows from them; replaced whole, never changed."""

    def __init__(self, overrides: Mapping[dt.date, bool]) -> None:
        self.overrides: Mapping[dt.date, bool] = MappingProxyType(dict(overrides))
        self.imported_years = frozenset(day.year for day in self.overrides)

    @functools.cached_property
    def workdays(self) -> np.ndarray:
        days, library_mask = _library_mask()
        mask = library_mask.copy()
        if self.overrides:
            offsets = (np.array(list(self.overrides), dtype="datetime64[D]") - days[0]) \
                .astype(np.int64)
            values = np.array(list(self.overrides.values()), dtype=bool)
            inside = (offsets >= 0) & (offsets < len(days))
            mask[offsets[inside]] = values[inside]
        return days[mask]


_calendar = _Calendar({})


def set_calendar_overrides(days: Mapping[dt.date, bool]) -> None:
    """Puts the county's calendar in force: day -> is a working day (False 休, True 班).

    Replaces the previous overrides whole (an empty mapping: the library alone); every
    working-day function below follows from the next call on.
    """
    global _calendar
    _calendar = _Calendar(days)


def calendar_overrides() -> dict[dt.date, bool]:
    """The overrides in force (a copy)."""
    return dict(_calendar.overrides)


def covered_years() -> tuple[int, ...]:
    """Years whose holidays are known: the library's and those the county imported."""
    return tuple(sorted(set(library_years()) | _calendar.imported_years))


def calendar_covers(year: int) -> bool:
    return year in library_years() or year in _calendar.imported_years


def _library_is_workday(day: dt.date) -> bool:
    if day.year in library_years():
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


@functools.cache
def _library_mask() -> tuple[np.ndarray, np.ndarray]:
    """Every day of the span, and whether the library (or Monday-Friday) makes it a workday:
    the library's rule (a make-up day works; a weekday works unless a holiday) over its own
    tables at once, rather than asking it day by day (0.2 s in every process)."""
    days = np.arange(np.datetime64(FIRST_DAY), np.datetime64(LAST_DAY) + 1)
    mask = (days.view(np.int64) + 3) % 7 < 5  # 1970-01-01, day 0, was a Thursday
    for table, works in ((chinese_calendar.holidays, False), (chinese_calendar.workdays, True)):
        offsets = (np.array(sorted(table), dtype="datetime64[D]") - days[0]).view(np.int64)
        mask[offsets[(offsets >= 0) & (offsets < len(days))]] = works
    return days, mask


def is_workday(day: dt.date) -> bool:
    if isinstance(day, dt.datetime):
        day = day.date()
    override = _calendar.overrides.get(day)
    if override is not None:
        return override
    return _library_is_workday(day)


def _workday_array() -> np.ndarray:
    """The working days of the span in order, under the overrides in force."""
    return _calendar.workdays


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The count-th working day after `day` (the day itself when count is 0)."""
    result = add_working_days_array(np.array([np.datetime64(day)]), np.array([count]))
    return result[0].astype(object)


def add_working_days_array(days: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Vectorised add_working_days over datetime64[D] days and integer counts."""
    workdays = _workday_array()
    days = days.astype("datetime64[D]")
    counts = np.asarray(counts, dtype=np.int64)
    # Working days on or before each day; the n-th after it is at that index + n - 1.
    position = np.searchsorted(workdays, days, side="right") + counts - 1
    position = np.clip(position, 0, len(workdays) - 1)
    return np.where(counts > 0, workdays[position], days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (negative when end < start)."""
    workdays = _workday_array()
    a = int(np.searchsorted(workdays, np.datetime64(start), side="right"))
    b = int(np.searchsorted(workdays, np.datetime64(end), side="right"))
    return b - a


def working_days_between_array(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Vectorised working_days_between over datetime64[D] arrays."""
    workdays = _workday_array()
    a = np.searchsorted(workdays, starts.astype("datetime64[D]"), side="right")
    b = np.searchsorted(workdays, ends.astype("datetime64[D]"), side="right")
    return b - a
