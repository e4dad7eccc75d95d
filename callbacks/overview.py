"""County overview: the period in the URL -> indicator values -> KPI cards."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dash import Dash, Input, Output, State, html, no_update

from dashboard import ids
from dashboard.context import AppContext
from data_access.divisions import COUNTY_CODE
from data_access.indicator_values import indicator_values
from layouts.i18n import Lang, parse_lang, t
from layouts.kpi import kpi_sections
from layouts.overview import overview_body, period_options
from metrics.periods import Period, PeriodError, last_complete, parse_period, recent_periods


def selected_period(context: AppContext, text: str | None) -> Period:
    if text:
        return parse_period(text)
    return last_complete("year", context.today())


def overview_sections(context: AppContext, lang: Lang, period: Period) -> list:
    values = indicator_values(context.engine, period, "county", COUNTY_CODE)
    return kpi_sections(values, lang)


def overview_page(context: AppContext, lang: Lang, query: dict[str, str]) -> tuple[str, list]:
    try:
        period = selected_period(context, query.get("period"))
    except PeriodError as error:
        return t("bad_period", lang), [html.P(str(error), className="error")]
    options = recent_periods(period.kind, context.today())
    if period not in options:
        options = [period, *options]
    title = t("overview", lang)
    return title, overview_body(lang, period, options,
                                overview_sections(context, lang, period))


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.PERIOD, "options"), Output(ids.PERIOD, "value"),
                  Input(ids.PERIOD_KIND, "value"), State(ids.PERIOD, "value"),
                  prevent_initial_call=True)
    def change_kind(kind: str, current: str) -> tuple[list, str]:
        options = recent_periods(kind, context.today())  # type: ignore[arg-type]
        if parse_period(current).kind == kind:
            return period_options(options), no_update
        default = options[1] if len(options) > 1 else options[0]
        return period_options(options), default.label

    @app.callback(Output(ids.KPI_GRID, "children"), Output(ids.URL, "search"),
                  Input(ids.PERIOD, "value"), State(ids.URL, "search"),
                  prevent_initial_call=True)
    def change_period(period_text: str, search: str | None) -> tuple[list, str]:
        query = dict(parse_qsl((search or "").lstrip("?")))
        lang = parse_lang(query.get("lang"))
        period = parse_period(period_text)
        query["period"] = period.label
        return overview_sections(context, lang, period), "?" + urlencode(query)
