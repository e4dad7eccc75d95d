"""A ranked list of divisions on one indicator; every row links to the division's page."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.figures import value_texts
from layouts.i18n import Lang
from layouts.places import place_name
from layouts.status import counts_label
from layouts.theme import BOTTOM_WORDS, STATUS_ICONS, STATUS_WORDS
from metrics.indicators import Indicator, share_of
from metrics.targets import Status, applies_at, bottom_positions, statuses_among


def _status_title(status: Status, bottom: bool, row: Any, lang: Lang) -> str:
    """The colour's word, 末位 and a rate's counts, for hover and screen readers."""
    zh, en = STATUS_WORDS[status]
    parts = [en if lang == "en" else zh]
    if bottom:
        parts.append(BOTTOM_WORDS[1] if lang == "en" else BOTTOM_WORDS[0])
    counts = counts_label(getattr(row, "numerator", None), getattr(row, "denominator", None),
                          lang)
    return " · ".join([*parts, counts] if counts else parts)


def ranking_list(table: pd.DataFrame, indicator: Indicator, lang: Lang,
                 hrefs: dict[str, str], level: str = "township") -> html.Ol:
    """table: code, name, value, rank (best first), optionally numerator and denominator;
    status as metrics.targets decides it."""
    texts = value_texts(table["value"], indicator, lang)
    values = table["value"].set_axis(table["code"])
    denominators = (table["denominator"].set_axis(table["code"])
                    if "denominator" in table.columns else None)
    judged = applies_at(indicator.id, level)
    statuses = (statuses_among(indicator.id, values, denominators) if judged
                else pd.Series("none", index=values.index)).to_numpy()
    bottom = (bottom_positions(indicator.id, values, denominators) if judged
              else pd.Series(False, index=values.index)).to_numpy()
    known = table["value"].dropna()
    top = float(known.abs().max()) if not known.empty else 0.0
    rows = []
    for row, text, status, last in zip(table.itertuples(index=False), texts, statuses, bottom,
                                       strict=True):
        rank = None if pd.isna(row.rank) else int(row.rank)
        value = None if pd.isna(row.value) else float(row.value)
        fill = None if value is None else share_of(abs(value), top)
        width = 0 if fill is None else max(2, fill)
        rows.append(html.Li(dcc.Link([
            html.Span(rank or "—", className="rank-no"),
            html.Span(place_name(row.name, lang), className="rank-name"),
            # The bar's fill is drawn by CSS from --fill: one component, not two.
            html.Span(className="rank-bar", style={"--fill": f"{width:.0f}%"}),
            html.Span(text, className="rank-value"),
            html.Span(STATUS_ICONS[status], className=f"status-icon status-{status}",
                      title=_status_title(status, bool(last), row, lang)),
        ], href=hrefs[row.code], className="rank-link"),
            id=ids.rank_row(row.code), className=f"rank-row row-{status}",
            **attributes({"data-code": row.code, "data-rank": "" if rank is None else str(rank),
                         "data-status": str(status), "data-bottom": str(bool(last)).lower(),
                         "data-indicator": indicator.id,
                         "data-value": "" if value is None else repr(value)})))
    return html.Ol(rows, className="ranking")
