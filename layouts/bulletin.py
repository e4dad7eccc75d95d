"""The weekly bulletin (周通报): fixed sentence templates filled from the report model.

Every figure comes from `metrics.weekly.WeeklyReport`; nothing is typed by hand. The Chinese
follows the layout of a government notice (一、二、三 sections, （一）（二） sub-items,
semicolons between clauses); the English is a plain rendering of the same sentences.
"""

from __future__ import annotations

import pandas as pd

from layouts.formatting import indicator_name, value_with_unit
from layouts.i18n import Lang
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS, PERCENT
from metrics.weekly import (
    DOMAIN_ORDER,
    HEADLINE,
    Card,
    Flag,
    Ranking,
    WeeklyReport,
    best_and_worst,
    statuses,
)

Section = tuple[str, list[str]]
CHINESE_NUMERALS = "一二三四五六七八九十"
LIST_LIMIT = 5  # names listed in a sentence before "等"


def _delta(indicator_id: str, value: float | None, base: float | None, lang: Lang,
           against: tuple[str, str]) -> str:
    """“较上周上升0.3个百分点” / “up 0.3 pp on last week”; empty without both values."""
    if value is None or base is None:
        return ""
    unit = INDICATORS[indicator_id].unit
    delta = value - base
    if unit is PERCENT:
        size = f"{abs(delta):.1f}{'个百分点' if lang == 'zh' else ' pp'}"
    else:
        size = value_with_unit(indicator_id, abs(delta), lang)
    zh_against, en_against = against
    if abs(delta) < 0.05 if unit is PERCENT else delta == 0:
        return f"与{zh_against}持平" if lang == "zh" else f"level with {en_against}"
    if lang == "zh":
        up, down = ("上升", "下降") if unit is PERCENT else ("增加", "减少")
        return f"较{zh_against}{up if delta > 0 else down}{size}"
    return f"{'up' if delta > 0 else 'down'} {size} on {en_against}"


def _period_phrase(ranking: Ranking, lang: Lang) -> str:
    domain = INDICATORS[ranking.indicator_id].domain
    if domain == "income":
        return f"{ranking.period}年度" if lang == "zh" else f"in {ranking.period}"
    if domain == "inspections":
        last_day = ranking.period.split("~")[-1]
        return f"本年累计（截至{last_day}）" if lang == "zh" else f"this year to {last_day}"
    return "本周" if lang == "zh" else "this week"


def _county_clause(ranking: Ranking, lang: Lang) -> str:
    indicator_id = ranking.indicator_id
    domain = INDICATORS[indicator_id].domain
    parts = [_delta(indicator_id, ranking.county, ranking.county_previous, lang,
                    ("上周", "last week")) if domain != "income" else "",
             _delta(indicator_id, ranking.county, ranking.county_year_before, lang,
                    ("去年同期", "a year earlier"))]
    changes = ("，" if lang == "zh" else ", ").join(p for p in parts if p)
    value = value_with_unit(indicator_id, ranking.county, lang)
    if lang == "zh":
        return (f"{indicator_name(indicator_id, lang)}{value}"
                + (f"（{changes}）" if changes else ""))
    return f"{indicator_name(indicator_id, lang)} {value}" + (f" ({changes})" if changes else "")


def _join(items: list[str], lang: Lang) -> str:
    separator = "、" if lang == "zh" else ", "
    shown = separator.join(items[:LIST_LIMIT])
    if len(items) > LIST_LIMIT:
        shown += f"等{len(items)}个" if lang == "zh" else f" and {len(items) - LIST_LIMIT} more"
    return shown


def _cards_text(cards: list[Card], indicator_id: str, lang: Lang) -> str:
    separator = "、" if lang == "zh" else "; "
    return separator.join(f"{c.name}（{value_with_unit(indicator_id, c.value, lang)}）"
                          if lang == "zh"
                          else f"{c.name} ({value_with_unit(indicator_id, c.value, lang)})"
                          for c in cards)


def overall(report: WeeklyReport, lang: Lang) -> list[str]:
    paragraphs = []
    for domain in DOMAIN_ORDER:
        rankings = [r for r in report.rankings if INDICATORS[r.indicator_id].domain == domain]
        if not rankings:
            continue
        zh, en = DOMAIN_BY_ID[domain].names
        clauses = [_county_clause(r, lang) for r in rankings]
        phrase = _period_phrase(rankings[0], lang)
        if lang == "zh":
            paragraphs.append(f"{zh}：{phrase}，全市" + "；".join(clauses) + "。")
        else:
            paragraphs.append(f"{en.capitalize()}, {phrase}: county " + "; ".join(clauses) + ".")
    return paragraphs


def standings(report: WeeklyReport, lang: Lang) -> list[str]:
    paragraphs = []
    for number, domain in enumerate(DOMAIN_ORDER):
        ranking = report.ranking(HEADLINE[domain])
        if ranking is None:
            continue
        best, worst = best_and_worst(ranking)
        name = indicator_name(ranking.indicator_id, lang)
        zh, en = DOMAIN_BY_ID[domain].names
        if lang == "zh":
            text = (f"（{CHINESE_NUMERALS[number]}）{zh}。{name}排名前三位的是："
                    f"{_cards_text(best, ranking.indicator_id, lang)}")
            text += (f"；排名后三位的是：{_cards_text(worst, ranking.indicator_id, lang)}。"
                     if worst else "。")
        else:
            text = (f"({number + 1}) {en.capitalize()}, {name}. Top three: "
                    f"{_cards_text(best, ranking.indicator_id, lang)}")
            text += (f". Bottom three: {_cards_text(worst, ranking.indicator_id, lang)}."
                     if worst else ".")
        paragraphs.append(text)
    return paragraphs


def _top_townships(flag: Flag, lang: Lang, limit: int = 3) -> str:
    names = {row.township_code: row.township for row in flag.rows}
    counts = sorted(flag.by_township().items(), key=lambda item: (-item[1], item[0]))[:limit]
    if lang == "zh":
        return "、".join(f"{names[code]}（{n}）" for code, n in counts)
    return ", ".join(f"{names[code]} ({n})" for code, n in counts)


def _flag_sentence(flag: Flag, report: WeeklyReport, lang: Lang) -> str:
    n = flag.count
    zh = lang == "zh"
    if flag.kind == "new_overdue_cases":
        if not n:
            return "本周未发现新增超期办件。" if zh else "No service case became overdue."
        return (f"本周新增超期办件{n}件，较多的是{_top_townships(flag, lang)}。" if zh else
                f"{n} service cases became overdue this week, most in "
                f"{_top_townships(flag, lang)}.")
    if flag.kind == "overdue_rectifications":
        if not n:
            return "抽查发现问题均在整改期限内。" if zh else "No rectification is overdue."
        return (f"逾期未整改的抽查问题{n}项，涉及{_top_townships(flag, lang)}。" if zh else
                f"{n} rectifications are overdue, in {_top_townships(flag, lang)}.")
    if flag.kind == "inactive_villages":
        if not n:
            return (f"本月（截至{report.last_day}）各村（社区）均开展了志愿服务活动。" if zh else
                    f"Every village held a volunteer activity this month to {report.last_day}.")
        return (f"本月（截至{report.last_day}）尚未开展志愿服务活动的村（社区）{n}个，"
                f"较多的是{_top_townships(flag, lang)}。" if zh else
                f"{n} villages have held no volunteer activity this month to {report.last_day},"
                f" most in {_top_townships(flag, lang)}.")
    if flag.kind == "fell_below_50k":
        if not n:
            return "没有村集体经营性收入跌破5万元。" if zh else "No village fell below 50,000 yuan."
        year = flag.rows[0].date
        names = [f"{r.township}{r.subject}" if zh else f"{r.subject} ({r.township})"
                 for r in flag.rows]
        return (f"{year}年度村集体经营性收入跌破5万元的村{n}个：{_join(names, lang)}。" if zh else
                f"{n} villages fell below 50,000 yuan in {year}: {_join(names, lang)}.")
    if not n:
        return "没有连续三周亮红灯的乡镇。" if zh else "No township was red three weeks running."
    by_township: dict[str, list[str]] = {}
    for row in flag.rows:
        by_township.setdefault(row.township, []).append(indicator_name(row.subject, lang))
    items = [f"{town}（{'、'.join(names)}）" if zh else f"{town} ({', '.join(names)})"
             for town, names in by_township.items()]
    return (f"连续三周亮红灯的乡镇{len(by_township)}个：{'；'.join(items)}。" if zh else
            f"{len(by_township)} townships were red three weeks running: {'; '.join(items)}.")


def red_flags(report: WeeklyReport, lang: Lang) -> list[str]:
    return [f"{number}. {_flag_sentence(flag, report, lang)}"
            for number, flag in enumerate(report.flags, start=1)]


def _movers(report: WeeklyReport) -> tuple[list[tuple[Card, str]], list[tuple[Card, str]]]:
    moves = [(card, r.indicator_id) for r in report.rankings for card in r.cards
             if card.rank_change]
    up = sorted((m for m in moves if (m[0].rank_change or 0) > 0),
                key=lambda m: (-(m[0].rank_change or 0), m[0].name))
    down = sorted((m for m in moves if (m[0].rank_change or 0) < 0),
                  key=lambda m: ((m[0].rank_change or 0), m[0].name))
    return up[:3], down[:3]


def newly_red(report: WeeklyReport) -> list[tuple[Card, str]]:
    """Cards red this week that were not red last week (on last week's values)."""
    found = []
    for ranking in report.rankings:
        before = statuses(ranking.indicator_id, _previous_values(ranking))
        found += [(card, ranking.indicator_id) for card in ranking.cards
                  if card.status == "red" and before.get(card.code) not in (None, "red")]
    return found


def _previous_values(ranking: Ranking) -> pd.Series:
    return pd.Series({c.code: c.previous for c in ranking.cards}, dtype=float)


def changes(report: WeeklyReport, lang: Lang) -> list[str]:
    zh = lang == "zh"
    up, down = _movers(report)

    def moved(items: list[tuple[Card, str]]) -> str:
        parts = []
        for card, indicator_id in items:
            change = card.rank_change or 0  # never 0: _movers keeps the cards that moved
            name = indicator_name(indicator_id, lang)
            parts.append(f"{card.name}{name}{'上升' if change > 0 else '下降'}{abs(change)}位"
                         if zh else f"{card.name} {abs(change)} places on {name}")
        return ("、" if zh else "; ").join(parts)

    paragraphs = []
    if report.compared_with:
        paragraphs.append(f"上周数据以会议材料（导出{report.compared_with}）为准。" if zh else
                          f"Last week's figures are those presented (export "
                          f"{report.compared_with}).")
    if report.corrections:
        names = _join([indicator_name(i, lang) for i in report.corrections], lang)
        paragraphs.append(f"上周材料呈报后，以下指标的上周数据有更新：{names}。" if zh else
                          f"Since last week's meeting, last week's data changed for: {names}.")
    paragraphs.append((f"排名上升较多的：{moved(up)}。" if zh else f"Moved up most: {moved(up)}.")
                      if up else ("各乡镇排名无上升。" if zh else "No township moved up."))
    paragraphs.append((f"排名下降较多的：{moved(down)}。" if zh else f"Fell most: {moved(down)}.")
                      if down else ("各乡镇排名无下降。" if zh else "No township fell."))
    fresh = newly_red(report)
    if fresh:
        items = [f"{card.name}（{indicator_name(i, lang)}）" if zh
                 else f"{card.name} ({indicator_name(i, lang)})" for card, i in fresh]
        paragraphs.append(f"本周新亮红灯的：{_join(items, lang)}。" if zh else
                          f"Newly red this week: {_join(items, lang)}.")
    else:
        paragraphs.append("本周没有新亮红灯的乡镇。" if zh else "No township turned red this week.")
    return paragraphs


REQUIREMENT = (
    ("请排名后三位和亮红灯的乡镇（街道、开发区）对照本通报问题清单，逐项明确责任人和完成时限，"
     "于下周调度会前将整改情况报市督导办。"),
    ("Townships in the bottom three or red are asked to name an owner and a date for each "
     "item above and report progress to the oversight office before next week's meeting."),
)


def title_lines(report: WeeklyReport, lang: Lang) -> list[str]:
    year, week = report.week.split("-W")
    if lang == "zh":
        return ["石首市农村公共服务督导周通报",
                f"{year}年第{int(week)}周（{report.first_day}至{report.last_day}）",
                f"数据更新于 {report.data_as_of}"]
    return ["Shishou rural public services: weekly bulletin",
            f"{year} week {int(week)} ({report.first_day} to {report.last_day})",
            f"Data as of {report.data_as_of}"]


def bulletin_sections(report: WeeklyReport, lang: Lang) -> list[Section]:
    headings = (("一、总体情况", "1. Overall"),
                ("二、各乡镇（街道、开发区）排名情况", "2. Township standings"),
                ("三、需要关注的问题", "3. Red flags"),
                ("四、与上周相比的变化", "4. Changes since last week"),
                ("五、工作要求", "5. Requests"))
    bodies = (overall(report, lang), standings(report, lang), red_flags(report, lang),
              changes(report, lang), [REQUIREMENT[0] if lang == "zh" else REQUIREMENT[1]])
    return [(zh if lang == "zh" else en, body) for (zh, en), body in zip(headings, bodies,
                                                                        strict=True)]


def bulletin_text(report: WeeklyReport, lang: Lang) -> str:
    """The bulletin as plain text, for copying into a document."""
    lines = [*title_lines(report, lang), ""]
    for heading, paragraphs in bulletin_sections(report, lang):
        lines.append(heading)
        lines += [("　　" if lang == "zh" else "") + p for p in paragraphs]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
