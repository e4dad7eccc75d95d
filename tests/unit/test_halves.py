"""Two halves of a large file's work at once (data_access/importing/halves.py): both results,
in order, from two processes; a child that fails has its half done here; a failure here leaves
no child behind."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from data_access.importing import halves
from data_access.importing.halves import in_two


def test_each_half_is_done_by_its_own_process_and_returned_in_order() -> None:
    here = os.getpid()
    first, second = in_two(lambda: ("first", os.getpid()), lambda: ("second", os.getpid()))
    assert first[0] == "first" and first[1] != here
    assert second == ("second", here)
    assert multiprocessing.active_children() == []


def test_a_half_the_child_cannot_do_is_done_here() -> None:
    here = os.getpid()

    def first() -> str:
        if os.getpid() != here:
            raise MemoryError("the child ran out of memory")
        return "done here"

    assert in_two(first, lambda: "second") == ("done here", "second")
    assert multiprocessing.active_children() == []


def test_a_failure_here_is_raised_and_leaves_no_child() -> None:
    def second() -> str:
        raise ValueError("a bug in this half")

    with pytest.raises(ValueError, match="a bug in this half"):
        in_two(lambda: [0] * 1_000_000, second)
    assert multiprocessing.active_children() == []


def test_small_files_are_done_in_one_process() -> None:
    assert halves.halves(halves.MIN_ROWS - 1) is None
    first, second = halves.halves(halves.MIN_ROWS + 1)
    assert (first.start, first.stop, second.start, second.stop) == (
        0, (halves.MIN_ROWS + 1) // 2, (halves.MIN_ROWS + 1) // 2, halves.MIN_ROWS + 1)
