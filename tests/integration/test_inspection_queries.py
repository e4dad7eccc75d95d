"""Inspection queries, the `draw` command and the three pages on a small temporary database,
plus a few checks against the demo database."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest
from sqlalchemy import Engine, insert, select, text, update

from callbacks.context import AppContext
from callbacks.inspections import drill_rows, inspections_page, task_page, worklist_page
from dashboard.cli import main
from dashboard.config import Settings
from data_access import cache
from data_access.aggregates import aggregate
from data_access.draw import compute_draw, verify_draw
from data_access.inspections import (
    open_rows,
    result_rows,
    supervision_theme,
    task_record,
    worklist_choices,
)
from data_access.models import (
    ImportLog,
    InspectionItem,
    InspectionObject,
    InspectionResult,
    InspectionTask,
    Inspector,
    SupervisionTheme,
)
from layouts import ids
from metrics.periods import parse_period
from metrics.vocabulary import RISK_DRAW_RATIOS
from tests.dbutil import fresh_database, snapshot, sqlite_url

TOWNSHIPS = ("421081001000", "421081002000", "421081101000")
SIZES = {"A": 120, "B": 60, "C": 25, "D": 9}
TODAY = dt.date(2026, 11, 16)


def _seed_directory(engine: Engine) -> None:
    objects = []
    n = 0
    for risk, size in SIZES.items():
        for _ in range(size):
            n += 1
            objects.append({"code": f"92421081X{n:05d}", "name": f"餐馆{n}", "kind": "个体工商户",
                            "industry": "餐饮服务", "township_code": TOWNSHIPS[n % 3],
                            "risk_class": risk})
    objects += [{"code": f"91421081Y{i:05d}", "name": f"工厂{i}", "kind": "企业",
                 "industry": "机械制造", "township_code": TOWNSHIPS[0], "risk_class": "C"}
                for i in range(30)]
    inspectors = [{"code": f"ZF{d:02d}{i:03d}", "name": f"检查员{d}{i}", "department": dept,
                   "certificate_no": f"C{d}{i}"}
                  for d, dept in enumerate(("市市场监督管理局", "市卫生健康局", "市商务局"), 1)
                  for i in range(1, 5)]
    with engine.begin() as connection:
        connection.execute(insert(InspectionObject), objects)
        connection.execute(insert(Inspector), inspectors)
        connection.execute(insert(InspectionItem), [
            {"code": "I1", "name": "餐饮服务提供者经营行为的检查", "department": "市市场监督管理局",
             "basis": "食品安全法", "scope": "餐饮服务"},
            {"code": "I2", "name": "无范围的事项", "department": "市商务局", "basis": "—",
             "scope": None}])
        connection.execute(insert(InspectionTask), [
            {"code": "T1", "name": "餐饮单部门抽查", "year": 2026,
             "lead_department": "市市场监督管理局", "departments": "市市场监督管理局",
             "is_joint": False, "item_code": "I1", "planned_start": dt.date(2026, 10, 8),
             "planned_end": dt.date(2026, 11, 10)},
            {"code": "T2", "name": "餐饮联合抽查", "year": 2026,
             "lead_department": "市市场监督管理局", "departments": "市市场监督管理局、市卫生健康局",
             "is_joint": True, "item_code": "I1", "planned_start": dt.date(2026, 10, 8),
             "planned_end": dt.date(2026, 12, 20)},
            {"code": "T3", "name": "无范围任务", "year": 2026, "lead_department": "市商务局",
             "departments": "市商务局", "is_joint": False, "item_code": "I2",
             "planned_start": dt.date(2026, 10, 8), "planned_end": dt.date(2026, 12, 20)}])
        connection.execute(insert(SupervisionTheme), [{
            "month": "2026-11", "theme": "双随机抽查结果公示", "lead_leader": "张三（副市长）",
            "lead_unit": "市市场监督管理局",
            "linked_indicators": "inspection_disclosure_on_time_rate",
            "problems_found": 4, "rectification_list": "1. 补公示；2. 建台账",
            "due_date": dt.date(2026, 12, 31), "status": "进行中"}])


@pytest.fixture
def engine(tmp_path, monkeypatch) -> Engine:
    url = sqlite_url(tmp_path, "inspections.sqlite3")
    engine = fresh_database(url)
    _seed_directory(engine)
    monkeypatch.setenv("DATABASE_URL", url)
    cache.clear()
    return engine


def _context(engine: Engine) -> AppContext:
    settings = dataclasses.replace(Settings.from_env(), database_url=str(engine.url),
                                   today=TODAY)
    return AppContext(settings, engine)


def _results(engine: Engine, task: str) -> list:
    with engine.connect() as connection:
        return connection.execute(select(InspectionResult).where(
            InspectionResult.task_code == task).order_by(InspectionResult.object_code)).all()


def test_draw_command_records_a_reproducible_draw(engine, capsys) -> None:
    assert main(["draw", "--task", "T1", "--seed", "20261008"]) == 0
    out = capsys.readouterr().out
    assert "已记录 / recorded" in out
    rows = _results(engine, "T1")
    expected = {r: max(1, math.ceil(n * RISK_DRAW_RATIOS[r])) for r, n in SIZES.items()}
    assert len(rows) == sum(expected.values()) == 2 + 2 + 3 + 3
    with engine.connect() as connection:
        task = connection.execute(select(InspectionTask).where(InspectionTask.code == "T1")).one()
        risks = dict(connection.execute(select(InspectionObject.code,
                                               InspectionObject.risk_class)).all())
        logged = connection.scalar(select(ImportLog.domain).order_by(ImportLog.id.desc()))
    assert {r: sum(risks[x.object_code] == r for x in rows) for r in SIZES} == expected
    assert all(risks[x.object_code] != "" and x.object_code.startswith("92") for x in rows)
    assert task.draw_seed == "20261008" and task.drawn_at is not None
    assert task.directory_hash == compute_draw(engine, "T1", "20261008").directory_hash
    assert len(task.directory_hash) == 64 and logged == "inspection_draw"
    for row in rows:
        codes = row.inspector_codes.split("、")
        assert len(set(codes)) == 2 and all(c.startswith("ZF01") for c in codes)
        assert row.drawn_on == task.drawn_at.date() and row.township_code in TOWNSHIPS
    # the same seed again gives the same objects and inspectors
    assert main(["draw", "--task", "T1", "--seed", "20261008"]) == 0
    assert [(r.object_code, r.inspector_codes) for r in _results(engine, "T1")] == [
        (r.object_code, r.inspector_codes) for r in rows]
    # another seed another draw (allowed: nothing inspected yet)
    assert main(["draw", "--task", "T1", "--seed", "other"]) == 0
    assert {r.object_code for r in _results(engine, "T1")} != {r.object_code for r in rows}


def test_verify_reports_a_match_and_a_changed_directory(engine, capsys) -> None:
    assert main(["draw", "--task", "T2", "--seed", "joint-7"]) == 0
    for row in _results(engine, "T2"):
        first, second = row.inspector_codes.split("、")
        assert first.startswith("ZF01") and second.startswith("ZF02")  # one per department
    before = snapshot(engine)
    capsys.readouterr()
    assert main(["draw", "--task", "T2", "--seed", "joint-7", "--verify"]) == 0
    out = capsys.readouterr().out
    assert "directory hash matches" in out and "draw matches the record" in out
    assert snapshot(engine) == before  # verifying changes nothing
    with engine.begin() as connection:
        connection.execute(insert(InspectionObject).values(
            code="92421081Z00001", name="新餐馆", kind="个体工商户", industry="餐饮服务",
            township_code=TOWNSHIPS[0], risk_class="D"))
    assert main(["draw", "--task", "T2", "--seed", "joint-7", "--verify"]) == 1
    assert "directory hash differs" in capsys.readouterr().out
    check = verify_draw(engine, "T2", "joint-7")
    assert not check.hash_matches


def test_redrawing_an_inspected_task_is_refused_and_changes_nothing(engine, capsys) -> None:
    assert main(["draw", "--task", "T1", "--seed", "1"]) == 0
    with engine.begin() as connection:
        connection.execute(update(InspectionResult).where(
            InspectionResult.id == select(InspectionResult.id).limit(1).scalar_subquery())
            .values(inspected_on=dt.date(2026, 11, 2), result_code="01"))
    before = snapshot(engine)
    capsys.readouterr()
    assert main(["draw", "--task", "T1", "--seed", "2"]) == 2
    err = capsys.readouterr().err
    assert "不能重新抽取" in err and "cannot be drawn again" in err and "nothing was changed" in err
    assert snapshot(engine) == before


@pytest.mark.parametrize(("task", "message"), [("NOPE", "no inspection task"),
                                                ("T3", "no object scope")])
def test_draws_that_cannot_be_made_exit_2(engine, capsys, task: str, message: str) -> None:
    before = snapshot(engine)
    assert main(["draw", "--task", task, "--seed", "1"]) == 2
    assert message in capsys.readouterr().err
    assert snapshot(engine) == before


def test_queries_and_pages_on_a_drawn_task(engine) -> None:
    assert main(["draw", "--task", "T1", "--seed", "s1"]) == 0
    assert main(["draw", "--task", "T2", "--seed", "s2"]) == 0
    with engine.begin() as connection:  # one object inspected and ordered to rectify, late
        first = connection.scalar(select(InspectionResult.id).where(
            InspectionResult.task_code == "T1").order_by(InspectionResult.id).limit(1))
        connection.execute(update(InspectionResult).where(InspectionResult.id == first).values(
            inspected_on=dt.date(2026, 10, 12), result_code="07", disposal="责令整改",
            rectify_due=dt.date(2026, 11, 2)))
        connection.execute(text("UPDATE inspection_result SET drawn_on = '2026-10-08'"))
    cache.clear()
    year = parse_period("2026")
    rows = result_rows(engine, year)
    assert len(rows) == len(_results(engine, "T1")) + len(_results(engine, "T2"))
    assert {"task_name", "object_name", "township", "industry", "is_joint"} <= set(rows)
    assert rows["township"].notna().all()
    totals = aggregate(engine, "inspections", year, "county")
    assert int(totals["joint"].iloc[0]) == len(_results(engine, "T2"))
    # open items: T1 is past its planned end (11-10) with objects not inspected, one overdue
    # rectification, one result waiting for publication
    open_items = open_rows(engine, TODAY)
    assert set(open_items["task_code"]) == {"T1"}
    departments, townships = worklist_choices(engine)
    assert departments == ["市卫生健康局", "市商务局", "市市场监督管理局"]
    assert len(townships) == 15
    task, task_rows, inspectors = task_record(engine, "T2")
    assert task is not None and task["scope"] == "餐饮服务" and len(task_rows) > 0
    assert set(inspectors["department"]) == {"市市场监督管理局", "市卫生健康局"}
    assert task_record(engine, "NOPE")[0] is None
    assert supervision_theme(engine, "2026-11")["theme"] == "双随机抽查结果公示"
    assert supervision_theme(engine, "2026-10") is None

    context = _context(engine)
    title, _trail, body = inspections_page(context, "zh", {"year": "2026"})
    page = str(body)
    assert title == "双随机抽查" and "双随机抽查结果公示" in page and "逾期未整改" in page
    _title, _trail, empty = inspections_page(context, "en", {"year": "2019"})
    assert "There are no inspections in 2019." in str(empty)
    _title, _trail, listed = worklist_page(context, "zh", {"department": "市市场监督管理局"})
    grid = str(listed)
    assert all(f"'kind': '{kind}'" in grid for kind in ("任务滞后", "整改", "待公示"))
    _title, _trail, other = worklist_page(context, "zh", {"department": "市商务局"})
    assert "没有待办事项。" in str(other)
    title, _trail, record = task_page(context, "zh", {}, "T2")
    assert title == "餐饮联合抽查"
    assert "python -m dashboard draw --task T2 --seed s2 --verify" in str(record)
    assert "insp-check-good" in str(record)
    # An unknown task code is named as such, with the way back (not "unknown division code").
    title, trail, missing = task_page(context, "en", {"lang": "en"}, "NOPE")
    assert title == "Page not found" and trail[-1] == ("NOPE", None)
    assert "unknown task NOPE" in str(missing) and "/inspections?lang=en" in str(missing)
    _title, _trail, missing = task_page(context, "zh", {}, "NOPE")
    assert "未知的任务编号 NOPE" in str(missing) and "未知的区划代码" not in str(missing)
    drilled = drill_rows(context, "zh", 2026, ids.INSPECTIONS_RESULT_CHART, "07")
    assert "07 发现问题待后续处理" in str(drilled)


def test_worklist_frames_from_the_page(engine) -> None:
    from metrics.inspections import worklist

    assert main(["draw", "--task", "T1", "--seed", "s1"]) == 0
    with engine.begin() as connection:  # drawn before TODAY (the draw is dated by the clock)
        connection.execute(text("UPDATE inspection_result SET drawn_on = '2026-10-08'"))
    cache.clear()
    frame = worklist(open_rows(engine, TODAY), TODAY)
    assert frame["kind"].tolist() == ["任务滞后"]
    assert frame.loc[0, "days_left"] == -4  # planned end 11-10 (Tue) to 11-16 (Mon)


# --- the demo database --------------------------------------------------------------------------


def test_demo_year_rows_agree_with_the_indicators(demo_engine) -> None:
    from data_access.indicator_values import indicator_values
    from metrics.inspections import counts

    year = parse_period("2025")
    rows = result_rows(demo_engine, year)
    ours = counts(rows, dt.date(2026, 11, 15)).iloc[0]
    values = {v.indicator.id: v.value for v in indicator_values(
        demo_engine, year, "county", "421081000000")
        if v.indicator.domain == "inspections"}
    for indicator_id in ("inspection_completion_rate", "inspection_problem_rate",
                         "inspection_rectification_rate", "inspection_disclosure_on_time_rate",
                         "inspection_joint_share"):
        assert ours[indicator_id] == pytest.approx(values[indicator_id], abs=0.05)
    assert 0 < values["inspection_joint_share"] < 100


def test_demo_worklist_has_every_kind_of_item(demo_engine) -> None:
    from metrics.inspections import worklist

    today = dt.date(2026, 11, 15)
    frame = worklist(open_rows(demo_engine, today), today)
    assert {"整改", "待公示"} <= set(frame["kind"])
    assert frame["days_left"].is_monotonic_increasing
    assert (frame[frame["kind"] == "整改"]["days_left"] <= 5).all()
