"""Derivations shared by several domains (parent township of a division, working-day dates)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data_access.divisions import ancestor_code
from data_access.importing.spec import Lookups
from metrics.workdays import add_working_days_array


def township_of(codes: pd.Series, lookups: Lookups) -> pd.Series:
    """The township a division belongs to (itself for a township, None for the county)."""
    divisions = lookups.divisions
    level = codes.map(divisions["level"])
    parent = codes.map(divisions["parent_code"])
    return pd.Series(np.where(level == "township", codes,
                              np.where(level == "village", parent, None)),
                     index=codes.index, dtype=object)


def county_of(given: pd.Series, places: pd.Series, lookups: Lookups) -> pd.Series:
    """The county of each row: the one given, else the one its place's code begins with, else
    the only county loaded (None when there are several and the row names none)."""
    counties = lookups.divisions.index[lookups.divisions["level"] == "county"]
    only = counties[0] if len(counties) == 1 else None
    prefixed = places.map(lambda code: ancestor_code(code, "county") if isinstance(code, str)
                          else None)
    return given.where(given.notna(), prefixed).where(lambda c: c.notna(), only) \
        .astype(object)


def add_working_days(days: pd.Series, counts: pd.Series) -> pd.Series:
    """Working-day deadline for each row; NaT where the start day is missing."""
    known = days.notna()
    result = pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    if known.any():
        starts = days[known].to_numpy().astype("datetime64[D]")
        due = add_working_days_array(starts, counts[known].fillna(0).to_numpy())
        result[known] = pd.to_datetime(due)
    return result
