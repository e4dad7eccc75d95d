"""SQLAlchemy 2.0 models of the four domains plus divisions and the import log.

Money is stored in whole yuan (BigInteger): the county forms are in 万元 with two decimals,
which is exactly 100 yuan, so nothing is lost and SQL sums stay exact on every backend.
Dates of events are stored as naive local (Asia/Shanghai) datetimes.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    literal,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from metrics.vocabulary import BAD_RATING_MAX


class Base(DeclarativeBase):
    if TYPE_CHECKING:
        # Every model here maps a Table; DeclarativeBase types __table__ as any FromClause.
        __table__: ClassVar[Table]


# --- divisions -------------------------------------------------------------------------------


class Division(Base):
    """A province, prefecture, county, township or village-level unit, keyed by its 12-digit NBS
    statistical code."""

    __tablename__ = "division"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    short_name: Mapped[str] = mapped_column(String(64))
    # province / prefecture / county / township / village (divisions.DIVISION_LEVELS)
    level: Mapped[str] = mapped_column(String(16), index=True)
    # 县级市 / 街道 / 镇 / 乡 / 开发区 / 村委会 / ...
    unit_type: Mapped[str] = mapped_column(String(16))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    # The name in English-language pages (the official pinyin form), when the divisions give it.
    name_en: Mapped[str | None] = mapped_column(String(64))
    # NBS 城乡分类代码 (111 主城区 ... 220 村庄) of a village-level unit.
    urban_rural_code: Mapped[str | None] = mapped_column(String(3))
    population: Mapped[int | None] = mapped_column(Integer)
    population_generated: Mapped[bool] = mapped_column(Boolean, default=False)


# --- collective economy ----------------------------------------------------------------------


class CollectiveIncome(Base):
    """One line of 村集体经济组织收益分配统计表 for a village and period.

    quarter = 0 is the full-year report; 1..4 are cumulative figures to the quarter's end.
    """

    __tablename__ = "collective_income"
    __table_args__ = (UniqueConstraint("village_code", "year", "quarter"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    quarter: Mapped[int] = mapped_column(SmallInteger, default=0)
    operating_income: Mapped[int] = mapped_column(BigInteger)  # 经营收入
    contract_income: Mapped[int] = mapped_column(BigInteger)  # 发包及上交收入
    investment_income: Mapped[int] = mapped_column(BigInteger)  # 投资收益
    subsidy_income: Mapped[int] = mapped_column(BigInteger)  # 补助收入
    other_income: Mapped[int] = mapped_column(BigInteger)  # 其他收入
    operating_expense: Mapped[int] = mapped_column(BigInteger)  # 经营支出
    management_expense: Mapped[int] = mapped_column(BigInteger)  # 管理费用
    other_expense: Mapped[int] = mapped_column(BigInteger)  # 其他支出
    net_income: Mapped[int] = mapped_column(BigInteger)  # 本年收益

    @hybrid_property
    def operating_revenue(self) -> int:
        """经营性收入 = 经营收入 + 发包及上交收入 + 投资收益 (subsidies excluded); in SQL too."""
        return self.operating_income + self.contract_income + self.investment_income


class Cooperative(Base):
    """A party-led cooperative (村党组织领办合作社) and its year."""

    __tablename__ = "cooperative"
    __table_args__ = (UniqueConstraint("code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(SmallInteger)
    name: Mapped[str] = mapped_column(String(128))
    village_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    members: Mapped[int] = mapped_column(Integer)
    land_mu: Mapped[float] = mapped_column(Float)
    guaranteed_payment_per_mu: Mapped[int] = mapped_column(Integer)  # 保底, yuan per mu
    dividend_total: Mapped[int] = mapped_column(BigInteger)  # yuan paid to members
    collective_income: Mapped[int] = mapped_column(BigInteger)  # yuan to the village collective


class LandTransfer(Base):
    """Land transfer (土地流转) of a village in a year."""

    __tablename__ = "land_transfer"
    __table_args__ = (UniqueConstraint("village_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    year: Mapped[int] = mapped_column(SmallInteger)
    new_area_mu: Mapped[float] = mapped_column(Float)
    total_area_mu: Mapped[float] = mapped_column(Float)
    rent_per_mu: Mapped[int] = mapped_column(Integer)  # yuan per mu per year


# --- government service cases ----------------------------------------------------------------


class ServiceItem(Base):
    """A government service item (政务服务事项)."""

    __tablename__ = "service_item"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)  # 实施编码
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(64))
    case_type: Mapped[str] = mapped_column(String(8))  # 即办件 / 承诺件
    legal_limit_days: Mapped[int] = mapped_column(SmallInteger)
    promised_limit_days: Mapped[int] = mapped_column(SmallInteger)  # working days
    required_visits: Mapped[int] = mapped_column(SmallInteger)
    online_capable: Mapped[bool] = mapped_column(Boolean)


# The missed-due index's columns (migration 0016 makes it from the same list).
MISSED_DUE_COLUMNS = ("missed_due", "due_date", "finished_at", "status", "township_code",
                      "division_code", "hall_level")


class ServiceCase(Base):
    """A case (办件) handled at the city hall, a township hall or a village service room."""

    __tablename__ = "service_case"
    __table_args__ = (
        Index("ix_service_case_township_accepted", "township_code", "accepted_at"),
        Index("ix_service_case_accepted", "accepted_at"),
        # The cases that missed their date, with every column the open-past-due counts and
        # the overdue list filter and group by: the counts read this small index alone, never
        # the millions of cases (at ten counties, 0.3 s a count became 20 ms on PostgreSQL).
        # The predicate is written as each dialect renders `missed_due.is_(True)`, which the
        # planners match against the queries' own term.
        Index("ix_service_case_missed_due", *MISSED_DUE_COLUMNS,
              sqlite_where=text("missed_due IS 1"), postgresql_where=text("missed_due IS true")),
        # 差评 (is_bad_review) are a few hundred of 800,000 cases: the bad-review list of a
        # period reads them through this index alone, not every case finished in the period.
        Index("ix_service_case_bad_review_finished", "finished_at",
              sqlite_where=text(f"rating <= {BAD_RATING_MAX}"),
              postgresql_where=text(f"rating <= {BAD_RATING_MAX}")),
        # On PostgreSQL every county's cases are a table of their own, so that a county's
        # first import builds its indexes once instead of growing every county's row by row
        # (data_access/importing/case_partitions.py).
        {"postgresql_partition_by": "LIST (county_code)"},
    )

    # A case is its 申办流水号 within its county's hall system: the key holds the county too
    # because on PostgreSQL a key of a table split by county must.
    serial_no: Mapped[str] = mapped_column(String(40), primary_key=True)  # 申办流水号
    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("service_item.code"))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    # The township the hall belongs to; NULL for the city hall. Derived by the importer from
    # the division, whose key is checked: a key of its own was checked again on every row.
    township_code: Mapped[str | None] = mapped_column(String(12))
    hall_level: Mapped[str] = mapped_column(String(8))  # city / township / village
    channel: Mapped[str] = mapped_column(String(16))  # window / online / mobile / kiosk / agent
    applied_at: Mapped[dt.datetime] = mapped_column(DateTime)
    accepted_at: Mapped[dt.datetime] = mapped_column(DateTime)
    promised_limit_days: Mapped[int] = mapped_column(SmallInteger)
    paused_days: Mapped[int] = mapped_column(SmallInteger, default=0)  # 补正 / 特别程序
    # Promised completion date: accepted + promised + paused working days (China's calendar).
    due_date: Mapped[dt.date] = mapped_column(Date)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    # Not finished by the promised date (finished later, or not finished): few cases, so the
    # overdue lists and counts read an index of them instead of every case.
    missed_due: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16))  # 办理中 / 已办结 / 不予受理 / 退件
    visits: Mapped[int] = mapped_column(SmallInteger)
    fully_online: Mapped[bool] = mapped_column(Boolean)
    rating: Mapped[int | None] = mapped_column(SmallInteger)  # 1..5, 5 = 非常满意
    bad_review_due: Mapped[dt.date | None] = mapped_column(Date)
    bad_review_fixed_at: Mapped[dt.date | None] = mapped_column(Date)

    @hybrid_property
    def is_bad_review(self) -> bool:
        """A 差评: rated 1 to BAD_RATING_MAX."""
        return self.rating is not None and self.rating <= BAD_RATING_MAX

    @is_bad_review.inplace.expression
    @classmethod
    def _is_bad_review(cls) -> ColumnElement[bool]:
        # The rating written into the SQL, not bound: only then can every plan (PostgreSQL's
        # generic one too) prove the partial index's condition and use it.
        return cls.rating <= literal(BAD_RATING_MAX, literal_execute=True)


# --- volunteers ------------------------------------------------------------------------------


class VolunteerTeam(Base):
    """总队 / 支队 / 分队 of the 新时代文明实践 volunteer corps."""

    __tablename__ = "volunteer_team"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(8))  # 总队 / 支队 / 分队
    category: Mapped[str] = mapped_column(String(32))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("volunteer_team.code"))
    township_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    village_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    # The county the team serves: a county-level team has no township to tell it.
    county_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    members: Mapped[int] = mapped_column(Integer)
    founded_on: Mapped[dt.date] = mapped_column(Date)


class VolunteerActivity(Base):
    __tablename__ = "volunteer_activity"
    __table_args__ = (Index("ix_volunteer_activity_township_start", "township_code", "start_at"),)

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    team_code: Mapped[str] = mapped_column(ForeignKey("volunteer_team.code"), index=True)
    village_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    township_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    # The county it counts in (its team's for a county-level team's activity).
    county_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    start_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    end_at: Mapped[dt.datetime] = mapped_column(DateTime)
    volunteers: Mapped[int] = mapped_column(Integer)
    hours: Mapped[float] = mapped_column(Float)  # volunteer-hours of actual service
    beneficiaries: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(128))


# --- random inspections ----------------------------------------------------------------------


class InspectionObject(Base):
    """检查对象名录库: an enterprise, individual business or cooperative."""

    __tablename__ = "inspection_object"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # 统一社会信用代码
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # 企业 / 个体工商户 / 农民专业合作社
    industry: Mapped[str] = mapped_column(String(64))
    township_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    risk_class: Mapped[str] = mapped_column(String(1))  # A (low) .. D (high)


class Inspector(Base):
    """执法检查人员名录库."""

    __tablename__ = "inspector"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    department: Mapped[str] = mapped_column(String(64))
    certificate_no: Mapped[str] = mapped_column(String(32))


class InspectionItem(Base):
    """抽查事项清单."""

    __tablename__ = "inspection_item"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(64))
    basis: Mapped[str] = mapped_column(String(200))
    # 抽查对象范围: industries of the object directory, 、-separated; "*企业" stands for every
    # object of that kind. The draw (metrics/draw.py) draws from the objects in this scope.
    scope: Mapped[str | None] = mapped_column(String(400))


class InspectionTask(Base):
    __tablename__ = "inspection_task"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int] = mapped_column(SmallInteger, index=True)
    lead_department: Mapped[str] = mapped_column(String(64))
    departments: Mapped[str] = mapped_column(String(400))  # 、-separated; joint when > 1
    is_joint: Mapped[bool] = mapped_column(Boolean)
    item_code: Mapped[str] = mapped_column(ForeignKey("inspection_item.code"))
    planned_start: Mapped[dt.date] = mapped_column(Date)
    planned_end: Mapped[dt.date] = mapped_column(Date)
    draw_seed: Mapped[str | None] = mapped_column(String(64))
    directory_hash: Mapped[str | None] = mapped_column(String(64))
    drawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class InspectionResult(Base):
    """One drawn object of a task and what became of it."""

    __tablename__ = "inspection_result"
    __table_args__ = (UniqueConstraint("task_code", "object_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    task_code: Mapped[str] = mapped_column(ForeignKey("inspection_task.code"), index=True)
    object_code: Mapped[str] = mapped_column(ForeignKey("inspection_object.code"), index=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    inspector_codes: Mapped[str] = mapped_column(String(200))  # 、-separated, at least two
    drawn_on: Mapped[dt.date] = mapped_column(Date, index=True)
    inspected_on: Mapped[dt.date | None] = mapped_column(Date)
    result_code: Mapped[str | None] = mapped_column(String(8))
    disposal: Mapped[str | None] = mapped_column(String(16))
    rectify_due: Mapped[dt.date | None] = mapped_column(Date)
    rectified_on: Mapped[dt.date | None] = mapped_column(Date)
    # Disclosure deadline: 20 working days after the inspection (企业信息公示暂行条例 第六条).
    publish_due: Mapped[dt.date | None] = mapped_column(Date)
    published_on: Mapped[dt.date | None] = mapped_column(Date)


class SupervisionTheme(Base):
    """每月一个专项督导调研主题."""

    __tablename__ = "supervision_theme"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    theme: Mapped[str] = mapped_column(String(200))
    lead_leader: Mapped[str] = mapped_column(String(64))
    lead_unit: Mapped[str] = mapped_column(String(64))
    linked_indicators: Mapped[str] = mapped_column(String(400))
    problems_found: Mapped[int] = mapped_column(Integer)
    rectification_list: Mapped[str] = mapped_column(Text)
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # 未开始 / 进行中 / 已完成 / 逾期


# --- reference ---------------------------------------------------------------------------------


class HolidayCalendar(Base):
    """A day of the county-kept holiday calendar (template holiday_calendar): a holiday (休) or
    a make-up working day (班), as the State Council's notice for the year sets them.

    These days take precedence over the chinesecalendar library (metrics/workdays.py); a year
    with rows here counts as covered. Re-importing a year replaces that year's rows.
    """

    __tablename__ = "holiday_calendar"

    date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(1))  # 休 (no work) / 班 (make-up working day)
    source: Mapped[str] = mapped_column(String(200))  # the notice, e.g. 国务院办公厅关于…的通知


# --- bookkeeping -----------------------------------------------------------------------------


class ImportLog(Base):
    __tablename__ = "import_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    domain: Mapped[str] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    rows_in_file: Mapped[int] = mapped_column(Integer)
    rows_inserted: Mapped[int] = mapped_column(Integer)
    rows_updated: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)
    # An undo is logged as an import of its own (the data changed: the page caches' version
    # moves on); it names the import it undid, and that one when and by whom.
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("import_log.id"))
    undone_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    undone_by: Mapped[str | None] = mapped_column(String(64))


class ImportChange(Base):
    """What one import changed, to undo it: the natural keys of every row it wrote, and for
    the rows that existed before, their stored values then (gzip'd JSON, see
    data_access/importing/changes.py). Kept for imports from the browser."""

    __tablename__ = "import_change"

    import_id: Mapped[int] = mapped_column(ForeignKey("import_log.id"), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class Upload(Base):
    """A file sent through the /data page: who, when, what it was, and how its import ended.

    state: queued -> running -> imported / rejected / failed; an imported one may be undone.
    The live progress of a running one is a small file (data_access/uploads.py), since the
    import's own transaction holds SQLite's write lock while it runs."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    township_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    template: Mapped[str | None] = mapped_column(String(32))  # as chosen; None: recognised
    file_name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    domain: Mapped[str | None] = mapped_column(String(32))  # the template it was read as
    rows_in_file: Mapped[int | None] = mapped_column(Integer)
    rows_inserted: Mapped[int | None] = mapped_column(Integer)
    rows_updated: Mapped[int | None] = mapped_column(Integer)
    problem_count: Mapped[int | None] = mapped_column(Integer)
    problems: Mapped[str | None] = mapped_column(Text)  # JSON list of Problem fields
    message: Mapped[str | None] = mapped_column(Text)  # why a job failed (not the file)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("import_log.id"))


class UploadFile(Base):
    """An upload's bytes as received (kept: admins download the original), and the copy with
    its problems marked when it was rejected."""

    __tablename__ = "upload_file"

    upload_id: Mapped[int] = mapped_column(ForeignKey("upload.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    marked: Mapped[bytes | None] = mapped_column(LargeBinary)


class ReportExport(Base):
    """A report as it was exported for a meeting: the numbers shown, frozen, and its PDF.

    ``snapshot`` is the report model as JSON (every figure, rank, flag and the bulletin text),
    so a later meeting compares with what was actually presented even if the data changed.
    """

    __tablename__ = "report_export"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # weekly / township
    week: Mapped[str] = mapped_column(String(8), index=True)  # YYYY-Www
    township_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    lang: Mapped[str] = mapped_column(String(2))
    data_version: Mapped[int] = mapped_column(Integer)  # newest import_log id at export
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    snapshot: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    # The PDF's background job (data_access/pdf_jobs.py): queued / running / done / failed;
    # None for an export nobody asked a PDF of. The token names its progress file.
    pdf_state: Mapped[str | None] = mapped_column(String(12))
    pdf_token: Mapped[str | None] = mapped_column(String(32))
    pdf_requested_by: Mapped[str | None] = mapped_column(String(64))
    pdf_message: Mapped[str | None] = mapped_column(Text)


class MeetingCopy(Base):
    """The export marked as a week's 会议材料: what the meeting was shown, and so what the next
    week compares with. Marking another export of the same week needs a reason; every mark is
    kept, the newest is in force."""

    __tablename__ = "meeting_copy"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(8), index=True)  # YYYY-Www
    export_id: Mapped[int] = mapped_column(ForeignKey("report_export.id"))
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")


# --- boundaries ------------------------------------------------------------------------------


class Boundary(Base):
    """An imported official boundary of a township or a village-level unit.

    ``geometry`` is a GeoJSON Polygon or MultiPolygon in WGS84 lon/lat with exterior rings
    clockwise and holes counter-clockwise (what plotly.js / d3-geo expect); the label point
    lies inside it.
    """

    __tablename__ = "boundary"

    code: Mapped[str] = mapped_column(ForeignKey("division.code"), primary_key=True)
    level: Mapped[str] = mapped_column(String(16), index=True)  # township / village
    geometry: Mapped[str] = mapped_column(Text)
    label_lon: Mapped[float] = mapped_column(Float)
    label_lat: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(255))  # file name and SHA-256 prefix
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime)


class HallCounts:
    """A hall's case counts over some days: of cases accepted in them (cases, fully_online,
    by_agent) and of cases finished in them (the rest). The halls' roll-ups, daily and
    monthly, hold the same counts."""

    # No foreign keys, here or in ServiceItemDaily: a roll-up is counted from the cases, whose
    # keys are checked; checking them again per roll-up row cost a county's import 0.8 s.
    division_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    township_code: Mapped[str | None] = mapped_column(String(12), index=True)
    hall_level: Mapped[str] = mapped_column(String(8))
    cases: Mapped[int] = mapped_column(Integer, default=0)
    fully_online: Mapped[int] = mapped_column(Integer, default=0)
    by_agent: Mapped[int] = mapped_column(Integer, default=0)
    finished: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    one_visit: Mapped[int] = mapped_column(Integer, default=0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    rated_good: Mapped[int] = mapped_column(Integer, default=0)
    bad_reviews: Mapped[int] = mapped_column(Integer, default=0)
    bad_fixed: Mapped[int] = mapped_column(Integer, default=0)
    instant: Mapped[int] = mapped_column(Integer, default=0)
    instant_half_day: Mapped[int] = mapped_column(Integer, default=0)


class ServiceDaily(HallCounts, Base):
    """Daily roll-up of service cases per hall, kept by the import in the same transaction:
    counts of cases accepted on `day` and of cases finished on it, so that period indicators
    read days, not every case.
    """

    __tablename__ = "service_daily"
    # One division's days (a village's page and trends) without reading every division's.
    __table_args__ = (Index("ix_service_daily_division_day", "division_code", "day"),)

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)


class ServiceMonthly(HallCounts, Base):
    """ServiceDaily summed by calendar month (`month`, its first day), kept with it (same
    refresh, same transaction): a month, quarter or year reads a row per hall and month, not
    one per day."""

    __tablename__ = "service_monthly"
    __table_args__ = (Index("ix_service_monthly_division_month", "division_code", "month"),)

    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)


# The halls' counts, each summed over the days (or months) of a period.
HALL_MEASURES = tuple(c.name for c in ServiceMonthly.__table__.columns
                      if c.name not in ("month", "division_code", "township_code", "hall_level"))


class ServiceItemDaily(Base):
    """Daily roll-up of service cases per item, kept with ServiceDaily (same refresh, same
    transaction): cases accepted on `day`, and cases finished on it and of those the ones
    finished by their promised date, so the items list of a period reads days, not every case.
    Per county (the county of the hall's division code): an import refreshes the counties of
    its cases only, however many counties the database holds; nothing lists items of one
    township.
    """

    __tablename__ = "service_item_daily"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    county_code: Mapped[str] = mapped_column(String(12), primary_key=True)
    item_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    cases: Mapped[int] = mapped_column(Integer, default=0)
    finished: Mapped[int] = mapped_column(Integer, default=0)
    on_time: Mapped[int] = mapped_column(Integer, default=0)


# --- accounts --------------------------------------------------------------------------------

class User(Base):
    """An account. Roles: leader, supervisor, township (bound to township_code), admin.

    Passwords are argon2 hashes; an admin-set password must be changed at first login
    (must_change_password). Accounts are disabled, never deleted: the audit log names them."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    township_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"))
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class UserSession(Base):
    """A signed-in browser: the cookie holds the random key, the table its SHA-256. Ended on
    logout, on disabling the account, or after the idle timeout (last_seen_at).

    A wall screen's session belongs to its wall token instead of a user."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(ForeignKey("access_token.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ip: Mapped[str] = mapped_column(String(64), default="")


class AccessToken(Base):
    """A wall screen's or an API client's token: random, shown once, stored as its SHA-256.
    Wall tokens read the wall only; API tokens act as their user (user_id)."""

    __tablename__ = "access_token"
    __table_args__ = (UniqueConstraint("kind", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # wall / api
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuditEvent(Base):
    """What happened, when, by whom, from where, and how it ended. Only ever inserted: nothing
    in the app updates or deletes a row (retention: at least 180 days, kept indefinitely)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)  # "" when none is known
    event: Mapped[str] = mapped_column(String(32), index=True)
    outcome: Mapped[str] = mapped_column(String(16))  # ok / failed / refused
    ip: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


# --- 督办 ledger -------------------------------------------------------------------------------

class DubanItem(Base):
    """A follow-up the weekly meeting decided (督办): what is asked of which township, by when.

    State: open -> answered (by the township) -> closed (accepted by a supervisor or leader)
    or returned (sent back with a reason) -> answered ... Every transition is a DubanEvent."""

    __tablename__ = "duban_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # card / flag / worklist / talk / manual
    indicator_id: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(255), default="")  # the row or flag named
    week: Mapped[str] = mapped_column(String(8))  # the meeting's week, YYYY-Www
    figure: Mapped[str] = mapped_column(String(64), default="")  # the figure as shown then
    request: Mapped[str] = mapped_column(Text)
    due_on: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime)
    opened_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class DubanEvent(Base):
    """One step of a 督办 item: opened, answered (with text and an optional attachment),
    returned (with the reason), closed."""

    __tablename__ = "duban_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("duban_item.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    username: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(12))
    text: Mapped[str] = mapped_column(Text, default="")
    attachment_name: Mapped[str | None] = mapped_column(String(255))
    attachment_type: Mapped[str | None] = mapped_column(String(80))
    attachment: Mapped[bytes | None] = mapped_column(LargeBinary)
