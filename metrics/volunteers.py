"""Volunteer-service metrics (志愿服务): team minimums, station coverage, inactivity and rates
per 1,000 residents.

Pure functions over plain values and pandas objects. A "station" (新时代文明实践站) is a
village-level unit that is a 村委会, 居委会 or 社区 (`VILLAGE_UNIT_TYPES`); the 生活区 rows of the
statistical codes are not stations. The SQL in `data_access.volunteers` and
`data_access.aggregates` counts what these functions turn into rates, so every figure on the
page, in the API and in the tests goes through the same definitions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from metrics.periods import Period, period_containing
from metrics.vocabulary import TEAM_MINIMUMS

INACTIVE_AFTER_DAYS = 30  # a station with no activity for this many days or more is flagged
LEVEL_ORDER = ("county", "township", "village")


def per_thousand(values: pd.Series, population: pd.Series) -> pd.Series:
    """values per 1,000 residents; NaN where the population is unknown or zero."""
    population = pd.to_numeric(population, errors="coerce").astype(float)
    return values.astype(float) * 1000.0 / population.where(population > 0, np.nan)


def inactivity_as_of(period: Period, today: dt.date) -> dt.date:
    """The day inactivity is measured on: the period's last day, or today while it runs."""
    return min(period.last_day, today)


def days_without_activity(last_activity: pd.Series, as_of: dt.date) -> pd.Series:
    """Whole days from each station's last activity to `as_of` (the last activity on `as_of`
    gives 0); NaN for a station with no activity on record."""
    last = pd.to_datetime(last_activity).dt.normalize()
    return (pd.Timestamp(as_of) - last).dt.days.astype(float)


def is_inactive(days: pd.Series, threshold: int = INACTIVE_AFTER_DAYS) -> pd.Series:
    """True for a station without activity for `threshold` days or more, or never active."""
    return days.isna() | (days >= threshold)


def team_minimum(level: str) -> int:
    """The minimum number of teams of a unit: 10 county 支队, 4 per township, 2 per village."""
    return TEAM_MINIMUMS[level]


def team_gaps(units: pd.DataFrame) -> pd.DataFrame:
    """units: code, level, teams (one row per unit with a minimum). Adds minimum and gap
    (minimum - teams, 0 when met) and returns the units below their minimum, county first,
    then townships, then villages, largest gap first within a level."""
    frame = units.copy()
    frame["minimum"] = frame["level"].map(TEAM_MINIMUMS).astype(int)
    frame["gap"] = (frame["minimum"] - frame["teams"].astype(int)).clip(lower=0)
    short = frame[frame["gap"] > 0].copy()
    short["order"] = short["level"].map(LEVEL_ORDER.index)
    return (short.sort_values(["order", "gap", "code"], ascending=[True, False, True])
            .drop(columns="order").reset_index(drop=True))


def minimum_summary(units: pd.DataFrame) -> pd.DataFrame:
    """Per level: units, teams, minimum (per unit), met (units at or above it), short."""
    frame = units.copy()
    frame["minimum"] = frame["level"].map(TEAM_MINIMUMS).astype(int)
    frame["met"] = frame["teams"] >= frame["minimum"]
    summary = frame.groupby("level").agg(units=("code", "size"), teams=("teams", "sum"),
                                         minimum=("minimum", "first"), met=("met", "sum"))
    summary = summary.reindex([lvl for lvl in LEVEL_ORDER if lvl in summary.index])
    summary["short"] = summary["units"] - summary["met"]
    return summary.astype(int).reset_index()


def month_span(months: list[Period] | tuple[Period, ...]) -> Period:
    """One period covering whole consecutive months, labelled "first/last" (for a query over
    several months at once)."""
    first, last = months[0], months[-1]
    label = first.label if first == last else f"{first.label}/{last.label}"
    return Period("month", first.start, last.end, label)


def trailing_months(period: Period, count: int = 12) -> list[Period]:
    """The `count` whole months ending with the month of the period's last day, oldest first:
    the context a period is drawn in."""
    months = [period_containing("month", period.last_day)]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


def months_of(period: Period, today: dt.date) -> list[Period]:
    """The calendar months a period touches that have begun by `today`, oldest first (a week
    may touch two; coverage is always counted over whole months)."""
    months: list[Period] = []
    month = period_containing("month", period.start)
    while month.start < period.end and month.start <= today:
        months.append(month)
        month = period_containing("month", month.end)
    return months
