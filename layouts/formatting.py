"""One place for how numbers, money and dates look: 万元, one-decimal percentages, YYYY-MM-DD."""

from __future__ import annotations

import datetime as dt

from layouts.i18n import Lang
from metrics.indicators import PERCENT, YUAN, Unit

YUAN_PER_WAN = 10_000


def format_value(value: float | None, unit: Unit, lang: Lang) -> str:
    """The number as shown (without its unit); an em dash when there is none."""
    if value is None:
        return "—"
    if unit is YUAN:
        return f"{value / YUAN_PER_WAN:,.2f}"
    if unit is PERCENT:
        return f"{value:.1f}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def unit_label(unit: Unit, lang: Lang) -> str:
    """Money is shown in 万元, where county leaders expect it."""
    if unit is YUAN:
        return "万元" if lang == "zh" else "10k yuan"
    return unit.en if lang == "en" else unit.zh


def format_date(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return "—"
    return day.strftime("%Y-%m-%d %H:%M") if isinstance(day, dt.datetime) else day.isoformat()
