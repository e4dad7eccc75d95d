"""Templates of government services: the item catalogue and the cases (办件)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy.sql.elements import ColumnElement

from data_access.divisions import ancestor_codes
from data_access.importing.case_partitions import stored_in, write_new_counties
from data_access.importing.derive import add_working_days, township_of
from data_access.importing.spec import Column, Domain, Lookups, Rollup, RowCheck, WorkdayDates
from data_access.models import ServiceCase, ServiceItem
from data_access.rollups import CASE_ROLLUP_TABLES, case_days_span, refresh_case_rollups
from metrics.vocabulary import (
    BAD_RATING_MAX,
    CASE_CHANNELS,
    CASE_STATUSES,
    CASE_TYPES,
    HALL_LEVELS,
)

# A 差评 (rating 1 or 2) must be followed up within this many working days.
BAD_REVIEW_FOLLOW_UP_DAYS = 10
FINISHED = "已办结"

SERVICE_ITEMS = Domain(
    id="service_items",
    zh="政务服务事项目录",
    en="service item catalogue",
    model=ServiceItem,
    natural_key=("code",),
    columns=(
        Column("code", "事项实施编码", "item code", max_length=40),
        Column("name", "事项名称", "item name", max_length=200),
        Column("department", "实施部门", "department", max_length=64),
        Column("case_type", "办件类型", "case type", "choice", choices=CASE_TYPES),
        Column("legal_limit_days", "法定时限（工作日）", "legal limit (working days)", "int",
               minimum=0, maximum=365),
        Column("promised_limit_days", "承诺时限（工作日）", "promised limit (working days)",
               "int", minimum=0, maximum=365),
        Column("required_visits", "到办事现场次数", "required visits", "int", minimum=0,
               maximum=5),
        Column("online_capable", "是否全程网办", "can be handled fully online", "bool"),
    ),
    checks=(RowCheck("promised_limit_days", "承诺时限长于法定时限",
                     "promised limit is longer than the legal limit",
                     lambda f: f["promised_limit_days"] > f["legal_limit_days"]),),
)


def _case_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """The promised completion date, whether it was missed, and the 差评 follow-up date."""
    accepted_day = frame["accepted_at"].dt.normalize()
    bad_review = frame["rating"] <= BAD_RATING_MAX
    review_from = frame["finished_at"].fillna(frame["accepted_at"]).dt.normalize()
    due_date = add_working_days(accepted_day,
                                frame["promised_limit_days"] + frame["paused_days"])
    return pd.DataFrame({
        "due_date": due_date,
        "missed_due": ~(frame["finished_at"].dt.normalize() <= due_date),
        "bad_review_due": add_working_days(review_from.where(bad_review),
                                           pd.Series(BAD_REVIEW_FOLLOW_UP_DAYS,
                                                     index=frame.index)),
    }, index=frame.index)


def _case_dates_touch(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    # Counts run from the acceptance (or the finish, after it) to the stored dates.
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time())
    return (ServiceCase.accepted_at < end) & ((ServiceCase.due_date >= first)
                                              | (ServiceCase.bad_review_due >= first))


CASE_DATES = WorkdayDates(
    reads=("accepted_at", "finished_at", "promised_limit_days", "paused_days", "rating"),
    writes=("due_date", "missed_due", "bad_review_due"),
    compute=_case_dates,
    touches=_case_dates_touch,
)


def _derive_cases(frame: pd.DataFrame, lookups: Lookups) -> pd.DataFrame:
    level = frame["division_code"].map(lookups.divisions["level"])
    promised = frame["promised_limit_days"]
    if promised.isna().any():
        promised = promised.fillna(frame["item_code"].map(lookups.item_limits))
    frame = frame.assign(
        county_code=ancestor_codes(frame["division_code"], "county"),
        township_code=township_of(frame["division_code"], lookups),
        hall_level=level.map(HALL_LEVELS),
        promised_limit_days=promised,
        paused_days=frame["paused_days"].fillna(0),
    )
    return frame.assign(**CASE_DATES.compute(frame).to_dict("series"))


SERVICE_CASES = Domain(
    id="service_cases",
    zh="政务服务办件",
    en="service cases",
    model=ServiceCase,
    natural_key=("serial_no",),
    stored_key=("serial_no", "county_code"),
    bulk_write=write_new_counties,
    stored_in=stored_in,
    columns=(
        Column("serial_no", "申办流水号", "serial number", max_length=40,
               help_zh="本县（市、区）内不重复；再次导入同一流水号即更新该办件"),
        Column("item_code", "事项实施编码", "item code", reference="service_item"),
        Column("division_code", "受理单位区划代码", "division of the hall", reference="division",
               help_zh="市政务服务中心填市代码，乡镇便民服务中心填乡镇代码，村便民服务室填村代码"),
        Column("channel", "申请渠道", "channel", "choice", choices=CASE_CHANNELS),
        Column("applied_at", "申请时间", "applied at", "datetime", not_in_future=True),
        Column("accepted_at", "受理时间", "accepted at", "datetime", not_in_future=True),
        Column("promised_limit_days", "承诺时限（工作日）", "promised limit (working days)",
               "int", required=False, minimum=0, maximum=365,
               help_zh="为空时取事项目录中的承诺时限"),
        Column("paused_days", "补正及特别程序（工作日）", "paused working days", "int",
               required=False, minimum=0, maximum=365),
        Column("finished_at", "办结时间", "finished at", "datetime", required=False,
               not_in_future=True),
        Column("status", "办件状态", "status", "choice", choices=CASE_STATUSES),
        Column("visits", "到现场次数", "visits", "int", minimum=0, maximum=20),
        Column("fully_online", "是否全程网办", "fully online", "bool"),
        Column("rating", "好差评（1-5）", "rating (1-5)", "int", required=False, minimum=1,
               maximum=5, help_zh="5 非常满意 … 1 非常不满意；1、2 为差评"),
        Column("bad_review_fixed_at", "差评整改完成日期", "bad review fixed on", "date",
               required=False, not_in_future=True),
    ),
    checks=(
        RowCheck("accepted_at", "受理时间早于申请时间", "accepted before it was applied for",
                 lambda f: f["accepted_at"] < f["applied_at"]),
        RowCheck("finished_at", "办结时间早于受理时间", "finished before it was accepted",
                 lambda f: f["finished_at"] < f["accepted_at"]),
        RowCheck("finished_at", "状态为已办结但办结时间为空",
                 "status is finished but no finish time",
                 lambda f: (f["status"] == FINISHED) & f["finished_at"].isna()),
        RowCheck("status", "有办结时间但状态不是已办结",
                 "has a finish time but status is not finished",
                 lambda f: (f["status"] != FINISHED) & f["status"].notna()
                 & f["finished_at"].notna()),
        RowCheck("bad_review_fixed_at", "非差评件不应有差评整改日期",
                 "only a bad review (rating 1-2) has a follow-up date",
                 lambda f: f["bad_review_fixed_at"].notna()
                 & ~(f["rating"] <= BAD_RATING_MAX)),
    ),
    derive=_derive_cases,
    rollup=Rollup(case_days_span, refresh_case_rollups, CASE_ROLLUP_TABLES),
    workday_dates=CASE_DATES,
    instructions_zh=("每个办件一行。时间格式 YYYY-MM-DD HH:MM。"
                     "承诺时限按工作日计，节假日和调休按国家安排。"),
)

# This domain's templates (metrics/domains.py names them in import order).
TEMPLATES: tuple[Domain, ...] = (SERVICE_ITEMS, SERVICE_CASES,)
