"""Data in through the browser (/data), as a township officer and an administrator use it: a
good file imports with its progress shown and lands in the history, a bad one is refused whole
with its problems listed and marked in a workbook to fix, a file over the limit is refused
before it is read, and an administrator undoes an import."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from sqlalchemy import select

from data_access.db import get_engine
from data_access.importing.domains import DOMAINS
from data_access.models import ServiceCase
from tests.fixtures.accounts import TEST_TOWNSHIP, accounts_in, sign_in
from tests.fixtures.chromium import CONTEXT_OPTIONS
from tests.fixtures.processes import DEMO_AS_OF

CASES = 30_000  # enough rows for the job to be seen working
LIMIT_MB = 8
OTHER_TOWNSHIP = "421081001000"  # 绣林街道


@pytest.fixture(scope="module")
def server(live_server_factory, demo_copy) -> tuple[str, str]:
    """A server on a copy of the demo database: these tests write to it."""
    url = demo_copy("uploads")
    base = live_server_factory(url, env={"DASHBOARD_TODAY": DEMO_AS_OF,
                                         "DASHBOARD_LOGIN_RATE": "600 per minute",
                                         "DASHBOARD_UPLOAD_MAX_MB": str(LIMIT_MB)})
    return base, url


def _page_as(chromium_browser, base: str, url: str, role: str):
    context = chromium_browser.new_context(**CONTEXT_OPTIONS, accept_downloads=True)
    sign_in(context, base, accounts_in(url)[role])
    return context.new_page()


def _count(url: str, sql: str) -> int:
    """sql's one number (a literal % written %%, as both drivers take it)."""
    with get_engine(url).connect() as connection:
        return int(connection.exec_driver_sql(sql).scalar_one())


def _cases(url: str, rows: int) -> pd.DataFrame:
    """New cases of the officer's township, as the template's text: copies of a stored one."""
    with get_engine(url).connect() as connection:
        model = pd.read_sql(select(ServiceCase).where(
            ServiceCase.township_code == TEST_TOWNSHIP, ServiceCase.status == "已办结",
            ServiceCase.rating >= 3).limit(1), connection)
    case = model.iloc[0]
    keys = [c.key for c in DOMAINS["service_cases"].columns]
    text = {key: ("" if pd.isna(case[key]) else str(case[key])) for key in keys}
    for key in ("applied_at", "accepted_at", "finished_at"):
        text[key] = text[key][:16]
    text["fully_online"] = "是" if case["fully_online"] else "否"
    text["promised_limit_days"] = ""
    frame = pd.DataFrame([text] * rows)
    frame["serial_no"] = [f"UP{TEST_TOWNSHIP}{n:08d}" for n in range(rows)]
    return frame


def _csv(frame: pd.DataFrame, path: Path) -> Path:
    headers = {c.key: c.header for c in DOMAINS["service_cases"].columns}
    frame.rename(columns=headers).to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _send(page, base: str, path: Path) -> int:
    page.goto(f"{base}/data")
    page.locator("#data-file").set_input_files(str(path))
    page.locator("#data-submit").click()
    page.wait_for_url(re.compile(r"/data\?upload=\d+"))
    return int(re.search(r"upload=(\d+)", page.url).group(1))


def test_a_township_officer_uploads_a_good_file_then_a_bad_one(chromium_browser, server,
                                                                tmp_path) -> None:
    base, url = server
    officer = _page_as(chromium_browser, base, url, "township")
    officer.goto(f"{base}/data")
    expect(officer.locator(".data-templates a")).to_have_count(6)  # their township's templates
    template = officer.request.get(f"{base}/data/template/service_cases.xlsx")
    assert template.ok and template.body()[:2] == b"PK"
    assert officer.request.get(f"{base}/data/template/service_items.xlsx").status == 404

    before = _count(url, "select count(*) from service_case")
    upload_id = _send(officer, base, _csv(_cases(url, CASES), tmp_path / "办件.csv"))
    # The job runs outside the request: its progress first, and it survives a reload.
    expect(officer.locator(".data-progress")).to_be_visible()
    officer.reload()
    status = officer.locator(f'#data-status[data-upload="{upload_id}"]')
    expect(status).to_contain_text(f"已导入 {CASES:,} 行", timeout=120_000)
    expect(status).to_contain_text(f"新增 {CASES:,} 行")
    assert _count(url, "select count(*) from service_case") == before + CASES
    history = officer.locator('[data-table="uploads"]')
    expect(history).to_contain_text("办件.csv")
    expect(history).to_contain_text("已导入")

    # A bad file: one bad cell and one row of another township. Nothing is written.
    bad = _cases(url, 3)
    bad["serial_no"] = ["BAD1", "BAD2", "BAD3"]
    bad.loc[1, "rating"] = "很好"
    bad.loc[2, "division_code"] = OTHER_TOWNSHIP
    rejected = _send(officer, base, _csv(bad, tmp_path / "有错的办件.csv"))
    status = officer.locator(f'#data-status[data-upload="{rejected}"]')
    expect(status).to_contain_text("文件被拒绝，未写入任何数据：共 2 个问题", timeout=60_000)
    problems = officer.locator('[data-table="upload-problems"]')
    expect(problems).to_contain_text("应为整数")
    expect(problems).to_contain_text("不属于本乡镇")
    assert _count(url, "select count(*) from service_case where serial_no like 'BAD%%'") == 0
    with officer.expect_download() as download:
        officer.locator("#data-marked").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    sheet = book[book.sheetnames[1]]
    headers = [str(c.value) for c in sheet[1]]
    def column(key: str) -> int:
        return next(i for i, h in enumerate(headers, start=1) if h.endswith(f"({key})"))

    rating = sheet.cell(row=3, column=column("rating"))
    assert rating.value == "很好" and "应为整数" in rating.comment.text
    assert rating.fill.start_color.rgb.endswith("FFC7CE")
    place = sheet.cell(row=4, column=column("division_code"))
    assert "不属于本乡镇" in place.comment.text
    csv = officer.request.get(f"{base}/data/upload/{rejected}/problems.csv")
    assert csv.ok and "很好" in csv.text()
    # The original is for administrators only.
    assert officer.request.get(f"{base}/data/upload/{rejected}/original").status == 404

    # An administrator undoes the good import: the rows it added are gone.
    admin = _page_as(chromium_browser, base, url, "admin")
    admin.goto(f"{base}/data?upload={upload_id}")
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.locator("#data-undo-button").click()
    expect(admin.locator("#data-undo-result")).to_contain_text("撤销已开始")
    expect(admin.locator(f'#data-status[data-upload="{upload_id}"]')).to_contain_text(
        f"删除 {CASES:,} 行，恢复 0 行", timeout=120_000)
    expect(admin.locator("#data-undo-result")).to_be_empty()  # one message: the outcome
    expect(admin.locator('[data-table="uploads"]')).to_contain_text("已撤销")
    assert _count(url, "select count(*) from service_case") == before
    original = admin.request.get(f"{base}/data/upload/{upload_id}/original")
    assert original.ok and original.body().startswith("\ufeff".encode())
    admin.goto(f"{base}/admin/audit")
    expect(admin.locator('[data-table="audit-log"]')).to_contain_text("撤销导入")


def test_a_file_over_the_limit_is_refused_before_it_is_read(chromium_browser, server,
                                                            tmp_path) -> None:
    base, url = server
    officer = _page_as(chromium_browser, base, url, "township")
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (LIMIT_MB * 1024 * 1024 + 1))
    uploads = _count(url, "select count(*) from upload")
    officer.goto(f"{base}/data")
    officer.locator("#data-file").set_input_files(str(big))
    officer.locator("#data-submit").click()
    officer.wait_for_url(re.compile(r"error=too_large"))
    expect(officer.locator(".error")).to_contain_text(f"超过 {LIMIT_MB} MB")
    assert _count(url, "select count(*) from upload") == uploads


def test_a_leader_has_no_upload_page(chromium_browser, server) -> None:
    base, url = server
    leader = _page_as(chromium_browser, base, url, "leader")
    leader.goto(f"{base}/data")
    expect(leader.locator("#page")).to_contain_text("无此权限")
    expect(leader.locator(".account-bar")).not_to_contain_text("数据上报")


def test_a_file_dropped_on_the_box_is_sent(chromium_browser, server) -> None:
    base, url = server
    officer = _page_as(chromium_browser, base, url, "township")
    officer.goto(f"{base}/data?lang=en")
    files = officer.evaluate_handle("""() => {
        const data = new DataTransfer();
        data.items.add(new File(["名称,数量\\n甲,1\\n"], "dropped.csv", {type: "text/csv"}));
        return data;
    }""")
    officer.locator(".data-drop").dispatch_event("drop", {"dataTransfer": files})
    assert officer.locator("#data-file").evaluate("input => input.files[0].name") == \
        "dropped.csv"
    officer.locator("#data-submit").click()
    officer.wait_for_url(re.compile(r"upload=\d+"))
    expect(officer.locator("#data-status")).to_contain_text("nothing was written",
                                                           timeout=60_000)
    expect(officer.locator('[data-table="uploads"]')).to_contain_text("Rejected")
