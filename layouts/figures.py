"""Pure figure builders: data in, figure out. Maps are SVG choropleths of our own GeoJSON.

The drill-down pages' figures (maps, trends) are plain plotly figure JSON (`FigureSpec`), which
dcc.Graph draws as it is: building a go.Figure validates every property in Python, 1 to 3 ms a
figure, paid on every page view. The unit tests validate each spec through go.Figure instead.
"""

from __future__ import annotations

import functools
import math
import textwrap
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from layouts.formatting import display_divisor, format_value, unit_label
from layouts.i18n import Lang, t
from layouts.places import map_label, place_name
from layouts.theme import (
    FONT_FAMILY,
    MAP_SCALE,
    MAP_SCALE_REVERSED,
    NO_DATA_COLOUR,
    TREND_COLOURS,
)
from metrics.indicators import Indicator

if TYPE_CHECKING:
    from dash import dcc

MAP_CONFIG: dcc.Graph.Config = {
    "displayModeBar": False,
    "topojsonURL": "/assets/topojson/",  # plotly.js asks for a base layer even when hidden
    "scrollZoom": False,
}
GRAPH_CONFIG: dcc.Graph.Config = {"displaylogo": False,
                                  "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
# What these figures used of plotly's default "plotly" template, and nothing else. The full
# template is about 7 kB of defaults for every trace type, sent with each figure and worked
# through by plotly.js on every draw; on the village page's five charts that was most of the
# time between the click and the painted page.
_AXIS = {"gridcolor": "white", "linecolor": "white", "ticks": "", "zerolinecolor": "white",
         "zerolinewidth": 2, "automargin": True, "title": {"standoff": 15}}
COMPACT_TEMPLATE: dict[str, Any] = {
    "layout": {"font": {"color": "#2a3f5f"}, "hoverlabel": {"align": "left"},
               "hovermode": "closest", "paper_bgcolor": "white", "plot_bgcolor": "#E5ECF6",
               "xaxis": _AXIS, "yaxis": _AXIS},
    "data": {"bar": [{"marker": {"line": {"color": "#E5ECF6", "width": 0.5}}}],
             "choropleth": [{"colorbar": {"outlinewidth": 0, "ticks": ""}}]},
}
FigureSpec = dict[str, Any]


def as_list(values: pd.Series) -> list:
    """A column as JSON values: None where pandas has no value."""
    return [None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in values]


def numbers(values: pd.Series) -> list[float | None]:
    """A numeric column as floats, None where it has no value: as_list of a column of numbers,
    read as one array rather than value by value."""
    return [None if v != v else v  # NaN is not equal to itself
            for v in values.to_numpy(dtype=float, na_value=np.nan).tolist()]


def wrap(text: str, width: int = 28) -> str:
    return "<br>".join(textwrap.wrap(text, width)) if text else ""


def value_texts(values: pd.Series, indicator: Indicator, lang: Lang) -> pd.Series:
    unit = unit_label(indicator.unit, lang)
    def text(value: float) -> str:
        if pd.isna(value):
            return format_value(None, indicator.unit, lang)
        return f"{format_value(float(value), indicator.unit, lang)} {unit}"

    return values.map(text)


def colour_range(values: pd.Series) -> tuple[float, float]:
    known = values.dropna()
    if known.empty:
        return 0.0, 1.0
    low, high = float(known.min()), float(known.max())
    return (low, high) if high > low else (low - 1, high + 1)


def colours_for(values: pd.Series, indicator: Indicator) -> pd.Series:
    """The map colour of each value (grey where there is none), for tiles drawn without plotly."""
    low, high = colour_range(values)
    scale = MAP_SCALE if indicator.higher_is_better else MAP_SCALE_REVERSED
    listed = values.tolist()
    known = [min(max((float(v) - low) / (high - low), 0.0), 1.0) for v in listed if not pd.isna(v)]
    sampled = iter(sample_colorscale(scale, known) if known else [])
    return pd.Series([NO_DATA_COLOUR if pd.isna(v) else next(sampled) for v in listed],
                     index=values.index, dtype=object)


def choropleth_map(geojson: dict, labels: dict[str, tuple[float, float]], table: pd.DataFrame,
                   indicator: Indicator, lang: Lang, ranked: int, height: int = 520) -> FigureSpec:
    """table: code, name, value, rank. Hover shows value, rank and the indicator's definition."""
    definition = indicator.definition_en if lang == "en" else indicator.definition_zh
    name = indicator.name_en if lang == "en" else indicator.name_zh
    texts = value_texts(table["value"], indicator, lang)
    rank_word = "rank" if lang == "en" else "排名"
    ranks = table["rank"].map(lambda r: "—" if pd.isna(r) else f"{int(r)}/{ranked}")
    # In the unit the colour bar is titled with (万元 for money), as the ranking beside it.
    shown = table["value"].astype(float) / display_divisor(indicator.unit)
    low, high = colour_range(shown)
    label_codes = [c for c in table["code"] if c in labels]
    short = dict(zip(table["code"], table["name"], strict=True))
    choropleth = {
        "type": "choropleth", "geojson": geojson, "featureidkey": "id",
        "locations": as_list(table["code"]), "z": as_list(shown),
        "zmin": low, "zmax": high,
        "colorscale": MAP_SCALE if indicator.higher_is_better else MAP_SCALE_REVERSED,
        "marker": {"line": {"color": "#ffffff", "width": 1.2}},
        "customdata": [list(row) for row in zip(table["name"].map(lambda n: place_name(n, lang)),
                                                texts, ranks, strict=True)],
        "hovertemplate": (f"<b>%{{customdata[0]}}</b><br>{name}{t('colon', lang)}"
                          f"%{{customdata[1]}}<br>{rank_word}{t('colon', lang)}%{{customdata[2]}}"
                          "<br><span style='font-size:11px'>"
                          f"{wrap(definition)}</span><extra></extra>"),
        "colorbar": {"thickness": 12, "len": 0.7,
                     "title": {"text": unit_label(indicator.unit, lang)}},
    }
    names = {
        "type": "scattergeo", "lon": [labels[c][0] for c in label_codes],
        "lat": [labels[c][1] for c in label_codes],
        "text": [map_label(short[c], lang) for c in label_codes],
        "mode": "text", "hoverinfo": "skip", "showlegend": False,
        "textfont": {"size": 12, "color": "#1f2933", "family": FONT_FAMILY},
    }
    return {"data": [choropleth, names], "layout": {
        "geo": {"fitbounds": "locations", "visible": False, "projection": {"type": "mercator"},
                "bgcolor": "rgba(0,0,0,0)"},
        "height": height, "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "template": COMPACT_TEMPLATE, "font": {"family": FONT_FAMILY},
        "paper_bgcolor": "rgba(0,0,0,0)", "dragmode": False, "clickmode": "event",
    }}


def trend_figure(frame: pd.DataFrame, x: str, series: list[tuple[str, str]], unit: str,
                 kind: str = "line", height: int = 260) -> FigureSpec:
    """A small trend chart; series are (column, label) pairs."""
    categories = frame[x].tolist()
    values = {column: numbers(frame[column]) for column, _ in series}
    traces = []
    for (column, label), colour in zip(series, TREND_COLOURS, strict=False):
        if kind == "bar":
            traces.append({"type": "bar", "x": categories, "y": values[column],
                           "name": label, "marker": {"color": colour}})
        else:
            traces.append({"type": "scatter", "x": categories, "y": values[column],
                           "name": label, "mode": "lines+markers", "line": {"color": colour}})
    # Margins fixed and at most 8 labels on the time axis, level: plotly's automatic margins
    # redraw a chart until its rotated labels fit, most of the time a village page takes. The
    # labels count back from the last period (the one a page is on), which always has one.
    periods = len(frame)
    step = max(1, math.ceil(periods / 8))
    shown = [v for column in values.values() for v in column if v is not None]
    # Small counts get a tick per unit: plotly would mark 0.5 activities.
    whole_steps = bool(shown) and all(v.is_integer() for v in shown) and max(shown) <= 8
    return {"data": traces, "layout": {
        "height": height, "margin": {"l": 52, "r": 12, "t": 12, "b": 30},
        "font": {"family": FONT_FAMILY, "size": 12}, "template": COMPACT_TEMPLATE,
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        "showlegend": len(series) > 1, "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {"type": "category", "automargin": False, "tickangle": 0,
                  "tick0": (periods - 1) % step, "dtick": step},
        "yaxis": {"title": {"text": unit, "standoff": 6}, "gridcolor": "#e6e9ee",
                  "rangemode": "tozero", "automargin": False,
                  **({"dtick": 1} if whole_steps else {})},
    }}


@functools.cache
def _bars_template() -> dict[str, Any]:
    """The template the ranked bars have always been drawn with: plotly's default template
    with COMPACT_TEMPLATE merged into it (how go.Figure combines the two). Worked out once,
    where a go.Figure per chart cost some 25 ms of validation; shared by every figure, so
    never changed."""
    template = go.Figure().update_layout(template=COMPACT_TEMPLATE).to_dict()["layout"]["template"]
    return cast(dict[str, Any], template)


def ranked_bars_spec(table: pd.DataFrame, indicator: Indicator, lang: Lang,
                     height: int = 420) -> FigureSpec:
    """Horizontal bars, best at the top; table: code, name, value, rank. customdata = code.
    The figure as go.Figure writes it, built without its validation (ranked_bars and
    tests/integration/test_services_speed.py validate it)."""
    ordered = table.iloc[::-1]
    scale = 1 / display_divisor(indicator.unit)
    bars = {"customdata": as_list(ordered["code"]),
            "hovertemplate": "%{y}: %{text}<extra></extra>", "marker": {"color": TREND_COLOURS[0]},
            "orientation": "h", "text": as_list(value_texts(ordered["value"], indicator, lang)),
            "textposition": "auto",
            # An array, not a list: go.Figure (ranked_bars) writes it as a typed array.
            "x": (ordered["value"] * scale).to_numpy(dtype=float),
            "y": [place_name(name, lang) for name in ordered["name"]], "type": "bar"}
    return {"data": [bars], "layout": {
        "template": _bars_template(), "margin": {"l": 8, "r": 16, "t": 8, "b": 32},
        "font": {"family": FONT_FAMILY, "size": 12}, "height": height,
        "plot_bgcolor": "#ffffff", "paper_bgcolor": "rgba(0,0,0,0)", "clickmode": "event",
        "xaxis": {"title": {"text": unit_label(indicator.unit, lang)}, "gridcolor": "#e6e9ee"},
    }}


def ranked_bars(table: pd.DataFrame, indicator: Indicator, lang: Lang,
                height: int = 420) -> go.Figure:
    """ranked_bars_spec as a go.Figure, for the pages that take one."""
    return go.Figure(ranked_bars_spec(table, indicator, lang, height))
