"""The recorded draw of a task: read its directory, draw (metrics/draw.py), store it in one
transaction, or re-compute a stored draw and compare it without changing anything."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update

from data_access.models import (
    ImportLog,
    InspectionItem,
    InspectionObject,
    InspectionResult,
    InspectionTask,
    Inspector,
)
from metrics.draw import (
    DirectoryInspector,
    DirectoryObject,
    Draw,
    DrawError,
    departments_of,
    draw,
    in_scope,
)

DRAW_LOG_DOMAIN = "inspection_draw"


class DrawRefused(DrawError):
    """The task cannot be (re)drawn; nothing was changed."""


@dataclass(frozen=True)
class TaskDirectory:
    task_code: str
    scope: str
    departments: list[str]
    objects: list[DirectoryObject]
    inspectors: list[DirectoryInspector]


@dataclass(frozen=True)
class Verification:
    draw: Draw
    stored_hash: str | None
    stored: dict[str, tuple[str, ...]]  # object code -> inspector codes, as recorded

    @property
    def hash_matches(self) -> bool:
        return self.stored_hash == self.draw.directory_hash

    @property
    def draw_matches(self) -> bool:
        return self.stored == {o.code: o.inspectors for o in self.draw.objects}


def task_directory(engine: Engine, task_code: str) -> TaskDirectory:
    """The task's scope: objects of its item's scope and inspectors of its departments."""
    with engine.connect() as connection:
        task = connection.execute(
            select(InspectionTask.code, InspectionTask.departments, InspectionItem.scope)
            .join(InspectionItem, InspectionItem.code == InspectionTask.item_code)
            .where(InspectionTask.code == task_code)).first()
        if task is None:
            raise DrawError(f"没有编号为 {task_code} 的抽查任务 / no inspection task {task_code}")
        departments = departments_of(task.departments)
        objects = [DirectoryObject(r.code, r.risk_class, r.industry, r.kind)
                   for r in connection.execute(
                       select(InspectionObject.code, InspectionObject.risk_class,
                              InspectionObject.industry, InspectionObject.kind)
                       .order_by(InspectionObject.code))]
        inspectors = [DirectoryInspector(r.code, r.department) for r in connection.execute(
            select(Inspector.code, Inspector.department)
            .where(Inspector.department.in_(departments)).order_by(Inspector.code))]
    return TaskDirectory(task.code, task.scope or "", departments,
                         in_scope(objects, task.scope), inspectors)


def compute_draw(engine: Engine, task_code: str, seed: str) -> Draw:
    directory = task_directory(engine, task_code)
    return draw(directory.objects, directory.inspectors, directory.departments, seed)


def store_draw(engine: Engine, task_code: str, seed: str, now: dt.datetime) -> Draw:
    """Draws the task and records it (results, seed, directory hash, time) in one transaction.

    Refuses, changing nothing, when any of the task's objects has already been inspected."""
    result = compute_draw(engine, task_code, seed)
    townships = dict(_object_townships(engine, [o.code for o in result.objects]))
    with engine.begin() as connection:
        inspected = connection.scalar(
            select(func.count()).select_from(InspectionResult)
            .where(InspectionResult.task_code == task_code,
                   InspectionResult.inspected_on.is_not(None))) or 0
        if inspected:
            raise DrawRefused(
                f"任务 {task_code} 已有 {inspected} 个对象完成检查，不能重新抽取；未做任何修改 / "
                f"task {task_code} already has {inspected} inspected objects and cannot be "
                "drawn again; nothing was changed")
        connection.execute(delete(InspectionResult).where(InspectionResult.task_code == task_code))
        if result.objects:
            connection.execute(InspectionResult.__table__.insert(), [
                {"task_code": task_code, "object_code": o.code,
                 "township_code": townships[o.code], "inspector_codes": "、".join(o.inspectors),
                 "drawn_on": now.date()} for o in result.objects])
        connection.execute(update(InspectionTask).where(InspectionTask.code == task_code)
                           .values(draw_seed=result.seed, directory_hash=result.directory_hash,
                                   drawn_at=now.replace(microsecond=0)))
        # Logged like an import, so cached figures and the data time follow the change.
        connection.execute(ImportLog.__table__.insert().values(
            domain=DRAW_LOG_DOMAIN, file_name=f"draw {task_code} seed {result.seed}",
            sha256=result.directory_hash, rows_in_file=len(result.objects),
            rows_inserted=len(result.objects), rows_updated=0, imported_at=now))
    return result


def verify_draw(engine: Engine, task_code: str, seed: str) -> Verification:
    """Re-computes the draw from today's directory and compares it with the recorded one."""
    result = compute_draw(engine, task_code, seed)
    with engine.connect() as connection:
        stored_hash = connection.scalar(select(InspectionTask.directory_hash)
                                        .where(InspectionTask.code == task_code))
        rows = connection.execute(select(InspectionResult.object_code,
                                         InspectionResult.inspector_codes)
                                  .where(InspectionResult.task_code == task_code)).all()
    stored = {r.object_code: tuple(p for p in r.inspector_codes.split("、") if p) for r in rows}
    return Verification(result, stored_hash, stored)


def _object_townships(engine: Engine, codes: list[str]) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        return [(r.code, r.township_code) for r in connection.execute(
            select(InspectionObject.code, InspectionObject.township_code)
            .where(InspectionObject.code.in_(codes)))] if codes else []
