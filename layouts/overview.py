"""The county overview: period controls and the headline indicators of the four domains."""

from __future__ import annotations

from dash import dcc, html

from dashboard import ids
from layouts.i18n import Lang, t
from metrics.periods import Period, PeriodKind

KINDS: tuple[PeriodKind, ...] = ("year", "quarter", "month", "week")


def period_controls(lang: Lang, selected: Period, options: list[Period]) -> html.Div:
    return html.Div([
        html.Label([t("period_kind", lang), dcc.RadioItems(
            id=ids.PERIOD_KIND, value=selected.kind, inline=True,
            options=[{"label": t(kind, lang), "value": kind} for kind in KINDS])],
            className="control"),
        html.Label([t("period", lang), dcc.Dropdown(
            id=ids.PERIOD, value=selected.label, clearable=False, searchable=False,
            options=period_options(options))], className="control period-control"),
    ], className="controls")


def period_options(options: list[Period]) -> list[dict[str, str]]:
    return [{"label": p.label, "value": p.label} for p in options]


def overview_body(lang: Lang, selected: Period, options: list[Period],
                  sections: list) -> list:
    return [period_controls(lang, selected, options),
            html.Div(sections, id=ids.KPI_GRID, className="kpi-grid")]
