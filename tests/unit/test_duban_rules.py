"""The 督办 ledger's rules: which step moves an item where, and when it is overdue."""

import datetime as dt

import pytest

from metrics.duban import closed_on_time, is_overdue, next_state, state_after

DUE = dt.date(2026, 11, 20)


@pytest.mark.parametrize(("action", "state", "after"), [
    ("answer", "open", "answered"), ("answer", "returned", "answered"),
    ("return", "answered", "returned"), ("close", "answered", "closed"),
    ("close", "open", None), ("answer", "closed", None), ("return", "open", None),
    ("answer", "answered", None), ("open", "open", None)])
def test_steps(action: str, state: str, after: str | None) -> None:
    assert next_state(action, state) == after


def test_overdue_means_not_closed_by_the_end_of_the_due_day() -> None:
    assert not is_overdue("open", DUE, DUE)
    assert is_overdue("open", DUE, DUE + dt.timedelta(days=1))
    assert is_overdue("answered", DUE, DUE + dt.timedelta(days=1))  # waiting on review is late
    closed = DUE + dt.timedelta(days=2)
    assert not is_overdue("closed", DUE, closed + dt.timedelta(days=9), closed)
    # Looked at before it was closed, it was overdue then.
    assert is_overdue("closed", DUE, DUE + dt.timedelta(days=1), closed)
    assert closed_on_time(DUE, DUE) and not closed_on_time(DUE, closed)


def test_the_state_an_items_steps_leave_it_in() -> None:
    assert state_after([]) == state_after(["open"]) == "open"
    assert state_after(["open", "answer"]) == "answered"
    assert state_after(["open", "answer", "return"]) == "returned"
    assert state_after(["open", "answer", "return", "answer", "close"]) == "closed"
