"""Templates of the collective economy: income form, cooperatives, land transfer, population."""

from __future__ import annotations

import pandas as pd

from data_access.importing.derive import township_of
from data_access.importing.spec import Column, Domain, Lookups, RowCheck
from data_access.models import CollectiveIncome, Cooperative, Division, LandTransfer

MONEY_LINES = (
    ("operating_income", "经营收入", "operating income"),
    ("contract_income", "发包及上交收入", "contracting and remitted income"),
    ("investment_income", "投资收益", "investment income"),
    ("subsidy_income", "补助收入", "subsidy income"),
    ("other_income", "其他收入", "other income"),
    ("operating_expense", "经营支出", "operating expenses"),
    ("management_expense", "管理费用", "management expenses"),
    ("other_expense", "其他支出", "other expenses"),
)
INCOME_KEYS = MONEY_LINES[:5]
EXPENSE_KEYS = MONEY_LINES[5:]
# 万元 with two decimals is 100 yuan: allow that much rounding in 本年收益.
NET_TOLERANCE_YUAN = 100


def _with_township(frame: pd.DataFrame, lookups: Lookups) -> pd.DataFrame:
    return frame.assign(township_code=township_of(frame["village_code"], lookups))


def _net_mismatch(frame: pd.DataFrame) -> pd.Series:
    income = sum(frame[key] for key, _, _ in INCOME_KEYS)
    expense = sum(frame[key] for key, _, _ in EXPENSE_KEYS)
    return (frame["net_income"] - (income - expense)).abs() > NET_TOLERANCE_YUAN


VILLAGE = Column("village_code", "村级区划代码", "village code", reference="village",
                 help_zh="12 位统计用区划代码，见“代码表”")
YEAR = Column("year", "年度", "year", "int", minimum=2000, maximum=2100)

COLLECTIVE_INCOME = Domain(
    id="collective_income",
    zh="村集体经济组织收益分配统计表",
    en="village collective income form",
    model=CollectiveIncome,
    natural_key=("village_code", "year", "quarter"),
    columns=(
        VILLAGE,
        YEAR,
        Column("quarter", "季度", "quarter", "int", minimum=0, maximum=4,
               help_zh="0 = 全年决算；1-4 = 截至该季度末的累计数"),
        *(Column(key, f"{zh}（万元）", en, "wan", minimum=0) for key, zh, en in MONEY_LINES),
        Column("net_income", "本年收益（万元）", "net income", "wan",
               help_zh="= 总收入 - 总支出，可为负数"),
    ),
    checks=(RowCheck("net_income", "本年收益不等于总收入减总支出",
                     "net income differs from total income minus total expenses",
                     _net_mismatch),),
    derive=_with_township,
    instructions_zh=("每村每年一行全年数（季度填 0），当年可按季度填报累计数。"
                     "金额单位：万元，保留两位小数。"),
)

COOPERATIVES = Domain(
    id="cooperatives",
    zh="党组织领办合作社",
    en="party-led cooperatives",
    model=Cooperative,
    natural_key=("code", "year"),
    columns=(
        Column("code", "合作社统一社会信用代码", "cooperative code", max_length=32),
        YEAR,
        Column("name", "合作社名称", "name", max_length=128),
        VILLAGE,
        Column("members", "社员户数", "member households", "int", minimum=0),
        Column("land_mu", "入社土地（亩）", "land (mu)", "float", minimum=0),
        Column("guaranteed_payment_per_mu", "保底收益（元/亩）", "guaranteed payment (yuan/mu)",
               "int", minimum=0, maximum=5000),
        Column("dividend_total", "社员分红（元）", "member dividends (yuan)", "int", minimum=0),
        Column("collective_income", "村集体收益（元）", "collective share (yuan)", "int",
               minimum=0),
    ),
    derive=_with_township,
)

LAND_TRANSFER = Domain(
    id="land_transfer",
    zh="土地流转",
    en="land transfer",
    model=LandTransfer,
    natural_key=("village_code", "year"),
    columns=(
        VILLAGE,
        YEAR,
        Column("new_area_mu", "当年新增流转面积（亩）", "new area (mu)", "float", minimum=0),
        Column("total_area_mu", "累计流转面积（亩）", "total area (mu)", "float", minimum=0),
        Column("rent_per_mu", "平均流转租金（元/亩/年）", "rent (yuan/mu/year)", "int",
               minimum=0, maximum=5000),
    ),
    checks=(RowCheck("total_area_mu", "累计流转面积小于当年新增面积",
                     "total area is less than this year's new area",
                     lambda f: f["total_area_mu"] < f["new_area_mu"]),),
    derive=_with_township,
)

POPULATION = Domain(
    id="population",
    zh="区划人口",
    en="population by division",
    model=Division,
    natural_key=("code",),
    columns=(
        Column("code", "区划代码", "division code", reference="division"),
        Column("population", "户籍人口（人）", "population", "int", minimum=0, maximum=10_000_000),
        Column("population_generated", "是否估算", "estimated", "bool", required=False,
               help_zh="是 = 估算或演示数据；否 = 统计数"),
    ),
    derive=lambda frame, _lookups: frame.assign(
        population_generated=frame["population_generated"].fillna(False)),
    update_only=True,
    instructions_zh="只更新已有区划的人口，不新增区划。",
)

# This domain's templates (metrics/domains.py names them in import order).
TEMPLATES: tuple[Domain, ...] = (POPULATION, COLLECTIVE_INCOME, COOPERATIVES, LAND_TRANSFER,)
