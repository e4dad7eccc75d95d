"""One place for how numbers, money and dates look: 万元, one-decimal percentages, YYYY-MM-DD."""

from __future__ import annotations

from layouts.i18n import Lang, t
from metrics.indicators import INDICATORS, PERCENT, YUAN, Unit
from metrics.periods import format_date as format_date  # one date format for all floors
from metrics.targets import TARGETS

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


def indicator_name(indicator_id: str, lang: Lang) -> str:
    indicator = INDICATORS[indicator_id]
    return indicator.name_en if lang == "en" else indicator.name_zh


def value_with_unit(indicator_id: str, value: float | None, lang: Lang) -> str:
    """“99.7%”, “41.50万元”, “41.50 10k yuan”; an em dash when there is no value."""
    unit = INDICATORS[indicator_id].unit
    if value is None:
        return "—"
    joiner = "" if lang == "zh" or unit is PERCENT else " "
    return f"{format_value(value, unit, lang)}{joiner}{unit_label(unit, lang)}"


def target_label(indicator_id: str, lang: Lang) -> str:
    """“目标 ≥ 99.5%”; empty for an indicator without a target."""
    rule = TARGETS.get(indicator_id)
    if rule is None:
        return ""
    sign = "≥" if INDICATORS[indicator_id].higher_is_better else "≤"
    return f"{t('target', lang)} {sign} {value_with_unit(indicator_id, rule.target, lang)}"
