"""The status signals as shown: the colour's icon and word, the 末位 badge, and a rate's
counts. One badge for every page (KPI cards, weekly cards, the township summary)."""

from __future__ import annotations

from dash import html

from layouts.attributes import attributes
from layouts.formatting import counts_text
from layouts.i18n import Lang
from layouts.theme import BOTTOM_WORDS, STATUS_ICONS, STATUS_WORDS
from metrics.targets import RULE_EN, RULE_ZH, Status


def status_badge(status: Status, lang: Lang) -> html.Span:
    zh, en = STATUS_WORDS[status]
    return html.Span([html.Span(STATUS_ICONS[status], **attributes({"aria-hidden": "true"})),
                      " ", en if lang == "en" else zh], className=f"status status-{status}",
                     title=rule_text(lang))


def bottom_badge(lang: Lang) -> html.Span:
    """末位: the rank position signal, separate from the target status."""
    zh, en = BOTTOM_WORDS
    return html.Span(en if lang == "en" else zh, className="bottom-badge", title=rule_text(lang))


def counts_label(numerator: float | None, denominator: float | None, lang: Lang) -> str:
    """“分子/分母 1/3” for hover texts; empty when unknown."""
    counts = counts_text(numerator, denominator)
    if not counts:
        return ""
    return f"{'numerator/denominator' if lang == 'en' else '分子/分母'} {counts}"


def rule_text(lang: Lang) -> str:
    return RULE_EN if lang == "en" else RULE_ZH
