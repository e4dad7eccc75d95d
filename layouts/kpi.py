"""KPI cards: value, target, red/yellow/green with icon and word, change against the previous
period, rank among peers, and the indicator's definition (口径) on hover and on focus."""

from __future__ import annotations

from dataclasses import dataclass

from dash import html

from layouts import ids
from layouts.attributes import attributes
from layouts.formatting import format_value, target_label, unit_label
from layouts.i18n import Lang, t
from layouts.theme import STATUS_ICONS, STATUS_WORDS
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import PERCENT, YUAN, DomainId, IndicatorValue
from metrics.targets import Status


@dataclass(frozen=True)
class KpiView:
    item: IndicatorValue
    previous: float | None
    status: Status
    rank: int | None = None
    ranked: int = 0


def change_badge(view: KpiView, lang: Lang) -> html.Span | None:
    value, previous = view.item.value, view.previous
    if value is None or previous is None:
        return None
    indicator = view.item.indicator
    delta = value - previous
    if indicator.unit is YUAN:
        text = f"{delta / 10_000:+,.2f}"
    elif indicator.unit is PERCENT:
        text = f"{delta:+.1f} {'pp' if lang == 'en' else '个百分点'}"
    else:
        text = f"{delta:+,.0f}" if float(delta).is_integer() else f"{delta:+,.1f}"
    better = delta == 0 or (delta > 0) == indicator.higher_is_better
    arrow = "→" if delta == 0 else ("↑" if delta > 0 else "↓")
    return html.Span(f"{t('vs_previous', lang)} {arrow} {text}",
                     className=f"kpi-change {'better' if better else 'worse'}")


def target_text(view: KpiView, lang: Lang) -> str:
    return target_label(view.item.indicator.id, lang)


def kpi_card(view: KpiView, lang: Lang) -> html.Div:
    """One card. Its parts are the card's own children, laid out by CSS grid, with no wrappers
    and no empty parts: the browser's and the server's cost of a page grow with its component
    count (Dash's renderer: with its square), and a page carries up to 25 cards."""
    item = view.item
    indicator = item.indicator
    name = indicator.name_en if lang == "en" else indicator.name_zh
    definition = indicator.definition_en if lang == "en" else indicator.definition_zh
    note = item.note_en if lang == "en" else item.note_zh
    zh_word, en_word = STATUS_WORDS[view.status]
    rank = (f"{t('rank', lang)} {view.rank}/{view.ranked}" if view.rank else "")
    target = target_text(view, lang)
    meta = [part for part in (html.Span(target, className="kpi-target") if target else None,
                              html.Span(rank, className="kpi-rank") if rank else None,
                              change_badge(view, lang)) if part is not None]
    return html.Div([
        html.Span(name, className="kpi-name"),
        html.Span([html.Span(STATUS_ICONS[view.status], **attributes({"aria-hidden": "true"})),
                   " ", en_word if lang == "en" else zh_word],
                  className=f"status status-{view.status}") if view.status != "none" else None,
        html.Span(format_value(item.value, indicator.unit, lang), className="kpi-value"),
        html.Span(unit_label(indicator.unit, lang) if item.value is not None else "",
                  className="kpi-unit"),
        html.Div(meta, className="kpi-meta") if meta else None,
        html.Div(note, className="kpi-note") if note else None,
        # The definition (口径) shows over the card while it is hovered or focused; screen
        # readers read it with the card.
        html.P(f"{t('definition', lang)}：{definition}", className="kpi-definition"),
    ], id=ids.kpi(indicator.id), className=f"kpi-card card-{view.status}", tabIndex="0",
        **attributes({"data-indicator": indicator.id, "data-status": view.status,
                      "data-value": "" if item.value is None else repr(item.value)}))


def kpi_sections(views: list[KpiView], lang: Lang) -> list[html.Section]:
    """Cards grouped by domain, in the order of the indicator table."""
    domains: list[DomainId] = []
    for view in views:
        if view.item.indicator.domain not in domains:
            domains.append(view.item.indicator.domain)
    sections = []
    for domain in domains:
        zh, en = DOMAIN_BY_ID[domain].names
        cards = [kpi_card(v, lang) for v in views if v.item.indicator.domain == domain]
        sections.append(html.Section([html.H3(en if lang == "en" else zh),
                                      html.Div(cards, className="kpi-row")],
                                     className="kpi-section",
                                     **attributes({"data-domain": domain})))
    return sections
