"""Indicator values over a run of periods, through the same definitions as every other figure."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from data_access.aggregates import Level
from data_access.indicator_values import indicator_values
from metrics.periods import Period


def indicator_trend(engine: Engine, indicator_ids: list[str], level: Level, code: str,
                    periods: list[Period]) -> pd.DataFrame:
    """One row per period (oldest first): the period label and each indicator's value."""
    rows = []
    for period in sorted(periods, key=lambda p: p.start):
        values = indicator_values(engine, period, level, code, indicator_ids)
        rows.append({"period": period.label, **{v.indicator.id: v.value for v in values}})
    return pd.DataFrame(rows, columns=["period", *indicator_ids])
