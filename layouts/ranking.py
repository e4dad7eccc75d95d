"""A ranked list of divisions on one indicator; every row links to the division's page."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.figures import value_texts
from layouts.i18n import Lang
from layouts.theme import STATUS_ICONS
from metrics.indicators import Indicator, share_of
from metrics.targets import statuses_among


def ranking_list(table: pd.DataFrame, indicator: Indicator, lang: Lang,
                 hrefs: dict[str, str]) -> html.Ol:
    """table: code, name, value, rank (best first); status as metrics.targets decides it."""
    texts = value_texts(table["value"], indicator, lang)
    statuses = statuses_among(indicator.id, table["value"], table["rank"])
    known = table["value"].dropna()
    top = float(known.abs().max()) if not known.empty else 0.0
    rows = []
    for row, text, status in zip(table.itertuples(index=False), texts, statuses, strict=True):
        rank = None if pd.isna(row.rank) else int(row.rank)
        value = None if pd.isna(row.value) else float(row.value)
        fill = None if value is None else share_of(abs(value), top)
        width = 0 if fill is None else max(2, fill)
        rows.append(html.Li(dcc.Link([
            html.Span(rank or "—", className="rank-no"),
            html.Span(row.name, className="rank-name"),
            # The bar's fill is drawn by CSS from --fill: one component, not two.
            html.Span(className="rank-bar", style={"--fill": f"{width:.0f}%"}),
            html.Span(text, className="rank-value"),
            html.Span(STATUS_ICONS[status], className=f"status-icon status-{status}",
                      title=status),
        ], href=hrefs[row.code], className="rank-link"),
            id=ids.rank_row(row.code), className=f"rank-row row-{status}",
            **attributes({"data-code": row.code, "data-rank": "" if rank is None else str(rank)})))
    return html.Ol(rows, className="ranking")
