"""Every number and list in the 周通报 is a fact of the report model: the bulletin of an empty,
a partial and two busy weeks of the demo is parsed sentence by sentence and each count, name,
rank, tie and value is checked against the model it was written from."""

from __future__ import annotations

import re

import pytest

from data_access.db import get_engine
from data_access.weekly_report import weekly_report
from layouts.bulletin import LIST_LIMIT, NO_DATA, bulletin_sections, bulletin_text
from layouts.formatting import indicator_name, value_with_unit
from layouts.places import place_name
from metrics.domains import DOMAIN_BY_ID
from metrics.indicators import INDICATORS
from metrics.periods import parse_period
from metrics.weekly import (
    CITY_HALL_NAME,
    DOMAIN_ORDER,
    HEADLINE,
    Flag,
    FlagRow,
    WeeklyReport,
    laggards,
    newly_red,
)

EMPTY, PARTIAL, BUSY = "2016-W10", "2019-W10", ("2026-W45", "2026-W46")
FLAG_WORDS = {"new_overdue_cases": "到期未按期办结的办件", "overdue_rectifications": "逾期未整改",
              "inactive_villages": "尚未开展志愿服务活动", "fell_below_50k": "跌破5万元",
              "red_three_weeks": "连续三周亮红灯"}
SPREAD = re.compile(r"涉及(\d+)个乡镇(及市本级)?(?:：|，其中)(.+?)(等)?。")


@pytest.fixture(scope="module")
def reports(demo_database_url: str) -> dict[str, WeeklyReport]:
    engine = get_engine(demo_database_url)
    return {week: weekly_report(engine, parse_period(week))
            for week in (EMPTY, PARTIAL, *BUSY)}


def _paragraphs(report: WeeklyReport, heading_word: str) -> list[str]:
    return next((body for heading, body in bulletin_sections(report, "zh")
                 if heading_word in heading), [])


def test_an_empty_week_says_so_once(reports) -> None:
    report = reports[EMPTY]
    assert not report.has_data
    text = bulletin_text(report, "zh")
    assert text.count(NO_DATA[0]) == 1
    assert text.splitlines()[4:] == [f"　　{NO_DATA[0]}"]
    assert bulletin_text(report, "en").count(NO_DATA[1]) == 1


def test_a_partial_week_speaks_only_of_the_domains_its_data_reach(reports) -> None:
    report = reports[PARTIAL]
    reported = {INDICATORS[r.indicator_id].domain for r in report.rankings}
    assert reported == {"income"}  # 2019: the income report of 2018 and nothing else
    text = bulletin_text(report, "zh")
    for domain in ("services", "volunteers", "inspections"):
        assert DOMAIN_BY_ID[domain].name_zh + "：" not in text
    # nothing is said of flags whose period the data do not reach
    for flag in report.flags:
        said = FLAG_WORDS[flag.kind] in text or (flag.kind == "fell_below_50k"
                                                 and "跌破5万元的村" in text)
        assert said == flag.covered, flag.kind
    assert "0小时/千人" not in text


def _check_spread(flag: Flag, sentence: str) -> None:
    match = SPREAD.search(sentence)
    assert match, sentence
    towns, city_hall, listed, etc = match.groups()
    names = {row.township_code: row.township for row in flag.rows}
    counts = flag.by_township()
    assert int(towns) == sum(1 for n in names.values() if n != CITY_HALL_NAME)
    assert bool(city_hall) == (CITY_HALL_NAME in names.values())
    items = re.findall(r"([^、]+?)(\d+)[件项个]", listed)
    by_name = {names[code]: n for code, n in counts.items()}
    for name, n in items:
        assert by_name[name] == int(n), (name, sentence)
    if etc:  # a partial list: the first LIST_LIMIT, the biggest first
        assert len(items) == LIST_LIMIT < len(counts)
        shown = sorted((int(n) for _, n in items), reverse=True)
        assert min(shown) >= max(n for name, n in by_name.items()
                                 if name not in dict(items))
    else:  # a complete list
        assert len(items) == len(counts)
        assert sum(int(n) for _, n in items) == flag.count


@pytest.mark.parametrize("week", BUSY)
def test_every_flag_sentence_is_its_flag(reports, week) -> None:
    report = reports[week]
    sentences = _paragraphs(report, "需要关注的问题")
    assert len(sentences) == sum(1 for f in report.flags if f.covered)
    for flag, sentence in zip([f for f in report.flags if f.covered], sentences, strict=True):
        assert FLAG_WORDS[flag.kind] in sentence
        numbers = [int(n) for n in re.findall(r"(\d+)(?:件|项|个)", sentence)]
        if flag.count == 0:
            assert "没有" in sentence or "均" in sentence
            continue
        assert flag.count in numbers, sentence
        if flag.kind in ("new_overdue_cases", "overdue_rectifications", "inactive_villages"):
            _check_spread(flag, sentence)
        elif flag.kind == "fell_below_50k":
            listed = sentence.split("：", 1)[1].rstrip("。").split("、")
            assert len(listed) == flag.count if flag.count <= LIST_LIMIT else "等" in sentence
        else:
            towns = {row.township for row in flag.rows}
            assert f"{flag.count}项次，涉及{len(towns)}个乡镇" in sentence
            for town in towns:
                assert town in sentence


@pytest.mark.parametrize("week", BUSY)
def test_county_figures_and_standings_are_the_models(reports, week) -> None:
    report = reports[week]
    text = bulletin_text(report, "zh")
    for ranking in report.rankings:
        if ranking.county is not None:
            name = indicator_name(ranking.indicator_id, "zh")
            assert f"{name}{value_with_unit(ranking.indicator_id, ranking.county, 'zh')}" in text
    standings = _paragraphs(report, "排名情况")
    assert standings
    for paragraph in standings:
        domain = next(d for d in DOMAIN_ORDER if DOMAIN_BY_ID[d].name_zh in paragraph)
        ranking = report.ranking(HEADLINE[domain])
        assert ranking is not None
        cards = {c.name: c for c in ranking.cards}
        head, _, tail = paragraph.partition("末位")
        # the leaders are assessed townships; 末位 names the bottom three whatever the sample
        for part, assessed_only in ((head, True), (tail, False)):
            groups = re.findall(r"第(\d+)名([^（；。]+?)(?:(\d+)个乡镇并列)?（([^）]+)）", part)
            for rank, names, tied, value in groups:
                partial = names.endswith("等")
                group = names.removesuffix("等").split("、")
                for name in group:
                    card = cards[name]
                    assert card.rank == int(rank) and not (assessed_only and card.few)
                    assert value.startswith(value_with_unit(ranking.indicator_id, card.value,
                                                            "zh"))
                    assert ("样本不足" in value) == card.few
                same_rank = [c for c in ranking.cards if c.rank == int(rank)
                             and not (assessed_only and c.few)]
                if tied:  # ties named as ties, all of them or the first few and 等
                    assert int(tied) == len(same_rank) > 1
                    assert len(group) == (LIST_LIMIT if partial else len(same_rank))
                else:
                    assert len(same_rank) == len(group) == 1
        bottom = [c.name for g in laggards(ranking) for c in g]
        if "未作排名评价" in paragraph:  # every township under the sample size
            assert all(c.few for c in ranking.cards if c.value is not None)
        elif bottom:
            tail = paragraph.split("末位", 1)[1]
            assert all(name in tail for name in bottom)
        else:
            assert "末位" not in paragraph


@pytest.mark.parametrize("week", BUSY)
def test_the_changes_count_what_moved(reports, week) -> None:
    report = reports[week]
    text = "".join(_paragraphs(report, "变化"))
    up = sum(1 for r in report.rankings for c in r.cards if (c.rank_change or 0) > 0)
    down = sum(1 for r in report.rankings for c in r.cards if (c.rank_change or 0) < 0)
    for word, count in (("上升", up), ("下降", down)):
        total = re.search(rf"排名{word}较多的：.*?(?:等，共(\d+)项次)?。", text)
        if count == 0:
            assert f"排名{word}较多的" not in text
        elif count > 3:
            assert total and total.group(1) == str(count)


@pytest.mark.parametrize("week", BUSY)
def test_newly_red_means_not_red_last_week(reports, week) -> None:
    report = reports[week]
    fresh = {(card.code, indicator) for card, indicator in newly_red(report)}
    for ranking in report.rankings:
        for card in ranking.cards:
            was_red_or_unknown = card.previous_status not in ("green", "yellow")
            assert ((card.code, ranking.indicator_id) in fresh) == (
                card.status == "red" and not was_red_or_unknown)
    # nothing red three weeks running is "newly" red
    streak = {(row.township_code, row.subject) for row in report.flag("red_three_weeks").rows}
    assert not fresh & streak
    text = "".join(_paragraphs(report, "变化"))
    if fresh:
        sentence = text.split("本周新亮红灯的：", 1)[1].split("。", 1)[0]
        named = re.findall(r"([^、（]+)（([^）]+)）", sentence)
        assert len(named) == min(len(fresh), LIST_LIMIT)
        if len(fresh) > LIST_LIMIT:
            assert sentence.endswith(f"等{len(fresh)}个")


# --- the 督办 ledger's sentence -----------------------------------------------------------------

# The ledger section's counts by township (data_access.duban.week_summary's records), made up so
# that a bulletin counting the ledger again could not match them.
LEDGER = [
    {"township_code": "421081102000", "township": "东升镇", "opened": 0, "closed_on_time": 2,
     "closed_late": 0, "overdue": 5},
    {"township_code": "421081105000", "township": "调关镇", "opened": 3, "closed_on_time": 1,
     "closed_late": 2, "overdue": 2},
    {"township_code": "421081001000", "township": "绣林街道", "opened": 1, "closed_on_time": 0,
     "closed_late": 0, "overdue": 0},
]
LEDGER_COUNTS = re.compile(r"本周新交办督办事项(\d+)项，办结(\d+)项，其中按期办结(\d+)项、"
                           r"超期办结(\d+)项。")


def _total(key: str, ledger: list[dict] = LEDGER) -> int:
    return sum(row[key] for row in ledger)


def test_the_ledger_sentence_says_the_ledger_sections_counts(reports) -> None:
    report = reports[BUSY[0]]
    sections = bulletin_sections(report, "zh", LEDGER)
    headings = [heading for heading, _ in sections]
    at = next(i for i, heading in enumerate(headings) if "督办事项办理情况" in heading)
    assert "需要关注的问题" in headings[at - 1]  # after the red flags, numbered in turn
    assert headings[at].startswith(f"{'一二三四五六'[at]}、")
    [sentence] = sections[at][1]
    match = LEDGER_COUNTS.search(sentence)
    assert match, sentence
    opened, closed, on_time, late = (int(n) for n in match.groups())
    assert (opened, on_time, late) == (_total("opened"), _total("closed_on_time"),
                                       _total("closed_late"))
    assert closed == on_time + late
    overdue = sentence[match.end():]
    assert overdue.startswith(f"截至{report.last_day}，超期未办结{_total('overdue')}项，")
    # the townships with overdue items, the most first, each with its count
    rows = tuple(FlagRow(row["township_code"], row["township"], "", "", "")
                 for row in LEDGER for _ in range(row["overdue"]))
    _check_spread(Flag("duban", len(rows), rows), overdue)
    assert overdue.index("东升镇5项") < overdue.index("调关镇2项")
    assert "绣林街道" not in overdue
    assert sentence in bulletin_text(report, "zh", LEDGER)
    english = "".join(next(body for heading, body in bulletin_sections(report, "en", LEDGER)
                           if "Follow-up items" in heading))
    assert (f"{opened} follow-up items were opened this week; {closed} were closed, "
            f"{on_time} on time and {late} late.") in english
    # Places read in English with the Chinese after them (layouts/places.py).
    assert f"{_total('overdue')} were overdue on {report.last_day}, in 2 townships: " \
           f"{place_name('东升镇', 'en')} 5, {place_name('调关镇', 'en')} 2." in english
    assert "Dongsheng Town (东升镇) 5" in english


def test_the_ledger_sentence_is_left_out_when_no_item_counts(reports) -> None:
    report = reports[BUSY[0]]
    assert bulletin_sections(report, "zh", []) == bulletin_sections(report, "zh")
    assert "督办" not in bulletin_text(report, "zh", [])
    assert "Follow-up" not in bulletin_text(report, "en", None)
    none_overdue = [{**row, "overdue": 0} for row in LEDGER]
    text = bulletin_text(report, "zh", none_overdue)
    assert f"截至{report.last_day}，没有超期未办结的督办事项。" in text
    assert f"None was overdue on {report.last_day}." in bulletin_text(report, "en", none_overdue)
    none_closed = [{**row, "closed_on_time": 0, "closed_late": 0} for row in LEDGER]
    assert f"本周新交办督办事项{_total('opened')}项，办结0项。截至" in bulletin_text(
        report, "zh", none_closed)
