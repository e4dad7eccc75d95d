"""The verifiable draw (metrics/draw.py): reproducible, seed-dependent, hash of the directory,
ratios per risk class, at least two inspectors from the task's departments."""

from __future__ import annotations

import hashlib
import math
import random

import pytest

from metrics.draw import (
    DirectoryInspector,
    DirectoryObject,
    DrawError,
    canonical_directory,
    choose,
    class_quota,
    departments_of,
    directory_hash,
    draw,
    in_scope,
    parse_scope,
    rerun_command,
)
from metrics.vocabulary import RISK_CLASSES, RISK_DRAW_RATIOS

SIZES = {"A": 230, "B": 180, "C": 95, "D": 37}
DEPARTMENTS = ("市市场监督管理局", "市卫生健康局", "市商务局")


def _objects(sizes: dict[str, int] = SIZES) -> list[DirectoryObject]:
    objects = []
    for risk, size in sizes.items():
        for i in range(size):
            objects.append(DirectoryObject(f"9142{risk}{i:05d}", risk, "餐饮服务", "个体工商户"))
    random.Random(7).shuffle(objects)  # the draw must not depend on the order rows come in
    return objects


def _inspectors() -> list[DirectoryInspector]:
    return [DirectoryInspector(f"ZF{d:02d}{i:03d}", department)
            for d, department in enumerate(DEPARTMENTS, 1) for i in range(1, 7)]


def test_same_directory_and_seed_give_the_same_draw() -> None:
    first = draw(_objects(), _inspectors(), [DEPARTMENTS[0]], "20260315-01")
    again = draw(list(reversed(_objects())), list(reversed(_inspectors())), [DEPARTMENTS[0]],
                 "20260315-01")
    assert first == again
    assert first.objects  # something was drawn


def test_another_seed_gives_another_draw() -> None:
    first = draw(_objects(), _inspectors(), [DEPARTMENTS[0]], "seed-1")
    other = draw(_objects(), _inspectors(), [DEPARTMENTS[0]], "seed-2")
    assert {o.code for o in first.objects} != {o.code for o in other.objects}
    assert first.directory_hash == other.directory_hash  # same directory, same hash


def test_a_changed_directory_changes_the_hash() -> None:
    objects, inspectors = _objects(), _inspectors()
    base = directory_hash(objects, inspectors)
    assert directory_hash(list(reversed(objects)), inspectors) == base  # order does not matter
    added = [*objects, DirectoryObject("9142Z00001", "B")]
    assert directory_hash(added, inspectors) != base
    reclassed = [DirectoryObject(o.code, "D" if i == 0 else o.risk_class)
                 for i, o in enumerate(sorted(objects, key=lambda o: o.code))]
    assert directory_hash(reclassed, inspectors) != base
    assert directory_hash(objects, inspectors[1:]) != base
    moved = [DirectoryInspector(inspectors[0].code, DEPARTMENTS[2]), *inspectors[1:]]
    assert directory_hash(objects, moved) != base


def test_the_hash_is_sha256_of_the_documented_serialisation() -> None:
    objects = [DirectoryObject("B2", "C"), DirectoryObject("A1", "A")]
    inspectors = [DirectoryInspector("ZF2", "市商务局"), DirectoryInspector("ZF1", "市商务局")]
    text = ('{"inspectors":[["ZF1","市商务局"],["ZF2","市商务局"]],'
            '"objects":[["A1","A"],["B2","C"]]}')
    assert canonical_directory(objects, inspectors) == text.encode("utf-8")
    assert directory_hash(objects, inspectors) == hashlib.sha256(text.encode()).hexdigest()


def test_ratios_per_risk_class_are_respected() -> None:
    result = draw(_objects(), _inspectors(), [DEPARTMENTS[0]], "ratios")
    drawn = {risk: sum(o.risk_class == risk for o in result.objects) for risk in RISK_CLASSES}
    for risk in RISK_CLASSES:
        expected = max(1, math.ceil(SIZES[risk] * RISK_DRAW_RATIOS[risk]))
        assert drawn[risk] == expected == result.class_drawn[risk]
        assert result.class_sizes[risk] == SIZES[risk]
    # 230 × 1% = 2.3 -> 3; 180 × 2% = 3.6 -> 4; 95 × 10% = 9.5 -> 10; 37 × 30% = 11.1 -> 12
    assert drawn == {"A": 3, "B": 4, "C": 10, "D": 12}


def test_class_quota_rounds_up_and_keeps_one_of_a_small_class() -> None:
    assert class_quota(0, 0.3) == 0
    assert class_quota(1, 0.01) == 1
    assert class_quota(100, 0.07) == 7  # no float noise: 100 × 0.07 is 7.000000000000001
    assert class_quota(100, 0.3) == 30
    assert class_quota(3, 0.9) == 3


def test_empty_classes_are_skipped() -> None:
    result = draw(_objects({"A": 0, "B": 0, "C": 4, "D": 2}), _inspectors(), [DEPARTMENTS[0]],
                  "few")
    assert result.class_drawn == {"A": 0, "B": 0, "C": 1, "D": 1}


def test_every_object_has_two_distinct_inspectors_of_the_department() -> None:
    result = draw(_objects(), _inspectors(), [DEPARTMENTS[1]], "staff")
    own = {i.code for i in _inspectors() if i.department == DEPARTMENTS[1]}
    for drawn in result.objects:
        assert len(drawn.inspectors) == 2 == len(set(drawn.inspectors))
        assert set(drawn.inspectors) <= own


def test_joint_tasks_draw_one_inspector_of_each_department() -> None:
    departments = [DEPARTMENTS[2], DEPARTMENTS[0]]
    result = draw(_objects(), _inspectors(), departments, "joint")
    by_code = {i.code: i.department for i in _inspectors()}
    for drawn in result.objects:
        assert [by_code[c] for c in drawn.inspectors] == departments
    # the hash covers only the inspectors of the task's departments
    staff = [i for i in _inspectors() if i.department in departments]
    assert result.directory_hash == directory_hash(_objects(), staff)


def test_choose_uses_only_random_and_is_a_partial_fisher_yates() -> None:
    rng = random.Random(1)
    items = [f"x{i}" for i in range(10)]
    chosen = choose(rng, items, 4)
    replay = random.Random(1)
    pool = list(items)
    for i in range(4):
        j = i + int(replay.random() * (len(pool) - i))
        pool[i], pool[j] = pool[j], pool[i]
    assert chosen == pool[:4] and len(set(chosen)) == 4


def test_the_generator_is_seeded_with_the_seeds_sha256() -> None:
    seed = "764135779595"
    expected = random.Random(int(hashlib.sha256(seed.encode()).hexdigest(), 16)).random()
    from metrics.draw import generator

    assert generator(seed).random() == expected


def test_scope_selects_industries_and_kinds() -> None:
    objects = [DirectoryObject("1", "A", "餐饮服务", "个体工商户"),
               DirectoryObject("2", "A", "食品销售", "企业"),
               DirectoryObject("3", "B", "种植业", "农民专业合作社")]
    assert parse_scope("餐饮服务、*农民专业合作社") == (frozenset({"餐饮服务"}),
                                                    frozenset({"农民专业合作社"}))
    assert [o.code for o in in_scope(objects, "餐饮服务、*农民专业合作社")] == ["1", "3"]
    assert [o.code for o in in_scope(objects, "*企业")] == ["2"]
    with pytest.raises(DrawError, match="抽查对象范围"):
        in_scope(objects, "")


def test_draws_that_cannot_be_made_say_why() -> None:
    with pytest.raises(DrawError, match="两名"):
        draw(_objects(), _inspectors()[:1], [DEPARTMENTS[0]], "x")
    with pytest.raises(DrawError, match="没有执法检查人员"):
        draw(_objects(), _inspectors(), [DEPARTMENTS[0], "市文化和旅游局"], "x")
    with pytest.raises(DrawError, match="no objects"):
        draw([], _inspectors(), [DEPARTMENTS[0]], "x")
    with pytest.raises(DrawError, match="seed"):
        draw(_objects(), _inspectors(), [DEPARTMENTS[0]], " ")


def test_departments_and_rerun_command() -> None:
    assert departments_of("市商务局、市应急管理局、市商务局") == ["市商务局", "市应急管理局"]
    assert rerun_command("SSCC2026-001", "123") == (
        "python -m dashboard draw --task SSCC2026-001 --seed 123 --verify")
    assert rerun_command("T1", "a b") == "python -m dashboard draw --task T1 --seed 'a b' --verify"
