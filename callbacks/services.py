"""/services: service halls for a week, month, quarter or year, with drill to the cases."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from dash import Dash, Input, Output, State, ctx, html, no_update

from callbacks.context import AppContext
from callbacks.trails import home_step
from callbacks.url_state import clicked_key, parse_query
from callbacks.views import (
    controls_of,
    home_kpi_views,
    resolve_view,
    short_names,
    with_county,
)
from data_access.aggregates import services_by_hall_level
from data_access.indicator_values import indicator_by_division
from data_access.services import (
    ROW_LIMIT,
    bad_reviews,
    case_rows,
    overdue_cases,
    top_items,
)
from data_access.trends import indicator_trend
from layouts import ids
from layouts.charts import chart_panel
from layouts.figures import FigureSpec, ranked_bars_spec, trend_figure
from layouts.formatting import unit_label
from layouts.grid import ColumnSpec, indicator_column, table_section
from layouts.i18n import Lang, by_ranked, for_ranked, parse_lang, t
from layouts.kpi import kpi_sections
from layouts.services import (
    case_columns,
    hall_name,
    level_table,
    no_data,
    services_body,
)
from metrics.indicators import INDICATORS, indicators_of
from metrics.periods import Period, recent_periods
from metrics.ranking import ranked_table
from metrics.services import days_overdue, follow_up_state

DEFAULT = "service_on_time_rate"
TOP_ITEMS_RATE = "service_on_time_rate"  # the indicator shown per item in the top-items table
TREND_WEEKS = 12


def _hall_frame(context: AppContext, period: Period, lang: Lang) -> pd.DataFrame:
    counts = services_by_hall_level(context.engine, period)
    frame = pd.DataFrame({i.id: i.compute(counts) for i in indicators_of("services")})
    ranked = context.home().ranked_level
    frame.insert(0, "hall", [hall_name(level, lang, ranked) for level in frame.index])
    return frame.assign(level=frame.index).reset_index(drop=True)


def _level_bars(frame: pd.DataFrame, lang: Lang) -> FigureSpec:
    table = pd.DataFrame({"code": frame["level"], "name": frame["hall"],
                          "value": frame["service_cases"], "rank": range(1, len(frame) + 1)})
    return ranked_bars_spec(table, INDICATORS["service_cases"], lang, height=200)


def _trend(context: AppContext, period: Period, lang: Lang) -> FigureSpec:
    # The weeks up to the period's end, or up to today in a period still running: a year's
    # page showed the weeks to come as empty bars.
    weeks = recent_periods("week", min(period.last_day, context.today()))[:TREND_WEEKS]
    area = context.home()
    frame = indicator_trend(context.engine, ["service_cases"], area.level, area.code, weeks)
    cases = INDICATORS["service_cases"]
    name = cases.name_en if lang == "en" else cases.name_zh
    # The axis names the indicator's own unit (件), as its KPI card does.
    return trend_figure(frame, "period", [("service_cases", name)], unit_label(cases.unit, lang),
                        "bar")


def top_items_frame(items: pd.DataFrame) -> pd.DataFrame:
    """The top items (data_access.services.top_items) with `service_on_time_rate` computed by
    the indicator's own function over each item's counts: on time ÷ finished in the period,
    no value where nothing finished."""
    rate = INDICATORS[TOP_ITEMS_RATE]
    return items.assign(**{rate.id: rate.compute(items)})


def _case_lists(context: AppContext, period: Period, lang: Lang) -> list:
    until = min(period.last_day, context.today())
    overdue = with_county(context, overdue_cases(context.engine, period), "division_code")
    overdue = overdue.assign(days_overdue=days_overdue(overdue["due_date"], overdue["finished_at"],
                                                       until))
    reviews = with_county(context, bad_reviews(context.engine, period), "division_code")
    reviews = reviews.assign(follow_up=follow_up_state(reviews["bad_review_due"],
                                                       reviews["bad_review_fixed_at"],
                                                       context.today()))
    items = top_items_frame(top_items(context.engine, period))
    return [
        table_section("top-items", t("top_items", lang), items, [
            ColumnSpec("name", t("item", lang), pinned=True),
            ColumnSpec("department", t("department", lang)),
            replace(indicator_column("service_cases", lang), field="cases"),
            indicator_column(TOP_ITEMS_RATE, lang)], lang, f"top_items_{period.label}",
            height=300),
        table_section("overdue", t("overdue_list", lang), overdue, case_columns(
            lang, [ColumnSpec("days_overdue", t("days_overdue", lang), "number")]), lang,
            f"overdue_{period.label}", row_id="serial_no", height=320),
        table_section("bad-reviews", t("bad_review_list", lang), reviews, case_columns(lang, [
            ColumnSpec("rating", t("rating", lang), "number"),
            ColumnSpec("bad_review_due", t("follow_up_due", lang)),
            ColumnSpec("bad_review_fixed_at", t("fixed_on", lang)),
            ColumnSpec("follow_up", t("follow_up", lang), term=True)]), lang,
            f"bad_reviews_{period.label}", row_id="serial_no", height=300),
    ]


def services_page(context: AppContext, lang: Lang, query: dict[str, str]) -> tuple[str, list, list]:
    view = resolve_view(context, query, DEFAULT, "services")
    choices = indicators_of("services")
    controls = controls_of(view, lang, choices)
    trail = [home_step(context, lang, query), (t("services", lang), None)]
    kpis = home_kpi_views(context, view.period, [i.id for i in choices])
    if not kpis[0].item.value:
        return t("services", lang), trail, [controls, no_data(lang)]
    ranked = context.home().ranked_level
    values = indicator_by_division(context.engine, view.indicator.id, view.period, ranked)
    table = ranked_table(values, short_names(context), view.indicator.id)
    halls = _hall_frame(context, view.period, lang)
    name = view.indicator.name_en if lang == "en" else view.indicator.name_zh
    charts = [
        chart_panel(f"{name} · {t(by_ranked(ranked), lang)} · {view.period.label}",
                    ranked_bars_spec(table, view.indicator, lang), ids.SERVICES_TOWNSHIP_CHART,
                    t("click_hint", lang), lang),
        html.Div([chart_panel(t("by_level", lang), _level_bars(halls, lang),
                              ids.SERVICES_LEVEL_CHART, t("click_hint", lang), lang),
                  chart_panel(t("weekly_trend", lang), _trend(context, view.period, lang),
                              ids.SERVICES_TREND, "", lang)], className="chart-stack"),
    ]
    tables = [level_table(halls, choices, lang), *_case_lists(context, view.period, lang)]
    hint = t(for_ranked("drill_hint", ranked), lang)
    return t("services", lang), trail, services_body(
        controls, kpi_sections(kpis, lang), charts, tables, hint)


def case_detail(context: AppContext, lang: Lang, period: Period, township: str | None,
                level: str | None) -> html.Section:
    rows, total = case_rows(context.engine, period, township, level)
    rows = with_county(context, rows, "division_code")
    where = (short_names(context).get(township, township) if township
             else hall_name(level or "city", lang, context.home().ranked_level))
    note = (t("shown_of", lang).format(shown=f"{len(rows):,}", total=f"{total:,}")
            if total > ROW_LIMIT else "")
    return table_section("cases", f"{t('case_detail', lang)} · {where} · {period.label}", rows,
                         case_columns(lang), lang, f"cases_{where}_{period.label}",
                         row_id="serial_no", note=note)


# This domain's pages (callbacks/domains.py): URL pattern and page function.
PAGES = ((r"^/services$", services_page),)
DATA_ONLY = (services_page,)


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.SERVICES_DRILL, "children"),
                  Input(ids.SERVICES_TOWNSHIP_CHART, "clickData"),
                  Input(ids.SERVICES_LEVEL_CHART, "clickData"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def drill(township_click: dict | None, level_click: dict | None, search: str | None) -> object:
        click = township_click if ctx.triggered_id == ids.SERVICES_TOWNSHIP_CHART else level_click
        code = clicked_key(click)
        if code is None:
            return no_update
        query = parse_query(search)
        view = resolve_view(context, query, DEFAULT, "services")
        is_township = ctx.triggered_id == ids.SERVICES_TOWNSHIP_CHART
        return case_detail(context, parse_lang(query.get("lang")), view.period,
                           code if is_township else None, None if is_township else code)
