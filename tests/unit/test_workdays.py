import datetime as dt

import numpy as np

from metrics.workdays import (
    add_working_days,
    add_working_days_array,
    is_workday,
    working_days_between,
)


def test_national_day_2025_with_make_up_working_days() -> None:
    # 2025: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are make-up working days (调休).
    assert is_workday(dt.date(2025, 9, 28))
    assert not is_workday(dt.date(2025, 10, 3))
    assert is_workday(dt.date(2025, 10, 11))
    assert add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)
    assert add_working_days(dt.date(2025, 9, 26), 1) == dt.date(2025, 9, 28)
    assert working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 11)) == 3


def test_zero_days_is_the_same_day_and_array_matches_scalar() -> None:
    days = np.array(["2025-09-30", "2026-02-13", "2026-06-01"], dtype="datetime64[D]")
    counts = np.array([0, 5, 20])
    result = add_working_days_array(days, counts)
    assert result[0] == np.datetime64("2025-09-30")
    for day, count, due in zip(days.astype(object), counts, result.astype(object), strict=True):
        assert add_working_days(day, int(count)) == due


def test_spring_festival_2026_is_skipped() -> None:
    # 2026 Spring Festival: 02-15..02-23 off, Saturday 02-14 and 02-28 are working days.
    assert is_workday(dt.date(2026, 2, 14))
    assert add_working_days(dt.date(2026, 2, 14), 1) == dt.date(2026, 2, 24)
