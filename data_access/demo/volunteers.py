"""Volunteer corps (总队 / 支队 / 分队) and their activities, with deliberate gaps for alerts.

The gaps are fixed codes so that tests and the README can name them:
- SHORTFALL_TOWNSHIPS have 3 支队 (the minimum is 4);
- SHORTFALL_VILLAGES have 1 分队 (the minimum is 2);
- INACTIVE_VILLAGES have held no activity in the 35 days before as_of.
Every other township has 4-6 支队, every other village or community 2-3 分队 and at least one
activity in the last 30 days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.demo.catalogues import (
    FIELD_ACTIVITIES,
    MONTH_THEMES,
    VILLAGE_FIELDS,
    VOLUNTEER_FIELDS,
)
from data_access.demo.shared import DemoContext, Step, rng_for

SHORTFALL_TOWNSHIPS: tuple[str, ...] = ("421081103000",)  # 小河口镇
SHORTFALL_VILLAGES: tuple[str, ...] = (
    "421081002012",  # 笔架山街道 建南社区
    "421081101209",  # 横沟市镇 拦河坝村
    "421081105216",  # 调关镇 来家铺村
    "421081108213",  # 南口镇 老山咀村
    "421081110217",  # 团山寺镇 小新口村
)
INACTIVE_VILLAGES: tuple[str, ...] = (
    "421081100214",  # 新厂镇 蛟子村
    "421081102225",  # 大垸镇 新沟村
    "421081106227",  # 东升镇 杨林村
    "421081109221",  # 高陵镇 三字岗村
    "421081200214",  # 久合垸乡 窑拐村
)
INACTIVE_DAYS = 35  # INACTIVE_VILLAGES: nothing in the last 35 days (alerts look at 30)
ACTIVE_DAYS = 30  # every other station: at least one activity in the last 30 days
CORPS_CODE = "ZY421081"
CORPS_FOUNDED = dt.date(2018, 8, 18)


def _founded(rng: np.random.Generator, first: dt.date, last: dt.date, latest: dt.date,
             n: int) -> list[dt.date]:
    days = rng.integers(0, (last - first).days + 1, n)
    return [min(first + dt.timedelta(days=int(d)), latest) for d in days]


def volunteer_teams(ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("volunteer_teams")
    latest = ctx.window_start  # every team exists before the first activity
    rows = [{"code": CORPS_CODE, "name": "石首市新时代文明实践志愿服务总队", "level": "总队",
             "category": "综合", "parent_code": None, "township_code": None,
             "village_code": None, "county_code": ctx.county_code, "members": 36,
             "founded_on": min(CORPS_FOUNDED, latest)}]
    county = {field: f"{CORPS_CODE}-{i:02d}" for i, field in enumerate(VOLUNTEER_FIELDS, 1)}
    founded = _founded(rng, dt.date(2018, 9, 1), dt.date(2018, 12, 31), latest, len(county))
    for (field, code), day in zip(county.items(), founded, strict=True):
        rows.append({"code": code, "name": f"石首市{field}志愿服务支队", "level": "支队",
                     "category": field, "parent_code": CORPS_CODE, "township_code": None,
                     "village_code": None, "county_code": ctx.county_code,
                     "members": int(rng.integers(60, 300)),
                     "founded_on": day})
    township_teams: dict[str, dict[str, str]] = {}
    for code, township in ctx.townships.iterrows():
        count = 3 if code in SHORTFALL_TOWNSHIPS else int(rng.choice([4, 4, 5, 5, 6]))
        fields = ["政策宣讲", *rng.choice(VOLUNTEER_FIELDS[1:], count - 1, replace=False)]
        township_teams[code] = {}
        for i, (field, day) in enumerate(zip(fields, _founded(
                rng, dt.date(2019, 1, 1), dt.date(2019, 12, 31), latest, count), strict=True), 1):
            team = f"ZY{code[:9]}-{i:02d}"
            township_teams[code][field] = team
            rows.append({"code": team, "name": f"{township['name']}{field}志愿服务支队",
                         "level": "支队", "category": field, "parent_code": county[field],
                         "township_code": code, "village_code": None,
                         "members": int(rng.integers(20, 80)), "founded_on": day})
    for code, village in ctx.stations.iterrows():
        count = 1 if code in SHORTFALL_VILLAGES else int(rng.choice([2, 2, 3]))
        fields = ["政策宣讲", *rng.choice(VILLAGE_FIELDS[1:], count - 1, replace=False)]
        parents = township_teams[village["parent_code"]]
        size = int(ctx.population[code])
        for i, (field, day) in enumerate(zip(fields, _founded(
                rng, dt.date(2019, 3, 1), dt.date(2021, 12, 31), latest, count), strict=True), 1):
            rows.append({"code": f"ZY{code}-{i:02d}",
                         "name": f"{village['short_name']}{field}志愿服务分队", "level": "分队",
                         "category": field, "parent_code": parents.get(field, parents["政策宣讲"]),
                         "township_code": village["parent_code"], "village_code": code,
                         "members": int(np.clip(size * rng.uniform(0.03, 0.06) / count, 10, 80)),
                         "founded_on": day})
    return pd.DataFrame(rows)


def _month_spans(ctx: DemoContext) -> list[tuple[dt.date, dt.date, float]]:
    """(first, last, share of the month) for each calendar month in the 24-month window."""
    spans = []
    first = ctx.window_start
    while first <= ctx.as_of:
        next_month = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        last = min(next_month - dt.timedelta(days=1), ctx.as_of)
        month_days = (next_month - dt.date(first.year, first.month, 1)).days
        spans.append((first, last, ((last - first).days + 1) / month_days))
        first = next_month
    return spans


def _day_in(rng: np.random.Generator, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=int(rng.integers(0, (last - first).days + 1)))


def _events(ctx: DemoContext, rng: np.random.Generator, teams: pd.DataFrame
            ) -> list[tuple[str, str | None, dt.date]]:
    """(team, village or None, day) of every activity."""
    village_teams = teams[teams["level"] == "分队"].groupby("village_code")["code"].apply(list)
    township_teams = teams[(teams["level"] == "支队") & teams["township_code"].notna()]
    county_teams = teams[(teams["level"] == "支队") & teams["township_code"].isna()]
    stations = ctx.stations
    hosts = stations[~stations.index.isin(INACTIVE_VILLAGES)]
    hosts_by_township = pd.Series(hosts.index, index=hosts.index).groupby(
        hosts["parent_code"]).apply(list)
    events: list[tuple[str, str | None, dt.date]] = []
    for first, last, share in _month_spans(ctx):
        for village in stations.index:
            count = int(rng.poisson(0.35 * share)) + int(rng.random() < 0.92 * share)
            for _ in range(count):
                own = village_teams[village]
                events.append((own[int(rng.integers(len(own)))], village,
                               _day_in(rng, first, last)))
        for team, township in zip(township_teams["code"], township_teams["township_code"],
                                  strict=True):
            for _ in range(int(rng.poisson(0.6 * share))):
                places = hosts_by_township[township]
                place = places[int(rng.integers(len(places)))] if rng.random() < 0.7 else None
                events.append((team, place, _day_in(rng, first, last)))
        for team in county_teams["code"]:
            for _ in range(int(rng.poisson(1.0 * share))):
                place = hosts.index[int(rng.integers(len(hosts)))] if rng.random() < 0.5 else None
                events.append((team, place, _day_in(rng, first, last)))
    quiet_from = ctx.as_of - dt.timedelta(days=INACTIVE_DAYS - 1)
    events = [e for e in events if not (e[1] in INACTIVE_VILLAGES and e[2] >= quiet_from)]
    recent_from = ctx.as_of - dt.timedelta(days=ACTIVE_DAYS - 1)
    recent = {e[1] for e in events if e[2] >= recent_from}
    for village in stations.index:
        own = village_teams[village]
        if village in INACTIVE_VILLAGES:
            last_seen = max((e[2] for e in events if e[1] == village), default=None)
            if last_seen is None or last_seen < ctx.as_of - dt.timedelta(days=70):
                events.append((own[0], village, _day_in(
                    rng, ctx.as_of - dt.timedelta(days=60), quiet_from - dt.timedelta(days=1))))
        elif village not in recent:
            events.append((own[0], village, _day_in(rng, recent_from, ctx.as_of)))
    return events


def volunteer_activities(ctx: DemoContext, made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("volunteer_activities")
    teams = made["volunteer_teams"]
    events = pd.DataFrame(_events(ctx, rng, teams), columns=["team_code", "village_code", "day"])
    n = len(events)
    level = events["team_code"].map(teams.set_index("code")["level"]).to_numpy()
    field = events["team_code"].map(teams.set_index("code")["category"])
    low = np.select([level == "分队", events["village_code"].isna().to_numpy()], [10, 15], 12)
    high = np.select([level == "分队", events["village_code"].isna().to_numpy()], [26, 41], 36)
    volunteers = rng.integers(low, high)
    per_person = rng.choice([2.0, 2.5, 3.0], n)
    duration = per_person + rng.choice([0.0, 0.5, 1.0], n)
    days = pd.to_datetime(events["day"])
    start = days + pd.to_timedelta(rng.integers(16, 32, n) * 30, unit="min")
    months = days.dt.month.to_numpy()
    frame = pd.DataFrame({
        "team_code": events["team_code"],
        "village_code": events["village_code"],
        "start_at": start,
        "end_at": start + pd.to_timedelta(duration * 60, unit="min"),
        "volunteers": volunteers,
        "hours": volunteers * per_person,
        "beneficiaries": (volunteers * rng.uniform(2, 10, n)).round().astype(np.int64),
        "theme": [f"{MONTH_THEMES[m - 1]}·{FIELD_ACTIVITIES[f]}"
                  for m, f in zip(months, field, strict=True)],
    }).sort_values(["start_at", "team_code"], kind="stable", ignore_index=True)
    day_text = frame["start_at"].dt.strftime("%Y%m%d")
    sequence = frame.groupby(day_text).cumcount() + 1
    frame.insert(0, "code", "HD" + day_text + sequence.astype(str).str.zfill(4))
    return frame


# This domain's templates' demo rows, in import order (data_access/demo/build.py).
STEPS: tuple[Step, ...] = (
    Step("volunteer_teams", ".xlsx", volunteer_teams),
    Step("volunteer_activities", ".csv", volunteer_activities, ("volunteer_teams",)),
)
