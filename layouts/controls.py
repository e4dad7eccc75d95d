"""The view controls: indicator, period type and period. Their values live in the URL."""

from __future__ import annotations

from dash import dcc, html

from layouts import ids
from layouts.i18n import Lang, t
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS, Indicator
from metrics.periods import Period, PeriodKind


def indicator_options(lang: Lang, choices: list[Indicator] | None = None) -> list[dict[str, str]]:
    options = []
    for indicator in choices or list(INDICATORS.values()):
        zh, en = DOMAIN_BY_ID[indicator.domain].names
        name = indicator.name_en if lang == "en" else indicator.name_zh
        options.append({"label": f"{en if lang == 'en' else zh} · {name}", "value": indicator.id})
    return options


def view_controls(lang: Lang, indicator: Indicator, period: Period, kinds: tuple[PeriodKind, ...],
                  periods: list[Period], choices: list[Indicator] | None = None) -> html.Div:
    return html.Div([
        html.Div([html.Span(t("indicator", lang), className="control-label"), dcc.Dropdown(
            id=ids.INDICATOR, value=indicator.id, clearable=False, searchable=True,
            options=indicator_options(lang, choices))], className="control indicator-control"),
        *period_controls(lang, period, kinds, periods),
    ], className="controls")


def period_controls(lang: Lang, period: Period, kinds: tuple[PeriodKind, ...],
                    periods: list[Period]) -> list[html.Div]:
    """Period type and period: offered in the kinds the indicator is reported in."""
    return [
        html.Div([html.Span(t("period_kind", lang), className="control-label"), dcc.RadioItems(
            id=ids.PERIOD_KIND, value=period.kind, inline=True,
            options=[{"label": t(kind, lang), "value": kind} for kind in kinds])],
            className="control"),
        html.Div([html.Span(t("period", lang), className="control-label"), dcc.Dropdown(
            id=ids.PERIOD, value=period.label, clearable=False, searchable=False,
            options=[{"label": p.label, "value": p.label} for p in periods])],
            className="control period-control"),
    ]
