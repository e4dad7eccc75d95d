"""How an import template is described: columns, references, cross-field checks, derivations.

A domain is declared once (see the `domains_*` modules) and that one declaration drives the
template writer, the validator and the upsert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd
from sqlalchemy import Connection
from sqlalchemy.sql.elements import ColumnElement

from data_access.models import Base

ColumnKind = Literal["text", "int", "float", "wan", "date", "datetime", "bool", "choice"]

# A reference names what a code must exist as: a division level, or another directory.
Reference = Literal[
    "division", "township", "village", "service_item", "volunteer_team",
    "inspection_object", "inspector", "inspection_item", "inspection_task",
]


@dataclass(frozen=True)
class Column:
    key: str  # the model attribute it fills
    zh: str
    en: str
    kind: ColumnKind = "text"
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    reference: Reference | None = None
    many: bool = False  # several codes separated by 、 , ; or spaces
    max_length: int | None = None
    not_in_future: bool = False
    help_zh: str = ""

    @property
    def header(self) -> str:
        return f"{self.zh}({self.key})"


@dataclass(frozen=True)
class RowCheck:
    """A cross-field rule; `bad` returns True for rows that break it."""

    column: str
    zh: str
    en: str
    bad: Callable[[pd.DataFrame], pd.Series]


@dataclass(frozen=True)
class Domain:
    id: str
    zh: str
    en: str
    model: type[Base]
    natural_key: tuple[str, ...]
    columns: tuple[Column, ...]
    checks: tuple[RowCheck, ...] = ()
    # Adds derived columns (township_code, due dates, ...) from parsed values and lookups.
    derive: Callable[[pd.DataFrame, Lookups], pd.DataFrame] | None = None
    instructions_zh: str = ""
    # Codes in this file may be referenced by rows of the same file (e.g. a team's parent).
    self_reference: Reference | None = None
    # Only updates rows that exist (e.g. population of a known division), never inserts.
    update_only: bool = False
    # Columns `derive` fills for new rows only: an existing row keeps its value (e.g. whether a
    # division's population is estimated, which the population template sets).
    insert_only: tuple[str, ...] = ()
    rollup: Rollup | None = None
    # Stored dates derived by counting working days, recomputed when the holiday calendar of
    # their years changes (see WorkdayDates).
    workday_dates: WorkdayDates | None = None
    # Runs in the import's transaction after the rows are written (and the rollup refreshed),
    # e.g. to drop rows the file replaces and recompute what depends on them.
    after_write: Callable[[Connection, pd.DataFrame], None] | None = None
    example: dict[str, str] = field(default_factory=dict)
    # The table's key when it extends the file's with a derived column (a case is its serial
    # within its county); the file's own key otherwise.
    stored_key: tuple[str, ...] = ()
    # Writes the rows it can write faster than the upsert and returns the others (on
    # PostgreSQL, the cases of a county imported for the first time).
    bulk_write: Callable[[Connection, pd.DataFrame], pd.DataFrame] | None = None
    # The tables that the rows are stored in, whose statistics the import refreshes (on
    # PostgreSQL a case's county's partition): the model's table when None.
    stored_in: Callable[[Connection, pd.DataFrame], tuple[str, ...]] | None = None

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    @property
    def table_key(self) -> tuple[str, ...]:
        return self.stored_key or self.natural_key


@dataclass(frozen=True)
class RollupSpan:
    """The part of a roll-up that rows touch: their days, and the division codes low..high
    of their rows (None: every division's)."""

    first: dt.date
    last: dt.date
    low_code: str | None = None
    high_code: str | None = None

    def union(self, other: RollupSpan) -> RollupSpan:
        everywhere = None in (self.low_code, other.low_code)
        return RollupSpan(min(self.first, other.first), max(self.last, other.last),
                          None if everywhere else min(self.low_code or "", other.low_code or ""),
                          None if everywhere else max(self.high_code or "",
                                                      other.high_code or ""))


@dataclass(frozen=True)
class Rollup:
    """A summary table kept in step with a domain's rows, in the import's transaction."""

    span: Callable[[Connection, pd.DataFrame], RollupSpan | None]
    refresh: Callable[[Connection, RollupSpan], None]
    tables: tuple[str, ...] = ()  # the summary tables refresh writes


@dataclass(frozen=True)
class WorkdayDates:
    """Dates a template stores by counting working days (metrics/workdays.py).

    `compute` is the one derivation: the template's `derive` calls it at import time, and a
    holiday calendar import calls it again for the stored rows whose count may cross the
    imported years. It takes the columns `reads` (the natural key is added) as parsed at
    import, dates as datetime64, and returns the columns `writes`; `touches(first, last)`
    selects the stored rows whose working-day count may cross a day of first..last.
    """

    reads: tuple[str, ...]
    writes: tuple[str, ...]
    compute: Callable[[pd.DataFrame], pd.DataFrame]
    touches: Callable[[dt.date, dt.date], ColumnElement[bool]]


@dataclass
class Lookups:
    """Reference data read once per import (codes that exist in the database)."""

    divisions: pd.DataFrame  # index code; columns level, parent_code, unit_type, short_name
    codes: dict[str, set[str]]
    item_limits: pd.Series  # service item code -> promised limit (working days)
    team_townships: pd.Series  # volunteer team code -> township code (None for county teams)
    team_counties: pd.Series  # volunteer team code -> county code
    object_townships: pd.Series  # inspection object code -> township code
