"""A stored export's PDF, printed by a background job rather than in the request.

The request saves the export's numbers and queues its PDF (`queue_pdf`), starts the job
(`python -m dashboard print-export N`, data_access/jobs.py) and answers at once. The job waits
for one of the host's PDF slots (each print is a chromium of its own: the slots bound how many
run at a time, whatever is queued), prints, and keeps the PDF with the export. The page asks
`pdf_status` until the PDF is there.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, func, select, update

from data_access.audit import record
from data_access.jobs import forget_progress, is_stalled, read_progress, turn, write_progress
from data_access.models import ReportExport
from data_access.weekly import attach_pdf, export_snapshot

FINAL_STATES = ("done", "failed")


def pdf_slots(count: int) -> tuple[str, ...]:
    return tuple(f"pdf-{slot}" for slot in range(max(1, count)))


def queue_pdf(engine: Engine, export_id: int, username: str) -> str:
    """Marks the export's PDF as asked for by `username`; returns the job's progress token."""
    token = secrets.token_hex(16)
    _set(engine, export_id, pdf_state="queued", pdf_token=token, pdf_requested_by=username,
         pdf_message=None)
    write_progress(token, "queued", 0.0)
    return token


def pdf_status(engine: Engine, export_id: int) -> dict[str, Any] | None:
    """state (None: no PDF asked for; queued / running / done / failed), phase, share (0-1),
    ahead (PDFs asked for earlier and not made yet), stalled, message; None for no export."""
    table = ReportExport
    with engine.connect() as connection:
        row = connection.execute(
            select(table.id, table.pdf_state, table.pdf_token, table.pdf_message)
            .where(table.id == export_id)).first()
        if row is None:
            return None
        ahead = connection.scalar(select(func.count()).where(
            table.pdf_state.in_(("queued", "running")), table.id < export_id)) or 0
    status: dict[str, Any] = {"id": row.id, "state": row.pdf_state, "phase": row.pdf_state,
                              "share": 1.0 if row.pdf_state == "done" else 0.0,
                              "ahead": int(ahead) if row.pdf_state == "queued" else 0,
                              "stalled": False, "message": row.pdf_message or ""}
    if row.pdf_state in ("queued", "running") and row.pdf_token:
        progress = read_progress(row.pdf_token)
        # No file on this host: the job runs on another one, or never started here.
        status["stalled"] = progress is None or is_stalled(progress)
        if progress:
            status.update(phase=progress.get("phase", row.pdf_state),
                          share=float(progress.get("share", 0.0)))
    return status


def run_pdf_job(engine: Engine, export_id: int, print_pdf: Callable[[dict[str, Any]], bytes],
                slots: int, now: Callable[[], dt.datetime]) -> str:
    """Prints the queued export with `print_pdf(export)` in one of `slots` slots; returns the
    final state (or the state found, when the export's PDF was not queued)."""
    export = export_snapshot(engine, export_id)
    if export is None:
        return "missing"
    if export["pdf_state"] != "queued":
        return str(export["pdf_state"])
    token = export["pdf_token"]
    with turn(token, "queued", pdf_slots(slots)):
        _set(engine, export_id, pdf_state="running")
        write_progress(token, "printing", 0.3)
        try:
            pdf = print_pdf(export)
        except Exception as error:  # whatever stopped it, the page must be told, not left waiting
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            _set(engine, export_id, pdf_state="failed", pdf_message=reason[:2000])
            record(engine, "export_pdf", at=now(), username=export["pdf_requested_by"] or "",
                   outcome="failed", detail=f"export #{export_id}: {reason}"[:2000])
            forget_progress(token)
            return "failed"
        write_progress(token, "saving", 0.9)
        attach_pdf(engine, export_id, pdf)
        _set(engine, export_id, pdf_state="done")
    forget_progress(token)
    return "done"


def _set(engine: Engine, export_id: int, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(ReportExport).where(ReportExport.id == export_id)
                           .values(**values))
