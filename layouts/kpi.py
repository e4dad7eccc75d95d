"""KPI cards: value, unit and the indicator's definition (口径) on hover and on focus."""

from __future__ import annotations

from dash import html

from dashboard import ids
from layouts.formatting import format_value, unit_label
from layouts.i18n import Lang, t
from metrics.indicators import DOMAIN_NAMES, Domain, IndicatorValue


def kpi_card(item: IndicatorValue, lang: Lang) -> html.Div:
    indicator = item.indicator
    name = indicator.name_en if lang == "en" else indicator.name_zh
    definition = indicator.definition_en if lang == "en" else indicator.definition_zh
    note = item.note_en if lang == "en" else item.note_zh
    value_text = format_value(item.value, indicator.unit, lang)
    return html.Div([
        html.Div(name, className="kpi-name"),
        html.Div([
            html.Span(value_text, className="kpi-value"),
            html.Span(unit_label(indicator.unit, lang) if item.value is not None else "",
                      className="kpi-unit"),
        ], className="kpi-figure"),
        html.Div(note or "", className="kpi-note"),
        html.Details([html.Summary(t("definition", lang)), html.P(definition)],
                     className="kpi-definition"),
    ], id=ids.kpi(indicator.id), className="kpi-card", title=f"{t('definition', lang)}：{definition}",
        tabIndex="0", **{"data-indicator": indicator.id,
                         "data-value": "" if item.value is None else repr(item.value)})


def kpi_sections(values: list[IndicatorValue], lang: Lang) -> list[html.Section]:
    """Cards grouped by domain, in the order of the indicator table."""
    domains: list[Domain] = []
    for item in values:
        if item.indicator.domain not in domains:
            domains.append(item.indicator.domain)
    sections = []
    for domain in domains:
        zh, en = DOMAIN_NAMES[domain]
        cards = [kpi_card(v, lang) for v in values if v.indicator.domain == domain]
        sections.append(html.Section([html.H3(en if lang == "en" else zh),
                                      html.Div(cards, className="kpi-row")],
                                     className="kpi-section", **{"data-domain": domain}))
    return sections
