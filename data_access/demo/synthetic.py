"""Synthetic counties for benchmarks: the demo county's divisions and records, copied under
made-up codes and names, through the ordinary importer.

`build_synthetic(engine, as_of, work_dir, counties)` imports, with the divisions template, a
made-up prefecture 合成市 (429900000000: Hubei has no 99th prefecture) and `counties` counties
合成01县 ... (4299kk000000), each with the demo county's townships and villages under its own
codes. Then the demo's files are generated once and imported once per county, every division
code moved under that county, every key of the county's own records (case serial numbers,
teams, activities, cooperatives, inspection objects, inspectors and tasks) made its own, and
石首 in any text replaced by the county's name. The area-wide directories (service items,
inspection items, the monthly themes) are imported once. So each county is a copy of the demo
county's records: the volumes are realistic, the figures the same in every county.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from data_access.demo import economy
from data_access.demo.build import STEPS, StepTiming, file_path
from data_access.demo.provenance import mark_demo_imports
from data_access.demo.shared import (
    DEMO_COUNTY_CODE,
    DEMO_DIVISIONS,
    Step,
    file_frame,
    make_context,
)
from data_access.importing.domains import DOMAINS
from data_access.importing.runner import ImportReport, import_file
from data_access.importing.spec import Domain
from data_access.importing.template import write_rows
from data_access.importing.templates import TEMPLATES
from data_access.importing.validate import MANY_SEPARATOR

PREFECTURE = "429900000000"
PREFECTURE_NAMES = {"name": "合成市", "short_name": "合成", "name_en": "Synthetic Prefecture"}
MAX_COUNTIES = 99
DEMO_PREFIX = DEMO_COUNTY_CODE[:6]
# The demo county's names, and its real prefecture's (a department's name holds both).
DEMO_NAMES = ("石首市", "石首", "荆州市")
# Directories of the whole area, not of one county's records: imported once.
AREA_WIDE = frozenset({"service_items", "inspection_items", "supervision_themes"})
# References to the county's own records, which get the county's own keys like the records.
OWN_RECORDS = frozenset({"volunteer_team", "inspection_object", "inspector", "inspection_task"})
DIVISION_REFERENCES = frozenset({"division", "township", "village"})


def county_code(number: int) -> str:
    return f"{PREFECTURE[:4]}{number:02d}000000"


def county_names(number: int) -> tuple[str, str, str]:
    """Name, short name and English name of synthetic county `number`."""
    return f"合成{number:02d}县", f"合成{number:02d}", f"Synthetic {number:02d}"


def _demo_divisions() -> pd.DataFrame:
    return pd.read_csv(DEMO_DIVISIONS, dtype=str, keep_default_na=False).set_index("code")


def synthetic_divisions(counties: int) -> pd.DataFrame:
    """The divisions template's rows: the prefecture, then each county's copy of the demo's."""
    if not 1 <= counties <= MAX_COUNTIES:
        raise ValueError(f"1 to {MAX_COUNTIES} synthetic counties / 合成县数应为1至{MAX_COUNTIES}")
    demo = _demo_divisions().reset_index()
    rows = [pd.DataFrame([{"code": PREFECTURE, "level": "prefecture", "parent_code": "",
                           "unit_type": "地级市", **PREFECTURE_NAMES}])]
    for number in range(1, counties + 1):
        code = county_code(number)
        copy = demo.assign(code=_moved(demo["code"], code),
                           parent_code=_moved(demo["parent_code"], code))
        name, short, english = county_names(number)
        own = copy["level"] == "county"
        copy.loc[own, ["name", "short_name", "name_en", "parent_code"]] = \
            [name, short, english, PREFECTURE]
        rows.append(copy)
    return pd.concat(rows, ignore_index=True)


def _moved(codes: pd.Series, county: str) -> pd.Series:
    """Division codes of the demo county moved under `county` (others as they are)."""
    text = codes.astype(object)
    under = text.str.startswith(DEMO_PREFIX, na=False)
    return text.where(~under, county[:6] + text.str.slice(6))


def _own_key(values: pd.Series, number: int, many: bool) -> pd.Series:
    """A key of the demo county's records made county `number`'s: the demo's division prefix
    replaced where the key holds one, else a K<nn>- prefix; each of several codes so."""
    prefix = county_code(number)[:6]

    def single(value: str) -> str:
        return prefix + value[6:] if value.startswith(DEMO_PREFIX) else f"K{number:02d}-{value}"

    def one(value: object) -> object:
        if not isinstance(value, str) or not value:
            return value
        if many:
            return "、".join(single(part) for part in MANY_SEPARATOR.split(value) if part)
        return single(value)
    return values.map(one)


def county_copy(domain: Domain, rows: pd.DataFrame, number: int) -> pd.DataFrame:
    """A demo file's rows (as `file_frame` gives them) made county `number`'s."""
    code = county_code(number)
    name, short, _ = county_names(number)
    copy = rows.copy()
    for column in domain.columns:
        if column.key not in copy:
            continue
        values = copy[column.key]
        own = column.reference in OWN_RECORDS or (column.key in domain.natural_key
                                                   and column.reference is None)
        if own and column.kind == "text":
            copy[column.key] = _own_key(values, number, column.many)
        elif column.reference in DIVISION_REFERENCES or (column.reference is None
                                                         and column.kind == "text"):
            # Division codes, and numbers issued in the county (a certificate's) that begin
            # with its code.
            copy[column.key] = _moved(values, code)
    return renamed(domain, copy, name, short)


def renamed(domain: Domain, rows: pd.DataFrame, name: str, short: str) -> pd.DataFrame:
    """The rows with the demo county's name in any text (a department, a team's name) replaced
    by `name`, and its short form by `short`."""
    copy = rows.copy()
    for column in domain.columns:
        values = copy.get(column.key)
        if column.kind == "text" and column.reference is None and values is not None \
                and values.dtype == object:
            copy[column.key] = values.str.replace(DEMO_NAMES[0], name, regex=False) \
                .str.replace(DEMO_NAMES[1], short, regex=False) \
                .str.replace(DEMO_NAMES[2], PREFECTURE_NAMES["name"], regex=False)
    return copy


def build_synthetic(engine: Engine, as_of: dt.date, work_dir: Path, counties: int,
                    progress: Callable[[StepTiming], None] | None = None,
                    domain_ids: frozenset[str] | None = None) -> list[ImportReport]:
    """Imports the synthetic prefecture's divisions, then each template's demo rows once per
    county (or once, for the area-wide directories); `domain_ids` limits the templates to
    those and the ones their rows refer to. Logs the demo marker over all these imports."""
    work_dir.mkdir(parents=True, exist_ok=True)
    divisions = TEMPLATES["divisions"]
    reports = [import_file(engine, write_rows(divisions, synthetic_divisions(counties),
                                              work_dir / "00_divisions.csv"))]
    for step, rows, took in _demo_rows(as_of, domain_ids):
        numbers = [1] if step.domain_id in AREA_WIDE else range(1, counties + 1)
        for number in numbers:
            begun = time.perf_counter()
            path = _county_file(step, rows, number, work_dir)
            written = time.perf_counter()
            reports.append(import_file(engine, path, step.domain_id))
            path.unlink()  # a county's 800,000 cases need not stay on disk
            if progress is not None:
                progress(StepTiming(f"{step.domain_id} #{number:02d}", path, len(rows),
                                    took if number == 1 else 0.0,
                                    written - begun, time.perf_counter() - written))
    mark_demo_imports(engine, reports, as_of)
    return reports


def county_file(domain_id: str, number: int, as_of: dt.date, work_dir: Path) -> Path:
    """County `number`'s file of a template as build_synthetic imports it with the same
    `as_of` (for benchmarks: a county's file sent again)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    for step, rows, _ in _demo_rows(as_of, frozenset({domain_id})):
        if step.domain_id == domain_id:
            return _county_file(step, rows, number, work_dir)
    raise ValueError(f"no such template: {domain_id}")


def _demo_rows(as_of: dt.date, domain_ids: frozenset[str] | None) \
        -> Iterator[tuple[Step, pd.DataFrame, float]]:
    """Each template's demo rows as its file holds them, in import order, with the seconds
    generating them took: the templates of `domain_ids` (None: all) and those their rows
    refer to."""
    demo = _demo_divisions()
    ctx = make_context(demo, as_of, economy.generate_population(demo))
    wanted = set(domain_ids if domain_ids is not None else (s.domain_id for s in STEPS))
    for step in reversed(STEPS):
        if step.domain_id in wanted:
            wanted.update(step.needs)
    made: dict[str, pd.DataFrame] = {}
    for step in STEPS:
        if step.domain_id not in wanted:
            continue
        started = time.perf_counter()
        made[step.domain_id] = frame = step.generate(ctx, made)
        rows = file_frame(DOMAINS[step.domain_id], frame)
        yield step, rows, time.perf_counter() - started


def _county_file(step: Step, rows: pd.DataFrame, number: int, work_dir: Path) -> Path:
    """The demo file's rows made county `number`'s (the area's, for an area-wide directory),
    written."""
    domain = DOMAINS[step.domain_id]
    copy = (renamed(domain, rows, PREFECTURE_NAMES["name"], PREFECTURE_NAMES["short_name"])
            if step.domain_id in AREA_WIDE else county_copy(domain, rows, number))
    path = file_path(work_dir, step)
    return write_rows(domain, copy, path.with_stem(f"{path.stem}_{number:02d}"))
