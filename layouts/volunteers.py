"""The volunteer-service page (/volunteers): pure builders, prepared DataFrames in -> figures and
components out."""

from __future__ import annotations

from dataclasses import replace

import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component

from layouts import ids
from layouts.attributes import attributes
from layouts.grid import ColumnSpec, indicator_column, table_section
from layouts.i18n import Lang, for_ranked, t
from layouts.places import place_name
from layouts.tables import plain_table
from layouts.theme import (
    FONT_FAMILY,
    MAP_SCALE,
    STATUS_ICONS,
    STATUS_WORDS,
    TREND_COLOURS,
)
from metrics.targets import Status

LEVEL_KEYS = {"corps": "vol_level_corps", "county": "vol_level_county",
              "township": "vol_level_township", "village": "vol_level_village"}
# County detachments, township detachments, village teams (colour-blind safe, as everywhere).
SCOPE_COLOURS = {"county": "#0b5cad", "township": "#4a90c8", "village": "#E69F00"}
PER_THOUSAND = "volunteer_hours_per_1000"  # shown with one decimal (not a whole count)
CONTEXT_COLOUR = "#9cc3e6"  # months shown for context, outside the selected period


def level_name(level: str, lang: Lang, ranked: str) -> str:
    """A team level's name; the county-level units are the area's own (市级) in one county,
    each county's in a prefecture (`ranked` is the area's ranked level)."""
    return t(for_ranked(LEVEL_KEYS[level], ranked) if level == "county" else LEVEL_KEYS[level],
             lang)


def _layout(figure: go.Figure, height: int, margin: dict) -> go.Figure:
    figure.update_layout(height=height, margin=margin, plot_bgcolor="#ffffff",
                         font={"family": FONT_FAMILY, "size": 12},
                         paper_bgcolor="rgba(0,0,0,0)", dragmode=False,
                         hoverlabel={"font": {"family": FONT_FAMILY}})
    return figure


def fitted(section: html.Section) -> html.Section:
    """The table's columns sized to the panel's width (they scroll when they cannot fit)."""
    for child in section.children:
        if isinstance(child, dag.AgGrid):
            child.columnSize = "responsiveSizeToFit"
    return section


def panel(title: str, children: list, class_name: str = "", note: str = "") -> html.Section:
    return html.Section([html.H3(title), html.P(note, className="muted small") if note else None,
                         *children], className=f"panel {class_name}".strip())


def no_data(text: str) -> html.P:
    return html.P(text, className="panel empty-period vol-no-data")


def notes(lang: Lang, population_generated: bool) -> html.Div:
    parts = [t("vol_period_hint", lang)]
    if population_generated:
        parts.append(t("vol_population_generated", lang))
    return html.Div([html.P(part, className="muted small") for part in parts],
                    className="vol-notes")


# --- teams -------------------------------------------------------------------------------------


def minimum_table(summary: pd.DataFrame, ranked: str, lang: Lang) -> html.Table:
    """summary: level, units, teams, minimum, met, short (metrics.volunteers.minimum_summary)."""
    rows = []
    for row in summary.itertuples(index=False):
        state: Status = "green" if row.short == 0 else "red"
        zh, en = STATUS_WORDS[state]
        rows.append(html.Tr([
            html.Td(level_name(row.level, lang, ranked)),
            html.Td(f"{row.units:,}", className="num"),
            html.Td(f"{row.teams:,}", className="num"),
            html.Td(f"≥ {row.minimum}", className="num"),
            html.Td(f"{row.met:,}", className="num"),
            html.Td(html.Span([html.Span(STATUS_ICONS[state],
                                         **attributes({"aria-hidden": "true"})), " ",
                               f"{row.short:,}" if row.short else (en if lang == "en" else zh)],
                              className=f"status status-{state}"), className="num vol-short"),
        ], **attributes({"data-level": row.level, "data-short": str(row.short)})))
    head = html.Thead(html.Tr([html.Th(t(key, lang)) for key in (
        "vol_level", "vol_units", "vol_teams_count", "vol_minimum_per_unit", "vol_met",
        "vol_short")]))
    return plain_table(head, rows, "vol-minimums", t("vol_teams", lang))


def category_figure(categories: pd.DataFrame, ranked: str, lang: Lang) -> go.Figure:
    """categories: category, scope, teams (the corps left out). Stacked bars per field."""
    frame = categories[categories["scope"] != "corps"]
    totals = frame.groupby("category")["teams"].sum().sort_values()
    figure = go.Figure()
    for scope, colour in SCOPE_COLOURS.items():
        part = frame[frame["scope"] == scope].set_index("category")["teams"].reindex(
            totals.index).fillna(0)
        name = level_name(scope, lang, ranked)
        figure.add_bar(y=list(totals.index), x=part, name=name,
                       orientation="h", marker_color=colour,
                       hovertemplate="%{y} · " + name + "：%{x}"
                       + "<extra></extra>")
    figure.update_layout(barmode="stack", legend={"orientation": "h", "y": 1.02,
                                                  "yanchor": "bottom", "x": 0,
                                                  "traceorder": "normal"})
    figure.update_xaxes(title=t("vol_teams_count", lang), gridcolor="#e6e9ee")
    figure.update_yaxes(type="category")
    return _layout(figure, 60 + 24 * len(totals) + 40, {"l": 80, "r": 16, "t": 36, "b": 40})


def shortfall_section(table_id: str, shortfalls: pd.DataFrame, ranked: str, lang: Lang,
                      export_name: str) -> html.Section:
    """shortfalls: code, name, level, township, teams, minimum, gap."""
    rows = shortfalls.assign(level_name=[level_name(lvl, lang, ranked)
                                         for lvl in shortfalls["level"]])
    columns = [ColumnSpec("name", t("vol_unit", lang), pinned=True, place=True),
               ColumnSpec("level_name", t("vol_level", lang)),
               ColumnSpec("township", t("vol_township", lang), place=True),
               ColumnSpec("teams", t("vol_teams_count", lang), "number"),
               ColumnSpec("minimum", t("vol_minimum", lang), "number"),
               ColumnSpec("gap", t("vol_gap", lang), "number")]
    return fitted(table_section(table_id, t("vol_shortfalls", lang), rows, columns, lang,
                                export_name, row_id="code", height=330,
                                note=t("vol_shortfalls_note", lang)))


def category_section(table_id: str, categories: pd.DataFrame, ranked: str, lang: Lang,
                     export_name: str) -> html.Section:
    """categories: category, scope, teams, members -> one row per field of service with the
    teams of each scope, their total and the members (the corps left out)."""
    frame = categories[categories["scope"] != "corps"]
    wide = frame.pivot_table(index="category", columns="scope", values="teams", aggfunc="sum",
                             fill_value=0).reindex(columns=list(SCOPE_COLOURS), fill_value=0)
    wide["total"] = wide.sum(axis=1)
    wide["members"] = frame.groupby("category")["members"].sum()
    wide = wide.sort_values("total", ascending=False).reset_index()
    columns = [ColumnSpec("category", t("vol_category", lang), pinned=True),
               *(ColumnSpec(scope, level_name(scope, lang, ranked), "number")
                 for scope in SCOPE_COLOURS),
               ColumnSpec("total", t("vol_total", lang), "number"),
               ColumnSpec("members", t("vol_members", lang), "number")]
    return fitted(table_section(table_id, t("vol_categories", lang), wide, columns, lang,
                                export_name, row_id="category", height=260))


# --- activities --------------------------------------------------------------------------------


def monthly_figure(months: pd.DataFrame, selected: set[str], lang: Lang) -> go.Figure:
    """months: month, activities, hours (the county). Bars of activities (the selected
    period's months dark, the months before it light), a line of hours."""
    figure = go.Figure()
    colours = [TREND_COLOURS[0] if month in selected else CONTEXT_COLOUR
               for month in months["month"]]
    figure.add_bar(x=months["month"], y=months["activities"], name=t("vol_activities", lang),
                   marker_color=colours, text=months["activities"],
                   textposition="outside", cliponaxis=False,
                   hovertemplate="%{x}: %{y:,} " + t("vol_activity_unit", lang)
                   + "<extra></extra>")
    figure.add_scatter(x=months["month"], y=months["hours"], name=t("vol_hours", lang),
                       mode="lines+markers", yaxis="y2", line={"color": TREND_COLOURS[1]},
                       hovertemplate="%{x}: %{y:,.1f} " + t("vol_hour_unit", lang)
                       + "<extra></extra>")
    top = float(months["activities"].max() or 1)
    figure.update_layout(
        xaxis={"type": "category"},
        yaxis={"title": t("vol_activities", lang), "gridcolor": "#e6e9ee",
               "range": [0, top * 1.2]},
        yaxis2={"title": t("vol_hours", lang), "overlaying": "y", "side": "right",
                "rangemode": "tozero", "showgrid": False},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0})
    return _layout(figure, 360, {"l": 56, "r": 64, "t": 36, "b": 40})


def coverage_figure(coverage: pd.DataFrame, names: pd.Series, lang: Lang) -> go.Figure:
    """coverage: code, month, stations, active, coverage (%). Divisions x months."""
    wide = coverage.pivot(index="code", columns="month", values="coverage")
    active = coverage.pivot(index="code", columns="month", values="active")
    stations = coverage.pivot(index="code", columns="month", values="stations")
    order = wide.mean(axis=1).sort_values().index  # lowest at the bottom
    wide, active, stations = wide.loc[order], active.loc[order], stations.loc[order]
    labels = [place_name(names.get(code, code), lang) for code in wide.index]
    texts = [[f"{value:.0f}%" for value in row] for row in wide.to_numpy()]
    custom = [[f"{int(a)}/{int(s)}" for a, s in zip(a_row, s_row, strict=True)]
              for a_row, s_row in zip(active.to_numpy(), stations.to_numpy(), strict=True)]
    low = float(min(wide.min().min(), 80.0))
    figure = go.Figure(go.Heatmap(
        z=wide.to_numpy(), x=list(wide.columns), y=labels, text=texts, customdata=custom,
        texttemplate="%{text}", textfont={"size": 11}, zmin=low, zmax=100,
        colorscale=MAP_SCALE, xgap=2, ygap=2,
        colorbar={"thickness": 10, "title": {"text": "%"}},
        hovertemplate="%{y} · %{x}<br>" + t("vol_active_stations", lang)
        + "：%{customdata}<br>%{text}<extra></extra>"))
    figure.update_xaxes(type="category", side="top")
    figure.update_yaxes(type="category")
    return _layout(figure, 60 + 24 * len(labels) + 30, {"l": 96, "r": 16, "t": 40, "b": 16})


def inactive_section(table_id: str, inactive: pd.DataFrame, lang: Lang, export_name: str,
                     note: str) -> html.Section:
    """inactive: code, name, township, unit_type, last_day, days, activities_90."""
    columns = [ColumnSpec("name", t("vol_village", lang), pinned=True, place=True),
               ColumnSpec("township", t("vol_township", lang), place=True),
               ColumnSpec("unit_type", t("unit_type", lang), term=True),
               ColumnSpec("last_day", t("vol_last_activity", lang)),
               ColumnSpec("days", t("vol_days_without", lang), "number"),
               ColumnSpec("activities_90", t("vol_activities_90", lang), "number")]
    return fitted(table_section(table_id, t("vol_inactive", lang), inactive, columns, lang,
                                export_name, row_id="code", height=400, note=note))


def ranked_section(table_id: str, frame: pd.DataFrame, ranked: str, indicator_ids: list[str],
                   lang: Lang, export_name: str, note: str) -> html.Section:
    """frame: code, name, activities, volunteers, hours, beneficiaries, population and the
    indicator columns, a row per division of the `ranked` level."""
    columns = [ColumnSpec("name", t(for_ranked("vol_township", ranked), lang), pinned=True,
                          place=True),
               *number_columns(lang),
               ColumnSpec("population", t("vol_population", lang), "number"),
               *(replace(indicator_column(indicator_id, lang), digits=1)
                 if indicator_id == PER_THOUSAND else indicator_column(indicator_id, lang)
                 for indicator_id in indicator_ids)]
    return fitted(table_section(table_id, t(for_ranked("vol_township_table", ranked), lang),
                                frame, columns, lang, export_name, row_id="code", height=520,
                                note=note))


def number_columns(lang: Lang) -> list[ColumnSpec]:
    return [ColumnSpec("activities", t("vol_activities", lang), "number"),
            ColumnSpec("volunteers", t("vol_volunteers", lang), "number"),
            ColumnSpec("hours", t("vol_hours", lang), "number", digits=1),
            ColumnSpec("beneficiaries", t("vol_beneficiaries", lang), "number")]


def month_section(table_id: str, frame: pd.DataFrame, ranked: str, lang: Lang,
                  export_name: str) -> html.Section:
    """frame: place, month, activities, volunteers, hours, beneficiaries (a row per division
    of the `ranked` level and month)."""
    columns = [ColumnSpec("place", t(for_ranked("vol_township", ranked), lang), pinned=True,
                          place=True),
               ColumnSpec("month", t("vol_month", lang)), *number_columns(lang)]
    return fitted(table_section(table_id, t(for_ranked("vol_month_table", ranked), lang), frame,
                                columns, lang, export_name, height=360))


def activity_section(table_id: str, title: str, rows: pd.DataFrame, lang: Lang,
                     export_name: str, note: str = "") -> html.Section:
    """The activities behind a township bar."""
    columns = [ColumnSpec("code", t("vol_code", lang), pinned=True),
               ColumnSpec("start_at", t("vol_start", lang)),
               ColumnSpec("end_at", t("vol_end", lang)),
               ColumnSpec("team", t("vol_team", lang)),
               ColumnSpec("category", t("vol_category", lang)),
               ColumnSpec("village", t("vol_village", lang), place=True),
               ColumnSpec("theme", t("vol_theme", lang)),
               *number_columns(lang)[1:]]
    return fitted(table_section(table_id, title, rows, columns, lang, export_name,
                                row_id="code", height=min(140 + 42 * len(rows), 460),
                                note=note))


def drill_hint(lang: Lang, ranked: str) -> html.P:
    return html.P(t(for_ranked("vol_drill_hint", ranked), lang),
                  className="panel muted vol-drill-hint")


def callback_components() -> list[Component]:
    """The components of this domain's pages that its callbacks use (layouts/validation.py)."""
    return [dcc.Graph(id=ids.VOLUNTEERS_TOWNSHIP_CHART), html.Div(id=ids.VOLUNTEERS_DRILL)]
