"""Templates of "双随机、一公开": directories, tasks, results and monthly themes."""

from __future__ import annotations

import pandas as pd

from data_access.importing.derive import add_working_days
from data_access.importing.spec import Column, Domain, Lookups, RowCheck, WorkdayDates
from data_access.models import (
    InspectionItem,
    InspectionObject,
    InspectionResult,
    InspectionTask,
    Inspector,
    SupervisionTheme,
)
from metrics.indicators import DISCLOSURE_WORKING_DAYS
from metrics.vocabulary import (
    DISPOSALS,
    INSPECTION_RESULTS,
    RECTIFY_DISPOSAL,
    RISK_CLASSES,
    THEME_STATUSES,
)

DEPARTMENT = Column("department", "所属部门", "department", max_length=64)

INSPECTION_OBJECTS = Domain(
    id="inspection_objects",
    zh="检查对象名录库",
    en="directory of inspection objects",
    model=InspectionObject,
    natural_key=("code",),
    columns=(
        Column("code", "统一社会信用代码", "credit code", max_length=32),
        Column("name", "名称", "name", max_length=200),
        Column("kind", "主体类型", "kind", "choice",
               choices=("企业", "个体工商户", "农民专业合作社")),
        Column("industry", "行业", "industry", max_length=64),
        Column("township_code", "所在乡镇代码", "township", reference="township"),
        Column("risk_class", "信用风险分类", "risk class", "choice", choices=RISK_CLASSES,
               help_zh="A 低风险 … D 高风险"),
    ),
)

INSPECTORS = Domain(
    id="inspectors",
    zh="执法检查人员名录库",
    en="directory of inspectors",
    model=Inspector,
    natural_key=("code",),
    columns=(
        Column("code", "人员编号", "inspector code", max_length=32),
        Column("name", "姓名", "name", max_length=32),
        DEPARTMENT,
        Column("certificate_no", "执法证号", "certificate number", max_length=32),
    ),
)

INSPECTION_ITEMS = Domain(
    id="inspection_items",
    zh="随机抽查事项清单",
    en="inspection item list",
    model=InspectionItem,
    natural_key=("code",),
    columns=(
        Column("code", "事项编码", "item code", max_length=32),
        Column("name", "抽查事项", "item", max_length=200),
        DEPARTMENT,
        Column("basis", "检查依据", "legal basis", max_length=200),
        Column("scope", "抽查对象范围", "object scope", required=False, max_length=400,
               help_zh="名录库中的行业，用“、”分隔；“*企业”等表示该主体类型的全部对象"),
    ),
)

INSPECTION_TASKS = Domain(
    id="inspection_tasks",
    zh="抽查任务",
    en="inspection tasks",
    model=InspectionTask,
    natural_key=("code",),
    columns=(
        Column("code", "任务编号", "task code", max_length=32),
        Column("name", "任务名称", "task name", max_length=200),
        Column("year", "年度", "year", "int", minimum=2000, maximum=2100),
        Column("lead_department", "牵头部门", "lead department", max_length=64),
        Column("departments", "参与部门", "departments", max_length=400,
               help_zh="多个部门用“、”分隔；两个及以上为联合抽查"),
        Column("item_code", "抽查事项编码", "item code", reference="inspection_item"),
        Column("planned_start", "计划开始日期", "planned start", "date"),
        Column("planned_end", "计划完成日期", "planned end", "date"),
        Column("draw_seed", "抽取随机种子", "draw seed", required=False, max_length=64),
    ),
    checks=(RowCheck("planned_end", "计划完成日期早于开始日期", "planned end is before start",
                     lambda f: f["planned_end"] < f["planned_start"]),),
    derive=lambda frame, _lookups: frame.assign(
        is_joint=frame["departments"].str.split("、").map(len) > 1),
)


def _result_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """The disclosure deadline: DISCLOSURE_WORKING_DAYS working days after the inspection."""
    days = pd.Series(DISCLOSURE_WORKING_DAYS, index=frame.index)
    return pd.DataFrame({"publish_due": add_working_days(frame["inspected_on"], days)},
                        index=frame.index)


RESULT_DATES = WorkdayDates(
    reads=("inspected_on",),
    writes=("publish_due",),
    compute=_result_dates,
    touches=lambda first, last: ((InspectionResult.inspected_on <= last)
                                 & (InspectionResult.publish_due >= first)),
)


def _derive_results(frame: pd.DataFrame, lookups: Lookups) -> pd.DataFrame:
    # publish_due: computed here, once, and stored; the indicators and pages read it.
    return frame.assign(
        township_code=frame["object_code"].map(lookups.object_townships),
        inspector_codes=frame["inspector_codes"].str.replace(r"[,，;；\s]+", "、", regex=True),
        **RESULT_DATES.compute(frame).to_dict("series"),
    )


def _too_few_inspectors(frame: pd.DataFrame) -> pd.Series:
    codes = frame["inspector_codes"].fillna("").str.split(r"[、,，;；\s]+", regex=True)
    return codes.map(lambda parts: len({p for p in parts if p}) < 2)


INSPECTION_RESULTS_DOMAIN = Domain(
    id="inspection_results",
    zh="抽查结果",
    en="inspection results",
    model=InspectionResult,
    natural_key=("task_code", "object_code"),
    columns=(
        Column("task_code", "任务编号", "task code", reference="inspection_task"),
        Column("object_code", "统一社会信用代码", "object credit code",
               reference="inspection_object"),
        Column("inspector_codes", "检查人员编号", "inspectors", reference="inspector", many=True,
               help_zh="至少两名，用“、”分隔"),
        Column("drawn_on", "抽取日期", "drawn on", "date", not_in_future=True),
        Column("inspected_on", "检查日期", "inspected on", "date", required=False,
               not_in_future=True),
        Column("result_code", "抽查结果代码", "result code", "choice", required=False,
               choices=tuple(INSPECTION_RESULTS), help_zh="见“代码表”"),
        Column("disposal", "后续处置", "disposal", "choice", required=False, choices=DISPOSALS),
        Column("rectify_due", "整改期限", "rectification due", "date", required=False),
        Column("rectified_on", "整改完成日期", "rectified on", "date", required=False,
               not_in_future=True),
        Column("published_on", "公示日期", "published on", "date", required=False,
               not_in_future=True),
    ),
    checks=(
        RowCheck("inspector_codes", "检查人员少于两名", "fewer than two inspectors",
                 _too_few_inspectors),
        RowCheck("inspected_on", "检查日期早于抽取日期", "inspected before it was drawn",
                 lambda f: f["inspected_on"] < f["drawn_on"]),
        RowCheck("result_code", "已检查但没有结果代码", "inspected but no result code",
                 lambda f: f["inspected_on"].notna() & f["result_code"].isna()),
        RowCheck("result_code", "有结果代码但没有检查日期", "result code without inspection date",
                 lambda f: f["inspected_on"].isna() & f["result_code"].notna()),
        RowCheck("rectify_due", "责令整改须填写整改期限", "an order to rectify needs a due date",
                 lambda f: (f["disposal"] == RECTIFY_DISPOSAL) & f["rectify_due"].isna()),
        RowCheck("rectified_on", "整改完成日期早于检查日期", "rectified before the inspection",
                 lambda f: f["rectified_on"] < f["inspected_on"]),
        RowCheck("published_on", "公示日期早于检查日期", "published before the inspection",
                 lambda f: f["published_on"] < f["inspected_on"]),
    ),
    derive=_derive_results,
    workday_dates=RESULT_DATES,
    instructions_zh="每个抽中对象一行。公示应在检查结果形成之日起 20 个工作日内完成。",
)


def _unknown_indicators(frame: pd.DataFrame) -> pd.Series:
    from metrics.indicators import INDICATORS

    ids = frame["linked_indicators"].fillna("").str.split(r"[、,，;；\s]+", regex=True)
    return ids.map(lambda parts: any(p and p not in INDICATORS for p in parts))


SUPERVISION_THEMES = Domain(
    id="supervision_themes",
    zh="月度专项督导主题",
    en="monthly supervision themes",
    model=SupervisionTheme,
    natural_key=("month",),
    columns=(
        Column("month", "月份（YYYY-MM）", "month", max_length=7),
        Column("theme", "督导主题", "theme", max_length=200),
        Column("lead_leader", "牵头领导", "lead leader", max_length=64),
        Column("lead_unit", "牵头单位", "lead unit", max_length=64),
        Column("linked_indicators", "关联指标", "linked indicators", max_length=400,
               help_zh="指标编号，用“、”分隔，见“代码表”"),
        Column("problems_found", "发现问题数", "problems found", "int", minimum=0),
        Column("rectification_list", "整改清单", "rectification list"),
        Column("due_date", "整改期限", "due date", "date"),
        Column("status", "状态", "status", "choice", choices=THEME_STATUSES),
    ),
    checks=(
        RowCheck("month", "月份格式应为 YYYY-MM", "month must be YYYY-MM",
                 lambda f: ~f["month"].fillna("").str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")),
        RowCheck("linked_indicators", "关联指标中有未知的指标编号", "unknown indicator id",
                 _unknown_indicators),
    ),
)

# This domain's templates (metrics/domains.py names them in import order).
TEMPLATES: tuple[Domain, ...] = (INSPECTION_OBJECTS, INSPECTORS, INSPECTION_ITEMS,
                                 INSPECTION_TASKS, INSPECTION_RESULTS_DOMAIN, SUPERVISION_THEMES)
