"""The weekly bulletin (周通报): sentences generated from the report model, each only when its
facts exist.

Every figure comes from `metrics.weekly.WeeklyReport`, and those of the 督办 ledger from its week's
counts as the report's ledger section shows them; nothing is typed by hand. A week the data
do not reach says so once. Lists are complete, or name the first few and end with 等 and the
total; ties are named as ties; a rate over too few cases carries its counts. The Chinese follows
the layout of a government notice (一、二、三 sections, （一）（二） sub-items); the English is a
plain rendering of the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from layouts.formatting import counts_text, indicator_name, shown_change, value_with_unit
from layouts.i18n import TEXT, Lang
from layouts.places import joined_places, place_name
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS, PERCENT, YUAN
from metrics.targets import MIN_SAMPLE, too_few
from metrics.weekly import (
    CITY_HALL_NAME,
    COUNTY_HALLS_NAME,
    DOMAIN_ORDER,
    HEADLINE,
    OWN_HALL_NAMES,
    Card,
    Flag,
    Ranking,
    WeeklyReport,
    laggards,
    leaders,
    newly_red,
)

Section = tuple[str, list[str]]
CHINESE_NUMERALS = "一二三四五六七八九十"
LIST_LIMIT = 5  # names listed in a sentence before "等"
MOVERS_SHOWN = 3
NO_DATA = ("本周无数据。", "No data for this week.")
OWN_HALLS_EN = {CITY_HALL_NAME: "the city hall", COUNTY_HALLS_NAME: "the county halls"}


def _zh(lang: Lang) -> bool:
    return lang == "zh"


def _villages(n: int) -> str:
    return "1 village" if n == 1 else f"{n} villages"


def listing(items: list[str], lang: Lang, total: int | None = None) -> str:
    """“A、B、C”, or “A、B、C、D、E等12个” when there are more than LIST_LIMIT (or than shown)."""
    total = len(items) if total is None else total
    shown = ("、" if _zh(lang) else ", ").join(items[:LIST_LIMIT])
    if total > min(len(items), LIST_LIMIT):
        return (f"{shown}等{total}个" if _zh(lang)
                else f"{shown} and {total - min(len(items), LIST_LIMIT)} more")
    return shown


def _value(indicator_id: str, value: float | None, lang: Lang,
           numerator: float | None = None, denominator: float | None = None) -> str:
    """The value with its unit; a rate over too few cases adds its counts."""
    text = value_with_unit(indicator_id, value, lang)
    if too_few(indicator_id, denominator):
        counts = counts_text(numerator, denominator)
        return (f"{text}（{counts}，样本不足）" if _zh(lang)
                else f"{text} ({counts}, too few cases)")
    return text


def _delta(indicator_id: str, value: float | None, base: float | None, lang: Lang,
           against: tuple[str, str]) -> str:
    """“较上周上升0.3个百分点” / “up 0.3 pp on last week”; empty without both values."""
    if value is None or base is None:
        return ""
    unit = INDICATORS[indicator_id].unit
    # the change between the figures as printed, so that the reader's subtraction agrees
    delta = shown_change(indicator_id, value, base)
    if unit is PERCENT:
        size = f"{abs(delta):.1f}{'个百分点' if _zh(lang) else ' pp'}"
    elif unit is YUAN:
        size = f"{abs(delta):,.2f}{'万元' if _zh(lang) else ' 10k yuan'}"
    else:
        size = value_with_unit(indicator_id, abs(delta), lang)
    zh_against, en_against = against
    if delta == 0:
        return f"与{zh_against}持平" if _zh(lang) else f"level with {en_against}"
    if _zh(lang):
        up, down = ("上升", "下降") if unit is PERCENT else ("增加", "减少")
        return f"较{zh_against}{up if delta > 0 else down}{size}"
    return f"{'up' if delta > 0 else 'down'} {size} on {en_against}"


def _period_phrase(ranking: Ranking, lang: Lang) -> str:
    rule = DOMAIN_BY_ID[INDICATORS[ranking.indicator_id].domain].weekly
    period = rule.period if rule else "week"
    if period == "latest_annual":
        return f"{ranking.period}年度" if _zh(lang) else f"in {ranking.period}"
    if period == "year_to_date":
        last_day = ranking.period.split("~")[-1]
        return f"本年累计（截至{last_day}）" if _zh(lang) else f"this year to {last_day}"
    return "本周" if _zh(lang) else "this week"


def _county_clause(ranking: Ranking, lang: Lang) -> str:
    indicator_id = ranking.indicator_id
    rule = DOMAIN_BY_ID[INDICATORS[indicator_id].domain].weekly
    annual = rule is not None and rule.period == "latest_annual"
    # A rate over a handful of cases moves by tens of points on one case: no comparison.
    noisy = too_few(indicator_id, ranking.county_denominator)
    parts = [] if noisy else [_delta(indicator_id, ranking.county, ranking.county_previous, lang,
                    ("上周", "last week")) if not annual else "",
             _delta(indicator_id, ranking.county, ranking.county_year_before, lang,
                    ("去年同期", "a year earlier"))]
    changes = ("，" if _zh(lang) else ", ").join(p for p in parts if p)
    value = _value(indicator_id, ranking.county, lang, ranking.county_numerator,
                   ranking.county_denominator)
    if _zh(lang):
        return (f"{indicator_name(indicator_id, lang)}{value}"
                + (f"（{changes}）" if changes else ""))
    return f"{indicator_name(indicator_id, lang)} {value}" + (f" ({changes})" if changes else "")


def overall(report: WeeklyReport, lang: Lang) -> list[str]:
    paragraphs: list[str] = []
    for domain in DOMAIN_ORDER:
        rankings = [r for r in report.rankings if INDICATORS[r.indicator_id].domain == domain
                    and r.county is not None]
        if not rankings:
            continue
        zh, en = DOMAIN_BY_ID[domain].names
        clauses = [_county_clause(r, lang) for r in rankings]
        phrase = _period_phrase(rankings[0], lang)
        if _zh(lang):
            paragraphs.append(f"{zh}：{phrase}，全市" + "；".join(clauses) + "。")
        else:
            paragraphs.append(f"{en.capitalize()}, {phrase}: city " + "; ".join(clauses) + ".")
    return paragraphs


# What the rankings rank, by the report's ranked level: (Chinese, in full, English one,
# English many).
RANKED_NOUNS = {"township": ("乡镇", "乡镇（街道、开发区）", "township", "townships"),
                "county": ("县（市、区）", "县（市、区）", "county", "counties"),
                "prefecture": ("市（州）", "市（州）", "prefecture", "prefectures")}


def ranked_noun(level: str, lang: Lang, many: bool = True, full: bool = False) -> str:
    zh, zh_full, one, several = RANKED_NOUNS[level]
    return (zh_full if full else zh) if _zh(lang) else several if many else one


def _group_text(group: list[Card], indicator_id: str, lang: Lang, level: str) -> str:
    """“第1名绣林街道（100.0%）” or “第1名绣林街道、东升镇等5个乡镇并列（100.0%）”."""
    first = group[0]
    value = _value(indicator_id, first.value, lang, first.numerator, first.denominator)
    names = [place_name(c.name, lang) for c in group]
    if len(group) == 1:
        return (f"第{first.rank}名{first.name}（{value}）" if _zh(lang)
                else f"#{first.rank} {place_name(first.name, lang)} ({value})")
    if _zh(lang):
        tied = listing(names, lang) if len(names) > LIST_LIMIT else "、".join(names)
        count = "" if len(names) > LIST_LIMIT else f"{len(names)}个"
        return f"第{first.rank}名{tied}{count}{ranked_noun(level, lang)}并列（{value}）"
    return f"#{first.rank} {listing(names, lang)}, {len(names)} tied ({value})"


def standings(report: WeeklyReport, lang: Lang) -> list[str]:
    paragraphs: list[str] = []
    for domain in DOMAIN_ORDER:
        ranking = report.ranking(HEADLINE[domain])
        if ranking is None:
            continue
        top, bottom = leaders(ranking), laggards(ranking)
        indicator_id = ranking.indicator_id
        name = indicator_name(indicator_id, lang)
        zh, en = DOMAIN_BY_ID[domain].names
        few = [place_name(c.name, lang) for c in ranking.cards if c.few]
        number = len(paragraphs)
        unit, one = ranked_noun(report.ranked_level, lang), ranked_noun(report.ranked_level,
                                                                          lang, many=False)
        if not top:
            if few:
                paragraphs.append(
                    f"（{CHINESE_NUMERALS[number]}）{zh}。{name}：各{unit}的分母均少于{MIN_SAMPLE}件，"
                    f"样本不足，未作排名评价。" if _zh(lang) else
                    f"({number + 1}) {en.capitalize()}, {name}: every {one} has fewer than "
                    f"{MIN_SAMPLE} cases; not ranked.")
            continue
        separator = "；" if _zh(lang) else "; "
        best = separator.join(_group_text(g, indicator_id, lang, report.ranked_level)
                              for g in top)
        worst = separator.join(_group_text(g, indicator_id, lang, report.ranked_level)
                               for g in bottom)
        if _zh(lang):
            text = f"（{CHINESE_NUMERALS[number]}）{zh}。{name}排名靠前的是：{best}"
            text += f"。末位（后三位，并列同计）：{worst}" if worst else ""
            text += (f"。{listing(few, lang)}的分母少于{MIN_SAMPLE}件，样本不足，未作评价"
                     if few else "")
            text += "。"
        else:
            text = f"({number + 1}) {en.capitalize()}, {name}. Leading: {best}"
            text += f". Bottom three (ties included): {worst}" if worst else ""
            text += (f". Too few cases (under {MIN_SAMPLE}) to assess: {listing(few, lang)}"
                     if few else "")
            text += "."
        paragraphs.append(text)
    return paragraphs


def _spread(flag: Flag, lang: Lang, zh_unit: str) -> str:
    """Where a flag's rows are (_where)."""
    places = {row.township_code: row.places() for row in flag.rows}
    counts = sorted(flag.by_township().items(), key=lambda item: (-item[1], item[0]))
    return _where([(places[code], n) for code, n in counts], lang, zh_unit)


def _where(counts: list[tuple[tuple[str, ...], int]], lang: Lang, zh_unit: str) -> str:
    """Where things are, (place, count) the biggest first, a place its names (a township's, at
    a prefecture its county's first): “涉及3个乡镇：绣林街道5项、桃花山镇4项、东升镇3项” when
    every township fits, else “涉及8个乡镇，其中绣林街道5项、……等”."""
    own = [place[-1] for place, _ in counts if place[-1] in OWN_HALL_NAMES]
    towns = len(counts) - len(own)
    if _zh(lang):
        where = f"{towns}个乡镇" + (f"及{own[0]}" if own else "")
    else:
        where = f"{towns} townships" + (f" and {OWN_HALLS_EN[own[0]]}" if own else "")
    parts = [f"{joined_places(place, lang)}{n}{zh_unit}" if _zh(lang)
             else f"{joined_places(place, lang)} {n}" for place, n in counts[:LIST_LIMIT]]
    if _zh(lang):
        if len(counts) <= LIST_LIMIT:
            return f"涉及{where}：{'、'.join(parts)}"
        return f"涉及{where}，其中{'、'.join(parts)}等"
    if len(counts) <= LIST_LIMIT:
        return f"in {where}: {', '.join(parts)}"
    return f"in {where}, including {', '.join(parts)}"


def _flag_sentence(flag: Flag, report: WeeklyReport, lang: Lang) -> str:
    n = flag.count
    zh = _zh(lang)
    if flag.kind == "new_overdue_cases":
        if not n:
            return ("本周没有到期未按期办结的办件。" if zh
                    else "No service case fell due this week without being finished on time.")
        return (f"本周到期未按期办结的办件{n}件，{_spread(flag, lang, '件')}。" if zh else
                f"{n} service cases fell due this week without being finished on time, "
                f"{_spread(flag, lang, '件')}.")
    if flag.kind == "overdue_rectifications":
        if not n:
            return (f"截至{report.last_day}，没有逾期未整改的抽查问题。" if zh else
                    f"No rectification was overdue on {report.last_day}.")
        return (f"截至{report.last_day}，逾期未整改的抽查问题{n}项，"
                f"{_spread(flag, lang, '项')}。" if zh else
                f"{n} rectifications were overdue on {report.last_day}, "
                f"{_spread(flag, lang, '项')}.")
    if flag.kind == "inactive_villages":
        if not n:
            return (f"本月（截至{report.last_day}）各村（社区）均开展了志愿服务活动。" if zh else
                    f"Every village held a volunteer activity this month to {report.last_day}.")
        return (f"本月（截至{report.last_day}）尚未开展志愿服务活动的村（社区）{n}个，"
                f"{_spread(flag, lang, '个')}。" if zh else
                f"{_villages(n)} {'has' if n == 1 else 'have'} held no volunteer activity this "
                f"month to {report.last_day}, {_spread(flag, lang, '个')}.")
    if flag.kind == "fell_below_50k":
        if not n:
            return ("没有村集体经营性收入跌破5万元的村。" if zh
                    else "No village fell below 50,000 yuan.")
        year = flag.rows[0].date
        names = [f"{joined_places(r.places(), lang)}{r.subject}" if zh
                 else f"{place_name(r.subject, lang)} in {joined_places(r.places(), lang)}"
                 for r in flag.rows]
        return (f"{year}年度村集体经营性收入跌破5万元的村{n}个：{listing(names, lang)}。" if zh else
                f"{_villages(n)} fell below 50,000 yuan in {year}: {listing(names, lang)}.")
    unit, one = ranked_noun(report.ranked_level, lang), ranked_noun(report.ranked_level, lang,
                                                                      many=False)
    if not n:
        return f"没有连续三周亮红灯的{unit}。" if zh else f"No {one} was red three weeks running."
    by_township: dict[str, list[str]] = {}
    for row in flag.rows:
        by_township.setdefault(place_name(row.township, lang), []).append(
            indicator_name(row.subject, lang))
    items = [f"{town}（{'、'.join(names)}）" if zh else f"{town} ({', '.join(names)})"
             for town, names in by_township.items()]
    return (f"连续三周亮红灯{n}项次，涉及{len(by_township)}个{unit}：{'；'.join(items)}。" if zh
            else f"{n} indicators were red three weeks running, in {len(by_township)} {unit}: "
            f"{'; '.join(items)}.")


def red_flags(report: WeeklyReport, lang: Lang) -> list[str]:
    covered = [flag for flag in report.flags if flag.covered]
    return [f"{number}. {_flag_sentence(flag, report, lang)}"
            for number, flag in enumerate(covered, start=1)]


LEDGER_COUNTS = ("opened", "closed_on_time", "closed_late", "overdue")


def follow_ups(report: WeeklyReport, ledger: Sequence[Mapping[str, Any]] | None,
               lang: Lang) -> list[str]:
    """The week's 督办 items from the counts by township that the ledger's section of the
    report shows (stored with an export), never counted again; nothing when no item counts."""
    if not ledger:
        return []
    total = {key: sum(int(row[key]) for row in ledger) for key in LEDGER_COUNTS}
    late = sorted(((str(row["township_code"]), str(row["township"]), int(row["overdue"]))
                   for row in ledger if int(row["overdue"])), key=lambda r: (-r[2], r[0]))
    opened, on_time, closed_late = total["opened"], total["closed_on_time"], total["closed_late"]
    closed = on_time + closed_late
    where = _where([((name,), n) for _, name, n in late], lang, "项")
    if _zh(lang):
        text = (f"本周新交办督办事项{opened}项，办结{closed}项"
                + (f"，其中按期办结{on_time}项、超期办结{closed_late}项。" if closed else "。"))
        text += (f"截至{report.last_day}，超期未办结{total['overdue']}项，{where}。" if late
                 else f"截至{report.last_day}，没有超期未办结的督办事项。")
        return [text]
    text = (f"{opened} follow-up items were opened this week; {closed} were closed"
            + (f", {on_time} on time and {closed_late} late." if closed else "."))
    text += (f" {total['overdue']} were overdue on {report.last_day}, {where}." if late
             else f" None was overdue on {report.last_day}.")
    return [text]


def _movers(report: WeeklyReport) -> tuple[list[tuple[Card, str]], list[tuple[Card, str]]]:
    moves = [(card, r.indicator_id) for r in report.rankings for card in r.cards
             if card.rank_change]
    up = sorted((m for m in moves if (m[0].rank_change or 0) > 0),
                key=lambda m: (-(m[0].rank_change or 0), m[0].name))
    down = sorted((m for m in moves if (m[0].rank_change or 0) < 0),
                  key=lambda m: ((m[0].rank_change or 0), m[0].name))
    return up, down


def _moved_text(items: list[tuple[Card, str]], lang: Lang) -> str:
    parts = []
    for card, indicator_id in items[:MOVERS_SHOWN]:
        change = card.rank_change or 0  # never 0: _movers keeps the cards that moved
        name = indicator_name(indicator_id, lang)
        parts.append(f"{card.name}{name}{'上升' if change > 0 else '下降'}{abs(change)}位"
                     if _zh(lang) else
                     f"{place_name(card.name, lang)} {abs(change)} places on {name}")
    text = ("、" if _zh(lang) else "; ").join(parts)
    if len(items) > MOVERS_SHOWN:
        text += f"等，共{len(items)}项次" if _zh(lang) else f" ({len(items)} in all)"
    return text


def changes(report: WeeklyReport, lang: Lang) -> list[str]:
    zh = _zh(lang)
    compared = [r for r in report.rankings if any(c.previous_rank is not None for c in r.cards)]
    paragraphs: list[str] = []
    if report.compared_with:
        paragraphs.append(f"上周数据以会议材料（导出{report.compared_with}）为准。" if zh else
                          f"Last week's figures are those presented (export "
                          f"{report.compared_with}).")
    elif compared:
        paragraphs.append("上周数据为按现有数据重新计算的结果（上周未标记会议材料）。" if zh else
                          "Last week's figures are recomputed from the data (no meeting copy "
                          "was marked).")
    if report.corrections:
        names = listing([indicator_name(i, lang) for i in report.corrections], lang)
        paragraphs.append(f"上周材料呈报后，以下指标的上周数据有更新：{names}。" if zh else
                          f"Since last week's meeting, last week's data changed for: {names}.")
    if not compared:
        return paragraphs
    up, down = _movers(report)
    if up:
        paragraphs.append(f"排名上升较多的：{_moved_text(up, lang)}。" if zh else
                          f"Moved up most: {_moved_text(up, lang)}.")
    if down:
        paragraphs.append(f"排名下降较多的：{_moved_text(down, lang)}。" if zh else
                          f"Fell most: {_moved_text(down, lang)}.")
    if not up and not down:
        paragraphs.append(f"各{ranked_noun(report.ranked_level, lang)}排名没有超出容差的变化。"
                          if zh else "No rank changed beyond the tolerance.")
    fresh = newly_red(report)
    if fresh:
        items = [f"{card.name}（{indicator_name(i, lang)}）" if zh
                 else f"{place_name(card.name, lang)} ({indicator_name(i, lang)})"
                 for card, i in fresh]
        paragraphs.append(f"本周新亮红灯的：{listing(items, lang)}。" if zh else
                          f"Newly red this week: {listing(items, lang)}.")
    else:
        noun = ranked_noun(report.ranked_level, lang, many=False)
        paragraphs.append(f"本周没有新亮红灯的{noun}。" if zh
                          else f"No {noun} turned red this week.")
    return paragraphs


def requirement(level: str, lang: Lang) -> str:
    if _zh(lang):
        return (f"请末位和亮红灯的{ranked_noun(level, lang, full=True)}对照本通报问题清单，"
                "逐项明确责任人和完成时限，于下周调度会前将整改情况报市督导办。")
    return (f"{ranked_noun(level, lang).capitalize()} in the bottom three or red are asked to "
            "name an owner and a date for each item above and report progress to the oversight "
            "office before next week's meeting.")


def headings(level: str) -> tuple[tuple[str, str], ...]:
    ranked = (f"各{ranked_noun(level, 'zh', full=True)}排名情况",
              f"{ranked_noun(level, 'en', many=False).capitalize()} standings")
    return (("总体情况", "Overall"), ranked, ("需要关注的问题", "Red flags"),
            TEXT["duban_section"], ("与上周相比的变化", "Changes since last week"),
            ("工作要求", "Requests"))


def title_lines(report: WeeklyReport, lang: Lang) -> list[str]:
    year, week = report.week.split("-W")
    if _zh(lang):
        return [f"{report.area}农村公共服务督导周通报",
                f"{year}年第{int(week)}周（{report.first_day}至{report.last_day}）",
                f"数据更新于 {report.data_as_of}"]
    return [(f"{report.area_en} rural" if report.area_en else "Rural")
            + " public services: weekly bulletin",
            f"{year} week {int(week)} ({report.first_day} to {report.last_day})",
            f"Data as of {report.data_as_of}"]


def bulletin_sections(report: WeeklyReport, lang: Lang,
                      ledger: Sequence[Mapping[str, Any]] | None = None) -> list[Section]:
    """The notice's sections that have something to say, numbered in order; a week the data do
    not reach is one sentence. ledger: the week's 督办 counts by township (follow_ups)."""
    if not report.has_data:
        return [("", [NO_DATA[0] if _zh(lang) else NO_DATA[1]])]
    bodies = (overall(report, lang), standings(report, lang), red_flags(report, lang),
              follow_ups(report, ledger, lang), changes(report, lang),
              [requirement(report.ranked_level, lang)])
    sections: list[Section] = []
    for (zh, en), body in zip(headings(report.ranked_level), bodies, strict=True):
        if not body:
            continue
        number = len(sections)
        heading = (f"{CHINESE_NUMERALS[number]}、{zh}" if _zh(lang) else f"{number + 1}. {en}")
        sections.append((heading, body))
    return sections


def bulletin_text(report: WeeklyReport, lang: Lang,
                  ledger: Sequence[Mapping[str, Any]] | None = None) -> str:
    """The bulletin as plain text, for copying into a document."""
    lines = [*title_lines(report, lang), ""]
    for heading, paragraphs in bulletin_sections(report, lang, ledger):
        if heading:
            lines.append(heading)
        lines += [("　　" if _zh(lang) else "") + p for p in paragraphs]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
