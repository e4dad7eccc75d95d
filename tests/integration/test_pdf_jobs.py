"""The PDF job: at most `slots` prints at once whatever is queued, the waiting ones saying so,
and a print that fails leaves its export's page a reason instead of a wait. Chromium's own
print is in tests/e2e/test_weekly_browser.py; here the print is a function that takes time."""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from data_access import jobs
from data_access.audit import audit_events
from data_access.pdf_jobs import pdf_status, queue_pdf, run_pdf_job
from data_access.weekly import export_pdf, list_exports, store_export
from layouts.weekly import exports_items
from tests.component_tree import components, text_of
from tests.integration.test_import_rejections import filled_database

NOW = dt.datetime(2026, 11, 20, 10, 0)


@pytest.fixture
def engine(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(jobs, "QUEUE_HEARTBEAT_S", 0.05)
    monkeypatch.setattr(jobs, "JOBS_DIR", tmp_path / "jobs")
    return filled_database(tmp_path)


def _queued(engine, count: int) -> list[int]:
    made = []
    for _ in range(count):
        export_id = store_export(engine, "weekly", "2026-W46", None, "zh", {"report": {}}, NOW)
        queue_pdf(engine, export_id, "t_leader")
        made.append(export_id)
    return made


def test_no_more_prints_run_than_slots_and_the_rest_wait_their_turn(engine) -> None:
    exports = _queued(engine, 5)
    running, most = [0], [0]
    lock = threading.Lock()
    release = threading.Event()  # the prints hold their slots until the test has looked

    def slow_print(export: dict) -> bytes:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(timeout=30)
        with lock:
            running[0] -= 1
        return b"%PDF-1.7 export " + str(export["id"]).encode()

    threads = [threading.Thread(target=run_pdf_job,
                                args=(engine, export_id, slow_print, 2, lambda: NOW))
               for export_id in exports]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while running[0] < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)  # long enough for a third print to start, were the slots not kept
    states = [pdf_status(engine, export_id) for export_id in exports]
    assert running[0] == 2
    assert sum(s["state"] == "running" for s in states) == 2
    waiting = [s for s in states if s["state"] == "queued"]
    assert len(waiting) == 3 and not any(s["stalled"] for s in waiting)
    assert [s["ahead"] for s in waiting] == sorted(s["ahead"] for s in waiting)
    release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert most[0] == 2
    for export_id in exports:
        status = pdf_status(engine, export_id)
        assert (status["state"], status["share"]) == ("done", 1.0)
        assert export_pdf(engine, export_id) == f"%PDF-1.7 export {export_id}".encode()
    # The week's exports list links the PDF once made.
    assert _list_links(engine, exports[0]) == {
        ("查看", f"/weekly/export/{exports[0]}"), ("PDF", f"/weekly/export/{exports[0]}.pdf")}
    # A job run again (by hand, say) finds the PDF made and leaves it.
    assert run_pdf_job(engine, exports[0], slow_print, 2, lambda: NOW) == "done"


def _list_links(engine, export_id: int) -> set[tuple[str, str]]:
    """(text, address) of the links on one export's line in the week's exports list."""
    items = exports_items(list_exports(engine, "2026-W46"), None, "zh")
    line = next(node for node in components(items)
                if (getattr(node, "data-export", None) or "") == str(export_id))
    return {(text_of(node), node.href) for node in components(line)
            if getattr(node, "href", None)}


def test_while_the_pdf_is_made_the_list_leads_to_the_page_that_follows_it(engine) -> None:
    export_id, = _queued(engine, 1)
    assert _list_links(engine, export_id) == {
        ("查看", f"/weekly/export/{export_id}"), ("PDF 生成中", f"/weekly/export/{export_id}")}


def test_a_failed_print_tells_the_page_why(engine) -> None:
    export_id, = _queued(engine, 1)

    def broken_print(export: dict) -> bytes:
        raise RuntimeError("chromium is not installed on the server\nsecond line")

    assert run_pdf_job(engine, export_id, broken_print, 2, lambda: NOW) == "failed"
    status = pdf_status(engine, export_id)
    assert status["state"] == "failed"
    assert status["message"] == "chromium is not installed on the server"
    assert export_pdf(engine, export_id) is None
    failed = audit_events(engine, event="export_pdf")
    assert (failed["outcome"] == "failed").any()
    assert failed["detail"].str.contains(f"export #{export_id}").any()


def test_a_job_that_never_started_is_shown_as_stopped(engine, monkeypatch) -> None:
    export_id, = _queued(engine, 1)
    assert not pdf_status(engine, export_id)["stalled"]
    monkeypatch.setattr(jobs, "STALE_AFTER_S", -1)
    assert pdf_status(engine, export_id)["stalled"]
