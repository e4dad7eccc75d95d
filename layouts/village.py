"""The village page's trend charts."""

from __future__ import annotations

import pandas as pd

from layouts.figures import FigureSpec, trend_figure
from layouts.formatting import YUAN_PER_WAN, unit_label
from layouts.i18n import Lang, t
from metrics.indicators import INDICATORS


def _name(indicator_id: str, lang: Lang) -> str:
    indicator = INDICATORS[indicator_id]
    return indicator.name_en if lang == "en" else indicator.name_zh


def trend_charts(frames: dict[str, pd.DataFrame], lang: Lang) -> list[tuple[str, FigureSpec | None, str]]:
    """frames: 'income' (yearly), 'services' and 'volunteers' (monthly) from indicator_trend."""
    charts: list[tuple[str, FigureSpec | None, str]] = []
    specs = [
        ("income", ["collective_income_mean"], "bar"),
        ("services", ["service_cases"], "bar"),
        ("services", ["service_on_time_rate", "service_satisfaction_rate"], "line"),
        ("volunteers", ["volunteer_activities"], "bar"),
        ("volunteers", ["volunteer_hours"], "line"),
    ]
    for key, columns, kind in specs:
        frame = frames[key].copy()
        if frame[columns].isna().all().all() or (frame[columns].fillna(0) == 0).all().all():
            charts.append((_name(columns[0], lang), None, t("no_data_period", lang)))
            continue
        unit = INDICATORS[columns[0]].unit
        if columns == ["collective_income_mean"]:
            frame[columns[0]] = frame[columns[0]] / YUAN_PER_WAN
        series = [(c, _name(c, lang)) for c in columns]
        title = " / ".join(name for _, name in series)
        charts.append((title, trend_figure(frame, "period", series, unit_label(unit, lang), kind),
                       ""))
    return charts
