"""Files sent through the /data page: kept, imported outside the request, listed, undone.

A request stores the file and its upload row (state "queued") and returns at once; a job
process (`python -m dashboard run-upload N`, started by dashboard/uploads.py) imports it with
the same importer as the command line. Jobs on one host take turns, and tell their progress, as
data_access/jobs.py says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select, update

from data_access import access
from data_access.audit import record
from data_access.importing.changes import decode, overlaps, revert
from data_access.importing.marked import cell_values, marked_workbook, readable
from data_access.importing.problems import ImportRejected, Problem
from data_access.importing.runner import TOWNSHIP_TEMPLATES, import_file
from data_access.importing.templates import TEMPLATES, detect_template
from data_access.jobs import forget_progress, is_stalled, read_progress, turn, write_progress
from data_access.models import ImportChange, ImportLog, Upload, UploadFile

log = logging.getLogger(__name__)

UPLOAD_ROLES = ("admin", "township")
IMPORT_SLOTS = ("imports",)  # one import at a time per host
FINAL_STATES = ("imported", "rejected", "failed", "undone")
PROBLEMS_KEPT = 5_000  # listed on the page and in the CSV; the count is always exact


class UploadRefused(Exception):
    """Not accepted: the message is "中文 / English"."""


# --- which templates whose -------------------------------------------------------------------

def templates_for_viewer() -> tuple[str, ...]:
    """Every template for an administrator (and outside a request), a township officer's
    own township's, none for the others."""
    if access.has_role(("admin",)):
        return tuple(TEMPLATES)
    return TOWNSHIP_TEMPLATES if access.has_role(("township",)) else ()


# --- a new upload ----------------------------------------------------------------------------

def create_upload(engine: Engine, file_name: str, content: bytes, template: str | None,
                  now: dt.datetime) -> tuple[int, str]:
    """Keeps the file and queues its import; returns (upload id, job token)."""
    access.require_role(UPLOAD_ROLES)
    allowed = templates_for_viewer()
    if template and template not in allowed:
        raise UploadRefused("当前账号不能上传此模板 / this account may not upload this template")
    if not content:
        raise UploadRefused("文件为空 / the file is empty")
    principal = access.current_principal()
    token = secrets.token_hex(16)
    with engine.begin() as connection:
        upload_id = connection.execute(Upload.__table__.insert().values(
            token=token, username=principal.name if principal else "(cli)",
            township_code=principal.township_code if principal and principal.is_township
            else None,
            template=template or None, file_name=Path(file_name).name[:255] or "upload",
            size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
            state="queued", created_at=now).returning(Upload.id)).scalar_one()
        connection.execute(UploadFile.__table__.insert().values(upload_id=upload_id,
                                                                content=content))
    write_progress(token, "queued", 0.0)
    return upload_id, token


# --- the job ---------------------------------------------------------------------------------

def run_upload(engine: Engine, upload_id: int, now: dt.datetime) -> str:
    """Imports a queued upload (the job process's work); returns its final state."""
    with engine.connect() as connection:
        row = connection.execute(select(Upload).where(Upload.id == upload_id)).one_or_none()
        content = connection.scalar(select(UploadFile.content)
                                    .where(UploadFile.upload_id == upload_id))
    if row is None or content is None or row.state != "queued":
        return row.state if row is not None else "missing"
    with turn(row.token, "queued", IMPORT_SLOTS):
        _set(engine, upload_id, state="running")
        try:
            state = _import(engine, row, content, now)
        except Exception as error:  # the job must end with a state whatever happens
            log.exception("upload %s failed", upload_id)
            _set(engine, upload_id, state="failed", finished_at=dt.datetime.now(),
                 message=f"{type(error).__name__}: {error}"[:2000])
            state = "failed"
    forget_progress(row.token)
    record(engine, "import", at=dt.datetime.now().replace(microsecond=0), username=row.username,
           outcome="ok" if state == "imported" else "failed",
           detail=f"upload #{upload_id} {row.file_name} sha256 {row.sha256[:12]}: {state}")
    return state


def _import(engine: Engine, row: Any, content: bytes, now: dt.datetime) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / row.file_name
        path.write_bytes(content)
        try:
            report = import_file(engine, path, row.template, now,
                                 progress=lambda phase, share: write_progress(row.token, phase,
                                                                              share),
                                 township=row.township_code, keep_changes=True)
        except ImportRejected as rejected:
            write_progress(row.token, "marking", 0.9)
            # In the file's order: whole-file problems first, then by row and column.
            problems = sorted(rejected.problems, key=lambda p: (p.sheet, p.row or 0))
            listed = problems[:PROBLEMS_KEPT]
            table = readable(path)
            marked = marked_workbook(path, table, problems)
            detected = detect_template(list(table.frame.columns), table.sheet) \
                if table is not None and not row.template else None
            recognised = row.template or (detected.id if detected is not None else None)
            # One transaction: the page never sees the rejection without its marked copy.
            with engine.begin() as connection:
                connection.execute(update(UploadFile).where(UploadFile.upload_id == row.id)
                                   .values(marked=marked))
                connection.execute(update(Upload).where(Upload.id == row.id).values(
                    state="rejected", finished_at=dt.datetime.now(),
                    domain=recognised,
                    problem_count=len(problems),
                    problems=json.dumps([{**asdict(p), "value": value} for p, value in
                                         zip(listed, cell_values(table, listed), strict=True)],
                                        ensure_ascii=False)))
            return "rejected"
    _set(engine, row.id, state="imported", finished_at=dt.datetime.now(), domain=report.domain,
         rows_in_file=report.rows_in_file, rows_inserted=report.rows_inserted,
         rows_updated=report.rows_updated, problem_count=0, import_id=report.import_id)
    return "imported"


def _set(engine: Engine, upload_id: int, **values: Any) -> None:
    with engine.begin() as connection:
        connection.execute(update(Upload).where(Upload.id == upload_id).values(**values))


# --- reading uploads, within the viewer's scope ----------------------------------------------

def _visible(row: Any) -> bool:
    """An upload is its sender's, their township's officers' and the administrators'."""
    if access.has_role(("admin",)):  # outside a request too
        return True
    principal = access.current_principal()
    if principal is None:
        return False
    return principal.name == row.username or (principal.is_township
                                              and row.township_code == principal.township_code)


def _viewer_filter() -> list:
    if access.has_role(("admin",)):  # outside a request too
        return []
    principal = access.current_principal()
    if principal is None or principal.role not in UPLOAD_ROLES:
        return [Upload.id < 0]
    return [(Upload.username == principal.name)
            | (Upload.township_code == (principal.township_code or access.NO_TOWNSHIP))]


def upload_status(engine: Engine, upload_id: int) -> dict[str, Any] | None:
    """The upload as its page shows it, with live progress while its job runs; None when it
    does not exist or is not the viewer's."""
    with engine.connect() as connection:
        row = connection.execute(select(Upload).where(Upload.id == upload_id)).one_or_none()
        has_marked = connection.scalar(select(UploadFile.marked.is_not(None))
                                       .where(UploadFile.upload_id == upload_id))
    if row is None or not _visible(row):
        return None
    status = dict(row._mapping)
    status["has_marked"] = bool(has_marked)
    with engine.connect() as connection:
        status["same_as"] = connection.scalar(
            select(func.max(Upload.id)).where(Upload.sha256 == row.sha256, Upload.id < row.id,
                                              Upload.state == "imported", *_viewer_filter()))
    if row.state == "undone":
        with engine.connect() as connection:
            undone = connection.execute(select(ImportLog.undone_at, ImportLog.undone_by)
                                        .where(ImportLog.id == row.import_id)).one()
            undo = connection.execute(select(ImportLog.rows_in_file, ImportLog.rows_updated)
                                      .where(ImportLog.undoes_id == row.import_id)).one()
        status.update(undone_at=undone.undone_at, undone_by=undone.undone_by,
                      undo_removed=undo.rows_in_file - undo.rows_updated,
                      undo_restored=undo.rows_updated)
    status["problems"] = json.loads(row.problems) if row.problems else []
    if row.state not in FINAL_STATES:
        progress = read_progress(row.token) or {}
        status["phase"] = progress.get("phase", row.state)
        status["share"] = float(progress.get("share", 0.0))
        status["stalled"] = is_stalled(progress)
    return status


def running_upload(engine: Engine) -> int | None:
    """The viewer's newest upload whose job has not ended: the page follows it."""
    principal = access.current_principal()
    if principal is None:
        return None
    with engine.connect() as connection:
        return connection.scalar(select(func.max(Upload.id)).where(
            Upload.username == principal.name, Upload.state.not_in(FINAL_STATES)))


def uploads(engine: Engine, limit: int = 200) -> pd.DataFrame:
    """Newest first, within the viewer's scope."""
    query = (select(Upload.id, Upload.created_at, Upload.username, Upload.township_code,
                    Upload.file_name, Upload.domain, Upload.template, Upload.sha256,
                    Upload.size_bytes, Upload.rows_in_file, Upload.rows_inserted,
                    Upload.rows_updated, Upload.problem_count, Upload.state,
                    Upload.import_id, ImportLog.undone_at, ImportLog.undone_by)
             .outerjoin(ImportLog, ImportLog.id == Upload.import_id)
             .where(*_viewer_filter()).order_by(Upload.id.desc()).limit(limit))
    with engine.connect() as connection:
        return pd.read_sql(query, connection)


def upload_file(engine: Engine, upload_id: int, which: str) -> tuple[str, bytes] | None:
    """(file name, bytes) of an upload's original (administrators only) or marked copy."""
    with engine.connect() as connection:
        row = connection.execute(select(Upload).where(Upload.id == upload_id)).one_or_none()
        stored = connection.execute(select(UploadFile.content, UploadFile.marked)
                                    .where(UploadFile.upload_id == upload_id)).one_or_none()
    if row is None or stored is None or not _visible(row):
        return None
    if which == "original":
        return (row.file_name, stored.content) if access.has_role(("admin",)) else None
    if which == "marked" and stored.marked is not None:
        return f"{Path(row.file_name).stem}-问题标注.xlsx", stored.marked
    return None


def problems_frame(status: dict[str, Any]) -> pd.DataFrame:
    columns = [*Problem.__dataclass_fields__, "value"]
    return pd.DataFrame(status["problems"], columns=columns)


# --- undo ------------------------------------------------------------------------------------

def _undoable(connection: Any, upload_id: int, states: tuple[str, ...] = ("imported",)) -> Any:
    row = connection.execute(select(Upload).where(Upload.id == upload_id)).one_or_none()
    if row is None or row.state not in states or row.import_id is None:
        raise UploadRefused("只能撤销已导入且未撤销的上传 / only an imported upload that is not "
                            "undone yet can be undone")
    template = TEMPLATES.get(row.domain or "")
    if template is None or template.after_write is not None or not connection.scalar(
            select(ImportChange.import_id.is_not(None))
            .where(ImportChange.import_id == row.import_id)):
        raise UploadRefused("此导入未保留撤销所需的记录 / this import kept no record to undo it by")
    return row


def request_undo(engine: Engine, upload_id: int) -> str:
    """Queues an import's undo (administrators only): the job process does it, since a large
    import takes as long to undo as to make. Returns the job's progress token."""
    access.require_role(("admin",))
    with engine.begin() as connection:
        row = _undoable(connection, upload_id)
        connection.execute(update(Upload).where(Upload.id == upload_id)
                           .values(state="undoing", message=None))
    write_progress(row.token, "undoing", 0.0)
    return str(row.token)


def undo_upload(engine: Engine, upload_id: int, now: dt.datetime,
                who: str = "(cli)") -> tuple[int, int]:
    """Undoes an upload's import in one transaction; returns (rows removed, rows restored).
    Refused when a later import wrote any of the same rows (nothing is changed then)."""
    with engine.begin() as connection:
        row = _undoable(connection, upload_id, ("imported", "undoing"))
        payload = connection.scalar(select(ImportChange.payload)
                                    .where(ImportChange.import_id == row.import_id))
        change = decode(payload or b"")  # _undoable saw it there
        later = connection.execute(
            select(ImportLog.id, ImportLog.file_name, ImportChange.payload)
            .outerjoin(ImportChange, ImportChange.import_id == ImportLog.id)
            .where(ImportLog.id > row.import_id, ImportLog.domain == row.domain,
                   ImportLog.undone_at.is_(None), ImportLog.undoes_id.is_(None))).all()
        for other in later:
            # A later import kept without its keys (the demo's, say) may have written the
            # same rows: refuse rather than guess.
            if other.payload is None or overlaps(change, decode(other.payload)):
                sent = connection.scalar(select(Upload.id).where(Upload.import_id == other.id))
                zh, en = (f"上传 #{sent}", f"upload #{sent}") if sent is not None else \
                    (f"命令行导入（导入记录 {other.id}）", f"command-line import (log {other.id})")
                raise UploadRefused(
                    f"之后的{zh}（{other.file_name}）改动了相同的行，须先撤销它 / A later "
                    f"{en} ({other.file_name}) wrote the same rows: undo it first")
        removed, restored = revert(connection, TEMPLATES[row.domain], change)
        connection.execute(ImportLog.__table__.insert().values(
            domain=row.domain, file_name=row.file_name, sha256=row.sha256,
            rows_in_file=removed + restored, rows_inserted=0, rows_updated=restored,
            imported_at=now, undoes_id=row.import_id))
        connection.execute(update(ImportLog).where(ImportLog.id == row.import_id)
                           .values(undone_at=now, undone_by=who))
        connection.execute(update(Upload).where(Upload.id == upload_id)
                           .values(state="undone", message=None))
    return removed, restored


def run_undo(engine: Engine, upload_id: int, now: dt.datetime, who: str) -> str:
    """The job process's undo of a queued one; returns the upload's state after it."""
    with engine.connect() as connection:
        row = connection.execute(select(Upload).where(Upload.id == upload_id)).one_or_none()
    if row is None or row.state != "undoing":
        return row.state if row is not None else "missing"
    with turn(row.token, "undoing", IMPORT_SLOTS):
        try:
            removed, restored = undo_upload(engine, upload_id, now, who)
            state, outcome, detail = "undone", "ok", f"{removed} removed, {restored} restored"
        except UploadRefused as refused:
            _set(engine, upload_id, state="imported", message=str(refused))
            state, outcome, detail = "imported", "refused", str(refused)
        except Exception as error:  # the upload must not stay "undoing" whatever happens
            log.exception("undo of upload %s failed", upload_id)
            _set(engine, upload_id, state="imported",
                 message=f"撤销失败 / undo failed: {error}"[:2000])
            state, outcome, detail = "imported", "failed", str(error)
    forget_progress(row.token)
    record(engine, "import_undo", at=dt.datetime.now().replace(microsecond=0), username=who,
           outcome=outcome, detail=f"upload #{upload_id} {row.file_name}: {detail}"[:2000])
    return state
