"""Working days in China: weekends, public holidays and make-up working days (调休).

The holiday data comes from the maintained `chinesecalendar` library. Years it does not cover
yet fall back to Monday-Friday; `calendar_covers(year)` tells callers so they can warn.
"""

from __future__ import annotations

import datetime as dt
import functools

import chinese_calendar
import numpy as np

_FIRST = dt.date(2004, 1, 1)
_LAST = dt.date(2035, 12, 31)


@functools.cache
def _covered_years() -> range:
    years = [d.year for d in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


def calendar_covers(year: int) -> bool:
    return year in _covered_years()


def is_workday(day: dt.date) -> bool:
    if calendar_covers(day.year):
        return bool(chinese_calendar.is_workday(day))
    return day.weekday() < 5


@functools.cache
def _workday_array() -> np.ndarray:
    days = np.arange(np.datetime64(_FIRST), np.datetime64(_LAST) + 1)
    mask = np.array([is_workday(d) for d in days.astype(object)])
    return days[mask]


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
