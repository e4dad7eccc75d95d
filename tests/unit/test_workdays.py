import datetime as dt

import chinese_calendar
import numpy as np
import pytest

from metrics.workdays import (
    add_working_days,
    add_working_days_array,
    calendar_covers,
    calendar_overrides,
    covered_years,
    is_workday,
    library_years,
    set_calendar_overrides,
    working_days_between,
    working_days_between_array,
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


# --- the county's own calendar (overrides) ---------------------------------------------------

# A 2027 calendar as a county would import it: New Year's Day, the Spring Festival week
# (Saturday 02-06 to Friday 02-12) and a make-up working Saturday (02-20).
CALENDAR_2027 = {
    dt.date(2027, 1, 1): False,
    **{dt.date(2027, 2, day): False for day in range(6, 13)},
    dt.date(2027, 2, 20): True,
}


@pytest.fixture(autouse=True)
def _library_only():
    """Every test starts and ends with the library alone."""
    set_calendar_overrides({})
    yield
    set_calendar_overrides({})


def test_years_after_the_library_fall_back_to_monday_to_friday() -> None:
    assert library_years()[-1] == 2026
    assert not calendar_covers(2027) and 2027 not in covered_years()
    assert is_workday(dt.date(2027, 1, 1))  # a Friday
    assert not is_workday(dt.date(2027, 2, 20))  # a Saturday
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 8)


def test_imported_days_make_a_year_covered_and_count() -> None:
    set_calendar_overrides(CALENDAR_2027)
    assert calendar_covers(2027) and 2027 in covered_years()
    assert not calendar_covers(2028)
    assert covered_years() == (*library_years(), 2027)
    assert not is_workday(dt.date(2027, 1, 1))
    assert not is_workday(dt.date(2027, 2, 8))  # Monday of the Spring Festival week
    assert is_workday(dt.date(2027, 2, 20))  # the make-up Saturday
    assert is_workday(dt.date(2027, 2, 22))  # a day not listed: Monday-Friday
    assert not is_workday(dt.date(2027, 2, 21))
    # Friday 02-05 + 1: the week off is skipped.
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 15)
    # Friday 02-19 + 1: the make-up Saturday counts.
    assert add_working_days(dt.date(2027, 2, 19), 1) == dt.date(2027, 2, 20)
    # 2026-12-31 + 1 skips New Year's Day 2027 (and the weekend after it).
    assert add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    # 02-05 .. 02-28: 02-15..19 (5), 02-20 (1), 02-22..26 (5).
    assert working_days_between(dt.date(2027, 2, 5), dt.date(2027, 2, 28)) == 11


def test_arrays_follow_the_overrides_like_the_scalars() -> None:
    starts = np.array(["2027-01-25", "2027-02-05", "2026-12-28"], dtype="datetime64[D]")
    counts = np.array([20, 5, 5])
    before = add_working_days_array(starts, counts)
    set_calendar_overrides(CALENDAR_2027)
    after = add_working_days_array(starts, counts)
    assert list(before.astype(str)) == ["2027-02-22", "2027-02-12", "2027-01-04"]
    assert list(after.astype(str)) == ["2027-02-26", "2027-02-19", "2027-01-05"]
    for day, count, due in zip(starts.astype(object), counts, after.astype(object),
                               strict=True):
        assert add_working_days(day, int(count)) == due
    ends = np.array(["2027-02-28", "2027-02-28", "2027-01-08"], dtype="datetime64[D]")
    between = working_days_between_array(starts, ends)
    assert list(between) == [working_days_between(s, e) for s, e in
                             zip(starts.astype(object), ends.astype(object), strict=True)]


def test_imported_days_take_precedence_over_the_library() -> None:
    # The library has 2026-10-01 off; a county correction making it a working day wins.
    assert not is_workday(dt.date(2026, 10, 1))
    set_calendar_overrides({dt.date(2026, 10, 1): True})
    assert is_workday(dt.date(2026, 10, 1))
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 1)
    # Days of that year not listed keep the library's answer (10-02 stays off).
    assert not is_workday(dt.date(2026, 10, 2))


def test_new_overrides_replace_the_old_whole_and_are_copied() -> None:
    days = dict(CALENDAR_2027)
    set_calendar_overrides(days)
    days[dt.date(2027, 3, 1)] = False  # changing the caller's dict changes nothing
    assert is_workday(dt.date(2027, 3, 1))
    assert calendar_overrides() == CALENDAR_2027
    set_calendar_overrides({dt.date(2028, 1, 3): False})
    assert is_workday(dt.date(2027, 1, 1)) and not calendar_covers(2027)
    assert not is_workday(dt.date(2028, 1, 3)) and calendar_covers(2028)
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 8)
    set_calendar_overrides({})
    assert calendar_overrides() == {} and covered_years() == tuple(library_years())


def test_the_working_days_counted_at_once_are_the_library_s_day_by_day() -> None:
    """The span's working days are made from the library's tables in one go: every day of
    it must be what the library (or Monday to Friday outside its years) says of that day."""
    set_calendar_overrides({})
    first, last = dt.date(2004, 1, 1), dt.date(2035, 12, 31)
    days = [first + dt.timedelta(n) for n in range((last - first).days + 1)]
    expected = [day for day in days
                if (chinese_calendar.is_workday(day) if day.year in library_years()
                    else day.weekday() < 5)]
    counted = add_working_days_array(np.array(days, dtype="datetime64[D]"),
                                     np.ones(len(days), dtype=np.int64))
    # The next working day after each day, both ways.
    following = np.array(expected, dtype="datetime64[D]")
    at = np.searchsorted(following, np.array(days, dtype="datetime64[D]"), side="right")
    inside = at < len(following)
    assert (counted[inside] == following[at[inside]]).all()
    assert working_days_between(first - dt.timedelta(1), last) == len(expected)
