"""Templates of the volunteer corps: teams and activities."""

from __future__ import annotations

import pandas as pd

from data_access.importing.derive import county_of, township_of
from data_access.importing.spec import Column, Domain, Lookups, RowCheck
from data_access.models import VolunteerActivity, VolunteerTeam
from metrics.vocabulary import TEAM_LEVELS

VOLUNTEER_TEAMS = Domain(
    id="volunteer_teams",
    zh="志愿服务队伍",
    en="volunteer teams",
    model=VolunteerTeam,
    natural_key=("code",),
    columns=(
        Column("code", "队伍编号", "team code", max_length=32),
        Column("name", "队伍名称", "team name", max_length=128),
        Column("level", "层级", "level", "choice", choices=TEAM_LEVELS,
               help_zh="总队（市）/ 支队（市直或乡镇）/ 分队（村、社区）"),
        Column("category", "服务领域", "field of service", max_length=32),
        Column("parent_code", "上级队伍编号", "parent team", required=False,
               reference="volunteer_team"),
        Column("township_code", "所属乡镇代码", "township", required=False, reference="township",
               help_zh="市级总队、支队留空"),
        Column("village_code", "所属村（社区）代码", "village", required=False,
               reference="village", help_zh="分队必填"),
        Column("county_code", "所属县（市、区）代码", "county", required=False,
               reference="division",
               help_zh="市级总队、支队在看板含几个县时必填；只有一个县或已填乡镇时可留空"),
        Column("members", "队员人数", "members", "int", minimum=0, maximum=100_000),
        Column("founded_on", "成立日期", "founded on", "date", not_in_future=True),
    ),
    checks=(
        RowCheck("village_code", "分队必须填写所属村（社区）", "a 分队 needs its village",
                 lambda f: (f["level"] == "分队") & f["village_code"].isna()),
        RowCheck("parent_code", "只有总队可以没有上级队伍", "only the 总队 has no parent team",
                 lambda f: (f["level"] != "总队") & f["level"].notna() & f["parent_code"].isna()),
        RowCheck("parent_code", "上级队伍不能是本队", "a team cannot be its own parent",
                 lambda f: f["parent_code"] == f["code"]),
    ),
    derive=lambda frame, lookups: frame.assign(county_code=county_of(
        frame["county_code"], frame["township_code"].fillna(frame["village_code"]), lookups)),
    self_reference="volunteer_team",
    instructions_zh="上级队伍须先于下级填写或已在系统中。",
)


def _derive_activities(frame: pd.DataFrame, lookups: Lookups) -> pd.DataFrame:
    by_village = township_of(frame["village_code"].fillna(""), lookups)
    by_team = frame["team_code"].map(lookups.team_townships)
    township = by_village.where(frame["village_code"].notna(), by_team)
    return frame.assign(township_code=township, county_code=county_of(
        frame["team_code"].map(lookups.team_counties), township, lookups))


VOLUNTEER_ACTIVITIES = Domain(
    id="volunteer_activities",
    zh="志愿服务活动",
    en="volunteer activities",
    model=VolunteerActivity,
    natural_key=("code",),
    columns=(
        Column("code", "活动编号", "activity code", max_length=40),
        Column("team_code", "队伍编号", "team code", reference="volunteer_team"),
        Column("village_code", "活动村（社区）代码", "village", required=False,
               reference="village"),
        Column("start_at", "开始时间", "start", "datetime", not_in_future=True),
        Column("end_at", "结束时间", "end", "datetime", not_in_future=True),
        Column("volunteers", "参与志愿者人数", "volunteers", "int", minimum=1, maximum=10_000),
        Column("hours", "服务时长合计（小时）", "volunteer-hours", "float", minimum=0),
        Column("beneficiaries", "服务对象人数", "beneficiaries", "int", minimum=0),
        Column("theme", "活动主题", "theme", max_length=128),
    ),
    checks=(
        RowCheck("end_at", "结束时间早于开始时间", "ends before it starts",
                 lambda f: f["end_at"] < f["start_at"]),
        RowCheck("hours", "服务时长超过人数乘以活动时长",
                 "hours exceed volunteers times the activity's duration",
                 lambda f: f["hours"] > f["volunteers"]
                 * (f["end_at"] - f["start_at"]).dt.total_seconds() / 3600 + 0.01),
    ),
    derive=_derive_activities,
    instructions_zh="服务时长只计实际服务时间，不含路途（民政部令第67号）。",
)

# This domain's templates (metrics/domains.py names them in import order).
TEMPLATES: tuple[Domain, ...] = (VOLUNTEER_TEAMS, VOLUNTEER_ACTIVITIES,)
