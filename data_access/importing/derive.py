"""Derivations shared by several domains (parent township of a division, working-day dates)."""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def add_working_days(days: pd.Series, counts: pd.Series) -> pd.Series:
    """Working-day deadline for each row; NaT where the start day is missing."""
    known = days.notna()
    result = pd.Series(pd.NaT, index=days.index, dtype="datetime64[ns]")
    if known.any():
        starts = days[known].to_numpy().astype("datetime64[D]")
        due = add_working_days_array(starts, counts[known].fillna(0).to_numpy())
        result[known] = pd.to_datetime(due)
    return result
