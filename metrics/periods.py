"""Reporting periods: year, quarter, month and ISO week (Monday to Sunday)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

PeriodKind = Literal["year", "quarter", "month", "week"]

_PATTERNS: tuple[tuple[PeriodKind, re.Pattern[str]], ...] = (
    ("year", re.compile(r"^(\d{4})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("month", re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")),
    ("week", re.compile(r"^(\d{4})-W(0[1-9]|[1-4]\d|5[0-3])$")),
)


class PeriodError(ValueError):
    """A period string that is not YYYY, YYYY-Qn, YYYY-MM or YYYY-Www."""


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: dt.date  # first day
    end: dt.date  # day after the last day
    label: str

    @property
    def year(self) -> int:
        return int(self.label[:4])

    @property
    def quarter(self) -> int:
        """Quarter of a quarter period; 0 (the full-year report) for a year."""
        return int(self.label[-1]) if self.kind == "quarter" else 0

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def previous(self) -> Period:
        return period_containing(self.kind, self.start - dt.timedelta(days=1))

    def year_before(self) -> Period:
        if self.kind == "week":
            iso = self.start.isocalendar()
            week = min(iso.week, _weeks_in_year(iso.year - 1))
            return parse_period(f"{iso.year - 1}-W{week:02d}")
        return parse_period(f"{self.year - 1}{self.label[4:]}")


def _weeks_in_year(year: int) -> int:
    return dt.date(year, 12, 28).isocalendar().week


def parse_period(text: str) -> Period:
    text = (text or "").strip()
    for kind, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year, part = int(match.group(1)), int(match.group(2)) if match.lastindex == 2 else 0
        if kind == "year":
            return Period(kind, dt.date(year, 1, 1), dt.date(year + 1, 1, 1), text)
        if kind == "quarter":
            start = dt.date(year, 3 * part - 2, 1)
            end = dt.date(year + 1, 1, 1) if part == 4 else dt.date(year, 3 * part + 1, 1)
            return Period(kind, start, end, text)
        if kind == "month":
            end = dt.date(year + 1, 1, 1) if part == 12 else dt.date(year, part + 1, 1)
            return Period(kind, dt.date(year, part, 1), end, text)
        if part > _weeks_in_year(year):
            raise PeriodError(f"{year} 年没有第 {part} 周 / {year} has no ISO week {part}")
        start = dt.date.fromisocalendar(year, part, 1)
        return Period(kind, start, start + dt.timedelta(days=7), text)
    raise PeriodError(
        f"无法识别的期间“{text}”，应为 YYYY、YYYY-Qn、YYYY-MM 或 YYYY-Www / "
        f"unrecognised period '{text}': use YYYY, YYYY-Qn, YYYY-MM or YYYY-Www"
    )


def period_containing(kind: PeriodKind, day: dt.date) -> Period:
    if kind == "year":
        return parse_period(f"{day.year}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    iso = day.isocalendar()
    return parse_period(f"{iso.year}-W{iso.week:02d}")


def last_complete(kind: PeriodKind, today: dt.date) -> Period:
    """The latest period of this kind that ended before today."""
    return period_containing(kind, today).previous()


RECENT_COUNTS: dict[PeriodKind, int] = {"year": 10, "quarter": 12, "month": 24, "week": 26}


def recent_periods(kind: PeriodKind, today: dt.date, first_year: int = 2017) -> list[Period]:
    """Periods of a kind that have begun by today, newest first (bounded for a dropdown)."""
    periods: list[Period] = []
    current = period_containing(kind, today)
    while len(periods) < RECENT_COUNTS[kind] and current.start.year >= first_year:
        periods.append(current)
        current = current.previous()
    return periods


def year_to_date(last_day: dt.date) -> Period:
    """The calendar year from 1 January through `last_day`: a "year" period cut short, for
    figures reported as cumulative to a date (the weekly report's inspections)."""
    start = dt.date(last_day.year, 1, 1)
    end = last_day + dt.timedelta(days=1)
    label = f"{start.isoformat()}~{last_day.isoformat()}"
    return Period("year", start, end, label if end.year == start.year else str(start.year))


def format_date(day: dt.date | dt.datetime | None) -> str:
    """YYYY-MM-DD (with HH:MM for a time); an em dash for none."""
    if day is None:
        return "—"
    return day.strftime("%Y-%m-%d %H:%M") if isinstance(day, dt.datetime) else day.isoformat()
