"""Page bodies: the county overview, a township and a village."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from layouts import ids
from layouts.charts import chart
from layouts.figures import MAP_CONFIG, FigureSpec
from layouts.i18n import Lang, t


def map_panel(title: str, figure: FigureSpec | None, tiles: html.Div | None, ranking: html.Ol,
              ranking_title: str, schematic: bool, lang: Lang) -> html.Div:
    drawing: list[Component | None]
    if figure is not None:
        drawing = [dcc.Graph(id=ids.MAP, figure=figure, config=MAP_CONFIG, className="map-graph"),
                   dcc.Location(id=ids.MAP_NAV, refresh="callback-nav")]
    else:
        drawing = [tiles]
    note = html.P(t("schematic", lang), className="schematic-note") if schematic else None
    return html.Div([
        html.Section([html.H3(title), *drawing, note], className="panel map-panel"),
        html.Section([html.H3(ranking_title), ranking], className="panel ranking-panel"),
    ], className="map-row")


def page_body(controls: html.Div, kpis: list, panel: html.Div | html.P,
              extra: list | None = None) -> list:
    return [controls, panel, html.Div(kpis, className="kpi-grid"), *(extra or [])]


def trends_section(lang: Lang, charts: list[tuple[str, FigureSpec | None, str]]) -> html.Section:
    """charts: (title, figure or None, note shown instead when there is no figure)."""
    items = []
    for title, figure, note in charts:
        body = (chart(figure, lang) if figure is not None
                else html.P(note, className="muted"))
        items.append(html.Div([html.H4(title), body], className="panel trend"))
    return html.Section([html.H3(t("trends", lang)), html.Div(items, className="trend-grid")],
                        className="trends")
