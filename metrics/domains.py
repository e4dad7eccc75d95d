"""Every domain the dashboard oversees, declared once.

A domain is a field of public service the county reports on (collective economy, service
halls, volunteers, random inspections). Its declaration says what the rest of the code needs to
know of it: names, route and navigation entries, the period kinds its figures are reported in,
its headline indicator, its part in the weekly meeting, the wall and the village page, and its
import templates. Navigation, routes, app registration, the weekly report, the wall, the village
page, the API and the template list are all derived from `DOMAINS`.

Each floor finds a domain's own code by the domain's `module` name: `callbacks/<module>.py`
(its pages and callbacks), `layouts/<module>.py`, `data_access/<module>.py` (its queries and
the aggregate its indicators are computed from), `data_access/importing/domains_<module>.py`
(its templates), `data_access/demo/<module>.py` (its demo data). `tests/unit/test_domains.py`
checks that every declared domain has all of them, so a missing piece fails a test, not a page.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import Literal

from metrics.indicators import INDICATORS, Indicator, indicators_of
from metrics.periods import PeriodKind

# Over which period the weekly meeting reports the domain for ISO week W:
# "week": the week itself; "year_to_date": 1 January to W's Sunday (tasks run over the year);
# "latest_annual": the latest annual report complete by W's Sunday.
WeeklyPeriod = Literal["week", "year_to_date", "latest_annual"]
ALL_KINDS: tuple[PeriodKind, ...] = ("year", "quarter", "month", "week")


@dataclass(frozen=True)
class NavEntry:
    path: str
    text_key: str  # a key of layouts.i18n's catalogue


@dataclass(frozen=True)
class TrendChart:
    """One chart of the village page: these indicators over recent years or months."""

    indicators: tuple[str, ...]
    kind: Literal["bar", "line"]
    grain: Literal["year", "month"]


@dataclass(frozen=True)
class VillageLabel:
    """How the village page (and a township's table of its villages) names a village column
    whose indicator is named for many villages: 村均集体经营性收入 of one village is that
    village's own 集体经营性收入."""

    indicator: str
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str


@dataclass(frozen=True)
class WeeklyRole:
    """The domain's part in the weekly meeting (周调度) and on the wall."""

    indicators: tuple[str, ...]  # ranked in the report, in this order
    period: WeeklyPeriod
    position: int  # the domain's place in the report and the wall's rotation (1 first)
    # An indicator whose county figure shows that the data reach a period: a volume above 0,
    # or a rate over a denominator above 0. Without it the domain is not reported that week
    # (a week before the data begin would otherwise rank everybody at 0).
    evidence: str = ""


@dataclass(frozen=True)
class DomainSpec:
    id: str
    module: str
    name_zh: str
    name_en: str
    route: str
    nav: tuple[NavEntry, ...]
    # What the domain page reads from its URL: "indicator", "period" (a period label) and/or
    # "year"; links to the page (e.g. from a weekly ranking) fill in these.
    page_params: tuple[str, ...]
    headline: str  # the indicator whose best and worst three the bulletin names
    templates: tuple[str, ...]  # import templates, in the order a county fills them in
    weekly: WeeklyRole | None = None
    period_kinds: tuple[PeriodKind, ...] = ALL_KINDS
    village_columns: tuple[str, ...] = ()  # indicators that describe one village
    # Names for one village where a column's indicator is named for many (村均 …).
    village_labels: tuple[VillageLabel, ...] = ()
    village_trends: tuple[TrendChart, ...] = ()
    # Why a division has no figure where the domain is not reported (period kind or level).
    not_reported_zh: str = "无数据"
    not_reported_en: str = "no data"

    @property
    def indicators(self) -> list[Indicator]:
        return indicators_of(self.id)

    @property
    def names(self) -> tuple[str, str]:
        return self.name_zh, self.name_en


DOMAINS: tuple[DomainSpec, ...] = (
    DomainSpec(
        id="income", module="economy", name_zh="村集体经济", name_en="collective economy",
        route="/economy", nav=(NavEntry("/economy", "economy"),), page_params=("period",),
        headline="collective_income_mean",
        templates=("population", "collective_income", "cooperatives", "land_transfer"),
        weekly=WeeklyRole(("collective_income_mean", "villages_over_100k_share",
                           "villages_below_50k"), "latest_annual", 4,
                          "villages_over_100k_share"),
        period_kinds=("year", "quarter"),
        village_columns=("collective_income_mean",),
        village_labels=(VillageLabel(
            "collective_income_mean", "集体经营性收入", "collective operating revenue",
            "本村的经营性收入 = 经营收入 + 发包及上交收入 + 投资收益（不含补助收入），"
            "以当期报表为准；社区不考核。季度为截至季末累计数。",
            "the village's own operating revenue = operating + contracting + investment income "
            "(no subsidies), from its report for the period; communities are not assessed. "
            "Quarters are cumulative."),),
        village_trends=(TrendChart(("collective_income_mean",), "bar", "year"),),
        not_reported_zh="村集体经济收入按年度或季度统计",
        not_reported_en="collective income is reported by year or quarter",
    ),
    DomainSpec(
        id="services", module="services", name_zh="政务服务", name_en="government services",
        route="/services", nav=(NavEntry("/services", "services"),),
        page_params=("indicator", "period"),
        headline="service_on_time_rate",
        templates=("service_items", "service_cases"),
        weekly=WeeklyRole(("service_on_time_rate", "service_full_online_rate",
                           "service_one_visit_rate", "service_satisfaction_rate",
                           "service_bad_review_fixed_rate"), "week", 1, "service_cases"),
        village_columns=("service_cases", "service_on_time_rate", "service_full_online_rate",
                         "service_satisfaction_rate"),
        village_trends=(
            TrendChart(("service_cases",), "bar", "month"),
            TrendChart(("service_on_time_rate", "service_satisfaction_rate"), "line", "month"),
        ),
    ),
    DomainSpec(
        id="volunteers", module="volunteers", name_zh="志愿服务", name_en="volunteer service",
        route="/volunteers", nav=(NavEntry("/volunteers", "volunteers"),),
        page_params=("indicator", "period"),
        headline="volunteer_hours_per_1000",
        templates=("volunteer_teams", "volunteer_activities"),
        weekly=WeeklyRole(("volunteer_team_compliance_rate", "volunteer_hours_per_1000",
                           "volunteer_activities"), "week", 2, "volunteer_activities"),
        village_columns=("volunteer_activities", "volunteer_hours", "volunteer_team_shortfalls"),
        village_trends=(
            TrendChart(("volunteer_activities",), "bar", "month"),
            TrendChart(("volunteer_hours",), "line", "month"),
        ),
    ),
    DomainSpec(
        id="inspections", module="inspections", name_zh="双随机、一公开",
        name_en="random inspections", route="/inspections",
        nav=(NavEntry("/inspections", "inspections"),
             NavEntry("/inspections/worklist", "worklist")),
        page_params=("year",),
        headline="inspection_rectification_rate",
        templates=("inspection_objects", "inspectors", "inspection_items", "inspection_tasks",
                   "inspection_results", "supervision_themes"),
        weekly=WeeklyRole(("inspection_completion_rate", "inspection_rectification_rate",
                           "inspection_disclosure_on_time_rate"), "year_to_date", 3,
                          "inspection_completion_rate"),
        not_reported_zh="抽查对象只统计到乡镇",
        not_reported_en="inspection objects are recorded by township only",
    ),
)

DOMAIN_BY_ID: dict[str, DomainSpec] = {domain.id: domain for domain in DOMAINS}


def domain_part(domain: DomainSpec, package: str, *attributes: str,
                prefix: str = "") -> ModuleType:
    """The domain's own module on a floor, `<package>.<prefix><module>`, checked to have the
    given attributes. Each floor calls it for its own package (the module is imported by name,
    so no floor imports another through it)."""
    name = f"{package}.{prefix}{domain.module}"
    module = importlib.import_module(name)
    missing = [attribute for attribute in attributes if not hasattr(module, attribute)]
    if missing:
        raise LookupError(f"{name} has no {', '.join(missing)} "
                          f"(domain {domain.id!r}, metrics/domains.py)")
    return module


def domain_of(indicator_id: str) -> DomainSpec:
    return DOMAIN_BY_ID[INDICATORS[indicator_id].domain]


def weekly_domains() -> list[DomainSpec]:
    """The domains the weekly meeting goes through, in the report's order."""
    return sorted((d for d in DOMAINS if d.weekly is not None),
                  key=lambda d: d.weekly.position if d.weekly else 0)


def village_columns() -> tuple[str, ...]:
    """The indicators that describe one village, in the domains' order."""
    return tuple(column for domain in DOMAINS for column in domain.village_columns)


def village_label(indicator_id: str) -> VillageLabel | None:
    """The name of a village column for one village, where it differs from the indicator's."""
    return next((label for domain in DOMAINS for label in domain.village_labels
                 if label.indicator == indicator_id), None)


def village_trends() -> tuple[TrendChart, ...]:
    """The village page's trend charts, in the domains' order."""
    return tuple(chart for domain in DOMAINS for chart in domain.village_trends)
