"""Divisions as a tile grid where no boundaries exist (villages, a county's townships, a
prefecture's counties): one labelled, coloured square each, a real link, so keyboards and
screen readers reach every one too."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts.figures import colours_for, value_texts
from layouts.i18n import Lang, t
from metrics.indicators import Indicator


def tile_grid(table: pd.DataFrame, indicator: Indicator, lang: Lang,
              hrefs: dict[str, str], hint: str = "tile_hint") -> html.Div:
    """table: code, name, value, rank; hint: the text key that says what a square is."""
    colours = colours_for(table["value"], indicator)
    texts = value_texts(table["value"], indicator, lang)
    name = indicator.name_en if lang == "en" else indicator.name_zh
    tiles = []
    for row, colour, text in zip(table.itertuples(index=False), colours, texts, strict=True):
        dark = _is_dark(colour)
        tiles.append(dcc.Link([
            html.Span(row.name, className="tile-name"),
            html.Span(text, className="tile-value"),
        ], href=hrefs[row.code], className="tile" + (" tile-dark" if dark else ""),
            style={"backgroundColor": colour}, title=f"{row.name} · {name}：{text}"))
    return html.Div([html.P(t(hint, lang), className="muted small"),
                     html.Div(tiles, className="tile-grid", role="list")],
                    className="tiles")


def _is_dark(colour: str) -> bool:
    """Whether white text reads better on this rgb(...) or #rrggbb colour."""
    r: float
    g: float
    b: float
    if colour.startswith("#"):
        r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    else:
        r, g, b = (float(v) for v in colour[colour.index("(") + 1:-1].split(",")[:3])
    return (0.299 * r + 0.587 * g + 0.114 * b) < 140
