"""The village page's trend charts."""

from __future__ import annotations

import pandas as pd

from layouts.figures import FigureSpec, trend_figure
from layouts.formatting import YUAN_PER_WAN, unit_label
from layouts.i18n import Lang, t
from metrics.domains import village_trends
from metrics.indicators import INDICATORS, YUAN


def _name(indicator_id: str, lang: Lang) -> str:
    indicator = INDICATORS[indicator_id]
    return indicator.name_en if lang == "en" else indicator.name_zh


def trend_charts(frames: dict[str, pd.DataFrame],
                 lang: Lang) -> list[tuple[str, FigureSpec | None, str]]:
    """The domains' village trend charts (metrics/domains.py), in the domains' order.

    frames: by grain ("year", "month"), one row per period with the charts' indicators, as
    indicator_trend returns them."""
    charts: list[tuple[str, FigureSpec | None, str]] = []
    for chart in village_trends():
        columns = list(chart.indicators)
        frame = frames[chart.grain].copy()
        if frame[columns].isna().all().all() or (frame[columns].fillna(0) == 0).all().all():
            charts.append((_name(columns[0], lang), None, t("no_data_period", lang)))
            continue
        unit = INDICATORS[columns[0]].unit
        if unit is YUAN:
            frame[columns] = frame[columns] / YUAN_PER_WAN
        series = [(c, _name(c, lang)) for c in columns]
        title = " / ".join(name for _, name in series)
        charts.append((title, trend_figure(frame, "period", series, unit_label(unit, lang),
                                           chart.kind), ""))
    return charts
