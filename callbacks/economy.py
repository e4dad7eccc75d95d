"""The collective-economy page (/economy): URL state -> data_access.economy and metrics.economy
-> layouts.economy, plus the drill from a tier bar or a township's composition bar to the rows
behind it. Plain functions; the router and the one callback below call them."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from dash import Dash, Input, NoUpdate, Output, State, ctx, html, no_update

from callbacks.context import AppContext
from callbacks.trails import home_step
from callbacks.url_state import clicked_key, parse_query
from callbacks.views import (
    home_kpi_views,
    ranked_map_panel,
    resolve_view,
    short_names,
    with_county,
)
from data_access import access
from data_access.coverage import coverage
from data_access.divisions import code_range
from data_access.economy import (
    cooperative_summary,
    income_composition,
    income_trend,
    land_transfer_summary,
    tier_counts,
    village_incomes,
)
from layouts import economy as ui
from layouts import ids
from layouts.charts import plain_chart
from layouts.controls import period_notice
from layouts.i18n import Lang, for_ranked, parse_lang, t
from layouts.kpi import kpi_sections, span_text
from metrics.domains import DOMAIN_BY_ID
from metrics.economy import (
    economy_periods,
    fell_a_tier,
    standard_count,
    tier_summary,
    tiers_of,
    yoy_between,
    yoy_series,
)
from metrics.indicators import INDICATORS, indicators_of, share_of
from metrics.periods import DefaultPeriod, Period, PeriodError, PeriodKind

SHARE_INDICATOR = "villages_over_100k_share"
KINDS: tuple[PeriodKind, ...] = DOMAIN_BY_ID["income"].period_kinds


@dataclass(frozen=True)
class EconomyView:
    period: Period
    periods: list[Period]
    default: DefaultPeriod | None = None  # what the page opens on without a period
    problem: PeriodError | None = None  # why the URL's period was not taken


def economy_view(context: AppContext, query: dict[str, str]) -> EconomyView:
    """The period the URL asks for (a year or quarter; else the default period, the latest
    complete one the income reports cover) and the periods offered for its kind."""
    view = resolve_view(context, {**query, "indicator": ui.INCOME_INDICATOR},
                        ui.INCOME_INDICATOR, "income")
    period = view.period
    periods = economy_periods(period.kind, context.today())
    return EconomyView(period, periods if period in periods else [period, *periods],
                       view.default, view.problem)


def previous_covered(context: AppContext, period: Period) -> bool:
    """Whether the reports cover the same period a year before (the tiers' comparison)."""
    return coverage(context.engine)["income"].covers(period.year_before())


def village_rows(context: AppContext, period: Period) -> pd.DataFrame:
    """Every 村委会 reporting for the period with its tier, last year's revenue and growth
    (none where the reports do not cover the same period a year before)."""
    rows = village_incomes(context.engine, period.year, period.quarter)
    before = period.year_before()
    previous = village_incomes(context.engine, before.year, before.quarter)
    if not previous_covered(context, period):
        previous = previous.iloc[0:0]
    previous_revenue = previous.set_index("code")["operating_revenue"]
    rows["tier"] = tiers_of(rows["operating_revenue"])
    rows["previous"] = rows["code"].map(previous_revenue)
    revenue = rows.set_index("code")["operating_revenue"]
    rows["growth"] = rows["code"].map(yoy_between(revenue, previous_revenue))
    return with_county(context, rows, "code")


def detail_rows(context: AppContext, period: Period, tier: str | None,
                township: str | None) -> pd.DataFrame:
    """The villages behind a tier bar or a township's (or county's) composition bar."""
    rows = access.scope_frame(village_rows(context, period))
    if tier:
        return rows[rows["tier"] == tier]
    return rows[rows["township_code"].between(*code_range(township))] if township else rows[:0]


def _kpis(context: AppContext, period: Period, lang: Lang) -> list:
    wanted = [indicator.id for indicator in indicators_of("income")]
    return kpi_sections(home_kpi_views(context, period, wanted), lang)


def _export_name(period: Period, key: str, lang: Lang) -> str:
    return f"{t('economy', lang)}_{period.label}_{t(key, lang)}"


def _tier_row(incomes: pd.DataFrame, period: Period, context: AppContext,
              lang: Lang) -> html.Div:
    summary = tier_summary(tier_counts(context.engine, period.year, period.quarter))
    composition = income_composition(context.engine, period.year, period.quarter)
    townships = composition.drop(index=context.home().code)
    tiers = ui.panel(t("eco_tier_distribution", lang), [
        plain_chart(ids.ECONOMY_TIER_CHART, ui.tier_figure(summary, lang), lang),
        ui.tier_numbers(summary, standard_count(summary), len(incomes), lang),
    ], "economy-tiers", t("eco_tier_note", lang))
    mix = ui.panel(t(for_ranked("eco_composition", context.home().ranked_level), lang), [
        plain_chart(ids.ECONOMY_COMPOSITION_CHART,
                 ui.composition_figure(townships, short_names(context), lang), lang),
    ], "economy-composition", ui.subsidy_note(composition.loc[context.home().code],
                                               context.home().ranked_level, lang))
    return html.Div([tiers, mix], className="economy-row")


def _alerts(context: AppContext, incomes: pd.DataFrame, period: Period,
            lang: Lang) -> html.Div:
    before = period.year_before().label
    has_previous = bool(incomes["previous"].notna().any())
    weak = incomes[incomes["tier"] == "below_5"]
    weak_part = (ui.weak_section(ids.ECONOMY_WEAK_TABLE, weak, lang,
                                 _export_name(period, "eco_weak_alert", lang),
                                 t("eco_weak_note", lang).format(before=before))
                 if len(weak) else ui.no_data(t("eco_no_weak", lang)))
    fell_part: html.Section | html.P
    if not previous_covered(context, period):
        span = coverage(context.engine)["income"].within(period.year_before())
        fell_part = ui.incomplete(t("eco_previous_incomplete", lang).format(
            before=before, coverage=span_text(span, lang)))
    elif not has_previous:
        fell_part = ui.no_data(t("eco_no_comparison", lang).format(before=before))
    else:
        current = incomes.set_index("code")
        fell = fell_a_tier(current["operating_revenue"], current["previous"])
        fell = with_county(context, fell.join(current[["name", "township"]], on="code"),
                           "code")
        fell_part = (ui.tier_change_section(ids.ECONOMY_FELL_TABLE, fell, lang,
                                            _export_name(period, "eco_fell_a_tier", lang),
                                            t("eco_fell_note", lang).format(before=before))
                     if len(fell) else ui.no_data(t("eco_none_fell", lang).format(before=before)))
    return html.Div([weak_part, fell_part], className="economy-row economy-alerts")


def _trend(context: AppContext, period: Period, lang: Lang) -> list:
    trend = income_trend(context.engine)
    trend = trend[trend["year"] <= period.year]
    if trend.empty:
        return [ui.no_data(t("eco_no_trend", lang))]
    area = context.home()
    county = trend[trend["code"] == area.code].sort_values("year").reset_index(drop=True)
    county["growth"] = yoy_series(county["operating_revenue"])
    years = sorted(trend["year"].unique().tolist())
    wide = trend.pivot(index="code", columns="year", values="operating_revenue")
    wide.columns = [f"y{year}" for year in wide.columns]
    last = years[-1]
    wide["growth"] = yoy_between(wide[f"y{last}"], wide[f"y{last - 1}"]) \
        if f"y{last - 1}" in wide else float("nan")
    names = short_names(context).to_dict()
    names[area.code] = t("eco_county_total", lang).format(place=area.named(lang))
    wide.insert(0, "name", [names.get(code, code) for code in wide.index])
    wide = wide.loc[[area.code, *sorted(c for c in wide.index if c != area.code)]]
    chart = ui.panel(t("eco_county_trend", lang), [plain_chart(ids.ECONOMY_TREND_CHART,
                                                        ui.trend_chart(county, lang), lang)],
                     "economy-trend", t("eco_trend_chart_note", lang))
    ranked = area.ranked_level
    table = ui.trend_table_section(
        ids.ECONOMY_TREND_TABLE, wide.reset_index(), years, last, ranked, lang,
        _export_name(period, for_ranked("eco_trend_table", ranked), lang))
    return [html.Div([chart, table], className="economy-row economy-trend-row")]


def _township_table(summary: pd.DataFrame, context: AppContext) -> pd.DataFrame:
    frame = summary.drop(index=context.home().code).copy()
    frame.insert(0, "name", short_names(context).reindex(frame.index))
    return frame.sort_index().reset_index()


def _cooperation(context: AppContext, period: Period, lang: Lang) -> html.Div:
    year = period.year
    coops = cooperative_summary(context.engine, year)
    land = land_transfer_summary(context.engine, year)
    parts: list[html.Section | html.P] = []
    if coops.empty:
        parts.append(ui.no_data(t("eco_no_coops", lang).format(year=year)))
    else:
        coops["collective_share"] = [
            share_of(c, c + d) for c, d in zip(coops["collective_income"], coops["dividends"],
                                            strict=True)]
        county = coops.loc[context.home().code]
        note = t("eco_coop_note", lang).format(
            year=year, count=int(county["count"]), members=int(county["members"]),
            land=county["land_mu"], guaranteed=county["guaranteed_per_mu"],
            collective=county["collective_income"] * ui.WAN,
            share=county["collective_share"] or 0)
        parts.append(ui.cooperative_section(ids.ECONOMY_COOP_TABLE,
                                            _township_table(coops, context),
                                            context.home().ranked_level, lang,
                                            _export_name(period, "eco_cooperatives", lang), note))
    if land.empty:
        parts.append(ui.no_data(t("eco_no_land", lang).format(year=year)))
    else:
        county = land.loc[context.home().code]
        note = t("eco_land_note", lang).format(year=year, new=county["new_mu"],
                                           total=county["total_mu"], rent=county["rent_per_mu"])
        parts.append(ui.land_section(ids.ECONOMY_LAND_TABLE, _township_table(land, context),
                                     context.home().ranked_level, lang,
                                     _export_name(period, "eco_land_transfer", lang), note))
    return html.Div(parts, className="economy-row economy-coop")


def economy_page(context: AppContext, lang: Lang, query: dict[str, str]) -> tuple[str, list, list]:
    view = economy_view(context, query)
    period = view.period
    body: list = [ui.economy_controls(lang, period, KINDS, view.periods,
                                      period_notice(lang, view.default, view.problem))]
    incomes = village_rows(context, period)
    if incomes.empty:
        body.append(ui.no_data(t("eco_no_income", lang).format(period=period.label)))
    else:
        body.append(html.Div(_kpis(context, period, lang), className="kpi-grid"))
        if period.kind == "quarter":
            body.append(html.P(t("eco_quarter_note", lang), className="muted small"))
        body += [_tier_row(incomes, period, context, lang),
                 html.Div(ui.detail_hint(lang, context.home().ranked_level),
                          id=ids.ECONOMY_DETAIL),
                 ranked_map_panel(context, INDICATORS[SHARE_INDICATOR], period,
                                    {**query, "indicator": SHARE_INDICATOR,
                                     "period": period.label}, lang, height=460),
                 ui.panel(t("eco_distribution", lang), [plain_chart(
                     ids.ECONOMY_DISTRIBUTION_CHART,
                     ui.distribution_figure(incomes, lang), lang)], "economy-distribution",
                     t("eco_distribution_note", lang)),
                 _alerts(context, access.scope_frame(incomes), period, lang),
                 ui.ranking_section(ids.ECONOMY_RANKING_TABLE,
                                    ui.with_tier_names(access.scope_frame(incomes), lang), lang,
                                    _export_name(period, "eco_village_ranking_all", lang),
                                    t("eco_ranking_note", lang).format(
                                        before=period.year_before().label))]
    body += [*_trend(context, period, lang), _cooperation(context, period, lang)]
    trail = [home_step(context, lang, query), (t("economy", lang), None)]
    return t("economy", lang), trail, body


def drill_detail(context: AppContext, source: str | None, click: dict | None,
                 search: str | None) -> html.Section | html.P:
    """The rows behind the clicked bar: a tier's villages or a township's villages."""
    key = clicked_key(click)
    query = parse_query(search)
    lang = parse_lang(query.get("lang"))
    if not key:
        return ui.detail_hint(lang, context.home().ranked_level)
    period = economy_view(context, query).period
    by_tier = source == ids.ECONOMY_TIER_CHART
    rows = detail_rows(context, period, key if by_tier else None, None if by_tier else key)
    label = ui.tier_name(key, lang) if by_tier else short_names(context).get(key, key)
    colon = ": " if lang == "en" else "："
    title = f"{t('eco_detail_title', lang)}{colon}{label} · {period.label}"
    return ui.villages_section(ids.ECONOMY_DETAIL_TABLE, title, ui.with_tier_names(rows, lang),
                               lang, f"{t('economy', lang)}_{period.label}_{label}",
                               height=min(120 + 42 * len(rows), 460))


# This domain's pages (callbacks/domains.py): URL pattern and page function.
PAGES = ((r"^/economy$", economy_page),)
DATA_ONLY = (economy_page,)


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.ECONOMY_DETAIL, "children"),
                  Input(ids.ECONOMY_TIER_CHART, "clickData"),
                  Input(ids.ECONOMY_COMPOSITION_CHART, "clickData"),
                  State(ids.URL, "search"), prevent_initial_call=True)
    def drill(tier_click: dict | None, township_click: dict | None,
              search: str | None) -> html.Section | html.P | NoUpdate:
        source = ctx.triggered_id
        click = tier_click if source == ids.ECONOMY_TIER_CHART else township_click
        return drill_detail(context, source, click, search) if click else no_update
