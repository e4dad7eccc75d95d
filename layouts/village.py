"""The village page's trend charts, and how a village's own figures are named."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from layouts.figures import FigureSpec, trend_figure
from layouts.formatting import YUAN_PER_WAN, unit_label
from layouts.grid import ColumnSpec, indicator_column, with_unit
from layouts.i18n import Lang, t
from metrics.domains import village_label, village_trends
from metrics.indicators import INDICATORS, YUAN


def village_indicator_name(indicator_id: str, lang: Lang) -> str:
    """The indicator's name for one village's value: the village label where the indicator is
    named for many (村均集体经营性收入 -> 集体经营性收入), else its own name."""
    label = village_label(indicator_id)
    if label is not None:
        return label.name_en if lang == "en" else label.name_zh
    indicator = INDICATORS[indicator_id]
    return indicator.name_en if lang == "en" else indicator.name_zh


def village_column(indicator_id: str, lang: Lang) -> ColumnSpec:
    """A table column of one value per village, named for one village."""
    column = indicator_column(indicator_id, lang)
    label = village_label(indicator_id)
    if label is None:
        return column
    unit = unit_label(INDICATORS[indicator_id].unit, lang)
    return replace(column,
                   header=with_unit(village_indicator_name(indicator_id, lang), unit, lang),
                   tooltip=label.definition_en if lang == "en" else label.definition_zh)



def trend_charts(frames: dict[str, pd.DataFrame],
                 lang: Lang) -> list[tuple[str, FigureSpec | None, str]]:
    """The domains' village trend charts (metrics/domains.py), in the domains' order.

    frames: by grain ("year", "month"), one row per period with the charts' indicators, as
    indicator_trend returns them."""
    charts: list[tuple[str, FigureSpec | None, str]] = []
    for chart in village_trends():
        columns = list(chart.indicators)
        frame = frames[chart.grain]
        values = {c: frame[c].to_numpy(dtype=float, na_value=np.nan) for c in columns}
        if all(np.all(np.isnan(v) | (v == 0)) for v in values.values()):  # nothing, or all 0
            charts.append((village_indicator_name(columns[0], lang), None,
                           t("no_data_period", lang)))
            continue
        unit = INDICATORS[columns[0]].unit
        if unit is YUAN:
            frame = frame.assign(**{c: v / YUAN_PER_WAN for c, v in values.items()})
        series = [(c, village_indicator_name(c, lang)) for c in columns]
        title = " / ".join(name for _, name in series)
        charts.append((title, trend_figure(frame, "period", series, unit_label(unit, lang),
                                           chart.kind), ""))
    return charts
