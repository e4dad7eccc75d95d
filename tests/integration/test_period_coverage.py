"""Comparisons only against periods the data cover, one default-period rule, and a bad period
in the URL that leaves the user a period picker, on the demo database (as of DEMO_AS_OF).

Pages are rendered server-side through the router the app uses (callbacks.router.render_page)
and read as a browser would read them (tests/component_tree.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from callbacks.context import AppContext
from callbacks.navigation import next_query
from callbacks.router import render_page
from callbacks.views import ALL_DOMAINS, VILLAGE_DOMAINS, default_period, page_domains
from data_access import cache
from data_access.coverage import coverage, has_coverage
from data_access.demo.shared import DEMO_COUNTY_CODE as COUNTY_CODE
from data_access.indicator_values import indicator_values
from data_access.models import (
    CollectiveIncome,
    InspectionResult,
    InspectionTask,
    ServiceCase,
    VolunteerActivity,
)
from layouts import ids
from metrics.domains import DOMAINS
from metrics.indicators import INDICATORS
from metrics.periods import PeriodKind, latest_covered, parse_period
from tests.component_tree import components, text_of
from tests.conftest import DEMO_AS_OF

TODAY = dt.date.fromisoformat(DEMO_AS_OF)
TIAOGUAN = "421081105000"
VILLAGE = "421081100201"  # a 村委会 of 绣林街道 with every village-level figure
# The demo's records: 24 months to the as-of day (2024-11-16 to 2026-11-15), inspections for
# the calendar years 2024-2026, annual income reports 2017-2025 and this year's quarters.
WINDOW = (dt.date(2024, 11, 16), TODAY)

# Every page that has a period, the domains whose data decide its default, and how it is read.
PAGES = [
    ("/", ALL_DOMAINS),
    (f"/township/{TIAOGUAN}", ALL_DOMAINS),
    (f"/village/{VILLAGE}", VILLAGE_DOMAINS),
    ("/services", ("services",)),
    ("/volunteers", ("volunteers",)),
    ("/economy", ("income",)),
    ("/inspections", ("inspections",)),
]


@pytest.fixture(scope="module")
def context(demo_context: AppContext) -> AppContext:
    return demo_context


def _classed(tree: object, name: str) -> list:
    return [c for c in components(tree) if name in str(getattr(c, "className", "") or "").split()]


def _by_id(tree: object, wanted: object) -> list:
    return [c for c in components(tree) if getattr(c, "id", None) == wanted]


def _shown_period(tree: object) -> str:
    """The period the page's picker shows (the inspections page picks a year)."""
    pickers = _by_id(tree, ids.PERIOD) or _by_id(tree, ids.INSPECTIONS_YEAR)
    assert len(pickers) == 1, "no period picker on the page"
    return str(pickers[0].value)


# --- coverage -----------------------------------------------------------------------------------


def test_every_domain_has_a_coverage_query() -> None:
    assert [d.id for d in DOMAINS if not has_coverage(d.id)] == []


def test_coverage_is_what_the_records_reach(context) -> None:
    spans = coverage(context.engine)
    with context.engine.connect() as connection:
        accepted = connection.execute(select(func.min(ServiceCase.accepted_at),
                                             func.max(ServiceCase.accepted_at))).one()
        started = connection.execute(select(func.min(VolunteerActivity.start_at),
                                            func.max(VolunteerActivity.start_at))).one()
        first_task_year = connection.scalar(select(func.min(InspectionTask.year)))
        last_inspection = max(connection.scalar(select(func.max(column))) for column in (
            InspectionResult.drawn_on, InspectionResult.inspected_on,
            InspectionResult.rectified_on, InspectionResult.published_on))
        annual = connection.execute(select(func.min(CollectiveIncome.year),
                                           func.max(CollectiveIncome.year))
                                    .where(CollectiveIncome.quarter == 0)).one()
    assert spans["services"].span("week") == (accepted[0].date(), accepted[1].date()) == WINDOW
    assert spans["volunteers"].span("month") == (started[0].date(), started[1].date()) == WINDOW
    assert spans["inspections"].span("year") == (dt.date(first_task_year, 1, 1), last_inspection)
    assert spans["inspections"].span("year")[0] == dt.date(2024, 1, 1)
    assert spans["income"].span("year") == (dt.date(annual[0], 1, 1), dt.date(annual[1], 12, 31))
    assert spans["income"].span("year") == (dt.date(2017, 1, 1), dt.date(2025, 12, 31))
    assert spans["income"].span("quarter") == (dt.date(2026, 1, 1), dt.date(2026, 9, 30))
    assert spans["income"].span("month") is None
    # The demo's complaint: 2024 holds about one month of cases, 2025 all of them.
    assert not spans["services"].covers(parse_period("2024"))
    assert spans["services"].covers(parse_period("2025"))
    assert spans["income"].covers(parse_period("2024"))


# --- the one default-period rule ----------------------------------------------------------------


@pytest.mark.parametrize(("path", "domains"), PAGES)
def test_every_page_opens_on_the_one_default_period(context, path: str,
                                                    domains: tuple[str, ...]) -> None:
    spans = coverage(context.engine)
    rule = latest_covered("year", TODAY, [spans[d] for d in domains])
    assert rule.covered and rule.period.label == "2025"
    assert default_period(context, "year", page_domains(path)) == rule
    tree = render_page(context, path, "")
    assert _shown_period(tree) == rule.period.label
    notes = _classed(tree, "period-default")
    assert [text_of(n) for n in notes] == ["默认显示最近一个完整周期：2025年"]
    assert not _classed(tree, "period-error")
    english = render_page(context, path, "?lang=en")
    assert [text_of(n) for n in _classed(english, "period-default")] == [
        "Opens on the latest complete period: 2025"]


@pytest.mark.parametrize(("path", "indicator", "kind", "label"), [
    ("/", "service_cases", "month", "2026-10"),
    ("/", "service_cases", "week", "2026-W45"),
    ("/", "collective_income_mean", "quarter", "2026-Q3"),
    ("/services", "service_on_time_rate", "quarter", "2026-Q3"),
    ("/economy", "collective_income_mean", "quarter", "2026-Q3"),
    (f"/village/{VILLAGE}", "service_cases", "month", "2026-10"),
])
def test_a_new_period_kind_takes_the_same_rules_period(context, path: str, indicator: str,
                                                       kind: PeriodKind, label: str) -> None:
    """Switching the period type on a page writes the period the page would open on."""
    query = next_query(context, {"period": "2025"}, ids.PERIOD_KIND, indicator, kind, "2025",
                       path)
    assert query["period"] == label
    assert default_period(context, kind, page_domains(path)).period.label == label


# --- comparisons --------------------------------------------------------------------------------


def _changes(tree: object) -> dict[str, Any]:
    """indicator id -> the change part of its KPI card (None when it has none)."""
    found = {}
    for card in _classed(tree, "kpi-card"):
        indicator = card.to_plotly_json()["props"]["data-indicator"]
        parts = [c for c in components(card) if "kpi-change" in str(getattr(c, "className", ""))]
        found[indicator] = parts[0] if parts else None
    return found


@pytest.mark.parametrize(("path", "query"), [
    ("/", "?period=2025"), (f"/township/{TIAOGUAN}", "?period=2025"),
    (f"/village/{VILLAGE}", "?period=2025"), ("/services", "?period=2025"),
    ("/volunteers", "?period=2025"), ("/", ""), ("/services", ""),
])
def test_a_change_against_2024_which_the_cases_barely_cover_is_greyed(context, path: str,
                                                                      query: str) -> None:
    """On the demo, 2024 holds the cases and activities of its last six weeks: against it
    办件量 would "grow" by some 360,000. The cards say the previous period is incomplete and,
    on hover, the days the data cover, and show no delta; collective income, whose 2024 annual
    report exists, keeps its change."""
    previous = {v.indicator.id: v.value for v in
                indicator_values(context.engine, parse_period("2024"), "county", COUNTY_CODE,
                                 ["service_cases"])}
    assert previous["service_cases"], "the demo's 2024 has some cases: a delta was possible"
    changes = _changes(render_page(context, path, query))
    checked = 0
    for indicator_id, change in changes.items():
        domain = INDICATORS[indicator_id].domain
        if INDICATORS[indicator_id].current:
            # The teams on the roll now: no previous period to compare with, whole or not.
            assert change is None, (path, indicator_id, text_of(change))
        elif domain in ("services", "volunteers"):
            assert change is not None, f"{path}: {indicator_id} says nothing of its change"
            assert "incomplete" in change.className.split(), (path, indicator_id, text_of(change))
            assert text_of(change) == "上期数据不完整"
            assert change.title == "上期 2024：数据只覆盖 2024-11-16 至 2024-12-31"
            checked += 1
        elif domain == "income" and change is not None:
            assert "incomplete" not in change.className.split()
            assert text_of(change).startswith("较上期")
    assert checked >= 3


def test_the_greyed_change_in_english_and_in_the_definition(context) -> None:
    tree = render_page(context, "/services", "?period=2025&lang=en")
    change = _changes(tree)["service_cases"]
    assert change is not None and text_of(change) == "previous period incomplete"
    assert change.title == "previous period 2024: the data cover 2024-11-16 to 2024-12-31 only"
    card = next(c for c in _classed(tree, "kpi-card")
                if c.to_plotly_json()["props"]["data-indicator"] == "service_cases")
    definition = _classed(card, "kpi-definition")[0]
    assert "the data cover 2024-11-16 to 2024-12-31 only" in text_of(definition)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_previous_period_without_data_says_so(context, lang: str) -> None:
    """2024 after 2023, of which the demo has no cases: not "incomplete" but none at all, as
    its hover says."""
    tree = render_page(context, "/services", f"?period=2024&lang={lang}")
    change = _changes(tree)["service_cases"]
    assert change is not None and "incomplete" in change.className.split()
    assert (text_of(change), change.title) == (
        ("上期无数据", "上期 2023：没有数据") if lang == "zh"
        else ("no data for the previous period", "previous period 2023: no data"))


def test_a_covered_previous_period_keeps_its_plain_change(context) -> None:
    changes = _changes(render_page(context, "/services", "?period=2025-06"))
    assert changes["service_cases"] is not None
    assert "incomplete" not in changes["service_cases"].className.split()
    assert text_of(changes["service_cases"]).startswith("较上期 ")


def test_income_quarters_compare_only_with_reported_quarters(context) -> None:
    """2026-Q1 after 2025-Q4, of which there is no quarterly report (only the annual one): no
    change; and the tiers are not compared with 2025-Q1, which has none either."""
    tree = render_page(context, "/economy", "?period=2026-Q1")
    changes = _changes(tree)
    assert changes and all(c is not None and "incomplete" in c.className.split()
                           for c in changes.values())
    assert all(c.title == "上期 2025-Q4：没有数据"
               for c in changes.values() if c is not None)
    notes = _classed(tree, "comparison-incomplete")
    assert [text_of(n) for n in notes] == [
        "上年同期 2025-Q1 数据不完整（没有数据），不比较档次变化。"]
    # Q3 after Q2: both reported, a plain change.
    q3 = _changes(render_page(context, "/economy", "?period=2026-Q3"))
    assert all(c is not None and "incomplete" not in c.className.split() for c in q3.values())


# --- a bad period in the URL --------------------------------------------------------------------


@pytest.mark.parametrize(("path", "query", "message"), [
    ("/", "?period=2019-13", "无法识别的期间“2019-13”"),
    ("/services", "?period=2019-13", "无法识别的期间“2019-13”"),
    ("/", "?period=2031", "期间“2031”尚未开始"),
    ("/volunteers", "?period=2016-05", "早于 2017 年"),
    (f"/village/{VILLAGE}", "?period=2026-W60", "无法识别的期间“2026-W60”"),
    (f"/township/{TIAOGUAN}", "?period=2031-Q1", "尚未开始"),
    ("/economy", "?period=2026-05", "村集体经济收入按年度或季度统计"),
    ("/", "?period=2019-13&lang=en", "unrecognised period '2019-13'"),
    ("/economy", "?period=2031&lang=en", "2031 has not begun"),
])
def test_a_bad_period_shows_the_error_and_the_picker_on_the_default(context, path: str,
                                                                   query: str,
                                                                   message: str) -> None:
    tree = render_page(context, path, query)
    errors = _classed(tree, "period-error")
    assert len(errors) == 1, f"{path}{query}: no error shown"
    shown = text_of(errors[0])
    assert message in shown
    lang = "en" if "lang=en" in query else "zh"
    assert ("无法" not in shown and "尚未" not in shown) if lang == "en" else (
        "unrecognised" not in shown)
    default = default_period(context, "year", page_domains(path)).period.label
    assert default in shown
    picker = _by_id(tree, ids.PERIOD)
    assert len(picker) == 1 and picker[0].value == default
    assert default in [option["value"] for option in picker[0].options]
    assert _by_id(tree, ids.PERIOD_KIND), "the period type can be changed too"
    assert _classed(tree, "kpi-card"), "the page goes on with the default period's figures"


def test_a_page_without_a_picker_links_to_its_default(context) -> None:
    tree = render_page(context, "/weekly", "?week=2031-W01&lang=en")
    assert [text_of(c) for c in _classed(tree, "page-title")] == ["Invalid period"]
    link = _classed(tree, "show-default")
    assert len(link) == 1 and link[0].href == "/weekly?lang=en"


# --- the village page names one village's own values --------------------------------------------


def test_the_village_page_says_the_villages_own_income(context) -> None:
    tree = render_page(context, f"/village/{VILLAGE}", "?period=2025")
    names = {c.to_plotly_json()["props"]["data-indicator"]: text_of(_classed(c, "kpi-name")[0])
             for c in _classed(tree, "kpi-card")}
    assert names["collective_income_mean"] == "集体经营性收入"
    # Nothing of the page but the indicator picker (the county's indicators) says 村均.
    picker = _by_id(tree, ids.INDICATOR)
    for component in components(tree):
        if component in picker:
            continue
        own = getattr(component, "children", None)
        if isinstance(own, str):
            assert "村均" not in own, own
    figures = [c.figure for c in components(tree) if getattr(c, "figure", None) is not None]
    assert all("村均" not in str(figure) for figure in figures)
    english = render_page(context, f"/village/{VILLAGE}", "?period=2025&lang=en")
    assert "mean over villages" not in str(english) and "mean collective income" not in [
        text_of(c) for c in _classed(english, "kpi-name")]


def test_the_township_table_of_villages_names_each_villages_own_income(context) -> None:
    tree = render_page(context, f"/township/{TIAOGUAN}", "?period=2025")
    grid = _by_id(tree, ids.grid("villages"))[0]
    headers = [c["headerName"] for c in grid.columnDefs]
    assert "集体经营性收入（万元）" in headers
    assert not [h for h in headers if "村均" in h]


def test_coverage_agrees_between_backends(fresh_postgres_url, tmp_path) -> None:
    """The MIN/MAX queries give the same days on PostgreSQL as on SQLite."""
    from data_access.importing.runner import import_file
    from tests.dbutil import fresh_database, sqlite_url
    from tests.integration.test_postgres import _files

    postgres = fresh_database(fresh_postgres_url)
    sqlite = fresh_database(sqlite_url(tmp_path))
    for path in _files(tmp_path):
        import_file(postgres, path)
        import_file(sqlite, path)
    cache.clear()
    on_postgres, on_sqlite = coverage(postgres), coverage(sqlite)
    assert on_postgres == on_sqlite
    assert on_postgres["services"].span("month") is not None
    assert on_postgres["income"].span("year") is not None
    assert on_postgres["volunteers"].span("year") is None  # no activities imported
