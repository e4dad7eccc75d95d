"""A rejected file given back with its problems marked, to fix in Excel or WPS and send again.

The bad cells are filled red with a comment saying what is wrong (中文 and English); a problem
of a whole row marks the row's first cell, one of a whole column its header. A first sheet
lists every problem with a link to its cell. A CSV comes back as a workbook of its text. A
sheet too big to mark in memory comes back as its problem rows only, each with its row number.
"""

from __future__ import annotations

import io
import logging
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.worksheet import Worksheet

from data_access.importing.problems import ImportRejected, Problem
from data_access.importing.reader import RawTable, read_table

log = logging.getLogger(__name__)

PROBLEMS_SHEET = "问题清单"
BAD_FILL = PatternFill("solid", start_color="FFC7CE", end_color="FFC7CE")
BAD_FONT = Font(color="9C0006")
# Above this many rows a whole workbook in openpyxl's memory is too heavy for a job.
WHOLE_SHEET_ROWS = 30_000
LISTED = 5_000


def readable(path: Path) -> RawTable | None:
    """The file's table as the importer reads it, or None when it cannot be read at all."""
    try:
        return read_table(path)
    except ImportRejected:
        return None


def cell_values(table: RawTable | None, problems: Sequence[Problem]) -> list[str]:
    """The text of each problem's cell ("" for a problem of a whole row, column or file)."""
    if table is None:
        return ["" for _ in problems]
    frame = table.frame
    return [str(frame.at[p.row, p.column]) if p.row in frame.index and p.column in frame.columns
            else "" for p in problems]


def marked_workbook(path: Path, table: RawTable | None,
                    problems: Sequence[Problem]) -> bytes | None:
    """The file with its problems marked, or None when it cannot be read at all."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm") and table is not None \
                and len(table.frame) <= WHOLE_SHEET_ROWS:
            book = load_workbook(path)
            sheet = book[table.sheet] if table.sheet in book.sheetnames else book.active
        elif table is not None:
            book, sheet = _from_table(table.frame, table.sheet or path.stem,
                                      problems if len(table.frame) > WHOLE_SHEET_ROWS else None)
        else:
            return None
    except Exception:  # a damaged workbook read by pandas may still defeat openpyxl
        log.exception("cannot mark %s", path.name)
        return None
    _mark(sheet, problems)
    _problem_sheet(book, sheet, problems)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _from_table(frame: pd.DataFrame, title: str,
                only: Sequence[Problem] | None) -> tuple[Workbook, Worksheet]:
    """A workbook of the read text; with `only`, just the rows those problems name."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(frame.columns))
    if only is None:
        for values in frame.itertuples(index=False, name=None):
            sheet.append(list(values))
        return book, sheet
    # Rows are written where they stand in the file, so cell references still hold.
    rows = sorted({p.row for p in only if p.row is not None and p.row in frame.index})
    for row in rows:
        for index, value in enumerate(frame.loc[row].tolist(), start=1):
            sheet.cell(row=row, column=index, value=value)
    return book, sheet


def _header_columns(sheet: Worksheet) -> dict[str, int]:
    """Header text -> column number: where a problem's column is in the sheet."""
    return {str(cell.value).strip(): cell.column for cell in sheet[1] if cell.value is not None}


def _mark(sheet: Worksheet, problems: Sequence[Problem]) -> None:
    headers = _header_columns(sheet)
    notes: dict[tuple[int, int], list[str]] = defaultdict(list)
    for problem in problems:
        column = headers.get(problem.column or "", 1)
        notes[(problem.row or 1, column)].append(f"{problem.zh}\n{problem.en}")
    for (row, column), texts in notes.items():
        cell = sheet.cell(row=row, column=column)
        cell.fill = BAD_FILL
        cell.font = BAD_FONT
        comment = Comment("\n".join(texts[:5]) + ("\n…" if len(texts) > 5 else ""), "督导看板")
        comment.width, comment.height = 320, 80 + 40 * min(len(texts), 5)
        cell.comment = comment


def _problem_sheet(book: Workbook, sheet: Worksheet, problems: Sequence[Problem]) -> None:
    listing = book.create_sheet(PROBLEMS_SHEET, 0)
    listing.append(["行 row", "列 column", "问题", "problem", "位置 cell"])
    headers = _header_columns(sheet)
    for problem in problems[:LISTED]:
        row = problem.row or 1
        column = headers.get(problem.column or "", 1)
        ref = f"{get_column_letter(column)}{row}"
        listing.append([problem.row or "", problem.column or "", problem.zh, problem.en, ref])
        link = listing.cell(row=listing.max_row, column=5)
        link.hyperlink = f"#{quote_sheetname(sheet.title)}!{ref}"
        link.font = Font(color="0563C1", underline="single")
    if len(problems) > LISTED:
        listing.append(["", "", f"另有 {len(problems) - LISTED} 个问题未列出",
                        f"{len(problems) - LISTED} more problems not listed"])
    for letter, width in zip("ABCDE", (8, 28, 40, 48, 10), strict=True):
        listing.column_dimensions[letter].width = width
    book.active = 0
