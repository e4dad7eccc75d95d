"""Targets and red / yellow / green rules: the one place where they are configured, and the one
place where a status is decided. Pages, the wall and the weekly report call these functions.

A rule says what counts as green (meets the target), yellow (near it) and red (behind).
Volume indicators (cases, activities, hours) have no target: their status is "none".
When townships are ranked, the bottom three are red whatever their value (周调度 practice).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from metrics.indicators import INDICATORS
from metrics.ranking import rank as rank_of

Status = Literal["green", "yellow", "red", "none"]
BOTTOM_RANKS_RED = 3


@dataclass(frozen=True)
class Target:
    target: float  # green at or beyond this
    warning: float  # yellow at or beyond this, red beyond it in the bad direction


TARGETS: dict[str, Target] = {
    "collective_income_mean": Target(250_000, 200_000),
    "villages_over_100k_share": Target(70.0, 60.0),
    "villages_below_50k": Target(0, 2),
    "service_on_time_rate": Target(99.5, 98.0),
    "service_full_online_rate": Target(60.0, 45.0),
    "service_one_visit_rate": Target(95.0, 90.0),
    "service_satisfaction_rate": Target(99.5, 99.0),
    "service_instant_half_day_rate": Target(95.0, 90.0),
    "service_bad_review_fixed_rate": Target(95.0, 85.0),
    "volunteer_team_shortfalls": Target(0, 3),
    "volunteer_team_compliance_rate": Target(100.0, 95.0),
    "volunteer_monthly_coverage": Target(100.0, 90.0),
    "inspection_completion_rate": Target(90.0, 75.0),
    "inspection_rectification_rate": Target(95.0, 85.0),
    "inspection_disclosure_on_time_rate": Target(95.0, 85.0),
}


def status(indicator_id: str, value: float | None) -> Status:
    """Green, yellow or red against the indicator's target; "none" without target or value."""
    rule = TARGETS.get(indicator_id)
    if rule is None or value is None or math.isnan(value):
        return "none"
    if INDICATORS[indicator_id].higher_is_better:
        return "green" if value >= rule.target else "yellow" if value >= rule.warning else "red"
    return "green" if value <= rule.target else "yellow" if value <= rule.warning else "red"


def ranked_status(indicator_id: str, value: float | None, rank: int | None = None,
                  ranked: int = 0) -> Status:
    """Status among `ranked` peers: for indicators with a target, the bottom three are red.
    Without a rank (a county figure, a division not ranked) it is `status`."""
    if indicator_id in TARGETS and rank is not None and value is not None \
            and ranked > BOTTOM_RANKS_RED \
            and rank > ranked - BOTTOM_RANKS_RED:
        return "red"
    return status(indicator_id, value)


def statuses_among(indicator_id: str, values: pd.Series,
                   ranks: pd.Series | None = None) -> pd.Series:
    """Each division's status among the divisions of `values` (its peers): `ranked_status` with
    the division's rank (computed from `values` when not given) among those ranked."""
    ranks = rank_of(values, indicator_id) if ranks is None else ranks
    ranked = int(ranks.notna().sum())
    states = [ranked_status(indicator_id, None if pd.isna(value) else float(value),
                            None if pd.isna(position) else int(position), ranked)
              for value, position in zip(values, ranks, strict=True)]
    return pd.Series(states, index=values.index, dtype=object)
