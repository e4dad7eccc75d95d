"""Reads a filled-in template (.xlsx, or .csv in UTF-8 or GB18030) into strings, row numbers
kept."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from data_access.importing.problems import ImportRejected, Problem

INSTRUCTIONS_SHEET = "填表说明"
CODES_SHEET = "代码表"
ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass(frozen=True)
class RawTable:
    file: str
    sheet: str
    frame: pd.DataFrame  # every cell a stripped string; index = spreadsheet row number


def read_table(path: Path, sheet_hint: str | None = None) -> RawTable:
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return RawTable(name, "", _tidy(_read_csv(path)))
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet_hint)
    raise ImportRejected([Problem(
        name, "", None, None,
        f"不支持的文件类型“{suffix or '无扩展名'}”，请使用 .xlsx 或 .csv",
        f"unsupported file type '{suffix or 'none'}': use .xlsx or .csv",
    )])


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                               skip_blank_lines=False)
        except pd.errors.ParserError as error:
            raise ImportRejected([Problem(path.name, "", None, None,
                                          f"CSV 格式错误：{error}",
                                          f"malformed CSV: {error}")]) from error
        except pd.errors.EmptyDataError as error:
            raise ImportRejected([Problem(path.name, "", None, None, "文件为空",
                                          "the file is empty")]) from error
    raise ImportRejected([Problem(path.name, "", None, None,
                                  "文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV",
                                  "unknown text encoding: save the CSV as UTF-8 or GB18030")])


def _read_xlsx(path: Path, sheet_hint: str | None) -> RawTable:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=str, keep_default_na=False,
                               engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds for damaged workbooks
        raise ImportRejected([Problem(path.name, "", None, None,
                                      f"无法读取 Excel 文件：{error}",
                                      f"cannot read the Excel file: {error}")]) from error
    data_sheets = [s for s in sheets if s not in (INSTRUCTIONS_SHEET, CODES_SHEET)]
    if not data_sheets:
        raise ImportRejected([Problem(path.name, "", None, None, "工作簿中没有数据工作表",
                                      "the workbook has no data sheet")])
    sheet = sheet_hint if sheet_hint is not None and sheet_hint in data_sheets \
        else data_sheets[0]
    return RawTable(path.name, sheet, _tidy(sheets[sheet]))


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns=lambda c: str(c).strip())
    frame = frame.apply(lambda column: column.astype(str).str.strip())
    frame.index = frame.index + 2  # row 1 is the header
    empty = (frame == "").all(axis=1)
    return frame.loc[~empty]
