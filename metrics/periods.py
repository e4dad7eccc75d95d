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


# The first year a period may fall in: collective-income reports are kept from 2017.
FIRST_YEAR = 2017


class PeriodError(ValueError):
    """A period string that is not YYYY, YYYY-Qn, YYYY-MM or YYYY-Www, or a period outside the
    range the dashboard shows. Its message is "中文 / English"; `text(lang)` gives one of them."""

    def __init__(self, message: str = "", *, zh: str = "", en: str = "") -> None:
        if not message:
            message = f"{zh} / {en}"
        if not (zh and en):
            zh, _, en = message.partition(" / ")
        super().__init__(message)
        self.zh = zh
        self.en = en or zh

    def text(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


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
            raise PeriodError(zh=f"{year} 年没有第 {part} 周", en=f"{year} has no ISO week {part}")
        start = dt.date.fromisocalendar(year, part, 1)
        return Period(kind, start, start + dt.timedelta(days=7), text)
    raise PeriodError(
        zh=f"无法识别的期间“{text}”，应为 YYYY、YYYY-Qn、YYYY-MM 或 YYYY-Www",
        en=f"unrecognised period '{text}': use YYYY, YYYY-Qn, YYYY-MM or YYYY-Www",
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


def recent_periods(kind: PeriodKind, today: dt.date,
                   first_year: int = FIRST_YEAR) -> list[Period]:
    """Periods of a kind that have begun by today, newest first (bounded for a dropdown)."""
    periods: list[Period] = []
    current = period_containing(kind, today)
    while len(periods) < RECENT_COUNTS[kind] and current.start.year >= first_year:
        periods.append(current)
        current = current.previous()
    return periods


def check_in_range(period: Period, today: dt.date) -> Period:
    """The period itself if the dashboard can show it: it has begun by today and does not lie
    before FIRST_YEAR. Raises PeriodError otherwise."""
    if period.start > today:
        raise PeriodError(zh=f"期间“{period.label}”尚未开始", en=f"{period.label} has not begun")
    if period.start.year < FIRST_YEAR:
        raise PeriodError(zh=f"期间“{period.label}”早于 {FIRST_YEAR} 年，看板不提供",
                          en=f"{period.label} is before {FIRST_YEAR}, which the dashboard "
                             f"does not cover")
    return period


# --- what the data cover -------------------------------------------------------------------------

Span = tuple[dt.date, dt.date]  # first and last day, both included


def covers(period: Period, first: dt.date | None, last: dt.date | None) -> bool:
    """Whether data from `first` to `last` (both included) cover the whole period."""
    return first is not None and last is not None and first <= period.start \
        and period.last_day <= last


@dataclass(frozen=True)
class Coverage:
    """The days a domain's data cover, by the period kind they are reported in. A kind the
    domain is not reported in, or a domain without data, has no span. Most domains have one
    span for every kind; collective income has its annual reports' years for "year" and its
    quarterly reports' quarters for "quarter"."""

    spans: tuple[tuple[PeriodKind, Span], ...] = ()

    def span(self, kind: PeriodKind) -> Span | None:
        return next((span for k, span in self.spans if k == kind), None)

    def covers(self, period: Period) -> bool:
        span = self.span(period.kind)
        return span is not None and covers(period, *span)

    def within(self, period: Period) -> Span | None:
        """The days of `period` the data cover (None: none of them)."""
        span = self.span(period.kind)
        if span is None:
            return None
        first, last = max(span[0], period.start), min(span[1], period.last_day)
        return (first, last) if first <= last else None

    @classmethod
    def of_days(cls, first: dt.date | None, last: dt.date | None,
                kinds: tuple[PeriodKind, ...]) -> Coverage:
        """The same span for every kind (none without data)."""
        if first is None or last is None:
            return cls()
        return cls(tuple((kind, (first, last)) for kind in kinds))


@dataclass(frozen=True)
class DefaultPeriod:
    """The period a page opens on, and whether the data cover it (False: no complete period
    of the kind is covered, and this is simply the last one that ended)."""

    period: Period
    covered: bool


def latest_covered(kind: PeriodKind, today: dt.date,
                   coverages: list[Coverage]) -> DefaultPeriod:
    """The one default-period rule: the latest complete period of `kind` (ended before
    today) that the data of every given domain cover in full. Domains with no data of this
    kind do not count; when none has any, or no complete period is covered by all, the last
    complete period, marked not covered."""
    latest = last_complete(kind, today)
    spans = [span for span in (c.span(kind) for c in coverages) if span is not None]
    if not spans:
        return DefaultPeriod(latest, False)
    first = max(span[0] for span in spans)
    last = min(span[1] for span in spans)
    candidate = latest if latest.last_day <= last else period_containing(kind, last)
    if candidate.last_day > last:
        candidate = candidate.previous()
    if candidate.start < first:
        return DefaultPeriod(latest, False)
    return DefaultPeriod(candidate, True)


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
