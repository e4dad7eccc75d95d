"""The view controls: indicator, period type and period. Their values live in the URL. Beside
the period: which period the page opens on by default, and why a period in the URL was not
taken (malformed, not begun, before the first year, or of a kind not reported)."""

from __future__ import annotations

from dash import dcc, html
from dash.development.base_component import Component

from layouts import ids
from layouts.attributes import attributes
from layouts.i18n import Lang, t
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS, Indicator
from metrics.periods import DefaultPeriod, Period, PeriodError, PeriodKind


def period_name(period: Period, lang: Lang) -> str:
    """“2025年”, “2026年第3季度”, “2026年10月”, “2026年第45周”; the label in English."""
    if lang == "en":
        return period.label
    if period.kind == "year":
        return f"{period.year}年"
    if period.kind == "quarter":
        return f"{period.year}年第{period.quarter}季度"
    if period.kind == "month":
        return f"{period.year}年{period.start.month}月"
    return f"{period.year}年第{int(period.label[-2:])}周"


def period_notice(lang: Lang, default: DefaultPeriod | None,
                  problem: PeriodError | None = None) -> list[Component]:
    """The note on the default period and, when the URL's period was not taken, the error
    (in the page's language) with the default shown instead; the picker beside them lets the
    user go on."""
    parts: list[Component] = []
    if default is None:
        return parts
    name = period_name(default.period, lang)
    if problem is not None:
        colon = ": " if lang == "en" else "："
        parts.append(html.P([html.Strong(f"{t('bad_period', lang)}{colon}"), problem.text(lang),
                             " ", t("period_shown_instead", lang).format(period=name)],
                            className="error period-error", **attributes({"role": "alert"})))
    key = "default_period_note" if default.covered else "default_period_uncovered"
    parts.append(html.P(t(key, lang).format(period=name), className="muted small period-default",
                        **attributes({"data-default-period": default.period.label})))
    return parts


def with_notice(controls: html.Div, notice: list[Component]) -> html.Div:
    """Controls built elsewhere (a page's own period control) with the period notice added."""
    children = controls.children if isinstance(controls.children, list) else [controls.children]
    controls.children = [*children, *notice]
    return controls


def indicator_options(lang: Lang, choices: list[Indicator] | None = None) -> list[dict[str, str]]:
    options = []
    for indicator in choices or list(INDICATORS.values()):
        zh, en = DOMAIN_BY_ID[indicator.domain].names
        name = indicator.name_en if lang == "en" else indicator.name_zh
        options.append({"label": f"{en if lang == 'en' else zh} · {name}", "value": indicator.id})
    return options


def view_controls(lang: Lang, indicator: Indicator, period: Period, kinds: tuple[PeriodKind, ...],
                  periods: list[Period], choices: list[Indicator] | None = None,
                  notice: list[Component] | None = None) -> html.Div:
    return html.Div([
        html.Div([html.Span(t("indicator", lang), className="control-label"), dcc.Dropdown(
            id=ids.INDICATOR, value=indicator.id, clearable=False, searchable=True,
            options=indicator_options(lang, choices))], className="control indicator-control"),
        *period_controls(lang, period, kinds, periods),
        *(notice or []),
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
