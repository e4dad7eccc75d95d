"""Pure service-hall calculations: working days overdue and the state of a bad-review follow-up."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from metrics.workdays import working_days_between_array


def days_overdue(due: pd.Series, finished: pd.Series, until: dt.date) -> pd.Series:
    """Working days past the promised date: to the finish, or to `until` for open cases."""
    end = pd.to_datetime(finished).dt.normalize().fillna(pd.Timestamp(until))
    starts = pd.to_datetime(due).to_numpy(dtype="datetime64[D]")
    days = working_days_between_array(starts, end.to_numpy(dtype="datetime64[D]"))
    return pd.Series(np.maximum(days, 0), index=due.index)


def follow_up_state(due: pd.Series, fixed: pd.Series, today: dt.date) -> pd.Series:
    """已整改 (fixed by its due date), 逾期整改 (fixed after it), 逾期 (open past its due date)
    or 待整改 (open, still in time). The fixed rate counts both kinds of fixed."""
    due_days = pd.to_datetime(due).dt.date
    late = fixed.notna() & (pd.to_datetime(fixed) > pd.to_datetime(due))
    state = np.where(fixed.notna(), np.where(late, "逾期整改", "已整改"),
                     np.where(due_days < today, "逾期", "待整改"))
    return pd.Series(state, index=due.index)
