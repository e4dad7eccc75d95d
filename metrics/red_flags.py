"""The red flags that more than one page counts, each defined once: what it counts, as of
which day, and its definition in Chinese and English (on hover; printed on the wall).

As-of day (统计日). A flag counts the state at the end of its as-of day: a deadline on that
day has not passed yet, a rectification done on that day is done. The weekly report, its
township pages and the wall count as of the week's Sunday (`flag_as_of`); /inspections and
the worklist as of today, or of the day in their URL (`?as_of=YYYY-MM-DD`, `parse_as_of`).
On the same as-of day every page shows the same number.

- overdue_rectifications (逾期未整改): ordered to rectify (责令整改), the deadline before the
  as-of day, not rectified on or before it; objects of every year's draws.
  `overdue_rectification` is the one test, over rows read by data_access.
- new_overdue_cases (本周到期未按期办结): the promised date in the week (Monday to Sunday) and
  the case not finished by it: finished on a later day, or still 办理中 (不予受理 and 退件 are
  closed without being handled and do not count). One SQL query:
  data_access.weekly.new_overdue_cases.
- inactive_villages (本月无志愿服务活动的村（社区）): stations with no activity from the 1st of
  the as-of day's month through that day (metrics.weekly.inactive_this_month).

Time overdue is counted in one unit everywhere: working days (metrics/workdays.py: China's
holidays and 调休), calendar days beside it in brackets (`days_late`, `late_detail`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.periods import Period
from metrics.vocabulary import RECTIFY_DISPOSAL
from metrics.workdays import working_days_between_array


@dataclass(frozen=True)
class FlagDefinition:
    """What a flag counts and as of which day, in Chinese and English."""

    kind: str
    definition_zh: str
    definition_en: str
    as_of_zh: str
    as_of_en: str

    def definition(self, lang: str) -> str:
        return self.definition_en if lang == "en" else self.definition_zh

    def as_of_rule(self, lang: str) -> str:
        return self.as_of_en if lang == "en" else self.as_of_zh

    def explained(self, lang: str) -> str:
        """The definition and its as-of day, as a hover or a note says it."""
        return f"{self.definition(lang)} {self.as_of_rule(lang)}"


_AS_OF_WEEK_ZH = "统计日：周报和大屏为该周周日，督办清单和双随机页为当日（或网址中的 as_of 日）。"
_AS_OF_WEEK_EN = ("As-of day: the week's Sunday on the weekly report and the wall; today (or the "
                  "URL's as_of day) on the worklist and /inspections.")

FLAG_DEFINITIONS: dict[str, FlagDefinition] = {d.kind: d for d in (
    FlagDefinition(
        "overdue_rectifications",
        "后续处置为“责令整改”、整改期限早于统计日、且统计日（含）之前未完成整改的检查对象，不分抽取年度。"
        "逾期时长按工作日计（国家法定节假日和调休），括号内为日历天数。",
        "Objects ordered to rectify (责令整改) whose deadline is before the as-of day and that "
        "were not rectified on or before it, whatever the year of the draw. Time overdue in "
        "working days (China's holidays and 调休), calendar days in brackets.",
        _AS_OF_WEEK_ZH, _AS_OF_WEEK_EN),
    FlagDefinition(
        "new_overdue_cases",
        "承诺办结日在该周（周一至周日）内、未在承诺办结日当天或之前办结的办件：办结日晚于承诺日，或仍在办理中；"
        "不予受理、退件不计。不同于政务服务页的“期内超期件”（期内超期办结的办件，加上截至期末仍未办结且已过承诺期限的"
        "办件）。",
        "Cases whose promised date falls in the week (Monday to Sunday) and that were not "
        "finished by it: finished on a later day, or still being handled; refused and returned "
        "cases do not count. Not the services page's 'overdue in the period' (finished late in the "
        "period, plus open past the promised date at its end).",
        "统计日：该周周日（承诺日在本周内的办件；之后办结的仍计入）。",
        "As of the week's Sunday (cases promised within the week; finishing later does not "
        "remove them)."),
    FlagDefinition(
        "inactive_villages",
        "当月 1 日至统计日没有开展志愿服务活动的村（社区）志愿服务站。"
        "不同于志愿服务页的“30 天无活动”。",
        "Village and community stations with no volunteer activity from the 1st of the month "
        "through the as-of day. Not the volunteers page's '30 days without activity'.",
        "统计日：该周周日，“本月”为周日所在月份。",
        "As of the week's Sunday; 'this month' is the Sunday's month."),
    FlagDefinition(
        "fell_below_50k",
        "最近一个年度报表中经营性收入低于5万元、而上一年度不低于5万元的村委会。",
        "village committees whose operating revenue is below 50,000 yuan in the latest annual "
        "report and was at least 50,000 yuan the year before.",
        "统计日：该周周日时已完成的最近一个年度报表。",
        "The latest annual report complete by the week's Sunday."),
    FlagDefinition(
        "red_three_weeks",
        "按周或本年累计统计、有目标值的指标中，连续三周亮红灯的乡镇与指标（每个乡镇·指标计1项次）；"
        "年度指标每周为同一报表，不计。",
        "Townships red on an indicator with a target, reported by week or year to date, three "
        "weeks running (one per township and indicator); annual figures, the same report every "
        "week, do not count.",
        "统计日：该周及之前两周的周日。",
        "The week's Sunday and the two Sundays before."),
)}


def flag_as_of(week: Period) -> dt.date:
    """The as-of day of a week's red flags: its Sunday (the week's last day)."""
    return week.last_day


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_as_of(text: str | None, today: dt.date) -> dt.date:
    """The as-of day a URL asks for (YYYY-MM-DD, on or before today); today otherwise."""
    if not text or not _DAY.match(text):
        return today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return today
    return min(day, today)


def overdue_rectification(rows: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """Row by row: the object is an overdue rectification at the end of `as_of`. Columns:
    disposal, rectify_due, rectified_on (dates or None)."""
    day = pd.Timestamp(as_of)
    ordered = rows["disposal"].eq(RECTIFY_DISPOSAL)
    due = pd.to_datetime(rows["rectify_due"])
    done = pd.to_datetime(rows["rectified_on"]) <= day  # NaT (not rectified) is False
    return (ordered & (due < day) & ~done).astype(bool)


def _days(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).to_numpy(dtype="datetime64[D]")


def days_late(due: pd.Series, as_of: dt.date) -> pd.DataFrame:
    """Time past each deadline at `as_of`: working_days_late (working days after the deadline
    up to and including as_of) and calendar_days_late; negative before the deadline, NaN
    without one."""
    days = _days(due)
    known = ~np.isnat(days)
    working = np.full(len(days), np.nan)
    calendar = np.full(len(days), np.nan)
    until = np.full(int(known.sum()), np.datetime64(as_of, "D"))
    working[known] = working_days_between_array(days[known], until)
    calendar[known] = (until - days[known]).astype(np.int64)
    return pd.DataFrame({"working_days_late": working, "calendar_days_late": calendar},
                        index=due.index)


def late_detail(working: int, calendar: int) -> str:
    """A flag row's time overdue, language-neutral: "12 (17)" is 12 working days (17 days)."""
    return f"{int(working)} ({int(calendar)})"


_DETAIL = re.compile(r"^(-?\d+) \((-?\d+)\)$")


def parse_late_detail(text: str) -> tuple[int, int] | None:
    """(working days, calendar days) of a `late_detail` text; None for anything else."""
    match = _DETAIL.match(text.strip())
    return None if match is None else (int(match.group(1)), int(match.group(2)))
