"""Government services: the item catalogue and about 400,000 cases a year (vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.demo.catalogues import SERVICE_ITEMS, TWO_VISIT_ITEMS
from data_access.demo.shared import (
    MINUTES_A_DAY,
    DemoContext,
    Step,
    add_workdays,
    credit_codes,
    day_range,
    month_index,
    office_minutes,
    rng_for,
    to_datetime,
    workday_mask,
)

CASES_A_YEAR = 400_000
HALL_SHARES = {"city": 0.25, "township": 0.50, "village": 0.25}
LEVEL_ORDER = {"V": 0, "T": 1, "C": 2}  # an item handled at V is handled at T and C too
HALL_REACH = {"village": 0, "township": 1, "city": 2}
# Working-day rhythm: Monday busiest; January (year-end settlements, insurance enrolment) and
# March (after the Spring Festival) busy, February quiet.
WEEKDAY_FACTOR = np.array([1.2, 1.05, 1.0, 0.95, 0.85, 0.8, 0.8])
MONTH_FACTOR = np.array([1.3, 0.85, 1.25, 1.0, 0.95, 1.0, 1.05, 1.0, 1.05, 0.9, 1.0, 1.1])
OFF_DAY_FACTOR = {"city": 0.06, "township": 0.04, "village": 0.0}  # online applications only
RATED_SHARE = 0.6
LATE_TYPICAL, GOOD_TYPICAL = 0.002, 0.998


def service_items(_ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """About 120 items of 17 departments; helper columns (_weight, _reach) ride along."""
    rng = rng_for("service_items")
    departments = list(SERVICE_ITEMS)
    department_codes = dict(zip(departments, credit_codes(rng, len(departments), "11"),
                                strict=True))
    rows = []
    for department in departments:
        for seq, (name, kind, reach, weight, online) in enumerate(SERVICE_ITEMS[department], 1):
            instant = kind == "J"
            legal = int(rng.choice([0, 1, 5, 10, 20])) if instant else int(
                rng.choice([5, 10, 15, 20, 30, 60]))
            promised = 0 if instant else int(min(20, legal, max(1, round(
                legal * rng.uniform(0.2, 0.6)))))
            visits = 0 if online else (2 if name in TWO_VISIT_ITEMS else 1)
            rows.append({
                "code": f"{department_codes[department]}{'1' if instant else '2'}{seq:03d}0000",
                "name": name, "department": department,
                "case_type": "即办件" if instant else "承诺件",
                "legal_limit_days": legal, "promised_limit_days": promised,
                "required_visits": visits, "online_capable": online,
                "_weight": float(weight), "_reach": LEVEL_ORDER[reach],
            })
    return pd.DataFrame(rows)


def _halls(ctx: DemoContext) -> pd.DataFrame:
    """City hall, township halls and village rooms with their yearly volume."""
    population = ctx.population
    townships = ctx.townships.index
    stations = ctx.stations
    frames = [
        pd.DataFrame({"code": [ctx.county_code], "level": "city", "township": "city",
                      "yearly": CASES_A_YEAR * HALL_SHARES["city"]}),
        pd.DataFrame({"code": townships, "level": "township", "township": townships,
                      "yearly": CASES_A_YEAR * HALL_SHARES["township"]
                      * (0.5 / len(townships)
                         + 0.5 * population[townships] / population[townships].sum())}),
        pd.DataFrame({"code": stations.index, "level": "village",
                      "township": stations["parent_code"].to_numpy(),
                      "yearly": CASES_A_YEAR * HALL_SHARES["village"]
                      * population[stations.index] / population[stations.index].sum()}),
    ]
    return pd.concat(frames, ignore_index=True)


def _township_quality(rng: np.random.Generator, townships: pd.Index) -> pd.DataFrame:
    """Per township (and the city hall): fully-online rate, late rate, good-review share."""
    codes = ["city", *townships]
    n = len(codes)
    quality = pd.DataFrame({"online": rng.uniform(0.40, 0.80, n), "late": LATE_TYPICAL
                            * rng.uniform(0.3, 1.5, n), "good": GOOD_TYPICAL
                            + rng.uniform(-0.0008, 0.0015, n)}, index=codes)
    worse = rng.choice(townships, 5, replace=False)
    quality.loc[worse[:3], "late"] = rng.uniform(0.012, 0.025, 3)
    quality.loc[worse[3:], "good"] = rng.uniform(0.988, 0.993, 2)
    quality.loc["city", "online"] = 0.65
    return quality.clip(upper=0.9995)


def _case_counts(rng: np.random.Generator, halls: pd.DataFrame, days: np.ndarray
                 ) -> np.ndarray:
    """Poisson counts per hall (rows) and day (columns)."""
    workday = workday_mask(days)
    weekday = (days.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    base = WEEKDAY_FACTOR[weekday] * MONTH_FACTOR[month_index(days) - 1]
    years = len(days) / 365.25
    expected = np.empty((len(halls), len(days)))
    for level in HALL_SHARES:
        rows = (halls["level"] == level).to_numpy()
        weights = np.where(workday, base, OFF_DAY_FACTOR[level])
        per_day = weights / weights.sum() * years
        expected[rows] = halls.loc[rows, "yearly"].to_numpy()[:, None] * per_day[None, :]
    return rng.poisson(expected)


def service_cases(ctx: DemoContext, made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("service_cases")
    items = made["service_items"]
    halls = _halls(ctx)
    quality = _township_quality(rng, ctx.townships.index)
    days = day_range(ctx.window_start, ctx.as_of)
    counts = _case_counts(rng, halls, days)
    cell = np.repeat(np.arange(counts.size), counts.ravel())
    hall, day_index = np.divmod(cell, len(days))
    n = len(hall)
    day = days[day_index]
    workday = workday_mask(days)[day_index]
    level = halls["level"].to_numpy()[hall]
    township = halls["township"].to_numpy()[hall]
    q = quality.reindex(township)

    # Item: by volume weight among the items handled at the hall's level.
    item = np.empty(n, dtype=np.int64)
    capable_share = np.empty(n)  # of the level's case volume, the share that can go online
    for name, reach in HALL_REACH.items():
        rows = np.flatnonzero(level == name)
        allowed = np.flatnonzero(items["_reach"].to_numpy() <= reach)
        weights = items["_weight"].to_numpy()[allowed]
        item[rows] = allowed[rng.choice(len(allowed), len(rows), p=weights / weights.sum())]
        capable_share[rows] = (weights * items["online_capable"].to_numpy()[allowed]).sum() \
            / weights.sum()
    capable = items["online_capable"].to_numpy()[item].astype(bool)
    promised = items["promised_limit_days"].to_numpy()[item].astype(np.int64)
    required = items["required_visits"].to_numpy()[item].astype(np.int64)

    # Fully online: the township's rate among items that allow it (all of them on days off).
    chance = np.minimum(q["online"].to_numpy() / capable_share, 1.0)
    online = capable & (~workday | (rng.random(n) < chance))
    draw = rng.random(n)
    village = level == "village"
    channel = np.select(
        [online | ~workday, village & (draw < 0.75), draw < 0.82, draw < 0.9],
        ["", "代办", "窗口", "自助终端"], default="网上").astype(object)
    web = rng.random(n) < 0.55
    channel[online | ~workday] = np.where(web, "网上", "移动端")[online | ~workday]

    # Times: counters keep office hours, online applications come at any waking hour.
    counter = np.isin(channel, ["窗口", "自助终端", "代办"])
    minute = np.where(counter, office_minutes(rng, n),
                      np.where(rng.random(n) < 0.6, office_minutes(rng, n),
                               rng.integers(7 * 60, 23 * 60, n)))
    applied = to_datetime(day, minute)
    delay = np.where(channel == "代办", rng.integers(10, 240, n),
                     np.where(counter, rng.integers(0, 12, n), rng.integers(5, 180, n)))
    last_minute = to_datetime(day, MINUTES_A_DAY - 1)
    accepted = np.minimum(applied + delay.astype("timedelta64[m]"), last_minute)

    # Finishing: within the promised working days, a few late, the newest still open.
    paused = np.where((promised > 0) & (rng.random(n) < 0.05), rng.integers(1, 6, n), 0)
    allowed_days = promised + paused
    late = rng.random(n) < q["late"].to_numpy()
    offset = np.where(promised == 0, 0,
                      1 + np.floor((allowed_days - 1) * rng.beta(1.3, 2.2, n)).astype(np.int64))
    offset = np.where(late, allowed_days + rng.integers(1, 6, n), offset)
    finish_day = add_workdays(day, offset)
    due_day = add_workdays(day, allowed_days)
    same_day = finish_day == day
    finished = np.where(same_day,
                        np.minimum(accepted + rng.integers(3, 120, n).astype("timedelta64[m]"),
                                   last_minute),
                        to_datetime(finish_day, office_minutes(rng, n)))
    as_of = np.datetime64(ctx.as_of)
    stuck = (due_day < as_of) & (due_day >= as_of - 20) & (rng.random(n) < 0.01)
    status_draw = rng.random(n)
    status = np.select([status_draw < 0.002, status_draw < 0.005], ["不予受理", "退件"],
                       default="已办结").astype(object)
    still_open = (finish_day > as_of) | stuck
    status[(status == "已办结") & still_open] = "办理中"
    done = status == "已办结"

    # Visits, ratings and the follow-up of bad reviews.
    extra = (rng.random(n) < 0.03).astype(np.int64) + (rng.random(n) < 0.005)
    visits = np.where(online, 0, np.maximum(required, 1) + extra)
    rated = done & (rng.random(n) < RATED_SHARE)
    good = rng.random(n) < q["good"].to_numpy()
    rating = np.where(good, np.where(rng.random(n) < 0.9, 5, 4),
                      rng.choice([3, 2, 1], n, p=[0.45, 0.35, 0.2]))
    bad = rated & (rating <= 2)
    fix_draw = rng.random(n)
    fix_offset = np.where(fix_draw < 0.85, rng.integers(1, 11, n), rng.integers(11, 21, n))
    fixed_day = add_workdays(finish_day, fix_offset)
    fixed = bad & (fix_draw < 0.93) & (fixed_day <= as_of)

    serial = _serial_numbers(halls["code"].to_numpy()[hall], hall, day, applied)
    frame = pd.DataFrame({
        "serial_no": serial,
        "item_code": items["code"].to_numpy()[item],
        "division_code": halls["code"].to_numpy()[hall],
        "channel": channel,
        "applied_at": applied,
        "accepted_at": accepted,
        "promised_limit_days": pd.array(np.where(rng.random(n) < 0.15, -1, promised),
                                        dtype="Int64"),
        "paused_days": pd.array(np.where((paused == 0) & (rng.random(n) < 0.3), -1, paused),
                                dtype="Int64"),
        "finished_at": np.where(done, finished, np.datetime64("NaT")),
        "status": status,
        "visits": visits,
        "fully_online": online,
        "rating": pd.array(np.where(rated, rating, -1), dtype="Int64"),
        "bad_review_fixed_at": np.where(fixed, fixed_day, np.datetime64("NaT")),
    })
    for column in ("promised_limit_days", "paused_days", "rating"):
        frame.loc[frame[column] < 0, column] = pd.NA  # blank: taken from the catalogue, etc.
    chronological = np.lexsort((hall, applied.astype(np.int64)))
    return frame.iloc[chronological].reset_index(drop=True)


def _serial_numbers(hall_codes: np.ndarray, hall: np.ndarray, day: np.ndarray,
                    applied: np.ndarray) -> np.ndarray:
    """申办流水号: hall code + YYYYMMDD + 5-digit sequence of the hall's day (by time applied)."""
    order = np.lexsort((applied, hall))
    group = hall[order].astype(np.int64) * 100_000 + (day[order] - day.min()).astype(np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(group)) + 1]
    sequence = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)])) + 1
    days = day[order]
    months = days.astype("datetime64[M]")
    yyyymmdd = ((months.astype("datetime64[Y]").astype(np.int64) + 1970) * 10_000
                + (months.astype(np.int64) % 12 + 1) * 100
                + (days - months).astype(np.int64) + 1)
    tail = (yyyymmdd * 100_000 + sequence).astype("U13")
    serial = np.empty(len(order), dtype=object)
    serial[order] = np.char.add(hall_codes[order].astype("U12"), tail)
    return serial


# This domain's templates' demo rows, in import order (data_access/demo/build.py).
STEPS: tuple[Step, ...] = (
    Step("service_items", ".xlsx", service_items),
    Step("service_cases", ".csv", service_cases, ("service_items",)),
)
