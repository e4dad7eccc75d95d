"""What the drill-down speed work relies on: a light map payload that draws the same polygons,
figures without plotly's full default template, map clicks written to the page's own Location,
and KPI cards without empty parts."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from shapely.geometry import shape

from data_access.boundaries import DRAWING_DECIMALS, schematic_township_boundaries
from layouts import ids
from layouts.figures import choropleth_map, trend_figure
from layouts.kpi import KpiView, kpi_card
from layouts.overview import map_panel
from metrics.indicators import INDICATORS, IndicatorValue


def _components(node: object) -> list:
    """Every Dash component in a tree (the node itself included)."""
    found = []
    if isinstance(node, (list, tuple)):
        for child in node:
            found += _components(child)
    elif hasattr(node, "to_plotly_json"):
        found.append(node)
        found += _components(getattr(node, "children", None))
    return found


def test_drawing_rounds_the_schematic_cells_and_keeps_the_exact_geojson() -> None:
    boundaries = schematic_township_boundaries()
    exact = json.dumps(boundaries.geojson)
    drawing = boundaries.drawing
    assert drawing is boundaries.drawing  # built once per set
    assert json.dumps(boundaries.geojson) == exact
    assert ([f["id"] for f in drawing["features"]]
            == [f["id"] for f in boundaries.geojson["features"]])
    for light, full in zip(drawing["features"], boundaries.geojson["features"], strict=True):
        assert light["properties"] == full["properties"]
        rings = (light["geometry"]["coordinates"] if light["geometry"]["type"] == "Polygon"
                 else [r for polygon in light["geometry"]["coordinates"] for r in polygon])
        for ring in rings:
            assert isinstance(ring, np.ndarray) and ring.shape[1] == 2
            assert np.array_equal(ring, np.round(ring, DRAWING_DECIMALS))
        as_lists = json.loads(json.dumps(light["geometry"], default=lambda a: a.tolist()))
        # Rounding moves a border by about a metre at most: the same cell, and its label inside.
        exact_cell = shape(full["geometry"])
        assert shape(as_lists).symmetric_difference(exact_cell).area < exact_cell.area * 1e-3
        assert shape(as_lists).contains(shape({"type": "Point",
                                               "coordinates": boundaries.labels[light["id"]]}))


def _table(codes: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"code": codes, "name": [f"镇{i}" for i in range(len(codes))],
                         "value": [float(i) for i in range(len(codes))],
                         "rank": [float(len(codes) - i) for i in range(len(codes))]})


def test_figure_specs_are_valid_plotly_figures_with_a_compact_template() -> None:
    """The specs skip go.Figure's validation on the page path; it runs here instead: an unknown
    property or a bad value raises."""
    boundaries = schematic_township_boundaries()
    codes = sorted(boundaries.labels)
    indicator = INDICATORS["service_full_online_rate"]
    table = _table(codes)
    table.loc[0, "value"] = np.nan
    spec = choropleth_map(boundaries.drawing, boundaries.labels, table, indicator, "zh",
                          ranked=len(codes))
    frame = pd.DataFrame({"period": ["2025-01", "2025-02"], "a": [1.0, None], "b": [3.0, 4.0]})
    trend_spec = trend_figure(frame, "period", [("a", "A"), ("b", "B")], "%")
    bar_spec = trend_figure(frame, "period", [("a", "A")], "%", "bar")
    json.dumps({"map": spec, "trend": trend_spec}, default=lambda a: a.tolist())
    figure, trend, _ = (go.Figure(s) for s in (spec, trend_spec, bar_spec))
    assert spec["data"][0]["z"][0] is None and trend_spec["data"][0]["y"] == [1.0, None]
    assert trend_spec["layout"]["yaxis"]["dtick"] == 1  # small whole numbers: no half steps
    rates = trend_figure(frame.assign(a=[0.5, 91.2]), "period", [("a", "A")], "%")
    assert "dtick" not in rates["layout"]["yaxis"]
    # 12 weeks: every other one labelled, counting back from the last (the page's own).
    weeks = pd.DataFrame({"period": [f"2026-W{n:02d}" for n in range(35, 47)], "a": 1.0})
    axis = trend_figure(weeks, "period", [("a", "A")], "件", "bar")["layout"]["xaxis"]
    assert (axis["dtick"], axis["tick0"]) == (2, 1) and (11 - axis["tick0"]) % axis["dtick"] == 0
    for fig in (figure, trend):
        template = fig.to_plotly_json()["layout"]["template"]
        assert set(template.get("data", {})) <= {"bar", "choropleth"}
        assert len(json.dumps(template)) < 1000
    assert [t.type for t in figure.data] == ["choropleth", "scattergeo"]
    assert list(figure.data[0].locations) == codes
    assert figure.layout.geo.fitbounds == "locations" and figure.layout.clickmode == "event"
    assert [t.name for t in trend.data] == ["A", "B"] and trend.layout.showlegend is True
    assert trend.layout.yaxis.title.text == "%" and trend.layout.xaxis.type == "category"


def test_the_map_panel_carries_the_location_map_clicks_write() -> None:
    boundaries = schematic_township_boundaries()
    codes = sorted(boundaries.labels)
    indicator = INDICATORS["service_full_online_rate"]
    figure = choropleth_map(boundaries.drawing, boundaries.labels, _table(codes), indicator, "zh",
                            ranked=len(codes))
    with_map = _components(map_panel("t", figure, None, html.Ol(), "r", True, "zh"))
    locations = [c for c in with_map if isinstance(c, dcc.Location)]
    assert [c.id for c in locations] == [ids.MAP_NAV]
    assert locations[0].refresh == "callback-nav"
    with_tiles = _components(map_panel("t", None, html.Div(className="tiles"), html.Ol(), "r",
                                       False, "zh"))
    assert not any(isinstance(c, (dcc.Location, dcc.Graph)) for c in with_tiles)


def test_kpi_cards_leave_out_empty_parts() -> None:
    bare = KpiView(IndicatorValue(INDICATORS["service_cases"], 12.0), None, "none")
    classes = [getattr(c, "className", None) for c in _components(kpi_card(bare, "zh"))]
    assert "kpi-value" in classes
    assert "kpi-rank" not in classes and "kpi-note" not in classes
    full = KpiView(IndicatorValue(INDICATORS["service_on_time_rate"], 91.0, "说明", "note"), 90.0,
                   "green", rank=2, ranked=15)
    parts = _components(kpi_card(full, "zh"))
    texts = {getattr(c, "className", None): c.children for c in parts}
    assert texts["kpi-rank"].endswith("2/15") and texts["kpi-note"] == "说明"
    assert texts["kpi-definition"].startswith("口径：") and "承诺期限" in texts["kpi-definition"]
    # Every part shown, in twelve components: no wrappers (a page carries up to 25 cards).
    assert len(parts) == 12
