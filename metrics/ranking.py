"""Ranking divisions on an indicator: 1 is best; divisions without a value come last, unranked."""

from __future__ import annotations

import pandas as pd

from metrics.indicators import INDICATORS


def rank(values: pd.Series, indicator_id: str) -> pd.Series:
    """Competition ranking ("1224"): ties share the better rank."""
    ascending = not INDICATORS[indicator_id].higher_is_better
    return values.rank(method="min", ascending=ascending, na_option="keep")


def ranked_table(values: pd.Series, names: pd.Series, indicator_id: str,
                 counts: pd.DataFrame | None = None) -> pd.DataFrame:
    """code, name, value, rank (and a rate's numerator, denominator when `counts` are given);
    best first, divisions without a value at the end."""
    frame = pd.DataFrame({"value": values, "name": names.reindex(values.index)})
    frame["rank"] = rank(values, indicator_id)
    if counts is not None:
        frame = frame.join(counts[["numerator", "denominator"]])
    frame.index.name = "code"
    return frame.sort_values(["rank", "name"], na_position="last").reset_index()
