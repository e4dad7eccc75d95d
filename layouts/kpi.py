"""KPI cards: value, target, red/yellow/green with icon and word, change against the previous
period, rank among peers, and the indicator's definition (口径) on hover and on focus."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dash import html

from layouts import ids
from layouts.attributes import attributes
from layouts.formatting import (
    change_parts,
    counts_text,
    decisive_value,
    target_label,
    unit_label,
)
from layouts.i18n import Lang, t
from layouts.status import bottom_badge, counts_label, rule_text, status_badge
from metrics.domains import DOMAIN_BY_ID, VillageLabel
from metrics.indicators import DomainId, IndicatorValue
from metrics.targets import Status


@dataclass(frozen=True)
class Comparison:
    """The period a card's change is against, whether the data cover it in full, and the days
    they do cover (first, last; None without data)."""

    period: str
    covered: bool
    span: tuple[dt.date, dt.date] | None = None


@dataclass(frozen=True)
class KpiView:
    item: IndicatorValue
    previous: float | None
    status: Status
    rank: int | None = None
    ranked: int = 0
    bottom: bool = False  # 末位 among the townships (metrics.targets.bottom_positions)
    comparison: Comparison | None = None  # the period `previous` is of (None: not known)
    label: VillageLabel | None = None  # the name for one village's own value (village page)
    judged: bool = True  # whether the target applies at the division's level


def span_text(span: tuple[dt.date, dt.date] | None, lang: Lang) -> str:
    """“数据只覆盖 2024-11-16 至 2026-11-15”; “没有数据” without data."""
    if span is None:
        return t("coverage_none", lang)
    return t("coverage_span", lang).format(first=span[0].isoformat(), last=span[1].isoformat())


def coverage_text(comparison: Comparison, lang: Lang) -> str:
    """“上期 2024：数据只覆盖 2024-11-16 至 2024-12-31” (the days of that period the data
    cover): what the greyed change says on hover."""
    return t("previous_uncovered", lang).format(period=comparison.period,
                                                coverage=span_text(comparison.span, lang))


def incomplete_badge(comparison: Comparison, lang: Lang) -> html.Span:
    """In place of the change: the previous period is not fully covered by the data, so a
    difference would compare with part of a period, or with none of it."""
    text = t("previous_incomplete" if comparison.span else "previous_no_data", lang)
    return html.Span(text, className="kpi-change incomplete",
                     title=coverage_text(comparison, lang),
                     **attributes({"data-compared": comparison.period}))


def change_badge(view: KpiView, lang: Lang) -> html.Span | None:
    value, previous = view.item.value, view.previous
    if value is None:
        return None
    if view.comparison is not None and not view.comparison.covered:
        return incomplete_badge(view.comparison, lang)
    if previous is None:
        return None
    arrow, text, better = change_parts(view.item.indicator.id, value, previous, lang)
    return html.Span(f"{t('vs_previous', lang)} {arrow} {text}",
                     className=f"kpi-change {'better' if better else 'worse'}")


def target_text(view: KpiView, lang: Lang) -> str:
    return target_label(view.item.indicator.id, lang) if view.judged else ""


def kpi_card(view: KpiView, lang: Lang) -> html.Div:
    """One card. Its parts are the card's own children, laid out by CSS grid, with no wrappers
    and no empty parts: the browser's and the server's cost of a page grow with its component
    count (Dash's renderer: with its square), and a page carries up to 25 cards."""
    item = view.item
    indicator = item.indicator
    named = view.label or indicator  # one village's own value is named as such
    name = named.name_en if lang == "en" else named.name_zh
    definition = named.definition_en if lang == "en" else named.definition_zh
    if view.comparison is not None and not view.comparison.covered and item.value is not None:
        # Said on hover by the greyed change; here for keyboard and screen-reader users.
        definition += f" {coverage_text(view.comparison, lang)}"
    note = item.note_en if lang == "en" else item.note_zh
    rank = (f"{t('rank', lang)} {view.rank}/{view.ranked}" if view.rank else "")
    target = target_text(view, lang)
    counts = counts_text(item.numerator, item.denominator)
    meta = [part for part in (html.Span(target, className="kpi-target") if target else None,
                              html.Span(rank, className="kpi-rank") if rank else None,
                              bottom_badge(lang) if view.bottom else None,
                              html.Span(counts, className="kpi-counts",
                                        title=counts_label(item.numerator, item.denominator,
                                                           lang)) if counts else None,
                              change_badge(view, lang)) if part is not None]
    return html.Div([
        html.Span(name, className="kpi-name"),
        status_badge(view.status, lang) if view.status != "none" else None,
        html.Span(decisive_value(indicator.id, item.value, lang), className="kpi-value"),
        html.Span(unit_label(indicator.unit, lang) if item.value is not None else "",
                  className="kpi-unit"),
        html.Div(meta, className="kpi-meta") if meta else None,
        html.Div(note, className="kpi-note") if note else None,
        # The definition (口径) shows over the card while it is hovered or focused; screen
        # readers read it with the card.
        html.P(f"{t('definition', lang)}{t('colon', lang)}{definition}",
               className="kpi-definition"),
    ], id=ids.kpi(indicator.id), className=f"kpi-card card-{view.status}", tabIndex="0",
        **attributes({"data-indicator": indicator.id, "data-status": view.status,
                      "data-bottom": str(view.bottom).lower(),
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
    if any(v.status != "none" for v in views):
        sections.append(html.Section(html.Details([html.Summary(t("legend", lang)),
                                                   html.P(rule_text(lang))]),
                                     className="kpi-legend small"))
    return sections
