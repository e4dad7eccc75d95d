"""Collective-economy metrics: income tiers (档次), tier changes and year-on-year growth.

Pure functions over plain values and pandas objects; the SQL in `data_access.economy` groups by
the same tier boundaries (`TIERS`), so a count in a chart and a row in a table cannot disagree.
Tiers are on 经营性收入 (经营收入 + 发包及上交收入 + 投资收益, yuan) of 村委会; a value exactly
on a boundary belongs to the upper tier (50,000 yuan is "5-10万").
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from metrics.indicators import STANDARD_FROM, STRONG_FROM, WEAK_BELOW, share
from metrics.periods import Period, PeriodKind, period_containing, recent_periods

MIDDLE_FROM = 500_000  # 50万: the step between 达标 and 强村 used in county reports
FIRST_YEAR = 2017


@dataclass(frozen=True)
class Tier:
    id: str
    low: float  # inclusive, yuan
    high: float  # exclusive, yuan (inf for the top tier)
    name_zh: str
    name_en: str

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh


TIERS: tuple[Tier, ...] = (
    Tier("below_5", -math.inf, WEAK_BELOW, "5万元以下（薄弱村）", "below 50k (weak)"),
    Tier("from_5", WEAK_BELOW, STANDARD_FROM, "5万-10万元", "50k-100k"),
    Tier("from_10", STANDARD_FROM, MIDDLE_FROM, "10万-50万元", "100k-500k"),
    Tier("from_50", MIDDLE_FROM, STRONG_FROM, "50万-100万元", "500k-1m"),
    Tier("from_100", STRONG_FROM, math.inf, "100万元以上", "1m and above"),
)
TIER_IDS: tuple[str, ...] = tuple(tier.id for tier in TIERS)
TIER_BY_ID: dict[str, Tier] = {tier.id: tier for tier in TIERS}
# Lower bounds of every tier but the first: the lines drawn over the income distribution.
TIER_LINES: tuple[float, ...] = tuple(tier.low for tier in TIERS[1:])
# Tiers that count as 达标 (10万 or more).
STANDARD_TIERS: tuple[str, ...] = tuple(t.id for t in TIERS if t.low >= STANDARD_FROM)


def tier_of(value: float | None) -> str | None:
    """The tier id of an operating revenue in yuan; None when there is no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    for tier in TIERS:
        if tier.low <= value < tier.high:
            return tier.id
    return TIERS[-1].id


def tier_rank(tier_id: str | None) -> int | None:
    """0 for the lowest tier, up to 4 for 100万+; None for no tier."""
    return None if tier_id is None else TIER_IDS.index(tier_id)


def tiers_of(values: pd.Series) -> pd.Series:
    """The tier id of every value (None where the value is missing)."""
    return pd.Series([tier_of(None if pd.isna(v) else float(v)) for v in values],
                     index=values.index, dtype=object)


def tier_summary(counts: pd.Series) -> pd.DataFrame:
    """counts: villages per tier id -> tier, count, share (% of all villages), every tier in
    order (0 where none); shares are NaN when there are no villages at all."""
    frame = pd.DataFrame({"tier": list(TIER_IDS)})
    frame["count"] = [int(counts.get(tier_id, 0)) for tier_id in TIER_IDS]
    frame["share"] = share(frame["count"], pd.Series(int(frame["count"].sum()), frame.index))
    return frame


def standard_count(summary: pd.DataFrame) -> int:
    """Villages at 10万 or more, from a tier summary."""
    return int(summary.loc[summary["tier"].isin(STANDARD_TIERS), "count"].sum())


def tier_changes(current: pd.Series, previous: pd.Series) -> pd.DataFrame:
    """Villages whose tier changed between two periods.

    current, previous: operating revenue by village code. Villages missing from either period
    are left out. Returns code, from_tier, to_tier, steps (to minus from: negative = fell),
    previous, current; the largest falls first.
    """
    both = pd.DataFrame({"previous": previous, "current": current}).dropna()
    frame = pd.DataFrame({
        "from_tier": tiers_of(both["previous"]),
        "to_tier": tiers_of(both["current"]),
        "previous": both["previous"].astype(float),
        "current": both["current"].astype(float),
    })
    # Both values are present (dropna above), so both tiers are: their ranks are indexes.
    frame["steps"] = [TIER_IDS.index(b) - TIER_IDS.index(a)
                      for a, b in zip(frame["from_tier"], frame["to_tier"], strict=True)]
    changed = frame[frame["steps"] != 0]
    changed.index.name = "code"
    return (changed.reset_index()
            .sort_values(["steps", "current"], kind="stable")
            .reset_index(drop=True)[["code", "from_tier", "to_tier", "steps", "previous",
                                     "current"]])


def fell_a_tier(current: pd.Series, previous: pd.Series) -> pd.DataFrame:
    """The villages that dropped at least one tier (see `tier_changes`)."""
    changes = tier_changes(current, previous)
    return changes[changes["steps"] < 0].reset_index(drop=True)


def yoy_growth(current: float | None, previous: float | None) -> float | None:
    """Year-on-year growth in percent; None without a base (missing or zero previous value)."""
    if current is None or previous is None or math.isnan(current) or math.isnan(previous) \
            or previous == 0:
        return None
    return (current - previous) * 100.0 / abs(previous)


def yoy_series(values: pd.Series) -> pd.Series:
    """Growth of each value over the one before it (a series ordered by year); NaN without a
    base."""
    previous = values.shift(1).astype(float)
    current = values.astype(float)
    growth = (current - previous) * 100.0 / previous.abs()
    return growth.where(previous.notna() & (previous != 0))


def yoy_between(current: pd.Series, previous: pd.Series) -> pd.Series:
    """Growth of each label's value against the same label in `previous`; NaN without a base."""
    base = previous.reindex(current.index).astype(float)
    growth = (current.astype(float) - base) * 100.0 / base.abs()
    return growth.where(base.notna() & (base != 0))


def economy_periods(kind: PeriodKind, today: dt.date) -> list[Period]:
    """The periods offered on the economy page, newest first: complete years since 2017, or the
    current year's quarters that have begun."""
    if kind == "quarter":
        this_year = period_containing("year", today).year
        return [p for p in recent_periods("quarter", today) if p.year == this_year]
    return [p for p in recent_periods("year", today, FIRST_YEAR) if p.end <= today]
