"""Population, party-led cooperatives and land transfer (collective income is in `income`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.demo import income
from data_access.demo.catalogues import COOPERATIVE_PRODUCTS
from data_access.demo.shared import DemoContext, Step, credit_codes, rng_for

# Seed article (seed_facts.csv): 总人口67万; cooperatives 2018: 5,203 亩, 167万元 to villages;
# new land transfer 2019: 5万亩.
POPULATION_TARGET = 670_000
POPULATION_RANGES = {"村委会": (1_500, 5_000), "居委会": (3_000, 12_000), "社区": (3_000, 12_000),
                     "生活区": (300, 1_500)}
COOP_LAND_2018_MU = 5_203
COOP_INCOME_2018_YUAN = 1_670_000
COOP_FIRST_YEAR = 2018
COOPS_2018 = 26
LAND_TRANSFER_FIRST_YEAR = 2017
LAND_TRANSFER_2019_MU = 50_000
# County-wide new land transfer by year, relative to 2019 (the campaign peaked that year).
LAND_TRANSFER_TREND = {2017: 0.55, 2018: 0.72, 2019: 1.0, 2020: 0.64, 2021: 0.52, 2022: 0.46}


def exact_total(rng: np.random.Generator, weights: np.ndarray, total: int,
                step: int = 1) -> np.ndarray:
    """Whole multiples of `step` proportional to weights that add up to exactly `total`."""
    units = total // step
    raw = weights / weights.sum() * units
    out = np.floor(raw).astype(np.int64)
    missing = units - int(out.sum())
    order = np.argsort(-(raw - out) + rng.random(len(raw)) * 1e-9, kind="stable")
    out[order[:missing]] += 1
    return out * step


def generate_population(divisions: pd.DataFrame) -> pd.Series:
    """Persons per village-level unit within its type's range, townships and the county summed,
    scaled so the county has exactly POPULATION_TARGET."""
    rng = rng_for("population")
    units = divisions[divisions["level"] == "village"].sort_index()
    low = units["unit_type"].map(lambda t: POPULATION_RANGES[t][0]).to_numpy(float)
    high = units["unit_type"].map(lambda t: POPULATION_RANGES[t][1]).to_numpy(float)
    raw = low + (high - low) * rng.beta(2.0, 3.0, len(units))
    lo_f, hi_f = 0.2, 5.0
    for _ in range(60):  # bisection on a common factor, clipped to each type's range
        factor = (lo_f + hi_f) / 2
        if np.clip(raw * factor, low, high).sum() < POPULATION_TARGET:
            lo_f = factor
        else:
            hi_f = factor
    people = np.clip(np.round(raw * factor), low, high).astype(np.int64)
    gap = POPULATION_TARGET - int(people.sum())
    room = (people < high) if gap > 0 else (people > low)
    candidates = rng.permutation(np.flatnonzero(room))
    people[candidates[:abs(gap)]] += int(np.sign(gap))
    villages = pd.Series(people, index=units.index)
    townships = villages.groupby(units["parent_code"]).sum()
    county_code = divisions.index[divisions["level"] == "county"][0]
    county = pd.Series({county_code: int(villages.sum())})
    return pd.concat([county, townships, villages]).astype(np.int64)


def population_rows(ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    population = ctx.population
    return pd.DataFrame({"code": population.index, "population": population.to_numpy(),
                         "population_generated": True})


def cooperatives(ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """A few party-led cooperatives per township; 2018 calibrated to the seed article."""
    rng = rng_for("cooperatives")
    villages = ctx.assessed
    years = list(range(COOP_FIRST_YEAR, ctx.last_full_year + 1))
    # One per township first, then more, then a few new ones each later year.
    by_township = pd.Series(villages.index, index=villages.index).groupby(
        villages["parent_code"]).first()
    order = rng.permutation(villages.index.difference(by_township.to_numpy()))
    new_per_year = [COOPS_2018 - len(by_township)] + [int(rng.integers(4, 9)) for _ in years[1:]]
    chosen = list(by_township.to_numpy())
    founded = [COOP_FIRST_YEAR] * len(chosen)
    position = 0
    for year, count in zip(years, new_per_year, strict=True):
        chosen += list(order[position:position + count])
        founded += [year] * count
        position += count
    n = len(chosen)
    codes = credit_codes(rng, n, "93")
    products = rng.choice(COOPERATIVE_PRODUCTS, n)
    names = [f"石首市{villages.at[v, 'short_name']}{p}专业合作社"
             for v, p in zip(chosen, products, strict=True)]
    founded_arr = np.array(founded)
    land = rng.uniform(80, 400, n)
    land[founded_arr == COOP_FIRST_YEAR] = exact_total(
        rng, land[founded_arr == COOP_FIRST_YEAR], COOP_LAND_2018_MU)
    per_mu = rng.uniform(250, 400, n)  # yuan a mu to the collective
    guaranteed = rng.integers(500, 820, n)
    mu_per_household = rng.uniform(3, 8, n)
    rows = []
    for year in years:
        alive = founded_arr <= year
        if year > COOP_FIRST_YEAR:
            grown = founded_arr < year
            land[grown] = np.round(land[grown] * rng.uniform(1.0, 1.15, grown.sum()))
            land[founded_arr == year] = np.round(land[founded_arr == year])
            per_mu = per_mu * rng.uniform(1.0, 1.1, n)
            guaranteed = np.minimum(guaranteed + rng.integers(0, 25, n), 900)
        income = np.round(land * per_mu / 100).astype(np.int64) * 100
        if year == COOP_FIRST_YEAR:
            income[alive] = exact_total(rng, land[alive] * per_mu[alive],
                                        COOP_INCOME_2018_YUAN, step=100)
        members = np.maximum(np.round(land / mu_per_household), 5).astype(np.int64)
        dividends = np.round(land * rng.uniform(60, 200, n) / 100).astype(np.int64) * 100
        for i in np.flatnonzero(alive):
            rows.append({"code": codes[i], "year": year, "name": names[i],
                         "village_code": chosen[i], "members": int(members[i]),
                         "land_mu": float(land[i]), "guaranteed_payment_per_mu": int(guaranteed[i]),
                         "dividend_total": int(dividends[i]),
                         "collective_income": int(income[i])})
    return pd.DataFrame(rows)


def land_transfer(ctx: DemoContext, _made: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """New and cumulative land transfer of every 村委会; 2019's new area adds up to 5万亩."""
    rng = rng_for("land_transfer")
    villages = ctx.assessed.index
    n = len(villages)
    size = ctx.population.reindex(villages).to_numpy(float)
    stock = np.round(rng.uniform(0.05, 0.3, n) * size / 2.5) * 10  # mu transferred by 2016
    rent = rng.uniform(520, 720, n)
    rows = []
    for year in range(LAND_TRANSFER_FIRST_YEAR, ctx.last_full_year + 1):
        trend = LAND_TRANSFER_TREND.get(year, 0.46 * 0.9 ** (year - 2022))
        total = round(LAND_TRANSFER_2019_MU * trend * rng.uniform(0.95, 1.05)) \
            if year != 2019 else LAND_TRANSFER_2019_MU
        weights = size * rng.gamma(2.0, 1.0, n) * (rng.random(n) > 0.08)
        new = exact_total(rng, weights, total)
        stock = stock + new
        rent = rent + rng.uniform(0, 25, n)
        rows.append(pd.DataFrame({
            "village_code": villages, "year": year, "new_area_mu": new.astype(float),
            "total_area_mu": stock.astype(float),
            "rent_per_mu": np.clip(np.round(rent), 500, 900).astype(np.int64),
        }))
    return pd.concat(rows, ignore_index=True)


# This domain's templates' demo rows, in import order (data_access/demo/build.py).
STEPS: tuple[Step, ...] = (
    Step("population", ".xlsx", population_rows),
    Step("collective_income", ".xlsx", income.collective_income),
    Step("cooperatives", ".xlsx", cooperatives),
    Step("land_transfer", ".xlsx", land_transfer),
)
