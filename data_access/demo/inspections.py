"""“双随机、一公开”: object and inspector directories, item list, tasks, draws and results."""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from data_access.demo import supervision
from data_access.demo.catalogues import (
    COOPERATIVE_INDUSTRIES,
    COOPERATIVE_PRODUCTS,
    FIRM_WORDS,
    INDUSTRIES,
    INSPECTION_DEPARTMENTS,
    INSPECTION_ITEMS,
    INSPECTORS_PER_DEPARTMENT,
    JOINT_PARTNERS,
)
from data_access.demo.shared import (
    DemoContext,
    Step,
    add_workdays,
    credit_codes,
    person_names,
    rng_for,
    stochastic_round,
    workday_mask,
)
from metrics.vocabulary import RECTIFY_DISPOSAL, RISK_CLASSES, RISK_DRAW_RATIOS
from metrics.workdays import working_days_between

KIND_COUNTS = {"企业": 1_000, "个体工商户": 1_800, "农民专业合作社": 200}
KIND_PREFIX = {"企业": "91", "个体工商户": "92", "农民专业合作社": "93"}
RISK_SHARES = (0.40, 0.35, 0.18, 0.07)
RISKY_SHARES = (0.20, 0.35, 0.30, 0.15)  # hazardous trades are classed higher
RISKY_INDUSTRIES = frozenset({"危险化学品经营", "建筑施工", "食品生产", "药品零售"})
URBAN_WEIGHT = {"421081001000": 2.5, "421081002000": 1.6}  # 绣林街道, 笔架山街道
# result code -> share of inspections; 07 is also set for the newest and a few overdue cases.
RESULT_SHARES = {"01": 0.785, "02": 0.10, "04": 0.03, "06": 0.06, "07": 0.01, "08": 0.01,
                 "09": 0.005}
DISPOSAL_OF = {"01": "无", "02": "日常监管", "04": "抄告相关部门", "06": RECTIFY_DISPOSAL,
               "07": RECTIFY_DISPOSAL, "08": "无", "09": "无"}
PUBLISH_WORKING_DAYS = 20


def inspection_objects(ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("inspection_objects")
    townships = ctx.townships
    weight = ctx.population[townships.index].to_numpy(float) * np.array(
        [URBAN_WEIGHT.get(code, 1.0) for code in townships.index])
    rural = townships.index.isin(ctx.assessed["parent_code"])
    frames = []
    taken_codes: set[str] = set()
    namer = _Namer(ctx, rng)
    for kind, count in KIND_COUNTS.items():
        coop = kind == "农民专业合作社"
        w = weight * rural if coop else weight
        township = rng.choice(townships.index, count, p=w / w.sum())
        if coop:
            industry = rng.choice(COOPERATIVE_INDUSTRIES, count)
        else:
            column: Literal[0, 1] = 0 if kind == "企业" else 1
            names = [k for k, v in INDUSTRIES.items() if v[column] > 0]
            shares = np.array([INDUSTRIES[k][column] for k in names])
            industry = rng.choice(names, count, p=shares / shares.sum())
        risky = np.isin(industry, list(RISKY_INDUSTRIES))
        risk = np.where(risky, rng.choice(RISK_CLASSES, count, p=RISKY_SHARES),
                        rng.choice(RISK_CLASSES, count, p=RISK_SHARES))
        frames.append(pd.DataFrame({
            "code": credit_codes(rng, count, KIND_PREFIX[kind], taken_codes),
            "name": [namer.name(kind, t, i) for t, i in zip(township, industry, strict=True)],
            "kind": kind, "industry": industry, "township_code": township, "risk_class": risk}))
    return pd.concat(frames, ignore_index=True)


class _Namer:
    """Distinct names: 石首市鑫华商贸有限公司, 石首市调关镇李建国餐馆,
    石首市…村虾稻共作专业合作社."""

    def __init__(self, ctx: DemoContext, rng: np.random.Generator) -> None:
        self.rng = rng
        self.township_names = ctx.townships["name"].to_dict()
        self.villages = ctx.assessed.groupby("parent_code")["short_name"].apply(list).to_dict()
        self.taken: set[str] = set()

    def name(self, kind: str, township: str, industry: str) -> str:
        rng = self.rng
        while True:
            if kind == "企业":
                brand = "".join(w[int(rng.integers(2))] for w in rng.choice(FIRM_WORDS, 2))
                name = f"石首市{brand}{INDUSTRIES[industry][2]}有限公司"
            elif kind == "个体工商户":
                owner = person_names(rng, 1)[0]
                name = f"石首市{self.township_names[township]}{owner}{INDUSTRIES[industry][3]}"
            else:
                villages = self.villages[township]
                village = villages[int(rng.integers(len(villages)))]
                name = f"石首市{village}{rng.choice(COOPERATIVE_PRODUCTS)}专业合作社"
            if name not in self.taken:
                self.taken.add(name)
                return name


def inspectors(_ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("inspectors")
    names = person_names(rng, sum(INSPECTORS_PER_DEPARTMENT))
    rows: list[dict[str, str]] = []
    for d, (department, count) in enumerate(zip(INSPECTION_DEPARTMENTS,
                                                INSPECTORS_PER_DEPARTMENT, strict=True), 1):
        for i in range(1, count + 1):
            rows.append({"code": f"ZF{d:02d}{i:03d}", "name": names[len(rows)],
                         "department": department,
                         "certificate_no": f"42108100{d:02d}{int(rng.integers(10_000, 99_999))}"})
    return pd.DataFrame(rows)


def inspection_items(_ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rows = []
    for seq, (name, department, industries, basis) in enumerate(INSPECTION_ITEMS, 1):
        rows.append({"code": f"SSCC-{department + 1:02d}-{seq:03d}", "name": name,
                     "department": INSPECTION_DEPARTMENTS[department], "basis": basis,
                     "scope": "、".join(industries)})
    return pd.DataFrame(rows)


def _task_years(ctx: DemoContext) -> range:
    return range(ctx.window_start.year, ctx.as_of.year + 1)


def inspection_tasks(ctx: DemoContext, made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """10-30 tasks a year, 20-40% of them joint; tasks not yet drawn have no seed."""
    rng = rng_for("inspection_tasks")
    items = made["inspection_items"]
    rows = []
    for year in _task_years(ctx):
        count = int(rng.integers(18, 27))
        joint = rng.permutation(count) < round(count * rng.uniform(0.22, 0.38))
        chosen = rng.choice(len(INSPECTION_ITEMS), count, replace=False)
        days = np.arange(np.datetime64(f"{year}-03-01"), np.datetime64(f"{year}-11-01"))
        days = days[workday_mask(days)]
        starts = np.sort(rng.choice(days, count, replace=False))
        for k, (item, is_joint, start) in enumerate(zip(chosen, joint, starts, strict=True), 1):
            name, lead, _industries, _basis = INSPECTION_ITEMS[item]
            departments = [lead]
            if is_joint:
                partners = JOINT_PARTNERS[lead]
                departments += list(rng.choice(partners, int(rng.integers(1, 3)), replace=False))
            topic = name.removesuffix("的检查").removesuffix("情况")
            start_day = start.astype(dt.date)
            rows.append({
                "code": f"SSCC{year}-{k:03d}",
                "name": f"{year}年{topic}{'跨部门联合' if is_joint else ''}双随机抽查",
                "year": year, "lead_department": INSPECTION_DEPARTMENTS[lead],
                "departments": "、".join(INSPECTION_DEPARTMENTS[d] for d in departments),
                "item_code": items["code"].iat[item],
                "planned_start": start_day,
                "planned_end": start_day + dt.timedelta(days=int(rng.integers(30, 76))),
                "draw_seed": str(int(rng.integers(10**11, 10**12))) if start_day <= ctx.as_of
                else None,
            })
    return pd.DataFrame(rows)


def _draw(objects: pd.DataFrame, industries: tuple[str, ...], seed: int) -> np.ndarray:
    """Indices of the objects drawn: the pool of the item's trades, by risk-class ratio."""
    kinds = [i[1:] for i in industries if i.startswith("*")]
    pool = objects["industry"].isin(industries) | objects["kind"].isin(kinds)
    draw_rng = np.random.default_rng(seed)
    drawn = []
    for risk in RISK_CLASSES:
        members = np.flatnonzero(pool.to_numpy() & (objects["risk_class"] == risk).to_numpy())
        size = min(len(members), int(stochastic_round(
            draw_rng, np.array([len(members) * RISK_DRAW_RATIOS[risk]]))[0]))
        drawn.append(draw_rng.choice(members, size, replace=False))
    return np.sort(np.concatenate(drawn))


def inspection_results(ctx: DemoContext, made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    rng = rng_for("inspection_results")
    objects, staff = made["inspection_objects"], made["inspectors"]
    items = dict(zip(made["inspection_items"]["code"], INSPECTION_ITEMS, strict=True))
    staff_of = staff.groupby("department")["code"].apply(list)
    frames = []
    for task in made["inspection_tasks"].itertuples():
        if pd.isna(task.draw_seed):
            continue
        drawn = _draw(objects, items[task.item_code][2], int(task.draw_seed))
        departments = task.departments.split("、")
        teams = []
        for _ in drawn:
            if len(departments) == 1:
                teams.append(list(rng.choice(staff_of[departments[0]],
                                             3 if rng.random() < 0.1 else 2, replace=False)))
            else:
                teams.append([rng.choice(staff_of[d]) for d in departments])
        window = max(3, working_days_between(task.planned_start, task.planned_end))
        frames.append(pd.DataFrame({
            "task_code": task.code, "object_code": objects["code"].to_numpy()[drawn],
            "inspector_codes": ["、".join(team) for team in teams],
            "drawn_on": np.datetime64(task.planned_start, "D"),
            "_offset": rng.integers(3, window + 1, len(drawn))}))
    results = pd.concat(frames, ignore_index=True)
    return _outcomes(ctx, rng, results)


def _outcomes(ctx: DemoContext, rng: np.random.Generator, results: pd.DataFrame
              ) -> pd.DataFrame:
    """Inspection, result, disposal, rectification and disclosure, none of them after as_of."""
    n = len(results)
    as_of = np.datetime64(ctx.as_of)
    drawn = results["drawn_on"].to_numpy().astype("datetime64[D]")
    inspected = add_workdays(drawn, results["_offset"].to_numpy())
    done = inspected <= as_of
    codes = np.array(list(RESULT_SHARES))
    code = rng.choice(codes, n, p=np.array(list(RESULT_SHARES.values())))
    old = inspected < as_of - 120
    code[(code == "07") & old & (rng.random(n) < 0.7)] = "06"
    # A few pending orders that are overdue, and a few due within the next 5 working days.
    middle = np.flatnonzero(done & (inspected >= as_of - 150) & (inspected <= as_of - 40))
    newest = np.flatnonzero(done & (inspected >= as_of - 25) & (inspected < as_of))
    overdue = rng.choice(middle, min(3, len(middle)), replace=False)
    due_soon = rng.choice(newest, min(3, len(newest)), replace=False)
    code[np.concatenate([overdue, due_soon])] = "07"
    ordered = np.isin(code, ["06", "07"])
    due_offset = rng.integers(10, 21, n)
    rectify_due = add_workdays(inspected, due_offset)
    rectify_due[due_soon] = add_workdays(np.full(len(due_soon), as_of), rng.integers(
        1, 6, len(due_soon)))
    rectified = add_workdays(inspected, np.maximum(2, (due_offset * rng.uniform(0.2, 1.0, n))
                                                   .astype(np.int64)))
    code[(code == "06") & (rectified > as_of)] = "07"
    published = add_workdays(inspected, np.where(rng.random(n) < 0.92,
                                                 rng.integers(1, PUBLISH_WORKING_DAYS + 1, n),
                                                 rng.integers(PUBLISH_WORKING_DAYS + 1, 36, n)))
    nat = np.datetime64("NaT")
    return pd.DataFrame({
        "task_code": results["task_code"], "object_code": results["object_code"],
        "inspector_codes": results["inspector_codes"], "drawn_on": drawn,
        "inspected_on": np.where(done, inspected, nat),
        "result_code": np.where(done, code, np.array(None)),  # None where not inspected
        "disposal": np.where(done, pd.Series(code).map(DISPOSAL_OF).to_numpy(), None),
        "rectify_due": np.where(done & ordered, rectify_due, nat),
        "rectified_on": np.where(done & (code == "06"), rectified, nat),
        "published_on": np.where(done & (published <= as_of), published, nat),
    })


# This domain's templates' demo rows, in import order (data_access/demo/build.py).
STEPS: tuple[Step, ...] = (
    Step("inspection_objects", ".xlsx", inspection_objects),
    Step("inspectors", ".xlsx", inspectors),
    Step("inspection_items", ".xlsx", inspection_items),
    Step("inspection_tasks", ".xlsx", inspection_tasks, ("inspection_items",)),
    Step("inspection_results", ".xlsx", inspection_results,
         ("inspection_objects", "inspectors", "inspection_items", "inspection_tasks")),
    Step("supervision_themes", ".xlsx", supervision.supervision_themes),
)
