"""Divisions as a tile grid where no boundaries exist (villages, a county's townships, a
prefecture's counties): one labelled, coloured square each, a real link, so keyboards and
screen readers reach every one too."""

from __future__ import annotations

import pandas as pd
from dash import dcc, html

from layouts.figures import colours_for, value_texts
from layouts.i18n import Lang, t
from layouts.places import place_name
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
            html.Span(place_name(row.name, lang), className="tile-name"),
            html.Span(text, className="tile-value"),
        ], href=hrefs[row.code], className="tile" + (" tile-dark" if dark else ""),
            style={"backgroundColor": colour},
            title=f"{place_name(row.name, lang)} · {name}{t('colon', lang)}{text}"))
    return html.Div([html.P(t(hint, lang), className="muted small"),
                     html.Div(tiles, className="tile-grid")],
                    className="tiles")


# The tiles' dark text (assets/style.css .tile): black, because on the mid blues of the map
# scale neither white nor a softer ink reaches 4.5:1, and the better of black and white always
# does.
INK = "#000000"


def _is_dark(colour: str) -> bool:
    """Whether white text has more contrast on this rgb(...) or #rrggbb colour than the dark
    ink (WCAG's contrast ratio)."""
    return contrast_ratio(colour, "#ffffff") > contrast_ratio(colour, INK)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of an rgb(...) or #rrggbb colour."""
    if colour.startswith("#"):
        channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    else:
        channels = [round(float(v)) for v in colour[colour.index("(") + 1:-1].split(",")[:3]]
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
              for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
