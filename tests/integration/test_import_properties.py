"""Properties of the CSV import, over generated files (hypothesis):

- whatever the bytes, a .csv either imports or is refused with ImportRejected, never another
  exception, and a refused file leaves the database as it was;
- valid collective-income rows, written in UTF-8, UTF-8 with BOM or GB18030, import and read
  back equal.

One database per module: hypothesis runs each test many times in one call of the function.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, tuple_

from data_access.importing.domains import DOMAINS
from data_access.importing.problems import ImportRejected
from data_access.importing.runner import import_file
from data_access.models import CollectiveIncome, Division
from tests.dbutil import fresh_database, snapshot, sqlite_url

INCOME = DOMAINS["collective_income"]
INCOMES = ("operating_income", "contract_income", "investment_income", "subsidy_income",
           "other_income")
EXPENSES = ("operating_expense", "management_expense", "other_expense")
FAST = settings(max_examples=80, deadline=None)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("properties")


@pytest.fixture(scope="module")
def engine(folder: Path) -> Engine:
    return fresh_database(sqlite_url(folder))


@pytest.fixture(scope="module")
def villages(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return sorted(connection.scalars(select(Division.code)
                                         .where(Division.level == "village")))


def imports_or_refuses(engine: Engine, path: Path) -> None:
    before = snapshot(engine)
    try:
        import_file(engine, path)
    except ImportRejected as refusal:
        assert refusal.problems and all(p.zh and p.en for p in refusal.problems)
        assert snapshot(engine) == before, "a refused file changed the database"


# Cells a county file really holds, and what breaks parsers: quotes, separators, formula
# starts, full-width forms, dates in other formats, control characters.
CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "0", "-1", "16.00", "2019", "421081100201", "1,234.50", "１２３",
                     "2025/09/30", "45930", "=1+1", '"', '""', "\r", "\t", "\u3000", "nan",
                     "inf", "1e400", "是", "2025-02-30 09:00", "2025-09-30 09:00+08:00",
                     "2025-09-30 09:00", "2025-09-30", "已办结", "总队", "窗口"]),
)


@FAST
@given(content=st.binary(max_size=2048))
def test_any_bytes_import_or_are_refused(engine: Engine, folder: Path, content: bytes) -> None:
    path = folder / "any.csv"
    path.write_bytes(content)
    imports_or_refuses(engine, path)


@FAST
@given(template=st.sampled_from(sorted(DOMAINS)), data=st.data(), tail=st.binary(max_size=64))
def test_a_template_header_with_any_cells_imports_or_is_refused(
        engine: Engine, folder: Path, template: str, data: st.DataObject, tail: bytes) -> None:
    """Past a real header the cells reach the validator, where random bytes rarely get."""
    header = [column.header for column in DOMAINS[template].columns]
    width = st.integers(len(header) - 1, len(header) + 1)
    rows = data.draw(st.lists(width.flatmap(lambda n: st.lists(CELL, min_size=n, max_size=n)),
                              max_size=5))
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows([header, *rows])
    path = folder / "cells.csv"
    path.write_bytes(text.getvalue().encode("utf-8") + tail)
    imports_or_refuses(engine, path)


MONEY = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2)


@st.composite
def income_rows(draw: st.DrawFn, villages: list[str]) -> list[dict[str, object]]:
    """Valid rows, unique by (village, year, quarter), net income consistent to the cent."""
    keys = draw(st.lists(st.tuples(st.sampled_from(villages), st.integers(2000, 2100),
                                   st.integers(0, 4)), min_size=1, max_size=8, unique=True))
    rows = []
    for village, year, quarter in keys:
        money = {key: draw(MONEY) for key in (*INCOMES, *EXPENSES)}
        net = sum(money[k] for k in INCOMES) - sum(money[k] for k in EXPENSES)
        rows.append({"village_code": village, "year": year, "quarter": quarter, **money,
                     "net_income": net})
    return rows


@FAST
@given(data=st.data(), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_valid_rows_import_and_read_back_equal(engine: Engine, folder: Path,
                                               villages: list[str], data: st.DataObject,
                                               encoding: str) -> None:
    rows = data.draw(income_rows(villages))
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([column.header for column in INCOME.columns])
    writer.writerows([[f"{row[column.key]}" for column in INCOME.columns] for row in rows])
    path = folder / "income.csv"
    path.write_bytes(text.getvalue().encode(encoding))
    assert import_file(engine, path).rows_in_file == len(rows)
    assert stored(engine, rows) == {key(row): yuan(row) for row in rows}


def key(row: dict[str, object]) -> tuple[object, ...]:
    return row["village_code"], row["year"], row["quarter"]


def yuan(row: dict[str, object]) -> tuple[int, ...]:
    """The amounts as stored: 万元 to yuan."""
    return tuple(int(Decimal(str(row[k])) * 10000) for k in (*INCOMES, *EXPENSES, "net_income"))


def stored(engine: Engine, rows: list[dict[str, object]]) -> dict[tuple[object, ...],
                                                                   tuple[int, ...]]:
    table = CollectiveIncome
    amounts = [getattr(table, k) for k in (*INCOMES, *EXPENSES, "net_income")]
    with engine.connect() as connection:
        found = connection.execute(
            select(table.village_code, table.year, table.quarter, *amounts)
            .where(tuple_(table.village_code, table.year, table.quarter)
                   .in_([key(row) for row in rows]))).all()
    return {tuple(row[:3]): tuple(row[3:]) for row in found}
