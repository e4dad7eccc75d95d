"""Controls and map clicks write the URL; the router draws the page from it."""

from __future__ import annotations

from urllib.parse import urlencode

from dash import Dash, Input, NoUpdate, Output, State, ctx, no_update

from callbacks.context import AppContext
from callbacks.url_state import clicked_points, parse_query
from callbacks.views import default_period, page_domains, period_kinds
from data_access.divisions import CODE_DIGITS, code_level
from layouts import ids
from layouts.urls import division_path
from metrics.indicators import INDICATORS
from metrics.periods import PeriodKind, parse_period


def next_query(context: AppContext, query: dict[str, str], changed: str | None,
               indicator_id: str, kind: PeriodKind, period_text: str,
               pathname: str | None = "/") -> dict[str, str]:
    """The URL query after one control changed, kept consistent (a period the indicator has).
    A new period kind, or an indicator not reported in the period's kind, takes the page's
    default period of that kind (views.default_period: the one rule every page opens by)."""
    indicator = INDICATORS[indicator_id]
    kinds = period_kinds(indicator)
    domains = page_domains(pathname)
    period = parse_period(period_text)
    if changed == ids.PERIOD_KIND:
        period = default_period(context, kind, domains).period
    if period.kind not in kinds:
        period = default_period(context, kinds[0], domains).period
    return {**query, "indicator": indicator.id, "period": period.label}


def register(app: Dash, context: AppContext) -> None:
    @app.callback(Output(ids.URL, "search", allow_duplicate=True),
                  Input(ids.INDICATOR, "value"), Input(ids.PERIOD_KIND, "value"),
                  Input(ids.PERIOD, "value"), State(ids.URL, "search"),
                  State(ids.URL, "pathname"), prevent_initial_call=True)
    def controls_changed(indicator_id: str, kind: PeriodKind, period_text: str,
                         search: str | None, pathname: str | None) -> str | NoUpdate:
        if len(ctx.triggered) > 1:
            # Dash fires this for all three controls when a page draws them: nothing changed.
            return no_update
        query = parse_query(search)
        updated = next_query(context, query, ctx.triggered_id, indicator_id, kind, period_text,
                             pathname)
        return no_update if updated == query else "?" + urlencode(updated)

    # Written to the map panel's own Location (see ids.MAP_NAV), which passes the new path on to
    # URL and the router: with URL as the output Dash would call this, for nothing, every time
    # a page with a map is drawn.
    @app.callback(Output(ids.MAP_NAV, "pathname"),
                  Input(ids.MAP, "clickData"), prevent_initial_call=True)
    def map_clicked(click: dict | None) -> str | NoUpdate:
        points = clicked_points(click)
        code = next((p.get("location") for p in points if p.get("location")), None)
        if not code or not str(code).isdigit() or len(str(code)) != CODE_DIGITS:
            return no_update
        # A map shows one level (a county's townships, a township's villages, a prefecture's
        # counties): the page is the clicked division's own.
        return division_path(str(code), code_level(str(code)), context.home().code)
