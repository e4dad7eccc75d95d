"""Indicator values for a division and period: aggregates from SQL through the definitions."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from data_access.aggregates import Level, PeriodNotApplicable, aggregate, aggregate_over
from data_access.cache import cached
from data_access.runs import Run
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


def _division_rows(engine: Engine, domain: DomainId, run: Run, level: Level,
                   code: str) -> pd.DataFrame | None:
    """The division's rows of the domain's aggregate over the run, indexed by period label;
    None where the domain is not reported for the run's periods or has no row for it."""
    try:
        frame = aggregate_over(engine, domain, run, level, code)
    except PeriodNotApplicable:
        return None
    if code not in frame.index.get_level_values("code"):
        return None
    return frame.xs(code, level="code")


def _values_in(rows: pd.DataFrame, ids: list[str]) -> dict[str, dict[str, IndicatorValue]]:
    """By period label, each indicator's value in the division's rows, with a rate's counts.
    Only the indicators asked for: the definitions are row-wise, so over one division's rows
    they give what they give over every division's."""
    labels = [str(label) for label in rows.index]
    found: dict[str, dict[str, IndicatorValue]] = {label: {} for label in labels}
    for indicator_id in ids:
        indicator = INDICATORS[indicator_id]
        values = [_number(value) for value in indicator.compute(rows).tolist()]
        counts = indicator.counts(rows) if indicator.is_rate else None
        pairs = ([(_number(top), _number(bottom)) for top, bottom in
                  zip(counts["numerator"].tolist(), counts["denominator"].tolist(), strict=True)]
                 if counts is not None else [(None, None)] * len(labels))
        for label, value, (top, bottom) in zip(labels, values, pairs, strict=True):
            # A rate's counts go with its value; without a value there is nothing to explain.
            found[label][indicator_id] = (IndicatorValue(indicator, value) if value is None else
                                          IndicatorValue(indicator, value, numerator=top,
                                                         denominator=bottom))
    return found


def _not_reported(domain: DomainId, ids: list[str]) -> dict[str, IndicatorValue]:
    spec = DOMAIN_BY_ID[domain]
    return {i: IndicatorValue(INDICATORS[i], None, spec.not_reported_zh, spec.not_reported_en)
            for i in ids}


def indicator_values_over(engine: Engine, run: Run, level: Level, code: str,
                          ids: list[str] | None = None) -> dict[str, list[IndicatorValue]]:
    """Every requested indicator for one division (`level` is the division's own level) in
    each period of the run, by period label: one aggregate per domain over the whole run."""
    wanted = ids or list(INDICATORS)
    found: dict[str, dict[str, IndicatorValue]] = {label: {} for label in run.labels}
    for domain in dict.fromkeys(INDICATORS[i].domain for i in wanted):
        own = [i for i in wanted if INDICATORS[i].domain == domain]
        rows = _division_rows(engine, domain, run, level, code)
        by_label = {} if rows is None else _values_in(rows, own)
        for label in run.labels:
            found[label].update(by_label.get(label) or _not_reported(domain, own))
    return {label: [values[i] for i in wanted] for label, values in found.items()}


def indicator_values(engine: Engine, period: Period, level: Level, code: str,
                     ids: list[str] | None = None) -> list[IndicatorValue]:
    """Every requested indicator for one division (`level` is the division's own level)."""
    return indicator_values_over(engine, Run((period,)), level, code, ids)[period.label]


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
