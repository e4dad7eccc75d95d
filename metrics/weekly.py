"""The weekly meeting report (周调度): what is ranked, over which period, and the red flags.

The report is a plain data model (dataclasses of numbers and names, JSON-serialisable), so the
page, the PDF, the wall display and a stored export all show the same figures, and an export
can be shown again later exactly as it was presented.

Report periods for ISO week W (Monday to Sunday):
- services and volunteers: the week itself; compared with week W-1 and the same ISO week a
  year earlier;
- inspections: the calendar year to W's Sunday (tasks run over the year), compared with the
  year to the Sunday before and the same span a year earlier;
- collective income: the latest annual report complete by W's Sunday (income is reported by
  year), compared with that of W-1 (usually the same report) and the year before.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

from metrics.domains import DOMAIN_BY_ID, weekly_domains
from metrics.indicators import INDICATORS, WEAK_BELOW, DomainId
from metrics.periods import Period, parse_period, year_to_date
from metrics.ranking import rank
from metrics.targets import TARGETS, Status, ranked_status, statuses_among

# The indicators the meeting goes through, domain by domain in the report's order, and the one
# per domain whose best and worst three the bulletin names: both declared with the domains.
DOMAIN_ORDER: tuple[DomainId, ...] = tuple(d.id for d in weekly_domains())
WEEKLY_INDICATORS: tuple[str, ...] = tuple(
    indicator for d in weekly_domains() if d.weekly for indicator in d.weekly.indicators)
HEADLINE: dict[DomainId, str] = {d.id: d.headline for d in weekly_domains()}
RED_STREAK_WEEKS = 3
FLAG_KINDS = ("new_overdue_cases", "overdue_rectifications", "inactive_villages",
              "fell_below_50k", "red_three_weeks")


@dataclass(frozen=True)
class Card:
    """One township on one indicator."""

    code: str
    name: str
    value: float | None
    rank: int | None
    status: Status  # green / yellow / red / none (metrics.targets)
    previous: float | None = None  # last week's value (as presented, when an export exists)
    previous_rank: int | None = None
    year_before: float | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since last week (positive = moved up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(frozen=True)
class Ranking:
    """The townships ranked on one indicator for the week, best first."""

    indicator_id: str
    period: str
    previous_period: str
    year_before_period: str
    county: float | None
    county_previous: float | None
    county_year_before: float | None
    cards: tuple[Card, ...]

    def card(self, code: str) -> Card | None:
        return next((c for c in self.cards if c.code == code), None)


@dataclass(frozen=True)
class FlagRow:
    township_code: str
    township: str
    subject: str
    date: str  # YYYY-MM-DD (due date, last activity, report year) or ""
    detail: str  # a figure with its unit, in the report's language-neutral form


@dataclass(frozen=True)
class Flag:
    kind: str  # one of FLAG_KINDS
    count: int
    rows: tuple[FlagRow, ...]

    def by_township(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.township_code] = counts.get(row.township_code, 0) + 1
        return counts


@dataclass(frozen=True)
class WeeklyReport:
    week: str  # YYYY-Www
    first_day: str
    last_day: str
    data_as_of: str  # date of the newest import, YYYY-MM-DD
    rankings: tuple[Ranking, ...]
    flags: tuple[Flag, ...]
    compared_with: str = ""  # "" or the export last week's figures come from (id and date)
    corrections: tuple[str, ...] = field(default=())  # indicators changed since presented

    def ranking(self, indicator_id: str) -> Ranking | None:
        return next((r for r in self.rankings if r.indicator_id == indicator_id), None)

    def flag(self, kind: str) -> Flag:
        return next(f for f in self.flags if f.kind == kind)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeeklyReport:
        rankings = tuple(Ranking(**{**r, "cards": tuple(Card(**c) for c in r["cards"])})
                         for r in data["rankings"])
        flags = tuple(Flag(f["kind"], f["count"], tuple(FlagRow(**row) for row in f["rows"]))
                      for f in data["flags"])
        return cls(**{**data, "rankings": rankings, "flags": flags,
                      "corrections": tuple(data.get("corrections", ()))})


# --- periods ---------------------------------------------------------------------------------


def same_day_a_year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) \
        else dt.date(day.year - 1, 2, 28)


def report_periods(domain: DomainId, week: Period,
                   income_year: int | None) -> tuple[Period, Period, Period] | None:
    """(this week's, last week's, a year earlier's) period of a domain, by its weekly period
    rule (metrics/domains.py); None for an annual domain when no annual report is complete yet.
    `income_year`: the latest complete annual report."""
    role = DOMAIN_BY_ID[domain].weekly
    rule = role.period if role else "week"
    if rule == "week":
        return week, week.previous(), week.year_before()
    if rule == "year_to_date":
        last = week.last_day
        return (year_to_date(last), year_to_date(last - dt.timedelta(days=7)),
                year_to_date(same_day_a_year_before(last)))
    if income_year is None:
        return None
    year = parse_period(str(income_year))
    return year, year, parse_period(str(income_year - 1))


# --- rankings --------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _rank_of(ranks: pd.Series, code: str) -> int | None:
    value = ranks.get(code)
    return None if value is None or pd.isna(value) else int(value)


def rank_cards(indicator_id: str, current: pd.Series, names: pd.Series,
               previous: pd.Series | None = None, year_before: pd.Series | None = None,
               previous_ranks: pd.Series | None = None) -> tuple[Card, ...]:
    """The townships' cards on an indicator, best first (no value last).

    previous_ranks: last week's ranks as presented; computed from `previous` when not given."""
    ranks = rank(current, indicator_id)
    ranked = int(ranks.notna().sum())
    if previous_ranks is None and previous is not None:
        previous_ranks = rank(previous, indicator_id)
    cards = []
    for code in current.index:
        value = _number(current.get(code))
        position = _rank_of(ranks, code)
        cards.append(Card(
            code=code, name=str(names.get(code, code)), value=value, rank=position,
            status=ranked_status(indicator_id, value, position, ranked),
            previous=None if previous is None else _number(previous.get(code)),
            previous_rank=None if previous_ranks is None else _rank_of(previous_ranks, code),
            year_before=None if year_before is None else _number(year_before.get(code)),
        ))
    return tuple(sorted(cards, key=lambda c: (c.rank is None, c.rank or 0, c.name)))


def statuses(indicator_id: str, values: pd.Series) -> dict[str, str]:
    """Each township's status on the indicator among its peers (bottom three red)."""
    return {str(code): str(state) for code, state in statuses_among(indicator_id, values).items()}


def red_streaks(weeks: list[dict[str, str]]) -> list[str]:
    """Townships red in every one of the given weeks' statuses (newest first)."""
    if len(weeks) < RED_STREAK_WEEKS:
        return []
    codes = set(weeks[0])
    return sorted(c for c in codes if all(w.get(c) == "red" for w in weeks[:RED_STREAK_WEEKS]))


def has_target(indicator_id: str) -> bool:
    return indicator_id in TARGETS


def best_and_worst(ranking: Ranking, count: int = 3) -> tuple[list[Card], list[Card]]:
    """The first and last `count` ranked townships (worst listed worst first)."""
    ranked = [c for c in ranking.cards if c.rank is not None]
    if len(ranked) <= count:
        return ranked, []
    return ranked[:count], list(reversed(ranked[-count:]))


# --- red flags -------------------------------------------------------------------------------


def fell_below_weak_line(current: pd.Series, previous: pd.Series) -> pd.Index:
    """Villages under 5万 in the current report that were at or above it a year before."""
    both = pd.DataFrame({"current": current, "previous": previous}).dropna()
    fell = both[(both["current"] < WEAK_BELOW) & (both["previous"] >= WEAK_BELOW)]
    return fell.index


def inactive_this_month(last_activity: pd.Series, last_day: dt.date) -> pd.Series:
    """Stations with no activity from the first of `last_day`'s month through it."""
    month_start = pd.Timestamp(last_day.replace(day=1))
    return last_activity.isna() | (pd.to_datetime(last_activity) < month_start)


def indicator_unit(indicator_id: str) -> str:
    return INDICATORS[indicator_id].unit.zh
