"""Runs of periods: the months (or years, quarters, weeks) of a trend, counted together.

An aggregate over a run groups its records by division and by the period they fall in, in one
query, where counting each period on its own would take one query per period. A single period
is the run of one, so a period's figures and a trend's are the same counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import case
from sqlalchemy.sql.elements import ColumnElement

from metrics.periods import Period, PeriodKind

# The index level, and query column, that names the period of a row of a run's aggregate.
PERIOD = "period"


@dataclass(frozen=True)
class Bucket:
    """What a count is grouped by besides the division: the label of the period a record
    falls in (`column`, NULL in none), and every period's label, each of which gets a row."""

    column: ColumnElement[str]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Run:
    """Periods of one kind, oldest first, none overlapping the next."""

    periods: tuple[Period, ...]

    def __post_init__(self) -> None:
        pairs = zip(self.periods, self.periods[1:], strict=False)
        if not self.periods or any(before.kind != after.kind or before.end > after.start
                                   for before, after in pairs):
            raise ValueError(f"not a run of periods: {[p.label for p in self.periods]}")

    @property
    def kind(self) -> PeriodKind:
        return self.periods[0].kind

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(period.label for period in self.periods)

    @property
    def span(self) -> Period:
        """From the first period's start to the last one's end: what the queries read."""
        first, last = self.periods[0], self.periods[-1]
        return Period(self.kind, first.start, last.end, f"{first.label}~{last.label}")

    def bucket(self, holds: Callable[[Period], ColumnElement[bool]]) -> Bucket:
        """The period a record falls in, by each period's own condition `holds`: the one that
        a count of that period alone filters on."""
        return Bucket(case(*((holds(period), period.label) for period in self.periods)),
                      self.labels)


def runs_of(periods: list[Period]) -> list[Run]:
    """Any periods as few runs as possible: by kind, and apart where they overlap (a year to
    date beside the whole year)."""
    runs: list[list[Period]] = []
    for period in sorted(set(periods), key=lambda p: (p.start, p.end, p.label)):
        run = next((r for r in runs if r[-1].kind == period.kind and r[-1].end <= period.start),
                   None)
        if run is None:
            runs.append([period])
        else:
            run.append(period)
    return [Run(tuple(run)) for run in runs]


def by_period(keys: list[str], labels: tuple[str, ...], name: str) -> pd.MultiIndex:
    """Each key with each period label, key by key: the rows of a frame over a run. Built from
    its codes: MultiIndex.from_product sorts and factorizes, which costs more than the small
    frames themselves."""
    return pd.MultiIndex(levels=[keys, list(labels)],
                         codes=[np.repeat(np.arange(len(keys)), len(labels)),
                                np.tile(np.arange(len(labels)), len(keys))],
                         names=[name, PERIOD], verify_integrity=False)
