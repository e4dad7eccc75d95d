import datetime as dt

import pandas as pd

from metrics.indicators import INDICATORS
from metrics.services import days_overdue, follow_up_state


def test_days_overdue_count_working_days_over_national_day_with_make_up_days() -> None:
    due = pd.Series([dt.date(2025, 9, 30), dt.date(2025, 9, 30), dt.date(2025, 10, 14)])
    finished = pd.Series([pd.Timestamp("2025-10-11 10:00"), pd.NaT,
                          pd.Timestamp("2025-10-13 09:00")])
    # 10-01..10-08 off; 10-09, 10-10 and Saturday 10-11 (调休) are working days.
    assert days_overdue(due, finished, dt.date(2025, 10, 9)).tolist() == [3, 1, 0]


def test_follow_up_state() -> None:
    due = pd.Series([dt.date(2026, 11, 1), dt.date(2026, 11, 1), dt.date(2026, 11, 30),
                     dt.date(2026, 11, 1)])
    fixed = pd.Series([dt.date(2026, 10, 30), None, None, dt.date(2026, 11, 3)])
    assert follow_up_state(due, fixed, dt.date(2026, 11, 15)).tolist() == [
        "已整改", "逾期", "待整改", "逾期整改"]


def _counts(**values: float) -> pd.DataFrame:
    base = dict.fromkeys(["cases", "fully_online", "by_agent", "finished", "on_time", "late",
                          "one_visit", "rated", "rated_good", "bad_reviews", "bad_fixed",
                          "instant", "instant_half_day", "open_overdue"], 0.0)
    return pd.DataFrame([{**base, **values}])


def test_service_indicator_definitions() -> None:
    frame = _counts(cases=200, fully_online=120, by_agent=10, finished=180, on_time=171, late=9,
                    one_visit=175, rated=100, rated_good=99, bad_reviews=4, bad_fixed=3,
                    instant=80, instant_half_day=78, open_overdue=2)
    value = {i: float(INDICATORS[i].compute(frame).iloc[0]) for i in INDICATORS
             if INDICATORS[i].domain == "services"}
    assert value["service_on_time_rate"] == 95.0
    assert value["service_full_online_rate"] == 60.0
    assert round(value["service_one_visit_rate"], 2) == 97.22
    assert value["service_satisfaction_rate"] == 99.0
    assert value["service_overdue_cases"] == 11
    assert value["service_instant_half_day_rate"] == 97.5
    assert value["service_bad_review_fixed_rate"] == 75.0
    assert value["service_agent_share"] == 5.0


def test_rates_without_a_denominator_are_missing_not_zero() -> None:
    rate = INDICATORS["service_on_time_rate"].compute(_counts()).iloc[0]
    assert pd.isna(rate)


def test_top_items_rate_is_the_indicator_and_empty_without_finished_cases() -> None:
    from callbacks.services import top_items_frame
    from layouts.grid import indicator_column, row_data

    items = pd.DataFrame({"code": ["a", "b"], "name": ["甲", "乙"], "department": ["x", "y"],
                          "cases": [40, 12], "finished": [20, 0], "on_time": [19, 0]})
    frame = top_items_frame(items)
    field = indicator_column("service_on_time_rate", "zh").field
    assert frame.loc[0, field] == 95.0
    # Nothing finished in the period: no value (shown as —), not a division by zero.
    assert pd.isna(frame.loc[1, field])
    assert [row[field] for row in row_data(frame)] == [95.0, None]


def test_rating_and_half_day_lines_are_those_of_the_definitions() -> None:
    from metrics.indicators import GOOD_RATING_FROM, HALF_DAY_HOURS

    assert f"{GOOD_RATING_FROM}-5 分" in INDICATORS["service_satisfaction_rate"].definition_zh
    assert f"{HALF_DAY_HOURS} 小时" in INDICATORS["service_instant_half_day_rate"].definition_zh
