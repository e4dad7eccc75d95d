"""Red / yellow / green is decided in metrics/targets.py alone: a single figure against its
target, and a division among its peers (the bottom three of those ranked are red)."""

from __future__ import annotations

import pandas as pd

from metrics.ranking import ranked_table
from metrics.targets import ranked_status, status, statuses_among


def test_without_a_rank_the_status_is_against_the_target() -> None:
    assert ranked_status("service_on_time_rate", 99.6) == status("service_on_time_rate", 99.6)
    assert ranked_status("service_on_time_rate", 97.0) == "red"
    assert ranked_status("service_cases", 1_000) == "none"
    assert ranked_status("service_on_time_rate", None) == "none"


def test_among_peers_the_bottom_three_are_red() -> None:
    values = pd.Series({"a": 99.9, "b": 99.8, "c": 99.7, "d": 99.6, "e": 99.55, "f": None})
    states = statuses_among("service_on_time_rate", values)
    assert states.to_dict() == {"a": "green", "b": "green", "c": "red", "d": "red", "e": "red",
                                "f": "none"}
    # The same from a ranked table's own ranks, as the ranking list passes them.
    table = ranked_table(values, pd.Series({c: c for c in values.index}), "service_on_time_rate")
    from_table = statuses_among("service_on_time_rate", table["value"], table["rank"])
    assert dict(zip(table["code"], from_table, strict=True)) == states.to_dict()


def test_three_or_fewer_ranked_are_judged_on_the_target_alone() -> None:
    values = pd.Series({"a": 99.9, "b": 99.8, "c": 98.5})
    assert statuses_among("service_on_time_rate", values).tolist() == ["green", "green",
                                                                       "yellow"]
    # lower is better: fewest shortfalls first
    shortfalls = pd.Series({"a": 0, "b": 1, "c": 5, "d": 0, "e": 2})
    states = statuses_among("volunteer_team_shortfalls", shortfalls)
    assert states["a"] == "green" and states["c"] == "red" and states["b"] == "red"
