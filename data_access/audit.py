"""The audit log: logins, failures, lockouts, logouts, exports, imports, account and token
changes, each with time, user, address and outcome. Rows are only ever inserted."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.models import AuditEvent

EVENTS = ("login", "logout", "lockout", "password_change", "export_rows", "export_pdf",
          "export_workbook", "import", "user_add", "user_disable", "user_reset",
          "token_create", "token_revoke", "forbidden", "meeting_mark", "duban",
          "import_undo")


def record(engine: Engine, event: str, *, at: dt.datetime, username: str = "",
           outcome: str = "ok", ip: str = "", detail: str = "") -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    with engine.begin() as connection:
        connection.execute(AuditEvent.__table__.insert().values(
            at=at, username=username[:64], event=event, outcome=outcome, ip=ip[:64],
            detail=detail))


def audit_events(engine: Engine, since: dt.datetime | None = None,
                 username: str | None = None, event: str | None = None,
                 limit: int = 5_000) -> pd.DataFrame:
    """Newest first: at, username, event, outcome, ip, detail."""
    query = select(AuditEvent.at, AuditEvent.username, AuditEvent.event, AuditEvent.outcome,
                   AuditEvent.ip, AuditEvent.detail)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if username:
        query = query.where(AuditEvent.username == username)
    if event:
        query = query.where(AuditEvent.event == event)
    with engine.connect() as connection:
        return pd.read_sql(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                           .limit(limit), connection)


def audit_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def record_request(engine: Engine, event: str, detail: str = "", outcome: str = "ok") -> None:
    """An event of the current request, by its principal and from its address."""
    from flask import has_request_context, request

    from data_access.access import current_principal

    principal = current_principal()
    record(engine, event, at=dt.datetime.now().replace(microsecond=0),
           username=principal.name if principal else "", outcome=outcome,
           ip=(request.remote_addr or "") if has_request_context() else "", detail=detail)
