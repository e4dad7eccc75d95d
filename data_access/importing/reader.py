"""Reads a filled-in template (.xlsx, or .csv in UTF-8 or GB18030) into strings, row numbers
kept.

Files come from county offices as they really are: saved by whatever office suite, renamed,
re-encoded, with a title above the header or formulas in the cells. The reader refuses, with
what is wrong and how to fix it, every file it cannot read faithfully, before any value is
validated: wrong kind of file, damaged or oversized workbooks, several or hidden data sheets,
formulas and text that a spreadsheet would run as one, encodings other than UTF-8/GB18030,
other delimiters, ragged rows, a header not on row 1.
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import itertools
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from data_access.importing import halves
from data_access.importing.problems import ImportRejected, Problem, rejected

if TYPE_CHECKING:
    from data_access.importing.spec import Domain

INSTRUCTIONS_SHEET = "填表说明"
CODES_SHEET = "代码表"
# Above this a file is split by period or township: half a million rows of a template take
# minutes to read and validate, and Excel itself stops at 1,048,576.
MAX_DATA_ROWS = 500_000
# 500,000 rows of the widest template are about 400 MB of sheet XML; twice that is no workbook a
# county fills in. Deflate reaches about 15:1 on real sheets; zip bombs reach 1000:1.
MAX_UNCOMPRESSED_BYTES = 800 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
# Problems of one kind listed cell by cell; beyond this one line gives the count.
MAX_LISTED = 50
HEADER_SEARCH_ROWS = 5
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first entry, or an empty zip
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection, OWASP).
FORMULA_STARTS = frozenset("=+@-")
CONTROL_STARTS = frozenset("\t\r")
# What str.strip() removes: text behind it is checked once stripped.
WHITESPACE = frozenset(chr(code) for code in range(0x3001) if chr(code).isspace())
SUSPECT_FIRST = FORMULA_STARTS | CONTROL_STARTS | WHITESPACE
# The same as a lookup table by code point for numpy; its last entry (False) stands for every
# character above them.
SUSPECT_CODES = np.zeros(max(map(ord, SUSPECT_FIRST)) + 2, dtype=bool)
SUSPECT_CODES[[ord(c) for c in SUSPECT_FIRST]] = True
NUMBER_LIKE = re.compile(r"-[\d０-９.．][\d０-９.．,，]*(?:[eE][-+]?\d+)?")
DATE_CELL_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"
# A quoted field: opened at the start of a field, "" inside for a quote (unrolled: fast).
QUOTED_FIELD = re.compile(r'(?<![^,\r\n])"[^"]*(?:""[^"]*)*"')
DELIMITER_NAMES = {";": ("分号“;”", "semicolons (;)"), "\t": ("制表符（Tab）", "tabs")}
SCAN_CHUNK = 1 << 22
SCAN_OVERLAP = 4096
# Share of non-ASCII characters outside GB2312 above which GB18030 text is really Big5 read
# wrongly: Big5 trail bytes 0x40-0x7E land in GBK's rare and private areas.
BIG5_RARE_SHARE = 0.25
SNIFF_BYTES = 1 << 16


@dataclass(frozen=True)
class RawTable:
    file: str
    sheet: str
    frame: pd.DataFrame  # every cell a stripped string; index = spreadsheet row number

    @property
    def headers(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def rows(self) -> int:
        return len(self.frame)

    def part(self, rows: slice) -> RawTable | None:
        """The table of some of the rows (positions among them)."""
        return RawTable(self.file, self.sheet, self.frame.iloc[rows])

    def whole(self) -> RawTable:
        return self


@dataclass(frozen=True)
class CsvLines:
    """A large CSV whose layout is checked (encoding, delimiter, header, fields per line), its
    values not yet read: its parts are read where they are checked, in two processes at once
    (data_access.importing.halves). Only a file without quoted values, whose lines are its
    rows (a quoted value may hold a line break)."""
    file: str
    records: list[str]  # the lines, the header's first
    sheet: str = ""

    @property
    def headers(self) -> list[str]:
        cells = next(csv.reader([self.records[0]]))
        return [header for header in (cell.strip() for cell in cells) if header]

    @property
    def rows(self) -> int:
        return len(self.records) - 1

    def part(self, rows: slice) -> RawTable | None:
        """The table of some of the lines below the header (positions among them), or None if
        reading them finds a problem: whole() then reports every one."""
        start, stop, _ = rows.indices(self.rows)
        lines = [self.records[0], *self.records[1 + start:1 + stop]]
        try:
            return _table(self.file, "", _parse_csv(self.file, "\n".join(lines)), start + 2)
        except ImportRejected:
            return None

    def whole(self) -> RawTable:
        return _table(self.file, "", _parse_csv(self.file, "\n".join(self.records)))


def read_table(path: Path, sheet_hint: str | None = None) -> RawTable:
    """The file's one data table. `sheet_hint` is the template the caller expects (its id), used
    to name the expected header when the file has none."""
    return open_table(path, sheet_hint).whole()


def open_table(path: Path, sheet_hint: str | None = None) -> RawTable | CsvLines:
    """As read_table, but a large CSV's values are left to be read in parts (CsvLines)."""
    name = path.name
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        magic = handle.read(8)
    if suffix == ".xls" or magic.startswith(OLE2_MAGIC):
        raise rejected(name, "这是旧版 .xls 或已加密的工作簿，无法读取：请去掉密码，另存为 .xlsx",
                       "an old .xls or a password-protected workbook: remove the password and "
                       "save it as .xlsx")
    if suffix == ".csv":
        return _read_csv(path, magic, sheet_hint)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, magic, sheet_hint)
    raise rejected(name, f"不支持的文件类型“{suffix or '无扩展名'}”，请使用 .xlsx 或 .csv",
                   f"unsupported file type '{suffix or 'none'}': use .xlsx or .csv")


def _empty_file(name: str) -> ImportRejected:
    return rejected(name, "文件为空：没有表头，也没有数据，请使用模板填写",
                    "the file is empty: no header and no data; fill in the template")


# ---------------------------------------------------------------------------------------------
# CSV


def _read_csv(path: Path, magic: bytes, hint: str | None) -> RawTable | CsvLines:
    name = path.name
    raw = path.read_bytes()
    if not raw:
        raise _empty_file(name)
    if magic.startswith(ZIP_MAGIC):
        raise rejected(name, "这是 Excel 工作簿（.xlsx）或压缩包，却以 .csv 结尾："
                             "请把扩展名改为 .xlsx",
                       "this is an Excel workbook (.xlsx) or a zip archive named .csv: rename "
                       "it to .xlsx")
    text = _decode(name, raw)
    records = _records(QUOTED_FIELD.sub("", text) if '"' in text else text)
    _check_delimiter(name, records[0])
    try:
        head = csv.reader(io.StringIO(text[:SNIFF_BYTES]))
        first_rows = [list(row) for row in itertools.islice(head, HEADER_SEARCH_ROWS)]
    except csv.Error as error:
        raise _malformed_csv(name, str(error)) from error
    if not any(cell.strip() for row in first_rows for cell in row):
        raise _empty_file(name)
    _check_header_row(name, "", first_rows, hint)
    _check_field_counts(name, records)
    if len(records) > halves.MIN_ROWS and '"' not in text:
        return CsvLines(name, records)
    return _table(name, "", _parse_csv(name, text))


def _decode(name: str, raw: bytes) -> str:
    head = raw[:SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _looks_like_utf16(head):
        raise rejected(name, "文件编码为 UTF-16（Excel 的“Unicode 文本”）：请另存为 UTF-8 "
                             "或 GB18030 编码的 CSV（Excel：另存为“CSV UTF-8（逗号分隔）”）",
                       "the file is encoded as UTF-16 (Excel's 'Unicode Text'): save it as CSV in "
                       "UTF-8 or GB18030 (Excel: 'CSV UTF-8 (Comma delimited)')")
    if b"\x00" in raw:  # no text has NUL bytes, and PostgreSQL refuses them in text columns
        raise rejected(name, "这不是文本文件（含二进制内容），文件编码无法识别："
                             "请另存为 UTF-8 编码的 CSV",
                       "not a text file (binary content), unknown encoding: save it as a UTF-8 "
                       "CSV")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _header_is_utf8(raw):
            line = raw.count(b"\n", 0, error.start) + 1
            raise rejected(name, f"文件是 UTF-8 编码，但第 {line} 行有无效的字节（文件可能被截断，"
                                 "或混入了其他编码的内容）：请在 Excel 中重新另存为“CSV UTF-8”",
                           f"the file is UTF-8 but row {line} holds bytes that are not (the file "
                           "may be cut short or mix encodings): save it again as 'CSV UTF-8'",
                           row=line) from error
    if _looks_like_big5(raw):
        raise rejected(name, "文件编码为 Big5（繁体中文）：请另存为 UTF-8 或 GB18030 编码的 CSV",
                       "the file is encoded as Big5 (traditional Chinese): save the CSV as UTF-8 "
                       "or GB18030")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        pass
    raise rejected(name, "文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV",
                   "unknown text encoding: save the CSV as UTF-8 or GB18030")


def _header_is_utf8(raw: bytes) -> bool:
    """The first line has Chinese (not only ASCII) and is valid UTF-8: GBK text almost never
    is, so a decoding error further down is a damaged UTF-8 file, not another encoding."""
    end = raw.find(b"\n", 0, SNIFF_BYTES)
    first = raw[:end] if end >= 0 else raw[:SNIFF_BYTES]
    try:
        first.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not first.isascii()


def _looks_like_utf16(head: bytes) -> bool:
    """UTF-16 without a byte order mark: ASCII characters leave every other byte zero."""
    sample = head[:4096]
    half = len(sample) // 2
    return half >= 2 and max(sample[0::2].count(0), sample[1::2].count(0)) > half * 0.6


def _looks_like_big5(raw: bytes) -> bool:
    """GB18030 decodes almost any bytes, Big5 too; Big5 read as GB18030 gives rare characters
    (outside GB2312) and private-use ones, where real GB18030 text has almost none."""
    sample = raw[:SNIFF_BYTES]
    if len(raw) > SNIFF_BYTES:
        sample = sample[:sample.rfind(b"\n") + 1] or sample
    try:
        sample.decode("big5")
    except UnicodeDecodeError:
        return False
    wide = [c for c in sample.decode("gb18030", errors="replace") if ord(c) > 0x7F]
    rare = sum(1 for c in wide if not _in_gb2312(c))
    return bool(wide) and rare / len(wide) > BIG5_RARE_SHARE


def _in_gb2312(character: str) -> bool:
    try:
        character.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _records(text: str) -> list[str]:
    """The lines, split where pandas splits records (CR LF, LF or a lone CR)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")


def _check_delimiter(name: str, header_line: str) -> None:
    for delimiter, (zh, en) in DELIMITER_NAMES.items():
        if header_line.count(delimiter) > header_line.count(","):
            raise rejected(name, f"CSV 的分隔符应为逗号“,”，此文件用的是{zh}：请在 Excel 中另存为"
                                 "“CSV（逗号分隔）”",
                           f"a CSV must be separated by commas; this file uses {en}: save it as "
                           "'CSV (Comma delimited)'", row=1)


def _check_field_counts(name: str, records: list[str]) -> None:
    """Every row has the header's number of fields: a value with an unquoted comma, or a
    missing one, shifts the values after it into the wrong columns."""
    counts = np.fromiter((record.count(",") for record in records), dtype=np.int64,
                         count=len(records))
    odd = np.flatnonzero(counts != counts[0])
    problems = []
    for index in odd:
        if not records[index].strip():
            continue  # a blank line, skipped like an empty row
        fields, expected = int(counts[index]) + 1, int(counts[0]) + 1
        problems.append(Problem(
            name, "", int(index) + 1, None,
            f"这一行有 {fields} 个字段，表头有 {expected} 个：值中含逗号时请加英文双引号，"
            "缺的值请留空但保留逗号",
            f"this row has {fields} fields, the header {expected}: quote values that contain "
            "commas, and keep the commas of empty values"))
    if problems:
        raise ImportRejected(_capped(problems, name, "", "字段数不对的行",
                                     "rows of the wrong length"))


def _parse_csv(name: str, text: str) -> pd.DataFrame:
    try:
        # As UTF-8 bytes: pandas reads a text buffer through a wrapper that encodes it again
        # piece by piece, which took longer than parsing (2 s of a county's 117 MB file).
        return pd.read_csv(io.BytesIO(text.encode()), encoding="utf-8", header=None, dtype=str,
                           keep_default_na=False, skip_blank_lines=False)
    except pd.errors.EmptyDataError as error:
        raise _empty_file(name) from error
    except ValueError as error:  # pandas' ParserError and its other complaints about the text
        raise _malformed_csv(name, str(error)) from error


def _malformed_csv(name: str, detail: str) -> ImportRejected:
    if "EOF" in detail:  # "EOF inside string starting at row N"
        return rejected(name, f"CSV 中的英文双引号没有成对（{detail}）：请检查引号，"
                              "或在 Excel 中重新另存为 CSV",
                        f"unbalanced double quotes in the CSV ({detail}): check the quotes or "
                        "save it again from Excel")
    return rejected(name, f"CSV 格式错误（{detail}）：请在 Excel 中重新另存为 CSV",
                    f"malformed CSV ({detail}): save it again from Excel")


# ---------------------------------------------------------------------------------------------
# XLSX


@dataclass(frozen=True)
class Sheet:
    name: str
    part: str  # the worksheet's path in the zip
    state: str  # visible, hidden or veryHidden


@dataclass
class SheetScan:
    """What the raw XML of a worksheet holds, found without parsing its cells."""

    has_values: bool = False
    last_row: int = 0
    formula_cells: list[str] = field(default_factory=list)  # the first MAX_LISTED, as "B5"
    formulas: int = 0
    merged: list[str] = field(default_factory=list)  # "A1:B1"


def _read_xlsx(path: Path, magic: bytes, hint: str | None) -> RawTable:
    name = path.name
    if not magic:
        raise _empty_file(name)
    if not magic.startswith(ZIP_MAGIC):
        raise rejected(name, "无法读取 Excel 文件：这不是 .xlsx 工作簿（可能是改了扩展名的"
                             "文本或其他文件），请在 Excel 中打开后另存为 .xlsx",
                       "cannot read the Excel file: not an .xlsx workbook (perhaps a renamed "
                       "text or other file); open it in Excel and save as .xlsx")
    sheet, scan = _inspect(path)
    grid = _read_sheet(path, sheet.name)
    if grid.empty:  # the XML holds values that openpyxl could not read
        raise _damaged(name)
    # A title above the header is usually merged across the columns: its own message first.
    rows = [list(row) for row in grid.head(HEADER_SEARCH_ROWS).itertuples(index=False)]
    _check_header_row(name, sheet.name, rows, hint)
    headers = [str(h).strip() for h in grid.iloc[0]]
    structural = _formula_problems(name, sheet.name, scan, headers) \
        + _merge_problems(name, sheet.name, scan, headers)
    if structural:
        raise ImportRejected(structural)
    return _table(name, sheet.name, _midnight_as_date(grid))


def _inspect(path: Path) -> tuple[Sheet, SheetScan]:
    """The one data sheet and what its XML holds, from the zip as it is: no cell is read by
    openpyxl before the sizes, the kind of document, the sheets and their row counts pass."""
    name = path.name
    with _open_zip(name, path) as archive:
        _check_sizes(name, archive)
        workbook = _workbook_part(name, archive)
        sheets = [s for s in _sheets(name, archive, workbook)
                  if s.name not in (INSTRUCTIONS_SHEET, CODES_SHEET)]
        scans = {s.name: _scan_sheet(name, archive, s) for s in sheets}
    sheet = _the_data_sheet(name, [s for s in sheets if scans[s.name].has_values])
    _check_rows(name, sheet.name, scans[sheet.name].last_row, "有", "has")
    return sheet, scans[sheet.name]


def _damaged(name: str) -> ImportRejected:
    return rejected(name, "无法读取 Excel 文件：文件不完整或已损坏（可能下载或复制时中断）。"
                          "请在 Excel 中打开并另存为 .xlsx，或重新获取文件",
                    "cannot read the Excel file: it is incomplete or damaged (perhaps a "
                    "download or copy was cut short); open it in Excel and save it again, or "
                    "get the file again")


def _open_zip(name: str, path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _damaged(name) from error


def _check_sizes(name: str, archive: zipfile.ZipFile) -> None:
    """The zip directory's sizes, checked before anything is inflated (a zip bomb expands a few
    kilobytes to gigabytes)."""
    entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    worst = max((entry.file_size / max(entry.compress_size, 1) for entry in entries
                 if entry.file_size >= RATIO_CHECKED_FROM_BYTES), default=0.0)
    if total > MAX_UNCOMPRESSED_BYTES or worst > MAX_COMPRESSION_RATIO:
        megabytes = total / 1024 / 1024
        raise rejected(name, f"工作簿解压后有 {megabytes:,.0f} MB（压缩比 {worst:,.0f}:1），"
                             f"超过上限 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB / "
                             f"{MAX_COMPRESSION_RATIO}:1，疑似“zip 炸弹”："
                             "请只保留数据，另存为 .xlsx",
                       f"the workbook expands to {megabytes:,.0f} MB (compression {worst:,.0f}:1), "
                       f"over the limit of {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB / "
                       f"{MAX_COMPRESSION_RATIO}:1 (a zip bomb?); keep only the data and save "
                       "it again as .xlsx")


OTHER_DOCUMENTS = (
    ("word/document.xml", "这是 Word 文档（.docx），不是 Excel 工作簿：请把数据放进模板",
     "this is a Word document (.docx), not an Excel workbook: put the data into the template"),
    ("ppt/presentation.xml", "这是 PowerPoint 演示文稿，不是 Excel 工作簿：请把数据放进模板",
     "this is a PowerPoint presentation, not an Excel workbook: put the data into the template"),
    ("content.xml", "这是 OpenDocument（WPS/LibreOffice 的 .ods/.odt）文件：请另存为 .xlsx",
     "this is an OpenDocument file (.ods/.odt): save it as .xlsx"),
)


def _workbook_part(name: str, archive: zipfile.ZipFile) -> str:
    """The path of the workbook part, as the package's relationships name it."""
    names = set(archive.namelist())
    target = "xl/workbook.xml"
    if "_rels/.rels" in names:
        for rel in _xml(name, archive, "_rels/.rels"):
            if rel.get("Type", "").endswith("/officeDocument"):
                target = rel.get("Target", target).lstrip("/")
    if target in names:
        return target
    for part, zh, en in OTHER_DOCUMENTS:
        if part in names:
            raise rejected(name, zh, en)
    raise rejected(name, "无法读取 Excel 文件：这是一个压缩包，不是 .xlsx 工作簿",
                   "cannot read the Excel file: a zip archive, not an .xlsx workbook")


def _xml(name: str, archive: zipfile.ZipFile, part: str) -> Iterator[ElementTree.Element]:
    try:
        root = ElementTree.fromstring(archive.read(part))
    except (ElementTree.ParseError, KeyError, zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise _damaged(name) from error
    return root.iter()


def _sheets(name: str, archive: zipfile.ZipFile, workbook: str) -> list[Sheet]:
    folder = posixpath.dirname(workbook)
    rels_part = posixpath.join(folder, "_rels", posixpath.basename(workbook) + ".rels")
    targets = {}
    for rel in _xml(name, archive, rels_part):
        if rel.get("Type", "").endswith("/worksheet"):
            target = rel.get("Target", "")
            targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") \
                else posixpath.normpath(posixpath.join(folder, target))
    sheets = []
    for element in _xml(name, archive, workbook):
        if element.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        if rel_id in targets:  # chart sheets hold no cells
            sheets.append(Sheet(element.get("name", ""), targets[rel_id],
                                element.get("state", "visible")))
    return sheets


def _the_data_sheet(name: str, filled: list[Sheet]) -> Sheet:
    """The one sheet with values besides the instructions and codes; empty sheets (Excel's
    Sheet2, Sheet3) are ignored."""
    hidden = [s.name for s in filled if s.state != "visible"]
    if hidden:
        names = "、".join(f"“{s}”" for s in hidden)
        raise rejected(name, f"工作簿中有隐藏的数据工作表 {names}：隐藏的数据看不到也核对不了，"
                             "请删除它，或取消隐藏并把数据并入一个工作表",
                       f"the workbook has hidden data sheet(s) {', '.join(hidden)}: delete them, "
                       "or unhide them and put all rows on one sheet")
    if len(filled) > 1:
        names = "、".join(f"“{s.name}”" for s in filled)
        raise rejected(name, f"工作簿中有多个数据工作表 {names}：一个文件只能有一个数据工作表"
                             f"（另可有“{INSTRUCTIONS_SHEET}”“{CODES_SHEET}”），"
                             "请把数据并入一个工作表或分成多个文件",
                       f"the workbook has several data sheets "
                       f"({', '.join(s.name for s in filled)}): one data sheet per file; merge "
                       "them or split the file")
    if not filled:
        raise _empty_file(name)
    return filled[0]


def _check_rows(name: str, sheet: str, rows: int, zh_verb: str, en_verb: str) -> None:
    if rows - 1 > MAX_DATA_ROWS:
        raise rejected(name, f"工作表{zh_verb} {rows:,} 行，超过上限 {MAX_DATA_ROWS:,} 行数据："
                             "请删除表格下方多余的行（含格式），或按时间、乡镇分成多个文件",
                       f"the sheet {en_verb} {rows:,} rows, over the limit of {MAX_DATA_ROWS:,} "
                       "data rows: delete the unused rows below the table (formatting too) or "
                       "split the file by period or township", sheet=sheet)


class _Tags:
    """The byte patterns of one worksheet's XML (which may prefix its tags, as in <x:c>)."""

    def __init__(self, head: bytes) -> None:
        found = re.search(rb"<(\w+:)?worksheet[\s>]", head)
        p = (found.group(1) or b"") if found else b""
        self.formulas = (b"<" + p + b"f>", b"<" + p + b"f ", b"<" + p + b"f/>")
        self.values = (b"<" + p + b"v>", b"<" + p + b"is>", *self.formulas)
        self.cell = b"<" + p + b"c "
        self.row = b"<" + p + b"row "
        self.merge = b"<" + p + b"mergeCell "
        self.dimension = re.compile(rb"<" + re.escape(p)
                                    + rb'dimension\s[^>]*?ref="(?:[A-Z]*\d*:)?[A-Z]*(\d+)"')


CELL_REF = re.compile(rb'\sr="([A-Z]{1,3}\d+)"')
ROW_NUMBER = re.compile(rb'(?:[^>]*?\s)?r="(\d+)"')  # matched after "<row "
MERGE_REF = re.compile(rb'[^>]*?ref="([A-Z]+\d+:[A-Z]+\d+)"')


def _scan_sheet(name: str, archive: zipfile.ZipFile, sheet: Sheet) -> SheetScan:
    """Reads the worksheet's XML once, in chunks: the row count its <dimension> claims (refused
    before any row is read), formulas, merged cells and whether it holds any value."""
    scan = SheetScan()
    try:
        with archive.open(sheet.part) as stream:
            head = stream.read(SCAN_CHUNK)
            tags = _Tags(head)
            claimed = tags.dimension.search(head)
            if claimed and claimed.group(1):
                _check_rows(name, sheet.name, int(claimed.group(1)), "声明有", "claims")
            _scan_chunks(_chunks(head, stream), tags, scan)
    except (KeyError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise _damaged(name) from error
    return scan


def _chunks(head: bytes, stream: IO[bytes]) -> Iterator[bytes]:
    chunk = head
    while chunk:
        yield chunk
        chunk = stream.read(SCAN_CHUNK)


def _scan_chunks(chunks: Iterator[bytes], tags: _Tags, scan: SheetScan) -> None:
    carry = b""
    for chunk in chunks:
        data = carry + chunk
        fresh = len(carry)  # matches ending in the carried tail were counted last time
        scan.has_values = scan.has_values or any(tag in data for tag in tags.values)
        for tag in tags.formulas:
            for at in _occurrences(data, tag, fresh):
                scan.formulas += 1
                if len(scan.formula_cells) < MAX_LISTED:
                    scan.formula_cells.append(_cell_before(data, tags, at))
        for at in _occurrences(data, tags.merge, fresh):
            ref = MERGE_REF.match(data, at + len(tags.merge))
            if ref:
                scan.merged.append(ref.group(1).decode())
        last = data.rfind(tags.row)
        number = ROW_NUMBER.match(data, last + len(tags.row)) if last >= 0 else None
        if number:
            scan.last_row = max(scan.last_row, int(number.group(1)))
        carry = data[-SCAN_OVERLAP:]


def _cell_before(data: bytes, tags: _Tags, at: int) -> str:
    """The reference ("B5") of the cell whose element holds position `at`, "" if unknown."""
    start = data.rfind(tags.cell, 0, at)
    cell = CELL_REF.search(data, start, at) if start >= 0 else None
    return cell.group(1).decode() if cell else ""


def _occurrences(data: bytes, tag: bytes, fresh: int) -> Iterator[int]:
    at = data.find(tag, max(0, fresh - len(tag) + 1))
    while at >= 0:
        yield at
        at = data.find(tag, at + 1)


def _read_sheet(path: Path, sheet: str) -> pd.DataFrame:
    try:
        return pd.read_excel(path, sheet_name=sheet, header=None, dtype=str,
                             keep_default_na=False, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds for damaged workbooks
        raise _damaged(path.name) from error


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def _split_ref(ref: str) -> tuple[int, int]:
    """"B5" -> (row 5, column index 1)."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), _column_index(letters)


def _header_of(headers: list[str], index: int) -> str | None:
    return headers[index] if index < len(headers) and headers[index] else None


def _formula_problems(name: str, sheet: str, scan: SheetScan, headers: list[str]) \
        -> list[Problem]:
    problems = []
    for ref in scan.formula_cells:
        row, column = _split_ref(ref) if ref else (None, 0)
        problems.append(Problem(
            name, sheet, row, _header_of(headers, column) if ref else None,
            f"单元格 {ref} 是公式：请粘贴为数值（复制后“选择性粘贴 → 数值”），"
            "公式可能被篡改或引用外部数据",
            f"cell {ref} holds a formula: paste as values (Paste Special → Values); formulas "
            "can be tampered with or pull in outside data"))
    if scan.formulas > len(problems):
        problems.append(Problem(name, sheet, None, None,
                                f"共有 {scan.formulas:,} 个公式单元格，"
                                f"以上只列出前 {len(problems)} 个",
                                f"{scan.formulas:,} formula cells in all; the first "
                                f"{len(problems)} are listed"))
    return problems


def _merge_problems(name: str, sheet: str, scan: SheetScan, headers: list[str]) \
        -> list[Problem]:
    problems = []
    for ref in scan.merged[:MAX_LISTED]:
        row, column = _split_ref(ref.split(":")[0])
        where_zh, where_en = ("表头", "header ") if row == 1 else ("", "")
        problems.append(Problem(
            name, sheet, row, _header_of(headers, column),
            f"{where_zh}合并单元格 {ref}：请取消合并，每一列一个表头、每一行都填上值",
            f"merged {where_en}cells {ref}: unmerge them; one header per column and a value in "
            "every row"))
    return problems


def _midnight_as_date(grid: pd.DataFrame) -> pd.DataFrame:
    """Date cells come out of openpyxl as datetimes ("2025-09-30 00:00:00"): a date is written
    as the template asks (YYYY-MM-DD), a time of day is kept."""
    for index in range(grid.shape[1]):
        column = grid.iloc[:, index]
        if column.str.endswith(" 00:00:00").any():
            grid.iloc[:, index] = column.str.replace(DATE_CELL_MIDNIGHT, r"\1", regex=True)
    return grid


# ---------------------------------------------------------------------------------------------
# Both


@functools.cache
def _known_headers() -> frozenset[str]:
    # Imported here: the templates import the validator, which imports this module.
    from data_access.importing.templates import TEMPLATES

    return frozenset(alias.lower() for template in TEMPLATES.values()
                     for column in template.columns
                     for alias in (column.header, column.key, column.zh, column.en))


def _expected_header(hint: str | None) -> Domain | None:
    from data_access.importing.templates import TEMPLATES

    return TEMPLATES.get(hint or "")


def _check_header_row(name: str, sheet: str, rows: list[list[str]], hint: str | None) -> None:
    """Row 1 is the header: a title above it, or no header at all, is refused here, where the
    reason is still plain (later every column would be 'unknown')."""
    known = _known_headers()
    found = next((index for index, row in enumerate(rows)
                  if any(str(cell).strip().lower() in known for cell in row)), None)
    if found == 0:
        return
    if found is not None:
        title = next((str(c).strip() for c in rows[0] if str(c).strip()), "")[:40]
        above_zh, above_en = (f"上面的“{title}”像是标题",
                              f"below what looks like a title ('{title}')") \
            if title else ("上面是空行", "below an empty row")
        raise rejected(name, f"表头应在第 1 行，此文件在第 {found + 1} 行，{above_zh}："
                             "请删除表头上方的行",
                       f"the header must be on row 1; this file has it on row {found + 1}, "
                       f"{above_en}: delete the rows above it", sheet=sheet, row=1)
    template = _expected_header(hint)
    example = template.columns[0].header if template else "村级区划代码(village_code)"
    raise rejected(name, f"第 1 行应为表头（模板的列名，例如“{example}”），"
                         "但没有一个列名与模板相符：表头被删掉或整体改名了吗？"
                         "请把模板的第 1 行复制过来",
                   f"row 1 must be the header (the template's column names, e.g. '{example}') "
                   "but none of it matches a template: was the header deleted or renamed? Copy "
                   "row 1 of the template", sheet=sheet, row=1)


def _table(name: str, sheet: str, grid: pd.DataFrame, first_row: int = 2) -> RawTable:
    """Row 1 as the header, the rows below as stripped strings indexed by row number (the first
    of them `first_row`); refuses unnamed columns with values and text a spreadsheet would run
    as a formula."""
    if grid.empty:
        raise _empty_file(name)
    headers = [str(h).strip() for h in grid.iloc[0]]
    rows = pd.RangeIndex(first_row, first_row + len(grid) - 1)
    # Plain lists of str: a comprehension strips them several times faster than .str.strip().
    cells = [grid.iloc[1:, i].to_numpy(dtype=object, na_value="") for i in range(len(headers))]
    problems = _unnamed_columns(name, sheet, cells, headers) \
        + _formula_like_text(name, sheet, rows, cells, headers)
    if problems:
        raise ImportRejected(problems)
    named = [i for i, header in enumerate(headers) if header]
    frame = pd.DataFrame({position: pd.array([v.strip() for v in cells[i]], dtype="str")
                          for position, i in enumerate(named)}, index=rows, copy=False)
    frame.columns = [headers[i] for i in named]
    empty = (frame == "").all(axis=1)
    return RawTable(name, sheet, frame.loc[~empty])


def _unnamed_columns(name: str, sheet: str, cells: list[np.ndarray], headers: list[str]) \
        -> list[Problem]:
    problems = []
    for index, header in enumerate(headers):
        if not header and any(v.strip() for v in cells[index]):
            letter = _column_letter(index)
            problems.append(Problem(
                name, sheet, 1, None,
                f"第 {index + 1} 列（{letter} 列）有数据但没有表头：请填写模板的列名，或删除这一列",
                f"column {index + 1} ({letter}) has values but no header: give it the "
                "template's column name or delete it"))
    return problems


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _formula_like_text(name: str, sheet: str, rows: pd.Index, cells: list[np.ndarray],
                       headers: list[str]) -> list[Problem]:
    """Text that Excel or WPS would run as a formula when the data is exported and opened
    again (=HYPERLINK(...), =cmd|'/c calc'!A1): = + @ at the start, a tab or carriage return
    before anything, or a leading - that does not start a number."""
    problems: list[Problem] = []
    for index, values in enumerate(cells):
        # First characters compared in numpy for every cell; the full test only for the few.
        first = values.astype("U1").view(np.uint32)
        candidates = np.flatnonzero(SUSPECT_CODES[np.minimum(first, len(SUSPECT_CODES) - 1)])
        problems.extend(_injection_problem(name, sheet, int(rows[position]),
                                           headers[index] or None, values[position])
                        for position in candidates if _suspect(values[position]))
    return _capped(problems, name, sheet, "疑似公式的单元格", "cells that look like formulas")


def _suspect(value: str) -> bool:
    first = value[:1]
    if first in CONTROL_STARTS:
        return True
    if first in WHITESPACE:
        value = value.strip()
        first = value[:1]
    return first in FORMULA_STARTS and not (first == "-" and NUMBER_LIKE.fullmatch(value))


def _injection_problem(name: str, sheet: str, row: int, column: str | None, value: str) \
        -> Problem:
    shown = value.strip()[:30]
    if value[:1] in CONTROL_STARTS:
        return Problem(name, sheet, row, column,
                       f"“{shown}”以制表符或回车开头，可能是公式注入：请删除开头的不可见字符",
                       f"'{shown}' starts with a tab or carriage return (possible formula "
                       "injection): delete the invisible characters at the start")
    first = value.strip()[:1]
    blank_zh, blank_en = ("；如表示“无”，请留空", "; leave it empty for 'none'") \
        if first == "-" else ("", "")
    return Problem(name, sheet, row, column,
                   f"“{shown}”以“{first}”开头，可能是公式注入（如 =HYPERLINK、=cmd|…）："
                   f"请删除开头的“{first}”，或在 Excel 中粘贴为数值后再保存{blank_zh}",
                   f"'{shown}' starts with '{first}', possible formula injection (=HYPERLINK, "
                   f"=cmd|...): delete the leading '{first}' or paste as values{blank_en}")


def _capped(problems: list[Problem], name: str, sheet: str, what_zh: str, what_en: str) \
        -> list[Problem]:
    if len(problems) <= MAX_LISTED:
        return problems
    return [*problems[:MAX_LISTED], Problem(
        name, sheet, None, None,
        f"共有 {len(problems):,} 个{what_zh}，以上只列出前 {MAX_LISTED} 个",
        f"{len(problems):,} {what_en} in all; the first {MAX_LISTED} are listed")]
