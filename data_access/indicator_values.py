"""Indicator values for a division and period: aggregates from SQL through the definitions."""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import Engine

from data_access.aggregates import Level, PeriodNotApplicable, aggregate
from metrics.indicators import INDICATORS, Domain, IndicatorValue
from metrics.periods import Period

NOT_APPLICABLE = {
    "income": ("村集体经济收入按年度或季度统计", "collective income is reported by year or quarter"),
    "inspections": ("抽查对象只统计到乡镇", "inspection objects are recorded by township only"),
}


def _domain_frame(engine: Engine, domain: Domain, period: Period, level: Level,
                  within: str | None) -> pd.DataFrame | None:
    try:
        return aggregate(engine, domain, period, level, within)
    except PeriodNotApplicable:
        return None


def indicator_values(engine: Engine, period: Period, level: Level, code: str,
                     ids: list[str] | None = None) -> list[IndicatorValue]:
    """Every requested indicator for one division (`level` is the division's own level)."""
    wanted = [INDICATORS[i] for i in (ids or list(INDICATORS))]
    frames: dict[Domain, pd.DataFrame | None] = {}
    values = []
    for indicator in wanted:
        if indicator.domain not in frames:
            frames[indicator.domain] = _domain_frame(engine, indicator.domain, period, level,
                                                     code)
        frame = frames[indicator.domain]
        if frame is None or code not in frame.index:
            note_zh, note_en = NOT_APPLICABLE.get(indicator.domain, ("无数据", "no data"))
            values.append(IndicatorValue(indicator, None, note_zh, note_en))
            continue
        value = float(indicator.compute(frame.loc[[code]]).iloc[0])
        values.append(IndicatorValue(indicator, None if math.isnan(value) else value))
    return values


def indicator_by_division(engine: Engine, indicator_id: str, period: Period, level: Level,
                          within: str | None = None) -> pd.Series | None:
    """One indicator for every division at `level` under `within`; None if not applicable."""
    indicator = INDICATORS[indicator_id]
    frame = _domain_frame(engine, indicator.domain, period, level, within)
    return None if frame is None else indicator.compute(frame)
