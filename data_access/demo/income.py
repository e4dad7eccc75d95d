"""Village collective income (村集体经济组织收益分配统计表) of every 村委会.

2019 reproduces the seed article exactly on 经营性收入 (经营收入 + 发包及上交收入 + 投资收益):
every village above 5万元, mean 25.6万元 (the sum is exactly villages x 256,000 yuan), 111
villages at 10万元 or more and 4 at 100万元 or more. Other years grow from 2019 with noise; a few
villages fall a tier, and a few fall below 5万元 in the last full year and the current one.
All amounts are whole multiples of 100 yuan, i.e. exact in 万元 with two decimals.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.demo.shared import DemoContext, rng_for

FIRST_YEAR = 2017
CALIBRATION_YEAR = 2019
MEAN_2019 = 256_000
OVER_100K_2019 = 111
OVER_1M_2019 = 4
BAND_500K_2019 = 20  # 50-100万: about 13% of villages
WEAK, STANDARD, STRONG = 50_000, 100_000, 1_000_000
THRESHOLDS = (WEAK, STANDARD, STRONG)
MARGIN = 1_500  # no amount closer than this to a tier threshold
QUARTER_SHARES = (0.20, 0.45, 0.70, 1.0)
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))
HUNDRED = 100

INCOME_LINES = ("operating_income", "contract_income", "investment_income", "subsidy_income",
                "other_income")
EXPENSE_LINES = ("operating_expense", "management_expense", "other_expense")


def _round100(values: np.ndarray) -> np.ndarray:
    return (np.round(np.asarray(values, dtype=float) / HUNDRED) * HUNDRED).astype(np.int64)


def away_from_thresholds(values: np.ndarray) -> np.ndarray:
    """Moves amounts within MARGIN of a tier threshold to MARGIN on the same side."""
    values = np.asarray(values, dtype=float).copy()
    for threshold in THRESHOLDS:
        near = np.abs(values - threshold) < MARGIN
        values[near] = np.where(values[near] < threshold, threshold - MARGIN, threshold + MARGIN)
    return values


def calibrated_2019(rng: np.random.Generator, score: np.ndarray) -> np.ndarray:
    """经营性收入 2019 in yuan: the tiers and the exact sum of the seed article."""
    n = len(score)
    middle_count = OVER_100K_2019 - OVER_1M_2019 - BAND_500K_2019
    weak_count = n - OVER_100K_2019
    strong = _round100(rng.uniform(1_020_000, 1_600_000, OVER_1M_2019))
    band = _round100(510_000 + 450_000 * rng.beta(1.3, 2.2, BAND_500K_2019))
    low = _round100(rng.uniform(52_000, 98_000, weak_count))
    floor, ceiling = STANDARD + MARGIN, 499_000  # the 10-50万 tier
    raw = floor + (ceiling - floor) * rng.beta(1.5, 3.0, middle_count)
    need = n * MEAN_2019 - strong.sum() - band.sum() - low.sum()
    lo, hi = 0.01, 5.0
    for _ in range(80):  # scale the middle tier so the total is right
        factor = (lo + hi) / 2
        total = np.clip(floor + (raw - floor) * factor, floor, ceiling).sum()
        lo, hi = (factor, hi) if total < need else (lo, factor)
    middle = _round100(np.clip(floor + (raw - floor) * factor, floor, ceiling))
    steps = int((need - middle.sum()) // HUNDRED)
    adjustable = np.flatnonzero((middle > floor + 1_000) & (middle < ceiling - 1_000))
    for index in range(abs(steps)):  # at most a few dozen 100-yuan corrections
        middle[adjustable[index % len(adjustable)]] += HUNDRED * int(np.sign(steps))
    by_rank = np.concatenate([np.sort(strong)[::-1], np.sort(band)[::-1],
                              np.sort(middle)[::-1], np.sort(low)[::-1]])
    values = np.empty(n, dtype=np.int64)
    values[np.argsort(-score, kind="stable")] = by_rank
    if (values.sum() != n * MEAN_2019 or (values >= STANDARD).sum() != OVER_100K_2019
            or (values >= STRONG).sum() != OVER_1M_2019
            or np.any(np.abs(values[:, None] - np.array(THRESHOLDS)) < MARGIN)):
        raise RuntimeError("2019 calibration missed the seed article's figures")
    return values


def growth_mean(revenue: np.ndarray) -> np.ndarray:
    """Expected yearly growth: about 15% for a 10万 village, 11% at the mean, 4-6% for the
    strongest, so the 100万 club grows slowly instead of compounding away."""
    return np.clip(0.13 - 0.04 * np.log(revenue / 150_000), 0.04, 0.16)


def revenue_by_year(ctx: DemoContext, rng: np.random.Generator, score: np.ndarray
                    ) -> dict[int, np.ndarray]:
    """经营性收入 per village and year, the current year as a full-year projection."""
    n = len(score)
    revenue = {CALIBRATION_YEAR: calibrated_2019(rng, score).astype(float)}
    for year, growth in ((2018, 0.07), (2017, 0.05)):
        revenue[year] = revenue[year + 1] / (1 + np.clip(rng.normal(growth, 0.05, n), -0.1, 0.25))
    # Fell a tier from 2018 to 2019: above 10万 in 2018, just below it in 2019.
    near = np.flatnonzero((revenue[2019] > 80_000) & (revenue[2019] < STANDARD))
    revenue[2018][rng.choice(near, min(3, len(near)), replace=False)] = rng.uniform(
        104_000, 125_000, min(3, len(near)))
    last, current = ctx.last_full_year, ctx.as_of.year
    weak_last = np.array([], dtype=np.int64)
    weak_current = weak_last
    for year in range(CALIBRATION_YEAR + 1, current + 1):
        previous = revenue[year - 1]
        lowest = np.argsort(previous, kind="stable")[:25]
        if year == last:
            weak_last = rng.choice(lowest, 3, replace=False)
        if year == current:  # two stay weak, one more joins them
            weak_current = np.concatenate([weak_last[:2], rng.choice(
                np.setdiff1d(lowest, weak_last), 3 - len(weak_last[:2]), replace=False)])
        protected = np.union1d(weak_last, weak_current)
        values = previous * (1 + np.clip(rng.normal(growth_mean(previous), 0.05), -0.15, 0.35))
        for threshold, most in ((STANDARD, 2), (STRONG, int(rng.random() < 0.25))):
            above = np.flatnonzero((previous > threshold) & (previous < threshold * 1.3))
            above = np.setdiff1d(above, protected)  # a few villages fall a tier
            fall = rng.choice(above, min(most, len(above)), replace=False)
            values[fall] = threshold * rng.uniform(0.82, 0.97, len(fall))
        values = np.maximum(values, rng.uniform(52_000, 60_000, n))
        if year == last:
            values[weak_last] = rng.uniform(30_000, 47_000, len(weak_last))
        if year == current:
            values[weak_current] = rng.uniform(28_000, 46_000, len(weak_current))
            recovered = np.setdiff1d(weak_last, weak_current)
            values[recovered] = rng.uniform(56_000, 75_000, len(recovered))
        revenue[year] = values
    # 2019 is exact and clear of the thresholds by construction: leave it untouched.
    return {year: values.astype(np.int64) if year == CALIBRATION_YEAR
            else _round100(away_from_thresholds(values))
            for year, values in sorted(revenue.items()) if year <= current}


def _lines(rng: np.random.Generator, revenue: np.ndarray, shares: dict[str, np.ndarray],
           reliance: np.ndarray) -> dict[str, np.ndarray]:
    """Splits 经营性收入 into its three lines exactly and adds subsidies, other and expenses."""
    n = len(revenue)
    units = revenue // HUNDRED
    operating = np.round(units * shares["operating"] * rng.uniform(0.92, 1.08, n)).astype(
        np.int64)
    investment = np.round(units * shares["investment"] * rng.uniform(0.9, 1.1, n)).astype(
        np.int64)
    contract = units - operating - investment
    subsidy = _round100((60_000 + 0.25 * revenue) * reliance * rng.uniform(0.8, 1.2, n))
    lines = {
        "operating_income": operating * HUNDRED,
        "contract_income": contract * HUNDRED,
        "investment_income": investment * HUNDRED,
        "subsidy_income": subsidy,
        "other_income": _round100(revenue * rng.uniform(0.01, 0.08, n)),
    }
    lines["operating_expense"] = _round100(lines["operating_income"] * rng.uniform(0.3, 0.7, n))
    lines["management_expense"] = _round100((revenue + subsidy) * rng.uniform(0.25, 0.45, n))
    lines["other_expense"] = _round100(revenue * rng.uniform(0.0, 0.05, n))
    return lines


def _with_net(frame: pd.DataFrame) -> pd.DataFrame:
    income = sum(frame[key] for key in INCOME_LINES)
    expense = sum(frame[key] for key in EXPENSE_LINES)
    return frame.assign(net_income=income - expense)


def ended_quarters(as_of: dt.date) -> list[int]:
    return [q for q, (month, day) in enumerate(QUARTER_ENDS, start=1)
            if dt.date(as_of.year, month, day) <= as_of]


def collective_income(ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("collective_income")
    villages = ctx.assessed
    n = len(villages)
    townships = villages["parent_code"].to_numpy()
    township_codes = np.unique(townships)
    township_effect = dict(zip(township_codes, rng.normal(0, 0.5, len(township_codes)),
                               strict=True))
    township_reliance = dict(zip(township_codes,
                                 np.clip(np.exp(rng.normal(0, 0.45, len(township_codes))),
                                         0.4, 2.5), strict=True))
    size = ctx.population.reindex(villages.index).to_numpy(float)
    score = (np.log(size) + np.array([township_effect[t] for t in townships])
             + rng.normal(0, 0.6, n))
    investment = np.where(rng.random(n) < 0.4, 0.0, rng.uniform(0.04, 0.2, n))
    shares = {"investment": investment,
              "operating": (1 - investment) * rng.uniform(0.15, 0.5, n)}
    reliance = np.array([township_reliance[t] for t in townships])
    revenue = revenue_by_year(ctx, rng, score)
    frames = []
    for year, values in revenue.items():
        lines = _lines(rng, values, shares, reliance * (1 + 0.03 * (year - FIRST_YEAR)))
        if year < ctx.as_of.year:
            frames.append(pd.DataFrame({"village_code": villages.index, "year": year,
                                        "quarter": 0, **lines}))
            continue
        cumulative = np.sort(np.clip(
            np.array(QUARTER_SHARES[:3])[None, :] + rng.normal(0, 0.03, (n, 3)), 0.05, 0.95),
            axis=1)
        for quarter in ended_quarters(ctx.as_of):
            share = cumulative[:, quarter - 1] if quarter < 4 else np.ones(n)
            frames.append(pd.DataFrame({
                "village_code": villages.index, "year": year, "quarter": quarter,
                **{key: _round100(amounts * share) for key, amounts in lines.items()}}))
    return _with_net(pd.concat(frames, ignore_index=True))
