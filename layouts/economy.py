"""The collective-economy page (/economy): pure builders, DataFrames in -> figures and components
out. Money arrives in yuan and is shown in 万元."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html
from dash.development.base_component import Component
from plotly.subplots import make_subplots

from layouts import ids
from layouts.attributes import attributes
from layouts.controls import period_controls
from layouts.formatting import YUAN_PER_WAN
from layouts.grid import ColumnSpec, table_section
from layouts.i18n import Lang, for_ranked, t
from layouts.places import place_name
from layouts.tables import plain_table
from layouts.theme import FONT_FAMILY
from metrics.economy import TIER_BY_ID, TIER_LINES
from metrics.indicators import share, share_of
from metrics.periods import Period, PeriodKind

WAN = 1 / YUAN_PER_WAN
# Weak in vermilion, 5-10万 in amber, then blues that darken with income (colour-blind safe;
# every bar is labelled with its tier as well).
TIER_COLOURS = {"below_5": "#D55E00", "from_5": "#E69F00", "from_10": "#9cc3e6",
                "from_50": "#4a90c8", "from_100": "#0b5cad"}
LINE_KEYS = ("operating_income", "contract_income", "investment_income", "subsidy_income",
             "other_income")
LINE_COLOURS = {"operating_income": "#0b5cad", "contract_income": "#4a90c8",
                "investment_income": "#9cc3e6", "subsidy_income": "#E69F00",
                "other_income": "#b8c1cc"}
INCOME_INDICATOR = "collective_income_mean"


def tier_name(tier_id: str, lang: Lang) -> str:
    return TIER_BY_ID[tier_id].name(lang)


def _layout(figure: go.Figure, height: int, margin: dict | None = None) -> go.Figure:
    figure.update_layout(height=height, margin=margin or {"l": 48, "r": 16, "t": 16, "b": 40},
                         font={"family": FONT_FAMILY, "size": 12}, plot_bgcolor="#ffffff",
                         paper_bgcolor="rgba(0,0,0,0)", dragmode=False,
                         hoverlabel={"font": {"family": FONT_FAMILY}})
    return figure


# --- controls ----------------------------------------------------------------------------------


def economy_controls(lang: Lang, period: Period, kinds: tuple[PeriodKind, ...],
                     periods: list[Period], notice: list[Component] | None = None) -> html.Div:
    """Period type and period, with the ids of the shared view controls, so the navigation
    callback writes them to the URL; the indicator is fixed (a hidden input) to collective
    income. `notice`: the default period and a bad period's error (controls.period_notice)."""
    return html.Div([
        dcc.Input(id=ids.INDICATOR, type="hidden", value=INCOME_INDICATOR),
        *period_controls(lang, period, kinds, periods),
        html.P(t("eco_economy_period_hint", lang), className="muted small economy-hint"),
        *(notice or []),
    ], className="controls")


def no_data(text: str) -> html.P:
    return html.P(text, className="panel muted economy-no-data")


def incomplete(text: str) -> html.P:
    """In place of a comparison with a period the reports do not cover in full."""
    return html.P(text, className="panel muted economy-no-data comparison-incomplete")


def panel(title: str, children: list, class_name: str = "", note: str = "") -> html.Section:
    return html.Section([html.H3(title), html.P(note, className="muted small") if note else None,
                         *children], className=f"panel {class_name}".strip())


# --- tiers -------------------------------------------------------------------------------------


def tier_figure(summary: pd.DataFrame, lang: Lang) -> go.Figure:
    """summary: tier, count, share (tier_summary). One bar per tier; click -> its villages."""
    names = [tier_name(tier, lang) for tier in summary["tier"]]
    unit = " villages" if lang == "en" else " 个"
    texts = [f"{count}{unit}<br>{share:.1f}%" if pd.notna(share) else "—"
             for count, share in zip(summary["count"], summary["share"], strict=True)]
    figure = go.Figure(go.Bar(
        x=names, y=summary["count"], customdata=summary["tier"], text=texts,
        textposition="outside", cliponaxis=False,
        marker_color=[TIER_COLOURS[tier] for tier in summary["tier"]],
        hovertemplate="%{x}: %{y}" + unit + "<br>" + t("eco_click_for_villages", lang)
                      + "<extra></extra>"))
    top = float(summary["count"].max() or 1)
    figure.update_yaxes(title=t("eco_village_count", lang), gridcolor="#e6e9ee",
                        range=[0, top * 1.25])
    figure.update_xaxes(type="category")
    return _layout(figure, 330)


def tier_numbers(summary: pd.DataFrame, standard: int, total: int, lang: Lang) -> html.Table:
    """The tier counts and shares as numbers, with the 10万+ total."""
    rows = [html.Tr([
        html.Td([html.Span(className="tier-swatch",
                           style={"background": TIER_COLOURS[row.tier]}),
                 tier_name(row.tier, lang)]),
        html.Td(f"{row.count:,}", className="num tier-count"),
        html.Td("—" if pd.isna(row.share) else f"{row.share:.1f}%", className="num"),
    ], **attributes({"data-tier": row.tier, "data-count": str(row.count)}))
        for row in summary.itertuples(index=False)]
    standard_share = share_of(standard, total)
    share_text = "—" if standard_share is None else f"{standard_share:.1f}%"
    rows.append(html.Tr([html.Td(t("eco_tier_standard_total", lang)),
                         html.Td(f"{standard:,}", className="num tier-count"),
                         html.Td(share_text, className="num")],
                        className="tier-total",
                        **attributes({"data-tier": "standard", "data-count": str(standard)})))
    head = html.Thead(html.Tr([html.Th(t("eco_tier", lang)), html.Th(t("eco_village_count", lang)),
                               html.Th(t("eco_share_of_villages", lang))]))
    return plain_table(head, rows, "tier-table", t("eco_tier_distribution", lang))


def distribution_figure(incomes: pd.DataFrame, lang: Lang) -> go.Figure:
    """Every village's operating revenue (log scale, 万元) as a strip coloured by tier over a
    box plot, with the tier lines."""
    values = incomes["operating_revenue"].astype(float) * WAN
    # Deterministic vertical jitter (golden-ratio sequence) so the same data draws the same.
    jitter = [((index * 0.6180339887) % 1 - 0.5) * 0.7 for index in range(len(values))]
    figure = go.Figure(go.Box(
        x=values, y=[0.0] * len(values), orientation="h", boxpoints=False, width=0.8,
        fillcolor="rgba(11,92,173,0.05)", line={"color": "#8a94a3", "width": 1},
        hoverinfo="skip", name="", showlegend=False))
    figure.add_scatter(
        x=values, y=jitter, mode="markers", showlegend=False,
        marker={"color": [TIER_COLOURS[tier] for tier in incomes["tier"]], "size": 7,
                "opacity": 0.9, "line": {"color": "#ffffff", "width": 0.5}},
        text=incomes["name"] + " · " + incomes["township"],
        hovertemplate="%{text}<br>%{x:,.2f} " + t("eco_wan_yuan", lang) + "<extra></extra>")
    known = values[values > 0]
    low = min(float(known.min()) if len(known) else 1.0, TIER_LINES[0] * WAN) * 0.8
    high = max(float(known.max()) if len(known) else 1.0, TIER_LINES[-1] * WAN) * 1.25
    for line in TIER_LINES:
        label = f"{line * WAN:g}" + ("万" if lang == "zh" else "×10k")
        figure.add_shape(type="line", x0=line * WAN, x1=line * WAN, y0=0, y1=1, yref="paper",
                         line={"color": "#5f6b7a", "dash": "dash", "width": 1})
        # Annotations on a log axis take log10 positions (shapes take data values).
        figure.add_annotation(x=math.log10(line * WAN), y=1, yref="paper", text=label,
                              showarrow=False, yanchor="bottom",
                              font={"size": 11, "color": "#5f6b7a"})
    ticks = [v for v in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if low <= v <= high]
    figure.update_xaxes(type="log", range=[math.log10(low), math.log10(high)],
                        title=f"{t('eco_operating_revenue', lang)}（"
                        f"{t('eco_wan_yuan', lang)}，{t('eco_log_scale', lang)}）",
                        gridcolor="#e6e9ee", tickvals=ticks, ticktext=[f"{v:g}" for v in ticks])
    figure.update_yaxes(showticklabels=False, range=[-0.6, 0.6], zeroline=False,
                        showgrid=False)
    return _layout(figure, 280, {"l": 16, "r": 16, "t": 28, "b": 48})


# --- composition -------------------------------------------------------------------------------


def composition_figure(composition: pd.DataFrame, names: pd.Series, lang: Lang) -> go.Figure:
    """composition: per township (code index) the five lines; stacked bars, largest total on top,
    the subsidy share written at each bar's end. Click -> the township's villages."""
    frame = composition.copy()
    frame["name"] = names.reindex(frame.index).fillna(pd.Series(frame.index, frame.index)).map(
        lambda name: place_name(name, lang))
    frame = frame.sort_values("total_income")
    figure = go.Figure()
    for key in LINE_KEYS:
        figure.add_bar(
            y=frame["name"], x=frame[key] * WAN, name=t("eco_" + key, lang), orientation="h",
            marker_color=LINE_COLOURS[key], customdata=list(frame.index),
            hovertemplate=("%{y} · " + t("eco_" + key, lang) + "：%{x:,.2f} "
                           + t("eco_wan_yuan", lang)
                           + "<br>" + t("eco_click_for_township_villages", lang)
                           + "<extra></extra>"))
    subsidy = share(frame["subsidy_income"], frame["total_income"])
    figure.add_scatter(
        y=frame["name"], x=frame["total_income"] * WAN, mode="text", showlegend=False,
        text=[f"  {t('eco_subsidy_short', lang)} {s:.0f}%" if pd.notna(s) else "" for s in subsidy],
        textposition="middle right", textfont={"size": 11, "color": "#8a5300"},
        hoverinfo="skip", cliponaxis=False)
    figure.update_layout(barmode="stack", legend={"orientation": "h", "y": 1.02,
                                                  "yanchor": "bottom", "x": 0,
                                                  "traceorder": "normal"})
    figure.update_xaxes(title=t("eco_wan_yuan", lang), gridcolor="#e6e9ee",
                        range=[0, float(frame["total_income"].max() or 1) * WAN * 1.22])
    figure.update_yaxes(type="category")
    return _layout(figure, 36 + 26 * len(frame) + 90,
                   {"l": 96, "r": 16, "t": 40, "b": 40})


def subsidy_note(county: pd.Series, ranked: str, lang: Lang) -> str:
    """The area's subsidy share, and what the bars of the `ranked` divisions show."""
    total = float(county["total_income"])
    subsidy = share_of(county["subsidy_income"], total)
    text = t(for_ranked("eco_subsidy_note", ranked), lang)
    return text.format(subsidy=county["subsidy_income"] * WAN, total=total * WAN,
                       share="—" if subsidy is None else f"{subsidy:.1f}")


# --- trend -------------------------------------------------------------------------------------


def trend_chart(county: pd.DataFrame, lang: Lang) -> go.Figure:
    """county: year, operating_revenue, subsidy_income, growth (%) -> growth line over bars."""
    years = county["year"].astype(str)
    wan = t("eco_wan_yuan", lang)
    figure = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.3, 0.7],
                           vertical_spacing=0.06)
    figure.add_scatter(x=years, y=county["growth"], name=t("eco_yoy_growth", lang) + "（%）",
                       mode="lines+markers+text", line={"color": "#D55E00"},
                       text=[f"{g:+.1f}%" if pd.notna(g) else "" for g in county["growth"]],
                       textposition="top center", textfont={"size": 11}, cliponaxis=False,
                       hovertemplate="%{x}: %{y:+.1f}%<extra></extra>", row=1, col=1)
    figure.add_bar(x=years, y=county["operating_revenue"] * WAN,
                   name=t("eco_operating_revenue", lang), marker_color="#0b5cad",
                   hovertemplate="%{x}: %{y:,.2f} " + wan + "<extra></extra>", row=2, col=1)
    figure.add_bar(x=years, y=county["subsidy_income"] * WAN,
                   name=t("eco_subsidy_income", lang), marker_color="#E69F00",
                   hovertemplate="%{x}: %{y:,.2f} " + wan + "<extra></extra>", row=2, col=1)
    growth = county["growth"].dropna()
    top = float(growth.abs().max()) if len(growth) else 1.0
    figure.update_yaxes(title="%", range=[min(0.0, float(growth.min()) * 1.4
                                              if len(growth) else 0.0), top * 1.6],
                        gridcolor="#e6e9ee", zerolinecolor="#8a94a3", row=1, col=1)
    figure.update_yaxes(title=wan, gridcolor="#e6e9ee", rangemode="tozero", row=2, col=1)
    figure.update_xaxes(type="category")
    figure.update_layout(barmode="group", legend={"orientation": "h", "y": 1.04,
                                                  "yanchor": "bottom", "x": 0})
    return _layout(figure, 440, {"l": 56, "r": 16, "t": 40, "b": 36})


# --- tables ------------------------------------------------------------------------------------


def money(field: str, header: str, lang: Lang, tooltip: str = "") -> ColumnSpec:
    return ColumnSpec(field, f"{header}（{t('eco_wan_yuan', lang)}）", "number", digits=2,
                      scale=WAN, tooltip=tooltip)


def village_columns(lang: Lang, extra: list[ColumnSpec] | None = None) -> list[ColumnSpec]:
    """Village, township, tier, 经营性收入 and its lines (the rows behind every drill)."""
    return [ColumnSpec("name", t("eco_village", lang), pinned=True, place=True),
            ColumnSpec("township", t("eco_township", lang), place=True),
            ColumnSpec("tier_name", t("eco_tier", lang)),
            money("operating_revenue", t("eco_operating_revenue", lang), lang,
                  t("eco_operating_revenue_definition", lang)),
            *(money(key, t("eco_" + key, lang), lang) for key in LINE_KEYS),
            *(extra or [])]


def with_tier_names(frame: pd.DataFrame, lang: Lang, column: str = "tier",
                    target: str = "tier_name") -> pd.DataFrame:
    out = frame.copy()
    out[target] = out[column].map(lambda tier: tier_name(tier, lang) if tier else "—")
    return out


def villages_section(table_id: str, title: str, rows: pd.DataFrame, lang: Lang,
                     export_name: str, extra: list[ColumnSpec] | None = None,
                     height: int = 420, note: str = "") -> html.Section:
    return table_section(table_id, title, rows, village_columns(lang, extra), lang, export_name,
                         row_id="code", height=height, note=note)


def ranking_section(table_id: str, incomes: pd.DataFrame, lang: Lang,
                    export_name: str, note: str) -> html.Section:
    """Every village ranked on operating revenue, with its growth on the year before."""
    rows = incomes.copy()
    rows.insert(0, "rank", range(1, len(rows) + 1))
    columns = [ColumnSpec("rank", t("eco_rank_header", lang), "number"),
               *village_columns(lang),
               ColumnSpec("growth", f"{t('eco_yoy_growth', lang)}（%）", "number", digits=1)]
    return table_section(table_id, t("eco_village_ranking_all", lang), rows, columns, lang,
                         export_name, row_id="code", height=460, note=note)


def tier_change_section(table_id: str, changes: pd.DataFrame, lang: Lang,
                        export_name: str, note: str) -> html.Section:
    """changes: code, name, township, from_tier, to_tier, previous, current."""
    rows = with_tier_names(with_tier_names(changes, lang, "from_tier", "from_name"), lang,
                           "to_tier", "to_name")
    columns = [ColumnSpec("name", t("eco_village", lang), pinned=True, place=True),
               ColumnSpec("township", t("eco_township", lang), place=True),
               ColumnSpec("from_name", t("eco_from_tier", lang)),
               ColumnSpec("to_name", t("eco_to_tier", lang)),
               money("previous", t("eco_previous_revenue", lang), lang),
               money("current", t("eco_operating_revenue", lang), lang)]
    return table_section(table_id, t("eco_fell_a_tier", lang), rows, columns, lang, export_name,
                         row_id="code", height=300, note=note)


def weak_section(table_id: str, weak: pd.DataFrame, lang: Lang, export_name: str,
                 note: str) -> html.Section:
    """weak: villages below 5万 with previous (the same period a year before)."""
    columns = [ColumnSpec("name", t("eco_village", lang), pinned=True, place=True),
               ColumnSpec("township", t("eco_township", lang), place=True),
               money("operating_revenue", t("eco_operating_revenue", lang), lang),
               money("previous", t("eco_previous_revenue", lang), lang),
               money("subsidy_income", t("eco_subsidy_income", lang), lang)]
    return table_section(table_id, t("eco_weak_alert", lang), weak, columns, lang, export_name,
                         row_id="code", height=300, note=note)


def trend_table_section(table_id: str, wide: pd.DataFrame, years: list[int], growth_year: int,
                        ranked: str, lang: Lang, export_name: str) -> html.Section:
    """wide: code, name, y<year> operating revenue per year, growth (%) of growth_year; a row
    per division of the `ranked` level and the area's."""
    columns = [ColumnSpec("name", t(for_ranked("eco_township", ranked), lang), pinned=True,
                          place=True),
               ColumnSpec("growth", f"{growth_year} {t('eco_yoy_growth', lang)}（%）", "number",
                          digits=1),
               *(ColumnSpec(f"y{year}", f"{year}", "number", digits=2, scale=WAN)
                 for year in reversed(years))]
    return table_section(table_id, t(for_ranked("eco_trend_table", ranked), lang), wide,
                         columns, lang, export_name, row_id="code", height=430,
                         note=t("eco_trend_table_note", lang))


def cooperative_section(table_id: str, frame: pd.DataFrame, ranked: str, lang: Lang,
                        export_name: str, note: str) -> html.Section:
    """A row per division of the `ranked` level."""
    columns = [ColumnSpec("name", t(for_ranked("eco_township", ranked), lang), pinned=True,
                          place=True),
               ColumnSpec("count", t("eco_coop_count", lang), "number"),
               ColumnSpec("members", t("eco_coop_members", lang), "number"),
               ColumnSpec("land_mu", t("eco_coop_land", lang), "number"),
               ColumnSpec("guaranteed_per_mu", t("eco_coop_guaranteed", lang), "number"),
               money("dividends", t("eco_coop_dividends", lang), lang),
               money("collective_income", t("eco_coop_collective", lang), lang),
               ColumnSpec("collective_share", t("eco_coop_collective_share", lang), "number",
                          digits=1, tooltip=t("eco_coop_collective_share_definition", lang))]
    return table_section(table_id, t("eco_cooperatives", lang), frame, columns, lang, export_name,
                         row_id="code", height=380, note=note)


def land_section(table_id: str, frame: pd.DataFrame, ranked: str, lang: Lang,
                 export_name: str, note: str) -> html.Section:
    """A row per division of the `ranked` level."""
    columns = [ColumnSpec("name", t(for_ranked("eco_township", ranked), lang), pinned=True,
                          place=True),
               ColumnSpec("new_mu", t("eco_land_new", lang), "number"),
               ColumnSpec("total_mu", t("eco_land_total", lang), "number"),
               ColumnSpec("rent_per_mu", t("eco_land_rent", lang), "number",
                          tooltip=t("eco_land_rent_definition", lang))]
    return table_section(table_id, t("eco_land_transfer", lang), frame, columns, lang, export_name,
                         row_id="code", height=380, note=note)


def detail_hint(lang: Lang, ranked: str) -> html.P:
    return html.P(t(for_ranked("eco_detail_hint", ranked), lang),
                  className="panel muted economy-detail-hint")


def callback_components() -> list[Component]:
    """The components of this domain's pages that its callbacks use (layouts/validation.py)."""
    return [dcc.Graph(id=ids.ECONOMY_TIER_CHART), dcc.Graph(id=ids.ECONOMY_COMPOSITION_CHART),
            html.Div(id=ids.ECONOMY_DETAIL)]
