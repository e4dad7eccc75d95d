"""Bad input as a county's files really come (issue 14): every file of the corpus is refused
whole, with what is wrong and how to fix it in Chinese and English, where it is (row and
column for a cell), and the database is unchanged. The files are made here, not committed.

Files that look odd but are right (spaces around codes, GBK, empty extra sheets, typed cells,
files saved by LibreOffice) import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine, select

from data_access.importing.domains import DOMAINS
from data_access.importing.problems import ImportRejected, Problem
from data_access.importing.reader import MAX_DATA_ROWS
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from data_access.models import CollectiveIncome, ServiceCase, VolunteerTeam
from tests.dbutil import fresh_database, snapshot, sqlite_url
from tests.fixtures.office import Convert
from tests.integration.test_import_rejections import GOOD_CASE, GOOD_INCOME, GOOD_ITEM

EXCEL_ROWS = 1_048_576
TEAM = {"code": "ZD001", "name": "石首市志愿服务总队", "level": "总队", "category": "综合",
        "parent_code": "", "township_code": "", "village_code": "", "county_code": "",
        "members": "120", "founded_on": "2020-03-05"}
# The Big5 file is what a traditional-Chinese system saves: the headers in traditional forms.
TRADITIONAL = str.maketrans("级区划码经营万发资补费", "級區劃碼經營萬發資補費")


def header(domain: str, key: str) -> str:
    return DOMAINS[domain].column(key).header


def headers(domain: str) -> list[str]:
    return [column.header for column in DOMAINS[domain].columns]


def values(domain: str, row: dict[str, str]) -> list[str]:
    return [row[column.key] for column in DOMAINS[domain].columns]


def income(**changes: str) -> list[str]:
    return values("collective_income", {**GOOD_INCOME, "year": "2021", **changes})


def case(**changes: str) -> list[str]:
    return values("service_cases", {**GOOD_CASE, "serial_no": "SS2025009001", **changes})


def team(**changes: str) -> list[str]:
    return values("volunteer_teams", {**TEAM, **changes})


# ---------------------------------------------------------------------------------------------
# Writers: each returns a function of the folder that writes one file there.

Maker = Callable[[Path], Path]


def csv_file(name: str, rows: list[list[str]], encoding: str = "utf-8-sig",
             delimiter: str = ",") -> Maker:
    def make(folder: Path) -> Path:
        text = io.StringIO()
        csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
        path = folder / name
        path.write_bytes(text.getvalue().encode(encoding))
        return path
    return make


def raw_file(name: str, content: bytes | str) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return path
    return make


def workbook(name: str, rows: list[list[object]], sheet: str = "collective_income",
             change: Callable[[Workbook], None] | None = None) -> Maker:
    def make(folder: Path) -> Path:
        book = Workbook()
        data = book.active
        data.title = sheet
        for row in rows:
            data.append(row)
        if change:
            change(book)
        path = folder / name
        book.save(path)
        return path
    return make


def template(name: str, domain: str, rows: list[dict[str, str]]) -> Maker:
    def make(folder: Path) -> Path:
        return write_rows(DOMAINS[domain], pd.DataFrame(rows), folder / name)
    return make


def zip_file(name: str, parts: dict[str, bytes]) -> Maker:
    def make(folder: Path) -> Path:
        path = folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part, content in parts.items():
                archive.writestr(part, content)
        return path
    return make


def renamed(maker: Maker, name: str) -> Maker:
    def make(folder: Path) -> Path:
        return maker(folder).rename(folder / name)
    return make


def truncated(maker: Maker) -> Maker:
    def make(folder: Path) -> Path:
        path = maker(folder)
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        return path
    return make


def with_sheet(title: str, rows: list[list[object]], state: str = "visible") \
        -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = state
    return change


def all_of(*changes: Callable[[Workbook], None]) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        for one in changes:
            one(book)
    return change


def with_cells(**cells: object) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        for ref, value in cells.items():
            book.active[ref] = value
    return change


def text_cell(ref: str, value: str) -> Callable[[Workbook], None]:
    """A text cell that reads like a formula (typed with a leading apostrophe in Excel)."""
    def change(book: Workbook) -> None:
        book.active[ref] = value
        book.active[ref].data_type = "s"
    return change


def merged(cells: str) -> Callable[[Workbook], None]:
    def change(book: Workbook) -> None:
        book.active.merge_cells(cells)
    return change


def far_cell(book: Workbook) -> None:
    book.active.cell(EXCEL_ROWS, 1, "x")  # sparse: the file stays small


def sheet_xml(rows: str, close: bool = True) -> dict[str, bytes]:
    """The fewest parts of a workbook with one sheet, its <sheetData> as given (no dimension)."""
    end = "</sheetData></worksheet>" if close else ""
    return {
        "xl/workbook.xml": b'<workbook xmlns:r="r"><sheets><sheet name="s" r:id="a"/></sheets>'
                           b"</workbook>",
        "xl/_rels/workbook.xml.rels": b'<Relationships><Relationship Id="a" Type="x/worksheet"'
                                      b' Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f"<worksheet><sheetData>{rows}{end}".encode(),
    }


INCOME = headers("collective_income")
CASES = headers("service_cases")
TEAMS = headers("volunteer_teams")
ITEMS = headers("service_items")
INCOME_CSV = "\r\n".join(",".join(row) for row in (INCOME, income())) + "\r\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
# An entry that inflates 1000-fold: the size check must refuse it before anything is parsed.
BOMB = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"0" * (32 * 1024 * 1024)}
DOCX = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


# ---------------------------------------------------------------------------------------------
# The corpus

@dataclass(frozen=True)
class Bad:
    id: str
    make: Maker
    zh: str  # in the Chinese message
    en: str  # in the English one
    row: int | None = None  # where: None for the whole file
    column: str | None = None
    domain: str | None = None  # imported as this template (--domain)


I = "collective_income"  # noqa: E741  (one letter keeps the corpus table below readable)
MONEY = header(I, "operating_income")
VILLAGE = header(I, "village_code")
YEAR = header(I, "year")
FOUNDED = header("volunteer_teams", "founded_on")
APPLIED = header("service_cases", "applied_at")

CORPUS = [
    # Not a workbook or CSV of ours
    Bad("renamed xls", raw_file("old.xlsx", OLE2), "旧版 .xls 或已加密的工作簿", "old .xls"),
    Bad("xls suffix", raw_file("old.xls", OLE2), "请去掉密码，另存为 .xlsx", "save it as .xlsx"),
    Bad("renamed docx", zip_file("report.xlsx", DOCX), "这是 Word 文档", "Word document"),
    Bad("plain zip", zip_file("bundle.xlsx", {"data.txt": b"x"}), "压缩包", "zip archive"),
    Bad("zip bomb", zip_file("bomb.xlsx", BOMB), "zip 炸弹", "zip bomb"),
    Bad("truncated xlsx", truncated(template("cut.xlsx", I, [GOOD_INCOME])), "不完整或已损坏",
        "incomplete or damaged"),
    Bad("broken sheet xml", zip_file("broken.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x', close=False)),
        "不完整或已损坏", "damaged"),
    Bad("csv renamed to xlsx", raw_file("data.xlsx", INCOME_CSV), "不是 .xlsx 工作簿",
        "not an .xlsx workbook"),
    Bad("xlsx renamed to csv", renamed(template("data.xlsx", I, [GOOD_INCOME]), "data.csv"),
        "请把扩展名改为 .xlsx", "rename it to .xlsx"),
    # Empty
    Bad("0-byte csv", raw_file("empty.csv", b""), "文件为空", "empty"),
    Bad("0-byte xlsx", raw_file("empty.xlsx", b""), "文件为空", "empty"),
    Bad("xlsx without rows", workbook("blank.xlsx", []), "文件为空", "empty"),
    Bad("csv header only", csv_file("header.csv", [INCOME]), "没有数据行", "no data rows"),
    Bad("xlsx header only", workbook("header.xlsx", [INCOME]), "没有数据行", "no data rows"),
    Bad("1,048,576-row sheet", workbook("huge.xlsx", [INCOME, income()], change=far_cell),
        f"声明有 {EXCEL_ROWS:,} 行，超过上限 {MAX_DATA_ROWS:,} 行", f"claims {EXCEL_ROWS:,} rows"),
    Bad("far row, no dimension", zip_file("nodim.xlsx", sheet_xml(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
        f'<row r="{EXCEL_ROWS}"><c r="A{EXCEL_ROWS}" t="inlineStr"><is><t>y</t></is></c></row>')),
        f"工作表有 {EXCEL_ROWS:,} 行", f"has {EXCEL_ROWS:,} rows"),
    # Encodings and CSV structure
    Bad("big5 csv", raw_file("big5.csv", INCOME_CSV.translate(TRADITIONAL).encode("big5")),
        "Big5", "Big5"),
    Bad("utf-16 csv", raw_file("unicode.csv", INCOME_CSV.replace(",", "\t").encode("utf-16")),
        "UTF-16", "UTF-16"),
    Bad("utf-16 without bom", raw_file("u16.csv", INCOME_CSV.encode("utf-16-le")), "UTF-16",
        "UTF-16"),
    Bad("utf-8 with a broken byte", raw_file("cut.csv", INCOME_CSV.encode("utf-8")
                                             .replace(b"2021", b"20\xe521")),
        "文件是 UTF-8 编码，但第 2 行有无效的字节", "row 2 holds bytes", row=2),
    Bad("binary csv", raw_file("binary.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 8),
        "不是文本文件", "not a text file"),
    Bad("unknown encoding", raw_file("latin.csv", b"village_code,year\n\x81 caf\xe9,2019\n"),
        "文件编码无法识别", "unknown text encoding"),
    Bad("semicolons", csv_file("semi.csv", [INCOME, income()], delimiter=";"), "分号",
        "semicolons", row=1),
    Bad("tabs", csv_file("tabs.csv", [INCOME, income()], delimiter="\t"), "制表符", "tabs",
        row=1),
    Bad("ragged: extra field", csv_file("long.csv", [INCOME, income(), [*income(year="2022"),
                                                                       "x"]]),
        "这一行有 13 个字段，表头有 12 个", "13 fields, the header 12", row=3),
    Bad("ragged: missing field", csv_file("short.csv", [INCOME, income()[:-1]]),
        "这一行有 11 个字段", "11 fields", row=2),
    Bad("unbalanced quote", raw_file("quote.csv", ",".join(INCOME) + '\n"' + ",".join(income())),
        "引号没有成对", "unbalanced double quotes"),
    # Header
    Bad("title row csv", csv_file("title.csv", [["石首市2021年村集体经济收益分配统计表"]
                                                + [""] * 11, INCOME, income()]),
        "表头应在第 1 行，此文件在第 2 行", "header must be on row 1", row=1),
    Bad("title row xlsx", workbook("title.xlsx", [["石首市村集体经济收益分配统计表"], INCOME,
                                                  income()], change=merged("A1:L1")),
        "表头应在第 1 行", "header must be on row 1", row=1),
    Bad("missing header", csv_file("noheader.csv", [income(), income(year="2022")]),
        "第 1 行应为表头", "row 1 must be the header", row=1),
    Bad("renamed header", csv_file("renamed.csv", [["村代码", *INCOME[1:]], income()]),
        f"是否应为“{VILLAGE}”", f"did you mean '{VILLAGE}'", column="村代码"),
    Bad("merged header cells", workbook("merged.xlsx", [INCOME, income()],
                                        change=merged("D1:E1")),
        "表头合并单元格 D1:E1", "merged header cells D1:E1", row=1, column=MONEY),
    Bad("duplicate column", csv_file("twice.csv", [[*INCOME, YEAR], [*income(), "2021"]]),
        f"列“{YEAR}”重复", "appears twice", column=YEAR),
    Bad("values under no header", csv_file("unnamed.csv", [[*INCOME, ""], [*income(), "9"]]),
        "第 13 列（M 列）有数据但没有表头", "column 13 (M) has values but no header", row=1),
    Bad("wrong template", template("coops.xlsx", "cooperatives", [{
        "code": "93421081MA0000001X", "year": "2021", "name": "合作社", "village_code":
        GOOD_INCOME["village_code"], "members": "10", "land_mu": "5", "guaranteed_payment_per_mu":
        "500", "dividend_total": "1000", "collective_income": "100"}]),
        "这是“党组织领办合作社”（cooperatives）的文件，不是“村集体经济组织收益分配统计表”",
        "not of the village collective income form", domain=I),
    # Sheets
    Bad("extra data sheet", workbook("two.xlsx", [INCOME, income()],
                                     change=with_sheet("2022年", [INCOME, income(year="2022")])),
        "多个数据工作表 “collective_income”、“2022年”", "several data sheets"),
    Bad("hidden data sheet", workbook("hidden.xlsx", [INCOME, income()],
                                      change=with_sheet("备份", [INCOME, income()], "hidden")),
        "隐藏的数据工作表 “备份”", "hidden data sheet(s) 备份"),
    # Formulas, and text a spreadsheet would run as one
    Bad("formula cell", workbook("formula.xlsx", [INCOME, income()],
                                 change=with_cells(D2="=5+5")),
        "单元格 D2 是公式：请粘贴为数值", "paste as values", row=2, column=MONEY),
    Bad("hyperlink formula", workbook("link.xlsx", [INCOME, income()], change=with_cells(
        A2='=HYPERLINK("http://example.invalid/x","点此查看")')),
        "请粘贴为数值", "holds a formula", row=2, column=VILLAGE),
    Bad("dde formula", workbook("dde.xlsx", [INCOME, income()],
                                change=with_cells(B2="=cmd|'/c calc'!A1")),
        "是公式", "paste as values", row=2, column=YEAR),
    Bad("hyperlink as text in xlsx", workbook("textlink.xlsx", [INCOME, income()], change=text_cell(
        "A2", '=HYPERLINK("http://example.invalid","x")')),
        "可能是公式注入", "possible formula injection", row=2, column=VILLAGE),
    Bad("hyperlink as csv text", csv_file("link.csv", [INCOME, income(
        village_code='=HYPERLINK("http://example.invalid","点我")')]),
        "以“=”开头，可能是公式注入", "starts with '='", row=2, column=VILLAGE),
    Bad("dde as csv text", csv_file("dde.csv", [INCOME, income(), income(
        year="2022", village_code="=cmd|'/c calc'!A1")]),
        "可能是公式注入", "formula injection", row=3, column=VILLAGE),
    Bad("at sign", csv_file("at.csv", [INCOME, income(village_code="@SUM(1+1)")]),
        "以“@”开头", "starts with '@'", row=2, column=VILLAGE),
    Bad("plus sign", csv_file("plus.csv", [INCOME, income(village_code="+1+cmd|'/c calc'!A1")]),
        "以“+”开头", "starts with '+'", row=2, column=VILLAGE),
    Bad("minus not a number", csv_file("minus.csv", [INCOME, income(
        operating_income="-2+3+cmd|'/c calc'!A0")]),
        "以“-”开头", "starts with '-'", row=2, column=MONEY),
    Bad("leading tab", csv_file("tab.csv", [INCOME, income(village_code="\t=1+1")]),
        "制表符或回车", "tab or carriage return", row=2, column=VILLAGE),
    # Dates
    Bad("date with slashes", csv_file("slash.csv", [TEAMS, team(founded_on="2025/09/30")]),
        "请写成 YYYY-MM-DD 格式：2025-09-30", "write it as YYYY-MM-DD: 2025-09-30", row=2,
        column=FOUNDED),
    Bad("chinese date", csv_file("cn.csv", [TEAMS, team(founded_on="2025年9月30日")]),
        "2025-09-30", "2025-09-30", row=2, column=FOUNDED),
    Bad("day first", csv_file("dmy.csv", [TEAMS, team(founded_on="30/09/2025")]),
        "2025-09-30", "2025-09-30", row=2, column=FOUNDED),
    Bad("compact date", csv_file("compact.csv", [TEAMS, team(founded_on="20250930")]),
        "2025-09-30", "2025-09-30", row=2, column=FOUNDED),
    Bad("excel serial date", workbook("serial.xlsx", [TEAMS, [*team()[:-1], 45930]],
                                      sheet="volunteer_teams"),
        "Excel 日期序列号（即 2025-09-30）", "looks like an Excel serial date", row=2,
        column=FOUNDED),
    Bad("time with slashes", csv_file("slash_time.csv", [CASES, case(applied_at="2025/9/30 9:00")]),
        "2025-09-30 09:00", "YYYY-MM-DD HH:MM", row=2, column=APPLIED),
    Bad("impossible date", csv_file("feb30.csv", [TEAMS, team(founded_on="2025-02-30")]),
        "不存在（2025 年 2 月没有 30 日）", "no day 30 in 2025-02", row=2, column=FOUNDED),
    Bad("future date", csv_file("future.csv", [TEAMS, team(founded_on="2099-01-01")]),
        "日期晚于今天", "in the future", row=2, column=FOUNDED),
    Bad("finish before accept", csv_file("order.csv", [CASES, case(
        finished_at="2025-09-29 10:00")]),
        "办结时间早于受理时间", "finished before it was accepted", row=2,
        column=header("service_cases", "finished_at")),
    # Numbers
    Bad("thousands separator", csv_file("sep.csv", [INCOME, income(operating_income="1,234.50")]),
        "千位分隔符，请去掉逗号：1234.50", "thousands separators", row=2, column=MONEY),
    Bad("full-width digits", csv_file("wide.csv", [INCOME, income(operating_income="１２３")]),
        "全角数字或符号，请改为半角：123", "full-width digits", row=2, column=MONEY),
    Bad("unit typed", csv_file("unit.csv", [INCOME, income(operating_income="10万元")]),
        "带有单位“万元”", "has the unit", row=2, column=MONEY),
    Bad("decimal year", csv_file("decimal.csv", [INCOME, income(year="2021.5")]),
        "应为整数：“2021.5”不是整数", "not a whole number", row=2, column=YEAR),
    Bad("number too large", csv_file("huge_number.csv", [INCOME, income(other_income="1e300")]),
        "数值过大", "too large", row=2, column=header(I, "other_income")),
    Bad("negative money", csv_file("negative.csv", [INCOME, income(operating_income="-1",
                                                                   net_income="5.00")]),
        "不能小于 0", "less than 0", row=2, column=MONEY),
    # Codes
    Bad("full-width space in code", csv_file("ideographic.csv", [INCOME, income(
        village_code="421081\u3000100201")]),
        "中间有全角空格", "full-width space", row=2, column=VILLAGE),
    Bad("space inside key", csv_file("items.csv", [ITEMS, values("service_items", {
        **GOOD_ITEM, "code": "11421081MB 0000009"})]),
        "中间有空格", "contains a space", row=2, column=header("service_items", "code")),
    Bad("11-digit division", csv_file("d11.csv", [INCOME, income(village_code="42108110020")]),
        "应为 12 位数字，这里是 11 位", "12 digits, this one has 11", row=2, column=VILLAGE),
    Bad("13-digit division", csv_file("d13.csv", [INCOME, income(village_code="4210811002011")]),
        "这里是 13 位", "this one has 13", row=2, column=VILLAGE),
    Bad("scientific notation code", csv_file("sci.csv", [INCOME, income(
        village_code="4.21081E+11")]),
        "科学计数法", "scientific notation", row=2, column=VILLAGE),
    Bad("unknown code", csv_file("unknown.csv", [CASES, case(item_code="NOPE")]),
        "未知的事项代码“NOPE”", "unknown service item code", row=2,
        column=header("service_cases", "item_code")),
    Bad("bad choice", csv_file("choice.csv", [CASES, case(channel="电话")]), "取值应为",
        "must be one of", row=2, column=header("service_cases", "channel")),
    Bad("required empty", csv_file("required.csv", [INCOME, income(year="")]), "必填项为空",
        "required value is empty", row=2, column=YEAR),
    Bad("duplicate keys", csv_file("dupes.csv", [CASES, case(), case()]), "与第 2 行重复",
        "duplicate of row 2", row=3, column=header("service_cases", "serial_no")),
    Bad("same rows, key part empty", csv_file("nokey.csv", [INCOME, income(year=""),
                                                            income(year="")]),
        "必填项为空", "required value is empty", row=3, column=YEAR),
]


def test_the_corpus_has_at_least_forty_distinct_files(tmp_path: Path) -> None:
    files = set()
    for number, bad in enumerate(CORPUS):
        folder = tmp_path / str(number)
        folder.mkdir()
        path = bad.make(folder)
        files.add((path.suffix, path.read_bytes()))
    assert len(files) == len(CORPUS) >= 40


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """A database holding a village's income, a service item and a case, as the county has."""
    folder = tmp_path_factory.mktemp("corpus-db")
    engine = fresh_database(sqlite_url(folder))
    for domain, row, name in (("collective_income", GOOD_INCOME, "income.xlsx"),
                              ("service_items", GOOD_ITEM, "items.csv"),
                              ("service_cases", GOOD_CASE, "cases.csv")):
        import_file(engine, write_rows(DOMAINS[domain], pd.DataFrame([row]), folder / name))
    return engine


def rejected(engine: Engine, path: Path, domain: str | None = None) -> list[Problem]:
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as refusal:
        import_file(engine, path, domain)
    assert snapshot(engine) == before, "a refused file changed the database"
    problems = refusal.value.problems
    assert problems and all(p.zh and p.en and p.file == path.name for p in problems)
    return problems


@pytest.mark.parametrize("bad", CORPUS, ids=[bad.id for bad in CORPUS])
def test_a_bad_file_is_refused_saying_what_where_and_how(engine: Engine, tmp_path: Path,
                                                         bad: Bad) -> None:
    problems = rejected(engine, bad.make(tmp_path), bad.domain)
    hits = [p for p in problems if bad.zh in p.zh and bad.en in p.en]
    assert hits, "\n".join(map(str, problems))
    assert any((p.row, p.column) == (bad.row, bad.column) for p in hits), \
        "\n".join(map(str, hits))


# ---------------------------------------------------------------------------------------------
# Odd but right: these import


def stored_income(engine: Engine, year: int) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            select(CollectiveIncome.village_code, CollectiveIncome.year,
                   CollectiveIncome.operating_income, CollectiveIncome.net_income)
            .where(CollectiveIncome.year == year))]


def test_spaces_around_codes_are_stripped(engine: Engine, tmp_path: Path) -> None:
    code = GOOD_INCOME["village_code"]
    path = csv_file("padded.csv", [INCOME, income(year="2016", village_code=f"  {code} "),
                                   income(year="2017", village_code=f"\u3000{code}\u3000"),
                                   income(year="2018", village_code=f"{code}\t ")])(tmp_path)
    assert import_file(engine, path).rows_inserted == 3
    assert [row[0] for year in (2016, 2017, 2018) for row in stored_income(engine, year)] \
        == [code] * 3


def test_gbk_csv_from_chinese_windows_imports(engine: Engine, tmp_path: Path) -> None:
    path = raw_file("gbk.csv", INCOME_CSV.replace("2021", "2015").encode("gbk"))(tmp_path)
    assert import_file(engine, path).rows_inserted == 1
    assert stored_income(engine, 2015) == [(GOOD_INCOME["village_code"], 2015, 100000, 160000)]


def test_negative_net_income_is_a_number_not_a_formula(engine: Engine, tmp_path: Path) -> None:
    loss = income(year="2014", operating_income="0", contract_income="0", investment_income="0",
                  subsidy_income="0", net_income="-3.00")
    assert import_file(engine, csv_file("loss.csv", [INCOME, loss])(tmp_path)).rows_inserted == 1
    assert stored_income(engine, 2014)[0][3] == -30000


def test_empty_sheets_and_typed_cells_of_excel_import(engine: Engine, tmp_path: Path) -> None:
    """Excel's empty Sheet2 and Sheet3 are no data sheets; numbers typed as numbers (a code too,
    even stored as a float) and dates as date cells are what Excel saves."""
    typed = [float(GOOD_INCOME["village_code"]), 2013, 0, 10.0, 5, 1, 3, 0, 2, 1, 0, 16.0]
    path = workbook("typed.xlsx", [INCOME, typed], change=all_of(
        with_sheet("Sheet2", []), with_sheet("Sheet3", [], "hidden")))(tmp_path)
    assert import_file(engine, path).rows_inserted == 1
    assert stored_income(engine, 2013) == [(GOOD_INCOME["village_code"], 2013, 100000, 160000)]
    founded = dt.datetime(2020, 3, 5)
    teams = workbook("teams.xlsx", [TEAMS, [*team(code="ZD777")[:-1], founded]],
                     sheet="volunteer_teams")(tmp_path)
    assert import_file(engine, teams).rows_inserted == 1
    with engine.connect() as connection:
        assert connection.scalar(select(VolunteerTeam.founded_on)
                                 .where(VolunteerTeam.code == "ZD777")) == founded.date()


# ---------------------------------------------------------------------------------------------
# Files saved by LibreOffice (tests/fixtures/office.py)


GOOD_FILES = {
    "income.csv": [INCOME, income(year="2020"), income(year="2021", operating_income="12.50",
                                                       net_income="18.50")],
    "items.csv": [ITEMS, values("service_items", GOOD_ITEM)],
    "cases.csv": [CASES, case(), case(serial_no="SS2025009002", applied_at="2025-10-09 08:30",
                                      accepted_at="2025-10-09 08:45", finished_at="",
                                      status="办理中")],
    "teams.csv": [TEAMS, team()],
}


@pytest.fixture(scope="module")
def office_files(office_convert: Convert, tmp_path_factory: pytest.TempPathFactory) \
        -> dict[str, Path]:
    """The good CSVs, and each saved by LibreOffice as .xlsx and .xls (one soffice run each)."""
    folder = tmp_path_factory.mktemp("office-csv")
    sources = [csv_file(name, rows, encoding="utf-8")(folder) for name, rows in
               GOOD_FILES.items()]
    files = {path.name: path for path in sources}
    for suffix in ("xlsx", "xls"):
        files.update({path.name: path for path in office_convert(sources, suffix)})
    return files


def test_libreoffice_xlsx_holds_typed_cells(office_files: dict[str, Path]) -> None:
    """What the next test imports: a code as a number, dates and times as date cells."""
    income_sheet = load_workbook(office_files["income.xlsx"]).active
    assert income_sheet["A2"].value == int(GOOD_INCOME["village_code"])
    teams_sheet = load_workbook(office_files["teams.xlsx"]).active
    assert teams_sheet.cell(2, len(TEAMS)).value == dt.datetime(2020, 3, 5)
    cases_sheet = load_workbook(office_files["cases.xlsx"]).active
    assert cases_sheet.cell(2, CASES.index(APPLIED) + 1).value == dt.datetime(2025, 9, 30, 9)


def test_libreoffice_xlsx_imports_as_the_csv(office_files: dict[str, Path],
                                             tmp_path: Path) -> None:
    stores = {}
    for suffix in ("csv", "xlsx"):
        engine = fresh_database(sqlite_url(tmp_path, f"{suffix}.sqlite3"))
        for name in GOOD_FILES:
            import_file(engine, office_files[name.replace(".csv", f".{suffix}")])
        stores[suffix] = snapshot(engine)
    for table in ("collective_income", "service_item", "service_case", "service_daily",
                  "volunteer_team"):
        assert stores["xlsx"][table] == stores["csv"][table], table
        assert stores["csv"][table][0] > 0, table
    with engine.connect() as connection:  # the xlsx one: times kept to the minute
        accepted = connection.scalars(select(ServiceCase.accepted_at)
                                      .order_by(ServiceCase.serial_no)).all()
    assert accepted == [dt.datetime(2025, 9, 30, 9, 10), dt.datetime(2025, 10, 9, 8, 45)]


def test_libreoffice_xls_is_refused(engine: Engine, office_files: dict[str, Path]) -> None:
    problems = rejected(engine, office_files["income.xls"])
    assert [(p.row, p.column) for p in problems] == [(None, None)]
    assert "旧版 .xls" in problems[0].zh and "save it as .xlsx" in problems[0].en

