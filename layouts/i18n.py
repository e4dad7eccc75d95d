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
    "vs_previous": ("较上期", "vs previous"),
    "target": ("目标", "target"),
    "rank": ("排名", "rank"),
    "indicator": ("指标", "Indicator"),
    "ranking": ("乡镇排名", "Township ranking"),
    "village_ranking": ("村（社区）排名", "Villages ranked"),
    "map": ("分布图", "Map"),
    "schematic": ("示意边界，非测绘成果 / schematic boundaries", "schematic boundaries, not a survey / 示意边界，非测绘成果"),
    "county_name": ("石首市", "Shishou"),
    "villages": ("村（社区）", "Villages and communities"),
    "export_excel": ("导出 Excel", "Export to Excel"),
    "trends": ("趋势", "Trends"),
    "no_data_period": ("该期间没有数据", "No data for this period"),
    "inspections_by_township": ("抽查对象按乡镇登记，请在乡镇页面查看。",
                                "Inspection objects are recorded by township: see the township page."),
    "tile_hint": ("无村级边界数据，以方块示意；点击方块查看该村。",
                  "No village boundaries: one square per village; select a square to open it."),
    "name": ("名称", "Name"),
    "rows": ("行", "rows"),
    "economy": ("村集体经济", "Collective economy"),
    "services": ("政务服务", "Government services"),
    "unknown_code": ("未知的区划代码", "unknown division code"),
    "value": ("数值", "Value"),
    "status": ("状态", "Status"),
    "unit_type": ("类型", "Type"),
}


def t(key: str, lang: Lang) -> str:
    zh, en = TEXT[key]
    return en if lang == "en" else zh


def parse_lang(value: str | None) -> Lang:
    return "en" if value == "en" else "zh"
