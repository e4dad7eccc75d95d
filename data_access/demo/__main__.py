"""Development entry point: python -m data_access.demo --as-of 2026-11-15 --database-url URL.

Migrates the database, loads the reference divisions, builds the demo and prints the time each
domain took (generate / write / import). The project's CLI calls build_demo itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from data_access.db import get_engine, upgrade_to_head
from data_access.demo.build import StepTiming, build_demo
from data_access.demo.shared import DEMO_DIVISIONS
from data_access.demo.synthetic import build_synthetic
from data_access.divisions import load_divisions_file
from data_access.paths import default_database_url


def _print_step(timing: StepTiming) -> None:
    total = timing.generate_seconds + timing.write_seconds + timing.import_seconds
    print(f"{timing.domain_id:<22}{timing.rows:>9,} rows  generate {timing.generate_seconds:6.2f}s"
          f"  write {timing.write_seconds:6.2f}s  import {timing.import_seconds:6.2f}s"
          f"  total {total:6.2f}s", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m data_access.demo",
                                     description="Build the demo data / 生成演示数据")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="last day of the data (YYYY-MM-DD, default today)")
    parser.add_argument("--database-url", default=default_database_url())
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="where the county files are written (default: a new temp dir)")
    parser.add_argument("--synthetic-counties", type=int, default=0, metavar="N",
                        help="a made-up prefecture of N copies of the demo county "
                             "(data_access/demo/synthetic.py)")
    args = parser.parse_args(argv)
    work_dir = args.work_dir or Path(tempfile.mkdtemp(prefix="shishou-demo-"))
    started = time.perf_counter()
    upgrade_to_head(args.database_url)
    engine = get_engine(args.database_url)
    print(f"database ready in {time.perf_counter() - started:.2f}s; files in {work_dir}")
    if args.synthetic_counties:
        reports = build_synthetic(engine, args.as_of, work_dir, args.synthetic_counties,
                                  progress=_print_step)
    else:
        load_divisions_file(engine, DEMO_DIVISIONS)
        reports = build_demo(engine, args.as_of, work_dir, progress=_print_step)
    rows = sum(report.rows_in_file for report in reports)
    print(f"{len(reports)} files, {rows:,} rows in {time.perf_counter() - started:.2f}s")


if __name__ == "__main__":
    main()
