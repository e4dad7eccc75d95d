"""A chart's text alternative: the values it plots, as a screen reader reads them."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from layouts.charts import TABLE_ROWS, chart_table


def _head(figure) -> list[str]:
    return [cell.children for cell in chart_table(figure, "zh").children.children[1]
            .children.children]


def _cells(figure) -> list[list[str]]:
    body = chart_table(figure, "zh").children.children[2]
    return [[cell.children for cell in row.children] if isinstance(row.children, list)
            else [row.children.children] for row in body.children]


def test_horizontal_bars_read_as_category_and_shown_value() -> None:
    figure = go.Figure(go.Bar(y=np.array(["调关镇", "东升镇"]), x=np.array([97.5, 99.25]),
                              orientation="h", text=["97.5%", "99.3%"], name="按时办结率"))
    assert _head(figure) == ["项目", "按时办结率"]
    assert _cells(figure) == [["调关镇", "97.5%"], ["东升镇", "99.3%"]]


def test_a_line_without_text_reads_its_numbers() -> None:
    figure = {"data": [{"type": "scatter", "name": "办件量", "x": ["2025-01", "2025-02"],
                        "y": [1200.0, None]}]}
    assert _cells(figure) == [["2025-01", "1,200"], ["2025-02", "—"]]


def test_series_over_the_same_months_are_read_side_by_side_with_their_unit() -> None:
    months = ["2025-01", "2025-02"]
    figure = {"data": [{"type": "scatter", "name": "按时办结率", "x": months, "y": [97.5, 99.0]},
                       {"type": "scatter", "name": "满意率", "x": months, "y": [None, 100.0]}],
              "layout": {"yaxis": {"title": {"text": "%"}}}}
    assert _head(figure) == ["项目", "按时办结率（%）", "满意率（%）"]
    assert _cells(figure) == [["2025-01", "97.5", "—"], ["2025-02", "99", "100"]]


def test_series_over_other_categories_are_read_point_by_point() -> None:
    figure = {"data": [{"type": "bar", "name": "A", "x": ["甲", "乙"], "y": [1.0, 2.0]},
                       {"type": "bar", "name": "B", "x": ["乙", "丙"], "y": [3.0, 4.0]}]}
    assert _head(figure) == ["系列", "项目", "数值"]
    assert _cells(figure) == [["A", "甲", "1"], ["A", "乙", "2"], ["B", "乙", "3"],
                              ["B", "丙", "4"]]


def test_a_heatmap_reads_row_column_and_cell() -> None:
    figure = go.Figure(go.Heatmap(x=["2025-01", "2025-02"], y=["调关镇"],
                                  z=np.array([[83.333, 100.0]])))
    assert _cells(figure) == [["", "调关镇 · 2025-01", "83.33"], ["", "调关镇 · 2025-02", "100"]]


def test_a_strip_of_named_points_reads_name_and_value() -> None:
    figure = go.Figure(go.Scatter(x=np.array([12.5, 3.0]), y=[0.1, -0.2], mode="markers",
                                  text=["黄金楼村 · 大垸镇", "南湖村<br>调关镇"]))
    assert _head(figure) == ["项目", "数值"]
    assert _cells(figure) == [["黄金楼村 · 大垸镇", "12.5"], ["南湖村 调关镇", "3"]]


def test_a_long_series_is_cut_with_a_count() -> None:
    figure = go.Figure(go.Bar(x=[f"村{i}" for i in range(100)], y=list(range(100))))
    cells = _cells(figure)
    assert len(cells) == TABLE_ROWS + 1
    assert cells[-1] == [f"前 {TABLE_ROWS} 项，共 100 项"]
