"""Indicator values for a division and period: aggregates from SQL through the definitions."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
from sqlalchemy import Engine

from data_access.aggregates import Level, PeriodNotApplicable, aggregate
from data_access.cache import cached
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS, DomainId, IndicatorValue, indicators_of
from metrics.periods import Period
from metrics.ranking import rank


def _domain_frame(engine: Engine, domain: DomainId, period: Period, level: Level,
                  within: str | None) -> pd.DataFrame | None:
    try:
        return aggregate(engine, domain, period, level, within)
    except PeriodNotApplicable:
        return None


@cached
def domain_values(engine: Engine, domain: DomainId, period: Period, level: Level,
                  within: str | None = None) -> pd.DataFrame | None:
    """Every indicator of the domain for every division at `level` under `within`: one column
    per indicator id, indexed by code; None where the domain is not reported for the period.

    The definitions are row-wise, so computing them once over the whole aggregate gives each
    division the value it would get alone. Cached with the aggregate (same data version): a
    page asks for the same values several times (KPI cards, ranks, map), and pandas' cost per
    call, not the arithmetic, is what a page would otherwise pay each time."""
    frame = _domain_frame(engine, domain, period, level, within)
    if frame is None:
        return None
    return pd.DataFrame({i.id: i.compute(frame) for i in indicators_of(domain)},
                        index=frame.index)


@cached
def indicator_counts(engine: Engine, indicator_id: str, period: Period, level: Level,
                     within: str | None = None) -> pd.DataFrame | None:
    """A rate's numerator and denominator for every division at `level` under `within`
    (columns numerator, denominator, indexed by code); None for an indicator that is not a rate
    or a period its domain does not report."""
    indicator = INDICATORS[indicator_id]
    frame = _domain_frame(engine, indicator.domain, period, level, within)
    return None if frame is None else indicator.counts(frame)


@cached
def domain_ranks(engine: Engine, domain: DomainId, period: Period, level: Level,
                 within: str | None = None) -> pd.DataFrame | None:
    """Each division's rank among its peers on every indicator of the domain (1 best, NaN for
    no value), shaped as domain_values."""
    values = domain_values(engine, domain, period, level, within)
    if values is None:
        return None
    return pd.DataFrame({column: rank(values[column], column) for column in values.columns},
                        index=values.index)


def _number(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _counts_of(engine: Engine, indicator_id: str, period: Period, level: Level,
               code: str) -> tuple[float | None, float | None]:
    counts = indicator_counts(engine, indicator_id, period, level, code)
    if counts is None or code not in counts.index:
        return None, None
    return _number(counts.at[code, "numerator"]), _number(counts.at[code, "denominator"])


def _values_of(domain: DomainId, values: pd.DataFrame | None, code: str,
               wanted: list[str]) -> dict[str, IndicatorValue]:
    """The division's value of each wanted indicator of the domain (one row read, not one
    lookup per indicator)."""
    row = values.loc[code].to_dict() if values is not None and code in values.index else None
    found = {}
    for indicator_id in wanted:
        indicator = INDICATORS[indicator_id]
        if row is None:
            spec = DOMAIN_BY_ID[domain]
            note_zh, note_en = spec.not_reported_zh, spec.not_reported_en
            found[indicator_id] = IndicatorValue(indicator, None, note_zh, note_en)
        else:
            value = float(row[indicator_id])
            found[indicator_id] = IndicatorValue(indicator, None if math.isnan(value) else value)
    return found


def indicator_values(engine: Engine, period: Period, level: Level, code: str,
                     ids: list[str] | None = None) -> list[IndicatorValue]:
    """Every requested indicator for one division (`level` is the division's own level)."""
    wanted = ids or list(INDICATORS)
    found: dict[str, IndicatorValue] = {}
    for domain in dict.fromkeys(INDICATORS[i].domain for i in wanted):
        values = domain_values(engine, domain, period, level, code)
        found.update(_values_of(domain, values, code,
                                [i for i in wanted if INDICATORS[i].domain == domain]))
    for indicator_id, item in found.items():
        if item.value is not None and item.indicator.is_rate:
            numerator, denominator = _counts_of(engine, indicator_id, period, level, code)
            found[indicator_id] = replace(item, numerator=numerator, denominator=denominator)
    return [found[i] for i in wanted]


def indicator_by_division(engine: Engine, indicator_id: str, period: Period, level: Level,
                          within: str | None = None) -> pd.Series | None:
    """One indicator for every division at `level` under `within`; None if not applicable."""
    indicator = INDICATORS[indicator_id]
    values = domain_values(engine, indicator.domain, period, level, within)
    return None if values is None else values[indicator_id].rename(None)


def indicator_frame(engine: Engine, indicator_ids: list[str], period: Period, level: Level,
                    within: str | None = None) -> pd.DataFrame:
    """The indicators for every division at `level` under `within`, one column each in the
    order asked, indexed by code; indicators whose domain is not reported for the period are
    left out."""
    parts = []
    for domain in dict.fromkeys(INDICATORS[i].domain for i in indicator_ids):
        values = domain_values(engine, domain, period, level, within)
        if values is not None:
            parts.append(values[[i for i in indicator_ids if INDICATORS[i].domain == domain]])
    if not parts:
        return pd.DataFrame(index=pd.Index([], name="code"))
    frame = pd.concat(parts, axis=1, join="outer")
    return frame[[i for i in indicator_ids if i in frame.columns]]
