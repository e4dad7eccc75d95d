"""The village table: dash-ag-grid with sorting and filtering, and an export to Excel."""

from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from dashboard import ids
from layouts.formatting import unit_label
from layouts.i18n import Lang, t
from metrics.indicators import INDICATORS, PERCENT, YUAN


def grid_columns(frame: pd.DataFrame, lang: Lang) -> list[dict]:
    columns: list[dict] = [
        {"field": "name", "headerName": t("name", lang), "pinned": "left", "minWidth": 150,
         "filter": "agTextColumnFilter"},
        {"field": "unit_type", "headerName": t("unit_type", lang), "width": 90},
    ]
    for column in frame.columns:
        indicator = INDICATORS.get(column)
        if indicator is None:
            continue
        digits = 1 if indicator.unit is PERCENT else 0
        scale = 1 / 10_000 if indicator.unit is YUAN else 1
        if indicator.unit is YUAN:
            digits = 2
        name = indicator.name_en if lang == "en" else indicator.name_zh
        columns.append({
            "field": column, "headerName": f"{name}（{unit_label(indicator.unit, lang)}）",
            "headerTooltip": indicator.definition_en if lang == "en" else indicator.definition_zh,
            "filter": "agNumberColumnFilter", "type": "numericColumn",
            "valueFormatter": {"function": f"params.value == null ? '—' : "
                                          f"(params.value * {scale}).toFixed({digits})"},
        })
    return columns


def village_grid(frame: pd.DataFrame, lang: Lang, export_name: str) -> html.Section:
    return html.Section([
        html.Div([html.H3(t("villages", lang)),
                  html.Button(t("export_excel", lang), id=ids.EXPORT_BUTTON, n_clicks=0,
                              className="button"),
                  dcc.Store(id=ids.EXPORT_NAME, data=export_name),
                  dcc.Download(id=ids.EXPORT_DOWNLOAD)], className="section-head"),
        dag.AgGrid(id=ids.VILLAGE_GRID, rowData=frame.to_dict("records"),
                   columnDefs=grid_columns(frame, lang),
                   defaultColDef={"sortable": True, "resizable": True, "filter": True,
                                  "minWidth": 110},
                   dashGridOptions={"tooltipShowDelay": 300, "animateRows": False},
                   getRowId="params.data.code", style={"height": "420px"},
                   className="ag-theme-alpine"),
    ], className="panel grid-panel")


def export_frame(rows: list[dict], column_defs: list[dict]) -> tuple[pd.DataFrame, list[str]]:
    """The rows as shown (filtered, sorted, money in 万元) and their headers, for export."""
    frame = pd.DataFrame(rows).reindex(columns=[c["field"] for c in column_defs])
    for column in frame.columns:
        indicator = INDICATORS.get(column)
        if indicator is not None and indicator.unit is YUAN:
            frame[column] = (frame[column] / 10_000).round(2)
        elif indicator is not None:
            frame[column] = frame[column].round(1 if indicator.unit is PERCENT else 2)
    return frame, [c["headerName"] for c in column_defs]
