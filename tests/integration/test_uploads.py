"""Uploads from the /data page, in the data layer: the job's outcome, township scope, the marked
workbook of a rejected file, and undo (rows restored exactly, refused over a later import)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from flask import Flask
from openpyxl import load_workbook

from data_access import access
from data_access.importing.domains import DOMAINS
from data_access.importing.template import write_rows
from data_access.rollup_check import differences
from data_access.uploads import (
    UploadRefused,
    create_upload,
    request_undo,
    run_undo,
    run_upload,
    undo_upload,
    upload_file,
    upload_status,
)
from tests.dbutil import snapshot
from tests.integration.test_import_rejections import GOOD_CASE, GOOD_INCOME, filled_database

NOW = dt.datetime(2026, 11, 20, 10, 0)
OTHER_VILLAGE = "421081101200"  # 沙包洲村 of 横沟市镇, not of 新厂镇
DOMAIN_TABLES = ("collective_income", "service_case", "service_daily")


@pytest.fixture
def engine(tmp_path: Path):
    return filled_database(tmp_path, keep_changes=True)


def _file(tmp_path: Path, domain: str, rows: list[dict], name: str) -> tuple[str, bytes]:
    path = write_rows(DOMAINS[domain], pd.DataFrame(rows), tmp_path / name)
    return name, path.read_bytes()


def _upload(engine, tmp_path: Path, domain: str, rows: list[dict], name: str = "up.xlsx",
            township: str | None = None) -> int:
    file_name, content = _file(tmp_path, domain, rows, name)
    if township is None:
        upload_id, _ = create_upload(engine, file_name, content, None, NOW)
    else:
        with _as(access.Principal("user", "xc", "township", township)):
            upload_id, _ = create_upload(engine, file_name, content, None, NOW)
    run_upload(engine, upload_id, NOW)
    return upload_id


def _as(principal: access.Principal):
    app = Flask(__name__)
    context = app.test_request_context("/data")

    class Signed:
        def __enter__(self) -> None:
            context.__enter__()
            access.set_principal(principal)

        def __exit__(self, *exc: object) -> None:
            context.__exit__(*exc)

    return Signed()


def _tables(engine) -> dict:
    return {name: value for name, value in snapshot(engine).items() if name in DOMAIN_TABLES}


def test_an_upload_imports_and_its_undo_restores_every_row(engine, tmp_path) -> None:
    before = _tables(engine)
    changed = {**GOOD_CASE, "rating": "1", "bad_review_fixed_at": "2025-10-12"}
    added = {**GOOD_CASE, "serial_no": "SS2025000777", "accepted_at": "2025-11-03 09:00",
             "applied_at": "2025-11-03 08:00", "finished_at": "2025-11-04 10:00"}
    upload_id = _upload(engine, tmp_path, "service_cases", [changed, added])
    status = upload_status(engine, upload_id)
    assert status is not None and status["state"] == "imported"
    assert (status["rows_inserted"], status["rows_updated"]) == (1, 1)
    assert _tables(engine) != before
    assert undo_upload(engine, upload_id, NOW) == (1, 1)
    # the rows, and the daily roll-up the indicators read, exactly as before the upload
    assert _tables(engine) == before
    assert differences(engine).empty
    assert upload_status(engine, upload_id)["state"] == "undone"
    with pytest.raises(UploadRefused):
        undo_upload(engine, upload_id, NOW)


def test_undo_is_refused_when_a_later_import_wrote_the_same_rows(engine, tmp_path) -> None:
    first = _upload(engine, tmp_path, "collective_income",
                    [{**GOOD_INCOME, "operating_income": "11.00", "net_income": "17.00"}], "a.xlsx")
    second = _upload(engine, tmp_path, "collective_income",
                     [{**GOOD_INCOME, "operating_income": "12.00", "net_income": "18.00"}],
                     "b.xlsx")
    unrelated = _upload(engine, tmp_path, "collective_income",
                        [{**GOOD_INCOME, "year": "2024"}], "c.xlsx")
    with pytest.raises(UploadRefused, match=f"之后的上传 #{second}（b.xlsx）"):
        undo_upload(engine, first, NOW)
    undo_upload(engine, second, NOW)  # the later one first, then the earlier is free
    undo_upload(engine, first, NOW)
    assert upload_status(engine, unrelated)["state"] == "imported"
    income = pd.read_sql("select year, operating_income from collective_income order by year",
                         engine)
    assert income.to_dict("list") == {"year": [2019, 2024], "operating_income": [100000, 100000]}


def test_a_township_file_with_another_townships_row_is_rejected_naming_it(engine,
                                                                         tmp_path) -> None:
    before = snapshot(engine)
    upload_id = _upload(engine, tmp_path, "collective_income",
                        [{**GOOD_INCOME, "year": "2020"},
                         {**GOOD_INCOME, "year": "2020", "village_code": OTHER_VILLAGE}],
                        township="421081100000")
    with _as(access.Principal("user", "xc", "township", "421081100000")):
        status = upload_status(engine, upload_id)
    assert status is not None and status["state"] == "rejected"
    assert [(p["row"], p["column"]) for p in status["problems"]] == [
        (3, "村级区划代码(village_code)")]
    assert status["problems"][0]["zh"] == ("不属于本乡镇（新厂镇 421081100000），"
                                           "属于横沟市镇（421081101000）")
    unchanged = {k: v for k, v in snapshot(engine).items()
                 if k not in ("upload", "upload_file")}
    assert unchanged == {k: v for k, v in before.items() if k not in ("upload", "upload_file")}
    # another township's officer does not see it
    with _as(access.Principal("user", "hg", "township", "421081101000")):
        assert upload_status(engine, upload_id) is None


def test_a_rejected_file_comes_back_with_its_bad_cells_marked(engine, tmp_path) -> None:
    upload_id = _upload(engine, tmp_path, "collective_income",
                        [{**GOOD_INCOME, "year": "2021"},
                         {**GOOD_INCOME, "year": "2022", "contract_income": "五万"}])
    status = upload_status(engine, upload_id)
    assert status["state"] == "rejected" and status["has_marked"]
    name, content = upload_file(engine, upload_id, "marked")
    assert name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames[0] == "问题清单"
    sheet = book["collective_income"]
    headers = [str(c.value) for c in sheet[1]]
    column = next(i for i, h in enumerate(headers, start=1) if h.endswith("(contract_income)"))
    cell = sheet.cell(row=3, column=column)
    assert cell.value == "五万" and cell.fill.start_color.rgb.endswith("FFC7CE")
    assert "应为数字" in cell.comment.text and "must be" in cell.comment.text
    assert sheet.cell(row=2, column=column).comment is None  # the good row is left alone
    assert [(p["row"], p["value"]) for p in status["problems"]] == [(3, "五万")]
    assert status["domain"] == "collective_income"  # recognised, though rejected


def test_problems_are_listed_in_the_files_order_and_a_resent_file_is_named(engine,
                                                                         tmp_path) -> None:
    rows = [{**GOOD_INCOME, "year": str(2000 + n)} for n in range(6)]
    rows[4]["contract_income"] = "x"
    rows[1]["village_code"] = "123"
    rows[3]["quarter"] = "9"
    rejected = upload_status(engine, _upload(engine, tmp_path, "collective_income", rows))
    assert [p["row"] for p in rejected["problems"]] == [3, 5, 6]
    first = _upload(engine, tmp_path, "collective_income", [{**GOOD_INCOME, "year": "2010"}],
                    "same.csv")
    again = _upload(engine, tmp_path, "collective_income", [{**GOOD_INCOME, "year": "2010"}],
                    "same.csv")
    assert upload_status(engine, again)["same_as"] == first


def test_only_administrators_get_the_original_and_undo(engine, tmp_path) -> None:
    upload_id = _upload(engine, tmp_path, "collective_income", [{**GOOD_INCOME, "year": "2023"}])
    with _as(access.Principal("user", "boss", "leader")):
        assert upload_file(engine, upload_id, "original") is None
        with pytest.raises(access.Forbidden):
            request_undo(engine, upload_id)
    with _as(access.Principal("user", "root", "admin")):
        name, content = upload_file(engine, upload_id, "original")
        assert name == "up.xlsx" and content[:2] == b"PK"


def test_an_undo_queued_from_the_page_runs_as_a_job_and_a_refusal_is_kept(engine,
                                                                           tmp_path) -> None:
    first = _upload(engine, tmp_path, "collective_income",
                    [{**GOOD_INCOME, "operating_income": "11.00", "net_income": "17.00"}], "a.xlsx")
    _upload(engine, tmp_path, "collective_income",
            [{**GOOD_INCOME, "operating_income": "12.00", "net_income": "18.00"}], "b.xlsx")
    with _as(access.Principal("user", "root", "admin")):
        request_undo(engine, first)
        assert upload_status(engine, first)["state"] == "undoing"
        with pytest.raises(UploadRefused):  # asked twice
            request_undo(engine, first)
    assert run_undo(engine, first, NOW, "root") == "imported"
    status = upload_status(engine, first)
    assert status["state"] == "imported" and "之后的上传 #" in status["message"]
    third = _upload(engine, tmp_path, "collective_income", [{**GOOD_INCOME, "year": "2024"}],
                    "c.xlsx")
    with _as(access.Principal("user", "root", "admin")):
        request_undo(engine, third)
    assert run_undo(engine, third, NOW, "root") == "undone"
    status = upload_status(engine, third)
    assert (status["undone_by"], status["undo_removed"], status["undo_restored"]) == \
        ("root", 1, 0)


def test_a_job_waiting_its_turn_keeps_saying_so(engine, tmp_path, monkeypatch) -> None:
    import fcntl
    import threading
    import time

    from data_access import jobs

    monkeypatch.setattr(jobs, "QUEUE_HEARTBEAT_S", 0.05)
    name, content = _file(tmp_path, "collective_income", [{**GOOD_INCOME, "year": "2016"}],
                          "wait.csv")
    upload_id, token = create_upload(engine, name, content, None, NOW)
    jobs.JOBS_DIR.mkdir(parents=True, exist_ok=True)
    with open(jobs.JOBS_DIR / "imports.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another import holds the host's turn
        job = threading.Thread(target=run_upload, args=(engine, upload_id, NOW))
        job.start()
        time.sleep(0.4)
        waiting = jobs.read_progress(token)
        assert waiting is not None and waiting["phase"] == "queued"
        assert time.time() - waiting["at"] < 0.3  # told again and again, never stale
        assert upload_status(engine, upload_id)["state"] == "queued"
        fcntl.flock(lock, fcntl.LOCK_UN)
    job.join(timeout=30)
    assert upload_status(engine, upload_id)["state"] == "imported"
