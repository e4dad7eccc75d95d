"""One place for how numbers, money and dates look: 万元, one-decimal percentages, YYYY-MM-DD."""

from __future__ import annotations

from layouts.i18n import Lang, t
from metrics.indicators import INDICATORS, PERCENT, YUAN, Unit
from metrics.periods import format_date as format_date  # one date format for all floors
from metrics.targets import TARGETS, status

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


def _decimals(value: float, unit: Unit) -> int:
    if unit is YUAN:
        return 2
    if unit is PERCENT:
        return 1
    return 0 if float(value).is_integer() else 1


def decisive_value(indicator_id: str, value: float | None, lang: Lang) -> str:
    """The value as shown, with as many more decimals (up to three) as it takes for the shown
    number to fall on the same side of the target and warning lines as the unrounded one:
    89.97% beside "目标 ≥ 90.0%" is shown 89.97%, not 90.0%."""
    unit = INDICATORS[indicator_id].unit
    if value is None:
        return "—"
    if indicator_id not in TARGETS:
        return format_value(value, unit, lang)
    scale = display_divisor(unit)
    base = decimals = _decimals(value, unit)
    while decimals < base + 3 and \
            status(indicator_id, round(value / scale, decimals) * scale) != \
            status(indicator_id, value):
        decimals += 1
    return f"{value / scale:,.{decimals}f}"


def counts_text(numerator: float | None, denominator: float | None) -> str:
    """“1/3”: a rate's counts; empty when unknown."""
    if numerator is None or denominator is None:
        return ""
    return f"{numerator:,.0f}/{denominator:,.0f}"


def shown_change(indicator_id: str, value: float, base: float) -> float:
    """The change as a reader computes it from the two figures as shown (rounded as
    format_value rounds them), in the shown unit (万元 for money): 99.7% after 99.5% is +0.2,
    whatever the unrounded values say."""
    unit = INDICATORS[indicator_id].unit
    scale = display_divisor(unit)
    digits = 2 if unit is YUAN else 1
    change = round(round(value / scale, digits) - round(base / scale, digits), digits)
    return change + 0.0  # + 0.0 turns a rounded -0.0 into 0.0


def change_parts(indicator_id: str, value: float, base: float,
                 lang: Lang) -> tuple[str, str, bool]:
    """(arrow, signed change, whether it is for the better) of `value` against `base`, as the
    shown figures differ: 万元 for money, percentage points for rates, the count otherwise."""
    indicator = INDICATORS[indicator_id]
    delta = shown_change(indicator_id, value, base)
    if indicator.unit is YUAN:
        text = f"{delta:+,.2f}"
    elif indicator.unit is PERCENT:
        text = f"{delta:+.1f} {'pp' if lang == 'en' else '个百分点'}"
    else:
        text = f"{delta:+,.0f}" if float(delta).is_integer() else f"{delta:+,.1f}"
    if delta == 0:
        text = text.lstrip("+")
    better = delta == 0 or (delta > 0) == indicator.higher_is_better
    arrow = "→" if delta == 0 else ("↑" if delta > 0 else "↓")
    return arrow, text, better


def display_divisor(unit: Unit) -> float:
    """What a stored value is divided by to be shown in its unit_label (yuan -> 万元)."""
    return YUAN_PER_WAN if unit is YUAN else 1


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
    return f"{decisive_value(indicator_id, value, lang)}{joiner}{unit_label(unit, lang)}"


def target_label(indicator_id: str, lang: Lang) -> str:
    """“目标 ≥ 99.5%”; empty for an indicator without a target."""
    rule = TARGETS.get(indicator_id)
    if rule is None:
        return ""
    sign = "≥" if INDICATORS[indicator_id].higher_is_better else "≤"
    return f"{t('target', lang)} {sign} {value_with_unit(indicator_id, rule.target, lang)}"
