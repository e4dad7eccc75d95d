"""Targets and the red / yellow / green rule: the one place where they are configured, and the
one place where a status is decided. Pages, the wall and the weekly report call these functions.

Two signals, which never contradict each other:
- **target status**, decided on the unrounded value against the target shown beside it:
  green (达标) at or beyond the target, yellow (预警) short of it but within the warning line,
  red (未达标) beyond the warning line;
- **rank position**: 末位 for the bottom three among the ranked townships, tie-aware (equal
  values share the rank and the signal; nobody is 末位 when everybody ties with the best).

周调度 practice paints the bottom three red: here a 末位 township that misses its target is red,
but a township that meets its target is green whatever its rank, so a card never says 未达标
beside a target it meets. A rate over fewer than `MIN_SAMPLE` cases gets no colour at all
(样本不足): 1 of 3 says nothing about a hall. Volume indicators have no target ("none").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from metrics.indicators import HOURS, HOURS_PER_THOUSAND, INDICATORS, PERCENT, YUAN

Status = Literal["green", "yellow", "red", "none", "few"]
BOTTOM_RANKS = 3  # 末位: the bottom three
BOTTOM_MISSING_TARGET_IS_RED = True  # 周调度: the bottom three are red unless they meet the target
MIN_SAMPLE = 20  # a rate over fewer cases shows its counts and no colour
# A rank change counts only when the value itself moved by more than this: percentage points
# for rates, a share of the previous value for amounts (yuan, hours), nothing for counts.
RANK_MOVE_TOLERANCE_PP = 1.0
RANK_MOVE_TOLERANCE_SHARE = 0.02

RULE_ZH = (
    f"颜色按目标判定（未取整的数值）：绿=达标；黄=未达目标、在预警线内；红=低于预警线，或未达目标"
    f"且位列后{BOTTOM_RANKS}位。“末位”=排名后{BOTTOM_RANKS}位（数值相同者同位次）。比率的分母少于"
    f"{MIN_SAMPLE}件时标“样本不足”，不评颜色（按全部村、站点计算的比率不受此限）。排名变化仅在数值变动超过容差"
    f"（比率{RANK_MOVE_TOLERANCE_PP:g}个百分点、金额和时长{RANK_MOVE_TOLERANCE_SHARE:.0%}）时计入。")
RULE_EN = (
    f"Colour follows the target (unrounded value): green = met; yellow = missed, within the "
    f"warning line; red = beyond the warning line, or missed and in the bottom {BOTTOM_RANKS}. "
    f"\"Bottom {BOTTOM_RANKS}\" is the rank position (ties share it). A rate over fewer than "
    f"{MIN_SAMPLE} cases is marked \"too few\" and not coloured (a rate over every village or "
    f"station is not). A rank change counts only when "
    f"the value moved beyond the tolerance ({RANK_MOVE_TOLERANCE_PP:g} pp for rates, "
    f"{RANK_MOVE_TOLERANCE_SHARE:.0%} for amounts).")


ALL_LEVELS = ("county", "township", "village")


@dataclass(frozen=True)
class Target:
    target: float  # green at or beyond this
    warning: float  # yellow at or beyond this, red beyond it in the bad direction
    levels: tuple[str, ...] = ALL_LEVELS  # the divisions it judges


TARGETS: dict[str, Target] = {
    # a mean over villages: one village is judged by the 5万 / 10万 / 100万 tiers instead
    "collective_income_mean": Target(250_000, 200_000, ("county", "township")),
    "villages_over_100k_share": Target(70.0, 60.0, ("county", "township")),
    "villages_below_50k": Target(0, 2, ("county", "township")),
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


def number_or_none(value: object) -> float | None:
    """A stored or computed figure as a float, None when there is none (None, NaN, NA)."""
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _known(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def meets_target(indicator_id: str, value: float | None) -> bool | None:
    """Whether the unrounded value meets the target; None without a target or a value."""
    rule = TARGETS.get(indicator_id)
    if rule is None or value is None or not _known(value):
        return None
    if INDICATORS[indicator_id].higher_is_better:
        return value >= rule.target
    return value <= rule.target


def status(indicator_id: str, value: float | None) -> Status:
    """Green, yellow or red against the indicator's target; "none" without target or value."""
    rule = TARGETS.get(indicator_id)
    if rule is None or value is None or not _known(value):
        return "none"
    if meets_target(indicator_id, value):
        return "green"
    within = value >= rule.warning if INDICATORS[indicator_id].higher_is_better \
        else value <= rule.warning
    return "yellow" if within else "red"


def too_few(indicator_id: str, denominator: float | None) -> bool:
    """A rate over fewer than MIN_SAMPLE cases (its denominator is known and small). A census
    (Ratio.census: every village or station counted) is never too few."""
    indicator = INDICATORS[indicator_id]
    return (indicator.unit is PERCENT and not getattr(indicator.compute, "census", False)
            and denominator is not None and _known(denominator) and denominator < MIN_SAMPLE)


def ranked_status(indicator_id: str, value: float | None, bottom: bool = False,
                  denominator: float | None = None) -> Status:
    """The colour a division gets: its target status, red when it is 末位 and misses the target
    (the configured rule), "few" when a rate's denominator is under MIN_SAMPLE."""
    if too_few(indicator_id, denominator):
        return "few"
    state = status(indicator_id, value)
    if bottom and BOTTOM_MISSING_TARGET_IS_RED and state == "yellow":
        return "red"
    return state


def bottom_positions(indicator_id: str, values: pd.Series,
                     denominators: pd.Series | None = None) -> pd.Series:
    """True for the divisions in the bottom BOTTOM_RANKS among those with a value, tie-aware:
    a division is 末位 when fewer than BOTTOM_RANKS divisions are strictly worse than it. Only
    for indicators with a target (a volume is ranked, not judged); with BOTTOM_RANKS or fewer
    ranked, or a value equal to the best, nobody is. A rate over too few cases (`denominators`,
    too_few) is not assessed, so it is neither 末位 nor counted among the assessed."""
    known = values.dropna().astype(float)
    if denominators is not None:
        known = known[[not too_few(indicator_id, number_or_none(denominators.get(code)))
                       for code in known.index]]
    flags = pd.Series(False, index=values.index, dtype=bool)
    if indicator_id not in TARGETS or len(known) <= BOTTOM_RANKS:
        return flags
    higher = INDICATORS[indicator_id].higher_is_better
    best = known.max() if higher else known.min()
    from_bottom = known.rank(method="min", ascending=higher)
    flags.loc[known.index] = (from_bottom <= BOTTOM_RANKS) & (known != best)
    return flags


def applies_at(indicator_id: str, level: str) -> bool:
    """Whether the indicator's target judges a division of this level: a target set for a
    mean over villages says nothing of one village."""
    rule = TARGETS.get(indicator_id)
    # An area above a county (several counties) is held to a county's targets.
    judged_as = "county" if level in ("province", "prefecture") else level
    return rule is not None and judged_as in rule.levels


def statuses_among(indicator_id: str, values: pd.Series,
                   denominators: pd.Series | None = None) -> pd.Series:
    """Each division's colour among the divisions of `values` (its peers)."""
    bottom = bottom_positions(indicator_id, values, denominators)
    states = []
    for code, value in values.items():
        count = None if denominators is None else denominators.get(code)
        states.append(ranked_status(
            indicator_id, None if pd.isna(value) else float(value), bool(bottom[code]),
            None if count is None or pd.isna(count) else float(count)))
    return pd.Series(states, index=values.index, dtype=object)


def moved_beyond_tolerance(indicator_id: str, value: float | None,
                           previous: float | None) -> bool:
    """Whether a value moved enough for a change of rank to count."""
    if value is None or previous is None or not _known(value) or not _known(previous):
        return True
    unit = INDICATORS[indicator_id].unit
    change = abs(value - previous)
    if unit is PERCENT:
        return change > RANK_MOVE_TOLERANCE_PP
    if unit in (YUAN, HOURS, HOURS_PER_THOUSAND):
        return change > RANK_MOVE_TOLERANCE_SHARE * abs(previous)
    return change > 0  # counts: any change
