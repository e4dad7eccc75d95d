"""Indicator values over a run of periods, through the same definitions as every other figure."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from data_access.aggregates import Level
from data_access.indicator_values import indicator_values_over
from data_access.runs import runs_of
from metrics.periods import Period


def indicator_trend(engine: Engine, indicator_ids: list[str], level: Level, code: str,
                    periods: list[Period]) -> pd.DataFrame:
    """One row per period (oldest first): the period label and each indicator's value.

    The periods are counted together, not one by one: each domain's aggregate over a run of
    periods is one grouped query per count, so 24 months are a handful of queries, not a
    handful per month."""
    found: dict[Period, dict[str, float | None]] = {}
    for run in runs_of(periods):
        by_label = indicator_values_over(engine, run, level, code, indicator_ids)
        found.update({period: {v.indicator.id: v.value for v in by_label[period.label]}
                      for period in run.periods})
    rows = [{"period": period.label, **found[period]}
            for period in sorted(periods, key=lambda p: p.start)]
    return pd.DataFrame(rows, columns=["period", *indicator_ids])
