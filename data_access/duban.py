"""The 督办 ledger in the database: opening an item, each step on it, the lists and the weekly
counts. Who may take a step and which rows a viewer sees are decided by data_access.access (a
township officer sees and answers their own township's items only)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine, and_, func, or_, select, update

from data_access import access
from data_access.models import Division, DubanEvent, DubanItem
from metrics.duban import (
    ACTION_ROLES,
    DUE_WORKING_DAYS,
    SOURCES,
    closed_on_time,
    is_overdue,
    next_state,
    state_after,
)
from metrics.periods import Period
from metrics.workdays import add_working_days

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_TYPES = {".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg",
                    ".jpeg": "image/jpeg",
                    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class DubanRefused(ValueError):
    """A step the rules do not allow; the message is "中文 / English"."""


@dataclass(frozen=True)
class Attachment:
    name: str
    content: bytes

    @property
    def media_type(self) -> str:
        suffix = "." + self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise DubanRefused("附件只能是 PDF、图片（PNG/JPG）或 Excel（.xlsx） / an attachment "
                               "is a PDF, an image (PNG/JPG) or a workbook (.xlsx)")
        if len(self.content) > MAX_ATTACHMENT_BYTES:
            raise DubanRefused(f"附件不得超过 {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB / an "
                               f"attachment is at most {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB")
        return ATTACHMENT_TYPES[suffix]


def _allowed(action: str) -> None:
    try:
        access.require_role(ACTION_ROLES[action])
    except access.Forbidden as refused:
        raise DubanRefused(str(refused)) from refused


def _actor() -> str:
    principal = access.current_principal()
    return principal.name if principal else "(cli)"


def open_item(engine: Engine, township_code: str, request: str, week: str, now: dt.datetime,
              source: str = "manual", indicator_id: str | None = None, subject: str = "",
              figure: str = "", due_days: int = DUE_WORKING_DAYS) -> int:
    """A new item, due `due_days` working days after today; returns its number."""
    _allowed("open")
    request = (request or "").strip()
    if not request:
        raise DubanRefused("请写明督办要求 / say what is asked")
    if source not in SOURCES:
        raise DubanRefused(f"未知的来源 {source} / unknown source")
    if not 1 <= due_days <= 60:
        raise DubanRefused("办理时限为 1-60 个工作日 / the time allowed is 1-60 working days")
    with engine.begin() as connection:
        if connection.scalar(select(Division.code).where(
                Division.code == township_code, Division.level == "township")) is None:
            raise DubanRefused(f"未知的乡镇代码 {township_code} / unknown township code")
        # The same township, indicator and row still being followed up: one item, not two
        # (a second click, or the same red card next week).
        same = connection.scalar(select(func.min(DubanItem.id)).where(
            DubanItem.township_code == township_code, DubanItem.state != "closed",
            DubanItem.subject == subject[:255],
            DubanItem.indicator_id.is_(None) if indicator_id is None
            else DubanItem.indicator_id == indicator_id))
        if same is not None:
            raise DubanRefused(f"该事项已在督办中（#{same}），请在该事项中跟进 / this is already "
                               f"being followed up as item #{same}: continue there")
        keys = connection.execute(DubanItem.__table__.insert().values(
            township_code=township_code, source=source, indicator_id=indicator_id,
            subject=subject[:255], week=week, figure=figure[:64], request=request,
            due_on=add_working_days(now.date(), due_days), state="open", opened_at=now,
            opened_by=_actor())).inserted_primary_key
        item_id = int(keys[0]) if keys else 0
        connection.execute(DubanEvent.__table__.insert().values(
            item_id=item_id, at=now, username=_actor(), action="open", text=request))
    return item_id


def take_step(engine: Engine, item_id: int, action: str, text: str, now: dt.datetime,
              attachment: Attachment | None = None) -> str:
    """Answers, sends back or closes an item; returns its new state."""
    _allowed(action)
    text = (text or "").strip()
    if action in ("answer", "return") and not text:
        raise DubanRefused("请填写办理情况或退回理由 / write the answer or the reason")
    media = attachment.media_type if attachment else None
    with engine.begin() as connection:
        item = connection.execute(select(DubanItem.state, DubanItem.township_code)
                                  .where(DubanItem.id == item_id)).first()
        if item is None or not access.row_visible(item.township_code):
            raise DubanRefused(f"没有编号为 {item_id} 的督办事项 / no item {item_id}")
        after = next_state(action, item.state)
        if after is None:
            raise DubanRefused("该事项当前状态下不能这样办理 / not possible in the item's state")
        connection.execute(update(DubanItem).where(DubanItem.id == item_id).values(
            state=after, closed_at=now if after == "closed" else None))
        connection.execute(DubanEvent.__table__.insert().values(
            item_id=item_id, at=now, username=_actor(), action=action, text=text,
            attachment_name=attachment.name[:255] if attachment else None,
            attachment_type=media, attachment=attachment.content if attachment else None))
    return after


def items(engine: Engine, today: dt.date, state: str | None = None) -> pd.DataFrame:
    """The items the viewer may see, newest first, with township name, overdue flag and days
    past due: id, township_code, township, source, indicator_id, subject, week, figure,
    request, due_on, state, opened_at, opened_by, closed_at, overdue."""
    query = (select(DubanItem.id, DubanItem.township_code, Division.short_name.label("township"),
                    DubanItem.source, DubanItem.indicator_id, DubanItem.subject, DubanItem.week,
                    DubanItem.figure, DubanItem.request, DubanItem.due_on, DubanItem.state,
                    DubanItem.opened_at, DubanItem.opened_by, DubanItem.closed_at)
             .join(Division, Division.code == DubanItem.township_code)
             .where(*access.township_is(DubanItem.township_code))
             .order_by(DubanItem.opened_at.desc(), DubanItem.id.desc()))
    if state:
        query = query.where(DubanItem.state == state)
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection)
    frame["due_on"] = pd.to_datetime(frame["due_on"]).dt.date
    frame["overdue"] = [is_overdue(s, d, today) for s, d in zip(frame["state"], frame["due_on"],
                                                                  strict=True)]
    closed_on = pd.to_datetime(frame["closed_at"]).dt.date
    frame["closed_late"] = [c is not None and not pd.isna(c) and not closed_on_time(d, c)
                            for c, d in zip(closed_on, frame["due_on"], strict=True)]
    return frame


def item_record(engine: Engine, item_id: int) -> tuple[dict | None, pd.DataFrame]:
    """An item the viewer may see (or None) and its steps, oldest first (without the
    attachments' bytes)."""
    found = items_by_id(engine, item_id)
    if found is None:
        return None, pd.DataFrame()
    with engine.connect() as connection:
        steps = pd.read_sql(select(DubanEvent.id, DubanEvent.at, DubanEvent.username,
                                   DubanEvent.action, DubanEvent.text,
                                   DubanEvent.attachment_name)
                            .where(DubanEvent.item_id == item_id)
                            .order_by(DubanEvent.at, DubanEvent.id), connection)
    return found, steps


def items_by_id(engine: Engine, item_id: int) -> dict | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(DubanItem.__table__, Division.short_name.label("township"))
            .join(Division, Division.code == DubanItem.township_code)
            .where(DubanItem.id == item_id)).mappings().first()
    if row is None or not access.row_visible(row["township_code"]):
        return None
    return dict(row)


def attachment_of(engine: Engine, event_id: int) -> tuple[str, str, bytes] | None:
    """(name, media type, bytes) of a step's attachment the viewer may see."""
    with engine.connect() as connection:
        row = connection.execute(
            select(DubanEvent.attachment_name, DubanEvent.attachment_type,
                   DubanEvent.attachment, DubanItem.township_code)
            .join(DubanItem, DubanItem.id == DubanEvent.item_id)
            .where(DubanEvent.id == event_id)).first()
    if row is None or row.attachment is None or not access.row_visible(row.township_code):
        return None
    return row.attachment_name, row.attachment_type, row.attachment


def open_count(engine: Engine, township_code: str) -> int:
    """Items waiting on the township: open or sent back."""
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(DubanItem).where(
            DubanItem.township_code == township_code,
            DubanItem.state.in_(("open", "returned")))) or 0)


WEEK_ITEM_COLUMNS = ("id", "township_code", "township", "source", "indicator_id", "subject",
                     "request", "opened_at", "due_on", "state", "closed_at", "overdue")


def week_items(engine: Engine, week: Period) -> pd.DataFrame:
    """The items the week's counts take in (opened before its end, not closed before it began)
    as they stood at its end: `state` as their steps up to then left them, `closed_at` only
    when closed by then (NaT otherwise), `overdue` then. Every township's rows, as the report's
    red flags hold theirs: a list shown or exported keeps the viewer's (access.scope_frame)."""
    start = dt.datetime.combine(week.start, dt.time())
    end = dt.datetime.combine(week.end, dt.time())
    counted = (DubanItem.opened_at < end,
               or_(DubanItem.closed_at.is_(None), DubanItem.closed_at >= start))
    with engine.connect() as connection:
        rows = pd.read_sql(
            select(DubanItem.id, DubanItem.township_code, Division.short_name.label("township"),
                   DubanItem.source, DubanItem.indicator_id, DubanItem.subject,
                   DubanItem.request, DubanItem.opened_at, DubanItem.due_on, DubanItem.closed_at)
            .join(Division, Division.code == DubanItem.township_code)
            .where(*counted).order_by(DubanItem.township_code, DubanItem.id), connection)
        steps = pd.read_sql(
            select(DubanEvent.item_id, DubanEvent.action)
            .join(DubanItem, DubanItem.id == DubanEvent.item_id)
            .where(*counted, DubanEvent.at < end)
            .order_by(DubanEvent.item_id, DubanEvent.at, DubanEvent.id), connection)
    actions = steps.groupby("item_id")["action"].agg(list).to_dict()
    closed_at = pd.to_datetime(rows["closed_at"])
    rows["closed_at"] = closed_at.where(closed_at < pd.Timestamp(end))
    rows["opened_at"] = pd.to_datetime(rows["opened_at"])
    rows["due_on"] = [_day(value) for value in rows["due_on"]]
    rows["state"] = [state_after(actions.get(item, ())) for item in rows["id"]]
    rows["overdue"] = [is_overdue(state, due, week.last_day, _day(closed)) for state, due, closed
                       in zip(rows["state"], rows["due_on"], rows["closed_at"], strict=True)]
    return rows[list(WEEK_ITEM_COLUMNS)]


def week_summary(engine: Engine, week: Period) -> pd.DataFrame:
    """Per township (aggregates, for every viewer), over week_items: opened in the week, closed
    in the week on time and late, overdue at the week's end (not closed by then, due day
    passed)."""
    listed = week_items(engine, week)
    closed = [_day(value) for value in listed["closed_at"]]
    # Closed by the week's end is closed in it: week_items keeps none closed before it began.
    on_time = [day is not None and closed_on_time(due, day)
               for day, due in zip(closed, listed["due_on"], strict=True)]
    counts = pd.DataFrame({
        "township_code": listed["township_code"], "township": listed["township"],
        "opened": (listed["opened_at"].dt.date >= week.start).astype(int),
        "closed_on_time": pd.Series(on_time, index=listed.index, dtype=int),
        "closed_late": pd.Series([day is not None and not early for day, early
                                  in zip(closed, on_time, strict=True)],
                                 index=listed.index, dtype=int),
        "overdue": listed["overdue"].astype(int)})
    frame = counts.groupby(["township_code", "township"], as_index=False).sum()
    return frame.sort_values(["overdue", "township_code"],
                             ascending=[False, True]).reset_index(drop=True)


def _day(value: object) -> dt.date | None:
    """A date from what the driver returns for a DATE or DATETIME column (None when empty)."""
    if value is None or value is pd.NaT or (not isinstance(value, dt.date)
                                            and bool(pd.isna(value))):
        return None
    return pd.Timestamp(value).date()


def overdue_count(engine: Engine, today: dt.date) -> int:
    """Items not closed whose due day has passed (the wall's figure)."""
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(DubanItem).where(
            and_(DubanItem.state != "closed", DubanItem.due_on < today))) or 0)
