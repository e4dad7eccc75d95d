"""Interface text in Simplified Chinese (default) and English."""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("石首督导看板", "Shishou oversight dashboard"),
    "app_subtitle": ("农村公共服务督导", "Rural public services oversight"),
    "overview": ("全市总览", "County overview"),
    "period": ("统计期间", "Period"),
    "period_kind": ("期间类型", "Period type"),
    "year": ("年", "Year"),
    "quarter": ("季度", "Quarter"),
    "month": ("月", "Month"),
    "week": ("周", "Week"),
    "definition": ("口径", "Definition"),
    "no_data": ("无数据", "no data"),
    "data_as_of": ("数据更新于", "Data as of"),
    "switch_language": ("English", "中文"),
    "not_found": ("页面不存在", "Page not found"),
    "not_found_body": ("没有找到这个页面。", "There is no such page."),
    "back_home": ("返回全市总览", "Back to the county overview"),
    "bad_period": ("统计期间无效", "Invalid period"),
}


def t(key: str, lang: Lang) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def parse_lang(value: str | None) -> Lang:
    return "en" if value == "en" else "zh"
