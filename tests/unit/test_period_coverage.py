"""The pure half of "comparisons only against periods the data cover" and of the one
default-period rule (metrics/periods.py), and how a bad period is worded (layouts/controls.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from layouts.controls import period_name, period_notice
from layouts.i18n import Lang
from layouts.kpi import Comparison, change_badge, coverage_text, kpi_card
from metrics.domains import village_label
from metrics.indicators import INDICATORS, IndicatorValue
from metrics.periods import (
    Coverage,
    PeriodError,
    PeriodKind,
    check_in_range,
    covers,
    latest_covered,
    parse_period,
)
from tests.component_tree import text_of

TODAY = dt.date(2026, 11, 15)
# The demo's services: the 24 months to the as-of day.
SERVICES = Coverage.of_days(dt.date(2024, 11, 16), dt.date(2026, 11, 15),
                            ("year", "quarter", "month", "week"))
# Collective income: annual reports 2017-2025, this year's quarterly reports to Q3.
INCOME = Coverage((("year", (dt.date(2017, 1, 1), dt.date(2025, 12, 31))),
                   ("quarter", (dt.date(2026, 1, 1), dt.date(2026, 9, 30)))))


@pytest.mark.parametrize(("label", "covered"), [
    ("2025", True), ("2024", False), ("2026", False),  # 2026 runs past the last day
    ("2024-11", False), ("2024-12", True), ("2026-11", False), ("2026-W46", True),
    ("2024-W46", False), ("2024-W47", True),  # 11-11..17 starts before 11-16; 11-18.. does not
])
def test_a_period_is_covered_only_from_its_first_to_its_last_day(label: str,
                                                                 covered: bool) -> None:
    period = parse_period(label)
    assert covers(period, dt.date(2024, 11, 16), dt.date(2026, 11, 15)) is covered
    assert SERVICES.covers(period) is covered


def test_no_data_covers_nothing() -> None:
    assert covers(parse_period("2025"), None, None) is False
    assert Coverage().covers(parse_period("2025")) is False
    assert Coverage.of_days(None, None, ("year",)).span("year") is None


def test_income_is_covered_by_its_reports_kind_by_kind() -> None:
    assert INCOME.covers(parse_period("2025")) and INCOME.covers(parse_period("2017"))
    assert not INCOME.covers(parse_period("2026"))  # no annual report yet
    assert INCOME.covers(parse_period("2026-Q3")) and INCOME.covers(parse_period("2026-Q1"))
    assert not INCOME.covers(parse_period("2025-Q3"))  # the annual report is no quarter's
    assert not INCOME.covers(parse_period("2026-05"))  # not reported by month


@pytest.mark.parametrize(("kind", "label"), [
    ("year", "2025"), ("quarter", "2026-Q3"), ("month", "2026-10"), ("week", "2026-W45"),
])
def test_the_default_is_the_latest_complete_period_every_domain_covers(kind: PeriodKind,
                                                                       label: str) -> None:
    chosen = latest_covered(kind, TODAY, [SERVICES, INCOME])
    assert (chosen.period.label, chosen.covered) == (label, True)


def test_the_default_steps_back_to_what_the_data_reach() -> None:
    # Data that end in August: the last complete period they cover, not the last one that ended.
    short = Coverage.of_days(dt.date(2020, 1, 1), dt.date(2026, 8, 20), ("year", "month"))
    assert latest_covered("month", TODAY, [short]).period.label == "2026-07"
    assert latest_covered("year", TODAY, [short]).period.label == "2025"
    # Reports that stop at 2023: 2023, although 2024 and 2025 have ended.
    old = Coverage((("year", (dt.date(2017, 1, 1), dt.date(2023, 12, 31))),))
    assert latest_covered("year", TODAY, [old, SERVICES]).covered is False  # nothing in common
    assert latest_covered("year", TODAY, [old]).period.label == "2023"


def test_without_a_covered_period_the_default_is_the_last_one_that_ended_marked_so() -> None:
    month = Coverage.of_days(dt.date(2026, 10, 20), dt.date(2026, 11, 14), ("year", "month"))
    assert latest_covered("year", TODAY, [month]) == latest_covered("year", TODAY, [])
    chosen = latest_covered("year", TODAY, [month])
    assert (chosen.period.label, chosen.covered) == ("2025", False)
    # A domain with no data of the kind does not count (income has no months).
    assert latest_covered("month", TODAY, [SERVICES, INCOME]).period.label == "2026-10"


@pytest.mark.parametrize(("label", "zh", "en"), [
    ("2031", "尚未开始", "has not begun"),
    ("2026-12", "尚未开始", "has not begun"),
    ("2016", "早于 2017 年", "before 2017"),
])
def test_periods_out_of_range_are_errors_in_both_languages(label: str, zh: str, en: str) -> None:
    with pytest.raises(PeriodError) as error:
        check_in_range(parse_period(label), TODAY)
    assert zh in error.value.text("zh") and en in error.value.text("en")
    assert en not in error.value.text("zh") and zh not in error.value.text("en")


def test_a_malformed_period_says_so_in_each_language_apart() -> None:
    with pytest.raises(PeriodError) as error:
        parse_period("2019-13")
    assert error.value.text("zh").startswith("无法识别的期间“2019-13”")
    assert error.value.text("en").startswith("unrecognised period '2019-13'")
    # Raised the old way ("中文 / English"), the parts are still told apart.
    assert PeriodError("2031 尚未开始 / 2031 has not begun").text("en") == "2031 has not begun"
    assert check_in_range(parse_period("2026-11"), TODAY).label == "2026-11"  # begun: fine


@pytest.mark.parametrize(("label", "zh"), [
    ("2025", "2025年"), ("2026-Q3", "2026年第3季度"), ("2026-10", "2026年10月"),
    ("2026-W45", "2026年第45周"), ("2026-W01", "2026年第1周"),
])
def test_period_names(label: str, zh: str) -> None:
    assert period_name(parse_period(label), "zh") == zh
    assert period_name(parse_period(label), "en") == label


def test_the_notice_says_the_default_and_the_error() -> None:
    default = latest_covered("year", TODAY, [SERVICES])
    quiet = period_notice("zh", default)
    assert [text_of(p) for p in quiet] == ["默认显示最近一个完整周期：2025年"]
    problem = PeriodError(zh="无法识别的期间“2019-13”", en="unrecognised period '2019-13'")
    error, note = period_notice("en", default, problem)
    assert "period-error" in error.className
    assert "unrecognised period '2019-13'" in text_of(error) and "2025" in text_of(error)
    assert "无法" not in text_of(error)
    assert text_of(note) == "Opens on the latest complete period: 2025"


def _view(indicator_id: str, value: float, previous: float, covered: bool):
    from layouts.kpi import KpiView

    span = (dt.date(2024, 11, 16), dt.date(2024, 12, 31))  # the days of 2024 covered
    return KpiView(IndicatorValue(INDICATORS[indicator_id], value), previous, "none",
                   comparison=Comparison("2024", covered, span))


def test_a_change_against_an_incomplete_period_is_no_delta() -> None:
    greyed = change_badge(_view("service_cases", 400_000, 40_000, covered=False), "zh")
    assert greyed is not None and "incomplete" in greyed.className
    assert greyed.children == "上期数据不完整"
    assert greyed.title == "上期 2024：数据只覆盖 2024-11-16 至 2024-12-31"
    assert "+" not in text_of(greyed) and "↑" not in text_of(greyed)
    english = change_badge(_view("service_cases", 400_000, 40_000, covered=False), "en")
    assert english is not None and english.children == "previous period incomplete"
    plain = change_badge(_view("service_cases", 400_000, 390_000, covered=True), "zh")
    assert plain is not None and text_of(plain) == "较上期 ↑ +10,000"
    assert coverage_text(Comparison("2016", False), "en") == "previous period 2016: no data"


def test_a_village_card_names_the_villages_own_value() -> None:
    from layouts.kpi import KpiView

    label = village_label("collective_income_mean")
    assert label is not None
    item = IndicatorValue(INDICATORS["collective_income_mean"], 250_000.0)
    names: tuple[tuple[Lang, str], ...] = (("zh", "集体经营性收入"),
                                           ("en", "collective operating revenue"))
    for lang, name in names:
        card = kpi_card(KpiView(item, None, "none", label=label), lang)
        shown = text_of([c for c in card.children if getattr(c, "className", "") == "kpi-name"])
        assert shown == name
        assert "村均" not in text_of(card) and "mean over villages" not in text_of(card)
