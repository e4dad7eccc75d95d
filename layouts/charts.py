"""A chart with its text alternative: the plotted values as a table that a screen reader
reaches (visually hidden: the chart shows them), so no figure is a picture only."""

from __future__ import annotations

import re
from numbers import Number
from typing import Any

import plotly.graph_objects as go
from dash import dcc, html

from layouts.attributes import attributes
from layouts.figures import GRAPH_CONFIG, FigureSpec
from layouts.grid import with_unit
from layouts.i18n import Lang, t

TABLE_ROWS = 60  # a distribution of a prefecture's villages is thousands: the grids list them


def chart(figure: go.Figure | FigureSpec, lang: Lang, graph_id: str | dict | None = None,
          config: dcc.Graph.Config | None = None) -> html.Div:
    named: dict[str, Any] = {} if graph_id is None else {"id": graph_id}
    graph = dcc.Graph(figure=figure, config=GRAPH_CONFIG if config is None else config,
                      **named)
    return html.Div([graph, chart_table(figure, lang)], className="chart")


def chart_panel(title: str, figure: go.Figure | FigureSpec, graph_id: str, hint: str,
                lang: Lang) -> html.Section:
    """A panel of one chart: its title, a hint on what a click does, the chart."""
    return html.Section([html.H3(title), html.P(hint, className="muted small") if hint else None,
                         chart(figure, lang, graph_id)],
                        className="panel", **attributes({"data-chart": graph_id}))


def plain_chart(graph_id: str, figure: go.Figure | FigureSpec, lang: Lang) -> html.Div:
    """A chart without plotly's mode bar (a panel's small chart: nothing to zoom)."""
    return chart(figure, lang, graph_id, {**GRAPH_CONFIG, "displayModeBar": False})


def chart_table(figure: go.Figure | FigureSpec, lang: Lang) -> html.Div:
    """The plotted values (up to TABLE_ROWS rows, then how many more there are): a row per
    category with a column per series where the series share their categories (a trend's
    months, a ranking's places), else a row per point with its series, category and value."""
    traces = _traces(figure)
    columns = _side_by_side(traces)
    # A category is the data's (a place, a department, a month); series and values are the
    # interface's.
    if columns is None:
        points = [row for trace in traces for row in _points(trace)]
        head = [t(key, lang) for key in ("chart_series", "chart_category", "chart_value")]
        total = len(points)
        body = [html.Tr([html.Td(series), html.Td(category, className="data-value"),
                         html.Td(value)])
                for series, category, value in points[:TABLE_ROWS]]
    else:
        names, categories, values = columns
        unit = _value_unit(figure, traces)
        head = [t("chart_category", lang),
                *(with_unit(name or t("chart_value", lang), unit, lang) if unit
                  else name or t("chart_value", lang) for name in names)]
        total = len(categories)
        body = [html.Tr([html.Td(category, className="data-value"),
                         *(html.Td(series[i]) for series in values)])
                for i, category in enumerate(categories[:TABLE_ROWS])]
    if total > TABLE_ROWS:
        body.append(html.Tr(html.Td(t("chart_rows_more", lang).format(
            shown=TABLE_ROWS, total=total), colSpan=len(head))))
    header = html.Thead(html.Tr([html.Th(text, scope="col") for text in head]))
    # Out of sight in a box of its own: a table grows to its content whatever its width.
    return html.Div(html.Table([html.Caption(t("chart_data", lang)), header, html.Tbody(body)]),
                    className="sr-only")


def _side_by_side(traces: list[dict[str, Any]]
                  ) -> tuple[list[str], list[str], list[list[str]]] | None:
    """(series names, categories, each series' values) of bars and lines that share their
    categories, in the same order; None for other charts."""
    if not traces or any(trace.get("type", "scatter") not in ("bar", "scatter", "scattergl")
                         for trace in traces):
        return None
    points = [_points(trace) for trace in traces]
    categories = [category for _, category, _ in points[0]]
    if any([category for _, category, _ in series] != categories for series in points[1:]):
        return None
    return ([str(trace.get("name") or "") for trace in traces], categories,
            [[value for _, _, value in series] for series in points])


def _value_unit(figure: go.Figure | FigureSpec, traces: list[dict[str, Any]]) -> str:
    """The unit of plain values (no text of their own, which says its unit): the title of the
    axis they are read on, the horizontal one for horizontal bars."""
    if any(trace.get("text") is not None for trace in traces):
        return ""
    axis = "xaxis" if any(trace.get("orientation") == "h" for trace in traces) else "yaxis"
    layout = (figure.layout.to_plotly_json() if isinstance(figure, go.Figure)
              else figure.get("layout", {}))
    title = (layout.get(axis) or {}).get("title")
    return str((title.get("text") if isinstance(title, dict) else title) or "")


TRACE_KEYS = ("type", "name", "x", "y", "z", "text", "orientation", "labels", "values")


def _traces(figure: go.Figure | FigureSpec) -> list[dict[str, Any]]:
    """The traces' values as given (a go.Figure's JSON would encode numpy arrays as base64)."""
    if isinstance(figure, go.Figure):
        return [{key: trace[key] for key in TRACE_KEYS if key in trace} for trace in figure.data]
    return list(figure.get("data", []))


def _points(trace: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(series, category, value) of a trace's points, read as the chart shows them: a bar or
    line's category and value, a heatmap's row and column and cell, a pie's slices."""
    name = str(trace.get("name") or "")
    kind = trace.get("type", "scatter")
    if kind == "heatmap":
        xs, ys = _values(trace, "x"), _values(trace, "y")
        return [(name, f"{y} · {x}", _text(cell))
                for y, line in zip(ys, _values(trace, "z"), strict=False)
                for x, cell in zip(xs, list(line), strict=False)]
    if kind == "pie":
        return [(name, str(label), _text(value)) for label, value in
                zip(_values(trace, "labels"), _values(trace, "values"), strict=False)]
    if kind not in ("bar", "scatter", "scattergl"):
        return []
    xs, ys = _values(trace, "x"), _values(trace, "y")
    texts = trace.get("text")
    labels = None if texts is None or isinstance(texts, str) else [_plain(t) for t in texts]
    if labels and len(labels) == len(xs) and _numbers(xs) and _numbers(ys):
        # Points named by their text on two numeric axes (a strip of villages): the name and
        # the horizontal value.
        return [(name, label, _text(x)) for label, x in zip(labels, xs, strict=False)]
    categories, values = (ys, xs) if trace.get("orientation") == "h" else (xs, ys)
    return [(name, str(category), labels[i] if labels and i < len(labels) and labels[i]
             else _text(value))
            for i, (category, value) in enumerate(zip(categories, values, strict=False))]


def _plain(text: object) -> str:
    """A point's text as words: without plotly's markup (<br>, <b>); a number as a number;
    "" where it has none."""
    if isinstance(text, Number):
        return "" if text != text else _text(text)  # NaN is not equal to itself
    return "" if text is None else re.sub(r"<[^>]+>", "", str(text).replace("<br>", " "))


def _values(trace: dict[str, Any], key: str) -> list:
    """A trace's array as a list (plotly keeps numpy arrays as they were given)."""
    values = trace.get(key)
    return [] if values is None or isinstance(values, str) else list(values)


def _numbers(values: list) -> bool:
    return all(isinstance(v, Number) or v is None for v in values)


def _text(value: object) -> str:
    if value is None or value != value:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)
