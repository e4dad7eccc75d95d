"""Tables: dash-ag-grid with sorting and filtering, and an export to Excel of what is shown.

Every table on every page is built by `table_section`; one callback (callbacks/exports.py)
serves all their export buttons through pattern-matching ids.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass

import dash_ag_grid as dag
import pandas as pd
from dash import dcc, html

from layouts import ids
from layouts.attributes import attributes
from layouts.formatting import unit_label
from layouts.i18n import Lang, for_ranked, in_brackets, t, term
from layouts.places import place_name
from metrics.indicators import INDICATORS, PERCENT, YUAN


@dataclass(frozen=True)
class ColumnSpec:
    field: str
    header: str
    kind: str = "text"  # text / number / date
    digits: int = 0
    scale: float = 1.0  # shown value = stored value x scale (yuan -> 万元)
    tooltip: str = ""
    pinned: bool = False
    wide: bool = False  # a name that identifies the row: wrapped, never cut off
    place: bool = False  # a division's name: "Tiaoguan Town (调关镇)" in English
    term: bool = False  # a vocabulary value (已办结, 村委会): its English in English


# The class of a cell that holds the data's own words (an item, a department, a business), in
# the language the data are kept in: the English interface leaves them as they are.
DATA_WORDS = "data-value"


def is_data_words(spec: ColumnSpec) -> bool:
    return spec.kind == "text" and not (spec.place or spec.term)


def column_def(spec: ColumnSpec) -> dict:
    definition: dict = {"field": spec.field, "headerName": spec.header}
    if spec.tooltip:
        definition["headerTooltip"] = spec.tooltip
    if spec.pinned:
        # The column that names the row wraps rather than cuts (a 25-digit serial number, a
        # village's English name), whatever the width.
        definition.update(pinned="left", minWidth=150, wrapText=True, autoHeight=True)
    if spec.wide:
        # A pinned one keeps its width (flex sizes the scrolling columns only), and leaves a
        # phone's grid (about 360 px) room for the columns that scroll: it wraps instead.
        definition.update(wrapText=True, autoHeight=True,
                          **({"width": 200, "minWidth": 150} if spec.pinned
                             else {"minWidth": 260, "flex": 2}))
    if is_data_words(spec):
        definition["cellClass"] = DATA_WORDS
    if spec.kind == "number":
        definition.update(
            filter="agNumberColumnFilter", type="numericColumn",
            # With thousands separators, as the cards and charts show figures ("200,761").
            valueFormatter={"function": f"params.value == null ? '—' : "
                                        f"(params.value * {spec.scale}).toLocaleString('en-US', "
                                        f"{{minimumFractionDigits: {spec.digits}, "
                                        f"maximumFractionDigits: {spec.digits}}})"})
    else:
        definition["filter"] = "agTextColumnFilter"
    return definition


def with_unit(name: str, unit: str, lang: Lang) -> str:
    """A header with its unit: 办件量（件）, "finished on time (%)". An English name that says
    its unit already keeps it once ("service cases", not "service cases (cases)")."""
    if lang == "en" and re.search(rf"\b{re.escape(unit)}\b", name, re.IGNORECASE):
        return name
    return name + in_brackets(unit, lang)


def indicator_column(indicator_id: str, lang: Lang) -> ColumnSpec:
    indicator = INDICATORS[indicator_id]
    name = indicator.name_en if lang == "en" else indicator.name_zh
    unit = unit_label(indicator.unit, lang)
    return ColumnSpec(
        indicator_id, with_unit(name, unit, lang), "number",
        digits=2 if indicator.unit is YUAN else 1 if indicator.unit is PERCENT else 0,
        scale=1 / 10_000 if indicator.unit is YUAN else 1.0,
        tooltip=indicator.definition_en if lang == "en" else indicator.definition_zh)


def in_language(frame: pd.DataFrame, columns: list[ColumnSpec], lang: Lang) -> pd.DataFrame:
    """Place names and vocabulary values of the columns that hold them, in the language."""
    shown = [c for c in columns if (c.place or c.term) and c.field in frame]
    if lang != "en" or not shown:
        return frame
    return frame.assign(**{c.field: frame[c.field].map(lambda v, c=c: _cell_in_language(v, c, lang))
                           for c in shown})


def _cell_in_language(value: object, spec: ColumnSpec, lang: Lang) -> object:
    if not isinstance(value, str):
        return value
    return place_name(value, lang) if spec.place else term(value, lang)


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as YYYY-MM-DD and times as YYYY-MM-DD HH:MM, as everywhere in the interface."""
    shown = frame.copy()
    for name in shown.columns:
        column = shown[name]
        if pd.api.types.is_datetime64_any_dtype(column):
            shown[name] = column.dt.strftime("%Y-%m-%d %H:%M").where(column.notna(), None)
        elif column.dtype == object and column.map(lambda v: hasattr(v, "isoformat")).any():
            shown[name] = column.map(lambda v: v.isoformat() if hasattr(v, "isoformat") else v)
    return shown


def row_data(frame: pd.DataFrame) -> list[dict]:
    """The grid's rows: display values, None (JSON null) where there is no value. A NaN left in
    would make the response's JSON encoder parse and encode the whole page a second time."""
    return [{name: _json_value(value) for name, value in row.items()}
            for row in display_frame(frame).to_dict("records")]


def _json_value(value: object) -> object:
    missing = value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    return None if missing else value


# A list whose rows lie in several counties carries each row's county (callbacks.views
# with_county): shown as its first column, so that same-named places of two counties read apart.
COUNTY_FIELD = "county"


def _with_county_column(frame: pd.DataFrame, columns: list[ColumnSpec],
                        lang: Lang) -> list[ColumnSpec]:
    if COUNTY_FIELD not in frame.columns or any(c.field == COUNTY_FIELD for c in columns):
        return columns
    return [ColumnSpec(COUNTY_FIELD, t(for_ranked("township", "county"), lang), pinned=True,
                       place=True), *columns]


def table_section(table_id: str, title: str, frame: pd.DataFrame, columns: list[ColumnSpec],
                  lang: Lang, export_name: str, row_id: str | None = None,
                  height: int = 420, note: str = "") -> html.Section:
    columns = _with_county_column(frame, columns, lang)
    export = {"name": export_name, "scales": {c.field: c.scale for c in columns},
              "digits": {c.field: c.digits for c in columns if c.kind == "number"}}
    options = {"tooltipShowDelay": 300, "animateRows": False, "enableCellTextSelection": True,
               "localeText": {"noRowsToShow": t("no_rows", lang)}}
    grid = dag.AgGrid(
        id=ids.grid(table_id), rowData=row_data(in_language(frame, columns, lang)),
        columnDefs=[column_def(c) for c in columns],
        # Headers wrap: a column's unit ends its name ("经营性收入（万元）") and is the part a
        # cut would lose.
        defaultColDef={"sortable": True, "resizable": True, "filter": True, "minWidth": 100,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        dashGridOptions=options, style={"height": f"{height}px"}, className="ag-theme-alpine",
        **({"getRowId": f"params.data.{row_id}"} if row_id else {}))
    return html.Section([
        html.Div([html.H3(title),
                  html.Span(f"{len(frame):,} {t('rows', lang)}", className="muted small"),
                  html.Button(t("export_excel", lang), id=ids.export_button(table_id),
                              n_clicks=0, className="button"),
                  dcc.Store(id=ids.export_spec(table_id), data=export),
                  dcc.Download(id=ids.download(table_id))], className="section-head"),
        html.P(note, className="muted small") if note else None,
        grid,
    ], className="panel grid-panel", **attributes({"data-table": table_id}))


# An action on the row (a link to a form), not its data: the export leaves out the columns whose
# colId starts so.
ACTION_COLUMN = "action-"


def export_frame(rows: list[dict], column_defs: list[dict],
                 spec: dict) -> tuple[pd.DataFrame, list[str]]:
    """The rows as shown (filtered, sorted, in display units) and their headers."""
    column_defs = [c for c in column_defs
                   if not str(c.get("colId", "")).startswith(ACTION_COLUMN)]
    fields = [c["field"] for c in column_defs]
    frame = pd.DataFrame(rows).reindex(columns=fields)
    for field, digits in spec.get("digits", {}).items():
        if field in frame:
            frame[field] = (pd.to_numeric(frame[field]) * spec["scales"].get(field, 1.0)).round(
                digits)
    return frame, [c["headerName"] for c in column_defs]


def link_column(section: html.Section, field: str, path_prefix: str) -> html.Section:
    """Shows `field` of a table_section as a markdown link to path_prefix + the value; the data
    stay plain text, so sorting, filtering and the Excel export see the value itself."""
    grid = section.children[-1]
    for column in grid.columnDefs:
        if column["field"] == field:
            column.update(cellRenderer="markdown", valueGetter={"function": (
                f"'[' + params.data.{field} + '](" + path_prefix
                + f"' + params.data.{field} + ')'")})
    return section


def action_column(section: html.Section, href_field: str, label: str) -> html.Section:
    """Adds to a table_section a column linking each row to its `href_field` (a row without
    one shows nothing), pinned right so that it is on screen however wide the table."""
    grid = section.children[-1]
    link = f"'[' + {json.dumps(label)} + '](' + params.data.{href_field} + ')'"
    grid.columnDefs = [*grid.columnDefs, {
        "colId": ACTION_COLUMN + href_field, "headerName": label, "pinned": "right",
        "minWidth": 80, "width": 96, "sortable": False, "filter": False,
        "cellRenderer": "markdown",
        "valueGetter": {"function": f"params.data.{href_field} ? {link} : ''"}}]
    return section
