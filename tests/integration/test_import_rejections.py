"""Every kind of bad file is rejected whole, says where and what, and changes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data_access.importing.domains import DOMAINS
from data_access.importing.problems import ImportRejected
from data_access.importing.runner import import_file
from data_access.importing.template import write_rows
from tests.dbutil import fresh_database, snapshot, sqlite_url

REPO = Path(__file__).resolve().parents[2]
VILLAGE = "421081100201"  # a 村委会 of 新厂镇
TOWNSHIP = "421081100000"

GOOD_INCOME = {
    "village_code": VILLAGE, "year": "2019", "quarter": "0", "operating_income": "10.00",
    "contract_income": "5.00", "investment_income": "1.00", "subsidy_income": "3.00",
    "other_income": "0", "operating_expense": "2.00", "management_expense": "1.00",
    "other_expense": "0", "net_income": "16.00",
}
GOOD_ITEM = {
    "code": "11421081MB0000001", "name": "临时救助申请", "department": "市民政局",
    "case_type": "承诺件", "legal_limit_days": "20", "promised_limit_days": "5",
    "required_visits": "1", "online_capable": "是",
}
GOOD_CASE = {
    "serial_no": "SS2025000001", "item_code": GOOD_ITEM["code"], "division_code": TOWNSHIP,
    "channel": "窗口", "applied_at": "2025-09-30 09:00", "accepted_at": "2025-09-30 09:10",
    "promised_limit_days": "", "paused_days": "0", "finished_at": "2025-10-10 15:00",
    "status": "已办结", "visits": "1", "fully_online": "否", "rating": "5",
    "bad_review_fixed_at": "",
}


def filled_database(tmp_path: Path, keep_changes: bool = False, url: str | None = None):
    """A fresh database (SQLite in tmp_path, or `url`) with one good row of income, one
    service item and one case."""
    engine = fresh_database(url or sqlite_url(tmp_path))
    for domain, row, name in (("collective_income", GOOD_INCOME, "income.xlsx"),
                              ("service_items", GOOD_ITEM, "items.csv"),
                              ("service_cases", GOOD_CASE, "cases.csv")):
        import_file(engine, write_rows(DOMAINS[domain], pd.DataFrame([row]), tmp_path / name),
                    keep_changes=keep_changes)
    return engine


@pytest.fixture
def engine(tmp_path: Path):
    return filled_database(tmp_path)


def _rejected(engine, path: Path) -> list[str]:
    before = snapshot(engine)
    with pytest.raises(ImportRejected) as rejected:
        import_file(engine, path)
    assert snapshot(engine) == before, "a rejected file changed the database"
    return [str(p) for p in rejected.value.problems]


BAD_INCOME_ROWS = [
    ("unknown division code", {"village_code": "421081999999"}, "未知的村（社区）代码", "row 3"),
    ("negative money", {"operating_income": "-1", "net_income": "5.00"}, "不能小于 0",
     "operating_income"),
    ("not a number", {"contract_income": "五万"}, "应为数字", "contract_income"),
    ("required field", {"year": ""}, "必填项为空", "year"),
    ("net income inconsistent", {"net_income": "99"}, "本年收益不等于", "net_income"),
    ("quarter out of range", {"quarter": "5"}, "不能大于 4", "quarter"),
]


@pytest.mark.parametrize(("change", "message", "where"),
                         [case[1:] for case in BAD_INCOME_ROWS],
                         ids=[case[0] for case in BAD_INCOME_ROWS])
def test_bad_income_row_rejects_the_whole_file(engine, tmp_path, change, message, where) -> None:
    good_new = {**GOOD_INCOME, "year": "2020"}
    bad = {**GOOD_INCOME, "year": "2021", **change}
    path = write_rows(DOMAINS["collective_income"], pd.DataFrame([good_new, bad]),
                      tmp_path / "bad.xlsx")
    problems = _rejected(engine, path)
    assert len(problems) == 1
    assert message in problems[0] and where in problems[0]
    assert "bad.xlsx" in problems[0] and "collective_income" in problems[0]  # file and sheet
    assert "row 3" in problems[0]  # the bad row is the second data row


BAD_CASE_ROWS = [
    ("finish before accept", {"finished_at": "2025-09-29 10:00"}, "办结时间早于受理时间"),
    ("date in the future", {"applied_at": "2099-01-01 09:00", "accepted_at": "2099-01-01 09:00",
                            "finished_at": "", "status": "办理中"}, "日期晚于今天"),
    ("bad date", {"accepted_at": "2025-02-30 09:00"}, "应为时间"),
    ("unknown item", {"item_code": "NOPE"}, "未知的事项代码"),
    ("not a choice", {"channel": "电话"}, "取值应为"),
    ("finished without time", {"finished_at": ""}, "状态为已办结但办结时间为空"),
]


@pytest.mark.parametrize(("change", "message"), [case[1:] for case in BAD_CASE_ROWS],
                         ids=[case[0] for case in BAD_CASE_ROWS])
def test_bad_case_rejects_the_whole_file(engine, tmp_path, change, message) -> None:
    rows = [{**GOOD_CASE, "serial_no": "SS2025000002"},
            {**GOOD_CASE, "serial_no": "SS2025000003", **change}]
    path = write_rows(DOMAINS["service_cases"], pd.DataFrame(rows), tmp_path / "cases.csv")
    problems = _rejected(engine, path)
    assert any(message in p and "row 3" in p for p in problems), problems


def test_duplicates_in_a_file_are_named_with_both_rows(engine, tmp_path) -> None:
    rows = [{**GOOD_CASE, "serial_no": "SS9"}, {**GOOD_CASE, "serial_no": "SS9"}]
    path = write_rows(DOMAINS["service_cases"], pd.DataFrame(rows), tmp_path / "dup.csv")
    problems = _rejected(engine, path)
    assert problems == [problems[0]] and "与第 2 行重复" in problems[0] and "row 3" in problems[0]


def test_unknown_and_missing_columns(engine, tmp_path) -> None:
    path = tmp_path / "columns.csv"
    frame = pd.DataFrame([GOOD_INCOME]).drop(columns=["year"]).assign(extra="x")
    frame.to_csv(path, index=False)
    problems = _rejected(engine, path)
    assert any("未知的列“extra”" in p for p in problems)
    assert any("缺少必填列“年度(year)”" in p for p in problems)


def test_unreadable_files(engine, tmp_path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    assert "不支持的文件类型" in _rejected(engine, tmp_path / "notes.txt")[0]
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x81\x00\xfe" * 10)
    assert "编码" in _rejected(engine, tmp_path / "binary.csv")[0]
    (tmp_path / "empty.csv").write_bytes(b"")
    assert "文件为空" in _rejected(engine, tmp_path / "empty.csv")[0]
    (tmp_path / "broken.xlsx").write_bytes(b"PK not really a workbook")
    assert "无法读取 Excel 文件" in _rejected(engine, tmp_path / "broken.xlsx")[0]


def test_gb18030_csv_from_excel_on_chinese_windows_imports(engine, tmp_path) -> None:
    path = tmp_path / "gbk.csv"
    write_rows(DOMAINS["collective_income"], pd.DataFrame([{**GOOD_INCOME, "year": "2018"}]),
               tmp_path / "utf8.csv")
    path.write_bytes((tmp_path / "utf8.csv").read_text(encoding="utf-8-sig")
                     .encode("gb18030"))
    report = import_file(engine, path)
    assert (report.domain, report.rows_inserted) == ("collective_income", 1)


def test_reimport_updates_and_never_duplicates(engine, tmp_path) -> None:
    changed = {**GOOD_INCOME, "operating_income": "12.00", "net_income": "18.00"}
    path = write_rows(DOMAINS["collective_income"], pd.DataFrame([changed]),
                      tmp_path / "again.xlsx")
    before = snapshot(engine)["collective_income"][0]
    report = import_file(engine, path)
    assert (report.rows_inserted, report.rows_updated) == (0, 1)
    assert snapshot(engine)["collective_income"][0] == before
    assert snapshot(engine)["import_log"][0] == 4  # every import is logged


def test_case_due_date_counts_working_days_over_national_day(engine) -> None:
    from sqlalchemy import select

    from data_access.models import ServiceCase

    with engine.connect() as connection:
        due = connection.scalar(select(ServiceCase.due_date))
    # accepted 2025-09-30, 5 working days from the catalogue:
    # 10-09, 10-10, 10-11 (调休), 10-13, 10-14
    assert due.isoformat() == "2025-10-14"


def test_cli_exits_non_zero_and_lists_problems(engine, tmp_path) -> None:
    bad = write_rows(DOMAINS["collective_income"],
                     pd.DataFrame([{**GOOD_INCOME, "village_code": "123"}]), tmp_path / "b.csv")
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "import", str(bad)], cwd=REPO, capture_output=True,
        text=True, env={"DATABASE_URL": str(engine.url), "PATH": "/usr/bin:/bin"}, check=False)
    assert result.returncode == 2
    assert "nothing was written" in result.stderr and "b.csv" in result.stderr
    assert "unknown village code '123'" in result.stderr


def test_template_command_writes_instructions_and_codes(engine, tmp_path) -> None:
    out = tmp_path / "t.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "dashboard", "template", "collective_income", "--output", str(out)],
        cwd=REPO, capture_output=True, text=True, check=False,
        env={"DATABASE_URL": str(engine.url), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    sheets = pd.read_excel(out, sheet_name=None, dtype=str)
    assert list(sheets) == ["collective_income", "填表说明", "代码表"]
    assert "村级区划代码(village_code)" in sheets["collective_income"].columns
    assert (sheets["代码表"].iloc[:, 0] == VILLAGE).any()
    help_text = subprocess.run([sys.executable, "-m", "dashboard", "template", "--help"],
                               cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert all(domain in help_text for domain in DOMAINS)
