"""A draw anyone can verify: "双随机" objects and inspectors as a pure function of
(the sorted directory, the published seed).

The algorithm (what a supervisor re-implements or re-runs with `python -m dashboard draw`):

1. **Scope.** The objects are those of the object directory (检查对象名录库) in the task item's
   scope (抽查对象范围, `InspectionItem.scope`): the industries listed there, separated by 、,
   plus, for an entry written ``*企业`` / ``*个体工商户`` / ``*农民专业合作社``, every object of
   that kind. The inspectors are those of the inspector directory (执法检查人员名录库) whose
   department is one of the task's departments.
2. **Canonical directory.** Objects as ``[code, risk_class]`` sorted by code, inspectors as
   ``[code, department]`` sorted by code, serialised as
   ``{"inspectors": [...], "objects": [...]}`` by ``json.dumps(..., ensure_ascii=False,
   sort_keys=True, separators=(",", ":"))`` in UTF-8. Its SHA-256 (hex) is the directory hash
   stored with the task: a changed directory gives another hash.
3. **Generator.** ``random.Random(int(sha256(seed.encode("utf-8")).hexdigest(), 16))``: Python's
   Mersenne Twister seeded with the 256-bit integer of the seed's hash. Only its ``random()``
   is used (the one method Python guarantees to reproduce for a seed across versions).
4. **Objects.** For each risk class in the order A, B, C, D with ``n > 0`` objects in scope:
   ``k = min(n, ceil(n × ratio))`` (ratios in `metrics.vocabulary.RISK_DRAW_RATIOS`, so at
   least one object of every non-empty class), chosen by a partial Fisher-Yates shuffle of the
   class's codes in code order: for ``i`` in ``0 .. k-1``, ``j = i + floor(random() × (n - i))``,
   swap items ``i`` and ``j``; the first ``k`` are drawn.
5. **Inspectors.** For each drawn object in code order: a single-department task draws two
   distinct inspectors of the department (the same partial shuffle over its inspectors sorted
   by code); a joint task draws one inspector of each of its departments, in the order the
   departments are listed, so every object has at least two inspectors, all of them from the
   task's departments.

The same directory and seed always give the same draw; the stored hash shows whether the
directory is still the one drawn from.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from metrics.vocabulary import RISK_CLASSES, RISK_DRAW_RATIOS

SCOPE_SEPARATOR = "、"
KIND_MARK = "*"
INSPECTORS_PER_OBJECT = 2


class DrawError(ValueError):
    """A draw that cannot be made; the message is in Chinese and English."""


@dataclass(frozen=True)
class DirectoryObject:
    code: str
    risk_class: str
    industry: str = ""
    kind: str = ""


@dataclass(frozen=True)
class DirectoryInspector:
    code: str
    department: str


@dataclass(frozen=True)
class DrawnObject:
    code: str
    risk_class: str
    inspectors: tuple[str, ...]


@dataclass(frozen=True)
class Draw:
    seed: str
    directory_hash: str
    objects: tuple[DrawnObject, ...]
    class_sizes: dict[str, int]  # objects in scope per risk class
    class_drawn: dict[str, int]  # objects drawn per risk class


def parse_scope(scope: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """(industries, kinds) of an item's 抽查对象范围."""
    parts = [p.strip() for p in (scope or "").split(SCOPE_SEPARATOR) if p.strip()]
    kinds = frozenset(p[len(KIND_MARK):] for p in parts if p.startswith(KIND_MARK))
    return frozenset(p for p in parts if not p.startswith(KIND_MARK)), kinds


def in_scope(objects: Iterable[DirectoryObject], scope: str | None) -> list[DirectoryObject]:
    industries, kinds = parse_scope(scope)
    if not industries and not kinds:
        raise DrawError("抽查事项没有填写抽查对象范围 / the inspection item has no object scope")
    return [o for o in objects if o.industry in industries or o.kind in kinds]


def departments_of(departments: str) -> list[str]:
    """The task's departments in the order listed (、-separated), without repeats."""
    seen: list[str] = []
    for part in departments.split(SCOPE_SEPARATOR):
        if part.strip() and part.strip() not in seen:
            seen.append(part.strip())
    return seen


def canonical_directory(objects: Iterable[DirectoryObject],
                        inspectors: Iterable[DirectoryInspector]) -> bytes:
    payload = {
        "objects": sorted([o.code, o.risk_class] for o in objects),
        "inspectors": sorted([i.code, i.department] for i in inspectors),
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def directory_hash(objects: Iterable[DirectoryObject],
                   inspectors: Iterable[DirectoryInspector]) -> str:
    return hashlib.sha256(canonical_directory(objects, inspectors)).hexdigest()


def generator(seed: str) -> random.Random:
    return random.Random(int(hashlib.sha256(seed.encode("utf-8")).hexdigest(), 16))


def class_quota(size: int, ratio: float) -> int:
    """Objects drawn from a risk class of `size`: ceil(size × ratio), at least 1, at most size."""
    if size <= 0:
        return 0
    # round() first so that e.g. 100 × 0.07 = 7.000000000000001 is 7, not 8.
    return min(size, max(1, math.ceil(round(size * ratio, 9))))


def choose(rng: random.Random, items: Sequence[str], count: int) -> list[str]:
    """The first `count` of a partial Fisher-Yates shuffle driven by rng.random() only."""
    pool = list(items)
    for i in range(count):
        j = i + math.floor(rng.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


def draw(objects: Iterable[DirectoryObject], inspectors: Iterable[DirectoryInspector],
         departments: Sequence[str], seed: str) -> Draw:
    """The draw of a task from its directory (objects already in scope) and published seed."""
    seed = seed.strip()
    if not seed:
        raise DrawError("随机种子不能为空 / the seed must not be empty")
    objects = sorted(objects, key=lambda o: o.code)
    departments = list(dict.fromkeys(departments))
    staff = sorted((i for i in inspectors if i.department in departments), key=lambda i: i.code)
    if not objects:
        raise DrawError("抽查范围内没有检查对象 / no objects in the task's scope")
    by_department = {d: [i.code for i in staff if i.department == d] for d in departments}
    if len(departments) == 1 and len(by_department[departments[0]]) < INSPECTORS_PER_OBJECT:
        raise DrawError(f"{departments[0]} 执法检查人员少于两名 / fewer than two inspectors in "
                        f"{departments[0]}")
    empty = [d for d, codes in by_department.items() if not codes]
    if empty:
        raise DrawError(f"部门没有执法检查人员：{'、'.join(empty)} / departments without "
                        f"inspectors: {', '.join(empty)}")
    rng = generator(seed)
    sizes: dict[str, int] = {}
    drawn: dict[str, int] = {}
    chosen: dict[str, str] = {}
    for risk in RISK_CLASSES:
        members = [o.code for o in objects if o.risk_class == risk]
        sizes[risk] = len(members)
        quota = class_quota(len(members), RISK_DRAW_RATIOS[risk])
        drawn[risk] = quota
        chosen.update({code: risk for code in choose(rng, members, quota)})
    result = []
    for code in sorted(chosen):
        if len(departments) == 1:
            team = choose(rng, by_department[departments[0]], INSPECTORS_PER_OBJECT)
        else:
            team = [choose(rng, by_department[d], 1)[0] for d in departments]
        result.append(DrawnObject(code, chosen[code], tuple(team)))
    return Draw(seed, directory_hash(objects, staff), tuple(result), sizes, drawn)


def rerun_command(task_code: str, seed: str) -> str:
    """The command that re-computes a stored draw and compares it, changing nothing."""
    return (f"python -m dashboard draw --task {shlex.quote(task_code)} "
            f"--seed {shlex.quote(seed)} --verify")
