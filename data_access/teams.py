"""The volunteer teams' units: every division with a team minimum and the teams it has. One
computation for the shortfall list of /volunteers and the count of units short of teams that
every volunteer aggregate carries (data_access.aggregates.team_shortfalls).

Teams are the current roll: a county 支队 has no township, a township 支队 has one, a 分队
belongs to a village; a station is a 村委会, 居委会 or 社区 (`VILLAGE_UNIT_TYPES`).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, case, func, literal, select
from sqlalchemy.orm import aliased

from data_access.cache import cached
from data_access.models import Division, VolunteerTeam
from metrics.vocabulary import VILLAGE_UNIT_TYPES

STATION = Division.unit_type.in_(VILLAGE_UNIT_TYPES)
COUNTY_DETACHMENT = and_(VolunteerTeam.level == "支队", VolunteerTeam.township_code.is_(None))
TOWNSHIP_DETACHMENT = and_(VolunteerTeam.level == "支队", VolunteerTeam.township_code.is_not(None))
VILLAGE_TEAM = and_(VolunteerTeam.level == "分队", VolunteerTeam.village_code.is_not(None))


@cached
def unit_teams(engine: Engine) -> pd.DataFrame:
    """Every unit with a team minimum and its teams on the roll: code, name, level (county /
    township / village), unit_type, township_code, township, teams, members. The county counts
    its own 支队, a township its 支队, a station its 分队."""
    township_teams = (select(VolunteerTeam.township_code.label("code"),
                             func.count().label("teams"),
                             func.sum(VolunteerTeam.members).label("members"))
                      .where(TOWNSHIP_DETACHMENT).group_by(VolunteerTeam.township_code)
                      .subquery())
    village_teams = (select(VolunteerTeam.village_code.label("code"),
                            func.count().label("teams"),
                            func.sum(VolunteerTeam.members).label("members"))
                     .where(VILLAGE_TEAM).group_by(VolunteerTeam.village_code).subquery())
    is_township = Division.level == "township"
    township = aliased(Division)
    township_code = case((is_township, Division.code), else_=Division.parent_code)
    query = (
        select(Division.code, Division.name, Division.level, Division.unit_type,
               township_code.label("township_code"), township.name.label("township"),
               func.coalesce(township_teams.c.teams, village_teams.c.teams, 0).label("teams"),
               func.coalesce(township_teams.c.members, village_teams.c.members, 0)
               .label("members"))
        .outerjoin(township_teams, and_(is_township, township_teams.c.code == Division.code))
        .outerjoin(village_teams, and_(Division.level == "village",
                                       village_teams.c.code == Division.code))
        .join(township, township.code == township_code)
        .where(is_township | ((Division.level == "village") & STATION))
        .order_by(Division.code)
    )
    county_teams = (select(VolunteerTeam.county_code.label("code"), func.count().label("teams"),
                           func.sum(VolunteerTeam.members).label("members"))
                    .where(COUNTY_DETACHMENT).group_by(VolunteerTeam.county_code).subquery())
    # Each county of the area counts its own 支队 (a prefecture's ten counties: ten units).
    counties = (select(Division.code, Division.name, Division.level, Division.unit_type,
                       literal(None).label("township_code"), literal("").label("township"),
                       func.coalesce(county_teams.c.teams, 0).label("teams"),
                       func.coalesce(county_teams.c.members, 0).label("members"))
                .outerjoin(county_teams, county_teams.c.code == Division.code)
                .where(Division.level == "county").order_by(Division.code))
    with engine.connect() as connection:
        units = pd.read_sql(query, connection)
        county_rows = pd.read_sql(counties, connection)
    frame = pd.concat([county_rows[units.columns], units], ignore_index=True)
    return frame.astype({"teams": int, "members": int})
