"""A large file's work done in two halves at once, one in a forked child process, the other
here: its reading, checking and deriving (importing.runner), and the formatting of its rows
for COPY (importing.bulk).

Reading, checking and deriving a county's 800,000 cases is about 6 s of Python on one core
while the machine's other core waits for it. Rows are read and checked one by one (a file's
cross-row rules, its duplicate keys and references to its own rows, are checked again on the
whole), so the two halves of a file can be done apart and joined. A child that fails in any
way leaves its half to be done here, where the failure, if it is one, is raised as usual.

The child is forked, so it starts with everything this process has read (the file, the
lookups) without copying it; it returns its half's rows pickled through a pipe, and never
touches this process's database connections (it ends with os._exit, running no finaliser).
"""

from __future__ import annotations

import logging
import multiprocessing
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
U = TypeVar("U")

# Below this many rows a second process costs more than it saves (forking and sending the
# rows back take about a tenth of a second).
MIN_ROWS = 100_000


def halves(rows: int) -> tuple[slice, slice] | None:
    """The two halves of `rows` positions, or None when that many are done faster in one
    process (or this system cannot fork)."""
    if rows < MIN_ROWS or "fork" not in multiprocessing.get_all_start_methods():
        return None
    middle = rows // 2
    return slice(0, middle), slice(middle, rows)


def in_two(first: Callable[[], T], second: Callable[[], U]) -> tuple[T, U]:
    """first() in a forked child and second() here, at the same time; both results. If the
    child fails, first() runs here after second()."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_send, args=(first, sender))
    try:
        child.start()
    except (AssertionError, OSError):  # a daemonic process may have no children; no memory
        receiver.close()
        sender.close()
        return first(), second()
    sender.close()  # the child holds its own end: an EOF here means it is gone
    done = False
    try:
        here = second()
        try:
            there: T = receiver.recv()
        except (EOFError, OSError):
            log.warning("the child process for the first half failed; doing it here")
            there = first()
        done = True
    finally:
        receiver.close()
        if not done:  # this half failed: the child's is of no use
            child.kill()
        child.join()
    return there, here


def _send(work: Callable[[], T], sender: Connection) -> None:
    sender.send(work())  # an exception ends the child without sending: the parent redoes it
    sender.close()
