"""/volunteers: teams against the minimums, and activities, coverage and inactivity for a week,
month, quarter or year, with the drill from a township bar to its activities. URL state ->
data_access.volunteers and metrics.volunteers -> layouts.volunteers; plain functions that the
router and the one callback below call."""

from __future__ import annotations

import pandas as pd
from dash import Dash, Input, NoUpdate, Output, State, html, no_update

from callbacks.context import AppContext
from callbacks.trails import home_step
from callbacks.url_state import clicked_key, parse_query
from callbacks.views import (
    View,
    controls_of,
    home_kpi_views,
    ranked_map_panel,
    resolve_view,
    short_names,
    with_county,
)
from data_access import access
from data_access.aggregates import aggregate
from data_access.divisions import division_table
from data_access.indicator_values import indicator_by_division
from data_access.teams import unit_teams
from data_access.volunteers import (
    ROW_LIMIT,
    activity_by_month,
    activity_rows,
    last_activities,
    station_coverage,
    teams_by_category,
)
from layouts import ids
from layouts import volunteers as ui
from layouts.charts import plain_chart
from layouts.figures import ranked_bars
from layouts.i18n import Lang, by_ranked, for_ranked, parse_lang, t
from layouts.kpi import kpi_sections
from metrics.indicators import INDICATORS, indicators_of, share
from metrics.periods import Period
from metrics.ranking import ranked_table
from metrics.volunteers import (
    days_without_activity,
    inactivity_as_of,
    is_inactive,
    minimum_summary,
    month_span,
    months_of,
    team_gaps,
    trailing_months,
)

DEFAULT = "volunteer_activities"
COMPLIANCE = "volunteer_team_compliance_rate"
TABLE_INDICATORS = ["volunteer_hours_per_1000", "volunteer_monthly_coverage", COMPLIANCE,
                    "volunteer_team_shortfalls"]


def volunteer_view(context: AppContext, query: dict[str, str]) -> View:
    return resolve_view(context, query, DEFAULT, "volunteers")


def _export_name(period: Period | None, key: str, lang: Lang) -> str:
    middle = f"_{period.label}" if period else ""
    return f"{t('volunteers', lang)}{middle}_{t(key, lang)}"


# --- rows behind the page (plain functions, tested without a browser) --------------------------


def shortfall_rows(context: AppContext) -> pd.DataFrame:
    """Units below their team minimum with the gap: code, name, level, township, teams,
    minimum, gap."""
    return with_county(context, access.scope_frame(team_gaps(unit_teams(context.engine))), "code")


def inactive_rows(context: AppContext, period: Period) -> tuple[pd.DataFrame, str]:
    """Stations without activity for 30 days or more as of the period's end (today while it
    runs), never-active first, then the longest silence; and that day as YYYY-MM-DD."""
    as_of = inactivity_as_of(period, context.today())
    stations = last_activities(context.engine, as_of)
    days = days_without_activity(stations["last_at"], as_of)
    rows = stations.assign(days=days, last_day=stations["last_at"].dt.strftime("%Y-%m-%d"))
    rows = access.scope_frame(rows[is_inactive(days)]).sort_values(
        ["days", "code"], ascending=[False, True], na_position="first")
    return with_county(context, rows.reset_index(drop=True), "code"), as_of.isoformat()


def ranked_rows(context: AppContext, period: Period) -> pd.DataFrame:
    """One row per division the page ranks (a county's townships, a prefecture's counties): the
    sums of the period, population and the volunteer indicators."""
    counts = aggregate(context.engine, "volunteers", period, context.home().ranked_level)
    frame = counts[["activities", "volunteers", "hours", "beneficiaries", "population"]].copy()
    for indicator_id in TABLE_INDICATORS:
        frame[indicator_id] = INDICATORS[indicator_id].compute(counts)
    frame.insert(0, "name", short_names(context).reindex(frame.index))
    return frame.rename_axis("code").reset_index()


def coverage_rows(context: AppContext, period: Period,
                  months_with_records: set[str]) -> pd.DataFrame:
    """Per ranked division and month of the period with records: code, month, stations,
    active, coverage (%)."""
    months = tuple(m for m in months_of(period, context.today())
                   if m.label in months_with_records)
    frame = station_coverage(context.engine, months, context.home().ranked_level)
    return frame.assign(coverage=share(frame["active"], frame["stations"]))


def month_rows(context: AppContext, months: pd.DataFrame, lang: Lang) -> pd.DataFrame:
    """Per ranked division and month: place, month and the sums. A county's townships have a
    row for its detachments' activities without a township; a prefecture's counties count
    them."""
    names = short_names(context)
    if context.home().ranked_level == "township":
        rows = months
        codes = months["township_code"]
    else:
        rows = months.groupby(["county_code", "month"], as_index=False, dropna=False)[
            ["activities", "volunteers", "hours", "beneficiaries"]].sum()
        codes = rows["county_code"]
    return rows.assign(place=[names.get(code, code) if isinstance(code, str)
                              else t("vol_unplaced", lang) for code in codes])


# --- page parts --------------------------------------------------------------------------------


def _teams(context: AppContext, period: Period, query: dict[str, str], lang: Lang) -> list:
    units = unit_teams(context.engine)
    gaps = shortfall_rows(context)
    ranked = context.home().ranked_level
    summary = ui.panel(t("vol_teams", lang), [
        ui.minimum_table(minimum_summary(units), ranked, lang),
        plain_chart(ids.VOLUNTEERS_CATEGORY_CHART,
                    ui.category_figure(teams_by_category(context.engine), ranked, lang), lang),
    ], "vol-teams", t(for_ranked("vol_teams_note", ranked), lang))
    short = (ui.shortfall_section(ids.VOLUNTEERS_SHORTFALL_TABLE, gaps, ranked, lang,
                                  _export_name(None, "vol_shortfalls", lang))
             if len(gaps) else ui.no_data(t("vol_no_shortfalls", lang)))
    categories = ui.category_section(ids.VOLUNTEERS_CATEGORY_TABLE,
                                     teams_by_category(context.engine), ranked, lang,
                                     _export_name(None, "vol_categories", lang))
    return [ranked_map_panel(context, INDICATORS[COMPLIANCE], period,
                               {**query, "indicator": COMPLIANCE, "period": period.label}, lang,
                               t(for_ranked("vol_compliance_map", ranked), lang), height=440),
            html.Div([summary, html.Div([short, categories], className="vol-stack")],
                     className="vol-row")]


def _activity_charts(context: AppContext, view: View, months: pd.DataFrame,
                     lang: Lang) -> html.Div:
    ranked = context.home().ranked_level
    values = indicator_by_division(context.engine, view.indicator.id, view.period, ranked)
    table = ranked_table(values, short_names(context), view.indicator.id)
    name = view.indicator.name_en if lang == "en" else view.indicator.name_zh
    unplaced = int(months.loc[months["township_code"].isna(), "activities"].sum())
    context_months = trailing_months(view.period)
    trend = activity_by_month(context.engine, month_span(context_months))
    selected = set(months["month"])
    county = (trend.groupby("month")[["activities", "hours"]].sum()
              .reindex([m.label for m in context_months], fill_value=0)
              .rename_axis("month").reset_index())
    return html.Div([
        ui.panel(f"{name} · {t(by_ranked(ranked), lang)} · {view.period.label}",
                 [plain_chart(ids.VOLUNTEERS_TOWNSHIP_CHART,
                           ranked_bars(table, view.indicator, lang, height=440), lang)],
                 "vol-township",
                 t(for_ranked("vol_click_hint", ranked), lang).format(unplaced=unplaced)),
        ui.panel(t("vol_monthly", lang), [plain_chart(
            ids.VOLUNTEERS_MONTHLY_CHART, ui.monthly_figure(county, selected, lang), lang)],
                 "vol-monthly", t("vol_monthly_note", lang)),
    ], className="vol-row vol-charts")


def _coverage_and_inactive(context: AppContext, period: Period, months: pd.DataFrame,
                           lang: Lang) -> html.Div:
    rows = coverage_rows(context, period, set(months["month"]))
    labels = sorted(rows["month"].unique())
    span = t("vol_coverage_months", lang).format(first=labels[0], last=labels[-1])
    ranked = context.home().ranked_level
    heatmap = ui.panel(t(for_ranked("vol_coverage", ranked), lang), [plain_chart(
        ids.VOLUNTEERS_COVERAGE_CHART, ui.coverage_figure(rows, short_names(context), lang), lang)],
        "vol-coverage", t("vol_coverage_note", lang).format(months=span))
    inactive, as_of = inactive_rows(context, period)
    listing = (ui.inactive_section(ids.VOLUNTEERS_INACTIVE_TABLE, inactive, lang,
                                   _export_name(period, "vol_inactive", lang),
                                   t("vol_inactive_note", lang).format(as_of=as_of))
               if len(inactive) else ui.no_data(t("vol_no_inactive", lang).format(as_of=as_of)))
    return html.Div([heatmap, listing], className="vol-row")


def _activities(context: AppContext, view: View, lang: Lang) -> list:
    period = view.period
    months = activity_by_month(context.engine, period)
    if months.empty:
        return [ui.no_data(t("vol_no_activities", lang).format(period=period.label))]
    ranked = context.home().ranked_level
    table = for_ranked("vol_township_table", ranked)
    by_month = for_ranked("vol_month_table", ranked)
    return [
        _activity_charts(context, view, months, lang),
        html.Div(ui.drill_hint(lang, ranked), id=ids.VOLUNTEERS_DRILL),
        _coverage_and_inactive(context, period, months, lang),
        ui.ranked_section(ids.VOLUNTEERS_TOWNSHIP_TABLE, ranked_rows(context, period), ranked,
                          TABLE_INDICATORS, lang, _export_name(period, table, lang),
                          t(for_ranked("vol_township_note", ranked), lang)),
        ui.month_section(ids.VOLUNTEERS_MONTH_TABLE, month_rows(context, months, lang), ranked,
                         lang, _export_name(period, by_month, lang)),
    ]


def volunteers_page(context: AppContext, lang: Lang,
                    query: dict[str, str]) -> tuple[str, list, list]:
    view = volunteer_view(context, query)
    choices = indicators_of("volunteers")
    generated = bool(division_table(context.engine)["population_generated"].any())
    kpis = home_kpi_views(context, view.period, [i.id for i in choices])
    body = [controls_of(view, lang, choices),
            ui.notes(lang, generated), html.Div(kpi_sections(kpis, lang), className="kpi-grid"),
            *_teams(context, view.period, query, lang), *_activities(context, view, lang)]
    trail = [home_step(context, lang, query), (t("volunteers", lang), None)]
    return t("volunteers", lang), trail, body


def activity_detail(context: AppContext, click: dict | None,
                    search: str | None) -> html.Section | html.P:
    """The activities behind a clicked township bar, for the period in the URL."""
    code = clicked_key(click)
    query = parse_query(search)
    lang = parse_lang(query.get("lang"))
    if not code:
        return ui.drill_hint(lang, context.home().ranked_level)
    period = volunteer_view(context, query).period
    rows, total = activity_rows(context.engine, period, code)
    name = short_names(context).get(code, code)
    note = (t("shown_of", lang).format(shown=f"{len(rows):,}", total=f"{total:,}")
            if total > ROW_LIMIT else "")
    return ui.activity_section(ids.VOLUNTEERS_ACTIVITY_TABLE,
                               f"{t('vol_activity_detail', lang)} · {name} · {period.label}",
                               rows, lang, f"{t('volunteers', lang)}_{name}_{period.label}", note)


# This domain's pages (callbacks/domains.py): URL pattern and page function.
PAGES = ((r"^/volunteers$", volunteers_page),)
DATA_ONLY = (volunteers_page,)


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.VOLUNTEERS_DRILL, "children"),
                  Input(ids.VOLUNTEERS_TOWNSHIP_CHART, "clickData"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def drill(click: dict | None, search: str | None) -> html.Section | html.P | NoUpdate:
        return activity_detail(context, click, search) if click else no_update
