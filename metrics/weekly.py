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
from metrics.targets import (
    TARGETS,
    Status,
    bottom_positions,
    meets_target,
    moved_beyond_tolerance,
    number_or_none,
    ranked_status,
    statuses_among,
)

# The indicators the meeting goes through, domain by domain in the report's order, and the one
# per domain whose best and worst three the bulletin names: both declared with the domains.
DOMAIN_ORDER: tuple[DomainId, ...] = tuple(d.id for d in weekly_domains())
WEEKLY_INDICATORS: tuple[str, ...] = tuple(
    indicator for d in weekly_domains() if d.weekly for indicator in d.weekly.indicators)
HEADLINE: dict[DomainId, str] = {d.id: d.headline for d in weekly_domains()}
RED_STREAK_WEEKS = 3
# Service cases of the area's own halls have no township: flags list them under the name of
# their level, the city's hall at a county, the counties' own halls at a prefecture.
CITY_HALL_NAME = "市本级"
COUNTY_HALLS_NAME = "县（市、区）本级"
OWN_HALL_NAMES = (CITY_HALL_NAME, COUNTY_HALLS_NAME)
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
    bottom: bool = False  # 末位: in the bottom three, ties included (metrics.targets)
    numerator: float | None = None  # a rate's counts
    denominator: float | None = None
    moved: bool = True  # the value moved beyond the tolerance since last week
    indicator_id: str = ""
    previous_status: str | None = None  # last week's colour (as presented, when an export is)

    @property
    def meets_target(self) -> bool | None:
        return meets_target(self.indicator_id, self.value) if self.indicator_id else None

    @property
    def few(self) -> bool:
        return self.status == "few"

    @property
    def rank_change(self) -> int | None:
        """Places gained since last week (positive = moved up); 0 when the value stayed within
        the tolerance (metrics.targets.moved_beyond_tolerance), whatever the ranks did."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank if self.moved else 0


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
    county_numerator: float | None = None  # the county rate's counts
    county_denominator: float | None = None

    @property
    def has_values(self) -> bool:
        return self.county is not None or any(c.value is not None for c in self.cards)

    @property
    def ranked(self) -> int:
        return sum(1 for c in self.cards if c.rank is not None)

    def card(self, code: str) -> Card | None:
        return next((c for c in self.cards if c.code == code), None)


@dataclass(frozen=True)
class FlagRow:
    township_code: str
    township: str
    subject: str
    date: str  # YYYY-MM-DD (due date, last activity, report year) or ""
    detail: str  # a figure with its unit, in the report's language-neutral form
    # At a prefecture, the short name of the township's county: same-named townships of two
    # counties read apart. "" in a county (and in reports stored before it was kept).
    county: str = ""

    def places(self) -> tuple[str, ...]:
        """The row's place as named: its county (at a prefecture), then its township."""
        return (self.county, self.township) if self.county else (self.township,)


@dataclass(frozen=True)
class Flag:
    kind: str  # one of FLAG_KINDS
    count: int
    rows: tuple[FlagRow, ...]
    covered: bool = True  # whether the data cover the flag's period: a 0 then means none

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
    # The area reported on, in Chinese and English ("": a snapshot stored before it was kept).
    area: str = ""
    area_en: str = ""
    # What the rankings rank: the area's townships, or its counties when it has several.
    ranked_level: str = "township"

    def area_named(self, lang: str) -> str:
        return self.area if lang == "zh" else self.area_en

    def ranking(self, indicator_id: str) -> Ranking | None:
        return next((r for r in self.rankings if r.indicator_id == indicator_id), None)

    def flag(self, kind: str) -> Flag:
        return next(f for f in self.flags if f.kind == kind)

    @property
    def has_data(self) -> bool:
        """False for a week the data do not reach: no figure and no flag to report."""
        return any(r.has_values for r in self.rankings) or any(f.covered for f in self.flags)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> WeeklyReport:
        rankings = tuple(Ranking(**{**r, "cards": tuple(Card(**c) for c in r["cards"])})
                         for r in data["rankings"])
        flags = tuple(Flag(f["kind"], f["count"], tuple(FlagRow(**row) for row in f["rows"]),
                           f.get("covered", True))
                      for f in data["flags"])
        return cls(**{**data, "rankings": rankings, "flags": flags,
                      "corrections": tuple(data.get("corrections", ()))})


# --- periods ---------------------------------------------------------------------------------


def same_day_a_year_before(day: dt.date) -> dt.date:
    return day.replace(year=day.year - 1) if (day.month, day.day) != (2, 29) \
        else dt.date(day.year - 1, 2, 28)


def report_rule(domain: DomainId) -> str:
    """The domain's weekly period rule: "week", "year_to_date" or "latest_annual"."""
    role = DOMAIN_BY_ID[domain].weekly
    return role.period if role else "week"


def report_periods(domain: DomainId, week: Period,
                   income_year: int | None) -> tuple[Period, Period, Period] | None:
    """(this week's, last week's, a year earlier's) period of a domain, by its weekly period
    rule (metrics/domains.py); None for an annual domain when no annual report is complete yet.
    `income_year`: the latest complete annual report."""
    rule = report_rule(domain)
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


def _rank_of(ranks: pd.Series, code: str) -> int | None:
    value = ranks.get(code)
    return None if value is None or pd.isna(value) else int(value)


def rank_cards(indicator_id: str, current: pd.Series, names: pd.Series,
               previous: pd.Series | None = None, year_before: pd.Series | None = None,
               previous_ranks: pd.Series | None = None,
               counts: pd.DataFrame | None = None,
               previous_statuses: pd.Series | None = None,
               previous_counts: pd.DataFrame | None = None) -> tuple[Card, ...]:
    """The townships' cards on an indicator, best first (no value last).

    previous_ranks, previous_statuses: last week's as presented; computed from `previous`
    (and `previous_counts`) when not given. counts: a rate's numerator and denominator per
    township (indicator_counts)."""
    ranks = rank(current, indicator_id)
    bottom = bottom_positions(indicator_id, current,
                              None if counts is None else counts["denominator"])
    if previous_ranks is None and previous is not None:
        previous_ranks = rank(previous, indicator_id)
    if previous_statuses is None and previous is not None and not previous.dropna().empty:
        previous_statuses = statuses_among(
            indicator_id, previous,
            None if previous_counts is None else previous_counts["denominator"])
    cards = []
    for code in current.index:
        value = number_or_none(current.get(code))
        before = None if previous is None else number_or_none(previous.get(code))
        numerator, denominator = _counts_of(counts, code)
        cards.append(Card(
            code=code, name=str(names.get(code, code)), value=value,
            rank=_rank_of(ranks, code),
            status=ranked_status(indicator_id, value, bool(bottom.get(code, False)), denominator),
            previous=before,
            previous_rank=None if previous_ranks is None else _rank_of(previous_ranks, code),
            year_before=None if year_before is None else number_or_none(year_before.get(code)),
            bottom=bool(bottom.get(code, False)), numerator=numerator, denominator=denominator,
            moved=moved_beyond_tolerance(indicator_id, value, before),
            indicator_id=indicator_id,
            previous_status=None if previous_statuses is None
            else _status_of(previous_statuses.get(code)),
        ))
    return tuple(sorted(cards, key=lambda c: (c.rank is None, c.rank or 0, c.name)))


def _status_of(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) \
        else str(value)


def _counts_of(counts: pd.DataFrame | None, code: str) -> tuple[float | None, float | None]:
    if counts is None or code not in counts.index:
        return None, None
    row = counts.loc[code]
    return number_or_none(row["numerator"]), number_or_none(row["denominator"])


def statuses(indicator_id: str, values: pd.Series,
             counts: pd.DataFrame | None = None) -> dict[str, str]:
    """Each township's colour on the indicator among its peers (metrics.targets' rule)."""
    denominators = None if counts is None else counts["denominator"]
    return {str(code): str(state) for code, state
            in statuses_among(indicator_id, values, denominators).items()}


def red_streaks(weeks: list[dict[str, str]]) -> list[str]:
    """Townships red in every one of the given weeks' statuses (newest first)."""
    if len(weeks) < RED_STREAK_WEEKS:
        return []
    codes = set(weeks[0])
    return sorted(c for c in codes if all(w.get(c) == "red" for w in weeks[:RED_STREAK_WEEKS]))


def has_target(indicator_id: str) -> bool:
    return indicator_id in TARGETS


def leaders(ranking: Ranking, places: int = 3) -> list[list[Card]]:
    """The leading townships among those assessed (rates over too few cases left out), grouped
    by rank, ties sharing a group, until `places` townships are named:
    [[5 cards tied first]] or [[1st], [2nd], [3rd]] (ranks as on every page)."""
    groups: dict[int, list[Card]] = {}
    for card in ranking.cards:
        if card.rank is not None and not card.few:
            groups.setdefault(card.rank, []).append(card)
    chosen: list[list[Card]] = []
    for position in sorted(groups):
        if sum(len(g) for g in chosen) >= places:
            break
        chosen.append(groups[position])
    return chosen


def laggards(ranking: Ranking) -> list[list[Card]]:
    """The 末位 townships (bottom three, tie-aware), worst first, grouped by rank; a rate over
    too few cases is named with its counts (layouts.bulletin)."""
    groups: dict[int, list[Card]] = {}
    for card in ranking.cards:
        if card.bottom and card.rank is not None:
            groups.setdefault(card.rank, []).append(card)
    return [groups[r] for r in sorted(groups, reverse=True)]


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


def newly_red(report: WeeklyReport) -> list[tuple[Card, str]]:
    """Cards red this week that were green or yellow last week (as presented, or as
    recomputed); a card without last week's colour is not "newly" anything."""
    return [(card, ranking.indicator_id) for ranking in report.rankings
            for card in ranking.cards
            if card.status == "red" and card.previous_status in ("green", "yellow")]
