"""build_demo: generate every domain, write the files a county would fill in, import them.

Files go to `work_dir` as `NN_<domain>.xlsx` (small domains) or `.csv` (service cases and
volunteer activities), then each is loaded through the ordinary importer, in dependency order,
so the demo exercises exactly the path real county files take.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from data_access.demo import economy
from data_access.demo.provenance import mark_demo_imports
from data_access.demo.shared import (
    DEMO_DIVISIONS,
    DemoContext,
    Step,
    file_frame,
    make_context,
    make_xlsx_reproducible,
)
from data_access.divisions import divisions_frame, load_divisions_file
from data_access.importing.domains import DOMAINS
from data_access.importing.runner import ImportReport, import_file
from data_access.importing.template import write_rows
from metrics.domains import DOMAINS as DECLARED_DOMAINS
from metrics.domains import DomainSpec, domain_part

FIRST_AS_OF_YEAR = 2020  # 2019 (the seed article's year) must be a complete year


def _domain_steps(domain: DomainSpec) -> tuple[Step, ...]:
    return tuple(domain_part(domain, "data_access.demo", "STEPS").STEPS)


# Every template's demo step: the declared domains' (metrics/domains.py) in their order.
STEPS: tuple[Step, ...] = tuple(step for domain in DECLARED_DOMAINS
                           for step in _domain_steps(domain))


NEEDED_LATER = frozenset(need for step in STEPS for need in step.needs)


@dataclass(frozen=True)
class StepTiming:
    domain_id: str
    path: Path
    rows: int
    generate_seconds: float
    write_seconds: float
    import_seconds: float


def demo_context(engine: Engine, as_of: dt.date) -> DemoContext:
    if as_of > dt.date.today():
        raise ValueError(f"as_of {as_of} is in the future / 截止日期晚于今天")
    if as_of.year < FIRST_AS_OF_YEAR:
        raise ValueError(f"as_of must be in {FIRST_AS_OF_YEAR} or later / 截止日期须在"
                         f"{FIRST_AS_OF_YEAR}年以后")
    divisions = divisions_frame(engine)
    return make_context(divisions, as_of, economy.generate_population(divisions))


def file_path(work_dir: Path, step: Step) -> Path:
    return work_dir / f"{STEPS.index(step) + 1:02d}_{step.domain_id}{step.suffix}"


def _write(engine: Engine, ctx: DemoContext, step: Step, frame: pd.DataFrame,
           work_dir: Path) -> Path:
    domain = DOMAINS[step.domain_id]
    path = write_rows(domain, file_frame(domain, frame), file_path(work_dir, step), engine)
    if step.suffix == ".xlsx":
        make_xlsx_reproducible(path, ctx.as_of)
    return path


def build_demo(engine: Engine, as_of: dt.date, work_dir: Path,
               progress: Callable[[StepTiming], None] | None = None) -> list[ImportReport]:
    """Generates the demo data up to as_of, writes the county files, imports them all, and
    logs the marker that tells these imports from real ones (data_access/demo/provenance.py).
    The demo county's divisions are loaded first."""
    load_divisions_file(engine, DEMO_DIVISIONS)
    ctx = demo_context(engine, as_of)
    work_dir.mkdir(parents=True, exist_ok=True)
    made: dict[str, pd.DataFrame] = {}
    reports = []
    for step in STEPS:
        started = time.perf_counter()
        frame = step.generate(ctx, made)
        if step.domain_id in NEEDED_LATER:  # the 800k service cases are not kept
            made[step.domain_id] = frame
        generated = time.perf_counter()
        path = _write(engine, ctx, step, frame, work_dir)
        rows = len(frame)
        del frame
        written = time.perf_counter()
        reports.append(import_file(engine, path, step.domain_id))
        if progress is not None:
            progress(StepTiming(step.domain_id, path, rows, generated - started,
                                written - generated, time.perf_counter() - written))
    mark_demo_imports(engine, reports, as_of)
    return reports


def write_demo_files(engine: Engine, as_of: dt.date, work_dir: Path,
                     domain_ids: Iterable[str] | None = None) -> list[Path]:
    """Only writes the files (no import), e.g. to check that two builds are byte-identical."""
    wanted = set(domain_ids) if domain_ids is not None else {s.domain_id for s in STEPS}
    needed = set(wanted)
    for step in reversed(STEPS):
        if step.domain_id in needed:
            needed.update(step.needs)
    ctx = demo_context(engine, as_of)
    made: dict[str, pd.DataFrame] = {}
    paths = []
    for step in STEPS:
        if step.domain_id not in needed:
            continue
        made[step.domain_id] = frame = step.generate(ctx, made)
        if step.domain_id in wanted:
            paths.append(_write(engine, ctx, step, frame, work_dir))
    return paths
