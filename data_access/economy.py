"""Collective-economy queries for the /economy page: SQL aggregates returned as DataFrames.

Every count and sum is a GROUP BY in the database; the only per-row reads are the village
income rows of one period (one row per 村委会, about 150 in the county), which the page lists.
Income covers 村委会 only, as the indicators do (communities are not assessed). `quarter` is
0 for the full-year report and 1..4 for cumulative figures to the quarter's end. All money is
in yuan; pages convert to 万元.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, Select, SQLColumnExpression, case, func, literal, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from data_access.aggregates import CodeColumn, level_key
from data_access.cache import cached
from data_access.divisions import home
from data_access.models import CollectiveIncome, Cooperative, Division, LandTransfer
from metrics.economy import TIERS
from metrics.vocabulary import ASSESSED_UNIT_TYPE

INCOME_LINES = ("operating_income", "contract_income", "investment_income", "subsidy_income",
                "other_income")
_LINE_COLUMNS = {name: getattr(CollectiveIncome, name) for name in INCOME_LINES}
REVENUE = CollectiveIncome.operating_revenue


def tier_case(revenue: SQLColumnExpression[int | None]) -> ColumnElement[str]:
    """The tier id of an operating revenue, in SQL, from the same boundaries as metrics."""
    return case(*((revenue < tier.high, tier.id) for tier in TIERS[:-1]), else_=TIERS[-1].id)


def _assessed(year: int, quarter: int) -> tuple[ColumnElement[bool], ...]:
    return (Division.unit_type == ASSESSED_UNIT_TYPE, CollectiveIncome.year == year,
            CollectiveIncome.quarter == quarter)


def _read(engine: Engine, query: Select) -> pd.DataFrame:
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


def _ranked_and_area(engine: Engine, query: Select, township: CodeColumn) -> pd.DataFrame:
    """The query grouped by the divisions the area ranks (its townships, or its counties when
    it has several), plus the area's total (the same query ungrouped) first; indexed by
    division code."""
    area = home(engine)
    key = level_key(area.ranked_level, township, None)
    assert key is not None  # a township column gives every level's key
    townships = _read(engine, query.add_columns(key.label("code")).group_by(key))
    county = _read(engine, query.add_columns(literal(area.code).label("code")))
    frame = pd.concat([county, townships], ignore_index=True)
    frame = frame[frame["count"] > 0] if "count" in frame else frame
    return frame.set_index("code")


@cached
def village_incomes(engine: Engine, year: int, quarter: int = 0) -> pd.DataFrame:
    """One row per 村委会 reporting for the period: code, name, township_code, township, the
    five income lines, operating_revenue (经营性收入) and total_income; highest revenue first."""
    township = aliased(Division)
    query = (
        select(CollectiveIncome.village_code.label("code"), Division.name.label("name"),
               CollectiveIncome.township_code, township.name.label("township"),
               *(column.label(name) for name, column in _LINE_COLUMNS.items()),
               REVENUE.label("operating_revenue"))
        .join(Division, Division.code == CollectiveIncome.village_code)
        .join(township, township.code == CollectiveIncome.township_code)
        .where(*_assessed(year, quarter))
        .order_by(REVENUE.desc(), CollectiveIncome.village_code)
    )
    frame = _read(engine, query)
    frame["total_income"] = frame[list(INCOME_LINES)].sum(axis=1)
    return frame


@cached
def tier_counts(engine: Engine, year: int, quarter: int = 0) -> pd.Series:
    """Villages per tier id (tiers without villages are absent)."""
    tier = tier_case(REVENUE)
    query = (select(tier.label("tier"), func.count().label("villages"))
             .join_from(CollectiveIncome, Division,
                        Division.code == CollectiveIncome.village_code)
             .where(*_assessed(year, quarter)).group_by(tier))
    frame = _read(engine, query)
    return frame.set_index("tier")["villages"].astype(int)


@cached
def income_composition(engine: Engine, year: int, quarter: int = 0) -> pd.DataFrame:
    """Per township and for the county (first row, code = county): count (villages), the sums
    of the five income lines, operating_revenue and total_income. Empty without reports."""
    query = (
        select(func.count().label("count"),
               *(func.coalesce(func.sum(column), 0).label(name)
                 for name, column in _LINE_COLUMNS.items()),
               func.coalesce(func.sum(REVENUE), 0).label("operating_revenue"))
        .join_from(CollectiveIncome, Division, Division.code == CollectiveIncome.village_code)
        .where(*_assessed(year, quarter))
    )
    frame = _ranked_and_area(engine, query, CollectiveIncome.township_code)
    frame["total_income"] = frame[list(INCOME_LINES)].sum(axis=1)
    return frame


@cached
def income_trend(engine: Engine, first_year: int = 2017) -> pd.DataFrame:
    """Full-year reports from `first_year`, of each division the area ranks and of the area:
    code, year, count (villages), operating_revenue and subsidy_income sums."""
    query = (
        select(func.count().label("count"),
               func.coalesce(func.sum(REVENUE), 0).label("operating_revenue"),
               func.coalesce(func.sum(CollectiveIncome.subsidy_income), 0)
               .label("subsidy_income"),
               CollectiveIncome.year.label("year"))
        .join_from(CollectiveIncome, Division, Division.code == CollectiveIncome.village_code)
        .where(Division.unit_type == ASSESSED_UNIT_TYPE, CollectiveIncome.quarter == 0,
               CollectiveIncome.year >= first_year)
        .group_by(CollectiveIncome.year)
    )
    frame = _ranked_and_area(engine, query, CollectiveIncome.township_code).reset_index()
    return frame.sort_values(["code", "year"]).reset_index(drop=True)


@cached
def cooperative_summary(engine: Engine, year: int) -> pd.DataFrame:
    """Party-led cooperatives of the year per township and for the county (first row): count,
    members, land_mu, guaranteed_per_mu (保底, weighted by land), dividends (to members) and
    collective_income (to the village collectives), yuan. Empty without records."""
    query = select(
        func.count().label("count"),
        func.coalesce(func.sum(Cooperative.members), 0).label("members"),
        func.coalesce(func.sum(Cooperative.land_mu), 0.0).label("land_mu"),
        (func.sum(Cooperative.guaranteed_payment_per_mu * Cooperative.land_mu)
         / func.nullif(func.sum(Cooperative.land_mu), 0)).label("guaranteed_per_mu"),
        func.coalesce(func.sum(Cooperative.dividend_total), 0).label("dividends"),
        func.coalesce(func.sum(Cooperative.collective_income), 0).label("collective_income"),
    ).where(Cooperative.year == year)
    return _ranked_and_area(engine, query, Cooperative.township_code)


@cached
def land_transfer_summary(engine: Engine, year: int) -> pd.DataFrame:
    """Land transfer of the year per township and for the county (first row): count (villages),
    new_mu, total_mu and rent_per_mu (weighted by the area transferred). Empty without records."""
    query = select(
        func.count().label("count"),
        func.coalesce(func.sum(LandTransfer.new_area_mu), 0.0).label("new_mu"),
        func.coalesce(func.sum(LandTransfer.total_area_mu), 0.0).label("total_mu"),
        (func.sum(LandTransfer.rent_per_mu * LandTransfer.total_area_mu)
         / func.nullif(func.sum(LandTransfer.total_area_mu), 0)).label("rent_per_mu"),
    ).where(LandTransfer.year == year)
    return _ranked_and_area(engine, query, LandTransfer.township_code)
