import datetime as dt

import pytest

from metrics.periods import PeriodError, last_complete, parse_period, recent_periods


@pytest.mark.parametrize(("text", "start", "end"), [
    ("2019", dt.date(2019, 1, 1), dt.date(2020, 1, 1)),
    ("2026-Q4", dt.date(2026, 10, 1), dt.date(2027, 1, 1)),
    ("2026-02", dt.date(2026, 2, 1), dt.date(2026, 3, 1)),
    ("2026-W01", dt.date(2025, 12, 29), dt.date(2026, 1, 5)),  # ISO weeks start on Monday
])
def test_periods_cover_the_right_days(text: str, start: dt.date, end: dt.date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)
    assert period.start.weekday() == 0 or period.kind != "week"


@pytest.mark.parametrize("text", ["", "19", "2019-Q5", "2019-13", "2026-W54", "2021-W53", "abc"])
def test_bad_periods_are_rejected_in_both_languages(text: str) -> None:
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert " / " in str(error.value)


def test_previous_and_year_before() -> None:
    assert parse_period("2026-W01").previous().label == "2025-W52"
    assert parse_period("2026-Q1").previous().label == "2025-Q4"
    assert parse_period("2026-03").year_before().label == "2025-03"
    assert parse_period("2020-W53").year_before().label == "2019-W52"


def test_last_complete_week_is_monday_to_sunday_before_today() -> None:
    week = last_complete("week", dt.date(2026, 11, 27))  # a Friday
    assert (week.start, week.last_day) == (dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def test_recent_periods_start_with_the_current_one() -> None:
    months = recent_periods("month", dt.date(2026, 11, 27))
    assert [p.label for p in months[:2]] == ["2026-11", "2026-10"]
    assert len(months) == 24
    years = recent_periods("year", dt.date(2026, 11, 27))
    assert years[-1].label == "2017"


def test_coverage_within_a_period_is_the_days_of_it_the_data_cover() -> None:
    from metrics.periods import Coverage

    data = Coverage.of_days(dt.date(2024, 11, 16), dt.date(2026, 11, 15), ("year", "quarter"))
    assert data.within(parse_period("2024")) == (dt.date(2024, 11, 16), dt.date(2024, 12, 31))
    assert data.within(parse_period("2025")) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert data.within(parse_period("2024-Q1")) is None  # before the data begin
