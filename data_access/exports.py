"""Excel exports that open safely: no cell is ever run as a formula."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text that Excel would read as a formula is prefixed with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


Sheet = tuple[str, pd.DataFrame, Sequence[str] | None]  # name, rows, headers


def to_xlsx(frame: pd.DataFrame, sheet: str, headers: list[str] | None = None) -> bytes:
    return sheets_to_xlsx([(sheet, frame, headers)])


def sheets_to_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """One workbook, a sheet per table, bold headers."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, frame, headers in sheets:
        worksheet = workbook.create_sheet(sheet[:31])
        worksheet.append([safe_cell(h) for h in (headers or [str(c) for c in frame.columns])])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in frame.itertuples(index=False):
            worksheet.append([safe_cell(v) for v in row])
        for cell in worksheet[1]:
            worksheet.column_dimensions[cell.column_letter].width = 16
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
