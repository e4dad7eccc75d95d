"""Every indicator (口径) defined once: id, names, unit, definition and a pure function.

Each function takes the aggregate counts of its domain (one row per division, as returned by
`data_access.aggregates`) and returns one value per row. Pages, the API, the weekly report and
the tests all go through this table, so a definition cannot drift between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics.vocabulary import BAD_RATING_MAX
from metrics.volunteers import per_thousand

# A domain's id; the domains themselves are declared in metrics/domains.py.
DomainId = str

# Collective-income tiers on 经营性收入, in yuan.
WEAK_BELOW = 50_000
STANDARD_FROM = 100_000
STRONG_FROM = 1_000_000
# Service halls: a rating of 4 or 5 (of 5) is good (好评); an instant case (即办件) done within
# this many hours of acceptance is done "within half a day" (一站式服务).
GOOD_RATING_FROM = 4
HALF_DAY_HOURS = 4
# Inspections: results are made public within 20 working days (企业信息公示暂行条例 第六条); the
# date is computed once, when results are imported, and stored as `publish_due`.
DISCLOSURE_WORKING_DAYS = 20


@dataclass(frozen=True)
class Unit:
    zh: str
    en: str


YUAN = Unit("元", "yuan")
PERCENT = Unit("%", "%")
VILLAGES = Unit("个村", "villages")
CASES = Unit("件", "cases")
ACTIVITIES = Unit("场", "activities")
HOURS = Unit("小时", "hours")
UNITS = Unit("个", "units")
HOURS_PER_THOUSAND = Unit("小时/千人", "hours per 1,000 residents")


@dataclass(frozen=True)
class Indicator:
    id: str
    domain: DomainId
    name_zh: str
    name_en: str
    unit: Unit
    definition_zh: str
    definition_en: str
    compute: Callable[[pd.DataFrame], pd.Series]
    higher_is_better: bool = True
    # Counted as things stand now whatever the period (the units' teams on the roll): there is
    # no change against a previous period to show.
    current: bool = False

    @property
    def is_rate(self) -> bool:
        return self.unit is PERCENT

    def counts(self, frame: pd.DataFrame) -> pd.DataFrame | None:
        """numerator and denominator of a rate per row of the aggregate; None for others."""
        if not isinstance(self.compute, Ratio):
            return None
        numerator, denominator = self.compute.counts(frame)
        return pd.DataFrame({"numerator": numerator, "denominator": denominator})


@dataclass(frozen=True)
class IndicatorValue:
    """An indicator's value for one division and period; None with a note when there is none."""

    indicator: Indicator
    value: float | None
    note_zh: str = ""
    note_en: str = ""
    numerator: float | None = None  # a rate's counts (Indicator.counts)
    denominator: float | None = None


def share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Percentage 0-100; NaN where there is nothing to divide by."""
    return _divided(numerator, denominator, 100.0)


def _divided(top: pd.Series, bottom: pd.Series, scale: float) -> pd.Series:
    """top × scale ÷ bottom, row by row; NaN where bottom is not above 0. Divided as arrays
    when both have the same rows (two columns of one frame, as indicators divide): pandas'
    aligned division and `where` cost some 0.3 ms a call, and a page makes dozens."""
    if not top.index.equals(bottom.index):
        bottom = bottom.astype(float)
        return top.astype(float) * scale / bottom.where(bottom > 0, np.nan)
    whole = bottom.to_numpy(dtype=float, na_value=np.nan)
    part = top.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        values = np.where(whole > 0, part * scale / whole, np.nan)
    return pd.Series(values, index=top.index, name=top.name if top.name == bottom.name else None)


def share_of(part: float | None, whole: float | None) -> float | None:
    """`share` of one pair of numbers: percentage 0-100; None where there is nothing to divide
    by (or no part)."""
    if part is None or whole is None or pd.isna(part) or pd.isna(whole) or whole <= 0:
        return None
    return float(part) * 100.0 / float(whole)


Column = str | Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Ratio:
    """A rate's computation, numerator ÷ denominator × 100, keeping its two counts: a rate over
    a handful of cases is shown with them (metrics.targets.MIN_SAMPLE)."""

    numerator: Column
    denominator: str
    # The denominator counts every unit there is (the villages, the stations), not the cases
    # that happened to come: 12 of 12 stations is the whole of it, never "too few".
    census: bool = False

    def counts(self, frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
        top = (frame[self.numerator] if isinstance(self.numerator, str)
               else self.numerator(frame))
        return top.astype(float), frame[self.denominator].astype(float)

    def __call__(self, frame: pd.DataFrame) -> pd.Series:
        return share(*self.counts(frame))


def mean(total: pd.Series, count: pd.Series) -> pd.Series:
    return _divided(total, count, 1.0)


def column(name: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: frame[name].astype(float)


def reported_count(name: str, units: str) -> Callable[[pd.DataFrame], pd.Series]:
    """A count among the units that reported (`units` of them): none where no unit did. A
    county without income reports has no weak villages to count, not 0 of them (which would
    rank it first and 达标)."""
    return lambda frame: frame[name].astype(float).where(frame[units] > 0)


_REVENUE = "经营性收入 = 经营收入 + 发包及上交收入 + 投资收益（不含补助收入）"
_REVENUE_EN = "operating revenue = operating + contracting + investment income (no subsidies)"
_ASSESSED = "考核范围为有当期报表的村委会（居委会、社区不考核村集体经济收入）"
_ASSESSED_EN = ("over village committees reporting for the period (residents' committees and "
                 "communities are not assessed)")

_ALL: tuple[Indicator, ...] = (
    Indicator(
        "collective_income_mean", "income", "村均集体经营性收入", "mean collective income",
        YUAN, f"{_REVENUE}；村均 = 合计 ÷ 村数。{_ASSESSED}。季度为截至季末累计数。",
        f"{_REVENUE_EN}; mean over villages, {_ASSESSED_EN}. Quarters are cumulative.",
        lambda f: mean(f["revenue_sum"], f["villages"]),
    ),
    Indicator(
        "villages_over_100k", "income", "经营性收入10万元以上村数", "villages at 100k yuan or more",
        VILLAGES, f"{_REVENUE} ≥ {STANDARD_FROM:,} 元的村委会个数。",
        f"village committees with {_REVENUE_EN} ≥ {STANDARD_FROM:,} yuan.",
        reported_count("over_100k", "villages"),
    ),
    Indicator(
        "villages_over_100k_share", "income", "10万元以上村占比", "share of villages at 100k+",
        PERCENT, f"经营性收入 ≥ {STANDARD_FROM:,} 元的村数 ÷ 考核村数 × 100%。{_ASSESSED}。",
        f"villages at ≥ {STANDARD_FROM:,} yuan ÷ villages assessed × 100, {_ASSESSED_EN}.",
        Ratio("over_100k", "villages", census=True),
    ),
    Indicator(
        "villages_over_1m", "income", "百万元村数", "villages at 1 million yuan or more", VILLAGES,
        f"{_REVENUE} ≥ {STRONG_FROM:,} 元的村委会个数（强村）。",
        f"village committees with {_REVENUE_EN} ≥ {STRONG_FROM:,} yuan.",
        reported_count("over_1m", "villages"),
    ),
    Indicator(
        "villages_below_50k", "income", "薄弱村数（不足5万元）", "weak villages (below 50k yuan)",
        VILLAGES, f"{_REVENUE} < {WEAK_BELOW:,} 元的村委会个数。",
        f"village committees with {_REVENUE_EN} below {WEAK_BELOW:,} yuan.",
        reported_count("below_50k", "villages"),
        higher_is_better=False,
    ),
    Indicator(
        "service_cases", "services", "办件量", "service cases", CASES,
        "期间内受理的办件数（市政务服务中心、乡镇便民服务中心、村便民服务室）。",
        "cases accepted in the period at the city hall, township halls and village rooms.",
        column("cases"),
    ),
    Indicator(
        "service_on_time_rate", "services", "按时办结率", "finished on time", PERCENT,
        "期间内办结的办件中，在承诺期限内办结的比例。承诺期限 = 受理日 + 承诺时限 + 补正及特别程序"
        "时间，按工作日计（含法定节假日和调休）。",
        "of cases finished in the period, the share finished by the promised date (acceptance "
        "+ promised + paused working days, with China's holidays and make-up days).",
        Ratio("on_time", "finished"),
    ),
    Indicator(
        "service_full_online_rate", "services", "全程网办率", "fully online", PERCENT,
        "期间内受理的办件中全程网上办理的比例。",
        "share of cases accepted in the period that were handled fully online.",
        Ratio("fully_online", "cases"),
    ),
    Indicator(
        "service_one_visit_rate", "services", "一次办结率", "at most one visit", PERCENT,
        "期间内办结的办件中，群众到现场不超过一次的比例（“一门式办理”最多跑一次）。",
        "of cases finished in the period, the share with at most one visit in person.",
        Ratio("one_visit", "finished"),
    ),
    Indicator(
        "service_satisfaction_rate", "services", "好评率", "satisfaction", PERCENT,
        f"期间内办结并评价的办件中，评价为“满意”或“非常满意”（{GOOD_RATING_FROM}-5 分）的比例。",
        f"of cases finished and rated in the period, the share rated {GOOD_RATING_FROM} to "
        "5 of 5.",
        Ratio("rated_good", "rated"),
    ),
    Indicator(
        "service_overdue_cases", "services", "期内超期件", "overdue in the period", CASES,
        "期间内超过承诺期限办结的办件，加上截至期末（期间尚未结束的，截至数据最后一日）仍在办理中且已过"
        "承诺期限的办件（按工作日计；不予受理、退件不计）。不同于周调度的“本周到期未按期办结”。",
        "cases finished after their promised date in the period, plus cases still being "
        "handled past it at the period's end (for a period not yet over, at the data's last "
        "day; working days; refused and returned excluded). Not the weekly flag 'due this "
        "week, not finished on time'.",
        lambda f: f["late"].astype(float) + f["open_overdue"].astype(float),
        higher_is_better=False,
    ),
    Indicator(
        "service_instant_half_day_rate", "services", "即办件半日办结率",
        "instant cases done within half a day", PERCENT,
        f"期间内办结的即办件（承诺时限为 0）中，受理后 {HALF_DAY_HOURS} 小时内办结的比例"
        "（“一站式服务”最多半天）。",
        "of instant cases (promised limit 0) finished in the period, the share finished within "
        f"{HALF_DAY_HOURS} hours of acceptance.",
        Ratio("instant_half_day", "instant"),
    ),
    Indicator(
        "service_bad_review_fixed_rate", "services", "差评整改率", "bad reviews followed up",
        PERCENT, f"期间内办结且评价为差评（1-{BAD_RATING_MAX} 分）的办件中，已完成整改回访的比例。",
        f"of cases finished in the period and rated 1-{BAD_RATING_MAX} of 5, the share followed "
        "up.",
        Ratio("bad_fixed", "bad_reviews"),
    ),
    Indicator(
        "service_agent_share", "services", "代办占比", "handled by village agents", PERCENT,
        "期间内受理的办件中，由村级代办员代为办理的比例。",
        "share of cases accepted in the period that a village agent handled for the applicant.",
        Ratio("by_agent", "cases"),
    ),
    Indicator(
        "volunteer_activities", "volunteers", "志愿服务活动场次", "volunteer activities",
        ACTIVITIES, "期间内开始的志愿服务活动场次。", "activities that started in the period.",
        column("activities"),
    ),
    Indicator(
        "volunteer_hours", "volunteers", "志愿服务时长", "volunteer hours", HOURS,
        "期间内开始的活动的志愿服务时长合计（只计实际服务时间，民政部令第67号）。",
        "volunteer-hours of actual service in activities that started in the period.",
        column("hours"),
    ),
    Indicator(
        "volunteer_team_shortfalls", "volunteers", "队伍未达标单位数", "units short of teams",
        UNITS, "当前未达到最低队伍数的单位个数：市级支队少于10支、乡镇支队少于4支、村（社区）"
        "分队少于2支，各计1个。",
        "units currently below their minimum: fewer than 10 city detachments, 4 per "
        "township, 2 teams per village or community.",
        column("shortfalls"), higher_is_better=False, current=True,
    ),
    Indicator(
        "volunteer_team_compliance_rate", "volunteers", "村级队伍达标率",
        "villages meeting the team minimum", PERCENT,
        "村委会、居委会、社区（不含生活区）中，当前在册志愿服务分队不少于2支的比例。",
        ("share of village committees, residents' committees and communities (not residential "
         "areas) with at least 2 teams on the current roll."),
        Ratio(lambda f: f["stations"] - f["stations_short"], "stations", census=True),
        current=True,
    ),
    Indicator(
        "volunteer_monthly_coverage", "volunteers", "月度站点活动覆盖率",
        "monthly station coverage", PERCENT,
        "村委会、居委会、社区（不含生活区）中，当月至少开展1场志愿服务活动的比例。季度、年度为"
        "各月合计：有活动的“站点·月”÷ 站点数 × 期间内有活动记录的月数；周不适用（按月统计）。",
        "share of village committees, residents' committees and communities (not residential "
        "areas) with at least one activity in the month; "
        "quarters and years pool their months: station-months with an activity ÷ stations × "
        "months with records. Not for weeks (counted by month).",
        Ratio("active_station_months", "station_months", census=True),
    ),
    Indicator(
        "volunteer_hours_per_1000", "volunteers", "每千人志愿服务时长",
        "volunteer hours per 1,000 residents", HOURS_PER_THOUSAND,
        "期间内开始的活动的志愿服务时长 ÷ 区划人口 × 1000（人口取区划人口数，无人口时不计算）。",
        "volunteer-hours of activities that started in the period ÷ population × 1,000 (none "
        "without a population).",
        lambda f: per_thousand(f["hours"], f["population"]),
    ),
    Indicator(
        "inspection_completion_rate", "inspections", "抽查完成率", "inspections completed",
        PERCENT, "期间内抽取的检查对象中，结果已公示的比例（已公示 ÷ 已抽取）。",
        "of objects drawn in the period, the share whose result has been published.",
        Ratio("published", "drawn"),
    ),
    Indicator(
        "inspection_problem_rate", "inspections", "问题发现率", "problems found", PERCENT,
        "期间内抽取并已检查的对象中，结果为发现问题的比例。",
        "of objects drawn in the period and inspected, the share with a problem found.",
        Ratio("with_problem", "inspected"), higher_is_better=False,
    ),
    Indicator(
        "inspection_rectification_rate", "inspections", "整改率", "rectified", PERCENT,
        "期间内抽取、被责令整改的对象中，已完成整改的比例。",
        "of objects drawn in the period and ordered to rectify, the share that has.",
        Ratio("rectified", "ordered"),
    ),
    Indicator(
        "inspection_disclosure_on_time_rate", "inspections", "公示及时率", "published on time",
        PERCENT,
        f"期间内抽取且已公示的结果中，在检查之日起{DISCLOSURE_WORKING_DAYS}个工作日内公示的比例"
        "（《企业信息公示暂行条例》第六条）。",
        "of results of objects drawn in the period and published, the share published within "
        f"{DISCLOSURE_WORKING_DAYS} working days of the inspection.",
        Ratio("published_on_time", "published"),
    ),
    Indicator(
        "inspection_joint_share", "inspections", "联合抽查占比", "joint inspections",
        PERCENT, "期间内抽取的检查对象中，由两个及以上部门联合（跨部门）抽查任务抽取的比例"
        "（联合抽查户次 ÷ 抽查户次）。",
        "of objects drawn in the period, the share drawn by joint tasks of two or more "
        "departments (cross-department joint inspections).",
        Ratio("joint", "drawn"),
    ),
)

INDICATORS: dict[str, Indicator] = {indicator.id: indicator for indicator in _ALL}


def indicators_of(domain: DomainId) -> list[Indicator]:
    return [i for i in _ALL if i.domain == domain]
