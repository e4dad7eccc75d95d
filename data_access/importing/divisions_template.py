"""The divisions template: a county's rows of the NBS 统计用区划代码, imported like any other.

One row per division: the county itself, its townships (乡镇、街道、开发区) and its village-level
units (村委会、居委会、社区 ...), each with its 12-digit code and its parent's. The code's shape
must agree with the level and its prefix with the parent, as the NBS codes are built. A file
may add divisions or correct names; after it the divisions must still have one top, the area
the dashboard oversees (divisions.home): one county, or the prefecture (or province) that
several counties share, which a file then lists too.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Connection, select

from data_access.divisions import DIVISION_LEVELS, code_level, parent_code_of
from data_access.importing.problems import ImportRejected, Problem
from data_access.importing.spec import Column, Domain, Lookups, RowCheck
from data_access.models import Division

TEMPLATE_ID = "divisions"
# The levels the top of the divisions may be at: a township is never an area of its own.
TOP_LEVELS = ("province", "prefecture", "county")


def _well_formed(code: object) -> bool:
    return isinstance(code, str) and len(code) == 12 and code.isdigit()


def _shape_disagrees(frame: pd.DataFrame) -> pd.Series:
    return pd.Series([_well_formed(code) and isinstance(level, str) and code_level(code) != level
                      for code, level in zip(frame["code"], frame["level"], strict=True)],
                     index=frame.index, dtype=bool)


def _parent_disagrees(frame: pd.DataFrame) -> pd.Series:
    def disagrees(row: pd.Series) -> bool:
        code, parent = row["code"], row["parent_code"]
        if not _well_formed(code):
            return False
        if not isinstance(parent, str):
            return row["level"] not in TOP_LEVELS
        return parent != parent_code_of(code)
    return frame.apply(disagrees, axis=1).astype(bool)


def _defaults(frame: pd.DataFrame, _lookups: Lookups) -> pd.DataFrame:
    """The short name is the name when none is given; a new division's population is not
    known yet, so not estimated either. (Rows are written in code order, which puts every
    parent before its children: a parent's code is its children's with zeros after.)"""
    return frame.assign(short_name=frame["short_name"].fillna(frame["name"]),
                        population_generated=False)


def _one_top(connection: Connection, _frame: pd.DataFrame) -> None:
    tops = list(connection.scalars(select(Division.code).where(Division.parent_code.is_(None))
                                   .order_by(Division.code)))
    if len(tops) == 1:
        return
    listed = "、".join(tops)
    raise ImportRejected([Problem(
        "", "", None, None,
        f"导入后应恰好有一个没有上级的区划（看板的范围）：一个县（市、区），或几个县共同的市（州）"
        f"或省，现有 {len(tops)} 个（{listed}）。导入第二个县时，请在文件中加上它们共同的上级"
        f"区划，并填写各县的上级区划代码",
        f"after the import exactly one division must have no parent (the area the dashboard "
        f"oversees): one county, or the prefecture or province several counties share; there "
        f"would be {len(tops)} ({', '.join(tops)}). With a second county, list the division "
        f"above both in the file and give each county its parent code")])


DIVISIONS = Domain(
    id=TEMPLATE_ID,
    zh="行政区划（统计用区划代码）",
    en="divisions (NBS statistical division codes)",
    model=Division,
    natural_key=("code",),
    columns=(
        Column("code", "区划代码", "division code", max_length=12,
               help_zh="12位统计用区划代码，如 421081105000"),
        Column("name", "名称", "name", max_length=64),
        Column("level", "层级", "level", "choice", choices=DIVISION_LEVELS,
               help_zh="county 县（市、区）/ township 乡镇、街道、开发区 / village 村、社区；"
                       "几个县时另有 prefecture 市（州）、province 省"),
        Column("parent_code", "上级区划代码", "parent code", required=False,
               reference="division", help_zh="最上一级（一个县时即县本身）留空"),
        Column("unit_type", "类别", "unit type", max_length=16,
               help_zh="县级市、县、区 / 街道、镇、乡、开发区 / 村委会、居委会、社区 ..."),
        Column("urban_rural_code", "城乡分类代码", "urban-rural code", required=False,
               max_length=3, help_zh="村级单位的3位城乡分类代码，如 220（村庄）"),
        Column("short_name", "简称", "short name", required=False, max_length=64,
               help_zh="留空即用名称；县（市）的简称用于看板标题，如 石首"),
        Column("name_en", "英文名", "English name", required=False, max_length=64,
               help_zh="英文界面所用的名称（拼音），如 Shishou"),
    ),
    checks=(
        RowCheck("code", "区划代码应为12位数字", "a division code has 12 digits",
                 lambda f: ~f["code"].fillna("").str.fullmatch(r"[0-9]{12}")),
        RowCheck("level", "层级与区划代码不符（县级代码以000000结尾，乡级以000结尾）",
                 "the level disagrees with the code (a county's ends in 000000, a "
                 "township's in 000)", _shape_disagrees),
        RowCheck("parent_code", "上级区划代码与本区划代码的前几位不符",
                 "the parent code is not the one the division's code begins with",
                 _parent_disagrees),
    ),
    derive=_defaults,
    insert_only=("population_generated",),
    self_reference="division",
    after_write=_one_top,
    instructions_zh=("每个区划一行：县（市、区）本身、各乡镇（街道、开发区）、各村（社区）。代码与"
                     "名称按国家统计局统计用区划代码填写。可重复导入以更正名称；已导入的人口"
                     "与业务数据不受影响。"),
)
