"""The 督办 ledger's rules: states, who moves an item from which state, when it is overdue.

口径: an item is overdue when it is not closed by the end of its due day (due dates count
working days, 调休-aware, from the day it was opened); it was closed on time when it was closed
on or before its due day. The weekly section counts, per township, the items opened in the
week, those closed on time and late in the week, and those overdue at the week's end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

DUE_WORKING_DAYS = 5
STATES = ("open", "answered", "returned", "closed")
ACTIONS = ("open", "answer", "return", "close")
# action -> (states it may start from, state it leaves the item in)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "answer": (("open", "returned"), "answered"),
    "return": (("answered",), "returned"),
    "close": (("answered",), "closed"),
}
# Who may take each step: the township answers; those who follow up accept or send back.
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "open": ("leader", "supervisor", "admin"),
    "answer": ("township", "admin"),
    "return": ("leader", "supervisor", "admin"),
    "close": ("leader", "supervisor", "admin"),
}
SOURCES = ("card", "flag", "worklist", "talk", "manual")
# Who is offered a 督办 link on each listed row (the worklist, the red flags' rows): those who
# chair and follow up the meeting. An administrator may still open an item from the form.
ROW_LINK_ROLES = ("leader", "supervisor")


def next_state(action: str, state: str) -> str | None:
    """The state `action` leaves an item in, or None when it cannot be taken from `state`."""
    allowed, after = TRANSITIONS.get(action, ((), ""))
    return after if state in allowed else None


def state_after(actions: Iterable[str]) -> str:
    """The state an item's steps, oldest first, leave it in: its state as of the last one."""
    state = "open"
    for action in actions:
        state = next_state(action, state) or state
    return state


def is_overdue(state: str, due_on: dt.date, as_of: dt.date,
               closed_on: dt.date | None = None) -> bool:
    """Not closed by the end of its due day, as of the end of `as_of`."""
    if state == "closed" and closed_on is not None and closed_on <= as_of:
        return False
    return as_of > due_on


def closed_on_time(due_on: dt.date, closed_on: dt.date) -> bool:
    return closed_on <= due_on
