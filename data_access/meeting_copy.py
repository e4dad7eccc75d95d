"""The week's 会议材料: which stored export the meeting was shown, marked on purpose.

Next week's report compares with the marked export, not with whatever was exported last: an
export made after the meeting does not become the baseline by accident. Re-marking a week needs
a reason, and every mark is kept (the newest is in force).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from data_access.models import MeetingCopy, ReportExport
from data_access.weekly import export_snapshot


class MarkRefused(ValueError):
    """A mark the rules do not allow; the message is "中文 / English"."""


def _marked(engine: Engine, week: str) -> Any:
    """The mark in force for `week` (export_id, marked_at, reason), or None."""
    with engine.connect() as connection:
        return connection.execute(
            select(MeetingCopy.export_id, MeetingCopy.marked_at, MeetingCopy.reason)
            .where(MeetingCopy.week == week)
            .order_by(MeetingCopy.marked_at.desc(), MeetingCopy.id.desc()).limit(1)).first()


def meeting_copy_id(engine: Engine, week: str) -> int | None:
    """The id of the export in force as `week`'s meeting copy, without reading its numbers."""
    row = _marked(engine, week)
    return None if row is None else int(row.export_id)


def meeting_copy(engine: Engine, week: str) -> dict | None:
    """The export in force as `week`'s meeting copy (export_snapshot's dict plus marked_at and
    reason), or None when none was marked."""
    row = _marked(engine, week)
    if row is None:
        return None
    export = export_snapshot(engine, int(row.export_id))
    return None if export is None else {**export, "marked_at": row.marked_at,
                                        "reason": row.reason}


def mark_history(engine: Engine, week: str) -> pd.DataFrame:
    """Every mark of the week, newest first: export_id, marked_at, reason."""
    with engine.connect() as connection:
        return pd.read_sql(select(MeetingCopy.export_id, MeetingCopy.marked_at,
                                  MeetingCopy.reason)
                           .where(MeetingCopy.week == week)
                           .order_by(MeetingCopy.marked_at.desc(), MeetingCopy.id.desc()),
                           connection)


def mark_meeting_copy(engine: Engine, export_id: int, reason: str,
                      marked_at: dt.datetime) -> str:
    """Marks a stored export of the whole report as its week's meeting copy; returns the week.

    Refused for an unknown export, a township export, the copy already in force, or a second
    mark of the week without a reason."""
    reason = (reason or "").strip()
    with engine.begin() as connection:
        export = connection.execute(select(ReportExport.week, ReportExport.kind)
                                    .where(ReportExport.id == export_id)).first()
        if export is None:
            raise MarkRefused(f"没有编号为 #{export_id} 的导出 / no export #{export_id}")
        if export.kind != "weekly":
            raise MarkRefused("只有全市周报的导出可以标记为会议材料 / only an export of the "
                              "whole report can be the meeting copy")
        current = connection.execute(
            select(MeetingCopy.export_id).where(MeetingCopy.week == export.week)
            .order_by(MeetingCopy.marked_at.desc(), MeetingCopy.id.desc()).limit(1)).first()
        if current is not None and int(current.export_id) == export_id:
            raise MarkRefused(f"#{export_id} 已是 {export.week} 的会议材料 / #{export_id} is "
                              f"already {export.week}'s meeting copy")
        if current is not None and not reason:
            raise MarkRefused(f"{export.week} 已标记 #{current.export_id} 为会议材料，"
                              f"更换须填写原因 / {export.week} already has "
                              f"#{current.export_id} as its meeting copy: give a reason to "
                              "replace it")
        connection.execute(MeetingCopy.__table__.insert().values(
            week=export.week, export_id=export_id, marked_at=marked_at, reason=reason))
    return str(export.week)
