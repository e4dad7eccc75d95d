"""The weekly report's rules: report periods, rank cards, red streaks, red flags, the model's
JSON round trip and the bulletin built from it."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from layouts.bulletin import bulletin_sections, bulletin_text
from metrics.periods import parse_period
from metrics.weekly import (
    Card,
    Flag,
    FlagRow,
    Ranking,
    WeeklyReport,
    fell_below_weak_line,
    inactive_this_month,
    laggards,
    leaders,
    rank_cards,
    red_streaks,
    report_periods,
)

NAMES = pd.Series({f"42108110{i}000": f"镇{i}" for i in range(6)})


def test_report_periods_follow_each_domain() -> None:
    week = parse_period("2026-W45")
    assert [p.label for p in report_periods("services", week, 2025)] == [
        "2026-W45", "2026-W44", "2025-W45"]
    current, previous, earlier = report_periods("inspections", week, 2025)
    assert (current.start, current.last_day) == (dt.date(2026, 1, 1), dt.date(2026, 11, 8))
    assert previous.last_day == dt.date(2026, 11, 1)
    assert (earlier.start, earlier.last_day) == (dt.date(2025, 1, 1), dt.date(2025, 11, 8))
    assert [p.label for p in report_periods("income", week, 2025)] == ["2025", "2025", "2024"]
    assert report_periods("income", week, None) is None


def test_rank_cards_rank_best_first_with_target_status_and_rank_change() -> None:
    codes = list(NAMES.index)
    current = pd.Series([99.9, 99.8, 99.7, 98.6, 97.0, None], index=codes)
    previous = pd.Series([97.0, 99.8, 99.7, 99.6, 99.9, 99.5], index=codes)
    cards = rank_cards("service_on_time_rate", current, NAMES, previous)
    assert [c.code for c in cards] == codes  # best first, no value last
    assert [c.rank for c in cards] == [1, 2, 3, 4, 5, None]
    # Against the target 99.5 (warning 98.0); 末位 (the bottom three) turns a miss red, never a
    # met target: 99.7 is 末位 and green.
    assert [c.bottom for c in cards] == [False, False, True, True, True, False]
    assert [c.status for c in cards] == ["green", "green", "green", "red", "red", "none"]
    assert cards[0].rank_change == 5  # sixth of six last week, first now, up 2.9 pp
    assert cards[4].rank_change == -4
    assert cards[5].rank_change is None
    # 99.7 moved 0 pp: its rank change does not count
    assert cards[2].rank_change == 0


def test_rank_cards_take_the_presented_ranks_when_given() -> None:
    codes = list(NAMES.index[:4])
    current = pd.Series([4.0, 3.0, 2.0, 1.0], index=codes)
    presented = pd.Series([1, 2, 3, 4], index=codes, dtype=float)
    cards = rank_cards("volunteer_activities", current, NAMES, current * 2, None, presented)
    assert [c.rank_change for c in cards] == [0, 0, 0, 0]
    assert all(c.status == "none" for c in cards)  # a volume without a target


def test_lower_is_better_ranks_ascending() -> None:
    codes = list(NAMES.index[:4])
    cards = rank_cards("villages_below_50k", pd.Series([3, 0, 1, 2], index=codes), NAMES)
    assert [c.code for c in cards] == [codes[1], codes[2], codes[3], codes[0]]


def test_red_streaks_need_three_red_weeks() -> None:
    weeks = [{"a": "red", "b": "red"}, {"a": "red", "b": "green"}, {"a": "red", "b": "red"}]
    assert red_streaks(weeks) == ["a"]
    assert red_streaks(weeks[:2]) == []


def test_fell_below_the_weak_line_only_from_above() -> None:
    current = pd.Series({"v1": 40_000, "v2": 45_000, "v3": 60_000, "v4": 30_000})
    previous = pd.Series({"v1": 50_000, "v2": 49_999, "v3": 80_000})
    assert list(fell_below_weak_line(current, previous)) == ["v1"]


def test_inactive_this_month_counts_from_the_first_of_the_month() -> None:
    last = pd.Series(pd.to_datetime(["2026-11-01 09:00", "2026-10-31 18:00", None]))
    assert list(inactive_this_month(last, dt.date(2026, 11, 8))) == [False, True, True]


def _report() -> WeeklyReport:
    cards = tuple(Card(code, name, value, rank, status, previous, previous_rank, before,
                       previous_status="green" if previous and previous > 99.5 else "red")
                  for code, name, value, rank, status, previous, previous_rank, before in [
                      ("421081100000", "东升镇", 99.9, 1, "green", 99.0, 3, 99.1),
                      ("421081101000", "横沟市镇", 99.8, 2, "green", 99.8, 2, 99.0),
                      ("421081102000", "大垸镇", 99.0, 3, "red", 99.9, 1, 99.5),
                      ("421081103000", "小河口镇", 98.0, 4, "red", 97.0, 4, 99.9)])
    ranking = Ranking("service_on_time_rate", "2026-W45", "2026-W44", "2025-W45", 99.4, 99.1,
                      99.6, cards)
    flags = (Flag("new_overdue_cases", 2, (
                 FlagRow("421081102000", "大垸镇", "户籍迁移（A1）", "2026-11-03", ""),
                 FlagRow("421081102000", "大垸镇", "户籍迁移（A2）", "2026-11-04", ""))),
             Flag("overdue_rectifications", 0, ()), Flag("inactive_villages", 0, ()),
             Flag("fell_below_50k", 1, (FlagRow("421081103000", "小河口镇", "杨苗洲村委会",
                                                "2025", "4.14"),)),
             Flag("red_three_weeks", 1, (FlagRow("421081103000", "小河口镇",
                                                 "service_on_time_rate", "", "3"),)))
    return WeeklyReport("2026-W45", "2026-11-02", "2026-11-08", "2026-11-10 08:00",
                        (ranking,), flags, area="石首市", area_en="Shishou")


def test_the_report_survives_json() -> None:
    report = _report()
    assert WeeklyReport.from_json(json.loads(json.dumps(report.to_json()))) == report


def test_leaders_and_laggards_group_ties() -> None:
    ranking = _report().rankings[0]
    assert [[c.name for c in g] for g in leaders(ranking)] == [["东升镇"], ["横沟市镇"],
                                                               ["大垸镇"]]
    assert laggards(ranking) == []  # the cards were built without 末位
    codes = list(NAMES.index)
    tied = rank_cards("service_on_time_rate",
                      pd.Series([100.0, 100.0, 100.0, 100.0, 99.0, 98.0], index=codes), NAMES)
    tied_ranking = Ranking("service_on_time_rate", "2026-W45", "2026-W44", "2025-W45", 99.0,
                           None, None, tied)
    groups = leaders(tied_ranking)
    assert [len(g) for g in groups] == [4]  # four tied first fill the first three places
    # the bottom three by value are 98, 99 and the four at 100, but those tie with the best
    assert [[c.rank for c in g] for g in laggards(tied_ranking)] == [[6], [5]]


def test_the_bulletin_is_filled_from_the_report() -> None:
    report = _report()
    text = bulletin_text(report, "zh")
    assert text.startswith("石首市农村公共服务督导周通报\n2026年第45周（2026-11-02至2026-11-08）")
    assert "全市按时办结率99.4%（较上周上升0.3个百分点，较去年同期下降0.2个百分点）" in text
    assert ("按时办结率排名靠前的是：第1名东升镇（99.9%）；第2名横沟市镇（99.8%）；"
            "第3名大垸镇（99.0%）") in text
    assert "本周到期未按期办结的办件2件，涉及1个乡镇：大垸镇2件" in text
    assert "截至2026-11-08，没有逾期未整改的抽查问题" in text
    assert "2025年度村集体经营性收入跌破5万元的村1个：小河口镇杨苗洲村委会" in text
    assert "连续三周亮红灯1项次，涉及1个乡镇：小河口镇（按时办结率）" in text
    assert "排名上升较多的：东升镇按时办结率上升2位" in text
    assert "排名下降较多的：大垸镇按时办结率下降2位" in text
    # 大垸镇 was first last week (green), red now.
    assert "本周新亮红灯的：大垸镇（按时办结率）" in text
    headings = [h for h, _ in bulletin_sections(report, "zh")]
    assert headings == ["一、总体情况", "二、各乡镇（街道、开发区）排名情况", "三、需要关注的问题",
                        "四、与上周相比的变化", "五、工作要求"]


def test_the_bulletin_changes_with_the_figures() -> None:
    report = _report()
    ranking = report.rankings[0]
    changed = WeeklyReport(**{**report.__dict__, "rankings": (
        Ranking(**{**ranking.__dict__, "county": 98.7}),)})
    assert "全市按时办结率98.7%" in bulletin_text(changed, "zh")
    assert "city finished on time 98.7%" in bulletin_text(changed, "en")
