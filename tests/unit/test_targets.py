"""Red / yellow / green is decided in metrics/targets.py alone: the colour follows the target
on the unrounded value, 末位 (bottom three, tie-aware) is a separate signal that turns a missed
target red, and a rate over too few cases gets no colour."""

from __future__ import annotations

import pandas as pd

from layouts.formatting import decisive_value, value_with_unit
from metrics.targets import (
    MIN_SAMPLE,
    bottom_positions,
    meets_target,
    moved_beyond_tolerance,
    ranked_status,
    status,
    statuses_among,
)


def test_without_a_rank_the_status_is_against_the_target() -> None:
    assert ranked_status("service_on_time_rate", 99.6) == status("service_on_time_rate", 99.6)
    assert ranked_status("service_on_time_rate", 97.0) == "red"
    assert ranked_status("service_cases", 1_000) == "none"
    assert ranked_status("service_on_time_rate", None) == "none"


def test_a_met_target_is_green_whatever_the_rank() -> None:
    values = pd.Series({"a": 99.9, "b": 99.8, "c": 99.7, "d": 99.6, "e": 99.55, "f": None})
    states = statuses_among("service_on_time_rate", values)
    # every ranked value meets 99.5: nobody is painted red for being last
    assert states.to_dict() == {"a": "green", "b": "green", "c": "green", "d": "green",
                                "e": "green", "f": "none"}
    assert bottom_positions("service_on_time_rate", values).to_dict() == {
        "a": False, "b": False, "c": True, "d": True, "e": True, "f": False}


def test_bottom_three_that_miss_the_target_are_red_and_ties_share_the_signal() -> None:
    # target 99.5, warning 98.0: the yellows in the bottom three turn red
    values = pd.Series({"a": 99.9, "b": 99.0, "c": 98.9, "d": 98.5, "e": 98.5, "f": 98.5})
    bottom = bottom_positions("service_on_time_rate", values)
    assert bottom.to_dict() == {"a": False, "b": False, "c": False, "d": True, "e": True,
                                "f": True}
    states = statuses_among("service_on_time_rate", values)
    assert states.to_dict() == {"a": "green", "b": "yellow", "c": "yellow", "d": "red",
                                "e": "red", "f": "red"}
    # four tied at the bottom all share 末位
    tied = pd.Series({"a": 99.9, "b": 99.8, "c": 98.0, "d": 98.0, "e": 98.0, "f": 98.0})
    assert bottom_positions("service_on_time_rate", tied).sum() == 4


def test_nobody_is_bottom_when_everybody_ties_with_the_best() -> None:
    values = pd.Series({c: 100.0 for c in "abcdef"})
    assert not bottom_positions("service_on_time_rate", values).any()


def test_three_or_fewer_ranked_are_judged_on_the_target_alone() -> None:
    values = pd.Series({"a": 99.9, "b": 99.8, "c": 98.5})
    assert statuses_among("service_on_time_rate", values).tolist() == ["green", "green",
                                                                       "yellow"]
    # lower is better: fewest shortfalls first
    shortfalls = pd.Series({"a": 0, "b": 1, "c": 5, "d": 0, "e": 2})
    states = statuses_among("volunteer_team_shortfalls", shortfalls)
    assert states["a"] == "green" and states["c"] == "red" and states["b"] == "red"


def test_a_rate_over_too_few_cases_gets_no_colour() -> None:
    values = pd.Series({"a": 33.3, "b": 99.9})
    denominators = pd.Series({"a": 3.0, "b": float(MIN_SAMPLE)})
    states = statuses_among("service_bad_review_fixed_rate", values, denominators)
    assert states.to_dict() == {"a": "few", "b": "green"}
    assert ranked_status("service_cases", 3.0, False, 3.0) == "none"  # volumes are not rates


def test_a_census_is_judged_however_few_its_units() -> None:
    """12 of 12 stations is the whole township, not a small sample: it gets its colour."""
    values = pd.Series({"a": 100.0, "b": 50.0})
    stations = pd.Series({"a": 12.0, "b": 6.0})
    states = statuses_among("volunteer_team_compliance_rate", values, stations)
    assert states.to_dict() == {"a": "green", "b": "red"}
    assert ranked_status("villages_over_100k_share", 100.0, False, 5.0) == "green"


def test_the_shown_value_keeps_the_side_of_the_target() -> None:
    assert status("inspection_completion_rate", 89.97) == "yellow"
    assert decisive_value("inspection_completion_rate", 89.97, "zh") == "89.97"
    assert value_with_unit("inspection_completion_rate", 89.97, "zh") == "89.97%"
    assert decisive_value("inspection_completion_rate", 89.5, "zh") == "89.5"
    assert decisive_value("service_on_time_rate", 99.496, "zh") == "99.496"
    # money in 万元: 24.999 万 is below the 25 万 target
    assert decisive_value("collective_income_mean", 249_999.0, "zh") == "24.9999"
    assert meets_target("collective_income_mean", 260_100.0)


def test_rank_changes_count_only_beyond_the_tolerance() -> None:
    assert not moved_beyond_tolerance("service_on_time_rate", 96.3, 96.9)
    assert moved_beyond_tolerance("service_on_time_rate", 95.0, 96.9)
    assert not moved_beyond_tolerance("collective_income_mean", 260_000, 258_000)
    assert moved_beyond_tolerance("villages_below_50k", 2, 1)
    assert moved_beyond_tolerance("service_on_time_rate", 95.0, None)


def test_a_rate_over_too_few_cases_is_neither_bottom_nor_counted_among_the_ranked() -> None:
    values = pd.Series({"a": 99.9, "b": 99.0, "c": 98.9, "d": 98.5, "e": 90.0, "f": 80.0})
    cases = pd.Series({"a": 200, "b": 200, "c": 200, "d": 200, "e": 5, "f": 3})
    # e and f are "too few" (fewer than 20 cases): the bottom three are of a..d, and with
    # four assessed, b, c and d are in it.
    bottom = bottom_positions("service_on_time_rate", values, cases)
    assert bottom.to_dict() == {"a": False, "b": True, "c": True, "d": True, "e": False,
                                "f": False}
    states = statuses_among("service_on_time_rate", values, cases)
    assert states["e"] == "few" and states["f"] == "few" and states["d"] == "red"
    # Everybody too few: nobody is 末位, as nobody is rated.
    assert not bottom_positions("service_on_time_rate", values, cases * 0 + 1).any()
